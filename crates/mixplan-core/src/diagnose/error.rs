//! [`DiagnoseError`]: why a diagnostic could not be computed.

use crate::model::{FitError, ParamsError};
use thiserror::Error;

/// Why a model diagnostic could not be computed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum DiagnoseError {
    /// Too few values for the statistic to mean anything.
    #[error(
        "{what} needs at least {needed} weeks of residuals, found {found}: load more weeks of data"
    )]
    TooShort {
        /// Which diagnostic.
        what: &'static str,
        /// Minimum number of values.
        needed: usize,
        /// Values given.
        found: usize,
    },
    /// A series has no variation, so the statistic is undefined.
    #[error("{what}: the series is constant, so it cannot be tested")]
    Constant {
        /// Which series.
        what: String,
    },
    /// A value is NaN or infinite.
    #[error("{what}: value {index} is not a finite number")]
    NonFinite {
        /// Which series.
        what: String,
        /// Position of the first bad value.
        index: usize,
    },
    /// Series of different lengths were given together.
    #[error("{what} has {found} values where {expected} were expected")]
    Length {
        /// Which series.
        what: String,
        /// The length expected.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// The lag or window asked for does not fit the data.
    #[error("{0}")]
    Setting(String),
    /// A rolling-window refit failed.
    #[error("refitting the window starting {start}: {source}")]
    WindowFit {
        /// First week of the window.
        start: chrono::NaiveDate,
        /// The fit's error.
        source: FitError,
    },
    /// The rolling-window parameters are invalid.
    #[error("rolling-window model parameters: {0}")]
    Params(#[from] ParamsError),
}
