//! The carryover forms (issue #11, item 1): Weibull kernels are normalised and
//! non-negative for any valid shape, scale and window; the geometric form is unchanged; a
//! fit with a Weibull form chooses a kernel of its grid for every channel and uses that
//! kernel everywhere (design, decomposition, prediction); the posterior samples its Weibull
//! shape and scale (`tests/posterior_weibull.rs` checks the gradient and the intervals);
//! invalid settings are refused before any work.

use mixplan_core::data::worlds::WorldFamily;
use mixplan_core::model::posterior::{PosteriorModel, PriorParams, SampledCarryover};
use mixplan_core::model::{
    ChannelHyperparameters, FittedModel, FixedHyperparameters, ModelParams, ParamsError,
};
use mixplan_core::transform::{
    CarryoverForm, CarryoverKernels, GeometricAdstock, TransformError, WeibullAdstock, WeibullForm,
    WeibullGrid,
};
use proptest::prelude::*;
use std::sync::OnceLock;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// `W_l ≥ 0`, `Σ_l W_l = 1`, and a constant spend reaches steady state `x` after `L`
    /// weeks, for any shape in `(0, 10]`, scale in `(0, L]` and window `1 … 52`; a kernel
    /// is only refused when every weight underflows.
    #[test]
    fn weibull_weights_are_normalised_and_non_negative(
        shape in 0.01f64..=10.0,
        scale_share in 0.001f64..=1.0,
        window in 1usize..=52,
        pdf in any::<bool>(),
        level in 0.0f64..1e6,
    ) {
        let form = if pdf { WeibullForm::Pdf } else { WeibullForm::Cdf };
        let scale = scale_share * window as f64;
        match WeibullAdstock::new(shape, scale, window, form) {
            Ok(kernel) => {
                let w = kernel.weights();
                prop_assert_eq!(w.len(), window);
                prop_assert!(w.iter().all(|&v| v >= 0.0 && v.is_finite()), "{:?}", w);
                prop_assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
                let steady = kernel.apply(&vec![level; window + 3]).unwrap();
                prop_assert!((steady[window + 2] - level).abs() <= 1e-9 * level.max(1.0));
            }
            Err(e) => prop_assert!(matches!(e, TransformError::DegenerateWeights { .. }), "{e}"),
        }
    }

    /// The geometric family the fit uses is exactly the geometric adstock.
    #[test]
    fn geometric_form_is_unchanged(
        decay in 0.0f64..0.999,
        x in prop::collection::vec(0.0f64..1e5, 1..60),
    ) {
        let mut out = vec![0.0; x.len()];
        CarryoverKernels::Geometric.apply_into(decay, &x, &mut out);
        prop_assert_eq!(out, GeometricAdstock::new(decay).unwrap().apply(&x).unwrap());
        let family = CarryoverKernels::new(CarryoverForm::Geometric, &WeibullGrid::default()).unwrap();
        prop_assert!(family.is_geometric());
        prop_assert_eq!(family.search_grid(&[0.1, 0.4]), vec![0.1, 0.4]);
    }
}

/// A small search, so the fits run quickly in debug builds.
fn quick() -> ModelParams {
    ModelParams::default()
        .half_saturation_grid(vec![0.5, 1.0, 2.0])
        .shape_grid(vec![1.0, 2.0])
        .max_sweeps(1)
        .random_starts(2)
}

/// World 3 of the trust family and its fit with the Weibull CDF form.
fn weibull_fit() -> &'static (mixplan_core::data::worlds::World, FittedModel) {
    static FIT: OnceLock<(mixplan_core::data::worlds::World, FittedModel)> = OnceLock::new();
    FIT.get_or_init(|| {
        let world = WorldFamily::new(11).world(3).unwrap();
        let model = quick()
            .carryover(CarryoverForm::WeibullCdf)
            .check()
            .unwrap()
            .fit(&world.data, |_, _| {})
            .unwrap();
        (world, model)
    })
}

#[test]
fn a_weibull_fit_picks_grid_kernels_and_uses_them_everywhere() {
    let (world, model) = weibull_fit();
    let grid = WeibullGrid::default();
    for (c, ch) in model.channels().iter().enumerate() {
        let w = ch.weibull.expect("every channel has a Weibull kernel");
        assert_eq!(w.form, WeibullForm::Cdf);
        assert_eq!(w.carryover_form(), CarryoverForm::WeibullCdf);
        assert!(grid.shapes.contains(&w.shape), "{w:?}");
        assert!(grid.scales.contains(&w.scale), "{w:?}");
        assert_eq!(w.window, grid.window);
        assert!(
            ch.decay.is_nan(),
            "no geometric decay for a Weibull channel"
        );
        // The decomposition (built from the design's media columns) and the prediction
        // through the chosen kernel agree week by week.
        let spend = &world.data.channels()[c].values;
        let predicted = model.contribution_series(c, spend).unwrap();
        let decomposed = &model.decomposition().channels[c].values;
        for (t, (p, d)) in predicted.iter().zip(decomposed).enumerate() {
            assert!(
                (p - d).abs() <= 1e-6 * d.abs().max(1.0),
                "{} week {t}: {p} vs {d}",
                ch.name
            );
        }
        // A different kernel would predict something else (the check can fail).
        let other = WeibullAdstock::new(
            if w.shape == 0.5 { 4.0 } else { 0.5 },
            8.0,
            13,
            WeibullForm::Pdf,
        )
        .unwrap()
        .apply(spend)
        .unwrap();
        let own = w.kernel().unwrap().apply(spend).unwrap();
        assert_ne!(own, other);
    }
    assert!(model.metrics().r2_test.is_finite());
}

#[test]
fn the_posterior_samples_the_weibull_shape_and_scale() {
    let (world, model) = weibull_fit();
    let priors = PriorParams::default().check().unwrap();
    let posterior = PosteriorModel::new(&world.data, model, &priors).unwrap();
    assert_eq!(
        posterior.carryover(),
        SampledCarryover::Weibull {
            form: WeibullForm::Cdf,
            window: 13
        }
    );
    assert_eq!(posterior.carryover().form(), CarryoverForm::WeibullCdf);
    let layout = posterior.layout();
    assert_eq!(layout.carryover_parameters, 2);
    let names = posterior.parameter_names();
    assert_eq!(names.len(), posterior.dim());
    for (c, ch) in model.channels().iter().enumerate() {
        let w = ch.weibull.unwrap();
        let start = posterior.start();
        // The chains start at the kernel the point fit chose.
        assert_eq!(start[layout.log_weibull_shape(c)], w.shape.ln());
        assert_eq!(start[layout.log_weibull_scale(c)], w.scale.ln());
        assert_eq!(
            names[layout.log_weibull_scale(c)],
            format!("ln_weibull_scale[{}]", ch.name)
        );
    }
}

#[test]
fn invalid_carryover_settings_are_refused() {
    let fixed = FixedHyperparameters {
        channels: vec![ChannelHyperparameters::new(0.3, 1000.0, 1.0)],
        penalty: 1e-3,
    };
    let err = ModelParams::default()
        .carryover(CarryoverForm::WeibullPdf)
        .fixed(fixed)
        .check()
        .unwrap_err();
    assert!(matches!(err, ParamsError::FixedWeibull(_)), "{err}");
    assert!(err.to_string().contains("geometric"), "{err}");
    let err = ModelParams::default()
        .carryover(CarryoverForm::WeibullCdf)
        .weibull_grid(WeibullGrid {
            scales: vec![20.0],
            ..WeibullGrid::default()
        })
        .check()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ParamsError::Transform(TransformError::InvalidWeibullScale(_))
        ),
        "{err}"
    );
    // A geometric fit does not use the Weibull grid.
    assert!(
        ModelParams::default()
            .weibull_grid(WeibullGrid {
                scales: vec![20.0],
                ..WeibullGrid::default()
            })
            .check()
            .is_ok()
    );
}
