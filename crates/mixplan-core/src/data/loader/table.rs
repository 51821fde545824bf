//! Text → a [`Table`] of trimmed cells with their line numbers, stored column by column;
//! and the cell-level rules (missing markers, name normalisation, numbers in the file's
//! decimal convention) the rest of the loader shares.
//!
//! Reading: a byte-order mark is dropped; the field separator is the one given or detected;
//! trailing empty rows, and trailing columns with neither a name nor a value, are ignored
//! (so are empty fields after the last column); the size limits of [`super::read_options`]
//! are checked; the decimal separator is the one given or decided from every cell.

use super::number::{DecimalSeparator, DecimalVotes, parse_number};
use super::read_options::{DateOrder, MAX_COLUMNS, MAX_FILE_BYTES, ReadOptions, Separator};
use super::separator::detect_separator;
use crate::data::error::{ColumnList, ColumnRole, DataError};

/// Cell values treated as missing (case-insensitive), besides the empty cell.
const MISSING_MARKERS: &[&str] = &["na", "n/a", "nan", "null", "none", "-"];

/// Cells of one decimal convention, with none of the other, that settle the decimal
/// separator.
const DECISIVE_VOTES: usize = 1_000;

/// One column's trimmed cells, concatenated (one allocation per column, not per cell).
#[derive(Debug, Clone, Default)]
struct Cells {
    text: String,
    ends: Vec<usize>,
}

impl Cells {
    fn get(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        self.text.get(start..self.ends[row]).unwrap_or("")
    }
}

/// The file's header and cells, with each row's 1-based line number.
#[derive(Debug, Clone)]
pub struct Table {
    /// Header cells, trimmed.
    pub(crate) header: Vec<String>,
    columns: Vec<Cells>,
    lines: Vec<u64>,
    /// The field separator used.
    pub(crate) separator: Separator,
    /// The decimal separator numbers are read with.
    pub(crate) decimal: DecimalSeparator,
    /// The date order asked for (`None`: detected).
    pub(crate) date_order: Option<DateOrder>,
}

impl Table {
    /// Reads `text` (see the module docs).
    ///
    /// # Errors
    /// [`DataError::FileTooLarge`], [`DataError::EmptyFile`], [`DataError::Csv`],
    /// [`DataError::RaggedRow`], [`DataError::EmptyColumnName`],
    /// [`DataError::DuplicateColumn`], [`DataError::TooManyColumns`] or
    /// [`DataError::AmbiguousDecimal`].
    pub(crate) fn read(text: &str, options: &ReadOptions) -> Result<Self, DataError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(DataError::FileTooLarge {
                bytes: text.len(),
                limit: MAX_FILE_BYTES,
            });
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(DataError::EmptyFile);
        }
        let separator = options.separator.unwrap_or_else(|| detect_separator(text));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(separator.byte())
            .from_reader(text.as_bytes());
        // One record, reused for every row (no allocation per row).
        let mut record = csv::StringRecord::new();
        if !reader.read_record(&mut record).map_err(csv_error)? {
            return Err(DataError::EmptyFile);
        }
        let mut header: Vec<String> = record.iter().map(|h| h.trim().to_string()).collect();
        let mut columns: Vec<Cells> = vec![Cells::default(); header.len()];
        let mut lines = Vec::new();
        // Rows of only empty cells are kept aside until a row with a value follows: trailing
        // ones are dropped.
        let mut pending_empty: Vec<u64> = Vec::new();
        while reader.read_record(&mut record).map_err(csv_error)? {
            let line = record.position().map_or(0, csv::Position::line);
            let filled = record.len()
                - record
                    .iter()
                    .rev()
                    .take_while(|c| c.trim().is_empty())
                    .count();
            if filled == 0 {
                pending_empty.push(line);
                continue;
            }
            for empty_line in pending_empty.drain(..) {
                push_row(
                    &mut columns,
                    &mut lines,
                    &header,
                    empty_line,
                    header.len(),
                    |_| "",
                )?;
            }
            let len = filled.max(header.len()).min(record.len());
            push_row(&mut columns, &mut lines, &header, line, len, |i| {
                record.get(i).map_or("", str::trim)
            })?;
        }
        // Trailing columns without a name or a value.
        while header.last().is_some_and(String::is_empty)
            && columns.last().is_some_and(|c| c.text.is_empty())
        {
            header.pop();
            columns.pop();
        }
        check_header(&header)?;
        if header.len() > MAX_COLUMNS {
            return Err(DataError::TooManyColumns {
                found: header.len(),
                limit: MAX_COLUMNS,
            });
        }
        let mut table = Self {
            header,
            columns,
            lines,
            separator,
            decimal: DecimalSeparator::Dot,
            date_order: options.date_order,
        };
        table.decimal = match options.decimal {
            Some(d) => d,
            None => table.detect_decimal()?,
        };
        Ok(table)
    }

    fn detect_decimal(&self) -> Result<DecimalSeparator, DataError> {
        let mut votes = DecimalVotes::default();
        // Rows are read in order, all columns at a time, until one convention has
        // `DECISIVE_VOTES` cells and the other none: later cells could not change the
        // decision, only be reported as bad numbers in it.
        'rows: for row in 0..self.len() {
            for (i, column) in self.columns.iter().enumerate() {
                let cell = column.get(row);
                if cell.contains(['.', ',']) {
                    votes.add(i, cell);
                }
            }
            if votes.dot.min(votes.comma) == 0 && votes.dot.max(votes.comma) >= DECISIVE_VOTES {
                break 'rows;
            }
        }
        votes
            .decide(self.separator == Separator::Comma)
            .ok_or_else(|| {
                let (column, example) = votes.first_ambiguous.clone().unwrap_or_default();
                DataError::AmbiguousDecimal {
                    column: self.header.get(column).cloned().unwrap_or_default(),
                    example,
                }
            })
    }

    /// Column names, as written in the header (trimmed).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The field separator the file was read with.
    pub fn separator(&self) -> Separator {
        self.separator
    }

    /// The decimal separator numbers are read with.
    pub fn decimal(&self) -> DecimalSeparator {
        self.decimal
    }

    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.len()
    }

    /// Number of data rows.
    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }

    /// 1-based file line of data row `row`.
    pub(crate) fn line(&self, row: usize) -> u64 {
        self.lines.get(row).copied().unwrap_or(0)
    }

    /// Cell `row` of column `index` ("" when out of range).
    pub(crate) fn cell(&self, row: usize, index: usize) -> &str {
        match self.columns.get(index) {
            Some(c) if row < c.ends.len() => c.get(row),
            _ => "",
        }
    }

    /// The cells of column `index`, each with its file line.
    pub(crate) fn column(&self, index: usize) -> impl Iterator<Item = (u64, &str)> {
        (0..self.len()).map(move |row| (self.line(row), self.cell(row, index)))
    }

    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        let key = normalise(name);
        self.header.iter().position(|h| normalise(h) == key)
    }

    pub(crate) fn available(&self) -> ColumnList {
        ColumnList(self.header.clone())
    }

    pub(crate) fn require(&self, name: &str, role: ColumnRole) -> Result<usize, DataError> {
        self.find(name).ok_or_else(|| DataError::MissingColumn {
            role,
            column: name.trim().to_string(),
            available: self.available(),
        })
    }

    /// The number in `cell`, in this file's decimal convention.
    pub(crate) fn number(&self, cell: &str) -> Option<f64> {
        parse_number(cell, self.decimal)
    }

    /// Column `index` as numbers, row by row: `None` where a cell is missing or not a number.
    pub(crate) fn numbers(&self, index: usize) -> Vec<Option<f64>> {
        self.column(index)
            .map(|(_, cell)| {
                if is_missing(cell) {
                    None
                } else {
                    self.number(cell)
                }
            })
            .collect()
    }

    /// More than half of the non-missing cells parse as numbers (and there is at least one).
    pub(crate) fn is_numeric(&self, index: usize) -> bool {
        let (mut numbers, mut present) = (0usize, 0usize);
        for (_, cell) in self.column(index) {
            if is_missing(cell) {
                continue;
            }
            present += 1;
            if self.number(cell).is_some() {
                numbers += 1;
            }
        }
        numbers > 0 && 2 * numbers > present
    }
}

/// Appends one row; a row with more non-empty fields than the header, or fewer fields, is
/// ragged (a header with trailing empty names grows to the widest row first).
fn push_row<'a>(
    columns: &mut [Cells],
    lines: &mut Vec<u64>,
    header: &[String],
    line: u64,
    len: usize,
    cell: impl Fn(usize) -> &'a str,
) -> Result<(), DataError> {
    let expected = header.len();
    if len != expected {
        let named = header.len() - header.iter().rev().take_while(|h| h.is_empty()).count();
        // Fewer fields than the header is fine only when the missing ones are unnamed
        // trailing columns.
        if len > expected || len < named {
            return Err(DataError::RaggedRow {
                line,
                expected: named,
                found: len,
            });
        }
    }
    for (i, column) in columns.iter_mut().enumerate() {
        column.text.push_str(if i < len { cell(i) } else { "" });
        column.ends.push(column.text.len());
    }
    lines.push(line);
    Ok(())
}

fn check_header(header: &[String]) -> Result<(), DataError> {
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
    Ok(())
}

fn csv_error(e: csv::Error) -> DataError {
    let line = e.position().map_or(0, csv::Position::line);
    DataError::Csv {
        line,
        message: e.to_string(),
    }
}

pub(crate) fn normalise(name: &str) -> String {
    name.trim().to_lowercase()
}

pub(crate) fn is_missing(cell: &str) -> bool {
    cell.is_empty() || MISSING_MARKERS.iter().any(|m| cell.eq_ignore_ascii_case(m))
}
