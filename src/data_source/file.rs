//! A file the user gave (picked, dropped or pasted) as text the core reads: CSV or TSV text
//! as it is, an `.xlsx` sheet converted to CSV by the core (`xlsx_to_csv`, through
//! `calamine`). Plain Rust, tested natively.

use std::sync::Arc;

use mixplan_core::data::{
    DateOrder, DecimalSeparator, Inspection, ReadOptions, Table, inspect, is_xlsx, read_table,
    xlsx_read_options, xlsx_sheet_names, xlsx_to_csv,
};

use super::error::UserDataError;

/// The name a pasted text goes by in messages.
pub const PASTED_NAME: &str = "The pasted text";

/// A file as text, with how it is to be read.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// The file's name (or [`PASTED_NAME`]).
    pub name: String,
    /// The text the core reads (an `.xlsx` sheet as CSV).
    pub text: Arc<str>,
    /// Reading options fixed by the format (an `.xlsx` sheet: commas, decimal points).
    pub options: ReadOptions,
    /// The workbook's sheets (empty for text).
    pub sheets: Vec<String>,
    /// The sheet read (`None` for text).
    pub sheet: Option<String>,
    /// The workbook's bytes, kept to read another sheet (`None` for text).
    pub workbook: Option<Arc<[u8]>>,
}

impl SourceFile {
    /// Pasted text.
    pub fn pasted(text: &str) -> Self {
        Self::text(PASTED_NAME, text)
    }

    /// Text read from a file.
    pub fn text(name: &str, text: &str) -> Self {
        Self {
            name: name.to_string(),
            text: Arc::from(text),
            options: ReadOptions::default(),
            sheets: Vec::new(),
            sheet: None,
            workbook: None,
        }
    }

    /// A file's bytes: an `.xlsx` workbook (its `sheet`, or the first) or UTF-8 text (a
    /// byte-order mark is fine).
    ///
    /// # Errors
    /// The core's message for an unreadable workbook or an unknown sheet;
    /// [`UserDataError::NotText`] for bytes that are neither.
    pub fn from_bytes(
        name: &str,
        bytes: &[u8],
        sheet: Option<&str>,
    ) -> Result<Self, UserDataError> {
        if is_xlsx(bytes) {
            let sheets = xlsx_sheet_names(bytes).map_err(|e| UserDataError::data(name, e))?;
            let sheet = sheet
                .map(str::to_string)
                .or_else(|| sheets.first().cloned());
            let text =
                xlsx_to_csv(bytes, sheet.as_deref()).map_err(|e| UserDataError::data(name, e))?;
            return Ok(Self {
                name: name.to_string(),
                text: Arc::from(text),
                options: xlsx_read_options(),
                sheets,
                sheet,
                workbook: Some(Arc::from(bytes)),
            });
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Self::text(name, text)),
            Err(_) => Err(UserDataError::NotText {
                file: name.to_string(),
            }),
        }
    }

    /// The same workbook with `sheet` read instead.
    ///
    /// # Errors
    /// As [`SourceFile::from_bytes`]; text files have no sheets (the file is returned as is).
    pub fn with_sheet(&self, sheet: &str) -> Result<Self, UserDataError> {
        match &self.workbook {
            Some(bytes) => Self::from_bytes(&self.name, bytes, Some(sheet)),
            None => Ok(self.clone()),
        }
    }

    /// Reads the text into the core's table and inspects it, with the user's answers to
    /// the questions the core may ask (decimal separator, date order) where the format
    /// does not fix them.
    ///
    /// # Errors
    /// The core's first problem, as a [`UserDataError`] ([`UserDataError::AskDecimal`] and
    /// [`UserDataError::AskDateOrder`] when it needs an answer).
    pub fn read(
        &self,
        decimal: Option<DecimalSeparator>,
        date_order: Option<DateOrder>,
    ) -> Result<(Table, Inspection), UserDataError> {
        let options = ReadOptions {
            separator: self.options.separator,
            decimal: self.options.decimal.or(decimal),
            date_order: self.options.date_order.or(date_order),
        };
        let table =
            read_table(&self.text, &options).map_err(|e| UserDataError::data(&self.name, e))?;
        let found = inspect(&table).map_err(|e| UserDataError::data(&self.name, e))?;
        Ok((table, found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mixplan_core::data::MappedRole;

    use crate::data_source::test_files::weekly_csv;

    #[test]
    fn text_is_read_and_inspected() {
        let file = SourceFile::text("shop.csv", &weekly_csv(false));
        let (table, found) = file.read(None, None).unwrap();
        assert_eq!(table.rows(), 30);
        let roles: Vec<MappedRole> = found.columns.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [MappedRole::Date, MappedRole::Spend, MappedRole::Target]
        );
    }

    #[test]
    fn an_ambiguous_decimal_is_asked_then_read_with_the_answer() {
        let file = SourceFile::text("eu.csv", &weekly_csv(true));
        let error = file.read(None, None).unwrap_err();
        assert!(matches!(error, UserDataError::AskDecimal { .. }), "{error}");
        assert!(error.to_string().contains("choose which one"), "{error}");
        let (table, _) = file.read(Some(DecimalSeparator::Comma), None).unwrap();
        assert_eq!(table.rows(), 30);
    }

    #[test]
    fn bytes_that_are_not_text_or_a_workbook_are_refused_with_what_to_do() {
        let error = SourceFile::from_bytes("x.csv", &[0xff, 0xfe, 0x00, 0xc3], None).unwrap_err();
        assert!(error.to_string().contains("CSV UTF-8"), "{error}");
        let error = SourceFile::from_bytes("x.xlsx", b"PK\x03\x04garbage", None).unwrap_err();
        assert!(error.to_string().starts_with("x.xlsx: "), "{error}");
    }
}
