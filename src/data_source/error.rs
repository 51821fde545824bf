//! Why the user's data could not be used. Every message says what was wrong and how to fix
//! it; the page shows it in `data-testid="data-error"` and keeps the data and model in use.

use mixplan_core::data::DataError;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A problem with the user's file or mapping. Serde: the on-demand worker
/// ([`super::reader`]) sends it to the page.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
pub enum UserDataError {
    /// The file, the mapping or the weeks it gives break a rule of the core's reader.
    #[error("{file}: {message}.")]
    Data {
        /// The file's name as the user chose it.
        file: String,
        /// What the core found (its `DataError` message).
        message: String,
    },
    /// The numbers read both with a decimal point and a decimal comma.
    #[error(
        "{file}: the numbers in column \"{column}\" (e.g. \"{example}\") read both with a decimal point and a decimal comma: choose which one the file uses below."
    )]
    AskDecimal {
        /// The file's name.
        file: String,
        /// The column of the first ambiguous cell.
        column: String,
        /// That cell.
        example: String,
    },
    /// The dates read both day first and month first.
    #[error(
        "{file}: the dates in column \"{column}\" (e.g. \"{example}\") read both day first and month first: choose the order below."
    )]
    AskDateOrder {
        /// The file's name.
        file: String,
        /// The date column.
        column: String,
        /// A date cell.
        example: String,
    },
    /// The bytes are neither an `.xlsx` workbook nor UTF-8 text.
    #[error(
        "{file} is not a text file in UTF-8 (nor an .xlsx workbook): save it as \"CSV UTF-8\" or .xlsx and load it again."
    )]
    NotText {
        /// The file's name.
        file: String,
    },
    /// No column has the role "date".
    #[error(
        "No column is the date: choose the role \"date\" for the column that holds the weeks or days."
    )]
    NoDate,
    /// No column has the role "target".
    #[error("No column is the target: choose the role \"target\" for the revenue or KPI column.")]
    NoTarget,
    /// Two columns have a role only one may have.
    #[error(
        "Both \"{first}\" and \"{second}\" are the {role}: keep one and set the other to \"ignore\"."
    )]
    TwoOf {
        /// "date" or "target".
        role: String,
        /// The first column with it.
        first: String,
        /// The second.
        second: String,
    },
    /// No spend column.
    #[error(
        "No column is a spend: choose the role \"spend\" for every column of money spent on a channel."
    )]
    NoSpend,
    /// The browser could not read the file.
    #[error("{file} could not be read by the browser ({detail}); try again, or paste its text.")]
    Unreadable {
        /// The file's name.
        file: String,
        /// The browser's message.
        detail: String,
    },
}

impl UserDataError {
    /// True for the questions the page answers in the mapping step (decimal separator,
    /// date order), rather than a problem to fix in the file.
    pub fn asks(&self) -> bool {
        matches!(self, Self::AskDecimal { .. } | Self::AskDateOrder { .. })
    }

    /// The core's error about `file`, in the page's words when it asks a question.
    pub fn data(file: &str, source: DataError) -> Self {
        let file = file.to_string();
        match source {
            DataError::AmbiguousDecimal { column, example } => Self::AskDecimal {
                file,
                column,
                example,
            },
            DataError::AmbiguousDateOrder { column, example } => Self::AskDateOrder {
                file,
                column,
                example,
            },
            other => Self::Data {
                file,
                message: other.to_string(),
            },
        }
    }
}
