//! Drawing from the posterior with NUTS (nuts-rs): settings ([`SamplerParams`] →
//! [`ValidSamplerParams`]), the glue that hands [`PosteriorModel`] to nuts-rs, and a
//! step-wise driver ([`PosteriorSampler`]) that a web worker can advance a few draws at a
//! time, posting progress and stopping between steps.
//!
//! # Method
//!
//! * NUTS with nuts-rs' adaptation (dual-averaging step size to the target acceptance rate
//!   0.9; by default a diagonal plus low-rank mass matrix from draws and gradients,
//!   [`MassMatrix::LowRank`]), maximum tree depth 10;
//! * `chains` chains run one after another (no threads, so it runs in wasm32 too); chain
//!   `i` is nuts-rs chain `i`, all chains' random streams come from one ChaCha8 generator
//!   seeded with `seed`, so a run is deterministic per seed;
//! * every chain starts at the point estimate ([`PosteriorModel::start`]: the fitted
//!   model's hyper-parameters and coefficients) plus independent uniform jitter of
//!   `± jitter` on every unconstrained coordinate;
//! * the first `warmup` iterations of each chain adapt and are dropped, the next `draws` are
//!   kept; divergences are counted on the kept draws.

use super::density::{CarryoverPoint, PosteriorModel};
use super::diagnostics::{ConvergenceThresholds, Diagnostics};
use super::draws::{ChannelDraws, ControlDraws, Posterior};
use super::error::PosteriorError;
use crate::response::HillResponse;
#[cfg(not(target_arch = "wasm32"))]
use nuts_rs::LowRankNutsSettings;
use nuts_rs::{
    Chain, CpuLogpFunc, CpuMath, CpuMathError, DiagNutsSettings, HasDims, LogpError, Progress,
    Settings,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use thiserror::Error;

/// Iterations one [`PosteriorSampler::step`] runs at most.
pub const ITERATIONS_PER_STEP: usize = 25;

/// The log-density is not finite at a point NUTS tried (treated as a divergence).
#[derive(Debug, Clone, Copy, Error)]
#[error("the log-density or its gradient is not finite here")]
pub struct NonFiniteDensity;

impl LogpError for NonFiniteDensity {
    fn is_recoverable(&self) -> bool {
        true
    }
}

impl HasDims for PosteriorModel {
    fn dim_sizes(&self) -> HashMap<String, u64> {
        HashMap::from([("unconstrained_parameter".to_string(), self.dim() as u64)])
    }
}

impl CpuLogpFunc for PosteriorModel {
    type LogpError = NonFiniteDensity;
    type FlowParameters = ();
    type ExpandedVector = Vec<f64>;

    fn dim(&self) -> usize {
        self.layout().dim()
    }

    fn logp(&mut self, position: &[f64], gradient: &mut [f64]) -> Result<f64, NonFiniteDensity> {
        let value = self.log_density_unchecked(position, gradient);
        if value.is_finite() && gradient.iter().all(|g| g.is_finite()) {
            Ok(value)
        } else {
            Err(NonFiniteDensity)
        }
    }

    fn expand_vector<R: nuts_rs::rand::Rng + ?Sized>(
        &mut self,
        _rng: &mut R,
        array: &[f64],
    ) -> Result<Vec<f64>, CpuMathError> {
        Ok(array.to_vec())
    }
}

/// How NUTS adapts its mass matrix during warm-up (nuts-rs' two Euclidean adaptations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MassMatrix {
    /// Diagonal: one scale per coordinate, from the draws' and gradients' variances. The
    /// default in wasm32 (the page).
    #[cfg_attr(target_arch = "wasm32", default)]
    Diagonal,
    /// Diagonal plus a low-rank correction along the directions where the draws' and
    /// gradients' covariance differ most from the diagonal (nuts-rs' low-rank adaptation):
    /// follows the posterior's correlated ridges, such as intercept against channel
    /// effects. The default natively (the CLI, the benchmarks); not built for wasm32, where
    /// its linear algebra (faer) put the page's bundle over its 2.5 MB goal:
    /// [`SamplerParams::check`] refuses it there.
    #[cfg_attr(not(target_arch = "wasm32"), default)]
    LowRank,
}

/// How long (and how carefully) the browser samples: two presets of 2 chains with the
/// diagonal mass matrix (the only one built for wasm32, [`MassMatrix`]), for a page that must
/// answer within seconds.
///
/// | length | per chain | target acceptance | measured (native, diagonal, sampler seeds 1–20, runs converged) |
/// |---|---|---|---|
/// | [`RunLength::Standard`] | 300 warm-up + 800 kept | 0.9 | Conjura 10, PyMC-Marketing example 16, Robyn 16, Meridian 2, store 18 |
/// | [`RunLength::Longer`] | 500 warm-up + 1,600 kept | 0.95 | Conjura 20, PyMC-Marketing example 20, Robyn 18, Meridian 16, store 20 |
///
/// The standard run's failures are a short run's (R̂ 1.010–1.024, bulk ESS just short: more
/// draws cure them) or a few divergent transitions (Meridian: 1–19 of 3,200 even with the
/// longer length at 0.9; a smaller step, from the higher target acceptance, cures them).
/// (`cargo run --release -p mixplan-core --example convergence_survey -- --seeds 20 --page |
/// --page-longer`; `docs/posterior.md`, "A longer run on demand".) The standard run is what the
/// page samples after every fit; the longer one, about twice the work, is what the user asks
/// for when the standard run did not converge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RunLength {
    /// 2 × (300 + 800), target acceptance 0.9.
    #[default]
    Standard,
    /// 2 × (500 + 1,600), target acceptance 0.95.
    Longer,
}

impl RunLength {
    /// Chains of both presets.
    pub const CHAINS: usize = 2;

    /// `(warm-up, kept draws)` per chain.
    pub fn iterations(self) -> (usize, usize) {
        match self {
            Self::Standard => (300, 800),
            Self::Longer => (500, 1600),
        }
    }

    /// The step-size adaptation's target acceptance rate.
    pub fn target_accept(self) -> f64 {
        match self {
            Self::Standard => 0.9,
            Self::Longer => 0.95,
        }
    }

    /// The preset's sampler: the defaults with [`RunLength::CHAINS`] chains, the preset's
    /// warm-up, draws and target acceptance, and the diagonal mass matrix.
    pub fn sampler(self) -> SamplerParams {
        let (warmup, draws) = self.iterations();
        SamplerParams::new()
            .chains(Self::CHAINS)
            .warmup(warmup)
            .draws(draws)
            .target_accept(self.target_accept())
            .mass_matrix(MassMatrix::Diagonal)
    }

    /// The preset whose run kept `draws_per_chain` draws per chain, if one did.
    pub fn of_draws_per_chain(draws_per_chain: usize) -> Option<Self> {
        [Self::Standard, Self::Longer]
            .into_iter()
            .find(|length| length.iterations().1 == draws_per_chain)
    }
}

/// Unchecked sampler settings; a builder. [`SamplerParams::check`] validates them.
///
/// | setting | default | meaning | range |
/// |---|---|---|---|
/// | `chains` | 4 | chains, run one after another | `1…=16` |
/// | `warmup` | 500 | adaptation iterations per chain (dropped) | `≥ 10` |
/// | `draws` | 750 | kept draws per chain | `≥ 4` |
/// | `seed` | 42 | ChaCha8 seed of the jitter and of every chain | any |
/// | `jitter` | 0.1 | half-width of the uniform jitter of the starting point, unconstrained scale | `[0, 2]` |
/// | `target_accept` | 0.9 | step-size adaptation target | `(0, 1)` |
/// | `max_tree_depth` | 10 | NUTS tree depth limit (at most `2^depth` leapfrog steps) | `1…=15` |
/// | `mass_matrix` | low-rank | mass-matrix adaptation ([`MassMatrix`]) | |
/// | `thresholds` | R̂ ≤ 1.01, ESS ≥ 100/chain, 0 divergences | for the converged flag ([`ConvergenceThresholds`]) | |
///
/// The defaults were measured on the simulated store (156 weeks × 5 channels, 30
/// parameters; `examples/posterior.rs`, `docs/posterior.md`): 500 + 500 per chain meets every
/// threshold with seeds 42 and 7 (min bulk ESS ≈ 630 of 2000 draws) in 4–7 s natively;
/// 500 + 250 did not (min bulk ESS ≈ 280–330 < 400).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamplerParams {
    chains: usize,
    warmup: usize,
    draws: usize,
    seed: u64,
    jitter: f64,
    target_accept: f64,
    max_tree_depth: u64,
    #[serde(default)]
    mass_matrix: MassMatrix,
    thresholds: ConvergenceThresholds,
}

impl Default for SamplerParams {
    fn default() -> Self {
        Self {
            chains: 4,
            warmup: 500,
            draws: 750,
            seed: 42,
            jitter: 0.1,
            target_accept: 0.9,
            max_tree_depth: 10,
            mass_matrix: MassMatrix::default(),
            thresholds: ConvergenceThresholds::default(),
        }
    }
}

macro_rules! setter {
    ($name:ident, $ty:ty, $doc:literal) => {
        #[doc = $doc]
        pub fn $name(mut self, $name: $ty) -> Self {
            self.$name = $name;
            self
        }
    };
}

impl SamplerParams {
    /// The defaults of the table above.
    pub fn new() -> Self {
        Self::default()
    }

    setter!(chains, usize, "Number of chains.");
    setter!(warmup, usize, "Warm-up (adaptation) iterations per chain.");
    setter!(draws, usize, "Kept draws per chain.");
    setter!(seed, u64, "Seed of the ChaCha8 generator.");
    setter!(jitter, f64, "Half-width of the starting-point jitter.");
    setter!(
        target_accept,
        f64,
        "Target acceptance rate of the step-size adaptation."
    );
    setter!(max_tree_depth, u64, "Maximum NUTS tree depth.");
    setter!(mass_matrix, MassMatrix, "Mass-matrix adaptation.");
    setter!(
        thresholds,
        ConvergenceThresholds,
        "Thresholds of the converged flag."
    );

    /// Validates every setting.
    ///
    /// # Errors
    /// [`PosteriorError::InvalidSetting`] for a setting outside the range in the table.
    pub fn check(self) -> Result<ValidSamplerParams, PosteriorError> {
        let invalid = |name, expected, value: f64| {
            Err(PosteriorError::InvalidSetting {
                name,
                expected,
                value,
            })
        };
        if !(1..=16).contains(&self.chains) {
            return invalid("chains", "between 1 and 16", self.chains as f64);
        }
        if self.warmup < 10 {
            return invalid("warmup", "at least 10", self.warmup as f64);
        }
        if self.draws < 4 {
            return invalid("draws", "at least 4", self.draws as f64);
        }
        if !(0.0..=2.0).contains(&self.jitter) {
            return invalid("jitter", "between 0 and 2", self.jitter);
        }
        if !(self.target_accept > 0.0 && self.target_accept < 1.0) {
            return invalid("target_accept", "in (0, 1)", self.target_accept);
        }
        #[cfg(target_arch = "wasm32")]
        if self.mass_matrix == MassMatrix::LowRank {
            return Err(PosteriorError::Sampler(
                "the low-rank mass matrix is not built for wasm32 (the page): use \
                 MassMatrix::Diagonal"
                    .into(),
            ));
        }
        if !(1..=15).contains(&self.max_tree_depth) {
            return invalid(
                "max_tree_depth",
                "between 1 and 15",
                self.max_tree_depth as f64,
            );
        }
        let t = self.thresholds;
        if !(t.max_r_hat >= 1.0 && t.max_r_hat.is_finite()) {
            return invalid("thresholds.max_r_hat", "at least 1 and finite", t.max_r_hat);
        }
        if !(t.min_bulk_ess_per_chain >= 0.0 && t.min_bulk_ess_per_chain.is_finite()) {
            return invalid(
                "thresholds.min_bulk_ess_per_chain",
                "non-negative and finite",
                t.min_bulk_ess_per_chain,
            );
        }
        Ok(ValidSamplerParams(self))
    }
}

/// Validated sampler settings ([`SamplerParams::check`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidSamplerParams(SamplerParams);

impl ValidSamplerParams {
    /// The settings.
    pub fn params(&self) -> &SamplerParams {
        &self.0
    }

    /// Iterations in the whole run, `chains · (warmup + draws)`.
    pub fn total_iterations(&self) -> usize {
        self.0.chains * (self.0.warmup + self.0.draws)
    }

    /// A step-wise sampler for `model`; advance it with [`PosteriorSampler::step`].
    pub fn start(&self, model: PosteriorModel) -> PosteriorSampler {
        let p = &self.0;
        // The same settings for either adaptation's settings type.
        macro_rules! nuts_settings {
            ($settings:ident) => {{
                let defaults = $settings::default();
                let mut adapt_options = defaults.adapt_options;
                adapt_options.step_size_settings.target_accept = p.target_accept;
                $settings {
                    num_tune: p.warmup as u64,
                    num_draws: p.draws as u64,
                    num_chains: p.chains,
                    seed: p.seed,
                    maxdepth: p.max_tree_depth,
                    adapt_options,
                    ..defaults
                }
            }};
        }
        let settings = match p.mass_matrix {
            #[cfg(not(target_arch = "wasm32"))]
            MassMatrix::LowRank => NutsSettingsKind::LowRank(nuts_settings!(LowRankNutsSettings)),
            // In wasm32 `check` refuses `LowRank`: only `Diagonal` gets here.
            _ => NutsSettingsKind::Diagonal(nuts_settings!(DiagNutsSettings)),
        };
        PosteriorSampler {
            params: self.clone(),
            settings,
            rng: ChaCha8Rng::seed_from_u64(p.seed),
            model,
            chain: None,
            chain_index: 0,
            iteration: 0,
            kept: Vec::with_capacity(p.chains * p.draws),
            divergences: 0,
            step_sizes: Vec::with_capacity(p.chains),
            leapfrog_steps: 0,
        }
    }

    /// Runs the whole sampler, calling `progress(done, total)` after every step.
    ///
    /// # Errors
    /// [`PosteriorError::Sampler`] if nuts-rs fails.
    pub fn sample(
        &self,
        model: PosteriorModel,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Posterior, PosteriorError> {
        let mut sampler = self.start(model);
        while !sampler.is_finished() {
            let (done, total) = sampler.step()?;
            progress(done, total);
        }
        sampler.finish()
    }
}

/// nuts-rs settings of either mass-matrix adaptation.
#[derive(Debug, Clone, Copy)]
enum NutsSettingsKind {
    Diagonal(DiagNutsSettings),
    #[cfg(not(target_arch = "wasm32"))]
    LowRank(LowRankNutsSettings),
}

/// A nuts-rs chain of either mass-matrix adaptation.
enum NutsChain {
    Diagonal(<DiagNutsSettings as Settings>::Chain<CpuMath<PosteriorModel>>),
    #[cfg(not(target_arch = "wasm32"))]
    LowRank(<LowRankNutsSettings as Settings>::Chain<CpuMath<PosteriorModel>>),
}

impl NutsChain {
    fn draw(&mut self) -> Result<(Box<[f64]>, Progress), String> {
        match self {
            Self::Diagonal(chain) => chain.draw().map_err(|e| e.to_string()),
            #[cfg(not(target_arch = "wasm32"))]
            Self::LowRank(chain) => chain.draw().map_err(|e| e.to_string()),
        }
    }

    fn set_position(&mut self, position: &[f64]) -> Result<(), String> {
        match self {
            Self::Diagonal(chain) => chain.set_position(position).map_err(|e| e.to_string()),
            #[cfg(not(target_arch = "wasm32"))]
            Self::LowRank(chain) => chain.set_position(position).map_err(|e| e.to_string()),
        }
    }
}

/// A sampling run cut into steps of at most [`ITERATIONS_PER_STEP`] iterations, so a UI or
/// worker can report progress and cancel (drop it) between steps. The core does no timing.
pub struct PosteriorSampler {
    params: ValidSamplerParams,
    settings: NutsSettingsKind,
    rng: ChaCha8Rng,
    model: PosteriorModel,
    chain: Option<NutsChain>,
    chain_index: usize,
    iteration: usize,
    kept: Vec<Box<[f64]>>,
    divergences: usize,
    step_sizes: Vec<f64>,
    leapfrog_steps: u64,
}

impl std::fmt::Debug for PosteriorSampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (done, total) = self.progress();
        f.debug_struct("PosteriorSampler")
            .field("params", &self.params)
            .field("done", &done)
            .field("total", &total)
            .field("divergences", &self.divergences)
            .finish_non_exhaustive()
    }
}

impl PosteriorSampler {
    /// `(iterations done, iterations in the run)`.
    pub fn progress(&self) -> (usize, usize) {
        let p = self.params.params();
        (
            self.chain_index * (p.warmup + p.draws) + self.iteration,
            self.params.total_iterations(),
        )
    }

    /// `true` once every chain has run.
    pub fn is_finished(&self) -> bool {
        self.chain_index >= self.params.params().chains
    }

    /// Runs up to [`ITERATIONS_PER_STEP`] iterations; returns [`PosteriorSampler::progress`].
    ///
    /// # Errors
    /// [`PosteriorError::Sampler`] if nuts-rs fails (an unrecoverable error).
    pub fn step(&mut self) -> Result<(usize, usize), PosteriorError> {
        let p = self.params.params().clone();
        let per_chain = p.warmup + p.draws;
        let mut budget = ITERATIONS_PER_STEP;
        while budget > 0 && !self.is_finished() {
            if self.chain.is_none() {
                self.chain = Some(self.new_chain(p.jitter)?);
            }
            let Some(chain) = self.chain.as_mut() else {
                break;
            };
            let (draw, info) = chain.draw().map_err(PosteriorError::Sampler)?;
            self.leapfrog_steps += info.num_steps;
            if self.iteration >= p.warmup {
                self.divergences += usize::from(info.diverging);
                self.kept.push(draw);
            }
            self.iteration += 1;
            budget -= 1;
            if self.iteration == per_chain {
                self.step_sizes.push(info.step_size);
                self.chain = None;
                self.chain_index += 1;
                self.iteration = 0;
            }
        }
        Ok(self.progress())
    }

    /// A new nuts-rs chain at the jittered starting point.
    fn new_chain(&mut self, jitter: f64) -> Result<NutsChain, PosteriorError> {
        let math = CpuMath::new(self.model.clone());
        let index = self.chain_index as u64;
        let mut chain = match &self.settings {
            NutsSettingsKind::Diagonal(settings) => settings
                .new_chain(index, math, &mut self.rng)
                .map(NutsChain::Diagonal),
            #[cfg(not(target_arch = "wasm32"))]
            NutsSettingsKind::LowRank(settings) => settings
                .new_chain(index, math, &mut self.rng)
                .map(NutsChain::LowRank),
        }
        .map_err(|e| PosteriorError::Sampler(e.to_string()))?;
        let start: Vec<f64> = self
            .model
            .start()
            .iter()
            .map(|v| {
                if jitter > 0.0 {
                    v + self.rng.random_range(-jitter..jitter)
                } else {
                    *v
                }
            })
            .collect();
        chain
            .set_position(&start)
            .map_err(PosteriorError::Sampler)?;
        Ok(chain)
    }

    /// The posterior mean of the model's mean, `E[μ_t | y]` in currency for every week: the
    /// average over the kept draws of [`PosteriorModel::predicted_mean`]. With
    /// [`PosteriorModel::observing_first`] the weeks past the observed ones are out-of-sample
    /// forecasts (the prediction PyMC-Marketing scores a holdout with).
    ///
    /// # Errors
    /// [`PosteriorError::NotFinished`] before the last step.
    pub fn mean_prediction(&mut self) -> Result<Vec<f64>, PosteriorError> {
        if !self.is_finished() {
            let (done, total) = self.progress();
            return Err(PosteriorError::NotFinished { done, total });
        }
        let mut sum: Vec<f64> = Vec::new();
        for draw in &self.kept {
            let mean = self.model.predicted_mean(draw)?;
            if sum.is_empty() {
                sum = mean;
            } else {
                sum.iter_mut().zip(&mean).for_each(|(s, m)| *s += m);
            }
        }
        let draws = self.kept.len().max(1) as f64;
        Ok(sum.into_iter().map(|s| s / draws).collect())
    }

    /// The draws in currency with their diagnostics.
    ///
    /// # Errors
    /// [`PosteriorError::NotFinished`] before the last step; [`PosteriorError::Sampler`] if
    /// a draw gives an invalid response curve (non-finite coefficient).
    pub fn finish(mut self) -> Result<Posterior, PosteriorError> {
        if !self.is_finished() {
            let (done, total) = self.progress();
            return Err(PosteriorError::NotFinished { done, total });
        }
        let p = self.params.params().clone();
        let model = &mut self.model;
        let layout = model.layout();
        let scaling = model.scaling().clone();
        let names = model.channel_names().to_vec();
        let mut channels: Vec<ChannelDraws> = names
            .iter()
            .map(|name| ChannelDraws {
                name: name.clone(),
                decay: Vec::new(),
                weibull_shape: Vec::new(),
                weibull_scale: Vec::new(),
                half_saturation: Vec::new(),
                shape: Vec::new(),
                coefficient: Vec::new(),
                roi: Vec::new(),
                responses: Vec::new(),
            })
            .collect();
        let mut noise = Vec::with_capacity(self.kept.len());
        let mut controls: Vec<ControlDraws> = scaling
            .controls
            .iter()
            .map(|c| ControlDraws {
                name: c.name.clone(),
                coefficient: Vec::with_capacity(self.kept.len()),
            })
            .collect();
        for draw in &self.kept {
            for (out, value) in controls.iter_mut().zip(model.control_coefficients(draw)) {
                out.coefficient.push(value);
            }
            for (c, out) in channels.iter_mut().enumerate() {
                let point = model.channel_point(draw, c);
                let coefficient = model.channel_coefficient(draw, c) * scaling.target;
                let half_saturation = point.k * scaling.spend[c];
                let response = HillResponse::new(coefficient, half_saturation, point.shape)
                    .map_err(|e| PosteriorError::Sampler(format!("invalid draw: {e}")))?;
                match point.carryover {
                    CarryoverPoint::Geometric { decay } => out.decay.push(decay),
                    CarryoverPoint::Weibull {
                        log_shape,
                        log_scale,
                    } => {
                        out.weibull_shape.push(log_shape.exp());
                        out.weibull_scale.push(log_scale.exp());
                    }
                }
                out.half_saturation.push(half_saturation);
                out.shape.push(point.shape);
                out.coefficient.push(coefficient);
                out.roi.push(point.roi);
                out.responses.push(response);
            }
            noise.push(draw[layout.log_noise()].exp() * scaling.target);
        }
        let by_parameter: Vec<Vec<Vec<f64>>> = (0..layout.dim())
            .map(|i| {
                self.kept
                    .chunks(p.draws)
                    .map(|chain| chain.iter().map(|d| d[i]).collect())
                    .collect()
            })
            .collect();
        let diagnostics = Diagnostics::new(
            &model.parameter_names(),
            &by_parameter,
            self.divergences,
            p.thresholds,
        );
        Ok(Posterior {
            channels,
            total_spend: model.total_spend(),
            noise,
            controls,
            diagnostics,
            step_sizes: self.step_sizes,
            leapfrog_steps: self.leapfrog_steps,
        })
    }
}
