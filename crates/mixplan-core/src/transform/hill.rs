//! Hill saturation: diminishing returns of (adstocked) weekly spend.

use super::error::{TransformError, check_finite};
use serde::{Deserialize, Serialize};

/// Hill saturation curve, mapping adstocked weekly spend `a ≥ 0` to `[0, 1)`:
///
/// ```text
/// hill(a) = a^s / (a^s + K^s) = 1 / (1 + (K/a)^s)   for a > 0,     hill(a) = 0   for a ≤ 0
/// hill'(a) = s · t / (a · (1 + t)²),   t = (a/K)^s
/// ```
///
/// # Numerical form
///
/// Both are evaluated so that no intermediate overflows into `inf/inf = NaN`:
///
/// * `hill(a) = 1 / (1 + (K/a)^s)`: for tiny `a`, `(K/a)^s` may overflow to `+∞` and the
///   result is the correct limit `0`; for huge `a` it underflows to `0` and the result is `1`.
/// * `hill'(a)` is symmetric in `t ↔ 1/t` (`t/(1 + t)² = t⁻¹/(1 + t⁻¹)²`), so it is computed
///   from `z = min(t, 1/t) = e^(−|w|)` with `w = s · (ln a − ln K)`, which lies in `(0, 1]`:
///   `hill'(a) = s · z / (a · (1 + z)²)`. Only the final division by `a` can overflow (for
///   `s < 1` and spends near `1e-308`, where the exact slope is beyond `f64`); the result is
///   then capped at `f64::MAX`, so **`hill'(a)` is finite for every `a > 0`**.
/// * At `a = 0` the slope is the right-hand limit: `+∞` for `s < 1` (the curve starts
///   vertically: `hill(a) ≈ (a/K)^s`), `1/K` for `s = 1` and `0` for `s > 1`.
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

    /// `hill'(a)` (see the type's docs for the formula and its numerical form): finite for
    /// every `a > 0` (capped at `f64::MAX`); at `a = 0` the right-hand limit, `+∞` for `s < 1`,
    /// `1/K` for `s = 1` and `0` for `s > 1`; `0` for `a < 0` or NaN.
    pub fn derivative(&self, a: f64) -> f64 {
        if a == 0.0 {
            return if self.shape < 1.0 {
                f64::INFINITY
            } else if self.shape == 1.0 {
                1.0 / self.half_saturation
            } else {
                0.0
            };
        }
        if a.is_nan() || a < 0.0 {
            return 0.0;
        }
        let w = self.shape * (a.ln() - self.half_saturation.ln());
        let z = (-w.abs()).exp();
        (self.shape * z / (a * (1.0 + z) * (1.0 + z))).min(f64::MAX)
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
    fn derivative_limits_at_zero_and_below() {
        assert_eq!(Hill::new(2.0, 0.5).unwrap().derivative(0.0), f64::INFINITY);
        assert_eq!(Hill::new(2.0, 1.0).unwrap().derivative(0.0), 0.5);
        assert_eq!(Hill::new(2.0, 2.0).unwrap().derivative(0.0), 0.0);
        for s in [0.5, 1.0, 2.0] {
            let h = Hill::new(2.0, s).unwrap();
            assert_eq!(h.derivative(-1.0), 0.0);
            assert_eq!(h.derivative(f64::NAN), 0.0);
            assert_eq!(h.derivative(f64::INFINITY), 0.0);
        }
    }

    /// The old form `s·r/(a(1 + r)²)` with `r = (K/a)^s` gives `inf/inf = NaN` once `r`
    /// overflows; the symmetric form does not.
    #[test]
    fn derivative_survives_the_overflow_of_k_over_a() {
        let h = Hill::new(1e4, 3.0).unwrap();
        let a: f64 = 1e-300;
        let r = (1e4 / a).powf(3.0);
        assert!(r.is_infinite());
        assert!((3.0 * r / (a * (1.0 + r) * (1.0 + r))).is_nan());
        assert_eq!(h.derivative(a), 0.0);
        // s < 1: the slope near zero is huge but finite, ≈ s · a^(s−1) / K^s.
        let h = Hill::new(1e4, 0.6).unwrap();
        let expected = 0.6 * a.powf(-0.4) / 1e4f64.powf(0.6);
        assert!((h.derivative(a) - expected).abs() <= 1e-12 * expected);
        // Beyond f64: capped, not infinite.
        let h = Hill::new(1.0, 0.01).unwrap();
        assert_eq!(h.derivative(f64::from_bits(1)), f64::MAX);
    }

    proptest::proptest! {
        /// `hill` stays in `[0, 1]` and `hill'` is finite and ≥ 0 for every spend from the
        /// smallest positive `f64` to the largest, whatever K and s.
        #[test]
        fn value_and_derivative_are_finite_over_the_whole_range(
            log_k in -3.0f64..9.0,
            s in 0.05f64..10.0,
            log_a in -323.0f64..308.0,
            special in 0usize..6,
        ) {
            let h = Hill::new(10f64.powf(log_k), s).unwrap();
            let a = [10f64.powf(log_a), 0.0, 1e-300, f64::from_bits(1), 1e300, f64::MAX][special];
            let v = h.value(a);
            proptest::prop_assert!((0.0..=1.0).contains(&v), "hill({a}) = {v}");
            let d = h.derivative(a);
            if a == 0.0 && s < 1.0 {
                proptest::prop_assert_eq!(d, f64::INFINITY);
            } else {
                proptest::prop_assert!(d.is_finite() && d >= 0.0, "hill'({a}) = {d}");
            }
        }

        /// Where the textbook form is finite, the stable form agrees with it.
        #[test]
        fn derivative_agrees_with_the_textbook_form(
            log_k in -3.0f64..9.0,
            s in 0.05f64..10.0,
            log_ratio in -20.0f64..20.0,
        ) {
            let log_a = log_k + log_ratio / s;
            proptest::prop_assume!(log_a.abs() < 300.0);
            let k = 10f64.powf(log_k);
            let a = 10f64.powf(log_a);
            let t = (a / k).powf(s);
            let textbook = s * t / (a * (1.0 + t) * (1.0 + t));
            let d = Hill::new(k, s).unwrap().derivative(a);
            // The textbook form is only a reference where it is a normal float: at
            // s = 0.057, a = 1.6e293 its denominator overflows and it gives 0, while the true
            // slope (5.0e-312, which the stable form returns) is subnormal.
            proptest::prop_assume!(textbook.is_normal());
            proptest::prop_assert!(
                (d - textbook).abs() <= 1e-11 * textbook,
                "K={k} s={s} a={a}: {d} vs {textbook}"
            );
        }
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
