//! The horizon optimiser against an independent reference on random small instances.
//!
//! The reference only evaluates the model (its own adstock recursion, summed far past the
//! period) and searches by multi-start pairwise exchange: it moves money between two cells
//! (week × channel) to the best point of a 1-D search, keeping every cap, until no pair
//! improves. Every point it visits is feasible, so its best value is a lower bound on the
//! optimum: the certificate's upper bound must be above it, and on concave instances the
//! optimiser's plan must not be beaten by it by more than 1e-6 relative.

mod support;

use mixplan_core::optimize::horizon::{
    ChannelDynamics, HorizonModel, HorizonParams, HorizonPlan, HorizonProblem, evaluate_plan,
};
use mixplan_core::optimize::{BudgetProblem, Optimizer, SpendBounds};
use mixplan_core::response::HillResponse;
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use support::horizon::{
    Exchange, Extras, Limits, ReferenceModel, STORE_CHANNELS, cases, check_instance, log_uniform,
    random_plan, solve_if_feasible,
};

/// The reference's exchange search: up to 12 rounds, a 16-point grid on each pair.
const EXCHANGE: Exchange = Exchange {
    rounds: 12,
    grid: 16,
};

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

/// The geometric recursion, independent of the optimiser's code.
impl ReferenceModel for [Channel] {
    fn responses(&self) -> Vec<HillResponse> {
        self.iter().map(|c| c.response).collect()
    }

    /// By the model's recursion, run until the adstock's effect is below 1e-15 of β.
    fn revenue(&self, weeks: usize, spend: &[f64]) -> f64 {
        let count = self.len();
        let mut total = 0.0;
        for (c, ch) in self.iter().enumerate() {
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

    /// The best of pairwise exchange from the optimiser's plan and from two random
    /// feasible plans.
    fn reference(&self, limits: &Limits, budget: f64, plan: &[f64], seed: u64) -> (f64, Vec<f64>) {
        let value = |x: &[f64]| self.revenue(limits.weeks, x);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut x = plan.to_vec();
        let mut best = (EXCHANGE.improve(limits, &mut x, value), x);
        for _ in 0..2 {
            if let Some(mut x) = random_plan(limits, budget, &mut rng) {
                let v = EXCHANGE.improve(limits, &mut x, value);
                if v > best.0 {
                    best = (v, x);
                }
            }
        }
        best
    }
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
            let params = extras.params(weeks, &channels.responses(), level);
            Instance { channels, params }
        })
}

/// Solves an instance; `None` when its constraints are infeasible (then the error must be
/// one of the infeasibility errors).
fn solve(instance: &Instance) -> Option<(HorizonProblem, HorizonPlan)> {
    solve_if_feasible(&instance.params, &instance.model())
        .unwrap_or_else(|message| panic!("{message}"))
}

/// The checks every instance must pass; `concave` adds the optimality ones.
fn check(instance: &Instance, seed: u64, concave: bool) -> Result<(), TestCaseError> {
    check_instance(
        &instance.channels[..],
        &instance.model(),
        &instance.params,
        seed,
        concave,
    )
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
    Instance {
        channels: STORE_CHANNELS
            .iter()
            .map(|&(beta, k, s, decay, carry_in)| Channel {
                response: HillResponse::new(beta, k, s).unwrap(),
                decay,
                carry_in,
            })
            .collect(),
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
