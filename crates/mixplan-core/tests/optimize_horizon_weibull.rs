//! The horizon optimiser with Weibull carryover (CDF and PDF kernels), against an
//! independent simulation: the observed history, the plan and the weeks after it run through
//! `WeibullAdstock::apply` (the fit's own transform) and the Hill curve, nothing shared with
//! the optimiser's code. The reference optimum is pairwise exchange from the optimiser's plan
//! and from random feasible plans (every point it visits is feasible, so it is a lower bound
//! on the optimum), as in `optimize_horizon.rs`.

mod support;

use mixplan_core::optimize::horizon::{
    ChannelDynamics, HorizonError, HorizonModel, HorizonOptimizer, HorizonParams, HorizonPlan,
    evaluate_plan,
};
use mixplan_core::response::HillResponse;
use mixplan_core::transform::{GeometricAdstock, WeibullAdstock, WeibullForm};
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use support::horizon::{
    Exchange, Extras, Limits, ReferenceModel, STORE_CHANNELS, cases, check_instance, log_uniform,
    random_plan,
};

/// The reference's exchange search: up to 8 rounds, a 12-point grid on each pair.
const EXCHANGE: Exchange = Exchange {
    rounds: 8,
    grid: 12,
};

/// One channel: its curve, its Weibull kernel and the spend observed before the period.
#[derive(Debug, Clone)]
struct Channel {
    response: HillResponse,
    kernel: WeibullAdstock,
    history: Vec<f64>,
}

fn model(channels: &[Channel]) -> HorizonModel {
    HorizonModel::new(
        channels
            .iter()
            .enumerate()
            .map(|(c, ch)| {
                ChannelDynamics::weibull(format!("ch{c}"), ch.response, &ch.kernel, &ch.history)
                    .unwrap()
            })
            .collect(),
    )
    .unwrap()
}

/// What the simulation says a plan earns.
struct Simulated {
    /// Incremental over spending nothing in the period, tail included.
    media: f64,
    /// Week-major `β·hill(a_h)` over the period (carry-in included).
    contributions: Vec<f64>,
    /// Per channel, revenue after the period.
    tail: Vec<f64>,
    /// Revenue over the period and its tail with nothing spent in it.
    carry_in: f64,
}

/// Runs history + plan + 3·L weeks of no spend through `WeibullAdstock::apply` and the curve.
/// The weeks past `L − 1` after the period must add exactly nothing (checked).
fn simulate(channels: &[Channel], weeks: usize, spend: &[f64]) -> Simulated {
    let count = channels.len();
    let mut out = Simulated {
        media: 0.0,
        contributions: vec![0.0; weeks * count],
        tail: vec![0.0; count],
        carry_in: 0.0,
    };
    for (c, ch) in channels.iter().enumerate() {
        let n = ch.history.len();
        let lags = ch.kernel.weights().len();
        let after = 3 * lags;
        let series = |plan: &dyn Fn(usize) -> f64| -> Vec<f64> {
            let mut x = ch.history.clone();
            x.extend((0..weeks).map(plan));
            x.extend(std::iter::repeat_n(0.0, after));
            x
        };
        let with = ch.kernel.apply(&series(&|h| spend[h * count + c])).unwrap();
        let without = ch.kernel.apply(&series(&|_| 0.0)).unwrap();
        for t in n..n + weeks + after {
            let (k, value, base) = (
                t - n,
                ch.response.value(with[t]),
                ch.response.value(without[t]),
            );
            if k >= weeks + lags - 1 {
                assert_eq!(
                    with[t],
                    0.0,
                    "adstock left {} weeks after the period",
                    k - weeks
                );
            }
            out.media += value - base;
            out.carry_in += base;
            if k < weeks {
                out.contributions[k * count + c] = value;
            } else {
                out.tail[c] += value;
            }
        }
    }
    out
}

/// The simulation, independent of the optimiser's code.
impl ReferenceModel for [Channel] {
    fn responses(&self) -> Vec<HillResponse> {
        self.iter().map(|c| c.response).collect()
    }

    /// By [`simulate`].
    fn revenue(&self, weeks: usize, spend: &[f64]) -> f64 {
        simulate(self, weeks, spend).media
    }

    /// The best of 20 random feasible plans and of pairwise exchange from two of them and
    /// from the optimiser's plan.
    fn reference(&self, limits: &Limits, budget: f64, plan: &[f64], seed: u64) -> (f64, Vec<f64>) {
        let value = |x: &[f64]| self.revenue(limits.weeks, x);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut best = (f64::NEG_INFINITY, Vec::new());
        let mut starts = Vec::new();
        for _ in 0..20 {
            if let Some(x) = random_plan(limits, budget, &mut rng) {
                let v = value(&x);
                if v > best.0 {
                    best = (v, x.clone());
                }
                starts.push(x);
            }
        }
        starts.truncate(2);
        starts.push(plan.to_vec());
        for mut x in starts {
            let v = EXCHANGE.improve(limits, &mut x, value);
            if v > best.0 {
                best = (v, x);
            }
        }
        best
    }
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-300)
}

/// Checks a plan's every figure against the simulation to 1e-9 relative (of the channel
/// scale for the near-zero ones).
fn assert_matches_simulation(channels: &[Channel], plan: &HorizonPlan) {
    let weeks = plan.weeks();
    let sim = simulate(channels, weeks, plan.spend_matrix());
    let scale: f64 = channels.iter().map(|c| c.response.coefficient()).sum();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-3 * scale);
    assert!(
        close(plan.media_revenue(), sim.media),
        "media revenue {} vs simulated {} ({:e} relative)",
        plan.media_revenue(),
        sim.media,
        relative(plan.media_revenue(), sim.media)
    );
    assert!(close(plan.carry_in_revenue(), sim.carry_in));
    for (c, &tail) in sim.tail.iter().enumerate() {
        assert!(
            close(plan.tail_revenue()[c], tail),
            "tail {c}: {} vs {tail}",
            plan.tail_revenue()[c]
        );
    }
    for h in 0..weeks {
        for c in 0..channels.len() {
            let simulated = sim.contributions[h * channels.len() + c];
            assert!(
                close(plan.contribution(h, c), simulated),
                "week {h} channel {c}: {} vs {simulated}",
                plan.contribution(h, c)
            );
        }
    }
}

/// A deterministic, uneven spend history of `n` weeks around `level`.
fn history(n: usize, level: f64, phase: f64) -> Vec<f64> {
    (0..n)
        .map(|t| level * (1.0 + 0.6 * (0.9 * t as f64 + phase).sin()))
        .collect()
}

/// The Weibull kernels (shape, scale) of the store's five channels.
const STORE_KERNELS: [(f64, f64); 5] = [(1.2, 1.5), (0.8, 1.0), (2.0, 2.5), (1.5, 4.0), (2.5, 2.0)];

/// Five channels like the simulated store's (its `β`, `K` and spend levels) with Hill shapes
/// `shapes` and Weibull kernels of the given form.
fn store(form: WeibullForm, shapes: [f64; 5]) -> Vec<Channel> {
    STORE_CHANNELS
        .iter()
        .zip(STORE_KERNELS)
        .zip(shapes)
        .enumerate()
        .map(
            |(c, ((&(beta, k, _, _, level), (weibull_shape, weibull_scale)), s))| Channel {
                response: HillResponse::new(beta, k, s).unwrap(),
                kernel: WeibullAdstock::new(weibull_shape, weibull_scale, 8, form).unwrap(),
                history: history(40, level, c as f64),
            },
        )
        .collect()
}

/// The store's own Hill shapes (all concave).
const CONCAVE: [f64; 5] = [0.8, 1.0, 0.9, 0.95, 0.6];

#[test]
fn a_weibull_plan_earns_what_the_kernel_simulation_says() {
    for form in [WeibullForm::Cdf, WeibullForm::Pdf] {
        for shapes in [CONCAVE, [0.8, 1.0, 2.5, 3.0, 0.6]] {
            let channels = store(form, shapes);
            let problem = HorizonParams::new(13, 13.0 * 25_000.0)
                .cap_channel_weekly(0, 15_000.0)
                .cap_week(0, 5_000.0)
                .fix(2, 1, 2_500.0)
                .check(&model(&channels))
                .unwrap();
            let plan = HorizonOptimizer::new().solve(&problem).unwrap();
            assert_matches_simulation(&channels, &plan);
            assert!(plan.tail_revenue().iter().all(|&t| t > 0.0));
            // Any plan, not only the optimiser's: an uneven one, and spending nothing.
            let uneven: Vec<f64> = (0..13 * 5)
                .map(|i| 1_000.0 * ((i * 7919) % 23) as f64)
                .collect();
            assert_matches_simulation(&channels, &evaluate_plan(&problem, &uneven).unwrap());
            let nothing = evaluate_plan(&problem, &[0.0; 13 * 5]).unwrap();
            assert_matches_simulation(&channels, &nothing);
            assert_eq!(nothing.media_revenue(), 0.0);
            assert!(
                nothing.weekly_media()[0] > 0.0,
                "the history earns in week 1"
            );
        }
    }
}

#[test]
fn a_short_period_still_counts_the_history_and_the_whole_kernel() {
    // One week of plan with an 8-week kernel: the history reaches 7 weeks, the plan's spend
    // acts for 8.
    for form in [WeibullForm::Cdf, WeibullForm::Pdf] {
        let channels = store(form, CONCAVE);
        let problem = HorizonParams::new(1, 30_000.0)
            .check(&model(&channels))
            .unwrap();
        let plan = HorizonOptimizer::new().solve(&problem).unwrap();
        assert_matches_simulation(&channels, &plan);
        assert!(plan.certificate().unwrap().relative_gap <= 1e-6);
    }
}

#[test]
fn kernels_with_vanishing_last_weights_are_solved_and_certified() {
    // A narrow Weibull PDF (k = 2, λ = 0.5) over 13 weeks has W_12 ≈ 1e-290 and a steep
    // one (k = 4) has weights that underflow to 0: the adstock of the last tail weeks is
    // then ~1e-293, where a curve with s < 1 has g'' = ±∞ in floating point though its
    // Hessian term W²·g'' is ~1e-220. Fitted to the simulated store, such kernels occur.
    let kernels = [
        WeibullAdstock::new(2.0, 0.5, 13, WeibullForm::Pdf).unwrap(),
        WeibullAdstock::new(4.0, 0.5, 13, WeibullForm::Pdf).unwrap(),
        WeibullAdstock::new(0.5, 2.0, 13, WeibullForm::Pdf).unwrap(),
    ];
    assert!(kernels[0].weights()[12] < 1e-280 && kernels[0].weights()[12] > 0.0);
    assert_eq!(kernels[1].weights()[12], 0.0);
    let channels: Vec<Channel> = kernels
        .into_iter()
        .zip([
            (27_000.0, 5_800.0, 0.76),
            (15_000.0, 18_000.0, 0.6),
            (67_000.0, 9_700.0, 0.9),
        ])
        .enumerate()
        .map(|(c, (kernel, (beta, k, s)))| Channel {
            response: HillResponse::new(beta, k, s).unwrap(),
            kernel,
            history: history(30, k, c as f64),
        })
        .collect();
    let problem = HorizonParams::new(13, 13.0 * 20_000.0)
        .check(&model(&channels))
        .unwrap();
    let plan = HorizonOptimizer::new().solve(&problem).unwrap();
    assert_matches_simulation(&channels, &plan);
    let certificate = plan.certificate().unwrap();
    assert!(certificate.concave);
    assert!(
        certificate.relative_gap <= 1e-6,
        "gap {} after {} Newton steps",
        certificate.relative_gap,
        certificate.newton_steps
    );
}

#[test]
fn a_truncated_geometric_kernel_gives_the_geometric_plan() {
    // Weibull CDF with shape 1 has W_l ∝ exp(−l/λ) = θ^l for λ = −1/ln θ: over a long window
    // it is the geometric kernel (1 − θ)·θ^l up to θ^L, and the history's carry-in is the
    // geometric one up to the weeks before the window.
    let (mut geometric, mut kernel) = (Vec::new(), Vec::new());
    for (c, &(beta, k, s, theta, level)) in STORE_CHANNELS.iter().enumerate() {
        let response = HillResponse::new(beta, k, s).unwrap();
        let past = history(60, level, c as f64);
        let carry = *GeometricAdstock::new(theta)
            .unwrap()
            .apply(&past)
            .unwrap()
            .last()
            .unwrap();
        geometric.push(ChannelDynamics::new(format!("ch{c}"), response, theta, carry).unwrap());
        let weibull = WeibullAdstock::new(1.0, -1.0 / theta.ln(), 150, WeibullForm::Cdf).unwrap();
        kernel.push(ChannelDynamics::weibull(format!("ch{c}"), response, &weibull, &past).unwrap());
    }
    let (geometric, kernel) = (
        HorizonModel::new(geometric).unwrap(),
        HorizonModel::new(kernel).unwrap(),
    );
    let params = HorizonParams::new(13, 13.0 * 25_000.0)
        .cap_channel_weekly(0, 15_000.0)
        .cap_week(0, 5_000.0)
        .cap_channel(3, 40_000.0);
    let solve = |model: &HorizonModel| {
        HorizonOptimizer::new()
            .solve(&params.check(model).unwrap())
            .unwrap()
    };
    let (g, w) = (solve(&geometric), solve(&kernel));
    assert!(g.certificate().unwrap().relative_gap <= 1e-6);
    assert!(w.certificate().unwrap().relative_gap <= 1e-6);
    assert!(
        relative(g.media_revenue(), w.media_revenue()) <= 1e-9,
        "geometric {} vs kernel {}",
        g.media_revenue(),
        w.media_revenue()
    );
    assert!(relative(g.carry_in_revenue(), w.carry_in_revenue()) <= 1e-9);
    for (i, (a, b)) in g.spend_matrix().iter().zip(w.spend_matrix()).enumerate() {
        assert!(
            (a - b).abs() <= 1e-6 * params.budget,
            "cell {i}: geometric {a} vs kernel {b}"
        );
    }
}

#[test]
fn bad_kernels_and_carry_ins_are_refused_with_a_reason() {
    let response = HillResponse::new(1_000.0, 500.0, 0.8).unwrap();
    let err = ChannelDynamics::with_kernel("tv", response, vec![], vec![]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "channel 'tv': the carryover kernel is not usable: it has no lag weights; refit the model"
    );
    let err =
        ChannelDynamics::with_kernel("tv", response, vec![0.5, f64::NAN], vec![0.0]).unwrap_err();
    assert!(matches!(err, HorizonError::InvalidKernel { .. }), "{err}");
    let err = ChannelDynamics::with_kernel("tv", response, vec![0.0, 0.0], vec![0.0]).unwrap_err();
    assert!(err.to_string().contains("add up to 0"), "{err}");
    let err = ChannelDynamics::with_kernel("tv", response, vec![0.6, 0.4], vec![]).unwrap_err();
    assert_eq!(
        err,
        HorizonError::CarryInLength {
            channel: "tv".into(),
            expected: 1,
            found: 0
        }
    );
    let err = ChannelDynamics::with_kernel("tv", response, vec![0.6, 0.4], vec![-1.0]).unwrap_err();
    assert!(matches!(err, HorizonError::InvalidCarryIn { .. }), "{err}");
    let kernel = WeibullAdstock::new(1.5, 2.0, 4, WeibullForm::Pdf).unwrap();
    let err =
        ChannelDynamics::weibull("tv", response, &kernel, &[100.0, f64::INFINITY]).unwrap_err();
    assert!(matches!(err, HorizonError::InvalidCarryIn { .. }), "{err}");
}

fn weibull_channel(max_shape: f64) -> impl Strategy<Value = Channel> {
    (
        (
            log_uniform(1e2, 1e5),
            log_uniform(1e2, 3e4),
            0.4f64..max_shape,
        ),
        (
            prop_oneof![Just(WeibullForm::Cdf), Just(WeibullForm::Pdf)],
            0.5f64..3.0,
            0.5f64..5.0,
            1usize..=6,
        ),
        proptest::collection::vec(prop_oneof![Just(0.0), log_uniform(1.0, 3e4)], 0..8),
    )
        .prop_map(
            |((beta, k, s), (form, shape, scale, lags), history)| Channel {
                response: HillResponse::new(beta, k, s).unwrap(),
                kernel: WeibullAdstock::new(shape, scale, lags, form).unwrap(),
                history,
            },
        )
}

/// A random instance: channels, and the plan with cell caps, fixed amounts, week and
/// channel caps as shares of the budget (0-based weeks).
fn instance(max_shape: f64) -> impl Strategy<Value = (Vec<Channel>, HorizonParams)> {
    let share = || (0usize..64, 0.05f64..0.8);
    (1usize..=4, 1usize..=3)
        .prop_flat_map(move |(weeks, count)| {
            (
                Just(weeks),
                proptest::collection::vec(weibull_channel(max_shape), count),
                0.1f64..3.0,
                proptest::collection::vec(share(), 0..3),
                proptest::collection::vec((0usize..64, 0.0f64..0.2), 0..2),
                proptest::collection::vec(share(), 0..2),
                proptest::collection::vec(share(), 0..2),
            )
        })
        .prop_map(
            |(weeks, channels, level, cell_caps, fixed, week_caps, channel_caps)| {
                let extras = Extras {
                    cell_caps,
                    fixed,
                    week_caps,
                    channel_caps,
                };
                let params = extras.params(weeks, &channels.responses(), level);
                (channels, params)
            },
        )
}

/// The checks every instance must pass; `concave` adds the optimality ones.
fn check(
    channels: &[Channel],
    params: &HorizonParams,
    seed: u64,
    concave: bool,
) -> Result<(), TestCaseError> {
    check_instance(channels, &model(channels), params, seed, concave)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(32)))]

    /// Concave curves, Weibull CDF and PDF kernels, caps and fixed amounts: the plan earns
    /// what the simulation says, is certified to 1e-6 and beats every feasible plan found.
    #[test]
    fn concave_weibull_instances_are_optimal_and_certified(
        (channels, params) in instance(1.0),
        seed in any::<u64>(),
    ) {
        check(&channels, &params, seed, true)?;
    }

    /// S-shaped curves too: the certificate's upper bound (envelopes over the kernel's
    /// reachable adstock) is above every feasible plan found.
    #[test]
    fn s_shaped_weibull_instances_have_a_valid_certificate(
        (channels, params) in instance(4.0),
        seed in any::<u64>(),
    ) {
        check(&channels, &params, seed, false)?;
    }
}
