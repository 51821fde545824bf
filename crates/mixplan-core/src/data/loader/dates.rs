//! Date columns: which formats are tried, how a cell is parsed, and how a column's format
//! is detected (the one with 7-day steps when several parse).

use super::table::Table;
use chrono::NaiveDate;

/// Date formats tried, in order, when [`super::LoadOptions::date_format`] is `None`
/// (chrono `strftime` syntax).
pub const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y",
];

/// The date part of a cell: anything after a space or `T` (a time of day) is dropped.
fn date_part(cell: &str) -> &str {
    match cell.find([' ', 'T']) {
        Some(i) if i >= 6 => &cell[..i],
        _ => cell,
    }
}

pub(super) fn parse_date(cell: &str, format: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(cell, format)
        .or_else(|_| NaiveDate::parse_from_str(date_part(cell), format))
        .ok()
}

pub(super) fn column_parses(table: &Table, index: usize, format: &str) -> bool {
    !table.rows.is_empty()
        && table
            .column(index)
            .all(|(_, c)| parse_date(c, format).is_some())
}

/// The format that parses every cell of the column; among several, the one with 7-day steps.
pub(super) fn detect_date_format(table: &Table, index: usize) -> Option<String> {
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
pub(super) fn best_partial_format(table: &Table, index: usize) -> &'static str {
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
