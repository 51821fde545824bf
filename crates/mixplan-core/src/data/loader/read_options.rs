//! How the text of a file is read, independently of which column plays which role:
//! [`ReadOptions`] (field separator, decimal separator, date order; each detected when
//! `None`) and the limits beyond which a file is refused.

use super::number::DecimalSeparator;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest file read, in bytes (50 MB): about 600,000 daily rows of ten columns.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// The most columns a file may have (after trailing empty columns are dropped).
pub const MAX_COLUMNS: usize = 300;
/// The most weeks a weekly matrix may have, after daily or multi-row data is aggregated
/// (about 96 years of weekly data).
pub const MAX_WEEKS: usize = 5_000;

/// The character between the fields of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Separator {
    /// `,` (the CSV default).
    Comma,
    /// `;` (common where the decimal separator is a comma).
    Semicolon,
    /// A tab (TSV, or cells pasted from a spreadsheet).
    Tab,
}

impl Separator {
    /// Every separator, in the order detection prefers them on a tie.
    pub const ALL: [Separator; 3] = [Separator::Comma, Separator::Semicolon, Separator::Tab];

    /// The byte the CSV reader splits on.
    pub fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
            Separator::Tab => b'\t',
        }
    }
}

impl fmt::Display for Separator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Separator::Comma => "comma",
            Separator::Semicolon => "semicolon",
            Separator::Tab => "tab",
        })
    }
}

/// The order of day and month in dates written with both as numbers (`03/04/2024`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DateOrder {
    /// `dd/mm/yyyy` (and `dd.mm.yyyy`, `dd-mm-yyyy`).
    DayFirst,
    /// `mm/dd/yyyy` (and `mm-dd-yyyy`).
    MonthFirst,
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateOrder::DayFirst => "day first (dd/mm/yyyy)",
            DateOrder::MonthFirst => "month first (mm/dd/yyyy)",
        })
    }
}

/// How a file's text is read. Every field is optional; `None` means detected from the data.
///
/// | field | default (`None`) | meaning |
/// |---|---|---|
/// | `separator` | the one of `,` `;` tab that splits the first rows into the most, equal, fields | field separator |
/// | `decimal` | the one most cells can only be read with; asked ([`crate::data::DataError::AmbiguousDecimal`]) when every cell reads both ways (`1.234`) in a file not separated by commas | decimal separator |
/// | `date_order` | decided by a day above 12; asked ([`crate::data::DataError::AmbiguousDateOrder`]) when no cell decides and both orders give regular dates | order of day and month |
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReadOptions {
    /// Field separator.
    pub separator: Option<Separator>,
    /// Decimal separator of every number in the file.
    pub decimal: Option<DecimalSeparator>,
    /// Order of day and month in numeric dates.
    pub date_order: Option<DateOrder>,
}
