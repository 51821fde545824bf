//! The model on synthetic data generated here with a known truth: recovery, exact
//! decomposition, steady-state agreement, determinism and the seed baseline.

use chrono::{Duration, NaiveDate};
use mixplan_core::data::{Series, WeeklyData};
use mixplan_core::model::{
    ChannelHyperparameters, FittedModel, FixedHyperparameters, ModelParams, PredictError, Term,
};
use mixplan_core::transform::{GeometricAdstock, Hill};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// The truth of one synthetic channel.
struct TrueChannel {
    name: &'static str,
    decay: f64,
    half_saturation: f64,
    shape: f64,
    coefficient: f64,
    base_spend: f64,
}

const CHANNELS: [TrueChannel; 5] = [
    TrueChannel {
        name: "search",
        decay: 0.2,
        half_saturation: 9_000.0,
        shape: 1.2,
        coefficient: 60_000.0,
        base_spend: 8_000.0,
    },
    TrueChannel {
        name: "email",
        decay: 0.1,
        half_saturation: 1_500.0,
        shape: 1.0,
        coefficient: 12_000.0,
        base_spend: 1_500.0,
    },
    TrueChannel {
        name: "display",
        decay: 0.5,
        half_saturation: 6_000.0,
        shape: 2.0,
        coefficient: 15_000.0,
        base_spend: 5_000.0,
    },
    TrueChannel {
        name: "social",
        decay: 0.7,
        half_saturation: 8_000.0,
        shape: 1.5,
        coefficient: 40_000.0,
        base_spend: 7_000.0,
    },
    TrueChannel {
        name: "affiliate",
        decay: 0.3,
        half_saturation: 4_000.0,
        shape: 1.0,
        coefficient: 10_000.0,
        base_spend: 3_000.0,
    },
];

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = uniform(rng).max(1e-300);
    let u2 = uniform(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// 156 weeks × 5 channels with flighting, trend, seasonality, a promo control and noise
/// (sd `noise` in currency). Returns the data and each channel's true weekly contributions.
fn synthetic(seed: u64, noise: f64) -> (WeeklyData, Vec<Vec<f64>>) {
    let n = 156;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = NaiveDate::from_ymd_opt(2021, 1, 4).unwrap();
    let weeks: Vec<NaiveDate> = (0..n).map(|i| start + Duration::weeks(i as i64)).collect();
    let mut channels = Vec::new();
    let mut truth = Vec::new();
    for ch in &CHANNELS {
        let mut on = true;
        let spend: Vec<f64> = (0..n)
            .map(|t| {
                if uniform(&mut rng) < 0.12 {
                    on = !on;
                }
                let season = 1.0 + 0.3 * ((t as f64) * std::f64::consts::TAU / 52.0).sin();
                let level = if on { 1.0 } else { 0.15 };
                ch.base_spend * level * season * (0.5 + uniform(&mut rng))
            })
            .collect();
        let adstock = GeometricAdstock::new(ch.decay)
            .unwrap()
            .apply(&spend)
            .unwrap();
        let hill = Hill::new(ch.half_saturation, ch.shape).unwrap();
        truth.push(
            adstock
                .iter()
                .map(|&a| ch.coefficient * hill.value(a))
                .collect::<Vec<_>>(),
        );
        channels.push(Series {
            name: ch.name.into(),
            values: spend,
        });
    }
    let promo: Vec<f64> = (0..n)
        .map(|t| if t % 13 == 5 { 1.0 } else { 0.0 })
        .collect();
    let target = (0..n)
        .map(|t| {
            let phase = std::f64::consts::TAU
                * (weeks[t] - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as f64
                / 365.25;
            100_000.0
                + 150.0 * t as f64
                + 12_000.0 * phase.sin()
                + 5_000.0 * (2.0 * phase).cos()
                + 9_000.0 * promo[t]
                + truth.iter().map(|c| c[t]).sum::<f64>()
                + noise * normal(&mut rng)
        })
        .collect();
    (
        WeeklyData::new(
            weeks,
            "revenue".into(),
            target,
            channels,
            vec![Series {
                name: "promo".into(),
                values: promo,
            }],
        )
        .unwrap(),
        truth,
    )
}

fn fit(params: ModelParams, data: &WeeklyData) -> FittedModel {
    params.check().unwrap().fit(data, |_, _| {}).unwrap()
}

fn fit_default(data: &WeeklyData) -> FittedModel {
    fit(ModelParams::default(), data)
}

/// The model fitted with the true hyper-parameters (no search).
fn fit_true_hyperparameters(data: &WeeklyData) -> FittedModel {
    fit(ModelParams::default().fixed(true_hyperparameters()), data)
}

fn true_hyperparameters() -> FixedHyperparameters {
    FixedHyperparameters {
        channels: CHANNELS
            .iter()
            .map(|c| ChannelHyperparameters::new(c.decay, c.half_saturation, c.shape))
            .collect(),
        penalty: 1e-9,
    }
}

fn print_recovery(data: &WeeklyData, truth: &[Vec<f64>], model: &FittedModel) -> Vec<f64> {
    let totals: Vec<f64> = truth.iter().map(|c| c.iter().sum()).collect();
    let media: f64 = totals.iter().sum();
    let m = model.metrics();
    println!(
        "R² train {:.3} test {:.3} (seed baseline test {:.3}), {} evaluations",
        m.r2_train,
        m.r2_test,
        model.baseline_metrics().r2_test,
        model.search().evaluations
    );
    let mut errors = Vec::new();
    for (c, ch) in model.channels().iter().enumerate() {
        let spend: f64 = data.channels()[c].values.iter().sum();
        let roi = totals[c] / spend;
        println!(
            "  {:10} θ {:.2} ({:.2})  K {:6.0} ({:6.0})  s {:.2} ({:.2})  ROI {:.2} ({:.2})  share {:.3} ({:.3})",
            ch.name,
            ch.decay,
            CHANNELS[c].decay,
            ch.half_saturation,
            CHANNELS[c].half_saturation,
            ch.shape,
            CHANNELS[c].shape,
            ch.roi,
            roi,
            ch.contribution_share,
            totals[c] / media
        );
        errors.push((ch.roi - roi).abs() / roi);
    }
    errors
}

#[test]
fn noiseless_data_is_recovered_by_the_search() {
    let (data, truth) = synthetic(1, 0.0);
    let model = fit_default(&data);
    let errors = print_recovery(&data, &truth, &model);
    assert!(
        model.metrics().r2_test > 0.98,
        "{}",
        model.metrics().r2_test
    );
    assert!(errors.iter().all(|e| *e < 0.25), "{errors:?}");
}

#[test]
fn noisy_data_is_recovered_roughly_and_beats_the_seed_baseline() {
    let (data, truth) = synthetic(1, 3_000.0);
    let model = fit_default(&data);
    let errors = print_recovery(&data, &truth, &model);
    let mean = errors.iter().sum::<f64>() / errors.len() as f64;
    println!("|ROI error| per channel {errors:.3?}, mean {mean:.3}");
    // Hyper-parameters are weakly identified at this noise level. Every channel's relative
    // ROI error stays below 0.85 (measured: search 0.10, email 0.01, display 0.81, social
    // 0.24, affiliate 0.04), and their mean below 0.4 (measured 0.24): what the search
    // achieves today (docs/model.md), not a goal.
    for (ch, error) in model.channels().iter().zip(&errors) {
        assert!(*error < 0.85, "{}: |ROI error| {error:.3}", ch.name);
    }
    assert!(mean < 0.4, "{errors:?}");
    assert!(model.metrics().r2_test > 0.85);
    assert!(model.metrics().r2_test > model.baseline_metrics().r2_test + 0.2);
}

#[test]
fn true_hyperparameters_give_back_true_coefficients() {
    let (data, _) = synthetic(3, 0.0);
    let model = fit_true_hyperparameters(&data);
    for (c, ch) in model.channels().iter().enumerate() {
        let rel = (ch.coefficient - CHANNELS[c].coefficient).abs() / CHANNELS[c].coefficient;
        assert!(rel < 1e-3, "{} β {}", ch.name, ch.coefficient);
    }
    let promo = &model.controls()[0];
    assert!(
        (promo.coefficient - 9_000.0).abs() < 10.0,
        "{}",
        promo.coefficient
    );
    assert!(!model.search().searched);
}

/// Column `term` of the design matrix in week `t`, rebuilt here from the data, the fitted
/// hyper-parameters and the public transforms (see `model::design` for the definitions):
/// intercept `1`, trend `t/n_train`, Fourier `sin/cos(2πk·d_t/365.25)` (`d_t`: days since
/// 1970-01-01), controls as they are when binary, else standardised on the training weeks,
/// channel `c`: `hill(adstock_θ(x_c)_t; K, s)` in currency.
struct RebuiltDesign {
    n_train: usize,
    phases: Vec<f64>,
    controls: Vec<Vec<f64>>,
    media: Vec<Vec<f64>>,
}

impl RebuiltDesign {
    fn new(data: &WeeklyData, model: &FittedModel) -> Self {
        let n_train = model.holdout_start();
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let phases = data
            .weeks()
            .iter()
            .map(|&d| std::f64::consts::TAU * (d - epoch).num_days() as f64 / 365.25)
            .collect();
        let controls = data
            .controls()
            .iter()
            .map(|ctl| {
                if ctl.values.iter().all(|&v| v == 0.0 || v == 1.0) {
                    return ctl.values.clone();
                }
                let train = &ctl.values[..n_train];
                let mean = train.iter().sum::<f64>() / n_train as f64;
                let sd =
                    (train.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n_train as f64).sqrt();
                ctl.values.iter().map(|v| (v - mean) / sd).collect()
            })
            .collect();
        let media = model
            .channels()
            .iter()
            .zip(data.channels())
            .map(|(ch, spend)| {
                let adstock = GeometricAdstock::new(ch.decay)
                    .unwrap()
                    .apply(&spend.values)
                    .unwrap();
                Hill::new(ch.half_saturation, ch.shape)
                    .unwrap()
                    .apply(&adstock)
                    .unwrap()
            })
            .collect();
        Self {
            n_train,
            phases,
            controls,
            media,
        }
    }

    fn column(&self, term: Term, t: usize) -> f64 {
        match term {
            Term::Intercept => 1.0,
            Term::Trend => t as f64 / self.n_train as f64,
            Term::Sin(k) => (k as f64 * self.phases[t]).sin(),
            Term::Cos(k) => (k as f64 * self.phases[t]).cos(),
            Term::Control(j) => self.controls[j][t],
            Term::Channel(c) => self.media[c][t],
        }
    }
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale
}

#[test]
fn fitted_values_are_the_design_matrix_times_the_coefficients() {
    let (data, _) = synthetic(2, 2_000.0);
    let model = fit_default(&data);
    let (terms, beta) = model.coefficients();
    assert_eq!(terms.len(), beta.len());
    assert_eq!(model.holdout_start(), 125);
    assert_eq!(model.fitted().len(), data.len());
    let design = RebuiltDesign::new(&data, &model);
    let scale = data.target().iter().map(|y| y.abs()).fold(0.0, f64::max);
    let d = model.decomposition();
    for t in 0..data.len() {
        // ŷ_t = Σ_j β_j X_{t,j}, and each part of the decomposition is its own columns' share.
        let part = |wanted: &dyn Fn(Term) -> bool| -> f64 {
            terms
                .iter()
                .zip(beta)
                .filter(|(term, _)| wanted(**term))
                .map(|(&term, b)| b * design.column(term, t))
                .sum()
        };
        let fitted = part(&|_| true);
        assert!(
            close(model.fitted()[t], fitted, scale),
            "week {t}: fitted {} but X·β = {fitted}",
            model.fitted()[t]
        );
        assert!(close(
            d.baseline[t],
            part(&|term| term == Term::Intercept),
            scale
        ));
        assert!(close(d.trend[t], part(&|term| term == Term::Trend), scale));
        assert!(close(
            d.seasonality[t],
            part(&|term| matches!(term, Term::Sin(_) | Term::Cos(_))),
            scale
        ));
        for (j, control) in d.controls.iter().enumerate() {
            assert!(close(
                control.values[t],
                part(&|term| term == Term::Control(j)),
                scale
            ));
        }
        for (c, channel) in d.channels.iter().enumerate() {
            // The channel's share is β_c·hill(adstock(x)), with β_c its reported coefficient.
            let own = model.channels()[c].coefficient * design.media[c][t];
            assert!(close(channel.values[t], own, scale), "week {t} channel {c}");
            assert!(close(
                channel.values[t],
                part(&|term| term == Term::Channel(c)),
                scale
            ));
        }
        let media: f64 = d.channels.iter().map(|s| s.values[t]).sum();
        assert!(close(d.non_media(t), fitted - media, scale), "week {t}");
    }
    // Channel totals, shares and ROIs agree with the weekly series.
    let media: f64 = d.channel_totals().iter().sum();
    for (c, ch) in model.channels().iter().enumerate() {
        let total: f64 = d.channels[c].values.iter().sum();
        let spend: f64 = data.channels()[c].values.iter().sum();
        assert!((ch.contribution - total).abs() < 1e-6 * total.abs().max(1.0));
        assert!((ch.contribution_share - total / media).abs() < 1e-12);
        assert!((ch.spend - spend).abs() < 1e-9 * spend);
        assert!((ch.roi - total / spend).abs() < 1e-12);
        assert!(ch.coefficient >= 0.0);
    }
    assert_eq!(model.validation_predictions().len(), data.len());
}

#[test]
fn steady_state_agrees_with_the_weekly_model() {
    let (data, _) = synthetic(4, 2_000.0);
    let model = fit_default(&data);
    let spend = [9_000.0, 2_000.0, 4_000.0, 12_000.0, 3_500.0];
    let plan = model.predict_steady_state(&spend).unwrap();
    let responses = model.responses();
    for (c, &x) in spend.iter().enumerate() {
        // Constant spend through the weekly model converges to the steady-state curve.
        let weekly = model.contribution_series(c, &vec![x; 400]).unwrap();
        let last = weekly[399];
        assert!(
            (last - plan.contributions[c]).abs() < 1e-6 * last.max(1.0),
            "channel {c}"
        );
        // f(x) = β·x^s/(x^s + K^s) and f'(x) = β·s·r/(x(1 + r)²), r = (K/x)^s, from the
        // fitted channel's own parameters.
        let ch = &model.channels()[c];
        let r = (ch.half_saturation / x).powf(ch.shape);
        let value = ch.coefficient / (1.0 + r);
        let slope = ch.coefficient * ch.shape * r / (x * (1.0 + r).powi(2));
        assert!((plan.contributions[c] - value).abs() <= 1e-12 * value.max(1.0));
        assert!((responses[c].value(x) - value).abs() <= 1e-12 * value.max(1.0));
        // Derivatives: finite difference of the steady-state revenue.
        let h = 1e-3 * x;
        let mut up = spend;
        up[c] += h;
        let mut down = spend;
        down[c] -= h;
        let numeric = (model.predict_steady_state(&up).unwrap().revenue
            - model.predict_steady_state(&down).unwrap().revenue)
            / (2.0 * h);
        assert!((numeric - plan.marginal[c]).abs() < 1e-5 * (1.0 + numeric.abs()));
        assert!((plan.marginal[c] - slope).abs() <= 1e-12 * slope.abs().max(1e-12));
        assert!(
            (model.marginal_roi(c, x).unwrap() - slope).abs() <= 1e-12 * slope.abs().max(1e-12)
        );
    }
    // The planning baseline is the mean non-media revenue of the last 52 weeks.
    let d = model.decomposition();
    let n = data.len();
    let base = (n - 52..n).map(|t| d.non_media(t)).sum::<f64>() / 52.0;
    assert!((plan.baseline - base).abs() < 1e-6 * base);
    assert!((plan.revenue - plan.baseline - plan.contributions.iter().sum::<f64>()).abs() < 1e-6);
    // The weekly model at historical spend reproduces the decomposition.
    for c in 0..spend.len() {
        let series = model
            .contribution_series(c, &data.channels()[c].values)
            .unwrap();
        for (a, b) in series.iter().zip(&d.channels[c].values) {
            assert!((a - b).abs() < 1e-6 * b.abs().max(1.0));
        }
    }
}

#[test]
fn prediction_rejects_bad_spend() {
    let (data, _) = synthetic(5, 2_000.0);
    let model = fit_true_hyperparameters(&data);
    assert!(matches!(
        model.predict_steady_state(&[1.0, 2.0]),
        Err(PredictError::SpendLength {
            expected: 5,
            found: 2
        })
    ));
    assert!(matches!(
        model.predict_steady_state(&[1.0, 2.0, f64::NAN, 0.0, 0.0]),
        Err(PredictError::InvalidSpend { .. })
    ));
    assert!(matches!(
        model.marginal_roi(9, 1.0),
        Err(PredictError::UnknownChannel {
            index: 9,
            channels: 5
        })
    ));
    assert!(matches!(
        model.contribution_series(0, &[1.0, -2.0]),
        Err(PredictError::InvalidSpend { .. })
    ));
}

#[test]
fn search_is_deterministic_and_reports_progress() {
    let (data, _) = synthetic(6, 2_000.0);
    let params = ModelParams::default().seed(11).check().unwrap();
    let mut calls = Vec::new();
    let a = params
        .fit(&data, |done, total| calls.push((done, total)))
        .unwrap();
    let b = params.fit(&data, |_, _| {}).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let total = calls[0].1;
    assert!(calls.iter().all(|&(_, t)| t == total));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(calls.last().unwrap().0, total);
    // Stepping by hand gives the same model.
    let mut fitter = params.start(&data).unwrap();
    while !fitter.is_finished() {
        fitter.step();
    }
    assert_eq!(fitter.finish().unwrap(), a);
    // The chosen hyper-parameters refit to the same model without a search.
    let refit = fit(ModelParams::default().fixed(a.hyperparameters()), &data);
    for (x, y) in refit.channels().iter().zip(a.channels()) {
        assert!((x.roi - y.roi).abs() < 1e-9 * y.roi.max(1.0));
    }
}
