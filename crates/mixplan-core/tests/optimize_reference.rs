//! The optimiser against a brute-force reference on random problems: concave and S-shaped
//! curves, 2–8 channels, random minimums, maximums and locks.
//!
//! Checked for every case: the split is never worse than the reference by more than 1e-6
//! relative, sums to the budget to 1e-12 relative, and respects every bound.

mod optimize_support;

use mixplan_core::optimize::{BudgetProblem, Optimizer, SpendBounds};
use mixplan_core::response::HillResponse;
use optimize_support::{Case, case, cases, objective, reference};
use proptest::prelude::*;

/// Solves a case and checks the invariants that hold for any answer; returns the split.
fn solve_checked(case: &Case) -> Vec<f64> {
    let problem = BudgetProblem::new(&case.curves, &case.bounds, case.budget)
        .expect("the generator only makes feasible problems");
    let allocation = Optimizer::new().solve(&problem);
    let x = allocation.spend().to_vec();
    let total: f64 = x.iter().sum();
    assert!(
        (total - case.budget).abs() <= 1e-12 * case.budget.max(1.0),
        "split sums to {total}, budget {}",
        case.budget
    );
    for (c, (&xc, b)) in x.iter().zip(&case.bounds).enumerate() {
        assert!(
            xc >= b.min && xc <= b.max,
            "channel {c}: {xc} outside [{}, {}]",
            b.min,
            b.max
        );
    }
    assert!(allocation.stats().proven_optimal);
    x
}

fn assert_not_worse(case: &Case, x: &[f64], reference_value: f64, reference_x: &[f64]) {
    let ours = objective(&case.curves, x);
    assert!(
        ours >= reference_value - 1e-6 * reference_value.abs(),
        "optimiser {ours} < reference {reference_value} (rel gap {:e})\n ours {x:?}\n ref  {reference_x:?}",
        (reference_value - ours) / reference_value
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    /// 2–3 channels: the reference includes a dense grid over the feasible simplex.
    #[test]
    fn matches_dense_grid_on_two_or_three_channels(case in case(2..=3), seed in any::<u64>()) {
        let x = solve_checked(&case);
        let (value, best) = reference(&case, seed, 6);
        assert_not_worse(&case, &x, value, &best);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(128), ..ProptestConfig::default() })]

    /// 4–8 channels: multi-start pairwise exchange.
    #[test]
    fn never_worse_than_multistart_search(case in case(4..=8), seed in any::<u64>()) {
        let x = solve_checked(&case);
        let (value, best) = reference(&case, seed, 8);
        assert_not_worse(&case, &x, value, &best);
    }

    /// Scaling every β scales the optimal revenue; scaling budget, K and bounds together
    /// scales the split (a units change must not change the answer).
    #[test]
    fn invariant_under_units(case in case(2..=6), factor in 0.01f64..100.0) {
        let x = solve_checked(&case);
        let scaled = Case {
            curves: case.curves.iter().map(|f| HillResponse::new(f.coefficient(), f.half_saturation() * factor, f.shape()).unwrap()).collect(),
            bounds: case.bounds.iter().map(|b| SpendBounds::new(b.min * factor, b.max * factor)).collect(),
            budget: case.budget * factor,
        };
        let y = solve_checked(&scaled);
        let (a, b) = (objective(&case.curves, &x), objective(&scaled.curves, &y));
        prop_assert!((a - b).abs() <= 1e-7 * a.abs().max(1e-9), "{a} vs {b}");
    }
}

fn hill(beta: f64, k: f64, s: f64) -> HillResponse {
    HillResponse::new(beta, k, s).unwrap()
}

/// The trap that defeats "S-shaped channel at its minimum or past its tangent point": a
/// channel that saturates almost at once takes a little, and the S-shaped channel's best
/// spend is strictly inside its convex part.
#[test]
fn optimum_inside_the_convex_part_is_found() {
    let case = Case {
        curves: vec![hill(1_200.0, 100.0, 3.7), hill(560.0, 0.16, 0.74)],
        bounds: vec![SpendBounds::FREE; 2],
        budget: 76.0,
    };
    let x = solve_checked(&case);
    let (value, best) = reference(&case, 7, 8);
    assert_not_worse(&case, &x, value, &best);
    let p = case.curves[0].inflection().unwrap();
    assert!(
        x[0] > 0.0 && x[0] < p,
        "expected the S-channel inside its convex part: {x:?}"
    );
}

/// Every channel flat: any split is optimal; the whole budget is still placed,
/// deterministically in proportion to the room.
#[test]
fn flat_curves_still_place_the_budget() {
    let curves = vec![
        hill(0.0, 10.0, 2.0),
        hill(0.0, 10.0, 0.5),
        hill(0.0, 1.0, 1.0),
    ];
    let bounds = [
        SpendBounds::new(0.0, 100.0),
        SpendBounds::new(50.0, 150.0),
        SpendBounds::new(0.0, 300.0),
    ];
    let case = Case {
        curves,
        bounds: bounds.to_vec(),
        budget: 250.0,
    };
    let x = solve_checked(&case);
    // The 200 above the minimums fits rooms of 100, 100 and 200 (the last cut by the
    // budget): half of each.
    for (got, want) in x.iter().zip([50.0, 100.0, 100.0]) {
        assert!((got - want).abs() < 1e-9, "{x:?}");
    }
}

/// A flat channel takes money only when everything else is at its maximum.
#[test]
fn flat_channel_takes_only_the_overflow() {
    let case = Case {
        curves: vec![
            hill(0.0, 10.0, 1.0),
            hill(1_000.0, 100.0, 1.0),
            hill(500.0, 50.0, 3.0),
        ],
        bounds: vec![
            SpendBounds::FREE,
            SpendBounds::at_most(200.0),
            SpendBounds::at_most(100.0),
        ],
        budget: 500.0,
    };
    let x = solve_checked(&case);
    assert_eq!(&x[1..], &[200.0, 100.0]);
    assert!((x[0] - 200.0).abs() < 1e-9);
}

/// Locked channels (min = max) keep their spend; the rest is optimised.
#[test]
fn locks_and_degenerate_boxes() {
    let case = Case {
        curves: vec![
            hill(1_000.0, 100.0, 1.0),
            hill(2_000.0, 300.0, 2.5),
            hill(800.0, 40.0, 0.7),
        ],
        bounds: vec![
            SpendBounds::locked(120.0),
            SpendBounds::FREE,
            SpendBounds::locked(0.0),
        ],
        budget: 500.0,
    };
    let x = solve_checked(&case);
    assert_eq!(x[0], 120.0);
    assert_eq!(x[2], 0.0);
    assert!((x[1] - 380.0).abs() < 1e-9);
    // Budget equal to the minimums, and to the maximums.
    let tight = Case {
        curves: case.curves.clone(),
        bounds: vec![
            SpendBounds::new(10.0, 20.0),
            SpendBounds::new(30.0, 40.0),
            SpendBounds::new(5.0, 6.0),
        ],
        budget: 45.0,
    };
    assert_eq!(solve_checked(&tight), vec![10.0, 30.0, 5.0]);
    let full = Case {
        budget: 66.0,
        ..tight
    };
    assert_eq!(solve_checked(&full), vec![20.0, 40.0, 6.0]);
    // A zero budget.
    let zero = Case {
        curves: case.curves.clone(),
        bounds: vec![SpendBounds::FREE; 3],
        budget: 0.0,
    };
    assert_eq!(solve_checked(&zero), vec![0.0; 3]);
}

/// Two identical S-shaped channels and a budget that can fund one of them well: the answer
/// funds one, not both halfway (what an equal-split start converges to).
#[test]
fn identical_s_curves_fund_one() {
    let f = hill(1_000.0, 100.0, 3.0);
    let case = Case {
        curves: vec![f, f],
        bounds: vec![SpendBounds::FREE; 2],
        budget: 150.0,
    };
    let x = solve_checked(&case);
    let equal = objective(&case.curves, &[75.0, 75.0]);
    assert!(objective(&case.curves, &x) > 1.2 * equal, "{x:?}");
    assert!(x[0].min(x[1]) < 1e-9, "{x:?}");
}
