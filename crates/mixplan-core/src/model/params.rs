//! Model parameters: unchecked ([`ModelParams`]) and validated ([`ValidParams`]).

use super::error::ParamsError;
use crate::data::truth::{ChannelTruth, GroundTruth};
use crate::transform::{CarryoverForm, CarryoverKernels, GeometricAdstock, Hill, WeibullGrid};
use serde::{Deserialize, Serialize};

/// Largest supported yearly Fourier order.
pub const MAX_FOURIER_ORDER: usize = 10;

/// One channel's carryover and saturation, in currency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChannelHyperparameters {
    /// Geometric adstock decay `θ ∈ [0, 1)`.
    pub decay: f64,
    /// Hill half-saturation `K`, weekly (adstocked) spend in currency, `> 0`.
    pub half_saturation: f64,
    /// Hill shape `s > 0`.
    pub shape: f64,
}

impl ChannelHyperparameters {
    /// Adstock decay `θ`, Hill half-saturation `K` (currency) and Hill shape `s`, unchecked
    /// ([`ModelParams::check`] validates them).
    pub const fn new(decay: f64, half_saturation: f64, shape: f64) -> Self {
        Self {
            decay,
            half_saturation,
            shape,
        }
    }
}

impl From<&ChannelTruth> for ChannelHyperparameters {
    /// A simulated channel's true `θ`, `K` and `s`.
    fn from(truth: &ChannelTruth) -> Self {
        Self::new(truth.decay, truth.half_saturation, truth.shape)
    }
}

/// One channel's carryover and saturation in model units: the half-saturation is
/// `k = K / m_c`, a multiple of the channel's mean weekly training spend `m_c` (see
/// [`super::design`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hyper {
    /// Adstock decay `θ`.
    pub decay: f64,
    /// Half-saturation `k = K / m_c`.
    pub k: f64,
    /// Hill shape `s`.
    pub s: f64,
}

impl Hyper {
    /// From hyper-parameters in currency, for a channel of mean weekly training spend
    /// `mean_spend` (`k = K / m_c`).
    pub(crate) fn from_currency(h: &ChannelHyperparameters, mean_spend: f64) -> Self {
        Self {
            decay: h.decay,
            k: h.half_saturation / mean_spend,
            s: h.shape,
        }
    }

    /// The half-saturation in currency, `K = k · m_c`.
    pub(crate) fn half_saturation(&self, mean_spend: f64) -> f64 {
        self.k * mean_spend
    }
}

/// Hyper-parameters to use as they are, skipping the search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixedHyperparameters {
    /// One entry per channel, in the data's channel order.
    pub channels: Vec<ChannelHyperparameters>,
    /// Ridge penalty `λ > 0` (see [`super::ridge`]; the objective is the mean squared error
    /// of the target scaled by its mean, plus `λ·Σβ²` over all but the intercept).
    pub penalty: f64,
}

impl FixedHyperparameters {
    /// A simulated store's true hyper-parameters (channels in the order of
    /// [`GroundTruth::channels`]) with ridge penalty `penalty`.
    pub fn from_truth(truth: &GroundTruth, penalty: f64) -> Self {
        Self {
            channels: truth
                .channels
                .iter()
                .map(ChannelHyperparameters::from)
                .collect(),
            penalty,
        }
    }
}

/// Unchecked model parameters; a builder. Call [`ModelParams::check`] to validate them.
///
/// | parameter | default | purpose | range |
/// |---|---|---|---|
/// | `fourier_order` | 2 | yearly Fourier pairs `sin/cos(2πk·d/365.25)`, `k = 1…order`, searched first; setting it clears `fourier_alternatives` | `0…=10` |
/// | `fourier_alternatives` | 0, 1, 3 | other orders the rolling-origin CV may choose after the search (see [`super::fitter`]); empty keeps `fourier_order` | `0…=10` each |
/// | `trend` | `true` | linear trend column | |
/// | `holdout` | 0.2 | share of the last weeks held out for reporting (never used to fit or search) | `(0, 0.5]` |
/// | `cv_folds` | 6 | rolling-origin CV folds inside the training weeks | `1…=10` |
/// | `decay_grid` | 0, 0.1, …, 0.9 | candidate adstock decays `θ` | `[0, 1)` |
/// | `half_saturation_grid` | 0.2, 0.35, 0.5, 0.7, 1, 1.4, 2, 3, 5 | candidate `K` as multiples of the channel's mean weekly training spend | `> 0` |
/// | `shape_grid` | 0.6, 1, 1.5, 2, 3 | candidate Hill shapes `s` | `> 0` |
/// | `penalty_grid` | 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1 | candidate ridge penalties `λ` | `> 0` |
/// | `max_sweeps` | 3 | coordinate-descent sweeps over the grids (stops early when a sweep gains nothing) | `≥ 1` |
/// | `refine` | `true` | after the grids, a joint Levenberg–Marquardt polish of every channel's continuous `(θ, ln K, ln s)`, a pattern search on `ln λ`, and a second polish | |
/// | `random_starts` | 24 | seeded random joint grid points tried before the sweeps | `≥ 0` |
/// | `seed` | 42 | seed of the random starts (ChaCha8) | any |
/// | `prior_weight` | 3 | weight of the weak hyper-prior in the search objective (see [`super::search`]); 0 = plain CV error | `≥ 0` |
/// | `refit_all` | `true` | after validation, refit the linear coefficients on all weeks (train + holdout) with the chosen hyper-parameters; metrics always come from the training-only fit | |
/// | `penalise_baseline` | `true` | the ridge penalty also shrinks the trend, Fourier and control coefficients (`false`: media coefficients only; the intercept never) | |
/// | `fixed` | `None` | skip the search and use these hyper-parameters | |
/// | `carryover` | geometric | the carryover form ([`CarryoverForm`]); a Weibull form replaces the decay grid by the `(k, λ)` pairs of `weibull_grid` | geometric, Weibull CDF or PDF (not with `fixed`) |
/// | `weibull_grid` | k ∈ {0.5, 1, 2, 4} × λ ∈ {0.5, 1, 2, 4, 8} weeks, window 13 weeks | the Weibull kernels searched ([`WeibullGrid`]) | k in `(0, 10]`, λ in `(0, L]`, `1 ≤ L ≤ 52` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelParams {
    pub(crate) fourier_order: usize,
    #[serde(default)]
    pub(crate) fourier_alternatives: Vec<usize>,
    pub(crate) trend: bool,
    pub(crate) holdout: f64,
    pub(crate) cv_folds: usize,
    pub(crate) decay_grid: Vec<f64>,
    pub(crate) half_saturation_grid: Vec<f64>,
    pub(crate) shape_grid: Vec<f64>,
    pub(crate) penalty_grid: Vec<f64>,
    pub(crate) max_sweeps: usize,
    pub(crate) refine: bool,
    pub(crate) random_starts: usize,
    pub(crate) seed: u64,
    pub(crate) prior_weight: f64,
    pub(crate) refit_all: bool,
    pub(crate) fixed: Option<FixedHyperparameters>,
    #[serde(default)]
    pub(crate) carryover: CarryoverForm,
    #[serde(default)]
    pub(crate) weibull_grid: WeibullGrid,
    #[serde(default = "penalise_baseline_default")]
    pub(crate) penalise_baseline: bool,
}

/// The default of [`ModelParams::penalise_baseline`] (also for parameters serialised
/// before it existed).
const fn penalise_baseline_default() -> bool {
    true
}

impl Default for ModelParams {
    fn default() -> Self {
        Self {
            fourier_order: 2,
            fourier_alternatives: vec![0, 1, 3],
            trend: true,
            holdout: 0.2,
            cv_folds: 6,
            decay_grid: (0..10).map(|i| i as f64 / 10.0).collect(),
            half_saturation_grid: vec![0.2, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 5.0],
            shape_grid: vec![0.6, 1.0, 1.5, 2.0, 3.0],
            penalty_grid: vec![1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1],
            max_sweeps: 3,
            refine: true,
            random_starts: 24,
            seed: 42,
            prior_weight: 3.0,
            refit_all: true,
            fixed: None,
            carryover: CarryoverForm::Geometric,
            weibull_grid: WeibullGrid::default(),
            penalise_baseline: penalise_baseline_default(),
        }
    }
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, $name: $ty) -> Self {
            self.$name = $name;
            self
        }
    };
}

impl ModelParams {
    /// The defaults (see the table above).
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses this yearly Fourier order as it is: sets the order and clears the
    /// alternatives, so the cross-validation does not choose another one.
    #[must_use]
    pub fn fourier_order(mut self, fourier_order: usize) -> Self {
        self.fourier_order = fourier_order;
        self.fourier_alternatives.clear();
        self
    }
    setter!(
        /// Other yearly Fourier orders that the rolling-origin CV may choose over
        /// `fourier_order` after the search (empty: keep `fourier_order`). Set after
        /// [`ModelParams::fourier_order`], which clears them.
        fourier_alternatives: Vec<usize>
    );
    setter!(
        /// Whether to include a linear trend.
        trend: bool
    );
    setter!(
        /// Share of the last weeks held out.
        holdout: f64
    );
    setter!(
        /// Number of rolling-origin CV folds.
        cv_folds: usize
    );
    setter!(
        /// Candidate adstock decays.
        decay_grid: Vec<f64>
    );
    setter!(
        /// Candidate half-saturations, as multiples of each channel's mean weekly spend.
        half_saturation_grid: Vec<f64>
    );
    setter!(
        /// Candidate Hill shapes.
        shape_grid: Vec<f64>
    );
    setter!(
        /// Candidate ridge penalties.
        penalty_grid: Vec<f64>
    );
    setter!(
        /// Maximum coordinate-descent sweeps.
        max_sweeps: usize
    );
    setter!(
        /// Whether to refine the grid optimum (Levenberg–Marquardt polish of `(θ, ln K, ln s)`,
        /// pattern search on `ln λ`, second polish).
        refine: bool
    );
    setter!(
        /// Number of seeded random starting points.
        random_starts: usize
    );
    setter!(
        /// Seed of the random starts.
        seed: u64
    );
    setter!(
        /// Whether to refit the final coefficients on all weeks after validation.
        refit_all: bool
    );
    setter!(
        /// Weight of the weak hyper-prior in the search objective (0 disables it).
        prior_weight: f64
    );
    setter!(
        /// The carryover form (geometric by default).
        carryover: CarryoverForm
    );
    setter!(
        /// The Weibull `(k, λ)` grid and window, used by the Weibull forms.
        weibull_grid: WeibullGrid
    );
    setter!(
        /// Whether the ridge penalty also shrinks the trend, Fourier and control
        /// coefficients (`false`: only the media coefficients).
        penalise_baseline: bool
    );

    /// Skips the search and fits with these hyper-parameters.
    #[must_use]
    pub fn fixed(mut self, fixed: FixedHyperparameters) -> Self {
        self.fixed = Some(fixed);
        self
    }

    /// Validates every parameter before any work is done.
    ///
    /// # Errors
    /// [`ParamsError::InvalidFourierOrder`], [`ParamsError::InvalidHoldout`],
    /// [`ParamsError::InvalidFolds`], [`ParamsError::EmptyGrid`],
    /// [`ParamsError::InvalidGridValue`], [`ParamsError::InvalidSweeps`], or a
    /// [`ParamsError::Transform`] for an invalid fixed hyper-parameter.
    pub fn check(self) -> Result<ValidParams, ParamsError> {
        if let Some(&order) = std::iter::once(&self.fourier_order)
            .chain(&self.fourier_alternatives)
            .find(|&&o| o > MAX_FOURIER_ORDER)
        {
            return Err(ParamsError::InvalidFourierOrder {
                order,
                max: MAX_FOURIER_ORDER,
            });
        }
        if !(self.holdout.is_finite() && self.holdout > 0.0 && self.holdout <= 0.5) {
            return Err(ParamsError::InvalidHoldout(self.holdout));
        }
        if !(1..=10).contains(&self.cv_folds) {
            return Err(ParamsError::InvalidFolds(self.cv_folds));
        }
        if !(self.prior_weight.is_finite() && self.prior_weight >= 0.0) {
            return Err(ParamsError::InvalidGridValue {
                grid: "prior weight",
                value: self.prior_weight,
                range: ">= 0",
            });
        }
        if self.max_sweeps == 0 {
            return Err(ParamsError::InvalidSweeps);
        }
        check_grid("decay", &self.decay_grid, "[0, 1)", |v| {
            (0.0..1.0).contains(&v)
        })?;
        check_grid("half-saturation", &self.half_saturation_grid, "> 0", |v| {
            v > 0.0
        })?;
        check_grid("shape", &self.shape_grid, "> 0", |v| v > 0.0)?;
        check_grid("penalty", &self.penalty_grid, "> 0", |v| v > 0.0)?;
        CarryoverKernels::new(self.carryover, &self.weibull_grid)?;
        if self.fixed.is_some() && self.carryover != CarryoverForm::Geometric {
            return Err(ParamsError::FixedWeibull(self.carryover));
        }
        if let Some(fixed) = &self.fixed {
            for h in &fixed.channels {
                GeometricAdstock::new(h.decay)?;
                Hill::new(h.half_saturation, h.shape)?;
            }
            check_fixed_penalty(fixed.penalty)?;
        }
        let mut p = self;
        let first = p.fourier_order;
        p.fourier_alternatives.retain(|&o| o != first);
        p.fourier_alternatives.sort_unstable();
        p.fourier_alternatives.dedup();
        for g in [
            &mut p.decay_grid,
            &mut p.half_saturation_grid,
            &mut p.shape_grid,
            &mut p.penalty_grid,
        ] {
            g.sort_by(f64::total_cmp);
            g.dedup();
        }
        Ok(ValidParams(p))
    }
}

impl ModelParams {
    /// Checks these parameters with Weibull kernels held fixed, for refits that keep a
    /// fitted Weibull model's carryover and saturation (the ROI-stability check): the
    /// search is skipped, `grid` becomes the Weibull grid, and each fixed channel's `decay`
    /// is the **index** of its kernel in `grid`'s kernels (shapes outermost; the model's
    /// carryover coordinate), not a geometric `θ`. Crate-internal: the public
    /// [`ModelParams::fixed`] keeps refusing Weibull forms
    /// ([`ParamsError::FixedWeibull`]), as a `θ` there would be ambiguous.
    ///
    /// # Errors
    /// As [`ModelParams::check`]; [`ParamsError::InvalidGridValue`] for a kernel index that
    /// is not a whole number addressing one of `grid`'s kernels, or a penalty `≤ 0`; the
    /// Hill errors for `K` or `s`.
    pub(crate) fn check_fixed_weibull(
        mut self,
        grid: WeibullGrid,
        fixed: FixedHyperparameters,
    ) -> Result<ValidParams, ParamsError> {
        self.weibull_grid = grid;
        self.fixed = None;
        let mut valid = self.check()?;
        let kernels = match valid.carryover_kernels()? {
            CarryoverKernels::Weibull { kernels, .. } => kernels.len(),
            CarryoverKernels::Geometric => {
                return Err(ParamsError::InvalidGridValue {
                    grid: "fixed Weibull kernel (a geometric form was chosen)",
                    value: f64::NAN,
                    range: "a Weibull carryover form",
                });
            }
        };
        for h in &fixed.channels {
            if !(h.decay.fract() == 0.0 && h.decay >= 0.0 && h.decay < kernels as f64) {
                return Err(ParamsError::InvalidGridValue {
                    grid: "fixed Weibull kernel index",
                    value: h.decay,
                    range: "a whole number addressing one of the grid's kernels",
                });
            }
            Hill::new(h.half_saturation, h.shape)?;
        }
        check_fixed_penalty(fixed.penalty)?;
        valid.0.fixed = Some(fixed);
        Ok(valid)
    }
}

fn check_grid(
    grid: &'static str,
    values: &[f64],
    range: &'static str,
    ok: impl Fn(f64) -> bool,
) -> Result<(), ParamsError> {
    if values.is_empty() {
        return Err(ParamsError::EmptyGrid(grid));
    }
    match values.iter().find(|&&v| !(v.is_finite() && ok(v))) {
        Some(&value) => Err(ParamsError::InvalidGridValue { grid, value, range }),
        None => Ok(()),
    }
}

/// Validated model parameters (grids sorted and de-duplicated). Build with
/// [`ModelParams::check`]; fit with [`ValidParams::fit`] or step by step with
/// [`ValidParams::start`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidParams(pub(crate) ModelParams);

impl ValidParams {
    /// Yearly Fourier order searched first (the fitted model's order may be one of
    /// [`ValidParams::fourier_alternatives`]: [`crate::model::FittedModel::fourier_order`]).
    pub fn fourier_order(&self) -> usize {
        self.0.fourier_order
    }
    /// The other yearly Fourier orders the CV may choose (sorted, without `fourier_order`).
    pub fn fourier_alternatives(&self) -> &[usize] {
        &self.0.fourier_alternatives
    }
    /// Whether the trend is included.
    pub fn trend(&self) -> bool {
        self.0.trend
    }
    /// Holdout share.
    pub fn holdout(&self) -> f64 {
        self.0.holdout
    }
    /// CV folds.
    pub fn cv_folds(&self) -> usize {
        self.0.cv_folds
    }
    /// Seed.
    pub fn seed(&self) -> u64 {
        self.0.seed
    }
    /// The fixed hyper-parameters, if the search is skipped.
    pub fn fixed(&self) -> Option<&FixedHyperparameters> {
        self.0.fixed.as_ref()
    }
    /// The unchecked parameters these came from.
    pub fn params(&self) -> &ModelParams {
        &self.0
    }
    /// The carryover form.
    pub fn carryover(&self) -> CarryoverForm {
        self.0.carryover
    }
    /// The kernels the search runs over ([`CarryoverKernels::search_grid`]).
    ///
    /// # Errors
    /// None after [`ModelParams::check`] (which builds them once); a
    /// [`crate::transform::TransformError`] otherwise.
    pub(crate) fn carryover_kernels(
        &self,
    ) -> Result<CarryoverKernels, crate::transform::TransformError> {
        CarryoverKernels::new(self.0.carryover, &self.0.weibull_grid)
    }
}

/// A fixed penalty must be finite and `> 0`.
fn check_fixed_penalty(penalty: f64) -> Result<(), ParamsError> {
    if penalty.is_finite() && penalty > 0.0 {
        Ok(())
    } else {
        Err(ParamsError::InvalidGridValue {
            grid: "fixed penalty",
            value: penalty,
            range: "> 0",
        })
    }
}
