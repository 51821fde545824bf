//! The carryover the posterior samples ([`SampledCarryover`]) and, for the Weibull forms,
//! the normalised lag weights with their derivatives in the sampled coordinates
//! ([`WeibullWeights`]).
//!
//! The posterior samples the carryover form of the fitted model: the geometric decay `θ_c`
//! (as `logit θ_c`), or a Weibull kernel's shape `k_c` and scale `λ_c` (weeks, as `ln k_c`,
//! `ln λ_c`) over the fitted model's window `L`. The weights are those of
//! [`crate::transform::WeibullAdstock`], normalised:
//!
//! ```text
//! CDF:  ln w_l = −u_l,                              u_l = (l/λ)^k,      l = 0 … L−1
//! PDF:  ln w_l = ln k − ln λ + (k − 1) r_l − u_l,   u_l = e^{k r_l},    r_l = ln((l+1)/λ)
//! W_l  = w_l / Σ_j w_j
//! ```
//!
//! (for the CDF `r_l = ln(l/λ)` and `u_0 = 0`: `w_0 = 1`). With `D_l = ∂ln w_l/∂φ`, the
//! normalised weights' derivatives are `∂W_l/∂φ = W_l (D_l − Σ_j W_j D_j)`, where
//!
//! ```text
//! CDF:  ∂ln w_l/∂ln k = −k r_l u_l            ∂ln w_l/∂ln λ = k u_l          (both 0 at l = 0)
//! PDF:  ∂ln w_l/∂ln k = 1 + k r_l (1 − u_l)   ∂ln w_l/∂ln λ = k (u_l − 1)
//! ```
//!
//! The weights are computed from `ln w_l − max_j ln w_j`, so they never all underflow: any
//! finite `(k, λ)` gives a kernel (a weight that underflows to 0 has derivative 0).

use crate::model::FittedModel;
use crate::transform::{CarryoverForm, WeibullForm};

/// How the posterior models every channel's carryover: the fitted model's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampledCarryover {
    /// Normalised geometric adstock; one sampled coordinate per channel, `logit θ_c`.
    Geometric,
    /// A normalised Weibull kernel over `window` weeks; two sampled coordinates per channel,
    /// `ln k_c` and `ln λ_c`.
    Weibull {
        /// Survival (CDF) or density (PDF) weights.
        form: WeibullForm,
        /// The window `L`, weeks (the fitted model's).
        window: usize,
    },
}

impl SampledCarryover {
    /// The carryover of `fitted`: geometric, or the Weibull form and window every channel
    /// shares; `None` when the channels disagree (no fit produces that).
    pub fn of(fitted: &FittedModel) -> Option<Self> {
        let mut kinds = fitted.channels().iter().map(|c| match c.weibull {
            None => Self::Geometric,
            Some(w) => Self::Weibull {
                form: w.form,
                window: w.window,
            },
        });
        let first = kinds.next().unwrap_or(Self::Geometric);
        kinds.all(|k| k == first).then_some(first)
    }

    /// Sampled carryover coordinates per channel: 1 (geometric) or 2 (Weibull).
    pub fn parameters(self) -> usize {
        match self {
            Self::Geometric => 1,
            Self::Weibull { .. } => 2,
        }
    }

    /// The carryover form.
    pub fn form(self) -> CarryoverForm {
        match self {
            Self::Geometric => CarryoverForm::Geometric,
            Self::Weibull {
                form: WeibullForm::Cdf,
                ..
            } => CarryoverForm::WeibullCdf,
            Self::Weibull {
                form: WeibullForm::Pdf,
                ..
            } => CarryoverForm::WeibullPdf,
        }
    }
}

/// A Weibull kernel's normalised weights `W_l` and their derivatives `∂W_l/∂ln k`,
/// `∂W_l/∂ln λ` (see the [module docs](self)), reused between evaluations.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WeibullWeights {
    /// `W_0 … W_{L−1}`, summing to one.
    pub weights: Vec<f64>,
    /// `∂W_l/∂ln k`.
    pub d_log_shape: Vec<f64>,
    /// `∂W_l/∂ln λ`.
    pub d_log_scale: Vec<f64>,
}

impl WeibullWeights {
    /// Buffers for a window of `window` weeks.
    pub fn new(window: usize) -> Self {
        Self {
            weights: vec![0.0; window],
            d_log_shape: vec![0.0; window],
            d_log_scale: vec![0.0; window],
        }
    }

    /// Fills the weights and their derivatives for shape `k = e^{log_shape}` and scale
    /// `λ = e^{log_scale}`.
    pub fn compute(&mut self, form: WeibullForm, log_shape: f64, log_scale: f64) {
        let k = log_shape.exp();
        let mut max_log = f64::NEG_INFINITY;
        for l in 0..self.weights.len() {
            let (log_w, d_k, d_l) = match form {
                WeibullForm::Cdf if l == 0 => (0.0, 0.0, 0.0),
                WeibullForm::Cdf => {
                    let r = (l as f64).ln() - log_scale;
                    let u = (k * r).exp();
                    (-u, -k * r * u, k * u)
                }
                WeibullForm::Pdf => {
                    let r = ((l + 1) as f64).ln() - log_scale;
                    let u = (k * r).exp();
                    (
                        log_shape - log_scale + (k - 1.0) * r - u,
                        1.0 + k * r * (1.0 - u),
                        k * (u - 1.0),
                    )
                }
            };
            self.weights[l] = log_w;
            self.d_log_shape[l] = d_k;
            self.d_log_scale[l] = d_l;
            max_log = max_log.max(log_w);
        }
        let mut total = 0.0;
        for w in &mut self.weights {
            *w = (*w - max_log).exp();
            total += *w;
        }
        let (mut mean_k, mut mean_l) = (0.0, 0.0);
        for l in 0..self.weights.len() {
            self.weights[l] /= total;
            let w = self.weights[l];
            if w > 0.0 {
                mean_k += w * self.d_log_shape[l];
                mean_l += w * self.d_log_scale[l];
            }
        }
        for l in 0..self.weights.len() {
            let w = self.weights[l];
            if w > 0.0 {
                self.d_log_shape[l] = w * (self.d_log_shape[l] - mean_k);
                self.d_log_scale[l] = w * (self.d_log_scale[l] - mean_l);
            } else {
                self.d_log_shape[l] = 0.0;
                self.d_log_scale[l] = 0.0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::WeibullAdstock;

    #[test]
    fn weights_match_the_transform_and_their_derivatives_the_differences() {
        for form in [WeibullForm::Cdf, WeibullForm::Pdf] {
            for (k, scale) in [(0.7, 1.3), (1.0, 2.0), (2.5, 4.2), (4.0, 0.6)] {
                let mut w = WeibullWeights::new(13);
                w.compute(form, f64::ln(k), f64::ln(scale));
                let kernel = WeibullAdstock::new(k, scale, 13, form).unwrap();
                for (a, b) in w.weights.iter().zip(kernel.weights()) {
                    assert!((a - b).abs() < 1e-12, "{form:?} {k} {scale}: {a} vs {b}");
                }
                let h = 1e-6;
                let at = |dk: f64, dl: f64| {
                    let mut v = WeibullWeights::new(13);
                    v.compute(form, f64::ln(k) + dk, f64::ln(scale) + dl);
                    v.weights
                };
                let (kp, km) = (at(h, 0.0), at(-h, 0.0));
                let (lp, lm) = (at(0.0, h), at(0.0, -h));
                for l in 0..13 {
                    let numeric_k = (kp[l] - km[l]) / (2.0 * h);
                    let numeric_l = (lp[l] - lm[l]) / (2.0 * h);
                    assert!(
                        (w.d_log_shape[l] - numeric_k).abs() < 1e-7,
                        "{form:?} k lag {l}"
                    );
                    assert!(
                        (w.d_log_scale[l] - numeric_l).abs() < 1e-7,
                        "{form:?} λ lag {l}"
                    );
                }
            }
        }
    }

    #[test]
    fn extreme_parameters_still_give_a_normalised_kernel() {
        for form in [WeibullForm::Cdf, WeibullForm::Pdf] {
            for (log_k, log_l) in [(4.0, -6.0), (-5.0, 5.0), (3.0, 3.0), (-3.0, -3.0)] {
                let mut w = WeibullWeights::new(13);
                w.compute(form, log_k, log_l);
                assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
                assert!(
                    w.d_log_shape
                        .iter()
                        .chain(&w.d_log_scale)
                        .all(|d| d.is_finite())
                );
            }
        }
    }
}
