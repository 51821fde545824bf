//! Excel `.xlsx` files: a sheet (the first, or one chosen by name) becomes the same
//! [`Table`] a CSV becomes, so inspection, mapping and aggregation work alike. Read with
//! `calamine` (pure Rust, builds for wasm32).
//!
//! Cells become text as a CSV would write them: numbers in plain decimal notation with a
//! point, dates as `YYYY-MM-DD` (with ` HH:MM:SS` when they have a time of day), booleans as
//! `1`/`0`, Excel errors as written (`#DIV/0!`, reported as bad numbers with their row).
//! Line numbers in messages are the sheet's row numbers.
//!
//! ```no_run
//! # fn demo(bytes: &[u8]) -> Result<(), mixplan_core::data::DataError> {
//! use mixplan_core::data::{inspect, read_xlsx_table, xlsx_sheet_names};
//! let sheets = xlsx_sheet_names(bytes)?;            // for a sheet chooser
//! let table = read_xlsx_table(bytes, Some(&sheets[0]))?;
//! let found = inspect(&table)?;
//! # Ok(()) }
//! ```

use super::error::{ColumnList, DataError};
use super::loader::{DecimalSeparator, MAX_COLUMNS, MAX_FILE_BYTES, ReadOptions, Separator, Table};
use calamine::{Data, Range, Reader, Xlsx};
use std::io::Cursor;

/// The most rows read from a sheet (a weekly or daily file is far smaller).
pub const MAX_SHEET_ROWS: usize = 2_000_000;

/// True when `bytes` look like an `.xlsx` file (a zip archive).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, DataError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(DataError::FileTooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    Xlsx::new(Cursor::new(bytes)).map_err(|e| DataError::Excel {
        message: e.to_string(),
    })
}

/// The names of the workbook's sheets, in order.
///
/// # Errors
/// [`DataError::FileTooLarge`] or [`DataError::Excel`] (not a readable `.xlsx`).
pub fn xlsx_sheet_names(bytes: &[u8]) -> Result<Vec<String>, DataError> {
    Ok(open(bytes)?.sheet_names())
}

fn sheet_range(bytes: &[u8], sheet: Option<&str>) -> Result<Range<Data>, DataError> {
    let mut workbook = open(bytes)?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted.trim())))
            .cloned()
            .ok_or_else(|| DataError::UnknownSheet {
                sheet: wanted.to_string(),
                available: ColumnList(names.clone()),
            })?,
        None => names.first().cloned().ok_or(DataError::EmptyFile)?,
    };
    workbook
        .worksheet_range(&name)
        .map_err(|e| DataError::Excel {
            message: format!("sheet `{name}`: {e}"),
        })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => String::from(if *b { "1" } else { "0" }),
        Data::Error(e) => e.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => {
                t.date().format("%Y-%m-%d").to_string()
            }
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
    }
}

/// The sheet as CSV text (comma-separated, decimal points), preceded by one empty line per
/// empty row above the data so that line numbers are the sheet's row numbers.
///
/// # Errors
/// [`DataError::Excel`], [`DataError::UnknownSheet`] (with the sheet names),
/// [`DataError::EmptyFile`], [`DataError::TooManyColumns`] or [`DataError::FileTooLarge`].
pub fn xlsx_to_csv(bytes: &[u8], sheet: Option<&str>) -> Result<String, DataError> {
    let range = sheet_range(bytes, sheet)?;
    let (rows, columns) = range.get_size();
    if columns > MAX_COLUMNS {
        return Err(DataError::TooManyColumns {
            found: columns,
            limit: MAX_COLUMNS,
        });
    }
    if rows > MAX_SHEET_ROWS {
        return Err(DataError::FileTooLarge {
            bytes: MAX_FILE_BYTES.saturating_add(1),
            limit: MAX_FILE_BYTES,
        });
    }
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut out = "\n".repeat(first_row);
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for row in range.rows() {
        writer
            .write_record(row.iter().map(cell_text))
            .map_err(|e| DataError::Excel {
                message: e.to_string(),
            })?;
    }
    let bytes = writer.into_inner().map_err(|e| DataError::Excel {
        message: e.to_string(),
    })?;
    out.push_str(&String::from_utf8_lossy(&bytes));
    Ok(out)
}

/// Reads a sheet of an `.xlsx` file (the first when `sheet` is `None`) into a [`Table`].
///
/// # Errors
/// As [`xlsx_to_csv`], then as [`super::read_table`].
pub fn read_xlsx_table(bytes: &[u8], sheet: Option<&str>) -> Result<Table, DataError> {
    let text = xlsx_to_csv(bytes, sheet)?;
    Table::read(&text, &xlsx_read_options())
}

/// How the text [`xlsx_to_csv`] writes is read: commas and decimal points.
pub fn xlsx_read_options() -> ReadOptions {
    ReadOptions {
        separator: Some(Separator::Comma),
        decimal: Some(DecimalSeparator::Dot),
        date_order: None,
    }
}
