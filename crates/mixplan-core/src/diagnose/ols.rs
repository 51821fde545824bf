//! Ordinary least squares with an intercept, for the auxiliary regressions of the tests
//! (Breusch–Pagan, variance inflation factors).

use nalgebra::{DMatrix, DVector};

/// `R² = 1 − SSR/SST` of the least-squares fit `y ~ 1 + x_1 + … + x_k` (minimum-norm
/// solution through the SVD, so collinear regressors are fine). `None` when `y` is constant
/// (SST = 0), where R² is undefined.
pub(crate) fn least_squares_r2(y: &[f64], regressors: &[Vec<f64>]) -> Option<f64> {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let sst: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    if sst <= f64::EPSILON * n as f64 * mean.abs().max(f64::MIN_POSITIVE) {
        return None;
    }
    let x = DMatrix::from_fn(n, regressors.len() + 1, |t, j| {
        if j == 0 { 1.0 } else { regressors[j - 1][t] }
    });
    let target = DVector::from_column_slice(y);
    let svd = x.clone().svd(true, true);
    let tolerance = 1e-12 * svd.singular_values.max().max(f64::MIN_POSITIVE);
    let beta = svd.solve(&target, tolerance).ok()?;
    let residual = target - x * beta;
    let ssr = residual.norm_squared();
    Some((1.0 - ssr / sst).clamp(0.0, 1.0))
}
