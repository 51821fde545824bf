//! What can go wrong when separating a channel's direct effect from its effect through a
//! mediator.

use thiserror::Error;

/// Errors of [`super::MediationParams::check`], [`super::estimate_mediation`] and the splits.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MediationError {
    /// No source channel was named and no channel's name contains "social".
    #[error("no social channel in the data (channels: {available}): name one with --source")]
    NoSource {
        /// The channels the data have.
        available: String,
    },
    /// A named channel is not in the data.
    #[error("the data have no channel '{name}' (channels: {available}): check the {role}'s name")]
    UnknownChannel {
        /// The name asked for.
        name: String,
        /// "mediator" or "source".
        role: &'static str,
        /// The channels the data have.
        available: String,
    },
    /// The mediator's clicks are needed and were not given.
    #[error("no clicks for {mediator}: {how}")]
    MissingClicks {
        /// The mediator channel.
        mediator: String,
        /// How to give them.
        how: String,
    },
    /// A source is also the mediator.
    #[error("'{0}' is given as both a source and the mediator; name different channels")]
    SourceIsMediator(String),
    /// The mediator series does not have one value per week.
    #[error(
        "{found} weekly values of the mediator's {metric} for {expected} weeks: give one per week"
    )]
    MediatorLength {
        /// What the series is (clicks or spend).
        metric: &'static str,
        /// Weeks of the data.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// The mediator series has a value that is not finite or is negative.
    #[error(
        "the mediator's {metric} is {value} in week {week}: counts and spend must be finite and >= 0; check the column"
    )]
    InvalidMediator {
        /// What the series is.
        metric: &'static str,
        /// Week number (0-based).
        week: usize,
        /// The value.
        value: f64,
    },
    /// The mediator never moves, so nothing can be learnt about it.
    #[error("the mediator's {metric} is the same every week: there is nothing to explain")]
    ConstantMediator {
        /// What the series is.
        metric: &'static str,
    },
    /// A source channel never spends.
    #[error("the source channel '{0}' has no spend in the data: there is no effect to measure")]
    NoSpend(String),
    /// A setting is out of range.
    #[error("{0}")]
    Setting(String),
    /// A regression cannot be solved.
    #[error("the {stage} regression cannot be solved: {reason}; use more weeks or fewer channels")]
    Regression {
        /// "stage 1" or "stage 2".
        stage: &'static str,
        /// Why.
        reason: String,
    },
    /// Too many bootstrap resamples could not be fitted.
    #[error(
        "only {fitted} of {draws} bootstrap resamples could be fitted (collinear columns in the rest): the interval would not be trustworthy; use more weeks"
    )]
    Bootstrap {
        /// Resamples fitted.
        fitted: usize,
        /// Resamples drawn.
        draws: usize,
    },
    /// A response curve for the optimiser could not be built.
    #[error("cannot build the response curve of '{channel}': {reason}")]
    Curve {
        /// The channel.
        channel: String,
        /// Why.
        reason: String,
    },
    /// The multiplicative form models ln revenue, which needs revenue above zero every week.
    #[error(
        "the revenue is {value} in the week of {week}: the multiplicative form models ln revenue, which needs revenue above zero every week; use the additive form"
    )]
    NonPositiveRevenue {
        /// The first such week.
        week: chrono::NaiveDate,
        /// Its revenue.
        value: f64,
    },
    /// The splits were asked in a form other than the estimate's.
    #[error(
        "the mediation was estimated in the {estimated} form and the budget split was asked in the {asked} form; split with the model the estimate came from"
    )]
    FormMismatch {
        /// The estimate's form.
        estimated: crate::model::ModelForm,
        /// The form of the revenue given to the splits.
        asked: crate::model::ModelForm,
    },
    /// The optimiser refused the problem.
    #[error("the budget split failed: {0}")]
    Optimize(String),
}
