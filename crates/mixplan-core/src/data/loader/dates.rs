//! Date columns: which formats are tried, how a cell is parsed, and how a column's format
//! is detected.
//!
//! Detection keeps the formats of [`DATE_FORMATS`] (restricted to one [`DateOrder`] when
//! given) that parse every cell. One left: that one. Several: a day above 12 has already
//! ruled out the wrong order, so they differ only when no cell decides; then the ones whose
//! distinct dates are evenly spaced by 1 or 7 days (daily or weekly data) win, and when
//! that leaves not exactly one order, the order is asked
//! ([`DataError::AmbiguousDateOrder`]).

use super::read_options::DateOrder;
use super::table::Table;
use crate::data::error::DataError;
use chrono::NaiveDate;

/// Date formats tried, in order, when [`super::LoadOptions::date_format`] is `None`
/// (chrono `strftime` syntax).
pub const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y",
];

/// The day/month order of a format of [`DATE_FORMATS`], `None` when the year comes first.
fn order_of(format: &str) -> Option<DateOrder> {
    if format.starts_with("%d") {
        Some(DateOrder::DayFirst)
    } else if format.starts_with("%m") {
        Some(DateOrder::MonthFirst)
    } else {
        None
    }
}

/// The formats tried for a given order (all when `None`).
fn formats_for(order: Option<DateOrder>) -> impl Iterator<Item = &'static str> {
    DATE_FORMATS
        .iter()
        .copied()
        .filter(move |f| order.is_none() || order_of(f).is_none_or(|o| Some(o) == order))
}

/// The date part of a cell: anything after a space or `T` (a time of day) is dropped.
fn date_part(cell: &str) -> &str {
    match cell.find([' ', 'T']) {
        Some(i) if i >= 6 => &cell[..i],
        _ => cell,
    }
}

/// Reads a zero-padded `YYYY?MM?DD`, `DD?MM?YYYY` or `MM?DD?YYYY` cell (10 bytes, or more
/// after a space or `T`) without chrono's general parser, for the formats of
/// [`DATE_FORMATS`]; `None` when the cell or the format is not of that shape (chrono then
/// decides).
fn parse_padded(cell: &str, format: &str) -> Option<Option<NaiveDate>> {
    let f = format.as_bytes();
    let c = cell.as_bytes();
    if f.len() != 8 || c.len() < 10 || (c.len() > 10 && c[10] != b' ' && c[10] != b'T') {
        return None;
    }
    let (sep1, sep2) = (f[2], f[5]);
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        c.get(range)?.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let (year, month, day) = match (f[1], f[4], f[7]) {
        (b'Y', b'm', b'd') if c[4] == sep1 && c[7] == sep2 => {
            (number(0..4)?, number(5..7)?, number(8..10)?)
        }
        (b'd', b'm', b'Y') if c[2] == sep1 && c[5] == sep2 => {
            (number(6..10)?, number(3..5)?, number(0..2)?)
        }
        (b'm', b'd', b'Y') if c[2] == sep1 && c[5] == sep2 => {
            (number(6..10)?, number(0..2)?, number(3..5)?)
        }
        _ => return None,
    };
    let year = i32::try_from(year).ok()?;
    Some(NaiveDate::from_ymd_opt(year, month, day))
}

pub(crate) fn parse_date(cell: &str, format: &str) -> Option<NaiveDate> {
    if DATE_FORMATS.contains(&format)
        && let Some(date) = parse_padded(cell, format)
    {
        return date;
    }
    NaiveDate::parse_from_str(cell, format)
        .or_else(|_| NaiveDate::parse_from_str(date_part(cell), format))
        .ok()
}

pub(crate) fn column_parses(table: &Table, index: usize, format: &str) -> bool {
    table.len() > 0
        && table
            .column(index)
            .all(|(_, c)| parse_date(c, format).is_some())
}

/// Distinct dates evenly spaced by 1 or 7 days.
fn evenly_spaced(table: &Table, index: usize, format: &str) -> bool {
    let mut dates: Vec<NaiveDate> = table
        .column(index)
        .filter_map(|(_, c)| parse_date(c, format))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    let step = match dates.get(..2) {
        Some([a, b]) => (*b - *a).num_days(),
        _ => return true,
    };
    (step == 1 || step == 7) && dates.windows(2).all(|w| (w[1] - w[0]).num_days() == step)
}

/// The outcome of date detection on one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DetectedDates {
    /// Not a date column.
    NotDates,
    /// Every cell parses with this format.
    Format(String),
    /// Both orders parse every cell and neither is more plausible; `example` is a cell.
    AmbiguousOrder {
        /// A cell that reads both ways.
        example: String,
    },
}

/// The format of column `index` (see the module docs).
pub(crate) fn detect_date_format(
    table: &Table,
    index: usize,
    order: Option<DateOrder>,
) -> DetectedDates {
    let candidates: Vec<&str> = formats_for(order)
        .filter(|f| column_parses(table, index, f))
        .collect();
    let orders = |fs: &[&str]| {
        let mut o: Vec<Option<DateOrder>> = fs.iter().map(|f| order_of(f)).collect();
        o.dedup();
        o.len()
    };
    match candidates.as_slice() {
        [] => DetectedDates::NotDates,
        [only] => DetectedDates::Format(only.to_string()),
        several => {
            let spaced: Vec<&str> = several
                .iter()
                .copied()
                .filter(|f| evenly_spaced(table, index, f))
                .collect();
            match spaced.first() {
                Some(first) if orders(&spaced) == 1 => DetectedDates::Format(first.to_string()),
                _ if orders(several) == 1 => DetectedDates::Format(several[0].to_string()),
                _ => DetectedDates::AmbiguousOrder {
                    example: table
                        .column(index)
                        .map(|(_, c)| c.to_string())
                        .next()
                        .unwrap_or_default(),
                },
            }
        }
    }
}

/// When no column is all dates: the column with the most date cells and its best format,
/// so that the error names the first cell that breaks it (at its line) rather than saying
/// that no column holds dates. `None` when no cell of any column is a date.
pub(crate) fn most_dates_column(
    table: &Table,
    order: Option<DateOrder>,
) -> Option<(usize, &'static str)> {
    (0..table.header.len())
        .map(|i| (i, best_partial(table, i, order)))
        .filter(|(_, (_, parsed))| *parsed > 0)
        .fold(
            None,
            |best: Option<(usize, (&str, usize))>, next| match best {
                Some(b) if b.1.1 >= next.1.1 => Some(b),
                _ => Some(next),
            },
        )
        .map(|(i, (format, _))| (i, format))
}

/// The format parsing the most cells of the column (ties go to the earlier format), and
/// how many it parses.
pub(crate) fn best_partial(
    table: &Table,
    index: usize,
    order: Option<DateOrder>,
) -> (&'static str, usize) {
    formats_for(order)
        .map(|f| {
            let n = table
                .column(index)
                .filter(|(_, c)| parse_date(c, f).is_some())
                .count();
            (f, n)
        })
        .fold((DATE_FORMATS[0], 0), |best, next| {
            if next.1 > best.1 { next } else { best }
        })
}

/// The ambiguity error for column `column`.
pub(crate) fn ambiguous_order(column: &str, example: String) -> DataError {
    DataError::AmbiguousDateOrder {
        column: column.to_string(),
        example,
    }
}
