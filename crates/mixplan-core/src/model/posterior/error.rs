//! What can go wrong when setting up, running or reading the posterior sampler.

use crate::model::FitError;
use thiserror::Error;

/// Errors of the posterior layer ([`super`]).
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PosteriorError {
    /// A prior hyper-parameter is out of its range (see [`super::PriorParams`]).
    #[error("prior `{name}` must be {expected}, got {value}")]
    InvalidPrior {
        /// Which prior setting.
        name: String,
        /// What it must be.
        expected: &'static str,
        /// What was given.
        value: f64,
    },
    /// A channel-specific ROI prior names a channel the data does not have.
    #[error("ROI prior given for unknown channel `{0}`")]
    UnknownChannel(String),
    /// A sampler setting is out of its range (see [`super::SamplerParams`]).
    #[error("sampler setting `{name}` must be {expected}, got {value}")]
    InvalidSetting {
        /// Which setting.
        name: &'static str,
        /// What it must be.
        expected: &'static str,
        /// What was given.
        value: f64,
    },
    /// The fitted model was not fitted on this data.
    #[error("the fitted model does not match the data: {0}")]
    ModelDataMismatch(String),
    /// The design could not be built from the data.
    #[error(transparent)]
    Design(#[from] FitError),
    /// The log-density is not finite at the starting point.
    #[error("the log-density is not finite at the starting point")]
    NonFiniteStart,
    /// nuts-rs reported an unrecoverable error.
    #[error("sampler failed: {0}")]
    Sampler(String),
    /// [`super::PosteriorSampler::finish`] was called before every draw was taken.
    #[error("sampling is not finished ({done} of {total} iterations)")]
    NotFinished {
        /// Iterations done.
        done: usize,
        /// Iterations planned.
        total: usize,
    },
    /// A channel index past the last channel.
    #[error("channel {channel} does not exist ({channels} channels)")]
    ChannelOutOfRange {
        /// Index asked for.
        channel: usize,
        /// Number of channels.
        channels: usize,
    },
    /// A parameter vector of the wrong length.
    #[error("expected a vector of {expected} parameters, got {got}")]
    WrongLength {
        /// [`super::PosteriorModel::dim`].
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// A lift test is invalid or does not fit the data.
    #[error(transparent)]
    LiftTest(#[from] super::lift::LiftTestError),
    /// A holdout posterior asked to observe too few or too many weeks.
    #[error("the posterior must observe between 2 and {weeks} weeks (the data's), got {observed}")]
    ObservedWeeks {
        /// Weeks asked to observe.
        observed: usize,
        /// Weeks in the data.
        weeks: usize,
    },
    /// An interval level outside `(0, 1)`.
    #[error("interval level must be in (0, 1), got {0}")]
    InvalidLevel(f64),
}
