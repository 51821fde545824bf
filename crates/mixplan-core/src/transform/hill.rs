//! Hill saturation: diminishing returns of (adstocked) weekly spend.

use super::{TransformError, check_finite};
use serde::{Deserialize, Serialize};

/// Hill saturation curve, mapping adstocked weekly spend `a ≥ 0` to `[0, 1)`:
///
/// ```text
/// hill(a) = a^s / (a^s + K^s) = 1 / (1 + (K/a)^s)   for a > 0,     hill(a) = 0   for a ≤ 0
/// hill'(a) = s · r / (a · (1 + r)²),   r = (K/a)^s
/// ```
///
/// | parameter | meaning | range |
/// |---|---|---|
/// | `half_saturation` (K) | adstocked weekly spend at which `hill = ½`, currency | `> 0` |
/// | `shape` (s) | steepness: `s ≤ 1` concave, `s > 1` S-shaped | `> 0` |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hill {
    half_saturation: f64,
    shape: f64,
}

impl Hill {
    /// Validates `K` and `s` (both finite and > 0).
    ///
    /// # Errors
    /// [`TransformError::InvalidHalfSaturation`] or [`TransformError::InvalidShape`].
    pub fn new(half_saturation: f64, shape: f64) -> Result<Self, TransformError> {
        if !(half_saturation.is_finite() && half_saturation > 0.0) {
            return Err(TransformError::InvalidHalfSaturation(half_saturation));
        }
        if !(shape.is_finite() && shape > 0.0) {
            return Err(TransformError::InvalidShape(shape));
        }
        Ok(Self {
            half_saturation,
            shape,
        })
    }

    /// K.
    pub fn half_saturation(&self) -> f64 {
        self.half_saturation
    }

    /// s.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// `hill(a)` for one value (`0` for `a ≤ 0` or NaN).
    pub fn value(&self, a: f64) -> f64 {
        hill_value(a, self.half_saturation, self.shape)
    }

    /// `hill'(a)`; `0` for `a < 0`. At `a = 0` it is `+∞` for `s < 1`, `1/K` for `s = 1`
    /// and `0` for `s > 1`.
    pub fn derivative(&self, a: f64) -> f64 {
        if a < 0.0 {
            return 0.0;
        }
        if a == 0.0 {
            return if self.shape < 1.0 {
                f64::INFINITY
            } else if self.shape == 1.0 {
                1.0 / self.half_saturation
            } else {
                0.0
            };
        }
        let r = (self.half_saturation / a).powf(self.shape);
        self.shape * r / (a * (1.0 + r) * (1.0 + r))
    }

    /// Applies the curve to a series.
    ///
    /// # Errors
    /// [`TransformError::NonFiniteInput`] if any value is NaN or infinite.
    pub fn apply(&self, a: &[f64]) -> Result<Vec<f64>, TransformError> {
        check_finite(a)?;
        Ok(a.iter().map(|&v| self.value(v)).collect())
    }
}

/// `1 / (1 + (K/a)^s)` for `a > 0`, else 0. No validation.
#[inline]
pub(crate) fn hill_value(a: f64, half_saturation: f64, shape: f64) -> f64 {
    if a > 0.0 {
        1.0 / (1.0 + (half_saturation / a).powf(shape))
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_parameters() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                Hill::new(bad, 1.0),
                Err(TransformError::InvalidHalfSaturation(_))
            ));
            assert!(matches!(
                Hill::new(1.0, bad),
                Err(TransformError::InvalidShape(_))
            ));
        }
    }

    #[test]
    fn half_saturation_gives_one_half_and_formula_holds() {
        let h = Hill::new(40.0, 2.5).unwrap();
        assert!((h.value(40.0) - 0.5).abs() < 1e-15);
        assert_eq!(h.value(0.0), 0.0);
        assert_eq!(h.value(-3.0), 0.0);
        for a in [1.0f64, 17.0, 80.0, 1e6] {
            let direct = a.powf(2.5) / (a.powf(2.5) + 40.0f64.powf(2.5));
            assert!((h.value(a) - direct).abs() < 1e-12);
        }
        assert!(h.value(1e300) <= 1.0);
    }

    #[test]
    fn derivative_matches_finite_difference() {
        for &(s, a) in &[(0.6, 5.0), (1.0, 20.0), (2.0, 35.0), (4.0, 70.0)] {
            let h = Hill::new(30.0, s).unwrap();
            let e = 1e-6 * a;
            let numeric = (h.value(a + e) - h.value(a - e)) / (2.0 * e);
            assert!((numeric - h.derivative(a)).abs() < 1e-7, "s={s} a={a}");
        }
        assert_eq!(Hill::new(2.0, 1.0).unwrap().derivative(0.0), 0.5);
    }

    #[test]
    fn apply_checks_input() {
        let h = Hill::new(1.0, 1.0).unwrap();
        assert_eq!(h.apply(&[1.0, 3.0]).unwrap(), vec![0.5, 0.75]);
        assert!(matches!(
            h.apply(&[f64::NEG_INFINITY]),
            Err(TransformError::NonFiniteInput { index: 0, .. })
        ));
    }
}
