//! Warm-started minorise–maximise steps of `HorizonOptimizer::solve_multiplicative`: each
//! weighted problem after the first resumes the barrier from the previous step's centre
//! instead of solving from scratch (`HorizonOptimizer::with_warm_starts(false)`, the
//! reference). Checked against the cold path:
//!
//! * on the store (`data_processed/mmm_data.csv`, multiplicative form) over 13 and 52 weeks
//!   the objective `F` agrees to 1e-9 relative (never lower by more), the plan is feasible, the certificate's
//!   bounds agree and are ordered, `F` never decreases over the steps, and the warm path
//!   takes fewer Newton steps;
//! * on randomised simulated multiplicative worlds (2–3 channels, S-shaped and concave log
//!   curves, a season, week and channel caps, weekly channel caps and fixed amounts) the same,
//!   with the Newton steps summed over the problems, and `F` never lower than the cold one
//!   by more than 1e-9 relative (higher by 6e-8 once, where the cold path stopped a step
//!   early).
//!
//! No timing is asserted; `report_store_timings` (ignored) prints wall times:
//! `cargo test --release -p mixplan-core --test horizon_warm_start -- --ignored --nocapture`.

mod support;

use mixplan_core::data::{LoadOptions, WeeklyData, load_weekly_csv};
use mixplan_core::model::{ModelParams, MultiplicativeModel};
use mixplan_core::optimize::horizon::{
    ForecastParams, HorizonOptimizer, HorizonParams, HorizonProblem, MultiplicativeHorizon,
    MultiplicativePlan,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::multiplicative::{Truth, fit_with_truth, lift, weekly_data};

/// The agreement asked of the warm path's `F`, relative.
const SAME_OBJECTIVE: f64 = 1e-9;

fn store() -> WeeklyData {
    let text = include_str!("../../../data_processed/mmm_data.csv");
    load_weekly_csv(text, &LoadOptions::default()).expect("store")
}

fn store_model(data: &WeeklyData) -> MultiplicativeModel {
    ModelParams::default()
        .check()
        .expect("default params")
        .fit_multiplicative(data, |_, _| {})
        .expect("multiplicative fit of the store")
}

/// The plan of `problem`, warm-started or cold.
fn solve(
    horizon: &MultiplicativeHorizon,
    problem: &HorizonProblem,
    warm: bool,
) -> MultiplicativePlan {
    let optimizer = HorizonOptimizer::new().with_warm_starts(warm);
    assert_eq!(optimizer.warm_starts(), warm);
    let mut optimizer = optimizer;
    optimizer
        .solve_multiplicative(horizon, problem)
        .expect("multiplicative plan")
}

fn newton_steps(plan: &MultiplicativePlan) -> usize {
    plan.certificate().expect("certificate").newton_steps
}

/// The budget is spent, every cell within its bounds (fixed amounts exact), every week and
/// channel within its cap.
fn assert_feasible(plan: &MultiplicativePlan, problem: &HorizonProblem) {
    let budget = problem.budget();
    assert!(
        (plan.total_spend() - budget).abs() <= 1e-9 * budget.max(1.0),
        "spend {} of budget {budget}",
        plan.total_spend()
    );
    let slack = 1e-9 * budget.max(1.0);
    for h in 0..problem.weeks() {
        for c in 0..problem.channels() {
            let (lower, upper, spend) =
                (problem.lower(h, c), problem.upper(h, c), plan.spend(h, c));
            if lower == upper {
                assert_eq!(spend, lower, "fixed amount of week {h}, channel {c}");
            }
            assert!(
                spend >= lower - slack && spend <= upper + slack,
                "week {h}, channel {c}: {spend} outside [{lower}, {upper}]"
            );
        }
        assert!(
            plan.week_total(h) <= problem.week_cap(h) + slack,
            "week {h}"
        );
    }
    for c in 0..problem.channels() {
        assert!(
            plan.channel_total(c) <= problem.channel_cap(c) + slack,
            "channel {c}"
        );
    }
}

/// The warm plan is feasible, as good as the cold one (`F` within [`SAME_OBJECTIVE`]), its
/// MM ascent monotone, its certificate ordered and its bounds those of the cold one to
/// `certificate_tolerance` (relative; the bound's own accuracy on an ill-conditioned problem
/// is no better than 1e-5).
fn assert_same_as_cold(
    warm: &MultiplicativePlan,
    cold: &MultiplicativePlan,
    problem: &HorizonProblem,
    case: &str,
    certificate_tolerance: f64,
) {
    assert_feasible(warm, problem);
    assert_feasible(cold, problem);
    let (f_warm, f_cold) = (warm.media_revenue(), cold.media_revenue());
    let relative = (f_warm - f_cold) / f_cold.abs().max(1e-300);
    // Not lower than the cold plan by more than SAME_OBJECTIVE; higher only by what the
    // cold path's own MM stop allows (a step it rejected at its solver's 1e-8 tolerance
    // may be accepted warm: 5.9e-8 seen), not by a different stationary point.
    assert!(
        (-SAME_OBJECTIVE..=1e-6).contains(&relative),
        "{case}: F warm {f_warm} vs cold {f_cold} (relative {relative:.2e})"
    );
    let mm = warm.mm().expect("MM report");
    for w in mm.objective_history.windows(2) {
        assert!(
            w[1] >= w[0],
            "{case}: F decreased over the warm steps: {w:?}"
        );
    }
    assert_eq!(mm.objective_history.last().copied(), Some(f_warm), "{case}");
    let (cw, cc) = (
        warm.certificate().expect("certificate"),
        cold.certificate().expect("certificate"),
    );
    assert!(cw.upper_bound >= cw.lower_bound, "{case}: {cw:?}");
    for (w, c) in [
        (cw.lower_bound, cc.lower_bound),
        (cw.upper_bound, cc.upper_bound),
    ] {
        assert!(
            (w - c).abs() <= certificate_tolerance * c.abs().max(1.0),
            "{case}: certificate warm {cw:?} vs cold {cc:?}"
        );
    }
}

#[test]
fn warm_started_mm_matches_the_cold_path_on_the_store_with_fewer_newton_steps() {
    let data = store();
    let model = store_model(&data);
    for weeks in [13, 52] {
        let horizon = MultiplicativeHorizon::new(&model, &data, weeks, &ForecastParams::new())
            .expect("horizon");
        let problem = HorizonParams::new(weeks, weeks as f64 * 25_000.0)
            .check(horizon.dynamics())
            .expect("problem");
        let cold = solve(&horizon, &problem, false);
        let warm = solve(&horizon, &problem, true);
        let (steps_warm, steps_cold) = (newton_steps(&warm), newton_steps(&cold));
        println!(
            "{weeks} weeks: F warm {:.6} cold {:.6}; MM steps warm {} cold {}; Newton steps warm {steps_warm} cold {steps_cold}",
            warm.media_revenue(),
            cold.media_revenue(),
            warm.mm().map_or(0, |m| m.iterations),
            cold.mm().map_or(0, |m| m.iterations),
        );
        assert_same_as_cold(
            &warm,
            &cold,
            &problem,
            &format!("store, {weeks} weeks"),
            1e-9,
        );
        // The warm steps skip the climb of the barrier weight (measured 157 against 596 at
        // 13 weeks, 175 against 594 at 52).
        assert!(
            steps_warm < steps_cold,
            "{weeks} weeks: {steps_warm} Newton steps warm, {steps_cold} cold"
        );
    }
}

/// A simulated multiplicative world: `channels` channels with random carryover and log
/// curves (shape from 0.6 to 2.6: some S-shaped; in a third of the worlds at most 1), a season of random amplitude, 2% noise;
/// fitted with its true carryover and saturation.
fn random_world(rng: &mut ChaCha8Rng, channels: usize) -> (WeeklyData, MultiplicativeModel) {
    let weeks = 156;
    // About a third of the worlds have concave log curves only.
    let largest_shape = if rng.random_bool(0.35) { 1.0 } else { 2.6 };
    let truth: Vec<Truth> = (0..channels)
        .map(|_| {
            (
                rng.random_range(0.1..0.7),
                rng.random_range(300.0..1_500.0),
                rng.random_range(0.6..largest_shape),
                rng.random_range(0.05..0.3),
            )
        })
        .collect();
    let spend: Vec<Vec<f64>> = truth
        .iter()
        .map(|&(_, k, _, _)| (0..weeks).map(|_| k * rng.random_range(0.1..2.0)).collect())
        .collect();
    let amplitude = rng.random_range(0.05..0.5);
    let mut log_revenue: Vec<f64> = (0..weeks)
        .map(|t| {
            let noise: f64 = rng.sample::<f64, _>(rand_distr::StandardNormal) * 0.02;
            40_000f64.ln() + amplitude * (std::f64::consts::TAU * t as f64 / 52.18).sin() + noise
        })
        .collect();
    for (t, x) in truth.iter().zip(&spend) {
        for (y, g) in log_revenue.iter_mut().zip(lift(t, x)) {
            *y += g;
        }
    }
    let data = weekly_data(log_revenue.iter().map(|v| v.exp()).collect(), spend);
    let model = fit_with_truth(&data, &truth, 1e-6);
    (data, model)
}

/// Random limits on a plan of `weeks` × `channels` with budget `budget`: some of a week cap,
/// a channel cap, a weekly channel cap, a fixed amount.
fn random_params(
    rng: &mut ChaCha8Rng,
    weeks: usize,
    channels: usize,
    budget: f64,
) -> HorizonParams {
    let mut params = HorizonParams::new(weeks, budget);
    let per_week = budget / weeks as f64;
    if rng.random_bool(0.6) {
        params = params.cap_week(
            rng.random_range(0..weeks),
            per_week * rng.random_range(0.3..0.9),
        );
    }
    if rng.random_bool(0.5) {
        params = params.cap_channel(
            rng.random_range(0..channels),
            budget * rng.random_range(0.2..0.6),
        );
    }
    if rng.random_bool(0.4) {
        params = params.cap_channel_weekly(
            rng.random_range(0..channels),
            per_week * rng.random_range(0.3..0.8),
        );
    }
    if rng.random_bool(0.5) {
        params = params.fix(
            rng.random_range(0..weeks),
            rng.random_range(0..channels),
            per_week * rng.random_range(0.05..0.5),
        );
    }
    params
}

#[test]
fn warm_started_mm_matches_the_cold_path_on_random_problems() {
    let mut rng = ChaCha8Rng::seed_from_u64(20261201);
    let (mut solved, mut several_steps) = (0, 0);
    let (mut steps_warm, mut steps_cold) = (0, 0);
    for case in 0..16 {
        let channels = rng.random_range(2..=3);
        let (data, model) = random_world(&mut rng, channels);
        let weeks = rng.random_range(4..=16);
        let horizon = MultiplicativeHorizon::new(&model, &data, weeks, &ForecastParams::new())
            .expect("horizon");
        let budget = weeks as f64 * channels as f64 * rng.random_range(200.0..1_500.0);
        let params = random_params(&mut rng, weeks, channels, budget);
        // Limits that leave no feasible plan are refused by the check: draw again next case.
        let Ok(problem) = params.check(horizon.dynamics()) else {
            continue;
        };
        let cold = HorizonOptimizer::new()
            .with_warm_starts(false)
            .solve_multiplicative(&horizon, &problem);
        let warm = HorizonOptimizer::new().solve_multiplicative(&horizon, &problem);
        let (cold, warm) = match (cold, warm) {
            (Ok(cold), Ok(warm)) => (cold, warm),
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "case {case}");
                continue;
            }
            (cold, warm) => panic!("case {case}: cold {:?}, warm {:?}", cold.err(), warm.err()),
        };
        let iterations = cold.mm().map_or(0, |m| m.iterations);
        println!(
            "case {case}: {weeks} weeks × {channels} channels, concave {}, F warm {:.9} cold {:.9}, MM steps {} / {iterations}, Newton steps {} / {}",
            horizon.dynamics().is_concave(),
            warm.media_revenue(),
            cold.media_revenue(),
            warm.mm().map_or(0, |m| m.iterations),
            newton_steps(&warm),
            newton_steps(&cold),
        );
        assert_same_as_cold(&warm, &cold, &problem, &format!("case {case}"), 1e-4);
        solved += 1;
        if iterations >= 3 {
            several_steps += 1;
            steps_warm += newton_steps(&warm);
            steps_cold += newton_steps(&cold);
        }
    }
    // The comparisons above are not vacuous: most draws give a plan of several MM steps.
    assert!(solved >= 8, "only {solved} problems solved");
    assert!(
        several_steps >= 5,
        "only {several_steps} with 3 or more MM steps"
    );
    assert!(
        steps_warm < steps_cold,
        "{steps_warm} Newton steps warm, {steps_cold} cold"
    );
}

/// Prints the store's solve times, warm and cold (5 runs each, `RUNS` to change).
#[test]
#[ignore = "timings: run with --release --ignored --nocapture"]
fn report_store_timings() {
    let data = store();
    let model = store_model(&data);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for weeks in [13, 52] {
        let horizon = MultiplicativeHorizon::new(&model, &data, weeks, &ForecastParams::new())
            .expect("horizon");
        let problem = HorizonParams::new(weeks, weeks as f64 * 25_000.0)
            .check(horizon.dynamics())
            .expect("problem");
        for warm in [false, true] {
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..runs {
                let start = std::time::Instant::now();
                let plan = solve(&horizon, &problem, warm);
                times.push(start.elapsed().as_secs_f64() * 1e3);
                last = Some(plan);
            }
            times.sort_by(f64::total_cmp);
            let Some(plan) = last else { continue };
            println!(
                "{weeks} weeks, warm {warm}: median {:.1} ms (range {:.1}–{:.1}, {runs} runs), MM steps {}, Newton steps {}, F {:.6}",
                times[times.len() / 2],
                times[0],
                times[times.len() - 1],
                plan.mm().map_or(0, |m| m.iterations),
                newton_steps(&plan),
                plan.media_revenue(),
            );
        }
    }
}
