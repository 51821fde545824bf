//! The posterior layer (`model::posterior`): the hand-written gradient against finite
//! differences, the convergence diagnostics on known draws, and sampling a simulated world.

use mixplan_core::data::WeeklyData;
use mixplan_core::data::worlds::{World, WorldFamily};
use mixplan_core::model::posterior::{PosteriorModel, PriorParams};
use mixplan_core::model::{FittedModel, ModelParams};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::OnceLock;

/// A modest simulated world (few channels, two to three years) and its point-estimate fit.
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

fn model(data: &WeeklyData, fitted: &FittedModel) -> PosteriorModel {
    PosteriorModel::new(data, fitted, &PriorParams::default().check().unwrap()).unwrap()
}

/// Every component of the hand-written gradient agrees with a central finite difference
/// to a relative error below 1e-5 (relative to `max(|analytic|, |numeric|, 1)`), at the
/// starting point and at 20 seeded random points around it.
#[test]
fn gradient_matches_central_finite_differences() {
    let (world, fitted) = world();
    let mut model = model(&world.data, fitted);
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
        assert!(value.is_finite(), "log-density at point {point}");
        let mut scratch = vec![0.0; dim];
        for i in 0..dim {
            let step = 1e-5 * (1.0 + position[i].abs());
            let mut up = position.clone();
            up[i] += step;
            let mut down = position.clone();
            down[i] -= step;
            let numeric = (model.log_density(&up, &mut scratch).unwrap()
                - model.log_density(&down, &mut scratch).unwrap())
                / (2.0 * step);
            let error =
                (gradient[i] - numeric).abs() / gradient[i].abs().max(numeric.abs()).max(1.0);
            worst = worst.max(error);
            assert!(
                error < 1e-5,
                "point {point}, parameter {} ({}): analytic {}, numeric {numeric}",
                i,
                model.parameter_names()[i],
                gradient[i]
            );
        }
    }
    eprintln!("worst relative gradient error {worst:.2e}");
}

#[test]
fn wrong_lengths_are_errors_not_panics() {
    let (world, fitted) = world();
    let mut model = model(&world.data, fitted);
    let mut gradient = vec![0.0; model.dim()];
    assert!(model.log_density(&[0.0], &mut gradient).is_err());
    let start = model.start().to_vec();
    assert!(model.log_density(&start, &mut [0.0]).is_err());
}
