//! What can go wrong, by stage: configuring the model ([`ParamsError`], from
//! [`super::ModelParams::check`]), fitting it to data ([`FitError`], from
//! [`super::ValidParams::fit`]) and querying the fitted model ([`PredictError`]). Problems
//! with the data itself are [`crate::data::DataError`]s, caught when the
//! [`crate::data::WeeklyData`] is built.

use super::ridge::RidgeError;
use crate::response::ResponseError;
use crate::transform::TransformError;
use thiserror::Error;

/// Why model parameters are invalid (checked before any work is done).
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ParamsError {
    /// Fourier order above the supported maximum.
    #[error("Fourier order must be at most {max}, got {order}; use fewer yearly harmonics")]
    InvalidFourierOrder {
        /// Requested order.
        order: usize,
        /// Largest supported order.
        max: usize,
    },
    /// Holdout share outside `(0, 0.5]`.
    #[error(
        "holdout share must be in (0, 0.5], got {0}; e.g. --holdout 0.2 keeps the last 20 % of weeks for testing"
    )]
    InvalidHoldout(f64),
    /// Number of CV folds outside `1..=10`.
    #[error("number of cross-validation folds must be between 1 and 10, got {0}")]
    InvalidFolds(usize),
    /// A search grid is empty.
    #[error("the {0} grid is empty; give it at least one value")]
    EmptyGrid(&'static str),
    /// A search grid value (or the prior weight, or the fixed penalty) is out of range.
    #[error("the {grid} grid holds {value}, which is out of range ({range})")]
    InvalidGridValue {
        /// Which grid.
        grid: &'static str,
        /// The offending value.
        value: f64,
        /// The valid range.
        range: &'static str,
    },
    /// `max_sweeps` is zero.
    #[error("the search needs at least one coordinate sweep")]
    InvalidSweeps,
    /// A fixed hyper-parameter is not a valid transform parameter, or the Weibull
    /// carryover grid is invalid.
    #[error("invalid fixed hyper-parameter or carryover grid: {0}")]
    Transform(#[from] TransformError),
    /// Fixed hyper-parameters with a Weibull carryover form.
    #[error(
        "fixed hyper-parameters give a geometric decay per channel, but the carryover form is {0}; use the geometric form or let the search choose"
    )]
    FixedWeibull(crate::transform::CarryoverForm),
}

/// Why a model could not be fitted to (valid) data.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum FitError {
    /// Fixed hyper-parameters given for a different number of channels than the data has.
    #[error(
        "fixed hyper-parameters are given for {found} channels but the data has {expected}; give one set per channel, in the data's channel order"
    )]
    HyperparameterCount {
        /// Channels in the data.
        expected: usize,
        /// Hyper-parameter sets given.
        found: usize,
    },
    /// Too few weeks for the number of parameters, folds and holdout.
    #[error(
        "{weeks} weeks are too few for this model's cross-validation: the nearest number of weeks that works is {required} (fewer channels, controls or Fourier terms need fewer)"
    )]
    TooFewWeeks {
        /// Weeks in the data.
        weeks: usize,
        /// The smallest number of weeks from `weeks` on that the model accepts.
        required: usize,
    },
    /// The target is constant (or zero) over the training weeks.
    #[error("the target is constant over the training weeks; nothing to explain")]
    ConstantTarget,
    /// The multiplicative form models `ln y`, so every week's target must be above zero.
    #[error(
        "the week of {week} has a target of {value}, and the multiplicative form needs revenue above zero in every week (it models the logarithm of revenue); use the additive form, or drop or fix that week"
    )]
    NonPositiveTarget {
        /// The first such week.
        week: chrono::NaiveDate,
        /// Its target.
        value: f64,
    },
    /// A channel has no spend in the training weeks.
    #[error(
        "channel `{channel}` has no spend in the training weeks; drop it or supply more history"
    )]
    ZeroSpendChannel {
        /// Channel name.
        channel: String,
    },
    /// A channel spends the same every training week, so its effect cannot be told apart
    /// from the baseline.
    #[error(
        "channel `{channel}` spends the same amount every training week, so its effect cannot be separated from the baseline; drop it or merge it into another channel"
    )]
    ConstantChannel {
        /// Channel name.
        channel: String,
    },
    /// A control is constant over the training weeks.
    #[error("control `{control}` is constant over the training weeks; drop it")]
    ConstantControl {
        /// Control name.
        control: String,
    },
    /// The ridge solver failed.
    #[error("ridge fit failed: {0}")]
    Ridge(#[from] RidgeError),
    /// The carryover kernels could not be built (not expected after
    /// [`super::ModelParams::check`]).
    #[error("carryover kernels: {0}")]
    Carryover(#[from] TransformError),
    /// A fitted response curve is invalid.
    #[error(transparent)]
    Response(#[from] ResponseError),
    /// No hyper-parameter candidate gave a finite cross-validation error.
    #[error(
        "the hyper-parameter search found no candidate with a finite cross-validation error; check the data for extreme values or try fixed hyper-parameters"
    )]
    NoValidCandidate,
}

/// Why a fitted model could not answer a query.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PredictError {
    /// A spend vector has the wrong number of channels.
    #[error("expected one spend per channel ({expected}), got {found}")]
    SpendLength {
        /// Channels in the model.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// A planned spend is negative or not finite.
    #[error("spend for channel `{channel}` must be finite and >= 0, got {value}")]
    InvalidSpend {
        /// Channel name.
        channel: String,
        /// The value.
        value: f64,
    },
    /// A channel index is out of range.
    #[error("channel index {index} is out of range (the model has {channels} channels)")]
    UnknownChannel {
        /// Requested index.
        index: usize,
        /// Channels in the model.
        channels: usize,
    },
    /// A spend series cannot be transformed (a value is not finite).
    #[error(transparent)]
    Transform(#[from] TransformError),
}
