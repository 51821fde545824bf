//! Lift tests in the posterior (`model::posterior::lift`): the likelihood term's hand-written
//! gradient against finite differences, and what a tight test does to the channel's ROI.

use mixplan_core::data::worlds::{World, WorldFamily};
use mixplan_core::model::posterior::{
    LiftTest, Posterior, PosteriorModel, PriorParams, SamplerParams, TruthLiftTests,
    lift_tests_from_truth,
};
use mixplan_core::model::{FittedModel, ModelParams};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::OnceLock;
use support::gradient::assert_gradient_matches;

mod support;

/// World 1 of family 20261130 (as `tests/posterior.rs`) and its point-estimate fit.
fn world() -> &'static (World, FittedModel) {
    static WORLD: OnceLock<(World, FittedModel)> = OnceLock::new();
    WORLD.get_or_init(|| {
        let world = WorldFamily::new(20261130).world(1).expect("world");
        let fitted = ModelParams::default()
            .check()
            .expect("params")
            .fit(&world.data, |_, _| {})
            .expect("fit");
        (world, fitted)
    })
}

/// Exact lift tests from the truth on the `channels` largest channels, over `weeks` weeks
/// from week 20, standard error `relative` of the lift.
fn truth_tests(world: &World, channels: usize, weeks: usize, relative: f64) -> Vec<LiftTest> {
    lift_tests_from_truth(
        &world.truth,
        &world.data,
        TruthLiftTests {
            channels,
            first_week: 20,
            weeks,
            relative_std_error: relative,
            noise_seed: None,
        },
    )
}

/// With three lift tests (two on the same channel, overlapping) every gradient component
/// agrees with a central finite difference to 1e-5 relative, at the start and at 20 random
/// points; and the tests change the density (the term is really there).
#[test]
fn gradient_with_lift_tests_matches_finite_differences() {
    let (world, fitted) = world();
    let priors = PriorParams::default().check().unwrap();
    let plain = PosteriorModel::new(&world.data, fitted, &priors).unwrap();
    let mut tests = truth_tests(world, 2, 12, 0.05);
    assert_eq!(tests.len(), 2);
    let mut overlapping = tests[0].clone();
    overlapping.start = world.data.weeks()[25];
    overlapping.end = world.data.weeks()[60];
    overlapping.lift *= 3.0;
    tests.push(overlapping);
    let mut model = plain.clone().with_lift_tests(&world.data, &tests).unwrap();
    assert_eq!(model.lift_test_count(), 3);
    let dim = model.dim();
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let mut worst: f64 = 0.0;
    let mut plain = plain;
    for point in 0..21 {
        let mut position = model.start().to_vec();
        if point > 0 {
            for v in &mut position {
                *v += rng.random_range(-0.5..0.5);
            }
        }
        let mut gradient = vec![0.0; dim];
        let value = model.log_density(&position, &mut gradient).unwrap();
        let without = plain.log_density(&position, &mut vec![0.0; dim]).unwrap();
        assert!(
            value.is_finite() && value < without,
            "the lift terms lower the density"
        );
        worst = worst.max(assert_gradient_matches(
            &mut model,
            &position,
            1e-5,
            &format!("point {point}"),
        ));
    }
    eprintln!("worst relative gradient error with lift tests {worst:.2e}");
}

/// Lift tests that do not fit the data are errors naming the test.
#[test]
fn lift_tests_that_do_not_fit_the_data_are_errors() {
    let (world, fitted) = world();
    let priors = PriorParams::default().check().unwrap();
    let model = PosteriorModel::new(&world.data, fitted, &priors).unwrap();
    let mut test = truth_tests(world, 1, 8, 0.1).remove(0);
    test.channel = "television".into();
    let err = model
        .clone()
        .with_lift_tests(&world.data, &[test.clone()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown channel `television`"), "{err}");
    test.channel = world.data.channels()[0].name.clone();
    test.std_error = 0.0;
    let err = model
        .with_lift_tests(&world.data, &[test])
        .unwrap_err()
        .to_string();
    assert!(err.contains("field `std_error`"), "{err}");
}

fn sample(world: &World, fitted: &FittedModel, tests: &[LiftTest]) -> Posterior {
    let priors = PriorParams::default().check().unwrap();
    let model = PosteriorModel::new(&world.data, fitted, &priors)
        .unwrap()
        .with_lift_tests(&world.data, tests)
        .unwrap();
    SamplerParams::new()
        .warmup(150)
        .draws(100)
        .seed(3)
        .check()
        .unwrap()
        .sample(model, |_, _| {})
        .unwrap()
}

/// A tight lift test (exact lift from the truth over half a year, standard error 2 %) on the
/// largest channel narrows its 90 % ROI interval by at least a third and does not move its
/// median away from the true ROI (closer, or within 3 % of it).
#[test]
fn a_tight_lift_test_narrows_the_roi_toward_the_truth() {
    let (world, fitted) = world();
    let tests = truth_tests(world, 1, 26, 0.02);
    let c = world
        .data
        .channels()
        .iter()
        .position(|s| s.name == tests[0].channel)
        .unwrap();
    let truth = world.truth.channels[c].roi;
    let without = sample(world, fitted, &[]);
    let with = sample(world, fitted, &tests);
    let (low0, high0) = without.roi_interval(c, 0.9).unwrap();
    let (low1, high1) = with.roi_interval(c, 0.9).unwrap();
    let (median0, _) = without.roi_interval(c, 1e-9).unwrap();
    let (median1, _) = with.roi_interval(c, 1e-9).unwrap();
    eprintln!(
        "channel {c}: true ROI {truth:.3}; without [{low0:.3}, {high0:.3}] median {median0:.3}; \
         with [{low1:.3}, {high1:.3}] median {median1:.3}"
    );
    assert!(
        high1 - low1 < (2.0 / 3.0) * (high0 - low0),
        "interval {:.3} wide with the test, {:.3} without",
        high1 - low1,
        high0 - low0
    );
    let (error0, error1) = ((median0 - truth).abs(), (median1 - truth).abs());
    assert!(
        error1 <= error0.max(0.03 * truth),
        "median error {error1:.3} with the test, {error0:.3} without"
    );
}
