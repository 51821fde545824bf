//! The plan and the model as files: plan CSV, plan JSON, model summary JSON. Plain Rust, so
//! the content is tested natively; [`super::browser`] turns the text into a download.
//!
//! Per channel the plan gives: spend `x_c`, share `x_c / Σ x` of the spend placed, predicted contribution
//! `f_c(x_c)`, ROI `f_c(x_c) / x_c`, marginal ROI `f'_c(x_c)` and the optimal spend; and
//! for the whole plan: the total, predicted revenue `baseline + Σ f_c(x_c)` and media ROAS
//! `Σ f_c(x_c) / Σ x_c`. A value that cannot be computed (no optimal split, an infinite
//! marginal ROI at zero spend) is an empty CSV cell and a JSON `null`.
//!
//! That is the additive form. When channels multiply revenue (`R(x) = B̄·exp(Σ_c g_c(x_c))`)
//! the same fields hold revenue too ([`crate::planner::scenario::Planner::evaluate`]): the
//! contribution is the channel's removal effect `R(x)·(1 − exp(−g_c(x_c)))` (what revenue
//! would lose without it; these overlap and add up to more than the media revenue), the
//! marginal ROI `R(x)·g_c'(x_c)`, predicted revenue `R(x)` and media ROAS `(R(x) − B̄) / Σ x`.
//! The plan JSON and the model summary say the form (`form`); the plan CSV of a
//! multiplicative model ends with a `form` row (the additive CSV is unchanged).

use mixplan_core::model::ModelForm;
use serde::Serialize;

use crate::planner::scenario::{Planner, Scenario};

/// File name of the plan CSV.
pub const PLAN_CSV_FILE: &str = "mixplan-plan.csv";
/// File name of the plan JSON.
pub const PLAN_JSON_FILE: &str = "mixplan-plan.json";
/// File name of the model summary JSON.
pub const MODEL_JSON_FILE: &str = "mixplan-model.json";

/// One channel of the exported plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanChannel {
    /// Stable id (the data's column name).
    pub id: String,
    /// Display name.
    pub channel: String,
    /// Weekly spend.
    pub spend: f64,
    /// Share of the spend placed (`None` when nothing is placed).
    pub share: Option<f64>,
    /// Predicted weekly revenue contribution: `f_c(x_c)` (additive), or the revenue lost
    /// without the channel `R(x)·(1 − exp(−g_c(x_c)))` (multiplicative).
    pub predicted_contribution: f64,
    /// `predicted_contribution / x_c`, 0 for no spend.
    pub roi: f64,
    /// Revenue from the next dollar, `f'_c(x_c)` or `R(x)·g_c'(x_c)`; `None` where it is
    /// infinite.
    pub marginal_roi: Option<f64>,
    /// Spend in the optimal split of the same total, `None` when there is none.
    pub optimal_spend: Option<f64>,
    /// Whether the channel is locked.
    pub locked: bool,
}

/// The exported plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanExport {
    /// The model's form: `additive` or `multiplicative` (what the contributions mean).
    pub form: ModelForm,
    /// Weekly total.
    pub total: f64,
    /// Predicted weekly revenue, baseline included.
    pub predicted_revenue: f64,
    /// Media ROAS on the spend placed, `None` for no spend.
    pub roas: Option<f64>,
    /// Predicted weekly revenue of the optimal split, `None` when there is none.
    pub optimal_revenue: Option<f64>,
    /// Per channel, in model order.
    pub channels: Vec<PlanChannel>,
}

impl PlanExport {
    /// The plan of `scenario`, channels named by `planner`, `locked` per channel.
    pub fn new(planner: &Planner, scenario: &Scenario, locked: &[bool]) -> Self {
        Self {
            form: planner.model().form(),
            total: scenario.total,
            predicted_revenue: scenario.revenue,
            roas: scenario.roas_on_placed(),
            optimal_revenue: scenario.optimal_revenue(),
            channels: planner
                .channels()
                .iter()
                .zip(&scenario.rows)
                .enumerate()
                .map(|(c, (info, row))| PlanChannel {
                    id: info.id.clone(),
                    channel: info.name.clone(),
                    spend: row.spend,
                    share: row.share,
                    predicted_contribution: row.contribution,
                    roi: row.roi,
                    marginal_roi: row.marginal_roi,
                    optimal_spend: row.optimal_spend,
                    locked: locked.get(c).copied().unwrap_or(false),
                })
                .collect(),
        }
    }

    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// CSV: a header, one row per channel, then `total`, `predicted_revenue`, `roas` and
    /// `optimal_revenue` rows (name in the first column, value in `spend`'s column), and for
    /// a multiplicative model a last `form` row (`multiplicative`). Money to the cent, ratios
    /// to four decimals.
    pub fn to_csv(&self) -> String {
        let money = |v: f64| format!("{v:.2}");
        let ratio = |v: f64| format!("{v:.4}");
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = [
            "channel",
            "spend",
            "share",
            "predicted_contribution",
            "roi",
            "marginal_roi",
            "optimal_spend",
            "locked",
        ];
        let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
        for c in &self.channels {
            rows.push(vec![
                c.channel.clone(),
                money(c.spend),
                c.share.map(ratio).unwrap_or_default(),
                money(c.predicted_contribution),
                ratio(c.roi),
                c.marginal_roi.map(ratio).unwrap_or_default(),
                c.optimal_spend.map(money).unwrap_or_default(),
                c.locked.to_string(),
            ]);
        }
        let mut summary = vec![
            ("total", Some(money(self.total))),
            ("predicted_revenue", Some(money(self.predicted_revenue))),
            ("roas", self.roas.map(ratio)),
            ("optimal_revenue", self.optimal_revenue.map(money)),
        ];
        if self.form == ModelForm::Multiplicative {
            summary.push(("form", Some(self.form.to_string())));
        }
        for (name, value) in summary {
            let mut row = vec![String::new(); header.len()];
            row[0] = name.to_string();
            row[1] = value.unwrap_or_default();
            rows.push(row);
        }
        for row in rows {
            // Writing to memory cannot fail.
            let _ = writer.write_record(&row);
        }
        writer
            .into_inner()
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

/// One channel of the model summary: its fitted hyper-parameters and ROI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelChannel {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub channel: String,
    /// Carryover `θ` (geometric carryover only; absent for a Weibull kernel).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decay: Option<f64>,
    /// The Weibull kernel's shape `k` (Weibull carryover only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weibull_shape: Option<f64>,
    /// The Weibull kernel's scale `λ`, weeks (Weibull carryover only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weibull_scale: Option<f64>,
    /// The carryover's mean lag `Σ_l l·W_l`, weeks (Weibull carryover only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_lag_weeks: Option<f64>,
    /// Half-saturation `K`, weekly spend.
    pub half_saturation: f64,
    /// Hill shape `s`.
    pub shape: f64,
    /// `β`: weekly revenue at saturation (additive form), or the lift of ln revenue at
    /// saturation (multiplicative form: `0.1` ≈ +10.5 % revenue).
    pub coefficient: f64,
    /// How much the channel multiplies revenue at full saturation, `exp(β) − 1`
    /// (multiplicative form only: `β` is then in ln units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue_lift_at_saturation: Option<f64>,
    /// Revenue contribution ÷ spend over the data (the contribution of a multiplicative
    /// model: the revenue lost without the channel).
    pub roi: f64,
    /// Mean weekly spend in the data.
    pub mean_weekly_spend: f64,
}

/// The fitted model summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelExport {
    /// The model's form: `additive` (channels add revenue) or `multiplicative` (they
    /// multiply it; fitted to ln revenue), as `mixplan fit --form` names it.
    pub form: ModelForm,
    /// The carryover form (`geometric`, `weibull-cdf`, `weibull-pdf`), as `mixplan fit
    /// --carryover` names it.
    pub carryover: &'static str,
    /// Weeks in the data.
    pub weeks: usize,
    /// Weeks held out at the end.
    pub holdout_weeks: usize,
    /// Non-media weekly revenue (`B̄` of a multiplicative model).
    pub baseline_weekly_revenue: f64,
    /// Fit quality of the model, in revenue in both forms.
    pub metrics: mixplan_core::model::Metrics,
    /// Fit quality of the seed baseline (plain ridge on raw spend).
    pub baseline_metrics: mixplan_core::model::Metrics,
    /// Per channel, in model order.
    pub channels: Vec<ModelChannel>,
}

impl ModelExport {
    /// The summary of `planner`'s model.
    pub fn new(planner: &Planner) -> Self {
        let model = planner.model();
        let multiplicative = model.form() == ModelForm::Multiplicative;
        Self {
            form: model.form(),
            carryover: model.carryover_form().name(),
            weeks: model.weeks().len(),
            holdout_weeks: model.weeks().len().saturating_sub(model.holdout_start()),
            baseline_weekly_revenue: planner.baseline(),
            metrics: *model.metrics(),
            baseline_metrics: *model.baseline_metrics(),
            channels: model
                .linear_model()
                .channels()
                .iter()
                .enumerate()
                .map(|(c, ch)| {
                    let info = planner.channels().get(c);
                    ModelChannel {
                        id: info
                            .map(|i| i.id.clone())
                            .unwrap_or_else(|| ch.name.clone()),
                        channel: info
                            .map(|i| i.name.clone())
                            .unwrap_or_else(|| ch.name.clone()),
                        decay: ch.weibull.is_none().then_some(ch.decay),
                        weibull_shape: ch.weibull.map(|w| w.shape),
                        weibull_scale: ch.weibull.map(|w| w.scale),
                        mean_lag_weeks: ch
                            .weibull
                            .and_then(|w| w.kernel().ok())
                            .map(|k| k.mean_lag()),
                        half_saturation: ch.half_saturation,
                        shape: ch.shape,
                        coefficient: ch.coefficient,
                        revenue_lift_at_saturation: multiplicative.then(|| ch.coefficient.exp_m1()),
                        roi: model.channel_revenue(c).map_or(f64::NAN, |r| r.roi),
                        mean_weekly_spend: ch.mean_spend,
                    }
                })
                .collect(),
        }
    }

    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

    /// JSON numbers are read back to within one part in 10¹⁵ (serde_json's default float
    /// parser is not exactly round-trip).
    fn same(value: &serde_json::Value, expected: f64) -> bool {
        value
            .as_f64()
            .is_some_and(|v| (v - expected).abs() <= 1e-15 * expected.abs().max(1.0))
    }

    fn plan(locks: &[bool]) -> (PlanExport, Scenario) {
        let planner = fitted_planner();
        let mut budget = BudgetState::from_mix(40_000.0, planner.historical_mix());
        for (c, l) in locks.iter().enumerate() {
            budget.set_locked(c, *l);
        }
        let scenario = planner.scenario(&budget);
        (
            PlanExport::new(planner, &scenario, budget.locked()),
            scenario,
        )
    }

    #[test]
    fn the_plan_json_carries_every_figure_of_the_table() {
        let (export, scenario) = plan(&[true]);
        let value: serde_json::Value = serde_json::from_str(&export.to_json()).unwrap();
        assert_eq!(value["total"], 40_000.0);
        assert!(same(&value["predicted_revenue"], scenario.revenue));
        let channels = value["channels"].as_array().unwrap();
        assert_eq!(channels.len(), scenario.rows.len());
        let first = &channels[0];
        assert_eq!(first["id"], "paid_search");
        assert_eq!(first["locked"], true);
        assert_eq!(channels[1]["locked"], false);
        assert!(same(&first["spend"], scenario.rows[0].spend));
        assert!(same(
            &first["predicted_contribution"],
            scenario.rows[0].contribution
        ));
        assert!(same(
            &first["optimal_spend"],
            scenario.rows[0].optimal_spend.unwrap()
        ));
        let spend_sum: f64 = channels.iter().map(|c| c["spend"].as_f64().unwrap()).sum();
        assert!((spend_sum - 40_000.0).abs() < 0.01);
        let roas = value["roas"].as_f64().unwrap();
        assert!((roas - scenario.media() / 40_000.0).abs() < 1e-9);
    }

    #[test]
    fn the_plan_csv_has_a_row_per_channel_and_the_totals() {
        let (export, scenario) = plan(&[]);
        let text = export.to_csv();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(
            header.iter().collect::<Vec<_>>().join(","),
            "channel,spend,share,predicted_contribution,roi,marginal_roi,optimal_spend,locked"
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), scenario.rows.len() + 4);
        let spend: f64 = rows[..scenario.rows.len()]
            .iter()
            .map(|r| r[1].parse::<f64>().unwrap())
            .sum();
        assert!((spend - 40_000.0).abs() < 0.05, "{spend}");
        let by_name = |name: &str| rows.iter().find(|r| &r[0] == name).unwrap()[1].to_string();
        assert_eq!(by_name("total"), "40000.00");
        assert_eq!(
            by_name("predicted_revenue"),
            format!("{:.2}", scenario.revenue)
        );
        assert_eq!(
            by_name("roas").parse::<f64>().unwrap(),
            (scenario.media() / 40_000.0 * 1e4).round() / 1e4
        );
    }

    #[test]
    fn names_with_commas_and_quotes_stay_one_csv_cell() {
        let planner = fitted_planner().renamed(&["Search, \"paid\""]);
        let budget = BudgetState::from_mix(20_000.0, planner.historical_mix());
        let scenario = planner.scenario(&budget);
        let text = PlanExport::new(&planner, &scenario, budget.locked()).to_csv();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(&first[0], "Search, \"paid\"");
        assert_eq!(first.len(), 8);
    }

    #[test]
    fn the_model_summary_has_every_channel_and_the_metrics() {
        let planner = fitted_planner();
        let value: serde_json::Value =
            serde_json::from_str(&ModelExport::new(planner).to_json()).unwrap();
        let channels = value["channels"].as_array().unwrap();
        assert_eq!(
            channels.len(),
            planner.model().linear_model().channels().len()
        );
        for (exported, fitted) in channels
            .iter()
            .zip(planner.model().linear_model().channels())
        {
            assert!(same(&exported["decay"], fitted.decay));
            assert!(exported.get("weibull_shape").is_none());
            assert!(same(&exported["half_saturation"], fitted.half_saturation));
            assert!(same(&exported["shape"], fitted.shape));
            assert!(same(&exported["roi"], fitted.roi));
        }
        assert!(same(
            &value["metrics"]["r2_test"],
            planner.model().metrics().r2_test
        ));
        assert!(value["weeks"].as_u64().unwrap() > value["holdout_weeks"].as_u64().unwrap());
        assert_eq!(value["carryover"], "geometric");
    }

    #[test]
    fn a_weibull_model_summary_has_the_kernels_and_no_decay() {
        let planner = crate::planner::scenario::fitted_weibull_planner();
        let value: serde_json::Value =
            serde_json::from_str(&ModelExport::new(planner).to_json()).unwrap();
        assert_eq!(value["carryover"], "weibull-cdf");
        let channels = value["channels"].as_array().unwrap();
        for (exported, fitted) in channels
            .iter()
            .zip(planner.model().linear_model().channels())
        {
            let weibull = fitted.weibull.expect("a Weibull fit");
            assert!(exported.get("decay").is_none(), "{exported}");
            assert!(same(&exported["weibull_shape"], weibull.shape));
            assert!(same(&exported["weibull_scale"], weibull.scale));
            let lag = weibull.kernel().unwrap().mean_lag();
            assert!(same(&exported["mean_lag_weeks"], lag));
        }
    }

    #[test]
    fn a_multiplicative_export_says_its_form_and_holds_revenue() {
        let planner = fitted_multiplicative_planner();
        let budget = BudgetState::from_mix(40_000.0, planner.historical_mix());
        let scenario = planner.scenario(&budget);
        let export = PlanExport::new(planner, &scenario, budget.locked());
        let value: serde_json::Value = serde_json::from_str(&export.to_json()).unwrap();
        assert_eq!(value["form"], "multiplicative");
        // Predicted revenue and contributions (removal effects) as the core model predicts.
        let predicted = planner.model().predict(scenario.current.spend()).unwrap();
        assert!(
            (value["predicted_revenue"].as_f64().unwrap() - predicted.revenue).abs()
                < 1e-6 * predicted.revenue
        );
        for (exported, expected) in value["channels"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&predicted.contributions)
        {
            let got = exported["predicted_contribution"].as_f64().unwrap();
            assert!(
                (got - expected).abs() <= 1e-6 * expected.abs().max(1.0),
                "{got} vs {expected}"
            );
        }
        let text = export.to_csv();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), scenario.rows.len() + 5);
        let last = rows.last().unwrap();
        assert_eq!((&last[0], &last[1]), ("form", "multiplicative"));

        let model: serde_json::Value =
            serde_json::from_str(&ModelExport::new(planner).to_json()).unwrap();
        assert_eq!(model["form"], "multiplicative");
        assert!(same(&model["baseline_weekly_revenue"], planner.baseline()));
        for (c, (exported, fitted)) in model["channels"]
            .as_array()
            .unwrap()
            .iter()
            .zip(planner.model().linear_model().channels())
            .enumerate()
        {
            assert!(same(
                &exported["roi"],
                planner.model().channel_revenue(c).unwrap().roi
            ));
            assert!(same(
                &exported["revenue_lift_at_saturation"],
                fitted.coefficient.exp_m1()
            ));
        }
        assert!(same(
            &model["metrics"]["r2_test"],
            planner.model().metrics().r2_test
        ));
    }

    #[test]
    fn an_additive_export_says_its_form_and_keeps_its_csv() {
        let (export, scenario) = plan(&[]);
        let value: serde_json::Value = serde_json::from_str(&export.to_json()).unwrap();
        assert_eq!(value["form"], "additive");
        assert!(!export.to_csv().contains("form"));
        assert_eq!(export.to_csv().lines().count(), 1 + scenario.rows.len() + 4);
        let model: serde_json::Value =
            serde_json::from_str(&ModelExport::new(fitted_planner()).to_json()).unwrap();
        assert_eq!(model["form"], "additive");
        assert!(
            model["channels"][0]
                .get("revenue_lift_at_saturation")
                .is_none()
        );
    }
}
