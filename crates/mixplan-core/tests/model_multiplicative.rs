//! The multiplicative (log-revenue) form of the model (`model::multiplicative`) and the
//! choice between the forms (`model::form`): a simulated multiplicative world recovered, the
//! revenue-scale formulas checked against their definitions, a clear error for revenue at or
//! below zero, and on the real Conjura series the holdout forecast and the form the
//! rolling-origin evaluation chooses (the holdout chooses nothing).

mod support;

use mixplan_core::data::{LoadOptions, WeeklyData};
use mixplan_core::model::multiplicative::log_target;
use mixplan_core::model::multiplicative::sample_multiplicative;
use mixplan_core::model::posterior::{
    LiftTest, PosteriorModel, PriorParams, RecommendParams, RunLength,
};
use mixplan_core::model::{
    FitError, ModelForm, ModelParams, MultiplicativeModel, MultiplicativePosterior,
};
use mixplan_core::optimize::SpendBounds;
use mixplan_core::transform::Hill;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::datasets::{self, CONJURA_FILE, conjura_options};
use support::gradient::assert_gradient_matches;
use support::multiplicative::{self, lift, weekly_data};

/// True hyper-parameters of the simulated world's two channels: `(θ, K, s, β)`, `β` the
/// log-revenue lift at saturation.
const TRUTH: [(f64, f64, f64, f64); 2] = [(0.4, 900.0, 1.2, 0.18), (0.2, 500.0, 2.0, 0.09)];
const WEEKS: usize = 156;
const NOISE: f64 = 0.02;

/// `ln y_t = ln 80,000 + 0.3·t/n + 0.05·sin(2π·week/52) + Σ_c β_c·hill(adstock(x_c)) + ε`,
/// `ε ~ N(0, 0.02²)`; returns the data and the true `g_{c,t}` and base `b_t`.
fn world(seed: u64) -> (WeeklyData, Vec<Vec<f64>>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let spend: Vec<Vec<f64>> = TRUTH
        .iter()
        .enumerate()
        .map(|(c, &(_, k, _, _))| {
            (0..WEEKS)
                .map(|t| {
                    let flight = if (t / 6 + c) % 3 == 0 { 0.3 } else { 1.0 };
                    k * flight * rng.random_range(0.3..2.2)
                })
                .collect()
        })
        .collect();
    let g: Vec<Vec<f64>> = TRUTH
        .iter()
        .zip(&spend)
        .map(|(truth, x)| lift(truth, x))
        .collect();
    let base: Vec<f64> = (0..WEEKS)
        .map(|t| {
            80_000f64.ln()
                + 0.3 * t as f64 / WEEKS as f64
                + 0.05 * (std::f64::consts::TAU * t as f64 / 52.18).sin()
        })
        .collect();
    let revenue: Vec<f64> = (0..WEEKS)
        .map(|t| {
            let noise: f64 = rng.sample::<f64, _>(rand_distr::StandardNormal) * NOISE;
            (base[t] + g[0][t] + g[1][t] + noise).exp()
        })
        .collect();
    (weekly_data(revenue, spend), g, base)
}

/// The world fitted with its true carryover and saturation (only the linear part is fitted).
fn fit_with_truth(data: &WeeklyData) -> MultiplicativeModel {
    multiplicative::fit_with_truth(data, &TRUTH, 1e-9)
}

/// The multiplicative form fitted with the default search.
fn fit_default(data: &WeeklyData) -> MultiplicativeModel {
    ModelParams::default()
        .check()
        .expect("params")
        .fit_multiplicative(data, |_, _| {})
        .expect("fit")
}

#[test]
fn recovers_a_multiplicative_world() {
    let (data, g, base) = world(11);
    let model = fit_with_truth(&data);
    let m = model.metrics();
    println!("R² train {:.3} holdout {:.3}", m.r2_train, m.r2_test);
    assert!(m.r2_test > 0.8, "holdout R² {:.3}", m.r2_test);
    for (c, channel) in model.channels().iter().enumerate() {
        let beta = TRUTH[c].3;
        // The true removal effect: E[y_t](1 − e^{−g}) with E[y_t] = e^{b_t + Σg + σ²/2}.
        let truth: f64 = (0..WEEKS)
            .map(|t| {
                let mean = (base[t] + g[0][t] + g[1][t] + NOISE * NOISE / 2.0).exp();
                mean * (1.0 - (-g[c][t]).exp())
            })
            .sum();
        let true_roi = truth / channel.spend;
        println!(
            "{}: β {:.4} (true {beta}), ROI {:.3} (true {true_roi:.3})",
            channel.name, channel.log_coefficient, channel.roi
        );
        assert!(
            (channel.log_coefficient / beta - 1.0).abs() < 0.1,
            "β of {}",
            channel.name
        );
        assert!(
            (channel.roi / true_roi - 1.0).abs() < 0.1,
            "ROI of {}",
            channel.name
        );
    }
    // The noise variance is the residual variance of ln y: near the true 0.02².
    let sigma = model.noise_variance().sqrt();
    assert!((sigma / NOISE - 1.0).abs() < 0.2, "σ {sigma:.4}");
}

/// The steady-state prediction is `R(x) = B̄·exp(Σ_c g_c(x_c))`, each contribution the removal
/// effect `R(x) − R(x without c)`, each marginal `∂R/∂x_c` (checked by central differences).
#[test]
fn steady_state_formulas_hold() {
    let (data, _, _) = world(12);
    let model = fit_with_truth(&data);
    let curves = model.log_curves();
    let x = [700.0, 450.0];
    let p = model.predict_steady_state(&x).expect("predict");
    let g: f64 = curves.iter().zip(&x).map(|(c, &x)| c.value(x)).sum();
    assert!((p.revenue - model.base_level() * g.exp()).abs() < 1e-9 * p.revenue);
    assert!((p.media - (p.revenue - p.baseline)).abs() < 1e-9 * p.revenue);
    assert!(model.base_level() > 0.0);
    for c in 0..2 {
        let mut without = x;
        without[c] = 0.0;
        let off = model
            .predict_steady_state(&without)
            .expect("predict")
            .revenue;
        assert!(
            (p.contributions[c] - (p.revenue - off)).abs() < 1e-9 * p.revenue,
            "removal effect of channel {c}"
        );
        let h = 1e-3;
        let (mut up, mut down) = (x, x);
        up[c] += h;
        down[c] -= h;
        let numeric = (model.predict_steady_state(&up).expect("up").revenue
            - model.predict_steady_state(&down).expect("down").revenue)
            / (2.0 * h);
        assert!(
            (p.marginal[c] - numeric).abs() < 1e-6 * numeric.abs().max(1.0),
            "marginal of channel {c}: {} against {numeric}",
            p.marginal[c]
        );
    }
    // The best split for a budget maximises Σ g_c: the optimiser on the log curves.
    let budget = 1_200.0;
    let bounds = [SpendBounds::FREE; 2];
    let best = mixplan_core::optimize::optimize(&curves, &bounds, budget).expect("optimum");
    let best_revenue = model
        .predict_steady_state(best.spend())
        .expect("best")
        .revenue;
    for share in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] {
        let split = [budget * share, budget * (1.0 - share)];
        let revenue = model.predict_steady_state(&split).expect("split").revenue;
        assert!(revenue <= best_revenue * (1.0 + 1e-12), "share {share}");
    }
    // Bad input is refused with the channel named, not a panic.
    assert!(model.predict_steady_state(&[1.0]).is_err());
    assert!(model.predict_steady_state(&[1.0, -2.0]).is_err());

    // The planning view of the model (what the page and `optimize` plan with) gives the same
    // figures through its revenue form.
    let planning = mixplan_core::model::PlanningModel::from(model.clone());
    let form = planning.revenue_form();
    assert!(form.is_multiplicative());
    let plan = form.evaluate(&planning.curves(), &x).expect("evaluate");
    assert!((plan.media_revenue() - p.media).abs() < 1e-9 * p.revenue);
    for c in 0..2 {
        assert!((plan.contributions()[c] - p.contributions[c]).abs() < 1e-9 * p.revenue);
        assert!((plan.marginal_roi()[c] - p.marginal[c]).abs() < 1e-9 * p.marginal[c].abs());
    }
    assert_eq!(planning.metrics(), model.metrics());
    assert_eq!(planning.fitted(), model.fitted());
}

/// The revenue decomposition of a multiplicative model adds up to its mean prediction every
/// week, its base layers (base, trend, seasonality, controls) to the revenue without media
/// `exp(b_t + σ²/2)`, and its channel layers split the media part by their log shares.
#[test]
fn the_revenue_decomposition_adds_up_to_the_prediction() {
    let (data, _, _) = world(12);
    let model = fit_default(&data);
    let d = model.revenue_decomposition();
    let log = model.log_model().decomposition();
    let half = model.noise_variance() / 2.0;
    for t in 0..data.len() {
        let channels: f64 = d.channels.iter().map(|c| c.values[t]).sum();
        let controls: f64 = d.controls.iter().map(|c| c.values[t]).sum();
        let base = d.baseline[t] + d.trend[t] + d.seasonality[t] + controls;
        let total = base + channels;
        assert!(
            (total - model.fitted()[t]).abs() < 1e-9 * model.fitted()[t],
            "week {t}"
        );
        assert!((d.fitted[t] - model.fitted()[t]).abs() < 1e-9 * model.fitted()[t]);
        let expected_base = (log.non_media(t) + half).exp();
        assert!(
            (base - expected_base).abs() < 1e-9 * expected_base,
            "week {t}"
        );
        let g: Vec<f64> = log.channels.iter().map(|c| c.values[t]).collect();
        let g_total: f64 = g.iter().sum();
        if g_total > 0.0 {
            for (c, g_c) in g.iter().enumerate() {
                let share = d.channels[c].values[t] / channels;
                assert!(
                    (share - g_c / g_total).abs() < 1e-9,
                    "week {t}, channel {c}"
                );
            }
        }
    }
}

#[test]
fn revenue_at_or_below_zero_is_refused_with_its_week() {
    let (data, _, _) = world(13);
    let mut revenue = data.target().to_vec();
    revenue[40] = 0.0;
    let zero_week = WeeklyData::new(
        data.weeks().to_vec(),
        "revenue".into(),
        revenue,
        data.channels().to_vec(),
        Vec::new(),
    )
    .expect("valid data");
    let params = ModelParams::default().check().expect("params");
    let err = params
        .fit_multiplicative(&zero_week, |_, _| {})
        .expect_err("a zero week");
    assert!(
        matches!(err, FitError::NonPositiveTarget { week, value } if week == data.weeks()[40] && value == 0.0),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains(&data.weeks()[40].to_string()), "{message}");
    assert!(message.contains("additive form"), "{message}");
    // The comparison of forms still answers: only the additive form is available.
    let forms = params
        .compare_forms(&zero_week, |_, _| {})
        .expect("comparison");
    assert_eq!(forms.chosen, ModelForm::Additive);
    assert_eq!(forms.multiplicative.rmse, None);
}

fn conjura(test: &str) -> Option<WeeklyData> {
    let csv = datasets::shared_file(test, CONJURA_FILE)?;
    Some(datasets::load(&csv, &conjura_options()))
}

/// Issue #11, item 9: on the real Conjura series the additive model's holdout R² is 0.389
/// (`model_datasets.rs`) where PyMC-Marketing reaches about 0.51. The multiplicative form,
/// searched the same way on the same 94 training weeks, forecasts the 23 holdout weeks
/// (2023-08-04 … 2024-01-05, with the Q4 2023 peak) with R² 0.63, and its base without media is
/// above zero (the additive model's is −6,338 a week).
#[test]
fn conjura_multiplicative_holdout() {
    let Some(data) = conjura("conjura_multiplicative_holdout") else {
        return;
    };
    let model = fit_default(&data);
    let m = model.metrics();
    println!(
        "Conjura, multiplicative: R² train {:.3} holdout {:.3}, base {:.0} a week, σ {:.4}, Fourier order {}",
        m.r2_train,
        m.r2_test,
        model.base_level(),
        model.noise_variance().sqrt(),
        model.log_model().search().fourier_order
    );
    for c in model.channels() {
        println!(
            "  {:28} β {:.4}  ROI {:.2}  mROI {:.2}  share {:.3}",
            c.name, c.log_coefficient, c.roi, c.marginal_roi, c.contribution_share
        );
    }
    assert_eq!(model.log_model().holdout_start(), 94);
    assert!(m.r2_test > 0.55, "holdout R² {:.3}", m.r2_test);
    assert!(m.r2_test > 0.51, "below PyMC-Marketing's 0.51");
    assert!(model.base_level() > 0.0);
}

/// The rolling-origin evaluation inside Conjura's 94 training weeks prefers the multiplicative
/// form (it never looks at the 23 holdout weeks).
#[test]
fn conjura_forms_compared_inside_the_training_weeks() {
    let Some(data) = conjura("conjura_forms_compared_inside_the_training_weeks") else {
        return;
    };
    let forms = ModelParams::default()
        .check()
        .expect("params")
        .compare_forms(&data, |_, _| {})
        .expect("comparison");
    println!("{forms:#?}");
    assert_eq!(forms.training_weeks, 94);
    assert_eq!(forms.block_weeks, 7);
    assert_eq!(forms.origins, [52, 59, 66, 73, 80, 87]);
    assert!(forms.origins.iter().all(|o| o + forms.block_weeks <= 94));
    assert_eq!(forms.chosen, ModelForm::Multiplicative);
    assert!(forms.relative_difference().expect("both") < 0.0);
}

/// On the simulated store, whose truth is additive, the evaluation keeps the additive form.
#[test]
fn store_forms_compared_inside_the_training_weeks() {
    let Some(csv) = datasets::workspace_file(
        "store_forms_compared_inside_the_training_weeks",
        "data_processed/mmm_data.csv",
    ) else {
        return;
    };
    let data = datasets::load(
        &csv,
        &LoadOptions::new()
            .target("revenue")
            .controls(["price_index", "promotion", "holiday"]),
    );
    let forms = ModelParams::default()
        .check()
        .expect("params")
        .compare_forms(&data, |_, _| {})
        .expect("comparison");
    println!(
        "store: additive {:?}, multiplicative {:?}",
        forms.additive.rmse, forms.multiplicative.rmse
    );
    assert_eq!(forms.chosen, ModelForm::Additive);
}

/// Samples the multiplicative posterior of `model` with the page's standard run.
fn sample(
    model: &MultiplicativeModel,
    data: &WeeklyData,
    tests: &[LiftTest],
    seed: u64,
) -> MultiplicativePosterior {
    let params = RunLength::Standard
        .sampler()
        .seed(seed)
        .check()
        .expect("sampler");
    let priors = PriorParams::default().check().expect("priors");
    sample_multiplicative(&params, model, data, &priors, tests, |_, _| {}).expect("posterior")
}

/// The true removal-effect ROI of channel `c` in the simulated world.
fn true_roi(data: &WeeklyData, g: &[Vec<f64>], base: &[f64], c: usize) -> f64 {
    let contribution: f64 = (0..WEEKS)
        .map(|t| {
            let mean = (base[t] + g[0][t] + g[1][t] + NOISE * NOISE / 2.0).exp();
            mean * (1.0 - (-g[c][t]).exp())
        })
        .sum();
    contribution / data.channels()[c].values.iter().sum::<f64>()
}

/// The posterior of the multiplicative form, searched as the page searches (not told the
/// truth): it converges, its 90 % ROI intervals hold the true ROIs, the draws' base without
/// media centres on the point fit's, and a lift test on a channel narrows that channel's ROI
/// interval.
#[test]
fn multiplicative_posterior_covers_the_truth() {
    let (data, g, base) = world(21);
    let model = fit_default(&data);
    let started = std::time::Instant::now();
    let posterior = sample(&model, &data, &[], 1);
    let d = posterior.log_posterior().diagnostics();
    println!(
        "sampled in {:.1} s: converged {}, R̂ {:.3}, bulk ESS {:.0}, divergences {}",
        started.elapsed().as_secs_f64(),
        d.converged,
        d.max_r_hat,
        d.min_bulk_ess,
        d.divergences
    );
    assert!(d.converged);
    let mut widths = Vec::new();
    for c in 0..2 {
        let truth = true_roi(&data, &g, &base, c);
        let (low, high) = posterior.roi_interval(c, 0.9).expect("interval");
        println!(
            "channel {c}: ROI {:.2} (point), 90 % interval {low:.2} … {high:.2}, true {truth:.2}",
            model.channels()[c].roi
        );
        assert!(low <= truth && truth <= high, "channel {c}");
        widths.push(high - low);
    }
    let mut bases = posterior.base_levels().to_vec();
    bases.sort_by(f64::total_cmp);
    let median = bases[bases.len() / 2];
    println!(
        "B̄ point {:.0}, draws' median {median:.0}",
        model.base_level()
    );
    assert!((median / model.base_level() - 1.0).abs() < 0.05);
    // Revenue of the historical mix per draw: centred on the point prediction.
    let mix: Vec<f64> = model.channels().iter().map(|c| c.mean_spend).collect();
    let mut revenue = posterior.revenue_draws(&mix).expect("revenue");
    revenue.sort_by(f64::total_cmp);
    let point = model.predict_steady_state(&mix).expect("point").revenue;
    assert!((revenue[revenue.len() / 2] / point - 1.0).abs() < 0.05);
    assert!(posterior.revenue_draws(&[1.0]).is_err());

    // A lift test on channel 0 over 8 weeks from the truth, with a 10 % standard error.
    let weeks = data.weeks();
    let (from, to) = (60, 67);
    let lift: f64 = (from..=to)
        .map(|t| {
            let mean = (base[t] + g[0][t] + g[1][t] + NOISE * NOISE / 2.0).exp();
            mean * (1.0 - (-g[0][t]).exp())
        })
        .sum();
    let test = LiftTest {
        channel: "channel_0".into(),
        start: weeks[from],
        end: weeks[to],
        lift,
        spend: data.channels()[0].values[from..=to].iter().sum(),
        std_error: 0.1 * lift,
    };
    let calibrated = sample(&model, &data, &[test], 1);
    let (low, high) = calibrated.roi_interval(0, 0.9).expect("interval");
    let truth = true_roi(&data, &g, &base, 0);
    println!("channel 0 with a lift test: {low:.2} … {high:.2} (true {truth:.2})");
    assert!(low <= truth && truth <= high);
    assert!(high - low < widths[0], "the lift test narrows the interval");
}

/// On the real Conjura series the multiplicative posterior converges with the page's longer
/// run (2 × (500 + 1,600)); measured: 2.0–2.3 s natively, R̂ ≤ 1.005, no divergence. (Its ROI
/// intervals need not hold the point fit's ROIs: the ROI prior pulls Meta's 2.17 to
/// 0.87 … 1.89.)
#[test]
fn conjura_multiplicative_posterior() {
    let Some(data) = conjura("conjura_multiplicative_posterior") else {
        return;
    };
    let model = fit_default(&data);
    let priors = PriorParams::default().check().expect("priors");
    for seed in [1, 2] {
        let params = RunLength::Longer
            .sampler()
            .seed(seed)
            .check()
            .expect("sampler");
        let started = std::time::Instant::now();
        let posterior = sample_multiplicative(&params, &model, &data, &priors, &[], |_, _| {})
            .expect("posterior");
        let d = posterior.log_posterior().diagnostics();
        println!(
            "seed {seed}: {:.1} s, converged {}, R̂ {:.3}, bulk ESS {:.0}, divergences {}",
            started.elapsed().as_secs_f64(),
            d.converged,
            d.max_r_hat,
            d.min_bulk_ess,
            d.divergences
        );
        for (c, channel) in model.channels().iter().enumerate() {
            let (low, high) = posterior.roi_interval(c, 0.9).expect("interval");
            println!(
                "  {:28} ROI {:.2}: {low:.2} … {high:.2}",
                channel.name, channel.roi
            );
        }
        assert!(d.converged, "seed {seed}");
    }
}

/// The log-density of the model of `ln y` with the ROI stated in revenue
/// (`PosteriorModel::of_log_revenue`): its hand-written gradient matches central differences
/// at the start and at points around it, with and without a lift test.
#[test]
fn log_revenue_density_gradient() {
    let (data, _, _) = world(31);
    let model = fit_default(&data);
    let logged = log_target(&data).expect("positive");
    let priors = PriorParams::default().check().expect("priors");
    let level = data.target().iter().sum::<f64>() / data.len() as f64;
    let mut density = PosteriorModel::of_log_revenue(&logged, model.log_model(), &priors, level)
        .expect("density");
    let start = density.start().to_vec();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for i in 0..4 {
        let point: Vec<f64> = start
            .iter()
            .map(|x| {
                x + if i == 0 {
                    0.0
                } else {
                    rng.random_range(-0.3..0.3)
                }
            })
            .collect();
        assert_gradient_matches(&mut density, &point, 1e-5, &format!("point {i}"));
    }
    let weeks = logged.weeks();
    let test = LiftTest {
        channel: "channel_1".into(),
        start: weeks[30],
        end: weeks[37],
        lift: 0.4,
        spend: 1.0,
        std_error: 0.05,
    };
    let mut calibrated = density.with_lift_tests(&logged, &[test]).expect("placed");
    assert_gradient_matches(&mut calibrated, &start, 1e-5, "with a lift test");
    // The ROI unit must be a revenue level.
    for bad in [0.0, -1.0, f64::NAN] {
        assert!(PosteriorModel::of_log_revenue(&logged, model.log_model(), &priors, bad).is_err());
    }
}

/// The recommendation rule on the multiplicative posterior, at the historical budget of the
/// simulated world: the candidate is the best of a fine grid of splits by the posterior
/// expected revenue, the recommended move is supported at the rule's confidence, and judged
/// under the world's true response it does not earn less than the historical mix.
#[test]
fn multiplicative_recommendation_is_supported_and_does_not_lose() {
    let (data, _, _) = world(21);
    let model = fit_default(&data);
    let posterior = sample(&model, &data, &[], 1);
    let mix: Vec<f64> = model.channels().iter().map(|c| c.mean_spend).collect();
    let budget: f64 = mix.iter().sum();
    let rule = RecommendParams::default().check().expect("rule");
    let recommendation = posterior
        .recommend(&rule, &model, &mix, &[], budget)
        .expect("recommendation");
    println!(
        "{}\n  current {:?}\n  recommended {:?} (step {:.2}, P(gain) {:.3}, uplift {:.0} in {:.0} … {:.0})\n  candidate {:?}\n  point optimum {:?}",
        recommendation.verdict_text,
        mix,
        recommendation.allocation,
        recommendation.step,
        recommendation.probability_of_gain,
        recommendation.expected_uplift,
        recommendation.uplift_interval.0,
        recommendation.uplift_interval.1,
        recommendation.candidate.allocation,
        recommendation.point_optimum.allocation
    );
    let placed: f64 = recommendation.allocation.iter().sum();
    assert!((placed - budget).abs() < 1e-6 * budget);
    if recommendation.step > 0.0 {
        assert!(recommendation.probability_of_gain >= 0.95);
        assert!(recommendation.expected_uplift > 0.0);
    }
    // The candidate against a grid of 2,001 splits, by the draws' mean revenue.
    let expected = |x: &[f64]| -> f64 {
        let r = posterior.revenue_draws(x).expect("revenue");
        r.iter().sum::<f64>() / r.len() as f64
    };
    let best_grid = (0..=2000)
        .map(|i| {
            let a = budget * i as f64 / 2000.0;
            expected(&[a, budget - a])
        })
        .fold(f64::NEG_INFINITY, f64::max);
    let candidate = expected(&recommendation.candidate.allocation);
    assert!(
        candidate >= best_grid * (1.0 - 1e-9),
        "{candidate} < {best_grid}"
    );
    let media = candidate - posterior.base_levels().iter().sum::<f64>() / posterior.draws() as f64;
    assert!((recommendation.candidate.expected_media_revenue - media).abs() < 1e-6 * candidate);
    // Judged under the truth: Σ_c β_c·hill_c(x_c) (the true revenue is B·exp of it).
    let true_log_lift = |x: &[f64]| -> f64 {
        TRUTH
            .iter()
            .zip(x)
            .map(|(&(_, k, s, beta), &x)| beta * Hill::new(k, s).expect("hill").value(x))
            .sum()
    };
    let gain = true_log_lift(&recommendation.allocation) - true_log_lift(&mix);
    println!("true change of ln revenue: {gain:+.5}");
    assert!(gain >= 0.0, "the recommendation loses under the truth");
    // Bases must be one per draw.
    let curves: Vec<Vec<_>> = (0..2)
        .map(|c| posterior.log_curves(c).expect("curves").to_vec())
        .collect();
    assert!(
        rule.recommend_multiplicative(&curves, &[1.0], &model.log_curves(), &mix, &[], budget)
            .is_err()
    );
}
