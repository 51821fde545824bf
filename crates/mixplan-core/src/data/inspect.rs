//! The first step of loading a user's file: [`inspect`] a read [`Table`] and suggest, for
//! every column, a role with its reason, for the user to confirm or change before anything
//! is fitted.
//!
//! ```
//! use mixplan_core::data::{inspect, read_table, MappedRole, ReadOptions};
//!
//! let mut csv = String::from("date;region;tv_spend;clicks;price;revenue\n");
//! for day in 0..70 {
//!     let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(day);
//!     for region in ["US", "UK"] {
//!         let (tv, clicks, price) = (day % 9, 3 * day, day % 5);
//!         csv += &format!("{date};{region};{tv},5;{clicks};1,{price};{}\n", 100 + day);
//!     }
//! }
//! let table = read_table(&csv, &ReadOptions::default())?;
//! let found = inspect(&table)?;
//! let roles: Vec<MappedRole> = found.columns.iter().map(|c| c.role).collect();
//! use MappedRole::*;
//! assert_eq!(roles, [Date, Dimension, Spend, Ignore, Control, Target]);
//! assert_eq!(found.columns[3].reason.to_string().split(':').next(),
//!            Some("a count (impressions/clicks/orders/sessions by name, integers)"));
//! assert_eq!(found.dates.as_ref().map(|d| d.step_days), Some(1));
//! # Ok::<(), mixplan_core::data::DataError>(())
//! ```
//!
//! # Suggestion rules, in order (the first that applies)
//!
//! | role | reason |
//! |---|---|
//! | date | the first column whose every value is a date (later ones: ignore) |
//! | ignore | no value; or not numeric with more than [`MAX_DIMENSION_VALUES`] distinct values |
//! | dimension | not numeric, at most [`MAX_DIMENSION_VALUES`] distinct values, each twice or more on average |
//! | target | (never a metric name) named exactly one of `revenue`, `sales`, `turnover`, `gmv`, `conversions`, `signups`, `kpi`, `target`, `y` (in that order), else containing one as a word (not a rate or control name) |
//! | ignore | the same value in every row; a time index (`0, 1, 2, …` or `1, 2, 3, …` in date order); a yearly seasonality term (`sin`, `cos`, `fourier`, `dayofyear`, … as a word of the name): the model makes its own trend and seasonality (`data::model_terms`) |
//! | metric | named like a figure the views read: `<channel>_impressions`/`_impr`/`_clicks`/`_platform_revenue`/`_conversions`, `orders`/`purchases`/`all_purchases`, `customers`, `cogs`/`cost_of_goods`, `average_price`/`aov` (see [`super::metric`]) |
//! | ignore | a rate or context word (per, rate, share, population, index, id, …) |
//! | ignore | a count word (impressions, clicks, orders, sessions, visits, reach, …) |
//! | spend | a spend word (spend, cost, budget, Robyn's `_S`) |
//! | control | a control word (price, promo, holiday, event, trend, season, competitor, …) or an organic one (organic, newsletter); all values 0/1; negative values |
//! | ignore | whole numbers with no spend word: probably a count |
//! | spend | any other numeric column (numbers with decimals) |

use super::column_role::{
    COUNT_WORDS, MappedRole, ORGANIC_WORDS, RATE_WORDS, RoleReason, SPEND_WORDS, TARGET_WORDS,
    name_has, name_words,
};
use super::error::DataError;
use super::loader::dates::{DetectedDates, ambiguous_order, detect_date_format, parse_date};
use super::loader::number::DecimalSeparator;
use super::loader::read_options::Separator;
use super::loader::table::is_missing;
use super::loader::{Table, control_word};
use super::mapping::{ColumnMapping, DimensionChoice};
use super::metric::metric_name;
use super::model_terms::{is_time_index, seasonality_word};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// A text column with at most this many distinct values, each repeated on average, is a
/// dimension.
pub const MAX_DIMENSION_VALUES: usize = 200;

/// Rows shown in the preview.
pub const PREVIEW_ROWS: usize = 10;

/// What [`inspect`] found in a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    /// Field separator the file was read with.
    pub separator: Separator,
    /// Decimal separator the numbers were read with.
    pub decimal: DecimalSeparator,
    /// Data rows (the header excluded).
    pub rows: usize,
    /// The date column's summary, when one was found.
    pub dates: Option<DateSummary>,
    /// Every column, in file order, with its suggested role.
    pub columns: Vec<ColumnInspection>,
    /// The header and the first [`PREVIEW_ROWS`] rows, as written.
    pub preview: Vec<Vec<String>>,
}

/// The date column: its format and the span and spacing of its dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateSummary {
    /// Column name.
    pub column: String,
    /// chrono format the dates were read with.
    pub format: String,
    /// Earliest date.
    pub first: NaiveDate,
    /// Latest date.
    pub last: NaiveDate,
    /// Number of distinct dates.
    pub distinct: usize,
    /// Smallest gap between two distinct dates, in days: 1 for daily data, 7 for weekly
    /// (0 with a single date).
    pub step_days: i64,
    /// Rows per distinct date on average: above 1 for data split by region, brand, ….
    pub rows_per_date: f64,
}

/// One column, with the role suggested for it and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInspection {
    /// Name from the header.
    pub name: String,
    /// Suggested role.
    pub role: MappedRole,
    /// Why.
    pub reason: RoleReason,
    /// More than half of its values are numbers.
    pub numeric: bool,
    /// A dimension's distinct values, sorted (empty for other columns).
    pub values: Vec<String>,
}

/// Reads `text` into a [`Table`] ([`super::ReadOptions`]: separators and date order, each
/// detected when `None`). Keep the table: [`inspect`] and [`super::build_weekly`] both
/// work on it, so a large file is parsed once.
///
/// # Errors
/// As [`super::load_weekly_csv`] for the reading step (size limits, malformed CSV, header
/// problems, ambiguous decimal separator).
pub fn read_table(text: &str, options: &super::ReadOptions) -> Result<Table, DataError> {
    Table::read(text, options)
}

/// Suggests a role for every column of `table` (see the [module docs](self)).
///
/// # Errors
/// [`DataError::AmbiguousDateOrder`] when the dates read both day-first and month-first;
/// a file without a date column is not an error here (`dates` is `None`).
pub fn inspect(table: &Table) -> Result<Inspection, DataError> {
    let mut date: Option<(usize, String)> = None;
    let mut columns = Vec::with_capacity(table.header.len());
    for (i, name) in table.header.iter().enumerate() {
        let detected = detect_date_format(table, i, table.date_order);
        let (role, reason) = match detected {
            DetectedDates::AmbiguousOrder { example } => {
                return Err(ambiguous_order(name, example));
            }
            DetectedDates::Format(format) if date.is_none() => {
                date = Some((i, format.clone()));
                (MappedRole::Date, RoleReason::AllDates { format })
            }
            DetectedDates::Format(_) => (MappedRole::Ignore, RoleReason::AnotherDateColumn),
            DetectedDates::NotDates => (MappedRole::Ignore, RoleReason::Empty),
        };
        columns.push(ColumnInspection {
            name: name.clone(),
            role,
            reason,
            numeric: table.is_numeric(i),
            values: Vec::new(),
        });
    }
    let (dates, date_rank) = match &date {
        Some((i, format)) => summarise_dates(table, *i, format),
        None => (None, None),
    };
    let target = suggest_target(table, &columns);
    for (i, column) in columns.iter_mut().enumerate() {
        if column.role == MappedRole::Date || column.reason == RoleReason::AnotherDateColumn {
            continue;
        }
        if Some(i) == target {
            column.role = MappedRole::Target;
            column.reason = target_reason(&column.name);
            continue;
        }
        let (role, reason, values) = if column.numeric {
            let (role, reason) = numeric_role(table, i, date_rank.as_ref());
            (role, reason, Vec::new())
        } else {
            text_role(table, i)
        };
        column.role = role;
        column.reason = reason;
        column.values = values;
    }
    let preview = std::iter::once(table.header.clone())
        .chain((0..table.len().min(PREVIEW_ROWS)).map(|row| {
            (0..table.header.len())
                .map(|i| table.cell(row, i).to_string())
                .collect()
        }))
        .collect();
    Ok(Inspection {
        separator: table.separator,
        decimal: table.decimal,
        rows: table.len(),
        dates,
        columns,
        preview,
    })
}

impl Inspection {
    /// The mapping the suggestions describe: the date, the target, spend and control
    /// columns, and every dimension summed over its values. Weeks start on the date
    /// column's own weekday for weekly data, on Monday for daily data.
    ///
    /// # Errors
    /// [`DataError::NoDateColumn`] or [`DataError::MissingColumn`] (no target suggested);
    /// the mapping may still be edited before [`super::build_weekly`].
    pub fn suggested_mapping(&self) -> Result<ColumnMapping, DataError> {
        let named = |role: MappedRole| {
            self.columns
                .iter()
                .filter(move |c| c.role == role)
                .map(|c| c.name.clone())
        };
        let available = super::ColumnList(self.columns.iter().map(|c| c.name.clone()).collect());
        let date = named(MappedRole::Date)
            .next()
            .ok_or_else(|| DataError::NoDateColumn {
                available: available.clone(),
            })?;
        let target = named(MappedRole::Target)
            .next()
            .ok_or_else(|| DataError::MissingColumn {
                role: super::ColumnRole::Target,
                column: super::DEFAULT_TARGET.to_string(),
                available,
            })?;
        Ok(ColumnMapping {
            date,
            date_format: self.dates.as_ref().map(|d| d.format.clone()),
            target,
            channels: named(MappedRole::Spend).collect(),
            controls: named(MappedRole::Control).collect(),
            dimensions: named(MappedRole::Dimension)
                .map(|column| DimensionChoice {
                    column,
                    filter: None,
                })
                .collect(),
            week_start: None,
            metrics: named(MappedRole::Metric).collect(),
        })
    }
}

/// The date summary, and each row's rank among the distinct dates (for the time-index test).
fn summarise_dates(
    table: &Table,
    index: usize,
    format: &str,
) -> (Option<DateSummary>, Option<Vec<usize>>) {
    let per_row: Vec<NaiveDate> = table
        .column(index)
        .filter_map(|(_, c)| parse_date(c, format))
        .collect();
    let distinct: BTreeSet<NaiveDate> = per_row.iter().copied().collect();
    let (Some(&first), Some(&last)) = (distinct.first(), distinct.last()) else {
        return (None, None);
    };
    let sorted: Vec<NaiveDate> = distinct.iter().copied().collect();
    let step_days = sorted
        .windows(2)
        .map(|w| (w[1] - w[0]).num_days())
        .min()
        .unwrap_or(0);
    let rank: HashMap<NaiveDate, usize> = sorted.iter().enumerate().map(|(r, d)| (*d, r)).collect();
    let ranks = per_row
        .iter()
        .filter_map(|d| rank.get(d).copied())
        .collect();
    let summary = DateSummary {
        column: table.header[index].clone(),
        format: format.to_string(),
        first,
        last,
        distinct: sorted.len(),
        step_days,
        rows_per_date: per_row.len() as f64 / sorted.len() as f64,
    };
    (Some(summary), Some(ranks))
}

fn target_reason(name: &str) -> RoleReason {
    let word = name_has(name, TARGET_WORDS).unwrap_or_else(|| name.to_lowercase());
    RoleReason::NameContains { word }
}

/// The suggested target: a numeric column named exactly a target word (in the order of
/// the list), else one containing a target word and no rate or control word.
fn suggest_target(table: &Table, columns: &[ColumnInspection]) -> Option<usize> {
    let candidates: Vec<usize> = (0..columns.len())
        .filter(|&i| {
            columns[i].role == MappedRole::Ignore
                && columns[i].numeric
                && metric_name(&columns[i].name).is_none()
        })
        .collect();
    TARGET_WORDS
        .iter()
        .find_map(|w| {
            candidates
                .iter()
                .copied()
                .find(|&i| table.header[i].trim().eq_ignore_ascii_case(w))
        })
        .or_else(|| {
            TARGET_WORDS.iter().find_map(|w| {
                candidates.iter().copied().find(|&i| {
                    let name = &table.header[i];
                    name_words(name).iter().any(|o| o == w)
                        && name_has(name, RATE_WORDS).is_none()
                        && control_word(name).is_none()
                })
            })
        })
}

/// Facts about a numeric column's values.
struct NumericFacts {
    constant: bool,
    integers: bool,
    zero_one: bool,
    negative: bool,
    /// Value at each row, `None` when missing or not a number.
    values: Vec<Option<f64>>,
}

fn numeric_facts(table: &Table, index: usize) -> NumericFacts {
    let values = table.numbers(index);
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let first = present.first().copied();
    NumericFacts {
        constant: present.iter().all(|v| Some(*v) == first),
        integers: present.iter().all(|v| v.fract() == 0.0),
        zero_one: present.iter().all(|v| *v == 0.0 || *v == 1.0),
        negative: present.iter().any(|v| *v < 0.0),
        values,
    }
}

fn numeric_role(
    table: &Table,
    index: usize,
    date_rank: Option<&Vec<usize>>,
) -> (MappedRole, RoleReason) {
    let name = &table.header[index];
    let facts = numeric_facts(table, index);
    let word = |w: Option<String>| w.map(|word| RoleReason::NameContains { word });
    if facts.values.iter().all(Option::is_none) {
        return (MappedRole::Ignore, RoleReason::Empty);
    }
    if facts.constant {
        return (MappedRole::Ignore, RoleReason::Constant);
    }
    if is_time_index(&facts.values, date_rank.map(Vec::as_slice)) {
        return (MappedRole::Ignore, RoleReason::TimeIndex);
    }
    if let Some(word) = seasonality_word(name) {
        return (MappedRole::Ignore, RoleReason::Seasonality { word });
    }
    if let Some(found) = metric_name(name) {
        let reason = RoleReason::MetricName {
            kind: found.kind,
            channel: found.channel,
        };
        return (MappedRole::Metric, reason);
    }
    if let Some(reason) = word(name_has(name, RATE_WORDS)) {
        return (MappedRole::Ignore, reason);
    }
    if let Some(word) = name_has(name, COUNT_WORDS) {
        return (MappedRole::Ignore, RoleReason::Count { word });
    }
    if let Some(reason) = word(name_has(name, SPEND_WORDS)) {
        if facts.negative {
            return (MappedRole::Control, RoleReason::HasNegativeValues);
        }
        return (MappedRole::Spend, reason);
    }
    if let Some(reason) = word(control_word(name)).or_else(|| word(name_has(name, ORGANIC_WORDS))) {
        return (MappedRole::Control, reason);
    }
    if facts.zero_one {
        return (MappedRole::Control, RoleReason::AllZeroOne);
    }
    if facts.negative {
        return (MappedRole::Control, RoleReason::HasNegativeValues);
    }
    if facts.integers {
        return (MappedRole::Ignore, RoleReason::IntegersWithoutSpendWord);
    }
    (MappedRole::Spend, RoleReason::NumericWithDecimals)
}

fn text_role(table: &Table, index: usize) -> (MappedRole, RoleReason, Vec<String>) {
    let mut distinct: BTreeSet<&str> = BTreeSet::new();
    let mut present = 0usize;
    for (_, cell) in table.column(index) {
        if is_missing(cell) {
            continue;
        }
        present += 1;
        if distinct.len() <= MAX_DIMENSION_VALUES {
            distinct.insert(cell);
        }
    }
    if present == 0 {
        return (MappedRole::Ignore, RoleReason::Empty, Vec::new());
    }
    if distinct.len() <= MAX_DIMENSION_VALUES && 2 * distinct.len() <= present {
        let values = distinct.iter().map(|v| v.to_string()).collect();
        return (
            MappedRole::Dimension,
            RoleReason::FewDistinctValues {
                distinct: distinct.len(),
            },
            values,
        );
    }
    (MappedRole::Ignore, RoleReason::NotNumeric, Vec::new())
}
