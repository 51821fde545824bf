//! Revenue goal-seek: the **smallest** budget whose optimal media revenue reaches a target,
//! next to the target-ROAS search ([`Optimizer::solve_roas`]).
//!
//! # Method
//!
//! Let `F*(B)` be the optimal media revenue of the [`BudgetProblem`] with budget `B` and the
//! given bounds. `F*` is non-decreasing on `[Σ min, Σ max]`: an optimal split of `B` stays
//! feasible for `B' > B` once `B' − B` is added to channels with room, and no `f_c` falls
//! when its spend rises. So `{B : F*(B) ≥ R}` is an interval `[B_R, ceiling]` and bisection
//! finds its left end: keep `F*(lo) < R ≤ F*(hi)` and halve `[lo, hi]` until
//! `hi − lo ≤ 1e-9·max(hi, 1)`; the answer is `hi`, so `F*(answer) ≥ R` holds exactly as
//! computed. About 40 solves; each is the exact optimiser, so `F*` is exact (not a local
//! optimum) at every probe.

use super::curve::ResponseCurve;
use super::error::OptimizeError;
use super::plan::Allocation;
use super::problem::{BudgetProblem, SpendBounds};
use super::solver::Optimizer;

/// Relative width at which the bisection stops.
const RELATIVE_WIDTH: f64 = 1e-9;

/// The validated revenue goal-seek problem: the smallest budget `B` in
/// `[Σ min, min(Σ max, max_budget)]` whose optimal media revenue `F*(B)` is at least
/// `target`.
#[derive(Debug, Clone)]
pub struct RevenueProblem<'a, C> {
    curves: &'a [C],
    bounds: Vec<SpendBounds>,
    target: f64,
    /// Smallest budget the bounds allow (Σ min).
    floor: f64,
    /// Largest budget searched: min(Σ max, max budget).
    ceiling: f64,
}

impl<'a, C: ResponseCurve> RevenueProblem<'a, C> {
    /// Checks and builds the problem. `bounds` has one entry per curve, or is empty for
    /// "all free"; `max_budget` caps the search (the planner's largest budget).
    ///
    /// # Errors
    /// As [`BudgetProblem::new`] for the bounds; [`OptimizeError::InvalidTargetRevenue`] for a
    /// target that is negative or not finite; [`OptimizeError::InvalidBudget`] for a bad cap;
    /// [`OptimizeError::MinimumsExceedBudget`] when the minimums exceed the cap.
    pub fn new(
        curves: &'a [C],
        bounds: &[SpendBounds],
        target: f64,
        max_budget: f64,
    ) -> Result<Self, OptimizeError> {
        if !(target.is_finite() && target >= 0.0) {
            return Err(OptimizeError::InvalidTargetRevenue(target));
        }
        if !(max_budget.is_finite() && max_budget >= 0.0) {
            return Err(OptimizeError::InvalidBudget(max_budget));
        }
        // Validates the bounds and that Σ min ≤ max_budget (the floor problem exists).
        let floor_bounds: Vec<SpendBounds> = if bounds.is_empty() {
            vec![SpendBounds::FREE; curves.len()]
        } else {
            bounds.to_vec()
        };
        let floor: f64 = floor_bounds.iter().map(|b| b.min).sum();
        BudgetProblem::new(curves, &floor_bounds, floor.min(max_budget))?;
        if floor > max_budget {
            return Err(OptimizeError::MinimumsExceedBudget {
                minimums: floor,
                budget: max_budget,
                excess: floor - max_budget,
            });
        }
        let maximums: f64 = floor_bounds.iter().map(|b| b.max).sum();
        Ok(Self {
            curves,
            bounds: floor_bounds,
            target,
            floor,
            ceiling: max_budget.min(maximums).max(floor),
        })
    }

    /// The target media revenue.
    pub fn target(&self) -> f64 {
        self.target
    }

    /// The checked bounds, one per channel.
    pub fn bounds(&self) -> &[SpendBounds] {
        &self.bounds
    }
}

/// The answer to a [`RevenueProblem`]: the smallest budget reaching the target and its
/// optimal split.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenuePlan {
    /// The smallest budget whose optimal media revenue is at least the target (to
    /// `1e-9` relative).
    pub budget: f64,
    /// The optimal split of that budget (its media revenue is ≥ the target).
    pub allocation: Allocation,
    /// Budget problems solved by the search.
    pub solves: u32,
}

impl Optimizer {
    /// Solves a [`RevenueProblem`] by bisection on the budget (see the
    /// [module docs](self) for why `F*` is monotone, so bisection is exact).
    ///
    /// # Errors
    /// [`OptimizeError::TargetRevenueUnreachable`] when even the largest budget searched
    /// earns less than the target, with what it earns.
    pub fn solve_revenue_target<C: ResponseCurve>(
        &mut self,
        problem: &RevenueProblem<'_, C>,
    ) -> Result<RevenuePlan, OptimizeError> {
        let mut solves = 0;
        let mut solve_at = |optimizer: &mut Self, budget: f64| {
            solves += 1;
            BudgetProblem::new(problem.curves, &problem.bounds, budget).map(|p| optimizer.solve(&p))
        };
        let at_ceiling = solve_at(self, problem.ceiling)?;
        if at_ceiling.media_revenue() < problem.target {
            return Err(OptimizeError::TargetRevenueUnreachable {
                target: problem.target,
                best_revenue: at_ceiling.media_revenue(),
                max_budget: problem.ceiling,
            });
        }
        let at_floor = solve_at(self, problem.floor)?;
        if at_floor.media_revenue() >= problem.target {
            return Ok(RevenuePlan {
                budget: problem.floor,
                allocation: at_floor,
                solves,
            });
        }
        let (mut lo, mut hi, mut best) = (problem.floor, problem.ceiling, at_ceiling);
        while hi - lo > RELATIVE_WIDTH * hi.max(1.0) {
            let mid = 0.5 * (lo + hi);
            let allocation = solve_at(self, mid)?;
            if allocation.media_revenue() >= problem.target {
                hi = mid;
                best = allocation;
            } else {
                lo = mid;
            }
        }
        Ok(RevenuePlan {
            budget: hi,
            allocation: best,
            solves,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::optimize;
    use crate::response::HillResponse;

    fn curves() -> Vec<HillResponse> {
        vec![
            HillResponse::new(40_000.0, 8_000.0, 1.0).unwrap(),
            HillResponse::new(60_000.0, 15_000.0, 2.5).unwrap(),
            HillResponse::new(20_000.0, 3_000.0, 0.7).unwrap(),
        ]
    }

    fn optimal_revenue(curves: &[HillResponse], bounds: &[SpendBounds], budget: f64) -> f64 {
        optimize(curves, bounds, budget).unwrap().media_revenue()
    }

    #[test]
    fn finds_the_smallest_budget_reaching_the_target() {
        let c = curves();
        for bounds in [
            vec![],
            vec![
                SpendBounds::FREE,
                SpendBounds::at_least(2_000.0),
                SpendBounds::at_most(4_000.0),
            ],
        ] {
            for target in [10_000.0, 30_000.0, 55_000.0, 80_000.0] {
                let problem = RevenueProblem::new(&c, &bounds, target, 500_000.0).unwrap();
                let plan = Optimizer::new().solve_revenue_target(&problem).unwrap();
                assert!(plan.allocation.media_revenue() >= target, "{target}");
                assert!((plan.allocation.budget() - plan.budget).abs() < 1e-6 * plan.budget);
                // A budget just below misses the target: the answer is the smallest.
                let below = plan.budget * (1.0 - 1e-6);
                assert!(
                    optimal_revenue(&c, &bounds, below) < target,
                    "{target} {bounds:?}"
                );
                assert!(plan.solves < 60, "{}", plan.solves);
            }
        }
    }

    #[test]
    fn the_optimal_revenue_of_a_budget_gives_back_that_budget() {
        let c = curves();
        for budget in [5_000.0, 25_000.0, 60_000.0] {
            let target = optimal_revenue(&c, &[], budget);
            let problem = RevenueProblem::new(&c, &[], target, 100_000.0).unwrap();
            let plan = Optimizer::new().solve_revenue_target(&problem).unwrap();
            assert!(
                (plan.budget - budget).abs() < 1e-6 * budget,
                "{budget} → {}",
                plan.budget
            );
        }
    }

    #[test]
    fn a_target_the_floor_reaches_costs_only_the_floor() {
        let c = curves();
        let bounds = [
            SpendBounds::locked(1_000.0),
            SpendBounds::FREE,
            SpendBounds::FREE,
        ];
        let problem = RevenueProblem::new(&c, &bounds, 0.0, 10_000.0).unwrap();
        let plan = Optimizer::new().solve_revenue_target(&problem).unwrap();
        assert_eq!(plan.budget, 1_000.0);
    }

    #[test]
    fn unreachable_and_bad_targets_say_so() {
        let c = curves();
        let problem = RevenueProblem::new(&c, &[], 200_000.0, 1_000_000.0).unwrap();
        let error = Optimizer::new().solve_revenue_target(&problem).unwrap_err();
        let OptimizeError::TargetRevenueUnreachable {
            best_revenue,
            max_budget,
            ..
        } = error
        else {
            panic!("{error:?}")
        };
        assert_eq!(max_budget, 1_000_000.0);
        assert!(best_revenue < 120_000.0 && best_revenue > 100_000.0);
        assert!(
            error.to_string().contains("raise the maximum budget"),
            "{error}"
        );
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                RevenueProblem::new(&c, &[], bad, 1.0),
                Err(OptimizeError::InvalidTargetRevenue(_))
            ));
        }
        assert!(matches!(
            RevenueProblem::new(&c, &[SpendBounds::at_least(50.0); 3], 1.0, 100.0),
            Err(OptimizeError::MinimumsExceedBudget { .. })
        ));
        assert!(matches!(
            RevenueProblem::new(&c, &[], 1.0, f64::NAN),
            Err(OptimizeError::InvalidBudget(_))
        ));
    }
}
