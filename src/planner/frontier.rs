//! The budget frontier: the optimal weekly revenue `R*(B) = baseline + F*(B)` and its
//! marginal ROAS `dF*/dB` against the weekly budget `B`, over the slider's range, under the
//! page's locks. At every point the weekly optimiser's exact best split of `B` (the most
//! curve sum `S*(B)`, hence the most revenue in either model form) is evaluated by the
//! planner, so `F*(B)` is the optimal media revenue in the model's form: `S*(B)` additive,
//! `baseline·(exp(S*(B)) − 1)` multiplicative.
//!
//! The marginal ROAS is the central difference
//! `(F*(B + h) − F*(B − h)) / 2h` with `h = step / 10` (one-sided at the ends): at an interior
//! optimum it equals the optimiser's multiplier λ in the additive form and `R*(B)·λ` in the
//! multiplicative one (the envelope theorem, `λ = dS*/dB`), and it stays meaningful where no
//! channel is interior or an S-shaped channel switches on (a kink).

use mixplan_core::optimize::{BudgetProblem, Optimizer, SpendBounds};

use super::scenario::Planner;

/// One budget on the frontier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierPoint {
    /// Weekly budget `B`.
    pub budget: f64,
    /// Optimal predicted weekly revenue `baseline + F*(B)`.
    pub revenue: f64,
    /// Marginal ROAS `dF*/dB`: revenue from the next dollar of budget, optimally placed.
    pub marginal_roas: f64,
}

/// The frontier at `steps + 1` evenly spaced budgets from `from` to `to`, skipping budgets
/// the bounds cannot meet (below the locked spend). Empty when `to ≤ from` or `steps = 0`.
pub fn budget_frontier(
    planner: &Planner,
    bounds: &[SpendBounds],
    from: f64,
    to: f64,
    steps: usize,
) -> Vec<FrontierPoint> {
    if !(from.is_finite() && to.is_finite() && to > from && steps > 0) {
        return Vec::new();
    }
    let step = (to - from) / steps as f64;
    let h = step / 10.0;
    let baseline = planner.baseline();
    let mut optimizer = Optimizer::new();
    let mut media = |budget: f64| {
        BudgetProblem::new(planner.curves(), bounds, budget)
            .ok()
            .map(|p| {
                planner
                    .evaluate(optimizer.solve(&p).spend())
                    .media_revenue()
            })
    };
    (0..=steps)
        .filter_map(|i| {
            let budget = from + step * i as f64;
            let here = media(budget)?;
            let below = media(budget - h).filter(|_| i > 0);
            let above = media(budget + h).filter(|_| i < steps);
            let marginal_roas = match (below, above) {
                (Some(b), Some(a)) => (a - b) / (2.0 * h),
                (None, Some(a)) => (a - here) / h,
                (Some(b), None) => (here - b) / h,
                (None, None) => f64::NAN,
            };
            Some(FrontierPoint {
                budget,
                revenue: baseline + here,
                marginal_roas,
            })
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

    #[test]
    fn the_multiplicative_frontier_is_the_revenue_the_model_predicts_for_the_optimum() {
        let p = fitted_multiplicative_planner();
        let points = budget_frontier(p, &[], 10_000.0, 100_000.0, 45);
        assert_eq!(points.len(), 46);
        for pair in points.windows(2) {
            assert!(pair[1].revenue >= pair[0].revenue, "{pair:?}");
        }
        for budget in [20_000.0, 40_000.0, 80_000.0] {
            let at = points.iter().find(|q| q.budget == budget).unwrap();
            let allocation = mixplan_core::optimize::optimize(p.curves(), &[], budget).unwrap();
            let best = p.model().predict(allocation.spend()).unwrap().revenue;
            assert!(
                (at.revenue - best).abs() < 1e-9 * best,
                "{} vs {best}",
                at.revenue
            );
            // dR*/dB = R*·dS*/dB = R*·λ where a channel is interior.
            if allocation.level().is_finite() {
                let expected = best * allocation.level();
                let relative = (at.marginal_roas - expected).abs() / expected;
                assert!(relative < 1e-3, "{} vs R*·λ {expected}", at.marginal_roas);
            }
        }
    }

    #[test]
    fn the_frontier_rises_and_passes_through_the_page_optimum() {
        let p = fitted_planner();
        let points = budget_frontier(p, &[], 10_000.0, 100_000.0, 45);
        assert_eq!(points.len(), 46);
        for pair in points.windows(2) {
            assert!(pair[1].revenue >= pair[0].revenue, "{pair:?}");
        }
        assert!(
            points
                .iter()
                .all(|q| q.marginal_roas.is_finite() && q.marginal_roas >= 0.0)
        );
        // At 40,000 (a grid point) the frontier is the page's optimal revenue.
        let at = points.iter().find(|q| q.budget == 40_000.0).unwrap();
        let s = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        assert!((at.revenue - s.optimal_revenue().unwrap()).abs() < 1e-6 * at.revenue);
        // The marginal ROAS is the optimiser's multiplier where a channel is interior.
        let allocation = mixplan_core::optimize::optimize(p.curves(), &[], 40_000.0).unwrap();
        if allocation.level().is_finite() {
            let relative = (at.marginal_roas - allocation.level()).abs() / allocation.level();
            assert!(
                relative < 1e-3,
                "{} vs λ {}",
                at.marginal_roas,
                allocation.level()
            );
        }
        // Diminishing returns on these (mostly concave) curves: the last dollar earns less
        // than the first.
        assert!(points.last().unwrap().marginal_roas < points[0].marginal_roas);
    }

    #[test]
    fn budgets_below_the_locks_are_left_out() {
        let p = fitted_planner();
        let mut budget = BudgetState::from_mix(50_000.0, &[30_000.0, 20_000.0, 0.0, 0.0, 0.0]);
        budget.set_locked(0, true);
        let points = budget_frontier(p, &budget.bounds(), 10_000.0, 100_000.0, 9);
        assert_eq!(points.first().unwrap().budget, 30_000.0);
        assert!(budget_frontier(p, &[], 5.0, 5.0, 10).is_empty());
    }
}
