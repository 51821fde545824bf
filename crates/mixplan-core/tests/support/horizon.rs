//! The reference search of the horizon optimiser's tests, shared by `optimize_horizon.rs`
//! (geometric carryover) and `optimize_horizon_weibull.rs` (Weibull kernels).
//!
//! Each test file brings its own evaluation of a plan ([`ReferenceModel`]), independent of
//! the optimiser's code; this module holds what does not depend on the carryover: the plan's
//! constraints as the reference checks them ([`Limits`]), random feasible plans, multi-start
//! pairwise exchange ([`Exchange`]), the random instances' extras and the checks every
//! random instance must pass ([`check_instance`]).

use mixplan_core::optimize::horizon::{
    HorizonError, HorizonModel, HorizonOptimizer, HorizonParams, HorizonPlan, HorizonProblem,
};
use mixplan_core::response::HillResponse;
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::Rng;

/// Case count: `default`, or `PROPTEST_CASES` for a longer hunt.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The simulated store's five channels (shapes like benches/optimize.rs), one row a channel:
/// Hill `β`, `K` and `s`, geometric decay `θ`, and a weekly spend level (the carry-in of the
/// geometric instances, the level of the Weibull ones' history).
pub const STORE_CHANNELS: [(f64, f64, f64, f64, f64); 5] = [
    (60_000.0, 9_000.0, 0.8, 0.2, 8_000.0),
    (12_000.0, 1_500.0, 1.0, 0.1, 1_500.0),
    (15_000.0, 6_000.0, 0.9, 0.5, 5_000.0),
    (40_000.0, 8_000.0, 0.95, 0.7, 7_000.0),
    (10_000.0, 4_000.0, 0.6, 0.3, 3_000.0),
];

/// A test's own model of the channels, sharing no code with the optimiser's revenue.
pub trait ReferenceModel {
    /// The channels' Hill curves, in order.
    fn responses(&self) -> Vec<HillResponse>;

    /// Media revenue of the week-major plan `spend` of `weeks` weeks, incremental over
    /// spending nothing in the period, its tail after the period included.
    fn revenue(&self, weeks: usize, spend: &[f64]) -> f64;

    /// The reference optimum and its plan: the best feasible plan a search from the
    /// optimiser's `plan` and from random feasible plans (drawn from `seed`) finds.
    fn reference(&self, limits: &Limits, budget: f64, plan: &[f64], seed: u64) -> (f64, Vec<f64>);
}

/// The constraints as the reference checks them (week-major cells, 0-based weeks).
pub struct Limits {
    pub weeks: usize,
    pub channels: usize,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub week_caps: Vec<f64>,
    pub channel_caps: Vec<f64>,
}

impl Limits {
    pub fn of(problem: &HorizonProblem) -> Self {
        let (weeks, channels) = (problem.weeks(), problem.channels());
        Self {
            weeks,
            channels,
            lower: (0..weeks * channels)
                .map(|i| problem.lower(i / channels, i % channels))
                .collect(),
            upper: (0..weeks * channels)
                .map(|i| problem.upper(i / channels, i % channels))
                .collect(),
            week_caps: (0..weeks).map(|h| problem.week_cap(h)).collect(),
            channel_caps: (0..channels).map(|c| problem.channel_cap(c)).collect(),
        }
    }

    pub fn week_total(&self, x: &[f64], h: usize) -> f64 {
        x[h * self.channels..(h + 1) * self.channels].iter().sum()
    }

    pub fn channel_total(&self, x: &[f64], c: usize) -> f64 {
        (0..self.weeks).map(|h| x[h * self.channels + c]).sum()
    }

    /// Room left in cell `i` under its box, its week cap and its channel cap (`≥ 0`).
    pub fn room(&self, x: &[f64], i: usize) -> f64 {
        let (h, c) = (i / self.channels, i % self.channels);
        (self.upper[i] - x[i])
            .min(self.week_caps[h] - self.week_total(x, h))
            .min(self.channel_caps[c] - self.channel_total(x, c))
            .max(0.0)
    }

    /// Checks every constraint to `tolerance` (absolute).
    pub fn holds(&self, x: &[f64], budget: f64, tolerance: f64) -> Result<(), String> {
        let total: f64 = x.iter().sum();
        if (total - budget).abs() > tolerance {
            return Err(format!("total {total} vs budget {budget}"));
        }
        for (i, &v) in x.iter().enumerate() {
            if v < self.lower[i] - tolerance || v > self.upper[i] + tolerance {
                return Err(format!(
                    "cell {i}: {v} outside [{}, {}]",
                    self.lower[i], self.upper[i]
                ));
            }
        }
        for h in 0..self.weeks {
            if self.week_total(x, h) > self.week_caps[h] + tolerance {
                return Err(format!(
                    "week {h} total {} > cap {}",
                    self.week_total(x, h),
                    self.week_caps[h]
                ));
            }
        }
        for c in 0..self.channels {
            if self.channel_total(x, c) > self.channel_caps[c] + tolerance {
                return Err(format!("channel {c} total above its cap"));
            }
        }
        Ok(())
    }

    /// The range of `δ` moved from cell `i` to cell `j` that keeps every constraint.
    pub fn exchange_range(&self, x: &[f64], i: usize, j: usize) -> (f64, f64) {
        let c = self.channels;
        // δ ≤ x_i − lo_i, δ ≤ hi_j − x_j; δ ≥ −(hi_i − x_i), δ ≥ −(x_j − lo_j)
        let mut high = (x[i] - self.lower[i]).min(self.upper[j] - x[j]);
        let mut low = (-(self.upper[i] - x[i])).max(-(x[j] - self.lower[j]));
        let (wi, wj) = (i / c, j / c);
        if wi != wj {
            high = high.min(self.week_caps[wj] - self.week_total(x, wj));
            low = low.max(-(self.week_caps[wi] - self.week_total(x, wi)));
        }
        let (ci, cj) = (i % c, j % c);
        if ci != cj {
            high = high.min(self.channel_caps[cj] - self.channel_total(x, cj));
            low = low.max(-(self.channel_caps[ci] - self.channel_total(x, ci)));
        }
        (low.min(0.0), high.max(0.0))
    }
}

/// A random feasible plan: the budget placed in random chunks where the caps allow, or
/// `None` when the chunks cannot place it all.
pub fn random_plan(limits: &Limits, budget: f64, rng: &mut ChaCha8Rng) -> Option<Vec<f64>> {
    let mut x = limits.lower.clone();
    let n = x.len();
    for _ in 0..400 {
        let left = budget - x.iter().sum::<f64>();
        if left <= 1e-9 * budget.max(1.0) {
            // Place the last crumbs exactly, where there is room for them.
            let i = (0..n).find(|&i| limits.room(&x, i) >= left)?;
            x[i] += left;
            return Some(x);
        }
        let i = (rng.next_u64() % n as u64) as usize;
        let share = (rng.next_u64() % 1000) as f64 / 1000.0;
        x[i] += limits.room(&x, i).min(left * share.max(0.05));
    }
    None
}

/// Pairwise exchange: for each pair of cells, the best amount to move between them on a
/// `grid`-point grid over the feasible range, refined by golden section around it; at most
/// `rounds` passes over the pairs.
pub struct Exchange {
    pub rounds: usize,
    pub grid: usize,
}

impl Exchange {
    /// Exchanges from `x` until no pair improves `value` by more than 1e-13 relative (or
    /// the rounds run out); every point visited keeps `limits`. Returns `value(x)`.
    pub fn improve(&self, limits: &Limits, x: &mut [f64], value: impl Fn(&[f64]) -> f64) -> f64 {
        let n = x.len();
        let mut best = value(x);
        for _ in 0..self.rounds {
            let mut improved = false;
            for i in 0..n {
                for j in i + 1..n {
                    let (low, high) = limits.exchange_range(x, i, j);
                    if high - low <= 0.0 {
                        continue;
                    }
                    let mut at = |d: f64| {
                        x[i] -= d;
                        x[j] += d;
                        let v = value(x);
                        x[i] += d;
                        x[j] -= d;
                        v
                    };
                    let grid = self.grid;
                    let (mut best_d, mut best_v) = (0.0, best);
                    for g in 0..=grid {
                        let d = low + (high - low) * g as f64 / grid as f64;
                        let v = at(d);
                        if v > best_v {
                            (best_d, best_v) = (d, v);
                        }
                    }
                    // Golden section around the best grid point.
                    let step = (high - low) / grid as f64;
                    let (mut a, mut b) = ((best_d - step).max(low), (best_d + step).min(high));
                    let ratio = 0.618_033_988_749_895;
                    for _ in 0..40 {
                        let (p, q) = (b - ratio * (b - a), a + ratio * (b - a));
                        if at(p) > at(q) {
                            b = q;
                        } else {
                            a = p;
                        }
                    }
                    let d = 0.5 * (a + b);
                    let v = at(d);
                    if v > best_v {
                        (best_d, best_v) = (d, v);
                    }
                    if best_v > best + 1e-13 * best.abs() {
                        x[i] -= best_d;
                        x[j] += best_d;
                        best = value(x);
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        best
    }
}

pub fn log_uniform(low: f64, high: f64) -> impl Strategy<Value = f64> {
    (low.ln()..high.ln()).prop_map(f64::exp)
}

/// Optional extras: cell caps, fixed amounts, week and channel caps, as shares of the budget.
#[derive(Debug, Clone)]
pub struct Extras {
    pub cell_caps: Vec<(usize, f64)>,
    pub fixed: Vec<(usize, f64)>,
    pub week_caps: Vec<(usize, f64)>,
    pub channel_caps: Vec<(usize, f64)>,
}

impl Extras {
    /// A plan of `weeks` weeks for channels with these curves: a budget of `level` times
    /// their summed half-saturations a week (rounded), with the extras (indices taken modulo
    /// the cells, weeks or channels; fixed amounts rounded).
    pub fn params(self, weeks: usize, responses: &[HillResponse], level: f64) -> HorizonParams {
        let scale: f64 = responses.iter().map(|r| r.half_saturation()).sum();
        let budget = (scale * weeks as f64 * level).round();
        let count = responses.len();
        let cells = weeks * count;
        let mut params = HorizonParams::new(weeks, budget);
        for (i, share) in self.cell_caps {
            params = params.cap_cell((i % cells) / count, i % count, share * budget);
        }
        for (i, share) in self.fixed {
            params = params.fix((i % cells) / count, i % count, (share * budget).round());
        }
        for (h, share) in self.week_caps {
            params = params.cap_week(h % weeks, share * budget);
        }
        for (c, share) in self.channel_caps {
            params = params.cap_channel(c % count, share * budget);
        }
        params
    }
}

/// Checks `params` against `model` and solves; `Ok(None)` when the constraints are
/// infeasible (then the error must be one of the infeasibility errors), `Err` with the
/// message of any other error.
pub fn solve_if_feasible(
    params: &HorizonParams,
    model: &HorizonModel,
) -> Result<Option<(HorizonProblem, HorizonPlan)>, String> {
    let problem = match params.check(model) {
        Ok(problem) => problem,
        Err(
            HorizonError::FixedExceedBudget { .. }
            | HorizonError::CapsBelowBudget { .. }
            | HorizonError::FixedAboveCap { .. },
        ) => return Ok(None),
        Err(other) => return Err(format!("unexpected error {other}")),
    };
    match HorizonOptimizer::new().solve(&problem) {
        Ok(plan) => Ok(Some((problem, plan))),
        Err(HorizonError::NoRoomInsideCaps { .. }) => Ok(None),
        Err(other) => Err(format!("unexpected error {other}")),
    }
}

/// The checks every random instance must pass (nothing to check when it is infeasible):
/// the optimiser's plan keeps every constraint, earns what `channels` say it earns, and
/// its certificate's upper bound is above the reference optimum; `concave` adds the
/// optimality ones (certified concave, gap ≤ 1e-6, the reference no better by 1e-6).
pub fn check_instance<M: ReferenceModel + ?Sized>(
    channels: &M,
    model: &HorizonModel,
    params: &HorizonParams,
    seed: u64,
    concave: bool,
) -> Result<(), TestCaseError> {
    let Some((problem, plan)) = solve_if_feasible(params, model).map_err(TestCaseError::fail)?
    else {
        return Ok(());
    };
    let limits = Limits::of(&problem);
    let budget = problem.budget();
    let spend = plan.spend_matrix().to_vec();
    // Within cents (and far below for realistic budgets).
    limits
        .holds(&spend, budget, 1e-9 * budget.max(1.0))
        .map_err(TestCaseError::fail)?;
    let value = channels.revenue(problem.weeks(), &spend);
    let scale = value.abs().max(
        1e-9 * channels
            .responses()
            .iter()
            .map(|r| r.coefficient())
            .sum::<f64>(),
    );
    prop_assert!(
        (plan.media_revenue() - value).abs() <= 1e-9 * scale,
        "plan says {} but the test's model gives {value}",
        plan.media_revenue()
    );
    let certificate = *plan.certificate().unwrap();
    prop_assert!(certificate.upper_bound >= certificate.lower_bound);
    let (best, best_plan) = channels.reference(&limits, budget, &spend, seed);
    prop_assert!(
        certificate.upper_bound >= best - 1e-9 * scale,
        "upper bound {} below a feasible plan's {best}: {best_plan:?} ({:?}), the optimiser's {spend:?}",
        certificate.upper_bound,
        limits.holds(&best_plan, budget, 0.0)
    );
    if concave {
        prop_assert!(certificate.concave);
        prop_assert!(
            certificate.relative_gap <= 1e-6,
            "gap {}",
            certificate.relative_gap
        );
        prop_assert!(
            value >= best - 1e-6 * scale,
            "the reference found {best}, the optimiser {value}"
        );
    }
    Ok(())
}
