//! A brute-force reference for the optimiser tests, independent of the solver: it only
//! evaluates `f_c(x_c)`.
//!
//! * n ≤ 3: a dense grid over the feasible simplex, then local refinement;
//! * any n: multi-start pairwise exchange — from many feasible starts (random, and each
//!   channel in turn given as much as its bounds allow), repeatedly move money between two
//!   channels to the best point of a 1-D grid plus golden-section refinement, until no pair
//!   improves. Every point it visits is feasible, so its value is a lower bound on the true
//!   optimum: an optimiser that is never worse than it (to 1e-6 relative) has not stopped at
//!   a local optimum the reference escaped.

use mixplan_core::optimize::SpendBounds;
use mixplan_core::response::HillResponse;
use proptest::prelude::*;

/// Case count: `default`, or `PROPTEST_CASES` for a longer hunt
/// (`PROPTEST_CASES=5000 cargo test --release -p mixplan-core --test optimize_reference`).
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A random problem: curves, bounds, budget.
#[derive(Debug, Clone)]
pub struct Case {
    pub curves: Vec<HillResponse>,
    pub bounds: Vec<SpendBounds>,
    pub budget: f64,
}

/// Total media revenue of a split.
pub fn objective(curves: &[HillResponse], x: &[f64]) -> f64 {
    curves.iter().zip(x).map(|(f, &x)| f.value(x)).sum()
}

/// A Hill curve with log-uniform β and K, and a shape mixing concave (s ≤ 1) and S-shaped.
pub fn curve() -> impl Strategy<Value = HillResponse> {
    (
        2.0f64..5.0,
        2.0f64..4.5,
        prop_oneof![0.3f64..1.0, 1.0f64..1.0001, 1.2f64..5.0],
    )
        .prop_map(|(b, k, s)| HillResponse::new(10f64.powf(b), 10f64.powf(k), s).unwrap())
}

/// Random bounds (free, minimum, maximum, both, locked) and a feasible budget.
pub fn case(channels: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Case> {
    channels
        .prop_flat_map(|n| {
            (
                prop::collection::vec(curve(), n),
                prop::collection::vec((0u8..6, 0.0f64..1.0, 0.0f64..1.0), n),
                0.0f64..1.0,
                -1.5f64..1.0,
            )
        })
        .prop_map(|(curves, raw, u, scale)| {
            let total_k: f64 = curves.iter().map(|f| f.half_saturation()).sum();
            let unit = total_k / curves.len() as f64;
            let bounds: Vec<SpendBounds> = raw
                .iter()
                .map(|&(kind, a, b)| {
                    let lo = a * unit;
                    match kind {
                        0 | 1 => SpendBounds::FREE,
                        2 => SpendBounds::at_least(lo),
                        3 => SpendBounds::at_most(lo + 2.0 * b * unit),
                        4 => SpendBounds::new(lo, lo + 2.0 * b * unit),
                        _ => SpendBounds::locked(lo),
                    }
                })
                .collect();
            let lo: f64 = bounds.iter().map(|b| b.min).sum();
            let hi: f64 = bounds.iter().map(|b| b.max).sum();
            let budget = if hi.is_finite() {
                lo + u * (hi - lo)
            } else {
                lo + 10f64.powf(scale) * total_k * u.max(0.02)
            };
            Case {
                curves,
                bounds,
                budget,
            }
        })
}

/// Upper bounds cut by the budget.
fn cut(bounds: &[SpendBounds], budget: f64) -> Vec<(f64, f64)> {
    let lo: f64 = bounds.iter().map(|b| b.min).sum();
    bounds
        .iter()
        .map(|b| (b.min, b.max.min(b.min + (budget - lo).max(0.0))))
        .collect()
}

/// Best value of `g` on `[a, b]`: a grid, then golden-section search around the best node.
fn line_max(g: impl Fn(f64) -> f64, a: f64, b: f64, points: usize) -> (f64, f64) {
    if b <= a {
        return (a, g(a));
    }
    let h = (b - a) / points as f64;
    let (mut best_t, mut best) = (a, g(a));
    for i in 1..=points {
        let t = a + h * i as f64;
        let v = g(t);
        if v > best {
            (best_t, best) = (t, v);
        }
    }
    let (mut lo, mut hi) = ((best_t - h).max(a), (best_t + h).min(b));
    let r = 0.618_033_988_749_895;
    let (mut c, mut d) = (hi - r * (hi - lo), lo + r * (hi - lo));
    let (mut gc, mut gd) = (g(c), g(d));
    for _ in 0..60 {
        if gc > gd {
            hi = d;
            (d, gd) = (c, gc);
            c = hi - r * (hi - lo);
            gc = g(c);
        } else {
            lo = c;
            (c, gc) = (d, gd);
            d = lo + r * (hi - lo);
            gd = g(d);
        }
    }
    for t in [c, d] {
        let v = g(t);
        if v > best {
            (best_t, best) = (t, v);
        }
    }
    (best_t, best)
}

/// Pairwise-exchange hill climbing from `x` (feasible).
fn refine(curves: &[HillResponse], bx: &[(f64, f64)], x: &mut [f64], points: usize) -> f64 {
    let n = x.len();
    let mut value = objective(curves, x);
    for _sweep in 0..50 {
        let before = value;
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                // Move d from j to i.
                let lo = (bx[i].0 - x[i]).max(x[j] - bx[j].1);
                let hi = (bx[i].1 - x[i]).min(x[j] - bx[j].0);
                if hi <= lo {
                    continue;
                }
                let (xi, xj) = (x[i], x[j]);
                let (fi, fj) = (&curves[i], &curves[j]);
                let base = fi.value(xi) + fj.value(xj);
                let (d, v) = line_max(|d| fi.value(xi + d) + fj.value(xj - d), lo, hi, points);
                if v > base {
                    x[i] = xi + d;
                    x[j] = xj - d;
                    value += v - base;
                }
            }
        }
        if value <= before * (1.0 + 1e-15) {
            break;
        }
    }
    objective(curves, x)
}

/// Fills `budget` into the box greedily from `weights` (proportional to them, capped).
fn fill(bx: &[(f64, f64)], budget: f64, weights: &[f64]) -> Vec<f64> {
    let mut x: Vec<f64> = bx.iter().map(|b| b.0).collect();
    let mut left = budget - x.iter().sum::<f64>();
    for _ in 0..(2 * bx.len() + 2) {
        if left <= 1e-12 * budget {
            break;
        }
        let open: Vec<usize> = (0..x.len()).filter(|&c| x[c] < bx[c].1).collect();
        let w: f64 = open.iter().map(|&c| weights[c]).sum();
        if open.is_empty() {
            break;
        }
        let mut placed = 0.0;
        for &c in &open {
            let share = if w > 0.0 {
                left * weights[c] / w
            } else {
                left / open.len() as f64
            };
            let add = share.min(bx[c].1 - x[c]);
            x[c] += add;
            placed += add;
        }
        left -= placed;
    }
    x
}

/// The reference optimum value (a lower bound on the true optimum) and its split.
pub fn reference(case: &Case, seed: u64, random_starts: usize) -> (f64, Vec<f64>) {
    let Case {
        curves,
        bounds,
        budget,
    } = case;
    let n = curves.len();
    let bx = cut(bounds, *budget);
    let mut best = (f64::NEG_INFINITY, Vec::new());
    let mut consider = |value: f64, x: Vec<f64>| {
        if value > best.0 {
            best = (value, x);
        }
    };
    // Dense grids for n ≤ 3.
    if n == 2 {
        let (a, b) = (bx[0].0.max(budget - bx[1].1), bx[0].1.min(budget - bx[1].0));
        let (t, _) = line_max(
            |t| curves[0].value(t) + curves[1].value(budget - t),
            a,
            b,
            20_000,
        );
        let mut x = vec![t, budget - t];
        let v = refine(curves, &bx, &mut x, 64);
        consider(v, x);
    } else if n == 3 {
        let g = 300;
        let mut grid_best = (f64::NEG_INFINITY, vec![]);
        for i in 0..=g {
            let x0 = bx[0].0 + (bx[0].1 - bx[0].0) * i as f64 / g as f64;
            let (a, b) = (
                bx[1].0.max(budget - x0 - bx[2].1),
                bx[1].1.min(budget - x0 - bx[2].0),
            );
            if b < a {
                continue;
            }
            for j in 0..=g {
                let x1 = a + (b - a) * j as f64 / g as f64;
                let x = vec![x0, x1, budget - x0 - x1];
                let v = objective(curves, &x);
                if v > grid_best.0 {
                    grid_best = (v, x);
                }
            }
        }
        if !grid_best.1.is_empty() {
            let mut x = grid_best.1;
            let v = refine(curves, &bx, &mut x, 64);
            consider(v, x);
        }
    }
    // Structured starts: equal weights, and each channel favoured in turn.
    let mut starts: Vec<Vec<f64>> = vec![vec![1.0; n]];
    for c in 0..n {
        let mut w = vec![1e-9; n];
        w[c] = 1.0;
        starts.push(w);
    }
    let mut state = seed | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..random_starts {
        // Sparse random weights: some channels get nothing, which puts S-shaped channels
        // on both sides of their threshold.
        starts.push(
            (0..n)
                .map(|_| {
                    let u = next();
                    if u < 0.3 {
                        1e-9
                    } else {
                        -next().max(1e-12).ln()
                    }
                })
                .collect(),
        );
    }
    for w in starts {
        let mut x = fill(&bx, *budget, &w);
        let v = refine(curves, &bx, &mut x, 24);
        consider(v, x);
    }
    best
}
