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
//! # Detection rules (when an option is `None`)
//!
//! | role | rule |
//! |---|---|
//! | date | the first column whose every value parses as a date in one of [`DATE_FORMATS`] (a time part after a space or `T` is ignored) |
//! | date format | the first of [`DATE_FORMATS`] that parses every value; if several do (e.g. both `DD/MM/YYYY` and `MM/DD/YYYY`), the one that gives 7-day steps |
//! | target | the column named [`DEFAULT_TARGET`] (`revenue`), case-insensitively |
//! | controls | numeric columns whose name contains a control word (see [`looks_like_control`]): price, promo, holiday, event, trend, season, competitor, … |
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

use super::error::{ColumnList, ColumnRole, DataError};
use super::{Series, WeeklyData};
use chrono::NaiveDate;

/// The fewest weeks the loader accepts. A weekly MMM with a few channels, carryover and
/// seasonality needs well over a year of data to be trustworthy; 20 weeks is the bare minimum
/// at which a fit is even attempted.
pub const MIN_WEEKS: usize = 20;

/// Target column used when [`LoadOptions::target`] is `None`.
pub const DEFAULT_TARGET: &str = "revenue";

/// Date formats tried, in order, when [`LoadOptions::date_format`] is `None`
/// (chrono `strftime` syntax).
pub const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y",
];

/// Cell values treated as missing (case-insensitive), besides the empty cell.
const MISSING_MARKERS: &[&str] = &["na", "n/a", "nan", "null", "none", "-"];

/// Words that mark a numeric column as a control when controls are auto-detected.
const CONTROL_WORDS: &[&str] = &[
    "price",
    "prices",
    "promo",
    "promos",
    "promotion",
    "promotions",
    "discount",
    "holiday",
    "holidays",
    "event",
    "events",
    "trend",
    "season",
    "seasonal",
    "seasonality",
    "control",
    "competitor",
    "sentiment",
    "bfcm",
    "blackfriday",
    "dayofyear",
    "sin",
    "cos",
    "weekday",
    "month",
];

/// Which column plays which role. Every field is optional; `None` means auto-detect (see the
/// [module docs](self)).
///
/// | field | default (`None`) | meaning |
/// |---|---|---|
/// | `date_column` | first column of dates | week start (or any fixed day of the week) |
/// | `date_format` | detected from [`DATE_FORMATS`] | chrono `strftime` format of the dates |
/// | `target` | `revenue` | the outcome to model; must be finite |
/// | `channels` | every other numeric column | media spend per week, currency, ≥ 0 |
/// | `controls` | numeric columns named like controls | non-media drivers; `Some(vec![])` for none |
///
/// Build it with struct-literal syntax or the chained setters:
/// `LoadOptions::new().date_column("time").target("conversions").channels(["a", "b"])`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Name of the date column.
    pub date_column: Option<String>,
    /// chrono `strftime` format of the dates, e.g. `"%d/%m/%Y"`.
    pub date_format: Option<String>,
    /// Name of the target column.
    pub target: Option<String>,
    /// Names of the channel (spend) columns, in the order wanted.
    pub channels: Option<Vec<String>>,
    /// Names of the control columns, in the order wanted.
    pub controls: Option<Vec<String>>,
}

impl LoadOptions {
    /// All roles auto-detected.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the date column.
    pub fn date_column(mut self, name: impl Into<String>) -> Self {
        self.date_column = Some(name.into());
        self
    }

    /// Sets the date format (chrono `strftime` syntax, e.g. `"%m/%d/%Y"`).
    pub fn date_format(mut self, format: impl Into<String>) -> Self {
        self.date_format = Some(format.into());
        self
    }

    /// Sets the target column.
    pub fn target(mut self, name: impl Into<String>) -> Self {
        self.target = Some(name.into());
        self
    }

    /// Sets the channel columns.
    pub fn channels<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.channels = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the control columns (an empty list means "no controls").
    pub fn controls<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.controls = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Checks the options themselves (before any data is read): names are non-empty and no
    /// column is given two roles.
    pub fn validate(&self) -> Result<(), DataError> {
        let mut named: Vec<(String, ColumnRole)> = Vec::new();
        let mut push = |name: &str, role: ColumnRole| -> Result<(), DataError> {
            let key = normalise(name);
            if key.is_empty() {
                return Err(DataError::EmptyOptionName { role });
            }
            if let Some((_, first)) = named.iter().find(|(n, _)| *n == key) {
                return Err(DataError::ColumnInTwoRoles {
                    column: name.trim().to_string(),
                    first: *first,
                    second: role,
                });
            }
            named.push((key, role));
            Ok(())
        };
        if let Some(d) = &self.date_column {
            push(d, ColumnRole::Date)?;
        }
        if let Some(t) = &self.target {
            push(t, ColumnRole::Target)?;
        }
        for c in self.channels.iter().flatten() {
            push(c, ColumnRole::Channel)?;
        }
        for c in self.controls.iter().flatten() {
            push(c, ColumnRole::Control)?;
        }
        if self.channels.as_ref().is_some_and(Vec::is_empty) {
            return Err(DataError::NoChannels {
                available: ColumnList(Vec::new()),
            });
        }
        if let Some(f) = &self.date_format
            && f.trim().is_empty()
        {
            return Err(DataError::EmptyOptionName {
                role: ColumnRole::Date,
            });
        }
        Ok(())
    }
}

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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(DataError::EmptyFile);
    }
    let table = Table::read(text)?;
    if table.rows.is_empty() {
        return Err(DataError::TooFewWeeks {
            found: 0,
            minimum: MIN_WEEKS,
        });
    }
    let roles = resolve_roles(&table, options)?;
    build(&table, &roles)
}

/// The raw CSV: header and rows of trimmed cells, with each row's 1-based line number.
struct Table {
    header: Vec<String>,
    rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    fn read(text: &str) -> Result<Self, DataError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if header.iter().all(String::is_empty) {
            return Err(DataError::EmptyFile);
        }
        for (i, h) in header.iter().enumerate() {
            if h.is_empty() {
                return Err(DataError::EmptyColumnName { position: i + 1 });
            }
            let key = normalise(h);
            if let Some(j) = header[..i].iter().position(|o| normalise(o) == key) {
                return Err(DataError::DuplicateColumn {
                    column: h.clone(),
                    first: j + 1,
                    second: i + 1,
                });
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, csv::Position::line);
            rows.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
        }
        Ok(Self { header, rows })
    }

    fn column(&self, index: usize) -> impl Iterator<Item = (u64, &str)> {
        self.rows
            .iter()
            .map(move |(line, cells)| (*line, cells.get(index).map_or("", String::as_str)))
    }

    fn find(&self, name: &str) -> Option<usize> {
        let key = normalise(name);
        self.header.iter().position(|h| normalise(h) == key)
    }

    fn available(&self) -> ColumnList {
        ColumnList(self.header.clone())
    }

    fn require(&self, name: &str, role: ColumnRole) -> Result<usize, DataError> {
        self.find(name).ok_or_else(|| DataError::MissingColumn {
            role,
            column: name.trim().to_string(),
            available: self.available(),
        })
    }

    /// More than half of the non-missing cells parse as numbers (and there is at least one).
    fn is_numeric(&self, index: usize) -> bool {
        let (mut numbers, mut present) = (0usize, 0usize);
        for (_, cell) in self.column(index) {
            if is_missing(cell) {
                continue;
            }
            present += 1;
            if cell.parse::<f64>().is_ok() {
                numbers += 1;
            }
        }
        numbers > 0 && 2 * numbers > present
    }
}

fn csv_error(e: csv::Error) -> DataError {
    let line = e.position().map_or(0, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => DataError::RaggedRow {
            line: pos.as_ref().map_or(line, csv::Position::line),
            expected: *expected_len as usize,
            found: *len as usize,
        },
        _ => DataError::Csv {
            line,
            message: e.to_string(),
        },
    }
}

/// Column indexes per role, after detection.
struct Roles {
    date: usize,
    date_format: String,
    target: usize,
    channels: Vec<usize>,
    controls: Vec<usize>,
}

fn resolve_roles(table: &Table, options: &LoadOptions) -> Result<Roles, DataError> {
    // Date column and format.
    let (date, date_format) = match &options.date_column {
        Some(name) => {
            let index = table.require(name, ColumnRole::Date)?;
            let format = match &options.date_format {
                Some(f) => f.trim().to_string(),
                None => detect_date_format(table, index)
                    .unwrap_or_else(|| best_partial_format(table, index).to_string()),
            };
            (index, format)
        }
        None => (0..table.header.len())
            .find_map(|i| {
                let format = match &options.date_format {
                    Some(f) => column_parses(table, i, f.trim()).then(|| f.trim().to_string()),
                    None => detect_date_format(table, i),
                };
                format.map(|f| (i, f))
            })
            .ok_or_else(|| DataError::NoDateColumn {
                available: table.available(),
            })?,
    };
    let target_name = options.target.as_deref().unwrap_or(DEFAULT_TARGET);
    let target = table.require(target_name, ColumnRole::Target)?;
    if target == date {
        return Err(DataError::ColumnInTwoRoles {
            column: table.header[target].clone(),
            first: ColumnRole::Date,
            second: ColumnRole::Target,
        });
    }

    let explicit = |names: &Option<Vec<String>>, role| -> Result<Option<Vec<usize>>, DataError> {
        names
            .as_ref()
            .map(|names| {
                names
                    .iter()
                    .map(|n| {
                        let i = table.require(n, role)?;
                        if i == date || i == target {
                            return Err(DataError::ColumnInTwoRoles {
                                column: table.header[i].clone(),
                                first: if i == date {
                                    ColumnRole::Date
                                } else {
                                    ColumnRole::Target
                                },
                                second: role,
                            });
                        }
                        Ok(i)
                    })
                    .collect()
            })
            .transpose()
    };
    let explicit_channels = explicit(&options.channels, ColumnRole::Channel)?;
    let explicit_controls = explicit(&options.controls, ColumnRole::Control)?;

    let taken: Vec<usize> = explicit_channels
        .iter()
        .chain(explicit_controls.iter())
        .flatten()
        .copied()
        .collect();
    let free = |i: usize| i != date && i != target && !taken.contains(&i) && table.is_numeric(i);
    let controls = match explicit_controls {
        Some(c) => c,
        None => (0..table.header.len())
            .filter(|&i| free(i) && looks_like_control(&table.header[i]))
            .collect(),
    };
    let channels = match explicit_channels {
        Some(c) => c,
        None => (0..table.header.len())
            .filter(|&i| free(i) && !controls.contains(&i))
            .collect(),
    };
    if channels.is_empty() {
        return Err(DataError::NoChannels {
            available: table.available(),
        });
    }
    Ok(Roles {
        date,
        date_format,
        target,
        channels,
        controls,
    })
}

/// True when a column name contains one of the control words (price, promo, promotion,
/// discount, holiday, event, trend, season, control, competitor, sentiment, bfcm,
/// black friday, dayofyear, sin, cos, weekday, month) as a whole word, words being separated
/// by anything that is not a letter or digit (and digits split from letters: `event1` has the
/// word `event`).
pub fn looks_like_control(name: &str) -> bool {
    let lower = name.to_lowercase();
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    if squashed.contains("blackfriday") || squashed.contains("cybermonday") {
        return true;
    }
    lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .any(|w| CONTROL_WORDS.contains(&w))
}

fn normalise(name: &str) -> String {
    name.trim().to_lowercase()
}

fn is_missing(cell: &str) -> bool {
    cell.is_empty() || MISSING_MARKERS.iter().any(|m| cell.eq_ignore_ascii_case(m))
}

/// The date part of a cell: anything after a space or `T` (a time of day) is dropped.
fn date_part(cell: &str) -> &str {
    match cell.find([' ', 'T']) {
        Some(i) if i >= 6 => &cell[..i],
        _ => cell,
    }
}

fn parse_date(cell: &str, format: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(cell, format)
        .or_else(|_| NaiveDate::parse_from_str(date_part(cell), format))
        .ok()
}

fn column_parses(table: &Table, index: usize, format: &str) -> bool {
    !table.rows.is_empty()
        && table
            .column(index)
            .all(|(_, c)| parse_date(c, format).is_some())
}

/// The format that parses every cell of the column; among several, the one with 7-day steps.
fn detect_date_format(table: &Table, index: usize) -> Option<String> {
    let candidates: Vec<&str> = DATE_FORMATS
        .iter()
        .copied()
        .filter(|f| column_parses(table, index, f))
        .collect();
    let weekly = |f: &str| {
        let dates: Vec<NaiveDate> = table
            .column(index)
            .filter_map(|(_, c)| parse_date(c, f))
            .collect();
        dates.windows(2).all(|w| (w[1] - w[0]).num_days() == 7)
    };
    candidates
        .iter()
        .find(|f| weekly(f))
        .or(candidates.first())
        .map(|f| f.to_string())
}

/// For an explicitly named date column that no format parses fully: the format parsing the
/// most cells, so the error points at the first cell that breaks it.
fn best_partial_format(table: &Table, index: usize) -> &'static str {
    DATE_FORMATS
        .iter()
        .copied()
        .max_by_key(|f| {
            let n = table
                .column(index)
                .filter(|(_, c)| parse_date(c, f).is_some())
                .count();
            // Ties go to the earlier format.
            (
                n,
                usize::MAX - DATE_FORMATS.iter().position(|g| g == f).unwrap_or(0),
            )
        })
        .unwrap_or(DATE_FORMATS[0])
}

fn shorten(cell: &str) -> String {
    const MAX: usize = 40;
    if cell.chars().count() <= MAX {
        cell.to_string()
    } else {
        let mut s: String = cell.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// The number in `cell` of `column`, week `week` (0-based), file line `line`.
fn parse_number(cell: &str, column: &str, week: usize, line: u64) -> Result<f64, DataError> {
    if is_missing(cell) && !cell.eq_ignore_ascii_case("nan") {
        return Err(DataError::MissingValue {
            column: column.to_string(),
            line,
        });
    }
    let value: f64 = cell.parse().map_err(|_| DataError::BadNumber {
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
    let n = table.rows.len();
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
    for (line, cells) in &table.rows {
        let line = *line;
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
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
                            first_line: table.rows[k].0,
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

        target.push(parse_number(
            cell(roles.target),
            &table.header[roles.target],
            week,
            line,
        )?);
        for (series, &i) in channels.iter_mut().zip(&roles.channels) {
            let value = parse_number(cell(i), &series.name, week, line)?;
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
                .push(parse_number(cell(i), &series.name, week, line)?);
        }
    }
    if n < MIN_WEEKS {
        return Err(DataError::TooFewWeeks {
            found: n,
            minimum: MIN_WEEKS,
        });
    }
    // Every invariant was checked row by row above, with file lines; `new` re-checks them.
    WeeklyData::new(weeks, name(roles.target), target, channels, controls)
}
