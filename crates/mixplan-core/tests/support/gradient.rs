//! The posterior's hand-written gradient against central finite differences.

use mixplan_core::model::posterior::PosteriorModel;

/// Checks every component of the log-density's gradient at `position` against a central
/// finite difference with step `1e-5·(1 + |x_i|)`: the relative error
/// `|analytic − numeric| / max(|analytic|, |numeric|, 1)` must stay below `tolerance`, else
/// it panics naming `label` and the parameter. Returns the worst error.
pub fn assert_gradient_matches(
    model: &mut PosteriorModel,
    position: &[f64],
    tolerance: f64,
    label: &str,
) -> f64 {
    let dim = model.dim();
    let mut gradient = vec![0.0; dim];
    let value = model.log_density(position, &mut gradient).unwrap();
    assert!(value.is_finite(), "{label}: log-density {value}");
    let mut scratch = vec![0.0; dim];
    let mut worst: f64 = 0.0;
    for i in 0..dim {
        let step = 1e-5 * (1.0 + position[i].abs());
        let mut up = position.to_vec();
        up[i] += step;
        let mut down = position.to_vec();
        down[i] -= step;
        let numeric = (model.log_density(&up, &mut scratch).unwrap()
            - model.log_density(&down, &mut scratch).unwrap())
            / (2.0 * step);
        let error = (gradient[i] - numeric).abs() / gradient[i].abs().max(numeric.abs()).max(1.0);
        worst = worst.max(error);
        assert!(
            error < tolerance,
            "{label}, parameter {i} ({}): analytic {}, numeric {numeric}",
            model.parameter_names()[i],
            gradient[i]
        );
    }
    worst
}
