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

use crate::transform::{Hill, TransformError};

/// Why a [`HillResponse`] could not be built.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// `β` must be finite and ≥ 0 (media coefficients are constrained non-negative).
    #[error("response coefficient must be finite and >= 0, got {0}")]
    InvalidCoefficient(f64),
    /// The saturation curve is invalid: `K` or `s` is not finite and > 0 (checked once, by
    /// [`Hill::new`]).
    #[error(transparent)]
    Saturation(#[from] TransformError),
}

/// Steady-state weekly revenue contribution of one channel as a function of its weekly spend:
/// a coefficient times a [`Hill`] saturation curve, `f(x) = β · hill(x)`.
///
/// | part | meaning | range |
/// |---|---|---|
/// | `coefficient` (β) | weekly revenue at saturation, currency | ≥ 0, finite |
/// | `half_saturation` (K, of the [`Hill`]) | weekly spend giving half of β, currency | > 0, finite |
/// | `shape` (s, of the [`Hill`]) | Hill exponent: ≤ 1 concave, > 1 S-shaped | > 0, finite |
///
/// # Finite numbers
///
/// [`value`](Self::value) is finite and in `[0, β]` for every spend. [`marginal`](Self::marginal)
/// is finite for every spend except exactly `0` with `s < 1` and `β > 0`, where the curve
/// starts vertically and `f'(0) = +∞`; the optimiser relies on that limit (such a channel is
/// always worth its first dollar). Code that shows a marginal return must treat `+∞` as "no
/// finite value" (the app shows "—").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HillResponse {
    coefficient: f64,
    #[serde(flatten)]
    saturation: Hill,
}

impl HillResponse {
    /// Validates and builds the curve `β · x^s / (x^s + K^s)`.
    ///
    /// # Errors
    /// [`ResponseError::InvalidCoefficient`] for a negative or non-finite `β`;
    /// [`ResponseError::Saturation`] for an invalid `K` or `s`.
    pub fn new(coefficient: f64, half_saturation: f64, shape: f64) -> Result<Self, ResponseError> {
        check_coefficient(coefficient)?;
        Ok(Self {
            coefficient,
            saturation: Hill::new(half_saturation, shape)?,
        })
    }

    /// The curve `β · hill(x)` for an already validated saturation curve.
    ///
    /// # Errors
    /// [`ResponseError::InvalidCoefficient`] for a negative or non-finite `β`.
    pub fn with_saturation(coefficient: f64, saturation: Hill) -> Result<Self, ResponseError> {
        check_coefficient(coefficient)?;
        Ok(Self {
            coefficient,
            saturation,
        })
    }

    /// β, weekly revenue at saturation.
    pub fn coefficient(&self) -> f64 {
        self.coefficient
    }

    /// The saturation curve (K and s).
    pub fn saturation(&self) -> &Hill {
        &self.saturation
    }

    /// K, the half-saturation weekly spend.
    pub fn half_saturation(&self) -> f64 {
        self.saturation.half_saturation()
    }

    /// s, the Hill shape.
    pub fn shape(&self) -> f64 {
        self.saturation.shape()
    }

    /// `f(x) = β · hill(x) = β / (1 + (K/x)^s)`; `f(x) = 0` for `x ≤ 0`. Finite and in
    /// `[0, β]` for every `x` (see [`Hill`] for the numerical form).
    pub fn value(&self, spend: f64) -> f64 {
        self.coefficient * self.saturation.value(spend)
    }

    /// Marginal return `f'(x) = β · hill'(x) = β · s · t / (x · (1 + t)²)`, `t = (x/K)^s`,
    /// evaluated in the overflow-free form of [`Hill::derivative`].
    ///
    /// * `x > 0`: finite (capped at `f64::MAX` where the exact value is beyond `f64`, which
    ///   needs `s < 1` and a spend near `1e-300`);
    /// * `x ≤ 0`: the right-hand limit at zero, `+∞` for `s < 1`, `β/K` for `s = 1`, `0` for
    ///   `s > 1`;
    /// * `β = 0`: `0` everywhere (the curve is flat).
    pub fn marginal(&self, spend: f64) -> f64 {
        if self.coefficient == 0.0 {
            return 0.0;
        }
        let slope = self.coefficient * self.saturation.derivative(spend.max(0.0));
        if spend > 0.0 {
            slope.min(f64::MAX)
        } else {
            slope
        }
    }

    /// `(f(x), f'(x))` from one power `u = (K/x)^s`: the value exactly as
    /// [`HillResponse::value`] computes it (`β/(1 + u)`, bit for bit), the marginal return as
    /// `β · s · u / (x · (1 + u)²)`, which is [`HillResponse::marginal`]'s slope written in
    /// `u = 1/t` (`t/(1 + t)² = u/(1 + u)²`), to a few ulp. Where `u` leaves the range in which
    /// that form is safe (`x` near 0 or beyond `K·10^{±150/s}`), `x ≤ 0` or `β = 0`, the
    /// marginal is [`HillResponse::marginal`]'s. One `powf` where the two calls cost a `powf`,
    /// two `ln` and an `exp`: what a slider move pays per draw and channel.
    pub fn value_and_marginal(&self, spend: f64) -> (f64, f64) {
        if spend > 0.0 {
            let u = (self.half_saturation() / spend).powf(self.shape());
            let value = self.coefficient * (1.0 / (1.0 + u));
            if self.coefficient != 0.0 && (1e-150..=1e150).contains(&u) {
                let marginal =
                    self.coefficient * self.shape() * (u / (1.0 + u)) / (spend * (1.0 + u));
                if marginal.is_finite() {
                    return (value, marginal);
                }
            }
            return (value, self.marginal(spend));
        }
        (self.value(spend), self.marginal(spend))
    }

    /// The inflection spend `K · ((s − 1)/(s + 1))^(1/s)` for S-shaped curves (`s > 1`),
    /// `None` when the curve is concave everywhere (`s ≤ 1`).
    pub fn inflection(&self) -> Option<f64> {
        let (k, s) = (self.half_saturation(), self.shape());
        (s > 1.0).then(|| k * ((s - 1.0) / (s + 1.0)).powf(1.0 / s))
    }
}

fn check_coefficient(coefficient: f64) -> Result<(), ResponseError> {
    if coefficient.is_finite() && coefficient >= 0.0 {
        Ok(())
    } else {
        Err(ResponseError::InvalidCoefficient(coefficient))
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
        assert_eq!(
            HillResponse::new(1.0, 0.0, 1.0),
            Err(ResponseError::Saturation(
                TransformError::InvalidHalfSaturation(0.0)
            ))
        );
        assert!(matches!(
            HillResponse::new(1.0, 1.0, f64::NAN),
            Err(ResponseError::Saturation(TransformError::InvalidShape(_)))
        ));
        assert_eq!(
            HillResponse::new(1.0, -2.0, 1.0).unwrap_err().to_string(),
            "Hill half-saturation must be finite and > 0, got -2"
        );
        assert_eq!(
            HillResponse::with_saturation(f64::INFINITY, Hill::new(1.0, 1.0).unwrap()),
            Err(ResponseError::InvalidCoefficient(f64::INFINITY))
        );
    }

    #[test]
    fn serialises_as_three_flat_numbers() {
        let f = HillResponse::new(1000.0, 50.0, 2.5).unwrap();
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            json,
            r#"{"coefficient":1000.0,"half_saturation":50.0,"shape":2.5}"#
        );
        assert_eq!(serde_json::from_str::<HillResponse>(&json).unwrap(), f);
    }

    #[test]
    fn marginal_at_zero_is_the_right_hand_limit() {
        assert_eq!(
            HillResponse::new(10.0, 5.0, 0.5).unwrap().marginal(0.0),
            f64::INFINITY
        );
        assert_eq!(
            HillResponse::new(10.0, 5.0, 1.0).unwrap().marginal(0.0),
            2.0
        );
        assert_eq!(
            HillResponse::new(10.0, 5.0, 2.0).unwrap().marginal(0.0),
            0.0
        );
        // A flat curve has no slope anywhere, not 0·∞.
        assert_eq!(HillResponse::new(0.0, 5.0, 0.5).unwrap().marginal(0.0), 0.0);
    }

    proptest::prop_compose! {
        /// A curve of any scale (one in ten flat, `β = 0`) and a spend from the whole range:
        /// log-uniform from the smallest subnormal to 1e308, or an edge (0, 1e-300, the
        /// smallest subnormal, 1e300, `f64::MAX`, and −1 when `negative`).
        fn curve_and_spend(negative: bool)(
            log_beta in -2.0f64..9.0,
            zero_beta in proptest::bool::weighted(0.1),
            log_k in -3.0f64..9.0,
            s in 0.05f64..10.0,
            log_x in -323.0f64..308.0,
            special in 0usize..if negative { 7 } else { 6 },
        ) -> (HillResponse, f64) {
            let beta = if zero_beta { 0.0 } else { 10f64.powf(log_beta) };
            let f = HillResponse::new(beta, 10f64.powf(log_k), s).unwrap();
            let x = [10f64.powf(log_x), 0.0, 1e-300, f64::from_bits(1), 1e300, f64::MAX, -1.0][special];
            (f, x)
        }
    }

    proptest::proptest! {
        /// Over the whole spend range (0, the smallest subnormal, 1e-300, …, f64::MAX) the
        /// value is finite and within [0, β], and the marginal return is finite and ≥ 0 except
        /// at exactly 0 with s < 1, where it is +∞ (never NaN).
        #[test]
        fn value_and_marginal_are_finite_over_the_whole_range((f, x) in curve_and_spend(false)) {
            let (beta, s) = (f.coefficient(), f.shape());
            let v = f.value(x);
            proptest::prop_assert!(v.is_finite() && (0.0..=beta).contains(&v), "f({x}) = {v}");
            let m = f.marginal(x);
            if x == 0.0 && s < 1.0 && beta > 0.0 {
                proptest::prop_assert_eq!(m, f64::INFINITY);
            } else {
                proptest::prop_assert!(m.is_finite() && m >= 0.0, "f'({x}) = {m}");
            }
        }

        /// The fused pair is the two calls: the value bit for bit, the marginal to 1e-13
        /// relative, over the whole spend range and at a negative spend. Where the slope
        /// `hill'(x)` is subnormal (a huge spend on a flat curve: `s = 0.05`, `K = 6e6`,
        /// `x = 1e300` gives 1e-316), `marginal` rounds it to the subnormal grid before
        /// multiplying by `β`, an absolute error up to `β · 2^-1075`, and each form's
        /// subnormal result is rounded once more (`2^-1075` each); the fused form multiplies
        /// first and is the more exact one there. So `(β + 2) · 2^-1074` is allowed too.
        #[test]
        fn value_and_marginal_is_the_two_calls((f, x) in curve_and_spend(true)) {
            let (v, m) = f.value_and_marginal(x);
            proptest::prop_assert_eq!(v.to_bits(), f.value(x).to_bits(), "f({})", x);
            let expected = f.marginal(x);
            if expected.is_finite() {
                let subnormal_rounding = (f.coefficient() + 2.0) * f64::from_bits(1);
                proptest::prop_assert!(
                    (m - expected).abs() <= 1e-13 * expected.abs() + subnormal_rounding,
                    "f'({}) = {:e}, fused {:e}", x, expected, m
                );
            } else {
                proptest::prop_assert_eq!(m, expected);
            }
        }
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
