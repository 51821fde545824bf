//! Why weekly data could not be loaded or built: [`DataError`], with the column roles and
//! column lists its messages name.

use chrono::NaiveDate;
use std::fmt;
use thiserror::Error;

/// The role a column plays in the weekly matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnRole {
    /// The week date.
    Date,
    /// The outcome (revenue).
    Target,
    /// A media channel's spend.
    Channel,
    /// A non-media control.
    Control,
    /// A dimension (region, brand, …) summed over or filtered.
    Dimension,
    /// A figure carried with the data but never fitted (clicks, orders, cost of goods, …).
    Metric,
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColumnRole::Date => "date",
            ColumnRole::Target => "target",
            ColumnRole::Channel => "channel",
            ColumnRole::Control => "control",
            ColumnRole::Dimension => "dimension",
            ColumnRole::Metric => "metric",
        })
    }
}

/// Column names joined for an error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnList(pub Vec<String>);

impl fmt::Display for ColumnList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(none)");
        }
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{c}`")?;
        }
        Ok(())
    }
}

/// Why a weekly CSV could not be loaded, or why series do not make a valid
/// [`super::WeeklyData`]. Every message says what is wrong, where (column name, 1-based line
/// number of the file, the header being line 1, or the 0-based week for data built in
/// memory) and how to fix it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DataError {
    /// The text is empty or has only a blank header.
    #[error(
        "the file is empty: expected a header line (e.g. `week,revenue,search,tv`) followed by one row per week"
    )]
    EmptyFile,
    /// The CSV itself is malformed.
    #[error(
        "malformed CSV at line {line}: {message}; check quoting and separators (comma-separated, double quotes around fields that contain commas)"
    )]
    Csv {
        /// 1-based line number.
        line: u64,
        /// What the CSV reader reported.
        message: String,
    },
    /// A row has a different number of fields than the header.
    #[error(
        "line {line} has {found} fields but the header has {expected}; every row needs one value per column (check for stray or missing commas)"
    )]
    RaggedRow {
        /// 1-based line number.
        line: u64,
        /// Number of header fields.
        expected: usize,
        /// Number of fields in this row.
        found: usize,
    },
    /// A header cell is empty.
    #[error("column {position} has an empty name in the header; give every column a name")]
    EmptyColumnName {
        /// 1-based column position.
        position: usize,
    },
    /// Two header cells have the same name (case-insensitively).
    #[error(
        "column name `{column}` appears more than once in the header (columns {first} and {second}); rename one of them"
    )]
    DuplicateColumn {
        /// The repeated name.
        column: String,
        /// 1-based position of the first occurrence.
        first: usize,
        /// 1-based position of the second occurrence.
        second: usize,
    },
    /// An option names a column with an empty string.
    #[error(
        "the {role} column name given in the options is empty; give a column name or leave it out to auto-detect"
    )]
    EmptyOptionName {
        /// Which option.
        role: ColumnRole,
    },
    /// The options give one column two roles.
    #[error(
        "column `{column}` is given two roles, {first} and {second}; a column can be only one of date, target, channel or control"
    )]
    ColumnInTwoRoles {
        /// The column.
        column: String,
        /// Its first role.
        first: ColumnRole,
        /// Its second role.
        second: ColumnRole,
    },
    /// A column named in the options (or the default target `revenue`) is not in the header.
    #[error("no {role} column `{column}` in the file; available columns: {available}{}", target_hint(*role))]
    MissingColumn {
        /// The role it was wanted for.
        role: ColumnRole,
        /// The name looked for.
        column: String,
        /// The header's column names.
        available: ColumnList,
    },
    /// No column holds dates.
    #[error(
        "no column holds dates in a known format (YYYY-MM-DD, YYYY/MM/DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY); available columns: {available}; name the date column and its format explicitly (e.g. --date week, format %Y-%m-%d)"
    )]
    NoDateColumn {
        /// The header's column names.
        available: ColumnList,
    },
    /// A date cell does not parse.
    #[error(
        "bad date `{value}` in column `{column}` at line {line}: expected the format {format} (e.g. {example}); fix the cell or give the date format explicitly"
    )]
    BadDate {
        /// The date column.
        column: String,
        /// 1-based line number.
        line: u64,
        /// The cell as written (shortened if long).
        value: String,
        /// The format expected (chrono syntax).
        format: String,
        /// `2024-01-29` rendered in that format.
        example: String,
    },
    /// A numeric cell is empty or a missing-value marker.
    #[error(
        "missing value in column `{column}` at line {line}: every week needs a number (write 0 for no spend)"
    )]
    MissingValue {
        /// The column.
        column: String,
        /// 1-based line number.
        line: u64,
    },
    /// A numeric cell does not parse as a number.
    #[error(
        "line {line}, column `{column}`: `{value}` is not a number; write numbers such as 1234.5, 1,234.50, $1,234 or (in a file with decimal commas) 1.234,50, with one decimal separator for the whole file"
    )]
    BadNumber {
        /// The column.
        column: String,
        /// 1-based line number.
        line: u64,
        /// The cell as written (shortened if long).
        value: String,
    },
    /// A value is NaN or infinite.
    #[error(
        "value `{value}` in column `{column}` at {} is not a finite number; replace it with a real value",
        place(*week, *line)
    )]
    NonFinite {
        /// The column.
        column: String,
        /// 0-based week (row of data).
        week: usize,
        /// 1-based line number, when loaded from a file.
        line: Option<u64>,
        /// The value as written.
        value: String,
    },
    /// A metric (clicks, orders, cost of goods, …) is negative.
    #[error(
        "negative value {value} in metric `{column}` at {}: counts and amounts must be >= 0; fix the value, or choose 'ignore' for `{column}` if it is not such a figure",
        place(*week, *line)
    )]
    NegativeMetric {
        /// The metric's column.
        column: String,
        /// 0-based week (row of data).
        week: usize,
        /// 1-based line number, when loaded from a file.
        line: Option<u64>,
        /// The value.
        value: f64,
    },
    /// A channel's spend is negative.
    #[error(
        "negative spend {value} in channel `{column}` at {}: spend must be >= 0 (refunds or credits belong in another column; if `{column}` is not spend, pass it as a control)",
        place(*week, *line)
    )]
    NegativeSpend {
        /// The channel.
        column: String,
        /// 0-based week (row of data).
        week: usize,
        /// 1-based line number, when loaded from a file.
        line: Option<u64>,
        /// The value.
        value: f64,
    },
    /// A series does not have one value per week.
    #[error(
        "column `{column}` has {found} values but there are {expected} weeks; give every series one value per week"
    )]
    LengthMismatch {
        /// The column.
        column: String,
        /// Number of weeks.
        expected: usize,
        /// Number of values.
        found: usize,
    },
    /// Two consecutive weeks (of data built in memory) are not 7 days apart.
    #[error(
        "week {week} (0-based, {date}) is not 7 days after the previous week ({previous}): weeks must be consecutive, strictly increasing, one per 7 days"
    )]
    IrregularWeeks {
        /// 0-based index of the first offending week.
        week: usize,
        /// The previous week.
        previous: NaiveDate,
        /// The offending week.
        date: NaiveDate,
    },
    /// Two rows have the same week.
    #[error(
        "duplicate week {date} at line {line} (already at line {first_line}): each week must appear once; for several rows per week (regions, brands, days) aggregate them (mixplan … --aggregate weekly, --filter region=…; or build_weekly after the mapping step)"
    )]
    DuplicateWeek {
        /// The repeated week.
        date: NaiveDate,
        /// 1-based line of the repeat.
        line: u64,
        /// 1-based line of the first occurrence.
        first_line: u64,
    },
    /// A row's date is earlier than the previous row's.
    #[error(
        "week {date} at line {line} comes before the previous row's week {previous}: sort the rows by date, oldest first"
    )]
    NotSorted {
        /// This row's date.
        date: NaiveDate,
        /// Previous row's date.
        previous: NaiveDate,
        /// 1-based line number.
        line: u64,
    },
    /// Rows are one day apart.
    #[error("rows at lines {} and {line} are one day apart ({previous}, {date}): this looks like daily data, but mixplan models weekly data only: aggregate it to weeks (mixplan … --aggregate weekly, or build_weekly after the mapping step)", line.saturating_sub(1))]
    DailyData {
        /// Previous row's date.
        previous: NaiveDate,
        /// This row's date.
        date: NaiveDate,
        /// 1-based line number.
        line: u64,
    },
    /// Weeks are missing between two rows.
    #[error(
        "{missing} week(s) missing between {previous} and {date} (line {line}): weeks must be consecutive; add the missing weeks (0 spend if nothing was spent)"
    )]
    MissingWeeks {
        /// Previous row's date.
        previous: NaiveDate,
        /// This row's date.
        date: NaiveDate,
        /// 1-based line number.
        line: u64,
        /// How many weeks are missing.
        missing: i64,
    },
    /// Two consecutive rows are neither 7 days nor a whole number of weeks apart.
    #[error(
        "rows are {days} days apart ({previous} → {date}, line {line}): rows must be exactly 7 days apart, one per week, all on the same weekday"
    )]
    IrregularSpacing {
        /// Previous row's date.
        previous: NaiveDate,
        /// This row's date.
        date: NaiveDate,
        /// 1-based line number.
        line: u64,
        /// Days between them.
        days: i64,
    },
    /// Fewer rows than [`super::MIN_WEEKS`].
    #[error(
        "only {found} week(s) of data; at least {minimum} are needed to fit a model (two years or more is better)"
    )]
    TooFewWeeks {
        /// Rows found.
        found: usize,
        /// [`super::MIN_WEEKS`].
        minimum: usize,
    },
    /// No channel column was given or detected.
    #[error(
        "no channel (spend) columns: every numeric column is the target, a control, a metric, a time index (0, 1, 2, …) or a seasonality term (sin/cos); available columns: {available}; name the spend columns explicitly (e.g. --channels search,tv)"
    )]
    NoChannels {
        /// The header's column names.
        available: ColumnList,
    },
    /// The file is larger than [`super::loader::MAX_FILE_BYTES`].
    #[error(
        "the file is {} MB, more than the {} MB limit; keep only the columns and rows needed (or aggregate daily rows to weeks first)",
        bytes / (1024 * 1024), limit / (1024 * 1024)
    )]
    FileTooLarge {
        /// Size of the file, bytes.
        bytes: usize,
        /// The limit, bytes.
        limit: usize,
    },
    /// The file has more columns than [`super::loader::MAX_COLUMNS`].
    #[error(
        "the file has {found} columns, more than the limit of {limit}; remove the columns that are not dates, the target, spend or controls"
    )]
    TooManyColumns {
        /// Columns in the header.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// More weeks than [`super::loader::MAX_WEEKS`].
    #[error(
        "the data has {found} weeks, more than the limit of {limit}; keep the most recent years only"
    )]
    TooManyWeeks {
        /// Weeks (after aggregation).
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// Every number with a separator reads both ways (`1.234` is 1.234 or 1234).
    #[error(
        "cannot tell the decimal separator: `{example}` in column `{column}` could be read with a decimal point or a decimal comma; pass --decimal-comma (option `decimal: Comma`) if the file writes 1.234,56, or --decimal-point (`decimal: Dot`) if it writes 1,234.56"
    )]
    AmbiguousDecimal {
        /// The column of the first ambiguous cell.
        column: String,
        /// That cell.
        example: String,
    },
    /// Every date reads both as day/month and month/day, and neither order is more plausible.
    #[error(
        "cannot tell whether the dates in column `{column}` (e.g. `{example}`) are day first or month first: no day is above 12; pass --date-order dmy (option `date_order: DayFirst`) for dd/mm/yyyy or --date-order mdy (`MonthFirst`) for mm/dd/yyyy"
    )]
    AmbiguousDateOrder {
        /// The date column.
        column: String,
        /// A date cell.
        example: String,
    },
    /// A dimension filter asks for a value its column does not have.
    #[error(
        "no row has `{value}` in column `{column}`; values found include {available}; pick one of them (the match is exact, case included)"
    )]
    UnknownDimensionValue {
        /// The dimension column.
        column: String,
        /// The value asked for.
        value: String,
        /// Some of the column's values.
        available: ColumnList,
    },
    /// An `.xlsx` file could not be read.
    #[error(
        "cannot read the Excel file: {message}; save it as .xlsx (Excel 2007 or later) or export the sheet as CSV"
    )]
    Excel {
        /// What the reader reported.
        message: String,
    },
    /// The sheet asked for is not in the workbook.
    #[error("no sheet `{sheet}` in the workbook; its sheets are {available}")]
    UnknownSheet {
        /// The sheet asked for.
        sheet: String,
        /// The workbook's sheets.
        available: ColumnList,
    },
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn target_hint(role: ColumnRole) -> &'static str {
    match role {
        ColumnRole::Target => "; name the target column explicitly (e.g. --target sales)",
        ColumnRole::Date => "; name the date column as it is written in the header",
        _ => "; check the spelling against the header",
    }
}

/// Where a value is: its file line when known, else its 0-based week.
fn place(week: usize, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("line {line}"),
        None => format!("week {week} (0-based)"),
    }
}
