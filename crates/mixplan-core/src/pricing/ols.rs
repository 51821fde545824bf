//! Ordinary least squares with standard errors and Student-t intervals.

use super::Interval;
use super::error::PricingError;
use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The least-squares fit `y = Xb + e`:
///
/// ```text
/// b̂ = (XᵀX)⁻¹ Xᵀy,   σ̂² = ‖y − Xb̂‖² / (n − p),   se(b̂_j) = σ̂ √[(XᵀX)⁻¹]_jj
/// ```
pub(crate) struct LeastSquares {
    /// The coefficients `b̂`.
    pub coefficients: Vec<f64>,
    /// Their standard errors.
    pub std_errors: Vec<f64>,
    /// Residual degrees of freedom `n − p`.
    pub degrees_of_freedom: f64,
}

impl LeastSquares {
    /// Fits `y` on the columns `x` (`n × p`, the intercept included by the caller).
    pub fn fit(what: &'static str, x: &DMatrix<f64>, y: &[f64]) -> Result<Self, PricingError> {
        let (n, p) = x.shape();
        if n <= p {
            return Err(PricingError::Regression {
                what,
                reason: format!("{n} weeks for {p} coefficients"),
            });
        }
        let gram = x.tr_mul(x);
        let inverse =
            gram.cholesky()
                .map(|c| c.inverse())
                .ok_or_else(|| PricingError::Regression {
                    what,
                    reason: "its columns are collinear".into(),
                })?;
        let target = DVector::from_column_slice(y);
        let beta = &inverse * x.tr_mul(&target);
        let residual = &target - x * &beta;
        let dof = (n - p) as f64;
        let sigma2 = residual.norm_squared() / dof;
        let std_errors = (0..p)
            .map(|j| (sigma2 * inverse[(j, j)]).max(0.0).sqrt())
            .collect();
        Ok(Self {
            coefficients: beta.iter().copied().collect(),
            std_errors,
            degrees_of_freedom: dof,
        })
    }

    /// The two-sided `level` interval of coefficient `j`: `b̂_j ± t_{df, (1+level)/2} se_j`.
    pub fn interval(&self, j: usize, level: f64) -> Result<Interval, PricingError> {
        let t = StudentsT::new(0.0, 1.0, self.degrees_of_freedom)
            .map_err(|e| PricingError::Setting(format!("Student t distribution: {e}")))?
            .inverse_cdf(0.5 + level / 2.0);
        let estimate = self.coefficients[j];
        let half = t * self.std_errors[j];
        Ok(Interval {
            estimate,
            lower: estimate - half,
            upper: estimate + half,
            level,
        })
    }
}
