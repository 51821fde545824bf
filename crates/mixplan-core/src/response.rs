//! A channel's steady-state response curve: the contract between the fitted model and the
//! optimiser.
//!
//! With geometric adstock **normalised** so its weights sum to one (see
//! [`crate::transform`]), a weekly spend `x` sustained over time has adstocked spend `x` in
//! steady state. The channel's weekly revenue contribution is then the Hill curve
//!
//! ```text
//! f(x) = β · x^s / (x^s + K^s)
//! ```
//!
//! with `β` the revenue per week at saturation (currency), `K` the half-saturation weekly
//! spend (currency) and `s > 0` the shape. For `s ≤ 1` the curve is concave on `x ≥ 0`;
//! for `s > 1` it is S-shaped with its inflection at `K · ((s − 1)/(s + 1))^(1/s)`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a [`HillResponse`] could not be built.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// `β` must be finite and ≥ 0 (media coefficients are constrained non-negative).
    #[error("response coefficient must be finite and >= 0, got {0}")]
    InvalidCoefficient(f64),
    /// `K` must be finite and > 0.
    #[error("half-saturation spend must be finite and > 0, got {0}")]
    InvalidHalfSaturation(f64),
    /// `s` must be finite and > 0.
    #[error("Hill shape must be finite and > 0, got {0}")]
    InvalidShape(f64),
}

/// Steady-state weekly revenue contribution of one channel as a function of its weekly spend.
///
/// | field | meaning | range |
/// |---|---|---|
/// | `coefficient` (β) | weekly revenue at saturation, currency | ≥ 0, finite |
/// | `half_saturation` (K) | weekly spend giving half of β, currency | > 0, finite |
/// | `shape` (s) | Hill exponent: ≤ 1 concave, > 1 S-shaped | > 0, finite |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HillResponse {
    coefficient: f64,
    half_saturation: f64,
    shape: f64,
}

impl HillResponse {
    /// Validates and builds the curve.
    pub fn new(coefficient: f64, half_saturation: f64, shape: f64) -> Result<Self, ResponseError> {
        if !(coefficient.is_finite() && coefficient >= 0.0) {
            return Err(ResponseError::InvalidCoefficient(coefficient));
        }
        if !(half_saturation.is_finite() && half_saturation > 0.0) {
            return Err(ResponseError::InvalidHalfSaturation(half_saturation));
        }
        if !(shape.is_finite() && shape > 0.0) {
            return Err(ResponseError::InvalidShape(shape));
        }
        Ok(Self {
            coefficient,
            half_saturation,
            shape,
        })
    }

    /// β, weekly revenue at saturation.
    pub fn coefficient(&self) -> f64 {
        self.coefficient
    }

    /// K, the half-saturation weekly spend.
    pub fn half_saturation(&self) -> f64 {
        self.half_saturation
    }

    /// s, the Hill shape.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// `f(x) = β · x^s / (x^s + K^s)`, written as `β / (1 + (K/x)^s)` for stability;
    /// `f(x) = 0` for `x ≤ 0`.
    pub fn value(&self, spend: f64) -> f64 {
        if spend <= 0.0 {
            return 0.0;
        }
        self.coefficient / (1.0 + (self.half_saturation / spend).powf(self.shape))
    }

    /// Marginal return `f'(x) = β · s · K^s · x^(s−1) / (x^s + K^s)²`, written with
    /// `r = (K/x)^s` as `β · s · r / (x · (1 + r)²)`. At `x = 0` it is `+∞` for `s < 1`,
    /// `β/K` for `s = 1` and `0` for `s > 1`.
    pub fn marginal(&self, spend: f64) -> f64 {
        if spend <= 0.0 {
            return if self.shape < 1.0 {
                f64::INFINITY
            } else if self.shape == 1.0 {
                self.coefficient / self.half_saturation
            } else {
                0.0
            };
        }
        let r = (self.half_saturation / spend).powf(self.shape);
        self.coefficient * self.shape * r / (spend * (1.0 + r) * (1.0 + r))
    }

    /// The inflection spend `K · ((s − 1)/(s + 1))^(1/s)` for S-shaped curves (`s > 1`),
    /// `None` when the curve is concave everywhere (`s ≤ 1`).
    pub fn inflection(&self) -> Option<f64> {
        (self.shape > 1.0).then(|| {
            self.half_saturation * ((self.shape - 1.0) / (self.shape + 1.0)).powf(1.0 / self.shape)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_parameters() {
        assert_eq!(
            HillResponse::new(-1.0, 1.0, 1.0),
            Err(ResponseError::InvalidCoefficient(-1.0))
        );
        assert!(matches!(
            HillResponse::new(1.0, 0.0, 1.0),
            Err(ResponseError::InvalidHalfSaturation(_))
        ));
        assert!(matches!(
            HillResponse::new(1.0, 1.0, f64::NAN),
            Err(ResponseError::InvalidShape(_))
        ));
    }

    #[test]
    fn half_saturation_gives_half_the_coefficient() {
        let f = HillResponse::new(1000.0, 50.0, 2.5).unwrap();
        assert!((f.value(50.0) - 500.0).abs() < 1e-9);
        assert_eq!(f.value(0.0), 0.0);
    }

    #[test]
    fn marginal_matches_finite_difference() {
        for &(s, x) in &[(0.7, 3.0), (1.0, 10.0), (2.0, 40.0), (3.5, 80.0)] {
            let f = HillResponse::new(1000.0, 50.0, s).unwrap();
            let h = 1e-5 * x;
            let numeric = (f.value(x + h) - f.value(x - h)) / (2.0 * h);
            assert!(
                (numeric - f.marginal(x)).abs() < 1e-6 * (1.0 + numeric.abs()),
                "s={s} x={x}"
            );
        }
    }

    #[test]
    fn inflection_is_where_marginal_peaks() {
        let f = HillResponse::new(1000.0, 50.0, 3.0).unwrap();
        let t = f.inflection().unwrap();
        assert!(f.marginal(t) > f.marginal(t * 0.95));
        assert!(f.marginal(t) > f.marginal(t * 1.05));
        assert!(
            HillResponse::new(1.0, 1.0, 1.0)
                .unwrap()
                .inflection()
                .is_none()
        );
    }
}
