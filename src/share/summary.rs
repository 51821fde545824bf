//! The executive summary's sentences, in plain Rust (tested natively): the headline
//! recommendation, the expected uplift, the fit quality and the caveats, in plain language.

use mixplan_core::model::{Metrics, ModelForm};

use crate::components::channel_table::{current_extrapolation_warning, extrapolation_note};
use crate::components::model_panel::WEAK_FIT_R2;
use crate::components::results_summary::OPTIMAL_TOLERANCE;
use crate::format::{currency, decimal, percent, signed_currency, signed_percent};
use crate::planner::scenario::{Planner, Scenario};
use crate::planner::validity::no_split_message;

/// Holdout R² from which the fit counts as good.
pub const GOOD_FIT_R2: f64 = 0.8;

/// The recommendation in one sentence.
///
/// With a gap `g = revenue(optimal) − revenue(current)` above
/// [`OPTIMAL_TOLERANCE`]: move to the recommended split; else keep the current one.
pub fn headline(scenario: &Scenario) -> String {
    match (&scenario.optimal, scenario.gap_to_optimal()) {
        (Err(reason), _) => format!(
            "No recommended split for {} per week: {}",
            currency(scenario.total),
            no_split_message(reason)
        ),
        (Ok(_), Some(gap)) if gap > OPTIMAL_TOLERANCE => format!(
            "Recommendation: move to the recommended split of {} per week; it is predicted to earn {} more per week.",
            currency(scenario.total),
            currency(gap)
        ),
        _ => format!(
            "Recommendation: keep the current split of {} per week; it is already the best split the model finds.",
            currency(scenario.total)
        ),
    }
}

/// The expected uplift, weekly: the recommended split against the current plan and against
/// the historical mix at the same total, `Δ = revenue(a) − revenue(b)` and `Δ / revenue(b)`.
pub fn uplift(scenario: &Scenario) -> String {
    let Some(optimal) = scenario.optimal_revenue() else {
        return format!(
            "The current plan is predicted to earn {} per week ({} vs the historical mix).",
            currency(scenario.revenue),
            signed_currency(scenario.change_vs_historical())
        );
    };
    let versus = |base: f64| {
        format!(
            "{} ({})",
            signed_currency(optimal - base),
            signed_percent((optimal - base) / base)
        )
    };
    format!(
        "Predicted weekly revenue: {} with the recommended split, {} with the current plan and {} with the historical mix. Expected uplift: {} per week over the current plan, {} over the historical mix.",
        currency(optimal),
        currency(scenario.revenue),
        currency(scenario.historical_revenue),
        versus(scenario.revenue),
        versus(scenario.historical_revenue)
    )
}

/// The model's form in words: `Model form: additive (channels add revenue)` or `Model form:
/// multiplicative (channels multiply revenue; fitted to ln revenue)`.
pub fn model_form_text(form: ModelForm) -> &'static str {
    match form {
        ModelForm::Additive => "Model form: additive (channels add revenue)",
        ModelForm::Multiplicative => {
            "Model form: multiplicative (channels multiply revenue; fitted to ln revenue)"
        }
    }
}

/// What a channel's contribution means when channels multiply revenue: its removal effect
/// `R(x)·(1 − exp(−g_c(x_c)))`, which overlaps the others'.
pub const REMOVAL_EFFECT_NOTE: &str = "In this model channels multiply revenue, so a channel's contribution is the revenue lost without it (with the other channels as planned); these amounts overlap and add up to more than the media revenue.";

/// How well the model fits, in words: good from [`GOOD_FIT_R2`], fair from
/// [`WEAK_FIT_R2`], weak below (or when the holdout R² is not a number).
pub fn fit_quality(metrics: &Metrics) -> String {
    let r2 = metrics.r2_test;
    let verdict = if r2.is_nan() || r2 < WEAK_FIT_R2 {
        "weak: treat the recommendation as directional only"
    } else if r2 < GOOD_FIT_R2 {
        "fair: the direction of the recommendation is more reliable than its exact amounts"
    } else {
        "good"
    };
    format!(
        "Fit quality is {verdict}. On weeks the model did not see, it explains {} of the variation in revenue (R² {}) and is off by {} on average (MAPE).",
        percent(r2.max(0.0)),
        decimal(r2, 2),
        percent(metrics.mape_test)
    )
}

/// The caveats: extrapolation beyond the data, what a contribution means when channels
/// multiply revenue ([`REMOVAL_EFFECT_NOTE`]), then what the model is and is not.
pub fn caveats(planner: &Planner, scenario: &Scenario) -> Vec<String> {
    let names: Vec<String> = planner.channels().iter().map(|c| c.name.clone()).collect();
    let mut caveats: Vec<String> = [
        extrapolation_note(&names, scenario),
        current_extrapolation_warning(&names, scenario),
    ]
    .into_iter()
    .filter(|note| !note.is_empty())
    .map(|note| note.trim_start_matches("* ").to_string())
    .collect();
    if planner.revenue_form().is_multiplicative() {
        caveats.push(REMOVAL_EFFECT_NOTE.to_string());
    }
    caveats.push(format!(
        "Figures are predictions for a steady weekly spend, from a model fitted on {} weeks of past data: they describe what the data suggests, not what an experiment proved.",
        planner.model().weeks().len()
    ));
    caveats.push(
        "Move budget gradually and measure: a change much larger than anything in the data can behave differently.".to_string(),
    );
    caveats
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

    #[test]
    fn the_headline_recommends_the_optimal_split_when_it_earns_more() {
        let planner = fitted_planner();
        let budget = BudgetState::from_mix(40_000.0, planner.historical_mix());
        let scenario = planner.scenario(&budget);
        let gap = scenario.gap_to_optimal().unwrap();
        assert!(gap > OPTIMAL_TOLERANCE);
        let text = headline(&scenario);
        assert!(
            text.contains("move to the recommended split of $40,000"),
            "{text}"
        );
        assert!(text.contains(&currency(gap)), "{text}");
        let uplift_text = uplift(&scenario);
        assert!(uplift_text.contains(&signed_currency(gap)), "{uplift_text}");
    }

    #[test]
    fn the_headline_says_keep_when_the_plan_is_optimal() {
        let planner = fitted_planner();
        let mut budget = BudgetState::from_mix(40_000.0, planner.historical_mix());
        let optimal = planner.scenario(&budget).optimal.unwrap();
        budget.apply(optimal.spend());
        let text = headline(&planner.scenario(&budget));
        assert!(text.contains("keep the current split"), "{text}");
    }

    #[test]
    fn fit_quality_has_three_plain_verdicts() {
        let mut metrics = *fitted_planner().model().metrics();
        metrics.r2_test = 0.9;
        assert!(fit_quality(&metrics).starts_with("Fit quality is good."));
        metrics.r2_test = 0.6;
        assert!(fit_quality(&metrics).contains("fair"));
        metrics.r2_test = f64::NAN;
        assert!(fit_quality(&metrics).contains("weak"));
    }

    #[test]
    fn caveats_name_channels_pushed_beyond_the_data() {
        let planner = fitted_planner();
        let budget = BudgetState::from_mix(100_000.0, planner.historical_mix());
        let scenario = planner.scenario(&budget);
        let caveats = caveats(planner, &scenario);
        assert!(
            caveats
                .iter()
                .any(|c| c.contains("highest weekly spend seen")),
            "{caveats:?}"
        );
        assert!(caveats.iter().all(|c| !c.starts_with('*')));
    }

    #[test]
    fn the_summary_says_the_form_and_what_a_multiplicative_contribution_is() {
        assert_eq!(
            model_form_text(fitted_multiplicative_planner().model().form()),
            "Model form: multiplicative (channels multiply revenue; fitted to ln revenue)"
        );
        assert_eq!(
            model_form_text(fitted_planner().model().form()),
            "Model form: additive (channels add revenue)"
        );
        let at = |planner: &Planner| {
            let budget =
                BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
            caveats(planner, &planner.scenario(&budget))
        };
        let multiplicative = at(fitted_multiplicative_planner());
        assert!(
            multiplicative.iter().any(|c| c == REMOVAL_EFFECT_NOTE),
            "{multiplicative:?}"
        );
        let additive = at(fitted_planner());
        assert!(
            additive.iter().all(|c| c != REMOVAL_EFFECT_NOTE),
            "{additive:?}"
        );
    }

    /// The headline's figures are revenue under the multiplicative model: the gap is
    /// `R(optimal) − R(current)` as the core model predicts them.
    #[test]
    fn a_multiplicative_headline_states_the_revenue_gap_of_the_model() {
        let planner = fitted_multiplicative_planner();
        let budget = BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        let scenario = planner.scenario(&budget);
        let optimal = scenario.optimal.as_ref().unwrap();
        let model = planner.model();
        let gap = model.predict(optimal.spend()).unwrap().revenue
            - model.predict(scenario.current.spend()).unwrap().revenue;
        assert!(gap > OPTIMAL_TOLERANCE, "{gap}");
        let text = headline(&scenario);
        assert!(
            text.contains(&format!("earn {} more per week", currency(gap))),
            "{text}"
        );
    }
}
