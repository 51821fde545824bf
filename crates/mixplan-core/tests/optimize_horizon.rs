//! The horizon optimiser against an independent reference on random small instances.
//!
//! The reference only evaluates the model (its own adstock recursion, summed far past the
//! period) and searches by multi-start pairwise exchange: it moves money between two cells
//! (week × channel) to the best point of a 1-D search, keeping every cap, until no pair
//! improves. Every point it visits is feasible, so its best value is a lower bound on the
//! optimum: the certificate's upper bound must be above it, and on concave instances the
//! optimiser's plan must not be beaten by it by more than 1e-6 relative.

use mixplan_core::optimize::horizon::{
    ChannelDynamics, HorizonError, HorizonModel, HorizonOptimizer, HorizonParams, HorizonProblem,
    evaluate_plan,
};
use mixplan_core::optimize::{BudgetProblem, Optimizer, SpendBounds};
use mixplan_core::response::HillResponse;
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One channel of a random instance.
#[derive(Debug, Clone)]
struct Channel {
    response: HillResponse,
    decay: f64,
    carry_in: f64,
}

/// A random instance: channels and the plan's constraints (0-based weeks).
#[derive(Debug, Clone)]
struct Instance {
    channels: Vec<Channel>,
    params: HorizonParams,
}

impl Instance {
    fn model(&self) -> HorizonModel {
        HorizonModel::new(
            self.channels
                .iter()
                .enumerate()
                .map(|(c, ch)| {
                    ChannelDynamics::new(format!("ch{c}"), ch.response, ch.decay, ch.carry_in)
                        .unwrap()
                })
                .collect(),
        )
        .unwrap()
    }
}

/// Media revenue of a week-major plan, incremental over spending nothing, by the model's
/// recursion run until the adstock's effect is below 1e-15 of β.
fn revenue(channels: &[Channel], weeks: usize, spend: &[f64]) -> f64 {
    let count = channels.len();
    let mut total = 0.0;
    for (c, ch) in channels.iter().enumerate() {
        let (theta, f) = (ch.decay, &ch.response);
        let (mut a, mut a0) = (ch.carry_in, ch.carry_in);
        let mut k = 0;
        loop {
            let x = if k < weeks { spend[k * count + c] } else { 0.0 };
            a = theta * a + (1.0 - theta) * x;
            a0 *= theta;
            total += f.value(a) - f.value(a0);
            k += 1;
            let small = (a / f.half_saturation()).powf(f.shape()) < 1e-15;
            if k >= weeks && (small || theta == 0.0) {
                break;
            }
        }
    }
    total
}

/// The constraints as the reference checks them.
struct Limits {
    weeks: usize,
    channels: usize,
    lower: Vec<f64>,
    upper: Vec<f64>,
    week_caps: Vec<f64>,
    channel_caps: Vec<f64>,
}

impl Limits {
    fn of(problem: &HorizonProblem) -> Self {
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

    fn week_total(&self, x: &[f64], h: usize) -> f64 {
        x[h * self.channels..(h + 1) * self.channels].iter().sum()
    }

    fn channel_total(&self, x: &[f64], c: usize) -> f64 {
        (0..self.weeks).map(|h| x[h * self.channels + c]).sum()
    }

    /// Checks every constraint to `tolerance` (absolute).
    fn holds(&self, x: &[f64], budget: f64, tolerance: f64) -> Result<(), String> {
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
    fn exchange_range(&self, x: &[f64], i: usize, j: usize) -> (f64, f64) {
        let c = self.channels;
        // δ ≤ x_i − lo_i, δ ≤ hi_j − x_j; δ ≥ −(hi_i − x_i), δ ≥ −(x_j − lo_j)
        let mut high = (x[i] - self.lower[i]).min(self.upper[j] - x[j]);
        let mut low = (-(self.upper[i] - x[i])).max(-(x[j] - self.lower[j]));
        let (hi_w, hj_w) = (i / c, j / c);
        if hi_w != hj_w {
            high = high.min(self.week_caps[hj_w] - self.week_total(x, hj_w));
            low = low.max(-(self.week_caps[hi_w] - self.week_total(x, hi_w)));
        }
        let (ci, cj) = (i % c, j % c);
        if ci != cj {
            high = high.min(self.channel_caps[cj] - self.channel_total(x, cj));
            low = low.max(-(self.channel_caps[ci] - self.channel_total(x, ci)));
        }
        (low.min(0.0), high.max(0.0))
    }
}

/// Pairwise exchange from `x` until no pair improves by more than 1e-13 relative.
fn improve(channels: &[Channel], limits: &Limits, x: &mut [f64]) -> f64 {
    let n = x.len();
    let mut best = revenue(channels, limits.weeks, x);
    for _ in 0..12 {
        let mut improved = false;
        for i in 0..n {
            for j in i + 1..n {
                let (low, high) = limits.exchange_range(x, i, j);
                if high - low <= 0.0 {
                    continue;
                }
                let at = |d: f64, x: &mut [f64]| {
                    x[i] -= d;
                    x[j] += d;
                    let v = revenue(channels, limits.weeks, x);
                    x[i] += d;
                    x[j] -= d;
                    v
                };
                let grid = 16;
                let (mut best_d, mut best_v) = (0.0, best);
                for g in 0..=grid {
                    let d = low + (high - low) * g as f64 / grid as f64;
                    let v = at(d, x);
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
                    if at(p, x) > at(q, x) {
                        b = q;
                    } else {
                        a = p;
                    }
                }
                let d = 0.5 * (a + b);
                let v = at(d, x);
                if v > best_v {
                    (best_d, best_v) = (d, v);
                }
                if best_v > best + 1e-13 * best.abs() {
                    x[i] -= best_d;
                    x[j] += best_d;
                    best = revenue(channels, limits.weeks, x);
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

/// A random feasible start: the budget placed in random chunks where the caps allow, or
/// `None` when the chunks cannot place it all.
fn random_start(limits: &Limits, budget: f64, rng: &mut ChaCha8Rng) -> Option<Vec<f64>> {
    let mut x = limits.lower.clone();
    let n = x.len();
    for _ in 0..400 {
        let left = budget - x.iter().sum::<f64>();
        if left <= 1e-9 * budget.max(1.0) {
            // Place the last crumbs exactly, where there is room for them.
            let i = (0..n).find(|&i| {
                let (h, c) = (i / limits.channels, i % limits.channels);
                let room = (limits.upper[i] - x[i])
                    .min(limits.week_caps[h] - limits.week_total(&x, h))
                    .min(limits.channel_caps[c] - limits.channel_total(&x, c));
                room >= left
            })?;
            x[i] += left;
            return Some(x);
        }
        let i = (rng.next_u64() % n as u64) as usize;
        let (h, c) = (i / limits.channels, i % limits.channels);
        let room = (limits.upper[i] - x[i])
            .min(limits.week_caps[h] - limits.week_total(&x, h))
            .min(limits.channel_caps[c] - limits.channel_total(&x, c))
            .max(0.0);
        let share = (rng.next_u64() % 1000) as f64 / 1000.0;
        x[i] += room.min(left * share.max(0.05));
    }
    None
}

/// The reference optimum: the best of pairwise exchange from the optimiser's plan and
/// from random feasible starts.
fn reference(
    channels: &[Channel],
    limits: &Limits,
    budget: f64,
    plan: &[f64],
    seed: u64,
) -> (f64, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = plan.to_vec();
    let mut best = (improve(channels, limits, &mut x), x);
    for _ in 0..2 {
        if let Some(mut x) = random_start(limits, budget, &mut rng) {
            let v = improve(channels, limits, &mut x);
            if v > best.0 {
                best = (v, x);
            }
        }
    }
    best
}

fn log_uniform(low: f64, high: f64) -> impl Strategy<Value = f64> {
    (low.ln()..high.ln()).prop_map(f64::exp)
}

fn channel(max_shape: f64) -> impl Strategy<Value = Channel> {
    (
        log_uniform(1e2, 1e5),
        log_uniform(1e2, 3e4),
        0.4f64..max_shape,
        prop_oneof![Just(0.0), 0.0f64..0.8],
        prop_oneof![Just(0.0), log_uniform(1.0, 3e4)],
    )
        .prop_map(|(beta, k, s, decay, carry_in)| Channel {
            response: HillResponse::new(beta, k, s).unwrap(),
            decay,
            carry_in,
        })
}

/// Optional extras: cell caps, fixed amounts, week and channel caps, as shares of the budget.
#[derive(Debug, Clone)]
struct Extras {
    cell_caps: Vec<(usize, f64)>,
    fixed: Vec<(usize, f64)>,
    week_caps: Vec<(usize, f64)>,
    channel_caps: Vec<(usize, f64)>,
}

fn extras(aggregate: bool) -> impl Strategy<Value = Extras> {
    let share = || (0usize..64, 0.05f64..0.8);
    (
        proptest::collection::vec(share(), 0..3),
        proptest::collection::vec((0usize..64, 0.0f64..0.2), 0..2),
        proptest::collection::vec(share(), 0..if aggregate { 3 } else { 1 }),
        proptest::collection::vec(share(), 0..if aggregate { 3 } else { 1 }),
    )
        .prop_map(move |(cell_caps, fixed, week_caps, channel_caps)| Extras {
            cell_caps,
            fixed,
            week_caps: if aggregate { week_caps } else { Vec::new() },
            channel_caps: if aggregate { channel_caps } else { Vec::new() },
        })
}

fn instance(max_shape: f64, aggregate: bool) -> impl Strategy<Value = Instance> {
    (1usize..=4, 1usize..=3)
        .prop_flat_map(move |(weeks, count)| {
            (
                Just(weeks),
                proptest::collection::vec(channel(max_shape), count),
                0.1f64..3.0,
                extras(aggregate),
            )
        })
        .prop_map(|(weeks, channels, level, extras)| {
            let scale: f64 = channels.iter().map(|c| c.response.half_saturation()).sum();
            let budget = (scale * weeks as f64 * level).round();
            let count = channels.len();
            let cells = weeks * count;
            let mut params = HorizonParams::new(weeks, budget);
            for (i, share) in extras.cell_caps {
                params = params.cap_cell((i % cells) / count, i % count, share * budget);
            }
            for (i, share) in extras.fixed {
                params = params.fix((i % cells) / count, i % count, (share * budget).round());
            }
            for (h, share) in extras.week_caps {
                params = params.cap_week(h % weeks, share * budget);
            }
            for (c, share) in extras.channel_caps {
                params = params.cap_channel(c % count, share * budget);
            }
            Instance { channels, params }
        })
}

/// Solves an instance; `None` when its constraints are infeasible (then the error must be
/// one of the infeasibility errors).
fn solve(
    instance: &Instance,
) -> Option<(HorizonProblem, mixplan_core::optimize::horizon::HorizonPlan)> {
    let problem = match instance.params.check(&instance.model()) {
        Ok(problem) => problem,
        Err(
            HorizonError::FixedExceedBudget { .. }
            | HorizonError::CapsBelowBudget { .. }
            | HorizonError::FixedAboveCap { .. },
        ) => return None,
        Err(other) => panic!("unexpected error {other}"),
    };
    match HorizonOptimizer::new().solve(&problem) {
        Ok(plan) => Some((problem, plan)),
        Err(HorizonError::NoRoomInsideCaps { .. }) => None,
        Err(other) => panic!("unexpected error {other}"),
    }
}

/// The checks every instance must pass; `concave` adds the optimality ones.
fn check(instance: &Instance, seed: u64, concave: bool) -> Result<(), TestCaseError> {
    let Some((problem, plan)) = solve(instance) else {
        return Ok(());
    };
    let limits = Limits::of(&problem);
    let budget = problem.budget();
    let spend = plan.spend_matrix().to_vec();
    // Within cents (and far below for realistic budgets).
    limits
        .holds(&spend, budget, 1e-9 * budget.max(1.0))
        .map_err(TestCaseError::fail)?;
    let value = revenue(&instance.channels, problem.weeks(), &spend);
    let scale = value.abs().max(
        1e-9 * instance
            .channels
            .iter()
            .map(|c| c.response.coefficient())
            .sum::<f64>(),
    );
    prop_assert!(
        (plan.media_revenue() - value).abs() <= 1e-9 * scale,
        "plan says {} but the model gives {value}",
        plan.media_revenue()
    );
    let certificate = *plan.certificate().unwrap();
    prop_assert!(certificate.upper_bound >= certificate.lower_bound);
    let (best, best_plan) = reference(&instance.channels, &limits, budget, &spend, seed);
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    /// Concave curves, cell caps and fixed amounts: optimal to 1e-6 and certified.
    #[test]
    fn concave_instances_match_the_reference(instance in instance(1.0, false), seed in any::<u64>()) {
        check(&instance, seed, true)?;
    }

    /// Concave curves with week and channel caps as well.
    #[test]
    fn concave_instances_with_week_and_channel_caps(instance in instance(1.0, true), seed in any::<u64>()) {
        check(&instance, seed, true)?;
    }

    /// S-shaped curves too: the plan is feasible, evaluated right, and the certificate's
    /// upper bound is above everything the reference finds.
    #[test]
    fn s_shaped_instances_have_a_valid_certificate(instance in instance(4.0, true), seed in any::<u64>()) {
        check(&instance, seed, false)?;
    }

    /// One week, no carryover: the same split as the exact weekly optimiser (concave), and
    /// never an upper bound below the weekly optimum (any shape).
    #[test]
    fn one_week_without_carryover_agrees_with_the_weekly_optimiser(
        curves in proptest::collection::vec(channel(4.0), 1..5),
        level in 0.1f64..3.0,
    ) {
        let channels: Vec<Channel> = curves
            .into_iter()
            .map(|c| Channel { decay: 0.0, carry_in: 0.0, ..c })
            .collect();
        let responses: Vec<HillResponse> = channels.iter().map(|c| c.response).collect();
        let budget = level * responses.iter().map(|r| r.half_saturation()).sum::<f64>();
        let bounds = vec![SpendBounds::FREE; responses.len()];
        let weekly = Optimizer::new().solve(&BudgetProblem::new(&responses, &bounds, budget).unwrap());
        let instance = Instance { channels: channels.clone(), params: HorizonParams::new(1, budget) };
        let (_, plan) = solve(&instance).unwrap();
        let certificate = plan.certificate().unwrap();
        let exact = weekly.media_revenue();
        let tolerance = 1e-9 * exact.max(1e-9);
        prop_assert!(certificate.upper_bound >= exact - tolerance, "bound {} < weekly optimum {exact}", certificate.upper_bound);
        if channels.iter().all(|c| c.response.shape() <= 1.0) {
            prop_assert!(plan.media_revenue() >= exact * (1.0 - 1e-7), "{} vs weekly {exact}", plan.media_revenue());
            for (c, &x) in weekly.spend().iter().enumerate() {
                prop_assert!((plan.spend(0, c) - x).abs() <= 1e-4 * budget, "channel {c}: {} vs {x}", plan.spend(0, c));
            }
        }
    }
}

fn store_like() -> Instance {
    // Shapes like the simulated store's (see benches/optimize.rs), with carryover.
    let channel = |beta: f64, k: f64, s: f64, decay: f64, carry: f64| Channel {
        response: HillResponse::new(beta, k, s).unwrap(),
        decay,
        carry_in: carry,
    };
    Instance {
        channels: vec![
            channel(60_000.0, 9_000.0, 0.8, 0.2, 8_000.0),
            channel(12_000.0, 1_500.0, 1.0, 0.1, 1_500.0),
            channel(15_000.0, 6_000.0, 0.9, 0.5, 5_000.0),
            channel(40_000.0, 8_000.0, 0.95, 0.7, 7_000.0),
            channel(10_000.0, 4_000.0, 0.6, 0.3, 3_000.0),
        ],
        params: HorizonParams::new(13, 13.0 * 25_000.0),
    }
}

#[test]
fn thirteen_weeks_of_five_channels_is_certified_and_beats_even_spreading() {
    let instance = store_like();
    let (problem, plan) = solve(&instance).unwrap();
    let certificate = plan.certificate().unwrap();
    assert!(
        certificate.relative_gap <= 1e-6,
        "gap {}",
        certificate.relative_gap
    );
    let budget = problem.budget();
    assert!((plan.total_spend() - budget).abs() <= 0.01);
    // Evenly spread the optimiser's own channel totals over the weeks: never better.
    let even: Vec<f64> = (0..13)
        .flat_map(|_| {
            (0..5)
                .map(|c| plan.channel_total(c) / 13.0)
                .collect::<Vec<_>>()
        })
        .collect();
    let even_plan = evaluate_plan(&problem, &even).unwrap();
    assert!(plan.media_revenue() >= even_plan.media_revenue() - 1e-9 * plan.media_revenue());
    // The tail after the period is counted and positive for channels with carryover.
    assert!(plan.tail_revenue()[3] > 0.0);
}

#[test]
fn caps_and_fixed_amounts_are_kept_in_a_realistic_plan() {
    let mut instance = store_like();
    instance.params = instance
        .params
        .clone()
        .cap_channel_weekly(0, 15_000.0)
        .cap_week(0, 5_000.0)
        .cap_channel(3, 40_000.0)
        .fix(2, 1, 2_500.0);
    let (problem, plan) = solve(&instance).unwrap();
    let limits = Limits::of(&problem);
    limits
        .holds(plan.spend_matrix(), problem.budget(), 1e-6)
        .unwrap();
    assert_eq!(plan.spend(2, 1), 2_500.0);
    assert!(plan.week_total(0) <= 5_000.0 + 1e-6);
    assert!(plan.certificate().unwrap().relative_gap <= 1e-6);
}

#[test]
fn weekly_caps_that_add_up_to_the_budget_are_met_exactly() {
    let mut instance = store_like();
    let mut params = HorizonParams::new(4, 40_000.0);
    for h in 0..4 {
        params = params.cap_week(h, 10_000.0);
    }
    instance.params = params;
    let (_, plan) = solve(&instance).unwrap();
    for h in 0..4 {
        assert!(
            (plan.week_total(h) - 10_000.0).abs() < 1e-6,
            "week {h}: {}",
            plan.week_total(h)
        );
    }
    assert!(plan.certificate().unwrap().relative_gap <= 1e-6);
}

#[test]
fn infeasible_plans_say_what_to_change() {
    let model = store_like().model();
    let err = HorizonParams::new(4, 1_000.0)
        .fix(0, 0, 2_000.0)
        .check(&model)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the fixed amounts add up to 2,000.00, 1,000.00 more than the budget of 1,000.00; \
         lower a fixed amount or raise the budget"
    );
    let mut params = HorizonParams::new(2, 10_000.0);
    for c in 0..5 {
        params = params.cap_channel(c, 1_000.0);
    }
    let err = params.check(&model).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the caps allow at most 5,000.00 over the period, 5,000.00 less than the budget of \
         10,000.00; raise a cap or lower the budget"
    );
    let err = HorizonParams::new(60, 1.0).check(&model).unwrap_err();
    assert!(err.to_string().contains("1 to 52 weeks"), "{err}");
    let err = HorizonParams::new(3, 1.0)
        .cap_cell(3, 0, 5.0)
        .check(&model)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "week 4 is outside the plan period of 3 weeks; weeks are numbered 1 to 3"
    );
    let err = HorizonParams::new(3, 100.0)
        .fix(1, 2, 50.0)
        .fix(1, 2, 60.0)
        .check(&model)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "'ch2' in week 2 is fixed twice (50 and 60); keep one amount"
    );
}

#[test]
fn zero_budget_is_the_carry_in_alone() {
    let mut instance = store_like();
    instance.params = HorizonParams::new(5, 0.0);
    let (_, plan) = solve(&instance).unwrap();
    assert_eq!(plan.total_spend(), 0.0);
    assert_eq!(plan.media_revenue(), 0.0);
    assert!(plan.carry_in_revenue() > 0.0);
    assert!(plan.weekly_media()[0] > 0.0, "the carry-in earns in week 1");
}
