//! The recommended split for one budget state: the core's recommendation rule
//! ([`mixplan_core::model::posterior::recommend`]) over the posterior draws — the split that
//! maximises posterior expected revenue, moved from the current split only as far as the
//! probability of gain reaches the confidence setting, or "keep the current mix" when the
//! data cannot tell — with the point-estimate optimum judged by the same draws beside it.
//!
//! In the model's form: additive draws are judged on their media revenue
//! `Σ_c f_{c,d}(x_c)` ([`ValidRecommendParams::recommend_from_draws`]); multiplicative draws
//! on their revenue `B̄_d·exp(Σ_c g_{c,d}(x_c))`, each draw with its own base
//! ([`ValidRecommendParams::recommend_multiplicative`]). Uplifts are revenue differences in
//! both.

#[cfg(doc)]
use mixplan_core::model::posterior::ValidRecommendParams;
use mixplan_core::model::posterior::{RecommendParams, Recommendation};

use super::budget::BudgetState;
use super::draws::PosteriorDraws;
use super::intervals::DEFAULT_LEVEL;
use super::scenario::Planner;

pub use mixplan_core::model::posterior::recommend::DEFAULT_CONFIDENCE;

/// Lowest confidence setting the page offers (a move at even odds or better).
pub const MIN_CONFIDENCE: f64 = 0.5;
/// Highest confidence setting the page offers.
pub const MAX_CONFIDENCE: f64 = 0.95;

/// The recommendation for `budget` at `confidence` over `draws`, with 90% intervals. `None`
/// while the plan does not add up to its total (there is no current split of the total to
/// compare with); `Err` with a message in the page's words when the rule cannot run (e.g.
/// locks and total that leave no split, or draws of the other model form than the
/// planner's).
pub fn recommend(
    planner: &Planner,
    draws: &PosteriorDraws,
    budget: &BudgetState,
    confidence: f64,
) -> Option<Result<Recommendation, String>> {
    if !budget.balance().is_balanced() {
        return None;
    }
    if draws.is_multiplicative() != planner.revenue_form().is_multiplicative() {
        return Some(Err(
            "No recommendation for this plan: the posterior was sampled for the other model form. Sample the posterior again for this model."
                .to_string(),
        ));
    }
    let bounds = budget.bounds();
    let curves: Vec<Vec<_>> = (0..draws.channels())
        .map(|c| draws.curves(c).to_vec())
        .collect();
    let result = RecommendParams::new()
        .confidence(confidence)
        .interval_level(DEFAULT_LEVEL)
        .check()
        .and_then(|params| match draws.bases() {
            None => params.recommend_from_draws(
                &curves,
                planner.curves(),
                budget.spend(),
                &bounds,
                budget.total(),
            ),
            Some(bases) => params.recommend_multiplicative(
                &curves,
                bases,
                planner.curves(),
                budget.spend(),
                &bounds,
                budget.total(),
            ),
        })
        .map_err(|e| format!("No recommendation for this plan: {e}."));
    Some(result)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};
    use mixplan_core::model::posterior::Verdict;

    /// Draws that scale every fitted curve's β by `0.8 … 1.2` (41 draws).
    fn scaled(planner: &Planner) -> PosteriorDraws {
        crate::planner::draws::tests::scaled_draws(planner, 0.01, 40)
    }

    #[test]
    fn when_every_draw_agrees_the_full_move_is_recommended_and_beats_the_current_split() {
        let planner = fitted_planner();
        let budget = BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        let r = recommend(planner, &scaled(planner), &budget, 0.8)
            .unwrap()
            .unwrap();
        assert_eq!(r.verdict, Verdict::Optimum);
        assert_eq!(r.probability_of_gain, 1.0);
        assert!((r.allocation.iter().sum::<f64>() - budget.total()).abs() < 1e-6 * budget.total());
        // Every draw scales every curve alike: the expected optimum is the point optimum.
        for (a, b) in r.allocation.iter().zip(&r.point_optimum.allocation) {
            assert!((a - b).abs() < 1e-3 * budget.total(), "{a} vs {b}");
        }
    }

    #[test]
    fn a_multiplicative_recommendation_maximises_the_draws_mean_revenue() {
        let planner = fitted_multiplicative_planner();
        let draws = scaled(planner);
        assert!(draws.is_multiplicative());
        let budget = BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        let r = recommend(planner, &draws, &budget, 0.8).unwrap().unwrap();
        // Per draw revenue B̄_d·exp(Σ g_{c,d}), by hand; uplifts are its differences.
        let mean_revenue = |spend: &[f64]| {
            let total: f64 = (0..draws.draws())
                .map(|d| {
                    let logs: f64 = (0..draws.channels())
                        .map(|c| draws.curves(c)[d].value(spend[c]))
                        .sum();
                    planner.baseline() * logs.exp()
                })
                .sum();
            total / draws.draws() as f64
        };
        let (now, recommended) = (mean_revenue(budget.spend()), mean_revenue(&r.allocation));
        assert!(recommended > now, "{recommended} ≤ {now}");
        let gain = recommended - now;
        assert!(
            (r.expected_uplift - gain).abs() < 1e-6 * gain,
            "{} vs {gain}",
            r.expected_uplift
        );
        let media = recommended - planner.baseline();
        assert!(
            (r.recommended.expected_media_revenue - media).abs() < 1e-6 * media,
            "{} vs {media}",
            r.recommended.expected_media_revenue
        );
        assert_eq!(r.verdict, Verdict::Optimum);
        assert!((r.allocation.iter().sum::<f64>() - budget.total()).abs() < 1e-6 * budget.total());
        // Scaling every log curve by k > 0 keeps the order of the splits' Σ g, and each
        // draw's revenue rises with it: the expected optimum is the point optimum, which
        // no split of the total beats under the draws' mean.
        let point = planner.optimum(&budget.bounds(), budget.total()).unwrap();
        assert!(
            (mean_revenue(point.spend()) - recommended).abs() < 1e-6 * recommended,
            "{:?} vs {:?}",
            point.spend(),
            r.allocation
        );
        // Draws of the other form are refused in words.
        let additive = scaled(fitted_planner());
        let message = recommend(planner, &additive, &budget, 0.8)
            .unwrap()
            .unwrap_err();
        assert!(
            message.ends_with("Sample the posterior again for this model."),
            "{message}"
        );
    }

    #[test]
    fn an_unbalanced_plan_has_no_recommendation_and_a_bad_confidence_says_why() {
        let planner = fitted_planner();
        let mut budget =
            BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        let draws = scaled(planner);
        let message = recommend(planner, &draws, &budget, 1.5)
            .unwrap()
            .unwrap_err();
        assert!(
            message.starts_with(
                "No recommendation for this plan: the confidence level must be between 0 and 1"
            ),
            "{message}"
        );
        budget.set_locked(0, true);
        budget.set_locked(1, true);
        budget.set_total(1_000.0);
        assert!(!budget.balance().is_balanced());
        assert_eq!(recommend(planner, &draws, &budget, 0.8), None);
    }
}
