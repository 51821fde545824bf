//! The optimiser cross-checked by an independent method on the simulated store's true
//! curves: a dynamic programme over channels (exact on its grid for any curve shape), with
//! its own optimality tests (KKT conditions, random search, brute force on two channels).
//! The simulator's ground-truth optimal splits come from [`optimize`]; this is what says they
//! are right.

use mixplan_core::data::simulate::{SimulateParams, simulate};
use mixplan_core::optimize::{SpendBounds, optimize};
use mixplan_core::response::HillResponse;
use std::sync::OnceLock;

/// The true response curves of the default simulated store, computed once.
fn true_curves() -> &'static [HillResponse] {
    static CURVES: OnceLock<Vec<HillResponse>> = OnceLock::new();
    CURVES.get_or_init(|| {
        let truth = simulate(&SimulateParams::default())
            .expect("default simulation")
            .truth;
        truth
            .channels
            .iter()
            .map(|c| c.response().expect("true curve"))
            .collect()
    })
}

fn media(curves: &[HillResponse], split: &[f64]) -> f64 {
    curves.iter().zip(split).map(|(f, &x)| f.value(x)).sum()
}

/// The exact optimiser and the dynamic programme agree on the store's true curves, at budgets
/// from well below to well above the historical one (Display, S-shaped, is off at the
/// small budgets and on at the large ones): the same media revenue to within one cent a
/// week, the same split to within $1 per channel, and the optimiser never worse.
#[test]
fn optimiser_agrees_with_an_independent_method_on_the_true_curves() {
    let f = true_curves();
    let free = vec![SpendBounds::FREE; f.len()];
    for budget in [5_000.0, 20_000.0, 47_957.23, 60_000.0, 80_000.0, 150_000.0] {
        let exact = optimize(f, &free, budget).unwrap();
        let dp = dp_split(f, budget);
        let (v_exact, v_dp) = (media(f, exact.spend()), media(f, &dp));
        assert!(
            v_exact >= v_dp - 1e-9 * v_dp,
            "budget {budget}: {v_exact} < {v_dp}"
        );
        assert!(
            v_exact - v_dp <= 0.01,
            "budget {budget}: {v_exact} vs {v_dp}"
        );
        for (c, (a, b)) in exact.spend().iter().zip(&dp).enumerate() {
            assert!(
                (a - b).abs() <= 1.0,
                "budget {budget}, channel {c}: {a} vs {b}"
            );
        }
    }
}

/// KKT conditions: active channels share one marginal return λ; inactive ones have a
/// marginal return at zero of at most λ. And no random feasible split does better.
#[test]
fn dp_split_is_optimal() {
    let f = true_curves();
    for budget in [5_000.0, 20_000.0, 48_000.0, 80_000.0, 150_000.0] {
        let x = dp_split(f, budget);
        assert!((x.iter().sum::<f64>() - budget).abs() < 1e-6 * budget);
        assert!(x.iter().all(|&v| v >= 0.0));
        let value = media(f, &x);
        let active: Vec<f64> = f
            .iter()
            .zip(&x)
            .filter(|(_, v)| **v > 1.0)
            .map(|(g, &v)| g.marginal(v))
            .collect();
        let lambda = active.iter().sum::<f64>() / active.len() as f64;
        for m in &active {
            assert!(
                (m - lambda).abs() <= 0.01 * lambda,
                "budget {budget}: {active:?}"
            );
        }
        // Random search in the simplex around and away from the optimum.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..5_000 {
            let w: Vec<f64> = (0..f.len()).map(|_| -uniform().ln()).collect();
            let s: f64 = w.iter().sum();
            let y: Vec<f64> = w.iter().map(|v| budget * v / s).collect();
            assert!(
                media(f, &y) <= value + 1e-6,
                "budget {budget}: {y:?} beats {x:?}"
            );
        }
    }
}

/// On two channels, a dense brute-force scan agrees with the solver.
#[test]
fn dp_split_matches_brute_force_for_two_channels() {
    let f = [
        HillResponse::new(30_000.0, 20_000.0, 2.5).unwrap(),
        HillResponse::new(10_000.0, 2_000.0, 0.8).unwrap(),
    ];
    for budget in [3_000.0, 15_000.0, 40_000.0] {
        let x = dp_split(&f, budget);
        let brute = (0..=100_000)
            .map(|i| {
                let a = budget * i as f64 / 100_000.0;
                f[0].value(a) + f[1].value(budget - a)
            })
            .fold(f64::NEG_INFINITY, f64::max);
        assert!(media(&f, &x) >= brute - 1e-3, "budget {budget}");
    }
    assert_eq!(dp_split(&f, 0.0), vec![0.0, 0.0]);
    assert_eq!(dp_split(&f, f64::NAN), vec![0.0, 0.0]);
    assert!(dp_split(&[], 10.0).is_empty());
}

/// Grid size of [`dp_split`]'s dynamic programme.
const GRID: usize = 2000;

/// The split of a weekly `budget` over channels maximising `Σ_c f_c(x_c)` subject to
/// `Σ_c x_c = budget`, `x_c ≥ 0`, for increasing response curves `f_c` of any shape.
///
/// Exact on the grid `h = budget/2000` by dynamic programming over channels: with
/// `best_c(u)` the best value of channels `0..=c` given `u` grid units,
/// `best_c(u) = max_k [best_{c−1}(u−k) + f_c(k·h)]`, in `O(C·2000²)`. The grid solution is
/// then polished off-grid by pairwise transfers: move `δ` from channel `i` to `j` while it
/// raises the total, halving `δ` from `h` down to one cent. The polish only improves, so the
/// result is at least the grid optimum, which is within `Σ_c max_x [f_c(x + h) − f_c(x)]`
/// of the continuous optimum (round the continuous optimum down to the grid).
///
/// Returns all zeros for a non-positive or non-finite budget.
fn dp_split(curves: &[HillResponse], budget: f64) -> Vec<f64> {
    let m = curves.len();
    if m == 0 || !(budget.is_finite() && budget > 0.0) {
        return vec![0.0; m];
    }
    let h = budget / GRID as f64;
    let table: Vec<Vec<f64>> = curves
        .iter()
        .map(|f| (0..=GRID).map(|k| f.value(k as f64 * h)).collect())
        .collect();
    // best[u]: best value of the channels so far with u grid units; choice[c][u]: units
    // given to channel c.
    let mut best = table[0].clone();
    let mut choice = vec![(0..=GRID).collect::<Vec<usize>>()];
    for f in table.iter().skip(1) {
        let mut next = vec![f64::NEG_INFINITY; GRID + 1];
        let mut pick = vec![0usize; GRID + 1];
        for u in 0..=GRID {
            for k in 0..=u {
                let v = best[u - k] + f[k];
                if v > next[u] {
                    next[u] = v;
                    pick[u] = k;
                }
            }
        }
        best = next;
        choice.push(pick);
    }
    let mut split = vec![0.0; m];
    let mut u = GRID;
    for c in (0..m).rev() {
        let k = choice[c][u];
        split[c] = k as f64 * h;
        u -= k;
    }
    // Polish by pairwise transfers.
    let mut step = h;
    while step >= 0.01 {
        let mut improved = true;
        while improved {
            improved = false;
            for i in 0..m {
                for j in 0..m {
                    if i == j || split[i] < step {
                        continue;
                    }
                    let gain = curves[j].value(split[j] + step) - curves[j].value(split[j])
                        + curves[i].value(split[i] - step)
                        - curves[i].value(split[i]);
                    if gain > 1e-9 {
                        split[i] -= step;
                        split[j] += step;
                        improved = true;
                    }
                }
            }
        }
        step /= 2.0;
    }
    split
}
