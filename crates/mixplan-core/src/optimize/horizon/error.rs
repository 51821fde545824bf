//! [`HorizonError`]: why a horizon plan or forecast could not be built.

use thiserror::Error;

use crate::format::money;

/// Why a horizon problem, its model or its forecast could not be built. Every message says
/// what was wrong and what to change.
///
/// Channels are named; weeks are shown counted from 1 (week 1 = the first planned week) and
/// stored 0-based.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum HorizonError {
    /// The model has no channels.
    #[error("there are no channels to plan; add at least one channel")]
    NoChannels,
    /// The plan period is outside 1–52 weeks.
    #[error("the plan period must be 1 to 52 weeks, got {0}; choose a period in that range")]
    InvalidWeeks(usize),
    /// The total budget is negative or not finite.
    #[error("the budget must be a finite amount >= 0, got {0}; enter a valid total budget")]
    InvalidBudget(f64),
    /// A channel's decay is not in `[0, 1)`.
    #[error(
        "channel '{channel}': the carryover decay must be in [0, 1), got {decay}; refit the model"
    )]
    InvalidDecay {
        /// Channel name.
        channel: String,
        /// The decay given.
        decay: f64,
    },
    /// A channel's carry-in (adstock state before the first planned week) is negative or not
    /// finite.
    #[error(
        "channel '{channel}': the carry-in from past spend must be a finite amount >= 0, got \
         {value}; check the channel's spend history"
    )]
    InvalidCarryIn {
        /// Channel name.
        channel: String,
        /// The value given.
        value: f64,
    },
    /// A channel's carryover kernel cannot be planned with.
    #[error("channel '{channel}': the carryover kernel is not usable: {reason}; refit the model")]
    InvalidKernel {
        /// Channel name.
        channel: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A kernel channel's carry-in does not have one value per week the history reaches
    /// (`L − 1` for a kernel of `L` lags).
    #[error(
        "channel '{channel}': the carry-in from past spend has {found} values but the \
         carryover kernel needs {expected} (one per week the history still reaches); rebuild \
         the dynamics from the data"
    )]
    CarryInLength {
        /// Channel name.
        channel: String,
        /// `L − 1`.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// A week index is outside the plan period.
    #[error("week {week} is outside the plan period of {weeks} weeks; weeks are numbered 1 to {weeks}", week = week + 1)]
    UnknownWeek {
        /// The week index given (0-based).
        week: usize,
        /// Weeks in the plan period.
        weeks: usize,
    },
    /// A channel index is outside the model.
    #[error("channel {channel} does not exist; the model has {channels} channels")]
    UnknownChannel {
        /// The channel index given.
        channel: usize,
        /// Channels in the model.
        channels: usize,
    },
    /// A control index is outside the model.
    #[error("control {control} does not exist; the model has {controls} controls")]
    UnknownControl {
        /// The control index given.
        control: usize,
        /// Controls in the model.
        controls: usize,
    },
    /// A cap is negative or NaN.
    #[error("{what} must be an amount >= 0 (or none), got {value}; enter a valid cap")]
    InvalidCap {
        /// Which cap (e.g. "the cap of channel 2 in week 3").
        what: String,
        /// The value given.
        value: f64,
    },
    /// A fixed amount is negative or not finite.
    #[error("{what} must be a finite amount >= 0, got {value}; enter a valid amount")]
    InvalidFixed {
        /// Which fixed amount.
        what: String,
        /// The value given.
        value: f64,
    },
    /// The same cell is fixed twice with different amounts.
    #[error("{cell} is fixed twice ({first} and {second}); keep one amount")]
    ConflictingFixed {
        /// The cell, e.g. "'email' in week 3".
        cell: String,
        /// The first amount.
        first: f64,
        /// The second amount.
        second: f64,
    },
    /// A fixed amount is above a cap that applies to it.
    #[error(
        "{what}: the fixed amounts add up to {}, above its cap of {}; lower a fixed amount or \
         raise the cap",
        money(*fixed), money(*cap)
    )]
    FixedAboveCap {
        /// Which cap (cell, week or channel).
        what: String,
        /// The fixed amounts under that cap.
        fixed: f64,
        /// The cap.
        cap: f64,
    },
    /// The fixed amounts add up to more than the budget.
    #[error(
        "the fixed amounts add up to {}, {} more than the budget of {}; lower a fixed amount \
         or raise the budget",
        money(*fixed), money(*fixed - *budget), money(*budget)
    )]
    FixedExceedBudget {
        /// Σ fixed amounts.
        fixed: f64,
        /// The budget.
        budget: f64,
    },
    /// The caps allow less than the budget.
    #[error(
        "the caps allow at most {} over the period, {} less than the budget of {}; raise a \
         cap or lower the budget",
        money(*room), money(*budget - *room), money(*budget)
    )]
    CapsBelowBudget {
        /// The most the caps allow in total.
        room: f64,
        /// The budget.
        budget: f64,
    },
    /// The caps allow exactly the budget only in a way that leaves no room at all (every
    /// allowed plan presses against several caps at once), so there is nothing to optimise
    /// inside them; or they allow slightly less than the budget.
    #[error(
        "the caps and fixed amounts leave no room to place the budget of {} strictly inside \
         them; raise a cap or lower the budget a little",
        money(*budget)
    )]
    NoRoomInsideCaps {
        /// The budget.
        budget: f64,
    },
    /// The forecast's control values have the wrong length.
    #[error("{what} has {found} values but {expected} are needed; give one per {per}")]
    LengthMismatch {
        /// Which input.
        what: String,
        /// Expected length.
        expected: usize,
        /// Length found.
        found: usize,
        /// What each value is for ("control", "week").
        per: &'static str,
    },
    /// A control value for the forecast is not finite.
    #[error("control '{control}': the value for week {week} is {value}; enter a finite number", week = week + 1)]
    InvalidControlValue {
        /// Control name.
        control: String,
        /// Week index (0-based).
        week: usize,
        /// The value.
        value: f64,
    },
    /// The model and the data it is planned from do not match.
    #[error(
        "the data do not match the fitted model: {0}; plan from the data the model was fitted on"
    )]
    DataMismatch(String),
    /// A time weight of the objective is negative or not finite.
    #[error(
        "the weight of time index {index} must be a finite number >= 0, got {value}; check the \
         weights (the last index is the weight after the listed ones)"
    )]
    InvalidWeight {
        /// The index (the last one is `beyond`).
        index: usize,
        /// The weight given.
        value: f64,
    },
    /// The multiplicative model's base revenue is not a finite positive amount.
    #[error(
        "the multiplicative model's base revenue of planned week {week} is {value}; refit the \
         model (its log base overflows)",
        week = week + 1
    )]
    InvalidBase {
        /// Week index (0-based, period then tail).
        week: usize,
        /// `B_k`.
        value: f64,
    },
    /// The forecast's interval level is outside `(0, 1)`.
    #[error("the interval level must be between 0 and 1 (e.g. 0.9), got {0}")]
    InvalidLevel(f64),
}
