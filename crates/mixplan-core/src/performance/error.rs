//! [`PerformanceError`]: why the performance figures could not be read or computed.

use chrono::NaiveDate;
use thiserror::Error;

/// Why the performance figures (KPI cards, trends, channel table, alerts) could not be read
/// or computed.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum PerformanceError {
    /// The table lacks columns the performance view needs.
    #[error(
        "{what} lacks the column(s) {}: add them to see the performance view (names as in docs/performance.md)",
        missing.join(", ")
    )]
    MissingColumns {
        /// Which table.
        what: String,
        /// The names of the missing columns.
        missing: Vec<String>,
    },
    /// The CSV text itself could not be parsed.
    #[error("{what}, line {line}: {message}")]
    Csv {
        /// Which table.
        what: String,
        /// 1-based line number.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// A cell that should hold a number does not.
    #[error(
        "{what}, line {line}, column '{column}': '{value}' is not a number; write plain numbers such as 1234.5"
    )]
    BadNumber {
        /// Which table.
        what: String,
        /// 1-based line number.
        line: usize,
        /// The column.
        column: String,
        /// The text found.
        value: String,
    },
    /// A value is negative, NaN or infinite where a count or an amount is expected.
    #[error(
        "{what}, line {line}, column '{column}': {value} is not allowed; spend, counts and revenue must be finite and not negative"
    )]
    BadValue {
        /// Which table.
        what: String,
        /// 1-based line number.
        line: usize,
        /// The column.
        column: String,
        /// The value found.
        value: f64,
    },
    /// A date cell could not be read.
    #[error("{what}, line {line}: '{value}' is not a date; write dates as YYYY-MM-DD")]
    BadDate {
        /// Which table.
        what: String,
        /// 1-based line number.
        line: usize,
        /// The text found.
        value: String,
    },
    /// The same date (and channel) appears twice.
    #[error(
        "{what}: {date} appears more than once{}; keep one row per date",
        channel_note(channel)
    )]
    RepeatedDate {
        /// Which table.
        what: String,
        /// The date.
        date: NaiveDate,
        /// The channel, for the long marketing table.
        channel: Option<String>,
    },
    /// The dates are not evenly spaced by one day or one week.
    #[error(
        "the dates must follow each other day by day or week by week, but {after} is followed by {before} ({days} days later); fill the missing dates with zeros"
    )]
    Spacing {
        /// The earlier date.
        after: NaiveDate,
        /// The next date.
        before: NaiveDate,
        /// Days between them.
        days: i64,
    },
    /// The marketing and sales tables cover different dates.
    #[error(
        "the marketing table has no row for {date}, which the sales table has (or the other way round); both tables must cover the same dates"
    )]
    DatesDiffer {
        /// The first date in one table but not the other.
        date: NaiveDate,
    },
    /// Too few dates to compute anything.
    #[error("the performance view needs at least 2 dates of data, found {found}")]
    TooShort {
        /// The number of dates found.
        found: usize,
    },
    /// Series of different lengths were given together.
    #[error("{what} has {found} values where {expected} were expected (one per date)")]
    Length {
        /// Which series.
        what: String,
        /// One value per date.
        expected: usize,
        /// The values given.
        found: usize,
    },
    /// A value given in code (not read from a file) is negative or not finite.
    #[error(
        "{what}, value {index}: {value} is not allowed; values must be finite and not negative"
    )]
    NonFinite {
        /// Which series.
        what: String,
        /// Position of the value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The chosen period is reversed or lies outside the data.
    #[error(
        "the period {start} to {end} does not fit the data, which run from {first} to {last}; choose dates inside that range, start before end"
    )]
    Period {
        /// Start asked for.
        start: NaiveDate,
        /// End asked for.
        end: NaiveDate,
        /// First date of the data.
        first: NaiveDate,
        /// Last date of the data.
        last: NaiveDate,
    },
    /// A setting of the alerts is out of range.
    #[error("{0}")]
    Setting(String),
}

/// " for channel X" when a channel is given.
fn channel_note(channel: &Option<String>) -> String {
    channel
        .as_ref()
        .map(|c| format!(" for channel '{c}'"))
        .unwrap_or_default()
}
