//! Carryover transforms. All kernels are normalised: their lag weights sum to one.

use super::error::{TransformError, check_finite};
use serde::{Deserialize, Serialize};

/// Geometric (exponential-decay) adstock, **normalised**:
///
/// ```text
/// a_t = θ · a_{t−1} + (1 − θ) · x_t,   a_{−1} = 0,   i.e.   a_t = Σ_{l=0}^{t} (1 − θ) θ^l x_{t−l}
/// ```
///
/// | parameter | meaning | range |
/// |---|---|---|
/// | `decay` (θ) | share of last week's adstock carried into this week | `0 ≤ θ < 1` |
///
/// The weights `(1 − θ) θ^l` sum to one, so a sustained weekly spend `x` has steady-state
/// adstock `x`; the mean lag is `θ / (1 − θ)` weeks and the half-life `ln 0.5 / ln θ`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeometricAdstock {
    decay: f64,
}

impl GeometricAdstock {
    /// Validates `θ` (finite, `0 ≤ θ < 1`).
    ///
    /// # Errors
    /// [`TransformError::InvalidDecay`] otherwise.
    pub fn new(decay: f64) -> Result<Self, TransformError> {
        if decay.is_finite() && (0.0..1.0).contains(&decay) {
            Ok(Self { decay })
        } else {
            Err(TransformError::InvalidDecay(decay))
        }
    }

    /// θ.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// Half-life in weeks, `ln 0.5 / ln θ` (`0` for `θ = 0`).
    pub fn half_life(&self) -> f64 {
        if self.decay == 0.0 {
            0.0
        } else {
            0.5f64.ln() / self.decay.ln()
        }
    }

    /// Applies the recursion to a series.
    ///
    /// # Errors
    /// [`TransformError::NonFiniteInput`] if any value is NaN or infinite.
    pub fn apply(&self, x: &[f64]) -> Result<Vec<f64>, TransformError> {
        check_finite(x)?;
        let mut out = vec![0.0; x.len()];
        geometric_into(self.decay, x, &mut out);
        Ok(out)
    }
}

/// `out_t = θ·out_{t−1} + (1 − θ)·x_t` without checks (`x`, `out` of equal length).
pub(crate) fn geometric_into(decay: f64, x: &[f64], out: &mut [f64]) {
    let mut a = 0.0;
    let w = 1.0 - decay;
    for (o, &v) in out.iter_mut().zip(x) {
        a = decay * a + w * v;
        *o = a;
    }
}

/// Which Weibull function shapes the lag weights of a [`WeibullAdstock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WeibullForm {
    /// Survival (1 − CDF) weights, `w_l = exp(−(l/λ)^k)`: the largest weight is at lag 0 and
    /// the decay rate varies over time (Robyn's `weibull_cdf`).
    Cdf,
    /// Density weights, `w_l = (k/λ)·((l+1)/λ)^{k−1}·exp(−((l+1)/λ)^k)`: for `k > 1` the
    /// effect peaks after a delay (Robyn's `weibull_pdf`).
    Pdf,
}

/// Weibull adstock over a finite window of `L` lags, normalised:
///
/// ```text
/// a_t = Σ_{l=0}^{min(t, L−1)} W_l · x_{t−l},    W_l = w_l / Σ_{j<L} w_j
/// ```
///
/// with `w_l` from [`WeibullForm`].
///
/// | parameter | meaning | range |
/// |---|---|---|
/// | `shape` (k) | Weibull shape | `> 0` |
/// | `scale` (λ) | Weibull scale, weeks | `> 0` |
/// | `max_lag` (L) | number of lags kept, weeks | `≥ 1` |
/// | `form` | [`WeibullForm::Cdf`] or [`WeibullForm::Pdf`] | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeibullAdstock {
    shape: f64,
    scale: f64,
    form: WeibullForm,
    weights: Vec<f64>,
}

impl WeibullAdstock {
    /// Validates the parameters and computes the normalised weights.
    ///
    /// # Errors
    /// [`TransformError::InvalidWeibullShape`], [`TransformError::InvalidWeibullScale`],
    /// [`TransformError::InvalidMaxLag`], or [`TransformError::DegenerateWeights`] when every
    /// weight underflows to zero.
    pub fn new(
        shape: f64,
        scale: f64,
        max_lag: usize,
        form: WeibullForm,
    ) -> Result<Self, TransformError> {
        if !(shape.is_finite() && shape > 0.0) {
            return Err(TransformError::InvalidWeibullShape(shape));
        }
        if !(scale.is_finite() && scale > 0.0) {
            return Err(TransformError::InvalidWeibullScale(scale));
        }
        if max_lag == 0 {
            return Err(TransformError::InvalidMaxLag(max_lag));
        }
        let mut weights: Vec<f64> = (0..max_lag)
            .map(|l| match form {
                WeibullForm::Cdf => (-(l as f64 / scale).powf(shape)).exp(),
                WeibullForm::Pdf => {
                    let z = (l as f64 + 1.0) / scale;
                    (shape / scale) * z.powf(shape - 1.0) * (-z.powf(shape)).exp()
                }
            })
            .collect();
        let total: f64 = weights.iter().sum();
        if !(total.is_finite() && total > 0.0) {
            return Err(TransformError::DegenerateWeights { shape, scale });
        }
        weights.iter_mut().for_each(|w| *w /= total);
        Ok(Self {
            shape,
            scale,
            form,
            weights,
        })
    }

    /// k.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// λ, weeks.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The form of the weights.
    pub fn form(&self) -> WeibullForm {
        self.form
    }

    /// The normalised lag weights `W_0 … W_{L−1}` (they sum to one).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The mean lag of the kernel, weeks: `Σ_l l·W_l` (the weights sum to one), the
    /// average delay between a week's spend and its effect. For comparison, normalised
    /// geometric adstock `W_l = (1 − θ)·θ^l` has mean lag `θ / (1 − θ)`.
    pub fn mean_lag(&self) -> f64 {
        self.weights
            .iter()
            .enumerate()
            .map(|(l, w)| l as f64 * w)
            .sum()
    }

    /// Applies the finite convolution to a series.
    ///
    /// # Errors
    /// [`TransformError::NonFiniteInput`] if any value is NaN or infinite.
    pub fn apply(&self, x: &[f64]) -> Result<Vec<f64>, TransformError> {
        check_finite(x)?;
        Ok((0..x.len())
            .map(|t| {
                self.weights
                    .iter()
                    .take(t + 1)
                    .enumerate()
                    .map(|(l, w)| w * x[t - l])
                    .sum()
            })
            .collect())
    }
}

/// Any normalised adstock kernel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Adstock {
    /// [`GeometricAdstock`], the kernel the model fits.
    Geometric(GeometricAdstock),
    /// [`WeibullAdstock`], either form.
    Weibull(WeibullAdstock),
}

impl Adstock {
    /// Applies the kernel to a series.
    ///
    /// # Errors
    /// [`TransformError::NonFiniteInput`] if any value is NaN or infinite.
    pub fn apply(&self, x: &[f64]) -> Result<Vec<f64>, TransformError> {
        match self {
            Adstock::Geometric(g) => g.apply(x),
            Adstock::Weibull(w) => w.apply(x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weibull_mean_lag_is_the_weighted_mean_of_the_lags() {
        // k = 1 (CDF): W_l ∝ exp(−l/λ), a geometric kernel with θ = exp(−1/λ) truncated at
        // L; with a long window its mean lag is θ / (1 − θ).
        let kernel = WeibullAdstock::new(1.0, 2.0, 52, WeibullForm::Cdf).unwrap();
        let theta = (-0.5f64).exp();
        assert!((kernel.mean_lag() - theta / (1.0 - theta)).abs() < 1e-9);
        // One lag: every effect in the week of the spend.
        let now = WeibullAdstock::new(2.0, 1.0, 1, WeibullForm::Pdf).unwrap();
        assert_eq!(now.mean_lag(), 0.0);
        // Hand-computed: weights (1, e^{-1}) / (1 + e^{-1}) over lags 0, 1.
        let two = WeibullAdstock::new(1.0, 1.0, 2, WeibullForm::Cdf).unwrap();
        let e = (-1.0f64).exp();
        assert!((two.mean_lag() - e / (1.0 + e)).abs() < 1e-15);
    }

    #[test]
    fn geometric_rejects_bad_decay() {
        for bad in [-0.1, 1.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                GeometricAdstock::new(bad),
                Err(TransformError::InvalidDecay(_))
            ));
        }
        assert!(GeometricAdstock::new(0.0).is_ok());
        assert!(GeometricAdstock::new(0.99).is_ok());
    }

    #[test]
    fn geometric_matches_explicit_weights_and_reaches_steady_state() {
        let g = GeometricAdstock::new(0.6).unwrap();
        let x = [3.0, 0.0, 5.0, 1.0, 0.0, 2.0];
        let a = g.apply(&x).unwrap();
        for t in 0..x.len() {
            let direct: f64 = (0..=t)
                .map(|l| 0.4 * 0.6f64.powi(l as i32) * x[t - l])
                .sum();
            assert!((a[t] - direct).abs() < 1e-12);
        }
        let constant = g.apply(&[7.0; 200]).unwrap();
        assert!((constant[199] - 7.0).abs() < 1e-9);
        assert!((g.half_life() - 0.5f64.ln() / 0.6f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn geometric_zero_decay_is_identity() {
        let x = [1.0, 4.0, 0.0, 2.5];
        assert_eq!(GeometricAdstock::new(0.0).unwrap().apply(&x).unwrap(), x);
    }

    #[test]
    fn rejects_non_finite_input() {
        let g = GeometricAdstock::new(0.5).unwrap();
        assert!(matches!(
            g.apply(&[1.0, f64::NAN]),
            Err(TransformError::NonFiniteInput { index: 1, .. })
        ));
        let w = WeibullAdstock::new(1.0, 2.0, 3, WeibullForm::Cdf).unwrap();
        assert!(matches!(
            w.apply(&[f64::INFINITY]),
            Err(TransformError::NonFiniteInput { index: 0, .. })
        ));
    }

    #[test]
    fn weibull_weights_are_normalised_and_validated() {
        for form in [WeibullForm::Cdf, WeibullForm::Pdf] {
            let w = WeibullAdstock::new(1.5, 3.0, 12, form).unwrap();
            assert!((w.weights().iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert!(w.weights().iter().all(|&v| v >= 0.0));
            let steady = w.apply(&[10.0; 40]).unwrap();
            assert!((steady[39] - 10.0).abs() < 1e-9);
        }
        assert!(matches!(
            WeibullAdstock::new(0.0, 1.0, 4, WeibullForm::Cdf),
            Err(TransformError::InvalidWeibullShape(_))
        ));
        assert!(matches!(
            WeibullAdstock::new(1.0, f64::NAN, 4, WeibullForm::Pdf),
            Err(TransformError::InvalidWeibullScale(_))
        ));
        assert!(matches!(
            WeibullAdstock::new(1.0, 1.0, 0, WeibullForm::Pdf),
            Err(TransformError::InvalidMaxLag(0))
        ));
        assert!(matches!(
            WeibullAdstock::new(50.0, 1e-3, 3, WeibullForm::Pdf),
            Err(TransformError::DegenerateWeights { .. })
        ));
    }

    #[test]
    fn weibull_cdf_weights_decrease_and_pdf_can_peak_late() {
        let cdf = WeibullAdstock::new(2.0, 4.0, 10, WeibullForm::Cdf).unwrap();
        assert!(cdf.weights().windows(2).all(|w| w[0] >= w[1]));
        let pdf = WeibullAdstock::new(3.0, 4.0, 10, WeibullForm::Pdf).unwrap();
        let peak = pdf
            .weights()
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(l, _)| l)
            .unwrap();
        assert!(peak >= 2, "pdf peak at lag {peak}");
    }
}
