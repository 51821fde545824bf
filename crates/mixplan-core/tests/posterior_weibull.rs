//! The posterior with a Weibull carryover (issue #11, item 1): the hand-written gradient in
//! the Weibull shape and scale (and everything else) against finite differences, and, on a
//! simulated world whose truth uses a Weibull carryover, 90 % ROI intervals that hold the
//! true ROI for most channels.
//!
//! The Weibull world is world 1 of the trust family (seed 20261130, the world of
//! `tests/posterior.rs`) with each channel's true geometric contribution replaced by the
//! same channel's response through a Weibull kernel off the fit's grid (built with the
//! crate's [`WeibullAdstock`]): base, controls and noise are the world's, the true ROI is the
//! Weibull contribution over all weeks divided by the total spend.

use mixplan_core::data::WeeklyData;
use mixplan_core::data::worlds::WorldFamily;
use mixplan_core::model::posterior::{PosteriorModel, PriorParams, SamplerParams};
use mixplan_core::model::{FittedModel, ModelParams};
use mixplan_core::transform::{CarryoverForm, GeometricAdstock, Hill, WeibullAdstock, WeibullForm};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::gradient::assert_gradient_matches;

mod support;

/// The true Weibull `(k, λ)` of channel `c` (weeks; off the fit's grid 0.5/1/2/4 × 0.5/1/2/4/8).
fn true_kernel(form: WeibullForm, c: usize) -> (f64, f64) {
    const CDF: [(f64, f64); 8] = [
        (0.8, 1.5),
        (1.6, 3.0),
        (2.4, 2.2),
        (1.2, 4.5),
        (0.6, 1.2),
        (2.0, 3.5),
        (1.0, 2.5),
        (3.0, 1.8),
    ];
    const PDF: [(f64, f64); 8] = [
        (1.5, 2.0),
        (2.5, 3.5),
        (1.2, 1.5),
        (3.0, 4.0),
        (2.0, 2.5),
        (1.8, 3.0),
        (4.0, 2.2),
        (1.3, 1.7),
    ];
    match form {
        WeibullForm::Cdf => CDF[c % 8],
        WeibullForm::Pdf => PDF[c % 8],
    }
}

/// The Weibull world of the module docs: its data and every channel's true ROI.
fn weibull_world(form: WeibullForm) -> (WeeklyData, Vec<f64>) {
    let world = WorldFamily::new(20261130).world(1).expect("world");
    let data = &world.data;
    let mut target = data.target().to_vec();
    let mut rois = Vec::new();
    for (c, (truth, series)) in world.truth.channels.iter().zip(data.channels()).enumerate() {
        let hill = Hill::new(truth.half_saturation, truth.shape).unwrap();
        let geometric = GeometricAdstock::new(truth.decay)
            .unwrap()
            .apply(&series.values)
            .unwrap();
        let (k, scale) = true_kernel(form, c);
        let weibull = WeibullAdstock::new(k, scale, 13, form)
            .unwrap()
            .apply(&series.values)
            .unwrap();
        let mut contribution = 0.0;
        for (t, y) in target.iter_mut().enumerate() {
            let new = truth.coefficient * hill.value(weibull[t]);
            *y += new - truth.coefficient * hill.value(geometric[t]);
            contribution += new;
        }
        rois.push(contribution / series.values.iter().sum::<f64>());
    }
    let data = WeeklyData::new(
        data.weeks().to_vec(),
        data.target_name().to_string(),
        target,
        data.channels().to_vec(),
        data.controls().to_vec(),
    )
    .expect("data");
    (data, rois)
}

fn fit(data: &WeeklyData, form: CarryoverForm) -> FittedModel {
    ModelParams::default()
        .carryover(form)
        .check()
        .expect("params")
        .fit(data, |_, _| {})
        .expect("fit")
}

fn model(data: &WeeklyData, fitted: &FittedModel) -> PosteriorModel {
    PosteriorModel::new(data, fitted, &PriorParams::default().check().unwrap()).unwrap()
}

/// Every component of the hand-written gradient (Weibull `ln k`, `ln λ` included) agrees
/// with a central finite difference to a relative error below 1e-5 (relative to
/// `max(|analytic|, |numeric|, 1)`, the geometric test's bound), at the starting point and
/// at 20 seeded random points around it, for both Weibull forms.
#[test]
fn weibull_gradient_matches_central_finite_differences() {
    for (form, carryover) in [
        (WeibullForm::Cdf, CarryoverForm::WeibullCdf),
        (WeibullForm::Pdf, CarryoverForm::WeibullPdf),
    ] {
        let (data, _) = weibull_world(form);
        let fitted = fit(&data, carryover);
        let mut model = model(&data, &fitted);
        let layout = model.layout();
        assert_eq!(layout.carryover_parameters, 2);
        let dim = model.dim();
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut worst: f64 = 0.0;
        for point in 0..21 {
            let mut position = model.start().to_vec();
            if point > 0 {
                for v in &mut position {
                    *v += rng.random_range(-0.5..0.5);
                }
            }
            let mut gradient = vec![0.0; dim];
            let value = model.log_density(&position, &mut gradient).unwrap();
            assert!(
                value.is_finite(),
                "{carryover}: log-density at point {point}"
            );
            // The Weibull coordinates matter: their gradient is not identically zero.
            assert!(
                (0..layout.channels).any(|c| gradient[layout.log_weibull_scale(c)] != 0.0),
                "{carryover}: no gradient in the Weibull scale at point {point}"
            );
            worst = worst.max(assert_gradient_matches(
                &mut model,
                &position,
                1e-5,
                &format!("{carryover} point {point}"),
            ));
        }
        eprintln!("{carryover}: worst relative gradient error {worst:.2e}");
    }
}

/// On the Weibull world, a posterior with the matching Weibull form holds the true ROI in
/// its 90 % interval for most channels: at least all but one (tolerance: one miss, as 90 %
/// intervals miss one channel in ten and the sampler here is short; measured: 7 of 7 for
/// both forms). The intervals must be narrower than the ROI prior's 90 % interval
/// (0.19 – 5.2, a ratio of 27), so the data, not the prior, hold the truth. The draws carry
/// the sampled `(k, λ)` and no geometric decay.
fn weibull_intervals_hold_the_truth(form: WeibullForm, carryover: CarryoverForm) {
    let (data, rois) = weibull_world(form);
    let fitted = fit(&data, carryover);
    let params = SamplerParams::new()
        .warmup(300)
        .draws(200)
        .seed(5)
        .check()
        .unwrap();
    let posterior = params
        .sample(model(&data, &fitted), |_, _| {})
        .expect("sampling");
    let d = posterior.diagnostics();
    eprintln!(
        "{carryover}: divergences {}, max R-hat {:.3}, min bulk ESS {:.0}, converged {}",
        d.divergences, d.max_r_hat, d.min_bulk_ess, d.converged
    );
    let mut covered = 0;
    for (c, truth) in rois.iter().enumerate() {
        let (low, high) = posterior.roi_interval(c, 0.9).unwrap();
        let inside = (low..=high).contains(truth);
        assert!(
            low > 0.0 && high / low < 27.0,
            "{carryover} channel {c}: [{low}, {high}] is no narrower than the prior"
        );
        covered += usize::from(inside);
        let draws = &posterior.channels()[c];
        assert!(draws.decay.is_empty());
        assert_eq!(draws.weibull_shape.len(), posterior.draws());
        assert_eq!(draws.weibull_scale.len(), posterior.draws());
        let (k, scale) = true_kernel(form, c);
        let median = |v: &[f64]| mixplan_core::model::posterior::equal_tailed_interval(v, 1e-9);
        eprintln!(
            "{carryover} channel {c}: ROI 90 % [{low:.3}, {high:.3}], true {truth:.3}, point {:.3}; \
             k median {:.2} (true {k}), λ median {:.2} (true {scale})",
            fitted.channels()[c].roi,
            median(&draws.weibull_shape).unwrap().0,
            median(&draws.weibull_scale).unwrap().0,
        );
    }
    let channels = rois.len();
    eprintln!("{carryover}: covered {covered} of {channels}");
    assert!(
        covered + 1 >= channels,
        "{carryover}: covered only {covered} of {channels}"
    );
}

#[test]
fn weibull_cdf_intervals_hold_the_true_roi() {
    weibull_intervals_hold_the_truth(WeibullForm::Cdf, CarryoverForm::WeibullCdf);
}

#[test]
fn weibull_pdf_intervals_hold_the_true_roi() {
    weibull_intervals_hold_the_truth(WeibullForm::Pdf, CarryoverForm::WeibullPdf);
}
