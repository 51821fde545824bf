//! What the "Price and promotions" panel shows, in plain Rust: the core's price elasticity
//! and promotion lift of the fitted model in its form ([`mixplan_core::pricing`], the numbers
//! `mixplan pricing --no-posterior --form additive|multiplicative` prints for the same data),
//! and the change in forecast weekly revenue for a price change and a promotion in the plan
//! period. Cheap (two least-squares fits on the weekly data), so the page derives it with
//! `Memo`s, no worker.
//!
//! In the additive form a price change moves only the revenue the media do not explain and a
//! promotion adds a fixed amount, so the effects do not depend on the media plan; in the
//! multiplicative form media, price and promotion multiply, so the effects scale the media
//! plan's forecast weekly revenue `R(x)` (see `mixplan_core::pricing`'s sensitivity table).

use mixplan_core::data::WeeklyData;
use mixplan_core::pricing::{Interval, PricingParams, PricingReport, estimate_pricing_for};

use super::scenario::Planner;

/// Smallest price change the panel offers, percent.
pub const MIN_PRICE_CHANGE_PCT: i32 = -20;
/// Largest price change the panel offers, percent.
pub const MAX_PRICE_CHANGE_PCT: i32 = 20;

/// The columns of `params` that `data` lacks, each as `'name' (what it holds)`.
fn missing_columns(data: &WeeklyData, params: &PricingParams) -> Vec<String> {
    let has = |name: &str| data.controls().iter().any(|c| c.name == name);
    let wanted = [
        (
            &params.price,
            "the price index: 1.00 at the usual price, 0.95 five per cent below; every week above 0",
        ),
        (
            &params.promotion,
            "the promotion depth: 0 in weeks without a promotion, 0.2 for 20 % off",
        ),
    ];
    wanted
        .iter()
        .filter(|(name, _)| !has(name))
        .map(|(name, what)| format!("'{name}' ({what})"))
        .collect()
}

/// The panel's message when the data lack a column: which and how to add it.
pub fn missing_message(missing: &[String]) -> String {
    let (columns, pronoun) = match missing {
        [one] => (format!("a weekly column {one}"), "it"),
        _ => (format!("weekly columns {}", missing.join(" and ")), "them"),
    };
    format!(
        "Price and promotion effects need {columns}, which your data lack. Add {pronoun} to your file and give {pronoun} the role “control” when you map its columns."
    )
}

/// The price elasticity and promotion lift of the planner's model and data, in the model's
/// form (ordinary least squares, no posterior: as `mixplan pricing --no-posterior` with the
/// same `--form`), or the message saying why there are none.
///
/// # Errors
/// The missing-column message ([`missing_message`]), or the core's error in words.
pub fn pricing_report(planner: &Planner) -> Result<PricingReport, String> {
    let data = planner.data();
    let params = PricingParams::default();
    let missing = missing_columns(data, &params);
    if !missing.is_empty() {
        return Err(missing_message(&missing));
    }
    params
        .check(data)
        .and_then(|valid| estimate_pricing_for(data, planner.model(), &valid))
        .map_err(|e| format!("Price and promotion effects could not be estimated: {e}."))
}

/// The sensitivity settings: a price change and whether the plan period has a promotion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricingSetting {
    /// Price change, whole percent in [`MIN_PRICE_CHANGE_PCT`, `MAX_PRICE_CHANGE_PCT`].
    pub price_change_pct: i32,
    /// A promotion in every week of the plan period, at `depth`.
    pub promotion: bool,
    /// Promotion depth, in the promotion column's units.
    pub depth: f64,
}

/// The change in forecast weekly revenue of a setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricingEffect {
    /// From the price change ([`PricingReport::price_change_at`]).
    pub price: Interval,
    /// From the promotion ([`PricingReport::promotion_effect_at`]; 0 when off).
    pub promotion: Interval,
    /// Both ([`PricingReport::combined_effect_at`]): additive, the estimates add, and so do
    /// the ends (the two intervals come from separate regressions, so adding ends is the
    /// conservative range); multiplicative, the two factors multiply the plan's revenue,
    /// `R·((1 + x)^ε·exp(δ·D) − 1)`, lower ends together and upper ends together.
    pub total: Interval,
}

impl PricingEffect {
    /// The effect of `setting` on weekly revenue under `report`, in a plan whose forecast
    /// weekly revenue (media included) is `plan_revenue` (the multiplicative form scales it;
    /// the additive form does not use it).
    ///
    /// # Errors
    /// A message when the price change or the depth is out of range, or (multiplicative
    /// form) the plan's revenue is not above zero.
    pub fn of(
        report: &PricingReport,
        setting: PricingSetting,
        plan_revenue: f64,
    ) -> Result<Self, String> {
        if !(MIN_PRICE_CHANGE_PCT..=MAX_PRICE_CHANGE_PCT).contains(&setting.price_change_pct) {
            return Err(format!(
                "A price change of {} % is outside the range offered; give {MIN_PRICE_CHANGE_PCT} to +{MAX_PRICE_CHANGE_PCT} %.",
                setting.price_change_pct
            ));
        }
        let change = f64::from(setting.price_change_pct) / 100.0;
        let depth = if setting.promotion {
            setting.depth
        } else {
            0.0
        };
        let words = |e: mixplan_core::pricing::PricingError| format!("{e}.");
        let price = report
            .price_change_at(change, plan_revenue)
            .map_err(words)?;
        let promotion = report
            .promotion_effect_at(depth, plan_revenue)
            .map_err(words)?;
        let total = report
            .combined_effect_at(change, depth, plan_revenue)
            .map_err(words)?;
        Ok(Self {
            price,
            promotion,
            total,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};
    use mixplan_core::model::ModelForm;

    /// The forecast weekly revenue of the historical mix at its own total.
    fn historical_revenue(planner: &Planner) -> f64 {
        let budget = BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        planner.scenario(&budget).revenue
    }

    #[test]
    fn the_effect_adds_the_price_change_and_the_promotion() {
        let planner = fitted_planner();
        let report = pricing_report(planner).expect("store has both columns");
        assert_eq!(report.form, ModelForm::Additive);
        let revenue = historical_revenue(planner);
        let depth = report.promotion.mean_depth;
        let off = PricingEffect::of(
            &report,
            PricingSetting {
                price_change_pct: -10,
                promotion: false,
                depth,
            },
            revenue,
        )
        .expect("in range");
        // A price cut raises revenue when the elasticity is negative, by mean(b)·(0.9^ε − 1).
        assert!(report.elasticity.log_log.estimate < 0.0);
        let expected =
            report.mean_base_revenue * (0.9f64.powf(report.elasticity.log_log.estimate) - 1.0);
        assert!((off.price.estimate - expected).abs() < 1e-9 * expected.abs());
        assert_eq!(off.promotion.estimate, 0.0);
        assert_eq!(
            off.total,
            Interval {
                level: off.price.level,
                ..off.price
            }
        );
        let on = PricingEffect::of(
            &report,
            PricingSetting {
                promotion: true,
                ..PricingSetting {
                    price_change_pct: -10,
                    promotion: false,
                    depth,
                }
            },
            revenue,
        )
        .expect("in range");
        assert!(
            (on.promotion.estimate - report.promotion.lift.estimate).abs()
                < 1e-6 * report.promotion.lift.estimate
        );
        assert!((on.total.estimate - off.price.estimate - on.promotion.estimate).abs() < 1e-6);
        assert!(on.total.lower < on.total.estimate && on.total.estimate < on.total.upper);
        let outside = PricingSetting {
            price_change_pct: 25,
            promotion: false,
            depth,
        };
        assert!(PricingEffect::of(&report, outside, revenue).is_err());
        // Additive: the effects do not depend on the media plan's revenue (price moves the
        // revenue the media do not explain, a promotion adds γ_d·D).
        let setting = PricingSetting {
            price_change_pct: 5,
            promotion: true,
            depth,
        };
        assert_eq!(
            PricingEffect::of(&report, setting, revenue),
            PricingEffect::of(&report, setting, 2.0 * revenue)
        );
    }

    /// In the multiplicative form media, price and promotion multiply, so the effects scale
    /// the media plan's forecast `R(x)`: `R·((1 + x)^ε − 1)`, `R·(exp(δ·D) − 1)`, together
    /// `R·((1 + x)^ε·exp(δ·D) − 1)`; and the model's own price coefficient predicts a change
    /// inside the interval.
    #[test]
    fn in_the_multiplicative_form_the_effects_scale_the_plans_forecast() {
        let planner = fitted_multiplicative_planner();
        let report = pricing_report(planner).expect("the multiplicative form is estimated");
        assert_eq!(report.form, ModelForm::Multiplicative);
        let revenue = historical_revenue(planner);
        assert!(revenue > report.mean_base_revenue, "media add to the base");
        let e = report.elasticity.log_log.estimate;
        let delta = report.promotion.log_coefficient.expect("δ in this form");
        let depth = report.promotion.mean_depth;
        let setting = PricingSetting {
            price_change_pct: -10,
            promotion: true,
            depth,
        };
        let effect = PricingEffect::of(&report, setting, revenue).expect("in range");
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs();
        let price_factor = 0.9f64.powf(e);
        let promotion_factor = (delta.estimate * depth).exp();
        assert!(close(effect.price.estimate, revenue * (price_factor - 1.0)));
        assert!(close(
            effect.promotion.estimate,
            revenue * (promotion_factor - 1.0)
        ));
        // The combined forecast is the plan's forecast times both factors.
        assert!(close(
            revenue + effect.total.estimate,
            revenue * price_factor * promotion_factor
        ));
        for i in [effect.price, effect.promotion, effect.total] {
            assert!(i.lower < i.estimate && i.estimate < i.upper, "{i:?}");
        }
        // A plan earning twice as much gains twice as much.
        let doubled = PricingEffect::of(&report, setting, 2.0 * revenue).expect("in range");
        assert!(close(doubled.total.estimate, 2.0 * effect.total.estimate));
        assert!(close(doubled.total.lower, 2.0 * effect.total.lower));
        // The model's own price term (ln y moves by γ̂·Δp = model_implied·x at the mean price)
        // predicts a change inside the interval.
        let implied = report.elasticity.model_implied.expect("model given");
        let by_model = revenue * (implied * -0.1f64).exp_m1();
        assert!(
            effect.price.lower <= by_model && by_model <= effect.price.upper,
            "{by_model} not in {:?}",
            effect.price
        );
        // Off and 0 %: nothing changes.
        let none = PricingEffect::of(
            &report,
            PricingSetting {
                price_change_pct: 0,
                promotion: false,
                depth,
            },
            revenue,
        )
        .expect("in range");
        assert_eq!(none.total.estimate, 0.0);
        assert!(PricingEffect::of(&report, setting, 0.0).is_err());
    }

    #[test]
    fn missing_columns_are_named_with_how_to_add_them() {
        let one = missing_message(&["'promotion' (the depth)".to_string()]);
        assert!(one.contains("a weekly column 'promotion'"), "{one}");
        assert!(one.contains("role “control”"), "{one}");
        let both = missing_message(&["'price_index' (p)".into(), "'promotion' (d)".into()]);
        assert!(
            both.contains("weekly columns 'price_index' (p) and 'promotion' (d)"),
            "{both}"
        );
        assert!(both.contains("Add them"), "{both}");
    }
}
