//! What can go wrong when estimating price and promotion effects.

use thiserror::Error;

/// Errors of [`super::estimate_pricing`] and the sensitivity functions.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PricingError {
    /// The data have no column of the price index.
    #[error("the data have no price column '{name}' (controls: {available}): name it with --price")]
    MissingPrice {
        /// The name asked for.
        name: String,
        /// The controls the data have.
        available: String,
    },
    /// The data have no column of the promotion depth.
    #[error(
        "the data have no promotion column '{name}' (controls: {available}): name it with --promotion"
    )]
    MissingPromotion {
        /// The name asked for.
        name: String,
        /// The controls the data have.
        available: String,
    },
    /// A price is zero or negative, so its logarithm does not exist.
    #[error(
        "the price column '{name}' has {value} in week {week}: prices must be > 0 for a log-log elasticity; check the column"
    )]
    NonPositivePrice {
        /// Column name.
        name: String,
        /// Week number (0-based).
        week: usize,
        /// The value.
        value: f64,
    },
    /// Revenue minus the media contribution is not positive, so its logarithm does not exist.
    #[error(
        "revenue minus the media contribution is {value} in week {week}: the log-log regression needs it > 0; check the revenue column"
    )]
    NonPositiveBase {
        /// Week number (0-based).
        week: usize,
        /// The value.
        value: f64,
    },
    /// The promotion weeks' revenue without the estimated lift is not positive, so the lift
    /// has no share of it.
    #[error(
        "the promotion weeks would earn {value} on average without the promotion: the estimated lift exceeds their revenue; check the promotion column's units"
    )]
    NonPositivePromotionBase {
        /// Mean revenue of the promotion weeks minus the lift.
        value: f64,
    },
    /// The promotion column is never above 0.
    #[error(
        "the promotion column '{name}' is never above 0: there is no promotion week to measure a lift on"
    )]
    NoPromotionWeeks {
        /// Column name.
        name: String,
    },
    /// A setting is out of range.
    #[error("{0}")]
    Setting(String),
    /// The regression cannot be solved (too few weeks, or collinear columns).
    #[error(
        "the {what} regression cannot be solved: {reason}; use more weeks or drop a control that repeats another"
    )]
    Regression {
        /// Which regression.
        what: &'static str,
        /// Why.
        reason: String,
    },
}
