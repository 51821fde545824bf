//! CSV text → a validated [`WeeklyData`].
//!
//! ```
//! use mixplan_core::data::{load_weekly_csv, LoadOptions};
//!
//! let mut csv = String::from("week,revenue,search,tv,price_index\n");
//! for w in 0..30 {
//!     let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(7 * w);
//!     csv += &format!("{day},{},{},{},1.0\n", 1000 + w, 10 * w, 5 * (w % 3));
//! }
//! // Everything detected: date = `week`, target = `revenue`, control = `price_index`
//! // (its name says so), channels = every other numeric column.
//! let data = load_weekly_csv(&csv, &LoadOptions::default())?;
//! assert_eq!(data.channel_names(), ["search", "tv"]);
//! assert_eq!(data.controls()[0].name, "price_index");
//!
//! // Or explicitly:
//! let opts = LoadOptions::new().target("revenue").channels(["tv"]).controls::<&str>([]);
//! let data = load_weekly_csv(&csv, &opts)?;
//! assert_eq!(data.channel_names(), ["tv"]);
//! # Ok::<(), mixplan_core::data::DataError>(())
//! ```
//!
//! Public API (re-exported from [`crate::data`]):
//!
//! | item | purpose |
//! |---|---|
//! | [`load_weekly_csv`]`(text, &options)` | parse CSV text (e.g. a string embedded in the app) |
//! | [`load_weekly_csv_from_path`]`(path, &options)` | native convenience: read a file, then parse |
//! | [`LoadOptions`] | which column plays which role; every field optional (auto-detected) |
//! | [`DataError`] | what is wrong, where (column, 1-based line) and how to fix it |
//! | [`MIN_WEEKS`] | the fewest weeks a model can be fitted on |
//!
//! # Reading the text ([`ReadOptions`], each detected when `None`)
//!
//! | what | rule |
//! |---|---|
//! | byte-order mark | dropped |
//! | field separator | `,` `;` or tab: the one splitting the first rows into the most, equal, fields ([`Separator`]) |
//! | numbers | quoted, with currency signs `$ € £` and spaces around them, thousands grouped by `,` `.` space or `'` in threes, `(300)` for −300 ([`parse_number`]) |
//! | decimal separator | the one most cells can only be read with (`12,5`, `1.234,56` → comma); when every cell reads both ways (`1.234`), a point in a comma-separated file, else [`DataError::AmbiguousDecimal`] ([`DecimalSeparator`]) |
//! | date order | a day above 12 decides; else the order giving evenly spaced (daily or weekly) dates; else [`DataError::AmbiguousDateOrder`] ([`DateOrder`]) |
//! | empty rows and columns | trailing rows of empty cells, and trailing columns with neither a name nor a value, are ignored |
//! | limits | [`MAX_FILE_BYTES`] (50 MB), [`MAX_COLUMNS`] (300), [`MAX_WEEKS`] (5,000) |
//!
//! # Detection rules (when an option is `None`)
//!
//! | role | rule |
//! |---|---|
//! | date | the first column whose every value parses as a date in one of [`DATE_FORMATS`] (a time part after a space or `T` is ignored); when none does, the column with the most dates, so its first bad cell is reported with its line |
//! | date format | the first of [`DATE_FORMATS`] that parses every value; if several do (e.g. both `DD/MM/YYYY` and `MM/DD/YYYY`), the one that gives evenly spaced dates, else asked |
//! | target | the column named [`DEFAULT_TARGET`] (`revenue`), case-insensitively |
//! | left out | a time index (`0, 1, 2, …` or `1, 2, 3, …`) and columns named like a yearly seasonality term (`yearly_sin_1`, `cos_2`, `fourier_3`, `dayofyear`): the model makes its own trend and seasonality, so these are neither controls nor channels unless named in the options |
//! | controls | numeric columns whose name contains a control word (see [`looks_like_control`]): price, promo, holiday, event, trend, season, competitor, … |
//! | metrics | numeric columns left over whose name reads as a platform or business figure ([`crate::data::metric_name`]: `paid_search_clicks`, `orders`, `cogs`, …): carried with the data ([`WeeklyData::metrics`]), never fitted |
//! | channels | every other numeric column |
//!
//! A column is *numeric* when more than half of its non-missing cells parse as numbers (so a
//! typo in a numeric column is reported, not silently dropped). Column names match
//! case-insensitively, ignoring surrounding spaces.
//!
//! # Validation
//!
//! Weeks must be strictly increasing by exactly 7 days (no duplicates, no gaps, no daily
//! rows: weekly data only), with at least [`MIN_WEEKS`] rows. Every used cell must be a
//! finite number; channel spend must be ≥ 0. The first problem found, in file order, is
//! returned; nothing a user supplies panics.
//!
//! # Layout
//!
//! `read_options` holds [`ReadOptions`] and the limits, `separator` detects the field
//! separator, `number` reads number cells and votes on the decimal separator, `table` reads
//! the CSV into trimmed cells (column by column) with line numbers, `dates` parses and
//! detects date formats, `roles` holds [`LoadOptions`] and detects the roles left open; this file
//! parses each row's cells, in file order, into the [`WeeklyData`].

pub(crate) mod dates;
pub mod number;
pub mod read_options;
mod roles;
mod separator;
pub(crate) mod table;

use super::error::DataError;
use super::metric::MetricSeries;
use super::weekly::{Series, WeeklyData};
use chrono::NaiveDate;
pub use dates::DATE_FORMATS;
use dates::parse_date;
pub use number::{DecimalSeparator, parse_number};
pub use read_options::{DateOrder, MAX_COLUMNS, MAX_FILE_BYTES, MAX_WEEKS, ReadOptions, Separator};
pub(crate) use roles::control_word;
pub use roles::{DEFAULT_TARGET, LoadOptions, looks_like_control};
use roles::{Roles, resolve_roles};
pub use table::Table;
use table::is_missing;

/// The fewest weeks the loader accepts. A weekly MMM with a few channels, carryover and
/// seasonality needs well over a year of data to be trustworthy; 20 weeks is the bare minimum
/// at which a fit is even attempted.
pub const MIN_WEEKS: usize = 20;

/// Reads `path` (UTF-8 text) and loads it with [`load_weekly_csv`]. Not available in the
/// browser (there is no file system there): pass the text to [`load_weekly_csv`] instead.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_weekly_csv_from_path(
    path: impl AsRef<std::path::Path>,
    options: &LoadOptions,
) -> Result<WeeklyData, DataError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
        path: path.display().to_string(),
        source,
    })?;
    load_weekly_csv(&text, options)
}

/// Parses CSV `text` into a validated [`WeeklyData`], detecting the roles `options` leaves
/// open (see the [module docs](self) for the rules).
///
/// # Errors
/// A [`DataError`] naming the first problem in file order.
pub fn load_weekly_csv(text: &str, options: &LoadOptions) -> Result<WeeklyData, DataError> {
    options.validate()?;
    let table = Table::read(text, &options.read)?;
    if table.len() == 0 {
        return Err(DataError::TooFewWeeks {
            found: 0,
            minimum: MIN_WEEKS,
        });
    }
    let roles = resolve_roles(&table, options)?;
    build(&table, &roles)
}

pub(crate) fn shorten(cell: &str) -> String {
    const MAX: usize = 40;
    if cell.chars().count() <= MAX {
        cell.to_string()
    } else {
        let mut s: String = cell.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// The number in `cell` of `column`, week `week` (0-based), file line `line`, in the
/// table's decimal convention.
pub(crate) fn number_cell(
    table: &Table,
    cell: &str,
    column: &str,
    week: usize,
    line: u64,
) -> Result<f64, DataError> {
    if is_missing(cell) && !cell.eq_ignore_ascii_case("nan") {
        return Err(DataError::MissingValue {
            column: column.to_string(),
            line,
        });
    }
    let value: f64 = table.number(cell).ok_or_else(|| DataError::BadNumber {
        column: column.to_string(),
        line,
        value: shorten(cell),
    })?;
    if !value.is_finite() {
        return Err(DataError::NonFinite {
            column: column.to_string(),
            week,
            line: Some(line),
            value: shorten(cell),
        });
    }
    Ok(value)
}

fn build(table: &Table, roles: &Roles) -> Result<WeeklyData, DataError> {
    let n = table.len();
    if n > MAX_WEEKS {
        return Err(DataError::TooManyWeeks {
            found: n,
            limit: MAX_WEEKS,
        });
    }
    let name = |i: usize| table.header[i].clone();
    let mut weeks: Vec<NaiveDate> = Vec::with_capacity(n);
    let mut target = Vec::with_capacity(n);
    let mut channels: Vec<Series> = roles
        .channels
        .iter()
        .map(|&i| Series {
            name: name(i),
            values: Vec::with_capacity(n),
        })
        .collect();
    let mut controls: Vec<Series> = roles
        .controls
        .iter()
        .map(|&i| Series {
            name: name(i),
            values: Vec::with_capacity(n),
        })
        .collect();
    let mut metrics: Vec<MetricSeries> = roles
        .metrics
        .iter()
        .map(|(i, metric)| MetricSeries {
            name: name(*i),
            channel: metric.channel.clone(),
            kind: metric.kind,
            values: Vec::with_capacity(n),
        })
        .collect();
    let example = NaiveDate::from_ymd_opt(2024, 1, 29)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or_else(String::new, |d| {
            // A user format may be invalid or ask for a time zone, which a plain date-time
            // cannot print: `to_string` would panic, so format through `write!` and check.
            use std::fmt::Write as _;
            let items = chrono::format::StrftimeItems::new(&roles.date_format);
            let mut out = String::new();
            let invalid = items
                .clone()
                .any(|i| matches!(i, chrono::format::Item::Error));
            if invalid || write!(out, "{}", d.format_with_items(items)).is_err() {
                String::from("none: the format is not usable, try %Y-%m-%d")
            } else {
                out
            }
        });

    let mut previous_line = 0u64;
    for row in 0..n {
        let line = table.line(row);
        let cell = |i: usize| table.cell(row, i);
        let raw = cell(roles.date);
        let date = parse_date(raw, &roles.date_format).ok_or_else(|| DataError::BadDate {
            column: name(roles.date),
            line,
            value: shorten(raw),
            format: roles.date_format.clone(),
            example: example.clone(),
        })?;
        if let Some(&previous) = weeks.last() {
            let days = (date - previous).num_days();
            match days {
                7 => {}
                0 => {
                    return Err(DataError::DuplicateWeek {
                        date,
                        line,
                        first_line: previous_line,
                    });
                }
                d if d < 0 => {
                    return Err(match weeks.iter().position(|&w| w == date) {
                        Some(k) => DataError::DuplicateWeek {
                            date,
                            line,
                            first_line: table.line(k),
                        },
                        None => DataError::NotSorted {
                            date,
                            previous,
                            line,
                        },
                    });
                }
                1 => {
                    return Err(DataError::DailyData {
                        previous,
                        date,
                        line,
                    });
                }
                d if d % 7 == 0 => {
                    return Err(DataError::MissingWeeks {
                        previous,
                        date,
                        line,
                        missing: d / 7 - 1,
                    });
                }
                d => {
                    return Err(DataError::IrregularSpacing {
                        previous,
                        date,
                        line,
                        days: d,
                    });
                }
            }
        }
        let week = weeks.len();
        weeks.push(date);
        previous_line = line;

        target.push(number_cell(
            table,
            cell(roles.target),
            &table.header[roles.target],
            week,
            line,
        )?);
        for (series, &i) in channels.iter_mut().zip(&roles.channels) {
            let value = number_cell(table, cell(i), &series.name, week, line)?;
            if value < 0.0 {
                return Err(DataError::NegativeSpend {
                    column: series.name.clone(),
                    week,
                    line: Some(line),
                    value,
                });
            }
            series.values.push(value);
        }
        for (series, &i) in controls.iter_mut().zip(&roles.controls) {
            series
                .values
                .push(number_cell(table, cell(i), &series.name, week, line)?);
        }
        for (series, (i, _)) in metrics.iter_mut().zip(&roles.metrics) {
            let value = number_cell(table, cell(*i), &series.name, week, line)?;
            if value < 0.0 {
                return Err(DataError::NegativeMetric {
                    column: series.name.clone(),
                    week,
                    line: Some(line),
                    value,
                });
            }
            series.values.push(value);
        }
    }
    if n < MIN_WEEKS {
        return Err(DataError::TooFewWeeks {
            found: n,
            minimum: MIN_WEEKS,
        });
    }
    // Every invariant was checked row by row above, with file lines; `new` re-checks them.
    WeeklyData::new(weeks, name(roles.target), target, channels, controls)?.with_metrics(metrics)
}
