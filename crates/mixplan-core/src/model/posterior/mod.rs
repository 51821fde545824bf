//! Bayesian posterior of the marketing-mix model, sampled with NUTS (nuts-rs).
//!
//! The same mean structure as the point-estimate fit ([`crate::model`]); the channel effect
//! is parameterised by its ROI (Meridian style), every parameter has a stated prior
//! ([`prior`]), the log-density has a hand-written gradient ([`density`]).
//!
//! Not wired into the app or the optimiser yet.

pub mod density;
pub mod diagnostics;
mod draws;
mod error;
pub mod prior;
pub mod sampler;

pub use density::{Layout, PosteriorModel};
pub use diagnostics::{ConvergenceThresholds, Diagnostics, ParameterDiagnostics};
pub use draws::{ChannelDraws, Posterior, equal_tailed_interval};
pub use error::PosteriorError;
pub use prior::{BetaPrior, LogNormalPrior, PriorParams, Priors};
pub use sampler::{PosteriorSampler, SamplerParams, ValidSamplerParams};
