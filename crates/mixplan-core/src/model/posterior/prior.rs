//! The priors of the posterior model: unchecked ([`PriorParams`]) and validated ([`Priors`]),
//! and their log-densities on the unconstrained scale, Jacobians included.
//!
//! All priors are stated in the model's units (see [`crate::model::design`]): the target
//! divided by `y_scale = mean|y|` over the training weeks, channel `c`'s spend divided by
//! its mean weekly training spend `m_c`.
//!
//! | parameter | unconstrained | prior | default |
//! |---|---|---|---|
//! | intercept `b₀` | `b₀` | `Normal(mean ỹ, τ_b²)` | `τ_b = 1` (one mean revenue level) |
//! | trend, Fourier, control coefficients `b_j` | `b_j` | `Normal(0, τ_b²)` | `τ_b = 1` |
//! | adstock decay `θ_c` (geometric carryover) | `logit θ_c` | `Beta(α, β)` | `α = 1.5, β = 3` (mean 0.33, sd 0.2) |
//! | Weibull shape `k^W_c` (Weibull carryover) | `ln k^W_c` | `LogNormal(ln k^W₀, σ_W²)` | `k^W₀ = 1, σ_W = 0.7` (90 % between 0.32 and 3.2; 1 is a geometric-like decay) |
//! | Weibull scale `λ_c`, weeks (Weibull carryover) | `ln λ_c` | `LogNormal(ln λ₀, σ_λ²)` | `λ₀ = 1.5, σ_λ = 1` (90 % between 0.29 and 7.7 weeks; with `k^W = 1` the CDF form is geometric with `θ = e^{−1/λ}`, so `λ₀` ≈ the decay prior's `θ` ≈ 0.5) |
//! | half-saturation `k_c = K_c/m_c` | `ln k_c` | `LogNormal(ln k₀, σ_k²)` | `k₀ = 1, σ_k = 0.5` (90 % between 0.44 and 2.3 × the mean weekly spend; the upper end is that of Meridian's default `TruncatedNormal(0.8, 0.8; 0.1, 10)`, 2.2) |
//! | Hill shape `s_c` | `ln s_c` | `LogNormal(ln s₀, σ_s²)` | `s₀ = 1.3, σ_s = 0.3` (geometric centre of the grid 0.6 … 3; 99 % between 0.6 and 2.8, about Robyn's bounds 0.5 … 3 for the Hill shape; until December 1 `σ_s = 0.5`, which let the real Conjura posterior split into two modes) |
//! | ROI `ρ_c` | `ln ρ_c` | `LogNormal(ln ρ₀, σ_ρ²)`, settable per channel | `ρ₀ = e^0.2 ≈ 1.22, σ_ρ = 0.9` (Meridian's default; 90 % between 0.28 and 5.4) |
//! | noise `σ` | `ln σ` | `HalfNormal(τ_σ²)`, `τ_σ = c_σ · sd(ỹ)` | `c_σ = 1` |
//!
//! **Pooling** (a hierarchical prior; off by default): [`PriorParams::pool_roi`] replaces the
//! channels' independent ROI priors by `ln ρ_c ~ Normal(μ_ρ, τ_ρ²)`, with `μ_ρ` under the ROI
//! prior above and `τ_ρ` under its own `LogNormal` (two more unconstrained coordinates,
//! `μ_ρ` and `ln τ_ρ`, after `ln σ`); [`PriorParams::pool_shape`] does the same for the Hill
//! shapes. A channel with its own ROI prior stays outside the pool. Measured and not
//! adopted (`docs/posterior.md`, "Pooling the channels").
//!
//! The channel coefficient is not sampled: it follows from the ROI (Meridian's
//! parameterisation), `β̃_c = ρ_c · S̃_c / Σ_t h_{c,t}` with `S̃_c = Σ_t x_{c,t} / y_scale`, so
//! that `Σ_t β̃_c h_{c,t} · y_scale / Σ_t x_{c,t} = ρ_c` exactly (the ROI over all weeks, as
//! [`crate::model::FittedChannel::roi`] defines it).
//!
//! Log-densities on the unconstrained scale, up to constants (`u` the unconstrained value):
//!
//! ```text
//! Normal(m, τ²) on u:            −(u − m)² / (2τ²)
//! Beta(α, β) on θ = logistic(u): α ln θ + β ln(1 − θ)            (includes dθ/du = θ(1 − θ))
//! HalfNormal(τ²) on σ = exp(u):  −σ² / (2τ²) + u                 (includes dσ/du = σ)
//! ```

use super::error::PosteriorError;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};
use std::collections::BTreeMap;

/// A lognormal prior: `ln X ~ Normal(ln median, sd_log²)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LogNormalPrior {
    /// Median of `X` (`> 0`).
    pub median: f64,
    /// Standard deviation of `ln X` (`> 0`).
    pub sd_log: f64,
}

impl LogNormalPrior {
    /// `LogNormal(ln median, sd_log²)`, unchecked.
    pub const fn new(median: f64, sd_log: f64) -> Self {
        Self { median, sd_log }
    }

    /// The lognormal whose central `level` interval is `[low, high]` (a business prior
    /// stated as "90 % sure the ROI is between 2 and 8"):
    ///
    /// ```text
    /// median = √(low · high)      sd_log = ln(high / low) / (2 z),   z = Φ⁻¹((1 + level)/2)
    /// ```
    ///
    /// # Errors
    /// [`PosteriorError::InvalidPrior`] unless `0 < low < high` (finite) and
    /// `0 < level < 1`.
    pub fn from_interval(low: f64, high: f64, level: f64) -> Result<Self, PosteriorError> {
        positive("interval.low", low)?;
        if !(high.is_finite() && high > low) {
            return Err(PosteriorError::InvalidPrior {
                name: "interval.high".into(),
                expected: "finite and above the interval's low end",
                value: high,
            });
        }
        if !(level > 0.0 && level < 1.0) {
            return Err(PosteriorError::InvalidPrior {
                name: "interval.level".into(),
                expected: "between 0 and 1",
                value: level,
            });
        }
        let z = central_z(level);
        Ok(Self::new(
            (low * high).sqrt(),
            (high / low).ln() / (2.0 * z),
        ))
    }

    /// The central `level` interval `[median · e^{−z·sd_log}, median · e^{z·sd_log}]`,
    /// `z = Φ⁻¹((1 + level)/2)`: the inverse of [`LogNormalPrior::from_interval`], for
    /// saying a prior in words. `level` must be in `(0, 1)`.
    pub fn central_interval(&self, level: f64) -> (f64, f64) {
        let half_width = central_z(level) * self.sd_log;
        (
            self.median * (-half_width).exp(),
            self.median * half_width.exp(),
        )
    }

    fn check(&self, name: &str) -> Result<(), PosteriorError> {
        positive(&format!("{name}.median"), self.median)?;
        positive(&format!("{name}.sd_log"), self.sd_log)
    }

    /// `(−(u − ln median)²/(2 sd_log²), its derivative in u)` for `u = ln X`.
    pub(crate) fn log_density(&self, log_value: f64) -> (f64, f64) {
        normal_log_density(log_value, self.median.ln(), self.sd_log)
    }
}

/// A business belief about one channel's ROI, stated as a 90 % interval ("90 % sure
/// email's ROI is between 2 and 8"): it becomes that channel's ROI prior,
/// [`LogNormalPrior::from_interval`]`(low, high, 0.9)` ([`PriorParams::roi_beliefs`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoiBelief {
    /// The channel's name, as in the data.
    pub channel: String,
    /// The interval's low end (the prior's 5 % quantile), `> 0`.
    pub low: f64,
    /// The interval's high end (the prior's 95 % quantile), `> low`.
    pub high: f64,
}

/// The level of an [`RoiBelief`]'s interval.
pub const ROI_BELIEF_LEVEL: f64 = 0.9;

impl RoiBelief {
    /// `channel`'s ROI is between `low` and `high` with 90 % probability (unchecked).
    pub fn new(channel: impl Into<String>, low: f64, high: f64) -> Self {
        Self {
            channel: channel.into(),
            low,
            high,
        }
    }

    /// The prior this belief states.
    ///
    /// # Errors
    /// [`PosteriorError::InvalidPrior`] unless `0 < low < high`, both finite.
    pub fn prior(&self) -> Result<LogNormalPrior, PosteriorError> {
        LogNormalPrior::from_interval(self.low, self.high, ROI_BELIEF_LEVEL)
    }
}

/// A beta prior `Beta(alpha, beta)` on a value in `(0, 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BetaPrior {
    /// First shape `α > 0`.
    pub alpha: f64,
    /// Second shape `β > 0`.
    pub beta: f64,
}

impl BetaPrior {
    /// `Beta(alpha, beta)`, unchecked.
    pub const fn new(alpha: f64, beta: f64) -> Self {
        Self { alpha, beta }
    }

    /// `(α ln θ + β ln(1 − θ), α(1 − θ) − βθ)` for `θ = logistic(u)`: the beta log-density
    /// plus the log-Jacobian `ln θ(1 − θ)`, and its derivative in `u`.
    pub(crate) fn log_density_logit(&self, logit: f64) -> (f64, f64) {
        let theta = logistic(logit);
        let log_theta = -softplus(-logit);
        let log_one_minus = -softplus(logit);
        (
            self.alpha * log_theta + self.beta * log_one_minus,
            self.alpha * (1.0 - theta) - self.beta * theta,
        )
    }
}

/// Unchecked prior settings; a builder. [`PriorParams::check`] validates them into
/// [`Priors`]. The table in the [module docs](self) gives every prior and its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorParams {
    roi: LogNormalPrior,
    channel_roi: BTreeMap<String, LogNormalPrior>,
    decay: BetaPrior,
    #[serde(default = "default_weibull_shape")]
    weibull_shape: LogNormalPrior,
    #[serde(default = "default_weibull_scale")]
    weibull_scale: LogNormalPrior,
    half_saturation: LogNormalPrior,
    shape: LogNormalPrior,
    baseline_sd: f64,
    noise_scale: f64,
    #[serde(default)]
    roi_pooling: Option<LogNormalPrior>,
    #[serde(default)]
    shape_pooling: Option<LogNormalPrior>,
}

/// Median of the default ROI prior, `e^0.2` (Meridian's `LogNormal(0.2, 0.9)`).
pub const DEFAULT_ROI_MEDIAN: f64 = 1.221_402_758_160_17;

/// Default prior of the Weibull shape `k^W` (see the [module docs](self)).
fn default_weibull_shape() -> LogNormalPrior {
    LogNormalPrior::new(1.0, 0.7)
}

/// Default prior of the Weibull scale `λ`, weeks (see the [module docs](self)).
fn default_weibull_scale() -> LogNormalPrior {
    LogNormalPrior::new(1.5, 1.0)
}

impl Default for PriorParams {
    fn default() -> Self {
        Self {
            roi: LogNormalPrior::new(DEFAULT_ROI_MEDIAN, 0.9),
            channel_roi: BTreeMap::new(),
            decay: BetaPrior::new(1.5, 3.0),
            weibull_shape: default_weibull_shape(),
            weibull_scale: default_weibull_scale(),
            half_saturation: LogNormalPrior::new(1.0, 0.5),
            shape: LogNormalPrior::new(1.3, 0.3),
            baseline_sd: 1.0,
            noise_scale: 1.0,
            roi_pooling: None,
            shape_pooling: None,
        }
    }
}

impl PriorParams {
    /// The defaults of the [module docs](self).
    pub fn new() -> Self {
        Self::default()
    }

    /// ROI prior of every channel without its own ([`PriorParams::channel_roi`]).
    pub fn roi(mut self, prior: LogNormalPrior) -> Self {
        self.roi = prior;
        self
    }

    /// ROI prior of the channel called `channel` (a business prior, e.g. from a lift test).
    pub fn channel_roi(mut self, channel: impl Into<String>, prior: LogNormalPrior) -> Self {
        self.channel_roi.insert(channel.into(), prior);
        self
    }

    /// Each belief's channel gets the ROI prior the belief states ([`RoiBelief::prior`]),
    /// replacing any given before for that channel.
    ///
    /// # Errors
    /// [`PosteriorError::InvalidPrior`] for a belief whose interval is not `0 < low < high`.
    pub fn roi_beliefs(mut self, beliefs: &[RoiBelief]) -> Result<Self, PosteriorError> {
        for belief in beliefs {
            self = self.channel_roi(belief.channel.clone(), belief.prior()?);
        }
        Ok(self)
    }

    /// Prior of every channel's adstock decay `θ`.
    pub fn decay(mut self, prior: BetaPrior) -> Self {
        self.decay = prior;
        self
    }

    /// Prior of every channel's Weibull shape `k^W` (Weibull carryover only).
    pub fn weibull_shape(mut self, prior: LogNormalPrior) -> Self {
        self.weibull_shape = prior;
        self
    }

    /// Prior of every channel's Weibull scale `λ`, weeks (Weibull carryover only).
    pub fn weibull_scale(mut self, prior: LogNormalPrior) -> Self {
        self.weibull_scale = prior;
        self
    }

    /// Prior of every channel's half-saturation as a multiple of its mean weekly spend.
    pub fn half_saturation(mut self, prior: LogNormalPrior) -> Self {
        self.half_saturation = prior;
        self
    }

    /// Prior of every channel's Hill shape `s`.
    pub fn shape(mut self, prior: LogNormalPrior) -> Self {
        self.shape = prior;
        self
    }

    /// Standard deviation `τ_b` of the linear baseline coefficients, in units of the mean
    /// target (`> 0`).
    pub fn baseline_sd(mut self, sd: f64) -> Self {
        self.baseline_sd = sd;
        self
    }

    /// Scale `c_σ` of the half-normal noise prior as a multiple of the scaled target's
    /// standard deviation (`> 0`).
    pub fn noise_scale(mut self, scale: f64) -> Self {
        self.noise_scale = scale;
        self
    }

    /// Pools the channels' ROIs (a hierarchical prior): `ln ρ_c ~ Normal(μ_ρ, τ_ρ²)` for every
    /// channel without its own ROI prior ([`PriorParams::channel_roi`]), with the common
    /// location `μ_ρ ~ Normal(ln ρ₀, σ_ρ²)` (the [`PriorParams::roi`] prior moves from the
    /// channels to their location) and the spread `τ_ρ ~ spread` (`LogNormal`). `None`: each
    /// channel has its own prior, independently (the default).
    pub fn pool_roi(mut self, spread: Option<LogNormalPrior>) -> Self {
        self.roi_pooling = spread;
        self
    }

    /// Pools the channels' Hill shapes the same way: `ln s_c ~ Normal(μ_s, τ_s²)`,
    /// `μ_s ~ Normal(ln s₀, σ_s²)` (the [`PriorParams::shape`] prior), `τ_s ~ spread`.
    pub fn pool_shape(mut self, spread: Option<LogNormalPrior>) -> Self {
        self.shape_pooling = spread;
        self
    }

    /// Validates every setting.
    ///
    /// # Errors
    /// [`PosteriorError::InvalidPrior`] for a non-positive or non-finite median, standard
    /// deviation, beta shape or scale.
    pub fn check(self) -> Result<Priors, PosteriorError> {
        self.roi.check("roi")?;
        for (name, prior) in &self.channel_roi {
            prior.check(&format!("roi[{name}]"))?;
        }
        positive("decay.alpha", self.decay.alpha)?;
        positive("decay.beta", self.decay.beta)?;
        self.weibull_shape.check("weibull_shape")?;
        self.weibull_scale.check("weibull_scale")?;
        self.half_saturation.check("half_saturation")?;
        self.shape.check("shape")?;
        positive("baseline_sd", self.baseline_sd)?;
        positive("noise_scale", self.noise_scale)?;
        if let Some(spread) = &self.roi_pooling {
            spread.check("roi_pooling")?;
        }
        if let Some(spread) = &self.shape_pooling {
            spread.check("shape_pooling")?;
        }
        Ok(Priors(self))
    }
}

/// Validated priors ([`PriorParams::check`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Priors(PriorParams);

impl Priors {
    /// ROI prior of the channel called `name`.
    pub fn roi_for(&self, name: &str) -> LogNormalPrior {
        self.0.channel_roi.get(name).copied().unwrap_or(self.0.roi)
    }

    /// ROI prior of every channel without its own (with pooling: the prior of the ROIs'
    /// common location).
    pub fn roi(&self) -> LogNormalPrior {
        self.0.roi
    }

    /// Names with a channel-specific ROI prior.
    pub fn channels_with_roi_prior(&self) -> impl Iterator<Item = &str> {
        self.0.channel_roi.keys().map(String::as_str)
    }

    /// Prior of the adstock decays.
    pub fn decay(&self) -> BetaPrior {
        self.0.decay
    }

    /// Prior of the Weibull shapes `k^W`.
    pub fn weibull_shape(&self) -> LogNormalPrior {
        self.0.weibull_shape
    }

    /// Prior of the Weibull scales `λ`, weeks.
    pub fn weibull_scale(&self) -> LogNormalPrior {
        self.0.weibull_scale
    }

    /// Prior of the half-saturations (multiples of the mean weekly spend).
    pub fn half_saturation(&self) -> LogNormalPrior {
        self.0.half_saturation
    }

    /// Prior of the Hill shapes.
    pub fn shape(&self) -> LogNormalPrior {
        self.0.shape
    }

    /// `τ_b`, the sd of the linear baseline coefficients (units of the mean target).
    pub fn baseline_sd(&self) -> f64 {
        self.0.baseline_sd
    }

    /// `c_σ`, the noise prior's scale relative to the scaled target's sd.
    pub fn noise_scale(&self) -> f64 {
        self.0.noise_scale
    }

    /// Prior of the ROIs' spread `τ_ρ` when they are pooled ([`PriorParams::pool_roi`]).
    pub fn roi_pooling(&self) -> Option<LogNormalPrior> {
        self.0.roi_pooling
    }

    /// Prior of the Hill shapes' spread `τ_s` when they are pooled
    /// ([`PriorParams::pool_shape`]).
    pub fn shape_pooling(&self) -> Option<LogNormalPrior> {
        self.0.shape_pooling
    }
}

fn positive(name: &str, value: f64) -> Result<(), PosteriorError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(PosteriorError::InvalidPrior {
            name: name.to_string(),
            expected: "positive and finite",
            value,
        })
    }
}

/// `z = Φ⁻¹((1 + level)/2)`: a central `level` interval of a normal is `mean ± z·sd`.
fn central_z(level: f64) -> f64 {
    Normal::standard().inverse_cdf(0.5 * (1.0 + level))
}

/// `(−(u − m)²/(2τ²), −(u − m)/τ²)`.
pub(crate) fn normal_log_density(u: f64, mean: f64, sd: f64) -> (f64, f64) {
    let z = (u - mean) / sd;
    (-0.5 * z * z, -z / sd)
}

/// A channel's log-parameter `u` under a pooled prior `Normal(μ, τ²)`, `τ = e^v`: the
/// log-density `−z²/2 − v` (`z = (u − μ)/τ`) and its derivatives in `(u, μ, v)`:
/// `(−z/τ, z/τ, z² − 1)`.
pub(crate) fn pooled_log_density(u: f64, location: f64, log_spread: f64) -> (f64, [f64; 3]) {
    let spread = log_spread.exp();
    let z = (u - location) / spread;
    (
        -0.5 * z * z - log_spread,
        [-z / spread, z / spread, z * z - 1.0],
    )
}

/// `(−σ²/(2τ²) + u, −σ²/τ² + 1)` for `σ = exp(u)`: half-normal plus log-Jacobian.
pub(crate) fn half_normal_log_density_log(u: f64, scale: f64) -> (f64, f64) {
    let ratio = u.exp() / scale;
    (-0.5 * ratio * ratio + u, 1.0 - ratio * ratio)
}

/// `1 / (1 + e^{−z})`, without overflow.
pub(crate) fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `(σ(z), σ(z)·σ(−z))` with `σ(z) = 1 / (1 + e^{−z})`, from one `e = exp(−|z|)`:
/// `σ(|z|) = 1/(1 + e)`, `σ(−|z|) = e/(1 + e)` and `σ(z)σ(−z) = e/(1 + e)²`. The slope is
/// exact in both tails (no `1 − σ(z)` cancellation), and the pair costs one `exp` where
/// `logistic(z) * logistic(-z)` costs two more.
pub(crate) fn logistic_and_slope(z: f64) -> (f64, f64) {
    let e = (-z.abs()).exp();
    let denominator = 1.0 + e;
    let slope = e / (denominator * denominator);
    // The value exactly as `logistic` computes it.
    if z >= 0.0 {
        (1.0 / denominator, slope)
    } else {
        (e / denominator, slope)
    }
}

/// `ln(1 + e^z)`, without overflow.
pub(crate) fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_and_slope_match_the_two_logistics_in_both_tails() {
        for z in [
            -745.0, -300.0, -40.0, -20.0, -3.5, -1.0, -1e-9, 0.0, 1e-9, 0.7, 2.0, 19.0, 37.0, 40.0,
            300.0, 745.0,
        ] {
            let (value, slope) = logistic_and_slope(z);
            assert_eq!(value, logistic(z), "σ({z})");
            let expected = logistic(z) * logistic(-z);
            let tolerance = 4.0 * f64::EPSILON * expected;
            assert!(
                (slope - expected).abs() <= tolerance,
                "σ({z})σ(−{z}) = {expected:e}, got {slope:e}"
            );
        }
        // Far in the tails the slope underflows to 0, like the product, and never to NaN.
        assert_eq!(logistic_and_slope(1e6), (1.0, 0.0));
        assert_eq!(logistic_and_slope(-1e6), (0.0, 0.0));
    }

    #[test]
    fn defaults_validate_and_bad_values_are_rejected() {
        assert!(PriorParams::default().check().is_ok());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(PriorParams::new().baseline_sd(bad).check().is_err());
            assert!(PriorParams::new().noise_scale(bad).check().is_err());
            assert!(
                PriorParams::new()
                    .roi(LogNormalPrior::new(bad, 1.0))
                    .check()
                    .is_err()
            );
            assert!(
                PriorParams::new()
                    .channel_roi("x", LogNormalPrior::new(1.0, bad))
                    .check()
                    .is_err()
            );
            assert!(
                PriorParams::new()
                    .decay(BetaPrior::new(1.0, bad))
                    .check()
                    .is_err()
            );
            assert!(
                PriorParams::new()
                    .weibull_shape(LogNormalPrior::new(bad, 0.7))
                    .check()
                    .is_err()
            );
            assert!(
                PriorParams::new()
                    .weibull_scale(LogNormalPrior::new(1.5, bad))
                    .check()
                    .is_err()
            );
        }
    }

    #[test]
    fn pooling_validates_its_spread_and_its_density_has_the_right_slopes() {
        assert!(
            PriorParams::new()
                .pool_roi(Some(LogNormalPrior::new(0.0, 0.5)))
                .check()
                .is_err()
        );
        assert!(
            PriorParams::new()
                .pool_shape(Some(LogNormalPrior::new(0.5, f64::NAN)))
                .check()
                .is_err()
        );
        let priors = PriorParams::new()
            .pool_roi(Some(LogNormalPrior::new(0.5, 0.5)))
            .check()
            .unwrap();
        assert_eq!(priors.roi_pooling(), Some(LogNormalPrior::new(0.5, 0.5)));
        assert_eq!(priors.shape_pooling(), None);
        let point = [0.3, -0.2, -0.7];
        let (value, slopes) = pooled_log_density(point[0], point[1], point[2]);
        let spread: f64 = (-0.7f64).exp();
        let z = 0.5 / spread;
        assert!((value - (-0.5 * z * z + 0.7)).abs() < 1e-12);
        let h = 1e-6;
        for (k, slope) in slopes.iter().enumerate() {
            let mut up = point;
            let mut down = point;
            up[k] += h;
            down[k] -= h;
            let numeric = (pooled_log_density(up[0], up[1], up[2]).0
                - pooled_log_density(down[0], down[1], down[2]).0)
                / (2.0 * h);
            assert!((slope - numeric).abs() < 1e-6 * (1.0 + slope.abs()), "{k}");
        }
    }

    #[test]
    fn a_prior_from_a_90_percent_interval_puts_90_percent_inside_it() {
        let prior = LogNormalPrior::from_interval(2.0, 8.0, 0.9).unwrap();
        assert!((prior.median - 4.0).abs() < 1e-12);
        // ln(8/2) / (2 × 1.6448536…) = 0.42142…
        assert!((prior.sd_log - 4f64.ln() / (2.0 * 1.644_853_626_951_472_2)).abs() < 1e-9);
        // The interval's ends are the 5 % and 95 % quantiles, and central_interval inverts it.
        let (low, high) = prior.central_interval(0.9);
        assert!(
            (low - 2.0).abs() < 1e-9 && (high - 8.0).abs() < 1e-9,
            "{low} {high}"
        );
        let lognormal =
            statrs::distribution::LogNormal::new(prior.median.ln(), prior.sd_log).unwrap();
        assert!((lognormal.cdf(2.0) - 0.05).abs() < 1e-9);
        assert!((lognormal.cdf(8.0) - 0.95).abs() < 1e-9);
        for (low, high, level) in [
            (0.0, 1.0, 0.9),
            (-1.0, 1.0, 0.9),
            (2.0, 2.0, 0.9),
            (3.0, 2.0, 0.9),
            (1.0, f64::INFINITY, 0.9),
            (1.0, 2.0, 1.0),
            (1.0, 2.0, 0.0),
            (f64::NAN, 2.0, 0.9),
        ] {
            assert!(
                LogNormalPrior::from_interval(low, high, level).is_err(),
                "{low} {high} {level}"
            );
        }
    }

    #[test]
    fn channel_roi_prior_overrides_the_default() {
        let priors = PriorParams::new()
            .channel_roi("Email", LogNormalPrior::new(4.0, 0.3))
            .check()
            .unwrap();
        assert_eq!(priors.roi_for("Email"), LogNormalPrior::new(4.0, 0.3));
        assert_eq!(
            priors.roi_for("Search"),
            LogNormalPrior::new(DEFAULT_ROI_MEDIAN, 0.9)
        );
        assert!((DEFAULT_ROI_MEDIAN - 0.2f64.exp()).abs() < 1e-15);
    }

    #[test]
    fn beta_on_logit_matches_the_formula_and_its_derivative() {
        let prior = BetaPrior::new(1.5, 3.0);
        for u in [-30.0, -2.0, 0.0, 0.7, 25.0] {
            let (value, slope) = prior.log_density_logit(u);
            let theta: f64 = logistic(u);
            if u.abs() < 10.0 {
                let expected = 1.5 * theta.ln() + 3.0 * (1.0 - theta).ln();
                assert!((value - expected).abs() < 1e-12);
            }
            assert!(value.is_finite());
            let h = 1e-5;
            let numeric =
                (prior.log_density_logit(u + h).0 - prior.log_density_logit(u - h).0) / (2.0 * h);
            assert!((slope - numeric).abs() < 1e-6 * (1.0 + slope.abs()));
        }
    }
}
