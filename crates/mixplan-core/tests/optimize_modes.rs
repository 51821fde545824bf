//! The optimiser's modes: locks, minimums and maximums, infeasible bounds, extra budget,
//! target ROAS, uplift over a current plan, and a curve family other than Hill.

mod optimize_support;

use mixplan_core::optimize::{
    BoundStatus, BudgetProblem, OptimizeError, Optimizer, Plan, ResponseCurve, RoasProblem,
    SpendBounds, optimize, scale_mix,
};
use mixplan_core::response::HillResponse;
use optimize_support::{Case, case, cases, objective, reference};
use proptest::prelude::*;

fn hill(beta: f64, k: f64, s: f64) -> HillResponse {
    HillResponse::new(beta, k, s).unwrap()
}

/// Five channels shaped like the simulated store's.
fn store() -> Vec<HillResponse> {
    vec![
        hill(90_000.0, 14_000.0, 0.8),
        hill(30_000.0, 3_000.0, 1.0),
        hill(70_000.0, 20_000.0, 2.5),
        hill(60_000.0, 12_000.0, 3.0),
        hill(25_000.0, 5_000.0, 0.6),
    ]
}

#[test]
fn locks_minimums_and_maximums_hold() {
    let curves = store();
    let bounds = [
        SpendBounds::at_least(15_000.0),
        SpendBounds::locked(4_000.0),
        SpendBounds::new(2_000.0, 9_000.0),
        SpendBounds::at_most(1_000.0),
        SpendBounds::FREE,
    ];
    let best = optimize(&curves, &bounds, 40_000.0).unwrap();
    let x = best.spend();
    assert!(x[0] >= 15_000.0);
    assert_eq!(x[1], 4_000.0);
    assert!((2_000.0..=9_000.0).contains(&x[2]));
    assert!(x[3] <= 1_000.0);
    assert!((x.iter().sum::<f64>() - 40_000.0).abs() < 1e-8);
    assert_eq!(best.bound_status()[1], BoundStatus::Locked);
    // The note names the channels at a bound.
    let names = ["Search", "Email", "Display", "Social", "Affiliate"];
    let note = best.bound_note(&names);
    assert!(note.contains("Email is locked at 4,000.00"), "{note}");
    for (c, status) in best.bound_status().iter().enumerate() {
        if *status != BoundStatus::Interior && *status != BoundStatus::Locked {
            assert!(
                note.contains(names[c]),
                "{note} / {:?}",
                best.bound_status()
            );
        }
    }
    // Interior channels share one marginal ROI, the multiplier.
    for (c, status) in best.bound_status().iter().enumerate() {
        if *status == BoundStatus::Interior {
            let m = best.marginal_roi()[c];
            assert!(
                (m - best.level()).abs() < 1e-8 * m,
                "{m} vs {}",
                best.level()
            );
        }
    }
}

#[test]
fn infeasible_bounds_say_by_how_much() {
    let curves = store();
    let over = [
        SpendBounds::at_least(30_000.0),
        SpendBounds::locked(15_000.0),
        SpendBounds::FREE,
        SpendBounds::FREE,
        SpendBounds::FREE,
    ];
    let e = optimize(&curves, &over, 40_000.0).unwrap_err();
    assert_eq!(
        e,
        OptimizeError::MinimumsExceedBudget {
            minimums: 45_000.0,
            budget: 40_000.0,
            excess: 5_000.0
        }
    );
    assert_eq!(
        e.to_string(),
        "the minimums add up to 45,000.00, 5,000.00 more than the budget of 40,000.00; \
         lower a minimum or raise the budget"
    );
    let under = [SpendBounds::at_most(1_000.0); 5];
    let e = optimize(&curves, &under, 40_000.0).unwrap_err();
    assert!(matches!(
        e,
        OptimizeError::MaximumsBelowBudget { shortfall, .. } if shortfall == 35_000.0
    ));
    assert!(
        e.to_string()
            .contains("raise a maximum or lower the budget"),
        "{e}"
    );
}

#[test]
fn extra_budget_only_adds() {
    let curves = store();
    let current = [8_000.0, 2_000.0, 0.0, 6_000.0, 4_000.0];
    let problem = BudgetProblem::extra_budget(&curves, &[], &current, 10_000.0).unwrap();
    let best = Optimizer::new().solve(&problem);
    for (x, x0) in best.spend().iter().zip(current) {
        assert!(*x >= x0);
    }
    assert!((best.budget() - 30_000.0).abs() < 1e-8);
    let before = Plan::evaluate(&curves, &current).unwrap();
    let uplift = best.uplift_over(&before);
    assert!(uplift.absolute > 0.0);
    // Against the reference on the same problem (minimums = current plan).
    let case = Case {
        curves: curves.clone(),
        bounds: current.iter().map(|&x| SpendBounds::at_least(x)).collect(),
        budget: 30_000.0,
    };
    let (value, _) = reference(&case, 3, 8);
    assert!(best.media_revenue() >= value * (1.0 - 1e-9));
}

#[test]
fn uplift_over_the_historical_mix() {
    let curves = store();
    let historical = [12_000.0, 3_000.0, 9_000.0, 5_000.0, 6_000.0];
    let current = Plan::evaluate(&curves, &scale_mix(&historical, 50_000.0)).unwrap();
    let best = optimize(&curves, &[], 50_000.0).unwrap();
    let uplift = best.uplift_over(&current);
    assert!(uplift.absolute > 0.0);
    assert_eq!(uplift.new, best.media_revenue());
    let relative = uplift.relative.unwrap();
    assert!((relative - uplift.absolute / current.media_revenue()).abs() < 1e-15);
    let total = uplift.with_baseline(100_000.0);
    assert_eq!(total.absolute, uplift.absolute);
    assert!(total.relative.unwrap() < relative);
}

/// The optimal ROAS at a budget, by our solver.
fn optimal_roas(curves: &[HillResponse], bounds: &[SpendBounds], budget: f64) -> f64 {
    optimize(curves, bounds, budget).unwrap().roas()
}

#[test]
fn target_roas_finds_the_largest_budget() {
    let curves = store();
    let problem = RoasProblem::new(&curves, &[], 2.5, None).unwrap();
    let plan = Optimizer::new().solve_roas(&problem).unwrap();
    assert!(plan.allocation.roas() >= 2.5, "{}", plan.allocation.roas());
    assert!((plan.allocation.budget() - plan.budget).abs() < 1e-8);
    // Just above it, the target is missed, and at every larger budget up to the ceiling.
    assert!(optimal_roas(&curves, &[], plan.budget * (1.0 + 1e-6)) < 2.5);
    let ceiling: f64 = curves.iter().map(|f| f.coefficient()).sum::<f64>() / 2.5;
    for i in 1..=50 {
        let b = plan.budget + (ceiling - plan.budget) * f64::from(i) / 50.0;
        assert!(optimal_roas(&curves, &[], b) < 2.5, "budget {b}");
    }
    // A budget cap binds when it is below the answer.
    let capped = RoasProblem::new(&curves, &[], 2.5, Some(20_000.0)).unwrap();
    let plan = Optimizer::new().solve_roas(&capped).unwrap();
    assert_eq!(plan.budget, 20_000.0);
}

/// ROAS need not fall with the budget: a channel that saturates at once gives a high ROAS at
/// small budgets, and a large S-shaped channel a second peak at large ones. The search must
/// return the upper end of the second stretch, not the first crossing.
#[test]
fn target_roas_with_two_peaks() {
    let curves = vec![hill(100.0, 1.0, 0.5), hill(1_000_000.0, 10_000.0, 3.0)];
    // Brute force: optimal ROAS on a budget grid, each by a dense 1-D grid.
    let roas_at = |b: f64| {
        (0..=4_000)
            .map(|i| {
                let x = b * f64::from(i) / 4_000.0;
                curves[0].value(x) + curves[1].value(b - x)
            })
            .fold(f64::NEG_INFINITY, f64::max)
            / b
    };
    assert!(roas_at(0.5) > 30.0 && roas_at(100.0) < 30.0 && roas_at(12_600.0) > 30.0);
    let plan = Optimizer::new()
        .solve_roas(&RoasProblem::new(&curves, &[], 30.0, None).unwrap())
        .unwrap();
    assert!(plan.budget > 20_000.0, "{}", plan.budget);
    assert!(plan.allocation.roas() >= 30.0);
    assert!(roas_at(plan.budget * 0.99) > 30.0 && roas_at(plan.budget * 1.01) < 30.0);
}

#[test]
fn unreachable_target_roas_is_an_error() {
    // Shapes ≥ 1 have a finite best ROAS (a shape < 1 has f'(0) = ∞: any target is met by a
    // small enough budget). Here the best is email's β/K = 10.
    let curves: Vec<HillResponse> = store()
        .iter()
        .map(|f| hill(f.coefficient(), f.half_saturation(), f.shape().max(1.0)))
        .collect();
    let e = Optimizer::new()
        .solve_roas(&RoasProblem::new(&curves, &[], 1_000.0, None).unwrap())
        .unwrap_err();
    let OptimizeError::TargetRoasUnreachable { best_roas, .. } = e else {
        panic!("{e:?}")
    };
    assert!(best_roas > 9.0 && best_roas <= 10.0, "{best_roas}");
    assert!(e.to_string().contains("lower the target"), "{e}");
    // With minimums the smallest budget is Σ min; a target above its ROAS may still be
    // reachable higher up, but not one above every budget's.
    let bounds = [SpendBounds::at_least(20_000.0); 5];
    let e = Optimizer::new()
        .solve_roas(&RoasProblem::new(&curves, &bounds, 2.0, None).unwrap())
        .unwrap_err();
    assert!(e.to_string().contains("or the channel minimums"), "{e}");
}

/// `β·(1 − e^(−x/K))`: concave, with only the required trait methods, so the solver's
/// default inverse and log-marginal run. Its optimum is in closed form: `f'(x) = (β/K)·e^(−x/K)
/// = λ` gives `x = K·ln(β/(K·λ))`, and `Σ x = B` gives
/// `ln λ = (Σ K·ln(β/K) − B)/Σ K` when every channel is interior.
struct Exponential {
    beta: f64,
    k: f64,
}

impl ResponseCurve for Exponential {
    fn value(&self, spend: f64) -> f64 {
        self.beta * -(-spend / self.k).exp_m1()
    }
    fn marginal(&self, spend: f64) -> f64 {
        self.beta / self.k * (-spend / self.k).exp()
    }
    fn curvature(&self, spend: f64) -> f64 {
        -self.marginal(spend) / self.k
    }
    fn inflection(&self) -> Option<f64> {
        None
    }
}

#[test]
fn other_curve_families_through_the_trait() {
    let curves = [
        Exponential {
            beta: 5_000.0,
            k: 1_000.0,
        },
        Exponential {
            beta: 3_000.0,
            k: 400.0,
        },
        Exponential {
            beta: 8_000.0,
            k: 2_500.0,
        },
    ];
    let budget = 4_000.0;
    let best = optimize(&curves, &[], budget).unwrap();
    let total_k: f64 = curves.iter().map(|c| c.k).sum();
    let log_level = (curves
        .iter()
        .map(|c| c.k * (c.beta / c.k).ln())
        .sum::<f64>()
        - budget)
        / total_k;
    for (c, x) in curves.iter().zip(best.spend()) {
        let exact = c.k * ((c.beta / c.k).ln() - log_level);
        assert!((x - exact).abs() < 1e-7 * exact, "{x} vs {exact}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    /// The optimum is never beaten by a random feasible split (its uplift over any current
    /// plan is ≥ 0).
    #[test]
    fn never_beaten_by_a_random_split(case in case(2..=8), weights in prop::collection::vec(0.0f64..1.0, 8)) {
        let best = optimize(&case.curves, &case.bounds, case.budget).unwrap();
        // A feasible split: minimums, then the rest in proportion to `weights`, capped.
        let mut x: Vec<f64> = case.bounds.iter().map(|b| b.min).collect();
        let mut left = case.budget - x.iter().sum::<f64>();
        for _ in 0..10 {
            let open: Vec<usize> = (0..x.len()).filter(|&c| x[c] < case.bounds[c].max).collect();
            let w: f64 = open.iter().map(|&c| weights[c] + 1e-3).sum();
            let mut placed = 0.0;
            for &c in &open {
                let add = (left * (weights[c] + 1e-3) / w).min(case.bounds[c].max - x[c]);
                x[c] += add;
                placed += add;
            }
            left -= placed;
        }
        prop_assume!(left.abs() <= 1e-9 * case.budget.max(1.0));
        let current = Plan::evaluate(&case.curves, &x).unwrap();
        let uplift = best.uplift_over(&current);
        prop_assert!(uplift.absolute >= -1e-9 * objective(&case.curves, &x).abs().max(1.0), "{uplift:?}");
    }

    /// Extra budget: each channel keeps at least its current spend, the new total is exact,
    /// and the result is at least as good as the plain optimum restricted the same way.
    #[test]
    fn extra_budget_mode(case in case(2..=6), extra in 0.0f64..50_000.0) {
        let current = optimize(&case.curves, &case.bounds, case.budget).unwrap();
        let p = BudgetProblem::extra_budget(&case.curves, &case.bounds, current.spend(), extra);
        let p = match p {
            Ok(p) => p,
            // The maximums may not hold the extra money: the typed error says so.
            Err(OptimizeError::MaximumsBelowBudget { .. }) => return Ok(()),
            Err(e) => panic!("{e}"),
        };
        let more = Optimizer::new().solve(&p);
        for ((x, x0), b) in more.spend().iter().zip(current.spend()).zip(&case.bounds) {
            prop_assert!(x >= x0 && *x <= b.max);
        }
        prop_assert!((more.budget() - case.budget - extra).abs() <= 1e-12 * (case.budget + extra).max(1.0));
        prop_assert!(more.media_revenue() >= current.media_revenue() - 1e-9 * current.media_revenue());
    }

    /// Target ROAS on random problems: the answer meets the target and a budget 0.1 % larger
    /// does not — for answers above 1e-9 of the search range (the search resolves budgets to
    /// 1e-12 of it; with shapes < 1 a target may be met only by budgets of 1e-20).
    #[test]
    fn target_roas_is_met_and_maximal(case in case(2..=5), fraction in 0.05f64..0.95) {
        // A target between the ROAS at the budget and 4x it.
        let at_budget = optimize(&case.curves, &case.bounds, case.budget).unwrap();
        prop_assume!(at_budget.roas() > 0.0);
        let target = at_budget.roas() * (1.0 + 3.0 * fraction);
        match Optimizer::new().solve_roas(&RoasProblem::new(&case.curves, &case.bounds, target, None).unwrap()) {
            Ok(plan) => {
                prop_assert!(plan.allocation.roas() >= target * (1.0 - 1e-12));
                let maximums: f64 = case.bounds.iter().map(|b| b.max).sum();
                let above = plan.budget * 1.001;
                let saturation: f64 = case.curves.iter().map(|f| f.coefficient()).sum();
                let ceiling = maximums.min(saturation / target);
                if above <= maximums && plan.budget > 1e-9 * ceiling {
                    prop_assert!(optimal_roas(&case.curves, &case.bounds, above) < target);
                }
            }
            Err(OptimizeError::TargetRoasUnreachable { best_roas, .. }) => {
                prop_assert!(best_roas < target);
            }
            Err(e) => panic!("{e}"),
        }
    }
}
