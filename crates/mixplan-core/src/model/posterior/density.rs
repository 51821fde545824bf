//! The posterior log-density of the marketing-mix model and its hand-written gradient.
//!
//! # The model (in the design's units, see [`crate::model::design`])
//!
//! ```text
//! ỹ_t ~ Normal(μ_t, σ²),   t = 0 … n−1 (all weeks)
//! μ_t = Σ_j F_{t,j} b_j + Σ_c β̃_c (h_{c,t} − h̄_c),   h̄_c = H_c / n            (media centred)
//! a_{c,t} = θ_c a_{c,t−1} + (1 − θ_c) x̃_{c,t},  a_{c,−1} = 0           (normalised geometric adstock)
//!   or a_{c,t} = Σ_{l ≤ min(t, L−1)} W_l(k_c, λ_c) x̃_{c,t−l}             (normalised Weibull CDF or PDF)
//! h_{c,t} = 1 / (1 + (k_c / a_{c,t})^{s_c}) = logistic(z_{c,t}),  z_{c,t} = s_c (ln a_{c,t} − ln k_c)
//! β̃_c = ρ_c S̃_c / H_c,   H_c = Σ_t h_{c,t},   S̃_c = Σ_t x_{c,t} / y_scale     (ROI parameterisation)
//! ```
//!
//! `F` holds the fixed columns (intercept, trend, Fourier terms, standardised controls), `x̃`
//! the spend divided by its mean weekly training spend, `ỹ` the target divided by its mean
//! absolute training value. The priors are those of [`super::prior`].
//!
//! **Centred media.** Each channel enters around its mean over the weeks, so the intercept
//! `b_0` is the mean level of `μ` (the point fit's intercept plus `Σ_c β̃_c h̄_c =
//! Σ_c ρ_c S̃_c / n`) and no longer trades off against the channels' effects: with the
//! uncentred form, a channel whose Hill curve is nearly flat over the weeks (small `k_c` or
//! `s_c`) adds a near-constant `ρ_c S̃_c / n` that the intercept must cancel, a curved ridge
//! in `(b_0, ln ρ_c)` that NUTS could not follow (R̂ and ESS failures on the intercept and
//! `ln ρ`, `docs/posterior.md`). The change of variables `b_0 → b_0 + Σ_c ρ_c S̃_c / n` has
//! Jacobian 1; only the intercept's prior now sits on the mean level. The lift tests
//! (below) still compare the uncentred `β̃_c Σ_{t∈W} h_{c,t}`: a channel's lift is measured
//! against no spend.
//!
//! # Unconstrained parameters (the sampler's coordinates, [`Layout`])
//!
//! `[b_0 … b_{q−1}, (logit θ_c, ln k_c, ln s_c, ln ρ_c) for each channel c, ln σ]` for the
//! geometric carryover; for a Weibull carryover ([`super::carryover`]) the channel's block is
//! `(ln k^W_c, ln λ_c, ln k_c, ln s_c, ln ρ_c)` (Weibull shape and scale in weeks first). The
//! carryover form is the fitted model's ([`SampledCarryover`]).
//!
//! # Gradient (chain rule, `O(n (q + C))` per evaluation)
//!
//! With `r_t = ỹ_t − μ_t` and `g_t = r_t / σ²` (the likelihood's derivative in `μ_t`):
//!
//! ```text
//! ∂ℓ/∂b_j     = Σ_t g_t F_{t,j}
//! ∂ℓ/∂ln σ    = −n + Σ_t r_t² / σ²
//! ∂ℓ/∂ln ρ_c  = β̃_c G_c − ρ_c S̃_c / n · Σ_t g_t,   G_c = Σ_t g_t h_{c,t}
//!               (β̃_c h̄_c = ρ_c S̃_c / n does not depend on θ_c, k_c, s_c, so the centring
//!               only adds this second term)
//! ∂ℓ/∂φ       = Σ_t w_{c,t} ∂h_{c,t}/∂φ,            w_{c,t} = β̃_c (g_t − G_c / H_c)
//!               for φ ∈ {logit θ_c, ln k_c, ln s_c} (β̃_c depends on φ through H_c)
//! ∂h/∂ln k    = −s h (1 − h)
//! ∂h/∂ln s    =  z h (1 − h)
//! ∂h/∂logit θ =  s h (1 − h) / a · ∂a/∂θ · θ (1 − θ)
//! ∂a_t/∂θ     =  θ ∂a_{t−1}/∂θ + a_{t−1} − x̃_t,    ∂a_{−1}/∂θ = 0
//! ```
//!
//! For a Weibull carryover the Hill's derivative in the kernel's coordinates `ψ ∈ {ln k^W, ln λ}`
//! goes through the adstock in the same way, with the normalised weights' derivatives of
//! [`super::carryover`]:
//!
//! ```text
//! ∂h/∂ψ       =  s h (1 − h) / a · ∂a/∂ψ,          ∂a_t/∂ψ = Σ_{l ≤ min(t, L−1)} ∂W_l/∂ψ · x̃_{t−l}
//! ```
//!
//! (`h = 0` and all its derivatives are 0 where `a_t = 0`.)
//!
//! # Lift tests ([`super::lift`])
//!
//! Test `i` on channel `c` over the weeks `W_i` adds, with `L̃_i`, `ẽ_i` its lift and standard
//! error divided by the target scale and `M_i = β̃_c Σ_{t∈W_i} h_{c,t}` the model's lift,
//!
//! ```text
//! ℓ_i = −(L̃_i − M_i)² / (2 ẽ_i²),        e_i = (L̃_i − M_i) / ẽ_i²   (∂ℓ_i/∂M_i)
//! ```
//!
//! `M_i` has the same form as the likelihood's `Σ_t g_t β̃_c h_{c,t}` with `g_t` replaced by
//! `e_i 1[t ∈ W_i]`, so the gradient is the formulas above with `g_t` replaced, for channel
//! `c`, by `g_t + Σ_{i on c} e_i 1[t ∈ W_i]` (in `G_c` and `w_{c,t}`); the baseline and the
//! noise do not enter `ℓ_i`. The test compares all of this against central finite
//! differences.

use super::carryover::{SampledCarryover, WeibullWeights};
use super::error::PosteriorError;
use super::lift::{LiftTest, PlacedLiftTest, place};
use super::prior::normal_log_density;
use super::prior::{
    BetaPrior, LogNormalPrior, Priors, half_normal_log_density_log, logistic, logistic_and_slope,
    pooled_log_density,
};
use crate::data::WeeklyData;
use crate::model::FittedModel;
use crate::model::design::{Design, DesignSpec, Scaling, Term};
use nalgebra::DMatrix;

/// Smallest and largest adstock decay used for the starting point (the logit of 0 or 1 is
/// infinite).
const START_DECAY_RANGE: (f64, f64) = (0.01, 0.98);
/// Smallest ROI used for the starting point (a channel the ridge fit zeroed out).
const START_MIN_ROI: f64 = 0.01;
/// Smallest noise used for the starting point, in units of the mean target.
const START_MIN_NOISE: f64 = 1e-4;

/// Where each parameter sits in the unconstrained vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Number of fixed (baseline) coefficients `q`.
    pub fixed: usize,
    /// Number of channels `C`.
    pub channels: usize,
    /// Sampled carryover coordinates per channel `p`: 1 (geometric, `logit θ_c`) or 2
    /// (Weibull, `ln k^W_c, ln λ_c`).
    pub carryover_parameters: usize,
    /// Whether the ROIs are pooled: two more coordinates, `μ_ρ` and `ln τ_ρ`
    /// ([`super::PriorParams::pool_roi`]).
    pub pooled_roi: bool,
    /// Whether the Hill shapes are pooled: two more coordinates, `μ_s` and `ln τ_s`.
    pub pooled_shape: bool,
}

impl Layout {
    /// Coordinates per channel, `p + 3`.
    fn per_channel(&self) -> usize {
        self.carryover_parameters + 3
    }

    /// Length of the unconstrained vector, `q + (p + 3)C + 1`, plus 2 for each pooled
    /// parameter.
    pub fn dim(&self) -> usize {
        self.log_noise() + 1 + 2 * (usize::from(self.pooled_roi) + usize::from(self.pooled_shape))
    }

    /// Index of the channel's first carryover coordinate: `logit θ_c` (geometric) or
    /// `ln k^W_c` (Weibull).
    pub fn logit_decay(&self, channel: usize) -> usize {
        self.fixed + self.per_channel() * channel
    }

    /// Index of the Weibull shape `ln k^W_c` (the same slot as [`Layout::logit_decay`]).
    pub fn log_weibull_shape(&self, channel: usize) -> usize {
        self.logit_decay(channel)
    }

    /// Index of the Weibull scale `ln λ_c` (Weibull carryover only).
    pub fn log_weibull_scale(&self, channel: usize) -> usize {
        self.logit_decay(channel) + 1
    }

    /// Index of `ln k_c` (`k_c = K_c / m_c`).
    pub fn log_half_saturation(&self, channel: usize) -> usize {
        self.logit_decay(channel) + self.carryover_parameters
    }

    /// Index of `ln s_c`.
    pub fn log_shape(&self, channel: usize) -> usize {
        self.log_half_saturation(channel) + 1
    }

    /// Index of `ln ρ_c`.
    pub fn log_roi(&self, channel: usize) -> usize {
        self.log_half_saturation(channel) + 2
    }

    /// Index of `ln σ`.
    pub fn log_noise(&self) -> usize {
        self.fixed + self.per_channel() * self.channels
    }

    /// Indices of the ROIs' pooled location `μ_ρ` and log spread `ln τ_ρ`, after `ln σ`.
    pub fn roi_pool(&self) -> Option<(usize, usize)> {
        let i = self.log_noise() + 1;
        self.pooled_roi.then_some((i, i + 1))
    }

    /// Indices of the Hill shapes' pooled location `μ_s` and log spread `ln τ_s`, after
    /// the ROIs' (if pooled).
    pub fn shape_pool(&self) -> Option<(usize, usize)> {
        let i = self.log_noise() + 1 + 2 * usize::from(self.pooled_roi);
        self.pooled_shape.then_some((i, i + 1))
    }
}

/// Per-channel buffers reused between evaluations.
#[derive(Debug, Clone)]
struct ChannelWork {
    adstock: Vec<f64>,
    /// `∂a_t/∂θ` (geometric) or `∂a_t/∂ln k^W` (Weibull).
    adstock_slope: Vec<f64>,
    /// `∂a_t/∂ln λ` (Weibull only).
    adstock_scale_slope: Vec<f64>,
    /// The Weibull kernel and its derivatives (empty for geometric).
    kernel: WeibullWeights,
    hill: Vec<f64>,
    logit_hill: Vec<f64>,
    /// `σ(z_t)·σ(−z_t) = h_t(1 − h_t)`, the Hill value's slope in its logit, computed from
    /// the same `exp(−|z_t|)` as `h_t` (no cancellation in `1 − h_t`, one `exp` per week).
    hill_slope: Vec<f64>,
    coefficient: f64,
    hill_total: f64,
    /// `Σ_{i on c} e_i 1[t ∈ W_i]` per week (lift tests' share of the residual slope).
    lift_slope: Vec<f64>,
    /// Whether any lift test is on this channel.
    has_lift_tests: bool,
}

/// One channel's carryover parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CarryoverPoint {
    /// Geometric decay `θ`.
    Geometric { decay: f64 },
    /// Weibull shape `k^W` and scale `λ` (weeks), on the log scale.
    Weibull { log_shape: f64, log_scale: f64 },
}

/// One channel's parameters in the design's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ChannelPoint {
    pub carryover: CarryoverPoint,
    pub k: f64,
    pub shape: f64,
    pub roi: f64,
}

/// A pooled (hierarchical) prior of one per-channel log-parameter (`super::prior`), with
/// the coordinates it governs.
#[derive(Debug, Clone)]
struct Pool {
    /// Prior of the common location `μ`: `Normal(ln median, sd_log²)`.
    location: LogNormalPrior,
    /// Prior of the spread `τ`: `LogNormal`.
    spread: LogNormalPrior,
    /// Channels under the pooled prior.
    members: Vec<bool>,
    /// Indices of `μ` and `ln τ` ([`Layout::roi_pool`], [`Layout::shape_pool`]).
    slots: (usize, usize),
    /// Index of a member channel's coordinate ([`Layout::log_roi`], [`Layout::log_shape`]).
    member: fn(&Layout, usize) -> usize,
}

/// Whether channel `c` is under `pool`.
fn pooled(pool: &Option<Pool>, c: usize) -> bool {
    pool.as_ref().is_some_and(|p| p.members[c])
}

/// The posterior of the marketing-mix model on the unconstrained scale: data, priors,
/// starting point, log-density and gradient. Build it with [`PosteriorModel::new`].
#[derive(Debug, Clone)]
pub struct PosteriorModel {
    layout: Layout,
    carryover: SampledCarryover,
    fixed: DMatrix<f64>,
    fixed_terms: Vec<Term>,
    spend: Vec<Vec<f64>>,
    y: Vec<f64>,
    spend_over_target: Vec<f64>,
    /// Revenue per unit of the target for the ROI parameterisation: 1 for a model of
    /// revenue; the revenue level `ȳ` for a model of `ln y` ([`PosteriorModel::of_log_revenue`]).
    roi_unit: f64,
    channel_names: Vec<String>,
    control_names: Vec<String>,
    scaling: Scaling,
    fixed_prior_means: Vec<f64>,
    baseline_sd: f64,
    noise_prior_scale: f64,
    decay_prior: BetaPrior,
    weibull_shape_prior: LogNormalPrior,
    weibull_scale_prior: LogNormalPrior,
    half_saturation_prior: LogNormalPrior,
    shape_prior: LogNormalPrior,
    roi_priors: Vec<LogNormalPrior>,
    /// With pooled ROIs: the prior of their location `μ_ρ` and of their spread `τ_ρ`, and
    /// which channels are pooled (those without a channel ROI prior).
    roi_pool: Option<Pool>,
    /// With pooled Hill shapes: the prior of their location and spread (all channels).
    shape_pool: Option<Pool>,
    start: Vec<f64>,
    mean: Vec<f64>,
    residual_slope: Vec<f64>,
    work: Vec<ChannelWork>,
    lift_tests: Vec<PlacedLiftTest>,
    /// Weeks whose target enters the likelihood: the first `observed` (all weeks, except
    /// for a holdout evaluation, [`PosteriorModel::observing_first`]).
    observed: usize,
}

impl PosteriorModel {
    /// The posterior for `data` with `priors`, starting at the point estimate `fitted`
    /// (which must have been fitted on `data`): same design, scaling and terms.
    ///
    /// # Errors
    /// [`PosteriorError::ModelDataMismatch`] if `fitted` does not belong to `data`;
    /// [`PosteriorError::UnknownChannel`] for a channel ROI prior on a channel the data does
    /// not have; [`PosteriorError::Design`] if the design cannot be built;
    /// [`PosteriorError::NonFiniteStart`] if the log-density is not finite at the start;
    /// [`PosteriorError::ModelDataMismatch`] if the channels' carryover forms differ (no
    /// fit produces that).
    pub fn new(
        data: &WeeklyData,
        fitted: &FittedModel,
        priors: &Priors,
    ) -> Result<Self, PosteriorError> {
        Self::observing_first(data, fitted, priors, data.weeks().len())
    }

    /// The posterior conditioned on the target of the first `observed` weeks only; the
    /// later weeks' spend and controls still run through the adstock and the design, so
    /// [`PosteriorModel::predicted_mean`] forecasts them out of sample. The priors' data-
    /// based scales (the intercept's mean, the noise scale) use the observed weeks only.
    /// For a holdout evaluation, `fitted` should be fitted without refitting on all weeks
    /// (`ModelParams::refit_all(false)`, so its search and start saw only the training weeks)
    /// and `observed` its [`FittedModel::holdout_start`].
    ///
    /// In the likelihood, the residual slope `g_t` is 0 for `t ≥ observed` and `n` becomes
    /// `observed` in `∂ℓ/∂ln σ`; every other formula of the module docs is unchanged (the
    /// centring and `H_c` still run over all weeks: a reparameterisation).
    ///
    /// # Errors
    /// Those of [`PosteriorModel::new`], and [`PosteriorError::ObservedWeeks`] unless
    /// `2 ≤ observed ≤` the number of weeks.
    pub fn observing_first(
        data: &WeeklyData,
        fitted: &FittedModel,
        priors: &Priors,
        observed: usize,
    ) -> Result<Self, PosteriorError> {
        Self::build(data, fitted, priors, observed, 1.0)
    }

    /// The posterior of the **multiplicative** form ([`crate::model::MultiplicativeModel`]):
    /// the additive model of `ln y` (`logged`: the data with the logged target,
    /// [`crate::model::multiplicative::log_target`]; `log_model`: the model fitted to it),
    /// with the ROI parameterisation stated in revenue to first order.
    ///
    /// The model of `ln y` has its own "ROI", `Σ_t g_{c,t} / Σ_t x_{c,t}` (log-revenue per unit
    /// of spend). A lift `g` of `ln y` is a lift of about `y·g` in revenue, so with
    /// `revenue_level = ȳ` (the mean weekly revenue) the sampled `ρ_c = ȳ·Σ_t g_{c,t}/Σ_t x_{c,t}`
    /// is the channel's revenue ROI to first order, and the ROI priors (the default and the
    /// users' beliefs) keep their meaning in revenue per unit of spend. In the formulas of the
    /// [module docs](self) only `S̃_c` changes: `S̃_c = Σ_t x_{c,t} / (y_scale · ȳ)`; the
    /// gradient is unchanged in form. The exact revenue-scale ROI of each draw (a removal
    /// effect) is computed from the draws afterwards
    /// ([`crate::model::multiplicative::MultiplicativePosterior`]).
    ///
    /// # Errors
    /// As [`PosteriorModel::new`], and [`PosteriorError::InvalidPrior`] unless
    /// `revenue_level` is finite and above zero.
    pub fn of_log_revenue(
        logged: &WeeklyData,
        log_model: &FittedModel,
        priors: &Priors,
        revenue_level: f64,
    ) -> Result<Self, PosteriorError> {
        if !(revenue_level.is_finite() && revenue_level > 0.0) {
            return Err(PosteriorError::InvalidPrior {
                name: "revenue_level".into(),
                expected: "finite and above zero",
                value: revenue_level,
            });
        }
        Self::build(
            logged,
            log_model,
            priors,
            logged.weeks().len(),
            revenue_level,
        )
    }

    fn build(
        data: &WeeklyData,
        fitted: &FittedModel,
        priors: &Priors,
        observed: usize,
        roi_unit: f64,
    ) -> Result<Self, PosteriorError> {
        let weeks = data.weeks().len();
        if !(2..=weeks).contains(&observed) {
            return Err(PosteriorError::ObservedWeeks { observed, weeks });
        }
        let channel_names: Vec<String> = data.channels().iter().map(|s| s.name.clone()).collect();
        let fitted_names: Vec<&str> = fitted.channels().iter().map(|c| c.name.as_str()).collect();
        if channel_names
            .iter()
            .map(String::as_str)
            .ne(fitted_names.iter().copied())
        {
            return Err(PosteriorError::ModelDataMismatch(format!(
                "channels {fitted_names:?} in the model, {channel_names:?} in the data"
            )));
        }
        if fitted.actual() != data.target() {
            return Err(PosteriorError::ModelDataMismatch(
                "the target differs from the one the model was fitted on".into(),
            ));
        }
        if let Some(unknown) = priors
            .channels_with_roi_prior()
            .find(|name| !channel_names.iter().any(|c| c == name))
        {
            return Err(PosteriorError::UnknownChannel(unknown.to_string()));
        }
        let carryover = SampledCarryover::of(fitted).ok_or_else(|| {
            PosteriorError::ModelDataMismatch(
                "the channels of the model use different carryover forms".into(),
            )
        })?;
        let (terms, coefficients) = fitted.coefficients();
        let q = terms
            .iter()
            .filter(|t| !matches!(t, Term::Channel(_)))
            .count();
        let spec = DesignSpec {
            fourier_order: terms.iter().filter(|t| matches!(t, Term::Sin(_))).count(),
            trend: terms.contains(&Term::Trend),
        };
        let design = Design::new(data, spec, fitted.holdout_start())?;
        if design.fixed_terms != terms[..q] || design.scaling != *fitted.scaling() {
            return Err(PosteriorError::ModelDataMismatch(
                "the design or scaling differs from the model's".into(),
            ));
        }
        let layout = Layout {
            fixed: q,
            channels: channel_names.len(),
            carryover_parameters: carryover.parameters(),
            pooled_roi: priors.roi_pooling().is_some(),
            pooled_shape: priors.shape_pooling().is_some(),
        };
        let own_roi: Vec<&str> = priors.channels_with_roi_prior().collect();
        let roi_pool = priors
            .roi_pooling()
            .zip(layout.roi_pool())
            .map(|(spread, slots)| Pool {
                location: priors.roi(),
                spread,
                members: channel_names
                    .iter()
                    .map(|c| !own_roi.contains(&c.as_str()))
                    .collect(),
                slots,
                member: Layout::log_roi,
            });
        let shape_pool = priors
            .shape_pooling()
            .zip(layout.shape_pool())
            .map(|(spread, slots)| Pool {
                location: priors.shape(),
                spread,
                members: vec![true; channel_names.len()],
                slots,
                member: Layout::log_shape,
            });
        let y_scale = design.scaling.target;
        let n = design.n;
        let observed_y = &design.y[..observed];
        let mean_y = observed_y.iter().sum::<f64>() / observed as f64;
        let sd_y =
            (observed_y.iter().map(|v| (v - mean_y).powi(2)).sum::<f64>() / observed as f64).sqrt();
        let fixed_prior_means = design
            .fixed_terms
            .iter()
            .map(|t| if *t == Term::Intercept { mean_y } else { 0.0 })
            .collect();
        let spend_over_target = data
            .channels()
            .iter()
            .map(|s| s.values.iter().sum::<f64>() / (y_scale * roi_unit))
            .collect();
        let work = vec![
            ChannelWork {
                adstock: vec![0.0; n],
                adstock_slope: vec![0.0; n],
                adstock_scale_slope: match carryover {
                    SampledCarryover::Geometric => Vec::new(),
                    SampledCarryover::Weibull { .. } => vec![0.0; n],
                },
                kernel: WeibullWeights::new(match carryover {
                    SampledCarryover::Geometric => 0,
                    SampledCarryover::Weibull { window, .. } => window,
                }),
                hill: vec![0.0; n],
                logit_hill: vec![0.0; n],
                hill_slope: vec![0.0; n],
                coefficient: 0.0,
                hill_total: 0.0,
                lift_slope: vec![0.0; n],
                has_lift_tests: false,
            };
            layout.channels
        ];

        let mut start = vec![0.0; layout.dim()];
        for (j, b) in coefficients[..q].iter().enumerate() {
            start[j] = b / y_scale;
        }
        for (c, ch) in fitted.channels().iter().enumerate() {
            if let Some(w) = ch.weibull {
                start[layout.log_weibull_shape(c)] = w.shape.ln();
                start[layout.log_weibull_scale(c)] = w.scale.ln();
            } else {
                let decay = ch.decay.clamp(START_DECAY_RANGE.0, START_DECAY_RANGE.1);
                start[layout.logit_decay(c)] = (decay / (1.0 - decay)).ln();
            }
            start[layout.log_half_saturation(c)] =
                (ch.half_saturation / design.scaling.spend[c]).ln();
            start[layout.log_shape(c)] = ch.shape.ln();
            start[layout.log_roi(c)] = (ch.roi * roi_unit).max(START_MIN_ROI).ln();
        }
        // The centred media (module docs): the intercept is the mean level, the point
        // fit's intercept plus every channel's mean contribution `ρ_c S̃_c / n`.
        if let Some(i) = design
            .fixed_terms
            .iter()
            .position(|t| *t == Term::Intercept)
        {
            start[i] += fitted
                .channels()
                .iter()
                .zip(&spend_over_target)
                .map(|(ch, s)| (ch.roi * roi_unit).max(START_MIN_ROI) * s / n as f64)
                .sum::<f64>();
        }
        let rss: f64 = fitted
            .actual()
            .iter()
            .zip(fitted.fitted())
            .take(observed)
            .map(|(a, f)| ((a - f) / y_scale).powi(2))
            .sum();
        start[layout.log_noise()] = (rss / observed as f64).sqrt().max(START_MIN_NOISE).ln();
        // A pool starts at its members' mean and its spread prior's median.
        for pool in [&roi_pool, &shape_pool].into_iter().flatten() {
            let (location, log_spread) = pool.slots;
            let members: Vec<f64> = (0..layout.channels)
                .filter(|&c| pool.members[c])
                .map(|c| start[(pool.member)(&layout, c)])
                .collect();
            start[location] = if members.is_empty() {
                pool.location.median.ln()
            } else {
                members.iter().sum::<f64>() / members.len() as f64
            };
            start[log_spread] = pool.spread.median.ln();
        }

        let mut model = Self {
            layout,
            carryover,
            fixed: design.fixed,
            fixed_terms: design.fixed_terms,
            spend: design.spend,
            y: design.y,
            spend_over_target,
            roi_unit,
            control_names: data.controls().iter().map(|s| s.name.clone()).collect(),
            roi_priors: channel_names.iter().map(|c| priors.roi_for(c)).collect(),
            channel_names,
            scaling: design.scaling,
            fixed_prior_means,
            baseline_sd: priors.baseline_sd(),
            noise_prior_scale: priors.noise_scale() * sd_y.max(f64::MIN_POSITIVE),
            decay_prior: priors.decay(),
            weibull_shape_prior: priors.weibull_shape(),
            weibull_scale_prior: priors.weibull_scale(),
            half_saturation_prior: priors.half_saturation(),
            shape_prior: priors.shape(),
            roi_pool,
            shape_pool,
            start,
            mean: vec![0.0; n],
            residual_slope: vec![0.0; n],
            work,
            lift_tests: Vec::new(),
            observed,
        };
        let mut grad = vec![0.0; model.dim()];
        let start = model.start.clone();
        if !model.log_density_unchecked(&start, &mut grad).is_finite() {
            return Err(PosteriorError::NonFiniteStart);
        }
        Ok(model)
    }

    /// The same posterior calibrated by `tests` (replacing any given before): each adds
    /// its likelihood term ([`super::lift`]). `data` must be the data of [`PosteriorModel::new`].
    ///
    /// # Errors
    /// [`PosteriorError::LiftTest`] for a test that fails its checks, names a channel the
    /// data does not have, or covers no week of the data; [`PosteriorError::ModelDataMismatch`]
    /// when `data` has another number of weeks.
    pub fn with_lift_tests(
        mut self,
        data: &WeeklyData,
        tests: &[LiftTest],
    ) -> Result<Self, PosteriorError> {
        if data.weeks().len() != self.y.len() {
            return Err(PosteriorError::ModelDataMismatch(format!(
                "{} weeks in the data, {} in the model",
                data.weeks().len(),
                self.y.len()
            )));
        }
        self.lift_tests = place(
            tests,
            data.weeks(),
            &self.channel_names,
            self.scaling.target,
        )?;
        for (c, w) in self.work.iter_mut().enumerate() {
            w.has_lift_tests = self.lift_tests.iter().any(|t| t.channel == c);
        }
        Ok(self)
    }

    /// Number of lift tests in the likelihood.
    pub fn lift_test_count(&self) -> usize {
        self.lift_tests.len()
    }

    /// Number of unconstrained parameters.
    pub fn dim(&self) -> usize {
        self.layout.dim()
    }

    /// Where each parameter sits.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The carryover the posterior samples (the fitted model's form).
    pub fn carryover(&self) -> SampledCarryover {
        self.carryover
    }

    /// The point estimate on the unconstrained scale (the chains start here, jittered).
    pub fn start(&self) -> &[f64] {
        &self.start
    }

    /// Channel names, in the data's order.
    pub fn channel_names(&self) -> &[String] {
        &self.channel_names
    }

    /// Every channel's total spend over all weeks, currency (`S̃_c · y_scale · ȳ`, `ȳ` = 1
    /// but for [`PosteriorModel::of_log_revenue`]).
    pub fn total_spend(&self) -> Vec<f64> {
        self.spend_over_target
            .iter()
            .map(|s| s * self.scaling.target * self.roi_unit)
            .collect()
    }

    /// How the model's units map to currency (the fitted model's scaling).
    pub fn scaling(&self) -> &Scaling {
        &self.scaling
    }

    /// A readable name for every unconstrained parameter, in [`Layout`] order.
    pub fn parameter_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .fixed_terms
            .iter()
            .map(|t| match t {
                Term::Intercept => "intercept".to_string(),
                Term::Trend => "trend".to_string(),
                Term::Sin(k) => format!("sin{k}"),
                Term::Cos(k) => format!("cos{k}"),
                Term::Control(j) => format!("control[{}]", self.control_names[*j]),
                Term::Channel(c) => format!("channel[{c}]"),
            })
            .collect();
        for c in &self.channel_names {
            match self.carryover {
                SampledCarryover::Geometric => names.push(format!("logit_decay[{c}]")),
                SampledCarryover::Weibull { .. } => {
                    names.push(format!("ln_weibull_shape[{c}]"));
                    names.push(format!("ln_weibull_scale[{c}]"));
                }
            }
            names.push(format!("ln_half_saturation[{c}]"));
            names.push(format!("ln_shape[{c}]"));
            names.push(format!("ln_roi[{c}]"));
        }
        names.push("ln_noise".to_string());
        if self.layout.pooled_roi {
            names.push("roi_location".to_string());
            names.push("ln_roi_spread".to_string());
        }
        if self.layout.pooled_shape {
            names.push("shape_location".to_string());
            names.push("ln_shape_spread".to_string());
        }
        names
    }

    /// Channel `c`'s parameters at the unconstrained point `position`.
    pub(crate) fn channel_point(&self, position: &[f64], c: usize) -> ChannelPoint {
        let carryover = match self.carryover {
            SampledCarryover::Geometric => CarryoverPoint::Geometric {
                decay: logistic(position[self.layout.logit_decay(c)]),
            },
            SampledCarryover::Weibull { .. } => CarryoverPoint::Weibull {
                log_shape: position[self.layout.log_weibull_shape(c)],
                log_scale: position[self.layout.log_weibull_scale(c)],
            },
        };
        ChannelPoint {
            carryover,
            k: position[self.layout.log_half_saturation(c)].exp(),
            shape: position[self.layout.log_shape(c)].exp(),
            roi: position[self.layout.log_roi(c)].exp(),
        }
    }

    /// Each control's coefficient at `position`, in currency per unit of the control as the
    /// data give it: `γ_j = b̃_j · y_scale / scale_j` (`b̃_j` the sampled coefficient of the
    /// standardised column, see [`crate::model::design`]), in the data's control order.
    pub(crate) fn control_coefficients(&self, position: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.control_names.len()];
        for (i, term) in self.fixed_terms.iter().enumerate() {
            if let (Term::Control(j), Some(value)) = (term, position.get(i))
                && let (Some(slot), Some(scaling)) =
                    (out.get_mut(*j), self.scaling.controls.get(*j))
            {
                *slot = value * self.scaling.target / scaling.scale;
            }
        }
        out
    }

    /// `β̃_c` (units of the mean target per week at saturation) at `position`.
    pub(crate) fn channel_coefficient(&mut self, position: &[f64], c: usize) -> f64 {
        let point = self.channel_point(position, c);
        self.media(c, point);
        self.work[c].coefficient
    }

    /// Fills channel `c`'s adstock, its slopes in the carryover coordinates (`θ`, or
    /// `ln k^W` and `ln λ`), the Hill values and their logits, and `H_c`, `β̃_c`.
    fn media(&mut self, c: usize, p: ChannelPoint) {
        let log_k = p.k.ln();
        let x = &self.spend[c];
        let w = &mut self.work[c];
        match p.carryover {
            CarryoverPoint::Geometric { decay } => {
                let (mut a, mut slope) = (0.0, 0.0);
                for (t, &spend) in x.iter().enumerate() {
                    slope = decay * slope + a - spend;
                    a = decay * a + (1.0 - decay) * spend;
                    w.adstock[t] = a;
                    w.adstock_slope[t] = slope;
                }
            }
            CarryoverPoint::Weibull {
                log_shape,
                log_scale,
            } => {
                if let SampledCarryover::Weibull { form, .. } = self.carryover {
                    w.kernel.compute(form, log_shape, log_scale);
                }
                let kernel = &w.kernel;
                for t in 0..x.len() {
                    let (mut a, mut d_shape, mut d_scale) = (0.0, 0.0, 0.0);
                    for (l, ((weight, dk), dl)) in kernel
                        .weights
                        .iter()
                        .zip(&kernel.d_log_shape)
                        .zip(&kernel.d_log_scale)
                        .take(t + 1)
                        .enumerate()
                    {
                        let spend = x[t - l];
                        a += weight * spend;
                        d_shape += dk * spend;
                        d_scale += dl * spend;
                    }
                    w.adstock[t] = a;
                    w.adstock_slope[t] = d_shape;
                    w.adstock_scale_slope[t] = d_scale;
                }
            }
        }
        let mut total = 0.0;
        for t in 0..x.len() {
            let a = w.adstock[t];
            if a > 0.0 {
                let z = p.shape * (a.ln() - log_k);
                let (hill, slope) = logistic_and_slope(z);
                w.logit_hill[t] = z;
                w.hill[t] = hill;
                w.hill_slope[t] = slope;
            } else {
                w.logit_hill[t] = 0.0;
                w.hill[t] = 0.0;
                w.hill_slope[t] = 0.0;
            }
            total += w.hill[t];
        }
        w.hill_total = total;
        w.coefficient = p.roi * self.spend_over_target[c] / total;
    }

    /// The log posterior density at `position` (up to a constant) and its gradient in
    /// `gradient`; see the [module docs](self) for the formulas. Returns a non-finite value
    /// where the density is not defined (e.g. every Hill value underflows to 0).
    ///
    /// # Errors
    /// [`PosteriorError::WrongLength`] if `position` or `gradient` is not
    /// [`PosteriorModel::dim`] long.
    pub fn log_density(
        &mut self,
        position: &[f64],
        gradient: &mut [f64],
    ) -> Result<f64, PosteriorError> {
        for len in [position.len(), gradient.len()] {
            if len != self.dim() {
                return Err(PosteriorError::WrongLength {
                    expected: self.dim(),
                    got: len,
                });
            }
        }
        Ok(self.log_density_unchecked(position, gradient))
    }

    /// [`PosteriorModel::log_density`] for slices known to be [`PosteriorModel::dim`] long.
    pub(crate) fn log_density_unchecked(&mut self, position: &[f64], gradient: &mut [f64]) -> f64 {
        let layout = self.layout;
        let n = self.y.len();
        gradient.fill(0.0);

        let points = self.fill_mean(position);

        let log_noise = position[layout.log_noise()];
        let inv_var = (-2.0 * log_noise).exp();
        let mut rss = 0.0;
        for t in 0..self.observed {
            let r = self.y[t] - self.mean[t];
            rss += r * r;
            self.residual_slope[t] = r * inv_var;
        }
        self.residual_slope[self.observed..].fill(0.0);
        let residual_slope_total: f64 = self.residual_slope.iter().sum();
        let observed = self.observed as f64;
        let mut log_density = -observed * log_noise - 0.5 * rss * inv_var;
        gradient[layout.log_noise()] = -observed + rss * inv_var;

        for w in self.work.iter_mut().filter(|w| w.has_lift_tests) {
            w.lift_slope.fill(0.0);
        }
        for test in &self.lift_tests {
            let w = &mut self.work[test.channel];
            let hill: f64 = w.hill[test.first..=test.last].iter().sum();
            let miss = test.lift - w.coefficient * hill;
            let inv_var = 1.0 / (test.std_error * test.std_error);
            log_density -= 0.5 * miss * miss * inv_var;
            for e in &mut w.lift_slope[test.first..=test.last] {
                *e += miss * inv_var;
            }
        }

        for (j, slot) in gradient[..layout.fixed].iter_mut().enumerate() {
            *slot = self
                .fixed
                .column(j)
                .iter()
                .zip(&self.residual_slope)
                .map(|(f, g)| f * g)
                .sum();
        }

        for (c, p) in points.iter().enumerate() {
            let w = &mut self.work[c];
            // The residual slope g_t, plus the lift tests' e_i on their weeks.
            if w.has_lift_tests {
                for (e, g) in w.lift_slope.iter_mut().zip(&self.residual_slope) {
                    *e += g;
                }
            }
            let w = &self.work[c];
            let g = if w.has_lift_tests {
                &w.lift_slope
            } else {
                &self.residual_slope
            };
            let weighted_hill: f64 = g.iter().zip(&w.hill).map(|(g, h)| g * h).sum();
            gradient[layout.log_roi(c)] = w.coefficient * weighted_hill
                - p.roi * self.spend_over_target[c] / n as f64 * residual_slope_total;
            let mean_slope = weighted_hill / w.hill_total;
            let (mut d_log_k, mut d_log_s, mut d_decay, mut d_scale) = (0.0, 0.0, 0.0, 0.0);
            let weibull = matches!(p.carryover, CarryoverPoint::Weibull { .. });
            let weeks = w
                .adstock
                .iter()
                .zip(&w.adstock_slope)
                .zip(&w.logit_hill)
                .zip(&w.hill_slope)
                .zip(g)
                .enumerate();
            for (t, ((((&a, &adstock_slope), &z), &spread), &slope)) in weeks {
                if a <= 0.0 {
                    continue;
                }
                let weight = w.coefficient * (slope - mean_slope) * spread;
                d_log_k -= weight * p.shape;
                d_log_s += weight * z;
                let through_adstock = weight * p.shape / a;
                d_decay += through_adstock * adstock_slope;
                if weibull {
                    d_scale += through_adstock * w.adstock_scale_slope[t];
                }
            }
            gradient[layout.log_half_saturation(c)] = d_log_k;
            gradient[layout.log_shape(c)] = d_log_s;
            match p.carryover {
                CarryoverPoint::Geometric { decay } => {
                    gradient[layout.logit_decay(c)] = d_decay * decay * (1.0 - decay);
                }
                CarryoverPoint::Weibull { .. } => {
                    gradient[layout.log_weibull_shape(c)] = d_decay;
                    gradient[layout.log_weibull_scale(c)] = d_scale;
                }
            }
        }

        log_density += self.log_prior(position, gradient);
        log_density
    }

    /// Fills `self.mean` with `μ_t` (design units, every week) at `position`, and each
    /// channel's work (adstock, Hill values, `β̃_c`); returns the channels' points.
    fn fill_mean(&mut self, position: &[f64]) -> Vec<ChannelPoint> {
        let layout = self.layout;
        let n = self.y.len();
        self.mean.fill(0.0);
        for (j, &b) in position[..layout.fixed].iter().enumerate() {
            for (m, f) in self.mean.iter_mut().zip(self.fixed.column(j).iter()) {
                *m += b * f;
            }
        }
        let mut points = Vec::with_capacity(layout.channels);
        for c in 0..layout.channels {
            let point = self.channel_point(position, c);
            self.media(c, point);
            let w = &self.work[c];
            let centre = w.hill_total / n as f64;
            for (m, h) in self.mean.iter_mut().zip(&w.hill) {
                *m += w.coefficient * (h - centre);
            }
            points.push(point);
        }
        points
    }

    /// The model's mean `μ_t` in currency for every week at `position` (one draw): the
    /// baseline (intercept, trend, seasonality, controls) plus every channel's centred
    /// contribution, times the target's scale. Weeks past
    /// [`PosteriorModel::observing_first`]'s `observed` are forecasts.
    ///
    /// # Errors
    /// [`PosteriorError::WrongLength`] if `position` is not [`PosteriorModel::dim`] long.
    pub fn predicted_mean(&mut self, position: &[f64]) -> Result<Vec<f64>, PosteriorError> {
        if position.len() != self.dim() {
            return Err(PosteriorError::WrongLength {
                expected: self.dim(),
                got: position.len(),
            });
        }
        self.fill_mean(position);
        let scale = self.scaling.target;
        Ok(self.mean.iter().map(|m| m * scale).collect())
    }

    /// Number of weeks whose target enters the likelihood.
    pub fn observed_weeks(&self) -> usize {
        self.observed
    }

    /// Adds the priors' gradients to `gradient` and returns their log-density.
    fn log_prior(&self, position: &[f64], gradient: &mut [f64]) -> f64 {
        let layout = self.layout;
        let mut total = 0.0;
        let mut add = |i: usize, (value, slope): (f64, f64)| {
            total += value;
            gradient[i] += slope;
        };
        for (j, &b) in position[..layout.fixed].iter().enumerate() {
            add(
                j,
                normal_log_density(b, self.fixed_prior_means[j], self.baseline_sd),
            );
        }
        for c in 0..layout.channels {
            match self.carryover {
                SampledCarryover::Geometric => {
                    let i = layout.logit_decay(c);
                    add(i, self.decay_prior.log_density_logit(position[i]));
                }
                SampledCarryover::Weibull { .. } => {
                    let i = layout.log_weibull_shape(c);
                    add(i, self.weibull_shape_prior.log_density(position[i]));
                    let i = layout.log_weibull_scale(c);
                    add(i, self.weibull_scale_prior.log_density(position[i]));
                }
            }
            let i = layout.log_half_saturation(c);
            add(i, self.half_saturation_prior.log_density(position[i]));
            let i = layout.log_shape(c);
            if !pooled(&self.shape_pool, c) {
                add(i, self.shape_prior.log_density(position[i]));
            }
            let i = layout.log_roi(c);
            if !pooled(&self.roi_pool, c) {
                add(i, self.roi_priors[c].log_density(position[i]));
            }
        }
        let i = layout.log_noise();
        add(
            i,
            half_normal_log_density_log(position[i], self.noise_prior_scale),
        );
        for pool in [&self.roi_pool, &self.shape_pool].into_iter().flatten() {
            let (location, log_spread) = pool.slots;
            add(location, pool.location.log_density(position[location]));
            add(log_spread, pool.spread.log_density(position[log_spread]));
            for c in (0..layout.channels).filter(|&c| pool.members[c]) {
                let i = (pool.member)(&layout, c);
                let (value, [du, dmu, dv]) =
                    pooled_log_density(position[i], position[location], position[log_spread]);
                add(i, (value, du));
                add(location, (0.0, dmu));
                add(log_spread, (0.0, dv));
            }
        }
        total
    }
}
