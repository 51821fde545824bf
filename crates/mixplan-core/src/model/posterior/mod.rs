//! Bayesian posterior of the marketing-mix model, sampled with NUTS (nuts-rs).
//!
//! The same mean structure as the point-estimate fit ([`crate::model`]); the channel effect
//! is parameterised by its ROI (Meridian style), every parameter has a stated prior
//! ([`prior`]), the log-density has a hand-written gradient ([`density`]).
//!
//! Not wired into the app or the optimiser yet. The method, the priors, the diagnostics and
//! measured numbers are in `docs/posterior.md`.
//!
//! | file | job |
//! |---|---|
//! | [`prior`] | the priors, their defaults and validation ([`PriorParams`] → [`Priors`]) |
//! | [`carryover`] | the sampled carryover form and the Weibull weights' derivatives ([`SampledCarryover`]) |
//! | [`density`] | the log posterior density and its hand-written gradient ([`PosteriorModel`]) |
//! | [`sampler`] | the nuts-rs glue and the step-wise driver ([`SamplerParams`], [`PosteriorSampler`]) |
//! | [`diagnostics`] | rank-normalised split R̂, bulk ESS, the converged flag |
//! | `draws` | the draws in currency and their summaries ([`Posterior`]) |
//! | [`lift`] | lift tests: validation, CSV, their place in the likelihood ([`LiftTest`]) |
//! | [`mean_curve`] | the posterior-mean response curve and the exact optimum of a sum of them |
//! | [`recommend`] | the recommendation rule ([`RecommendParams`] → [`Recommendation`]) |
//! | [`support`] | the spend range the data cover, which bounds the rule ([`SpendSupport`]) |
//!
//! # Usage
//!
//! ```no_run
//! use mixplan_core::model::ModelParams;
//! use mixplan_core::model::posterior::{PosteriorModel, PriorParams, SamplerParams, LogNormalPrior};
//! # fn run(data: &mixplan_core::data::WeeklyData) -> Result<(), Box<dyn std::error::Error>> {
//! let fitted = ModelParams::default().check()?.fit(data, |_, _| {})?;
//! // A business prior: Email's ROI is around 4 (median), within a factor of about 1.6.
//! let priors = PriorParams::new()
//!     .channel_roi("email", LogNormalPrior::new(4.0, 0.3))
//!     .check()?;
//! let model = PosteriorModel::new(data, &fitted, &priors)?;
//! let mut sampler = SamplerParams::new().seed(7).check()?.start(model);
//! while !sampler.is_finished() {
//!     let (done, total) = sampler.step()?; // a worker posts progress here, or stops
//!     let _ = (done, total);
//! }
//! let posterior = sampler.finish()?;
//! let (low, high) = posterior.roi_interval(0, 0.9)?;
//! let expected = posterior.mean_response(0, 10_000.0)?;
//! println!("ROI 90 % [{low:.2}, {high:.2}], E[f(10k)] = {expected:.0}, converged {}",
//!     posterior.diagnostics().converged);
//! # Ok(()) }
//! ```

pub mod carryover;
pub mod density;
pub mod diagnostics;
mod draws;
mod error;
pub mod lift;
pub mod log_revenue_optimum;
pub mod mean_curve;
pub mod prior;
pub mod recommend;
pub mod sampler;
pub mod support;

pub use carryover::SampledCarryover;
pub use density::{Layout, PosteriorModel};
pub use diagnostics::{ConvergenceThresholds, Diagnostics, ParameterDiagnostics};
pub use draws::{ChannelDraws, ControlDraws, Posterior, equal_tailed_interval};
pub use error::PosteriorError;
pub use lift::{
    LIFT_TEST_COLUMNS, LiftTest, LiftTestError, TruthLiftTests, lift_tests_from_truth,
    read_lift_tests, write_lift_tests,
};
pub use log_revenue_optimum::{
    LogRevenueDraw, LogRevenueOptimum, LogRevenueOptimumError, MinoriseMaximise,
    optimize_log_revenue_mean,
};
pub use mean_curve::{CurvePiece, MeanOptimum, MeanResponse, optimize_mean_curves};
pub use prior::{BetaPrior, LogNormalPrior, PriorParams, Priors, ROI_BELIEF_LEVEL, RoiBelief};
pub use recommend::{
    PartialStep, PosteriorCurves, RecommendError, RecommendParams, Recommendation, SplitAssessment,
    ValidRecommendParams, Verdict, feasible_current,
};
pub use sampler::{MassMatrix, PosteriorSampler, RunLength, SamplerParams, ValidSamplerParams};
pub use support::{DEFAULT_SUPPORT_QUANTILES, SpendSupport};
