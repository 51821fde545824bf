//! [`OptimizeError`]: why a budget problem could not be built or solved.

use thiserror::Error;

use crate::format::money;

/// Why a budget problem could not be built or solved. Every message says what to change.
///
/// Channels are identified by their position (0-based) in the slice of curves; callers that
/// know the names (the CLI, the app) can use [`OptimizeError::channel`] to say it better.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum OptimizeError {
    /// The problem has no channels.
    #[error("there are no channels to allocate the budget to; add at least one channel")]
    NoChannels,
    /// The curves, bounds or current spend slices have different lengths.
    #[error("{what} has {found} entries but there are {expected} channels; give one per channel")]
    LengthMismatch {
        /// Which input is the wrong length (`"bounds"`, `"current spend"`).
        what: &'static str,
        /// Number of channels (curves).
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// The budget is negative, zero where a positive one is needed, or not finite.
    #[error("the budget must be a finite amount >= 0, got {0}; enter a valid weekly budget")]
    InvalidBudget(f64),
    /// A channel's minimum is negative or not finite, or its maximum is below its minimum or
    /// NaN.
    #[error(
        "channel {channel}: the spend range [{min}, {max}] is invalid; the minimum must be a \
         finite amount >= 0 and the maximum at least the minimum"
    )]
    InvalidBounds {
        /// Channel index.
        channel: usize,
        /// The minimum given.
        min: f64,
        /// The maximum given.
        max: f64,
    },
    /// The channel minimums (including locked spends) add up to more than the budget.
    #[error(
        "the minimums add up to {}, {} more than the budget of {}; lower a minimum or raise \
         the budget",
        money(*minimums), money(*excess), money(*budget)
    )]
    MinimumsExceedBudget {
        /// Σ minimums.
        minimums: f64,
        /// The budget.
        budget: f64,
        /// `minimums − budget` (> 0).
        excess: f64,
    },
    /// The channel maximums (including locked spends) add up to less than the budget.
    #[error(
        "the maximums add up to {}, {} less than the budget of {}; raise a maximum or lower \
         the budget",
        money(*maximums), money(*shortfall), money(*budget)
    )]
    MaximumsBelowBudget {
        /// Σ maximums.
        maximums: f64,
        /// The budget.
        budget: f64,
        /// `budget − maximums` (> 0).
        shortfall: f64,
    },
    /// A current (plan) spend is negative or not finite.
    #[error(
        "channel {channel}: the current spend {value} is invalid; it must be a finite amount >= 0"
    )]
    InvalidSpend {
        /// Channel index.
        channel: usize,
        /// The value given.
        value: f64,
    },
    /// In extra-budget mode, a channel's current spend is above its maximum.
    #[error(
        "channel {channel}: the current spend {} is above its maximum of {}; raise the \
         maximum or lower the current spend",
        money(*current), money(*max)
    )]
    CurrentAboveMaximum {
        /// Channel index.
        channel: usize,
        /// Current spend.
        current: f64,
        /// The channel's maximum.
        max: f64,
    },
    /// The extra budget is negative or not finite.
    #[error("the extra budget must be a finite amount >= 0, got {0}")]
    InvalidExtraBudget(f64),
    /// The target ROAS is not a finite positive number.
    #[error("the target ROAS must be a finite number > 0, got {0}")]
    InvalidTargetRoas(f64),
    /// No budget reaches the target ROAS.
    #[error(
        "no budget reaches a media ROAS of {target}: the best found is {best_roas:.4} (at a \
         budget of {}); lower the target{}",
        money(*best_budget),
        if *minimums > 0.0 { " or the channel minimums" } else { "" }
    )]
    TargetRoasUnreachable {
        /// The target asked for.
        target: f64,
        /// The best media ROAS the search saw.
        best_roas: f64,
        /// The budget where it saw it.
        best_budget: f64,
        /// Σ minimums, the smallest budget the bounds allow.
        minimums: f64,
    },
    /// A multiplicative revenue form's base (weekly revenue without media) is not a finite
    /// amount above zero: no split raises such a revenue.
    #[error(
        "the multiplicative form needs a weekly revenue without media above zero, got {0}; \
         use the additive form"
    )]
    InvalidRevenueBase(f64),
    /// The target-ROAS search has no finite budget ceiling: the maximums are unbounded and
    /// the curves do not report a finite [`supremum`](super::ResponseCurve::supremum).
    #[error(
        "the target-ROAS search needs a ceiling: give a maximum budget or finite channel \
         maximums"
    )]
    UnboundedRoasSearch,
    /// The target revenue is negative or not finite.
    #[error("the target revenue must be a finite amount >= 0, got {0}")]
    InvalidTargetRevenue(f64),
    /// Even the largest budget searched does not reach the target media revenue.
    #[error(
        "no budget up to {} reaches a media revenue of {}: the most it earns is {}; lower \
         the target or raise the maximum budget",
        money(*max_budget), money(*target), money(*best_revenue)
    )]
    TargetRevenueUnreachable {
        /// The target asked for.
        target: f64,
        /// The optimal media revenue at the largest budget searched.
        best_revenue: f64,
        /// The largest budget searched.
        max_budget: f64,
    },
}

impl OptimizeError {
    /// The channel index the error is about, if it is about one channel.
    pub fn channel(&self) -> Option<usize> {
        match self {
            Self::InvalidBounds { channel, .. }
            | Self::InvalidSpend { channel, .. }
            | Self::CurrentAboveMaximum { channel, .. } => Some(*channel),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_fix() {
        let e = OptimizeError::MinimumsExceedBudget {
            minimums: 12_000.0,
            budget: 10_000.0,
            excess: 2_000.0,
        };
        assert_eq!(
            e.to_string(),
            "the minimums add up to 12,000.00, 2,000.00 more than the budget of 10,000.00; \
             lower a minimum or raise the budget"
        );
        assert_eq!(OptimizeError::NoChannels.channel(), None);
        assert_eq!(
            OptimizeError::InvalidBounds {
                channel: 3,
                min: 2.0,
                max: 1.0
            }
            .channel(),
            Some(3)
        );
    }
}
