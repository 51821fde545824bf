//! Tests on a model's residuals: autocorrelation (ACF, Ljung–Box), normality
//! (Jarque–Bera) and heteroscedasticity (Breusch–Pagan, Koenker's studentised form).
//! p-values come from `statrs`'s χ² distribution.

use super::error::DiagnoseError;
use super::ols::least_squares_r2;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// A test statistic with its χ² reference distribution and p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChiSquaredTest {
    /// The statistic.
    pub statistic: f64,
    /// Degrees of freedom of its χ² reference distribution under the null hypothesis.
    pub degrees_of_freedom: f64,
    /// `P(χ²_df ≥ statistic)`: small values reject the null hypothesis.
    pub p_value: f64,
}

impl ChiSquaredTest {
    /// The upper tail of `χ²_df` at `statistic`.
    fn new(statistic: f64, degrees_of_freedom: f64) -> Result<Self, DiagnoseError> {
        let chi = ChiSquared::new(degrees_of_freedom).map_err(|e| {
            DiagnoseError::Setting(format!(
                "χ² with {degrees_of_freedom} degrees of freedom: {e}"
            ))
        })?;
        Ok(Self {
            statistic,
            degrees_of_freedom,
            p_value: chi.sf(statistic.max(0.0)),
        })
    }

    /// Whether the null hypothesis is rejected at level `alpha` (`p < alpha`).
    pub fn rejects(&self, alpha: f64) -> bool {
        self.p_value < alpha
    }
}

fn check_finite(what: &str, values: &[f64]) -> Result<(), DiagnoseError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(DiagnoseError::NonFinite {
            what: what.to_string(),
            index,
        }),
        None => Ok(()),
    }
}

/// Central moments `m_k = (1/n) Σ (e_t − ē)^k` for k = 2, 3, 4.
fn central_moments(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for v in values {
        let d = v - mean;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    (m2 / n, m3 / n, m4 / n)
}

/// Sample autocorrelation at lags `1..=max_lag`:
///
/// ```text
/// r_k = Σ_{t=k}^{n−1} (e_t − ē)(e_{t−k} − ē) / Σ_{t=0}^{n−1} (e_t − ē)²
/// ```
///
/// # Errors
/// [`DiagnoseError::Setting`] when `max_lag` is 0 or not below the length,
/// [`DiagnoseError::NonFinite`], or [`DiagnoseError::Constant`].
pub fn autocorrelation(series: &[f64], max_lag: usize) -> Result<Vec<f64>, DiagnoseError> {
    let n = series.len();
    if max_lag == 0 || max_lag >= n {
        return Err(DiagnoseError::Setting(format!(
            "autocorrelation up to lag {max_lag} needs more than {max_lag} values and a lag of at least 1 (got {n} values)"
        )));
    }
    check_finite("residuals", series)?;
    let mean = series.iter().sum::<f64>() / n as f64;
    let denominator: f64 = series.iter().map(|v| (v - mean).powi(2)).sum();
    if denominator <= f64::EPSILON * n as f64 * mean.abs().max(1.0) {
        return Err(DiagnoseError::Constant {
            what: "residuals".into(),
        });
    }
    Ok((1..=max_lag)
        .map(|k| {
            (k..n)
                .map(|t| (series[t] - mean) * (series[t - k] - mean))
                .sum::<f64>()
                / denominator
        })
        .collect())
}

/// Ljung–Box portmanteau test of no autocorrelation up to lag `h`:
///
/// ```text
/// Q = n (n + 2) Σ_{k=1}^{h} r_k² / (n − k)   ~  χ²(h − fitted_params) under white noise
/// ```
///
/// `fitted_params` is subtracted from the degrees of freedom when the series are residuals
/// of an ARMA fit; pass 0 for regression residuals.
///
/// # Errors
/// As [`autocorrelation`], and [`DiagnoseError::Setting`] when `h ≤ fitted_params`.
pub fn ljung_box(
    residuals: &[f64],
    lags: usize,
    fitted_params: usize,
) -> Result<ChiSquaredTest, DiagnoseError> {
    if lags <= fitted_params {
        return Err(DiagnoseError::Setting(format!(
            "Ljung–Box with {lags} lags and {fitted_params} fitted parameters has no degrees of freedom"
        )));
    }
    let r = autocorrelation(residuals, lags)?;
    let n = residuals.len() as f64;
    let q = n
        * (n + 2.0)
        * r.iter()
            .enumerate()
            .map(|(i, rk)| rk * rk / (n - (i + 1) as f64))
            .sum::<f64>();
    ChiSquaredTest::new(q, (lags - fitted_params) as f64)
}

/// Jarque–Bera test of normality from the sample skewness `S = m₃/m₂^{3/2}` and kurtosis
/// `K = m₄/m₂²`:
///
/// ```text
/// JB = n/6 · (S² + (K − 3)²/4)   ~  χ²(2) under normality (asymptotically)
/// ```
///
/// # Errors
/// [`DiagnoseError::TooShort`] below 8 values, [`DiagnoseError::NonFinite`],
/// [`DiagnoseError::Constant`].
pub fn jarque_bera(residuals: &[f64]) -> Result<ChiSquaredTest, DiagnoseError> {
    const MIN: usize = 8;
    if residuals.len() < MIN {
        return Err(DiagnoseError::TooShort {
            what: "the Jarque–Bera test",
            needed: MIN,
            found: residuals.len(),
        });
    }
    check_finite("residuals", residuals)?;
    let (m2, m3, m4) = central_moments(residuals);
    if m2 <= 0.0 {
        return Err(DiagnoseError::Constant {
            what: "residuals".into(),
        });
    }
    let skewness = m3 / m2.powf(1.5);
    let kurtosis = m4 / (m2 * m2);
    let n = residuals.len() as f64;
    let jb = n / 6.0 * (skewness * skewness + (kurtosis - 3.0).powi(2) / 4.0);
    ChiSquaredTest::new(jb, 2.0)
}

/// Breusch–Pagan test of constant residual variance, in Koenker's studentised form (robust
/// to non-normal errors): regress the squared residuals on an intercept and the `k`
/// regressors `z_1 … z_k`; then
///
/// ```text
/// LM = n · R²(e² ~ 1 + z_1 + … + z_k)   ~  χ²(k) under homoscedasticity
/// ```
///
/// # Errors
/// [`DiagnoseError::TooShort`] when there are not more weeks than regressors + 2,
/// [`DiagnoseError::Length`], [`DiagnoseError::NonFinite`], [`DiagnoseError::Setting`]
/// without regressors, [`DiagnoseError::Constant`] when the squared residuals are constant.
pub fn breusch_pagan(
    residuals: &[f64],
    regressors: &[Vec<f64>],
) -> Result<ChiSquaredTest, DiagnoseError> {
    if regressors.is_empty() {
        return Err(DiagnoseError::Setting(
            "the Breusch–Pagan test needs at least one regressor".into(),
        ));
    }
    let n = residuals.len();
    if n < regressors.len() + 3 {
        return Err(DiagnoseError::TooShort {
            what: "the Breusch–Pagan test",
            needed: regressors.len() + 3,
            found: n,
        });
    }
    check_finite("residuals", residuals)?;
    for (j, z) in regressors.iter().enumerate() {
        if z.len() != n {
            return Err(DiagnoseError::Length {
                what: format!("Breusch–Pagan regressor {}", j + 1),
                expected: n,
                found: z.len(),
            });
        }
        check_finite(&format!("Breusch–Pagan regressor {}", j + 1), z)?;
    }
    let squared: Vec<f64> = residuals.iter().map(|e| e * e).collect();
    let r2 = least_squares_r2(&squared, regressors).ok_or(DiagnoseError::Constant {
        what: "squared residuals".into(),
    })?;
    ChiSquaredTest::new(n as f64 * r2, regressors.len() as f64)
}
