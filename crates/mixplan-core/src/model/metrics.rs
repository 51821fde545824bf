//! Goodness of fit, and the seed baseline the model is compared with.
//!
//! For actual values `y_t` and predictions `ŷ_t` over a set of weeks `T` (train or test):
//!
//! ```text
//! R²    = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²            (ȳ: mean of y over T)
//! MAPE  = mean_{t∈T, y_t≠0} |y_t − ŷ_t| / |y_t|  (a fraction: 0.08 = 8 %)
//! RMSE  = sqrt(mean (y − ŷ)²)                   (currency)
//! NRMSE = RMSE / (max_T y − min_T y)            (Robyn's normalisation)
//! ```
//!
//! The **seed baseline** is plain ridge regression, `α = 1`, on min–max (0–1) normalised raw
//! weekly spend (scaler fitted on the training weeks), with an unpenalised intercept and no
//! adstock, saturation, trend, seasonality or controls, fitted on the same first weeks as
//! the model and evaluated on the same holdout — scikit-learn's `Ridge(alpha=1.0)`:
//! `min ‖y − w₀ − Xw‖² + α‖w‖²`.

use super::error::FitError;
use super::ridge;
use crate::data::WeeklyData;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// Fit quality of one model on its training and holdout weeks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// R² on the training weeks.
    pub r2_train: f64,
    /// R² on the holdout weeks (can be negative).
    pub r2_test: f64,
    /// MAPE on the training weeks (fraction).
    pub mape_train: f64,
    /// MAPE on the holdout weeks (fraction).
    pub mape_test: f64,
    /// RMSE on the training weeks (currency).
    pub rmse_train: f64,
    /// RMSE on the holdout weeks (currency).
    pub rmse_test: f64,
    /// NRMSE on the training weeks.
    pub nrmse_train: f64,
    /// NRMSE on the holdout weeks.
    pub nrmse_test: f64,
}

impl Metrics {
    /// Computes every metric with the first `n_train` weeks as training, the rest as holdout.
    pub fn from_predictions(actual: &[f64], predicted: &[f64], n_train: usize) -> Self {
        let (ya, yb) = actual.split_at(n_train.min(actual.len()));
        let (pa, pb) = predicted.split_at(n_train.min(predicted.len()));
        Self {
            r2_train: r2(ya, pa),
            r2_test: r2(yb, pb),
            mape_train: mape(ya, pa),
            mape_test: mape(yb, pb),
            rmse_train: rmse(ya, pa),
            rmse_test: rmse(yb, pb),
            nrmse_train: nrmse(ya, pa),
            nrmse_test: nrmse(yb, pb),
        }
    }
}

/// `1 − SSE/SST`. NaN when there are no weeks; when `SST = 0`, `0` if the predictions are
/// exact and `−∞` otherwise.
pub fn r2(actual: &[f64], predicted: &[f64]) -> f64 {
    if actual.is_empty() {
        return f64::NAN;
    }
    let mean = actual.iter().sum::<f64>() / actual.len() as f64;
    let sst: f64 = actual.iter().map(|y| (y - mean).powi(2)).sum();
    let sse: f64 = actual
        .iter()
        .zip(predicted)
        .map(|(y, p)| (y - p).powi(2))
        .sum();
    if sst > 0.0 {
        1.0 - sse / sst
    } else if sse == 0.0 {
        0.0
    } else {
        f64::NEG_INFINITY
    }
}

/// Mean absolute percentage error as a fraction, over weeks with `y ≠ 0` (NaN if none).
pub fn mape(actual: &[f64], predicted: &[f64]) -> f64 {
    let (sum, count) = actual
        .iter()
        .zip(predicted)
        .filter(|(y, _)| **y != 0.0)
        .fold((0.0, 0usize), |(s, c), (y, p)| {
            (s + ((y - p) / y).abs(), c + 1)
        });
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Root mean squared error (NaN with no weeks).
pub fn rmse(actual: &[f64], predicted: &[f64]) -> f64 {
    if actual.is_empty() {
        return f64::NAN;
    }
    let sse: f64 = actual
        .iter()
        .zip(predicted)
        .map(|(y, p)| (y - p).powi(2))
        .sum();
    (sse / actual.len() as f64).sqrt()
}

/// RMSE divided by the range of the actual values (NaN if the range is 0).
pub fn nrmse(actual: &[f64], predicted: &[f64]) -> f64 {
    let max = actual.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = actual.iter().copied().fold(f64::INFINITY, f64::min);
    let range = max - min;
    if range > 0.0 {
        rmse(actual, predicted) / range
    } else {
        f64::NAN
    }
}

/// The seed baseline's predictions for every week and its metrics (see the module docs).
///
/// # Errors
/// [`FitError::Ridge`] if the (penalised, hence positive definite) system cannot be solved.
pub fn seed_baseline(data: &WeeklyData, n_train: usize) -> Result<(Vec<f64>, Metrics), FitError> {
    let n = data.len();
    let c = data.channels().len();
    let scaled = DMatrix::from_fn(n, c, |t, j| {
        let v = &data.channels()[j].values;
        let lo = v[..n_train].iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v[..n_train]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        if hi > lo {
            (v[t] - lo) / (hi - lo)
        } else {
            0.0
        }
    });
    let train = scaled.rows(0, n_train);
    let y = DVector::from_column_slice(&data.target()[..n_train]);
    let x_mean = DVector::from_fn(c, |j, _| train.column(j).mean());
    let y_mean = y.mean();
    let xc = DMatrix::from_fn(n_train, c, |t, j| train[(t, j)] - x_mean[j]);
    let yc = y.map(|v| v - y_mean);
    // sklearn's sum-of-squares objective: (XcᵀXc + αI) w = Xcᵀyc, α = 1.
    let gram = xc.tr_mul(&xc);
    let rhs = xc.tr_mul(&yc);
    let sol = ridge::solve_normal_equations(&gram, &rhs, &vec![1.0; c], &vec![false; c], None)?;
    let w = sol.coefficients;
    let w0 = y_mean - x_mean.dot(&w);
    let pred: Vec<f64> = (0..n)
        .map(|t| w0 + scaled.row(t).transpose().dot(&w))
        .collect();
    let metrics = Metrics::from_predictions(data.target(), &pred, n_train);
    Ok((pred, metrics))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_formulas() {
        let y = [10.0, 20.0, 30.0, 40.0];
        let p = [12.0, 18.0, 33.0, 37.0];
        let sse = 4.0 + 4.0 + 9.0 + 9.0;
        assert!((r2(&y, &p) - (1.0 - sse / 500.0)).abs() < 1e-12);
        assert!((rmse(&y, &p) - (sse / 4.0f64).sqrt()).abs() < 1e-12);
        assert!((nrmse(&y, &p) - (sse / 4.0f64).sqrt() / 30.0).abs() < 1e-12);
        let m = (0.2 + 0.1 + 0.1 + 0.075) / 4.0;
        assert!((mape(&y, &p) - m).abs() < 1e-12);
        assert_eq!(r2(&y, &y), 1.0);
        assert!(mape(&[0.0], &[1.0]).is_nan());
        assert!(r2(&[], &[]).is_nan());
    }
}
