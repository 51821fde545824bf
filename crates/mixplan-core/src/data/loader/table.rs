//! CSV text → a [`Table`] of trimmed cells with their line numbers, and the cell-level
//! rules (missing markers, name normalisation) the rest of the loader shares.

use crate::data::error::{ColumnList, ColumnRole, DataError};

/// Cell values treated as missing (case-insensitive), besides the empty cell.
const MISSING_MARKERS: &[&str] = &["na", "n/a", "nan", "null", "none", "-"];

/// The raw CSV: header and rows of trimmed cells, with each row's 1-based line number.
pub(super) struct Table {
    /// Header cells, trimmed.
    pub(super) header: Vec<String>,
    /// Rows of trimmed cells, each with its 1-based line number.
    pub(super) rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    pub(super) fn read(text: &str) -> Result<Self, DataError> {
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

    pub(super) fn column(&self, index: usize) -> impl Iterator<Item = (u64, &str)> {
        self.rows
            .iter()
            .map(move |(line, cells)| (*line, cells.get(index).map_or("", String::as_str)))
    }

    pub(super) fn find(&self, name: &str) -> Option<usize> {
        let key = normalise(name);
        self.header.iter().position(|h| normalise(h) == key)
    }

    pub(super) fn available(&self) -> ColumnList {
        ColumnList(self.header.clone())
    }

    pub(super) fn require(&self, name: &str, role: ColumnRole) -> Result<usize, DataError> {
        self.find(name).ok_or_else(|| DataError::MissingColumn {
            role,
            column: name.trim().to_string(),
            available: self.available(),
        })
    }

    /// More than half of the non-missing cells parse as numbers (and there is at least one).
    pub(super) fn is_numeric(&self, index: usize) -> bool {
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

pub(super) fn normalise(name: &str) -> String {
    name.trim().to_lowercase()
}

pub(super) fn is_missing(cell: &str) -> bool {
    cell.is_empty() || MISSING_MARKERS.iter().any(|m| cell.eq_ignore_ascii_case(m))
}
