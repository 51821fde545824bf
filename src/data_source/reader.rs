//! Reading the user's file in the **on-demand worker** ([`crate::worker::on_demand`]), a wasm
//! module of its own that the page starts only when a file is loaded, so the `.xlsx` reader
//! (calamine, zip, quick-xml, encoding tables), CSV sniffing, inspection and weekly
//! aggregation are not part of the page's first download (README "Offline", sizes).
//!
//! Plain Rust, the same on both sides: the jobs the page sends ([`ReadJob`]), what comes back
//! ([`ReadResult`]), and [`run`], the worker's work (tested natively).
//!
//! | job | in | out |
//! |---|---|---|
//! | [`ReadJob::Open`] | a file's bytes (an `.xlsx` sheet, or UTF-8 text) | [`OpenedFile`]: its text, sheets, and the table's [`Inspection`] (or why not) |
//! | [`ReadJob::Inspect`] | text (pasted, or a file read again with the user's answers) | the [`Inspection`] |
//! | [`ReadJob::Build`] | text and the confirmed mapping | the weekly [`UserDataset`] |
//!
//! The worker keeps nothing between jobs (the page holds the text), so a restarted worker
//! answers as the first did. Errors keep the core's messages (line and column included).

use std::fmt;

use mixplan_core::data::{ColumnMapping, DateOrder, DecimalSeparator, Inspection, ReadOptions};
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::choices::TargetKind;
use super::dataset::UserDataset;
use super::error::UserDataError;
use super::file::SourceFile;

/// A file's bytes. Serialised as bytes, which `serde-wasm-bindgen` turns into a
/// `Uint8Array` (one copy, not an array of numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBytes(pub Vec<u8>);

impl Serialize for FileBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for FileBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl<'de> Visitor<'de> for BytesVisitor {
            type Value = FileBytes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a file's bytes")
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<FileBytes, E> {
                Ok(FileBytes(bytes.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<FileBytes, E> {
                Ok(FileBytes(bytes))
            }
            // Formats without a bytes type (JSON) write a sequence of numbers.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FileBytes, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(byte) = seq.next_element::<u8>()? {
                    bytes.push(byte);
                }
                Ok(FileBytes(bytes))
            }
        }
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

/// Text the core reads, with the options its format fixes (an `.xlsx` sheet: commas and
/// decimal points).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileText {
    /// The file's name as the user chose it (or "The pasted text").
    pub name: String,
    /// The text.
    pub text: String,
    /// Reading options fixed by the format.
    pub options: ReadOptions,
}

/// Page → worker: one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ReadJob {
    /// A file's bytes: an `.xlsx` workbook (its `sheet`, or the first) or UTF-8 text; read
    /// and inspected without answers.
    Open {
        /// The file's name.
        name: String,
        /// Its bytes.
        bytes: FileBytes,
        /// The sheet to read (`None`: the first; ignored for text).
        sheet: Option<String>,
    },
    /// Text read and inspected with the user's answers to the reader's questions.
    Inspect {
        /// The text.
        file: FileText,
        /// "Decimal point or comma?", when answered.
        decimal: Option<DecimalSeparator>,
        /// "Day or month first?", when answered.
        date_order: Option<DateOrder>,
    },
    /// Text read with the answers, then aggregated to weeks as the confirmed mapping says.
    Build {
        /// The text.
        file: FileText,
        /// "Decimal point or comma?", when answered.
        decimal: Option<DecimalSeparator>,
        /// "Day or month first?", when answered.
        date_order: Option<DateOrder>,
        /// The columns' roles the user confirmed.
        mapping: ColumnMapping,
        /// What the target measures.
        target_kind: TargetKind,
    },
}

/// A file opened by [`ReadJob::Open`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenedFile {
    /// A workbook's sheet as CSV text; `None` for a text file, whose text is its bytes (the
    /// page has them: a large file does not travel back).
    pub sheet_text: Option<String>,
    /// Reading options fixed by the format.
    pub options: ReadOptions,
    /// The workbook's sheets (empty for text).
    pub sheets: Vec<String>,
    /// The sheet read (`None` for text).
    pub sheet: Option<String>,
    /// The table's inspection without answers, or why the text could not be read (which may
    /// be a question: [`UserDataError::asks`]).
    pub inspection: Result<Inspection, UserDataError>,
}

/// Worker → page: the outcome of one job, of the job's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ReadResult {
    /// [`ReadJob::Open`]: the file, or why its bytes are neither a workbook nor text.
    Opened(Result<OpenedFile, UserDataError>),
    /// [`ReadJob::Inspect`].
    Inspected(Result<Inspection, UserDataError>),
    /// [`ReadJob::Build`].
    Built(Result<UserDataset, UserDataError>),
}

impl SourceFile {
    /// The text and options a job reads.
    pub fn file_text(&self) -> FileText {
        FileText {
            name: self.name.clone(),
            text: self.text.to_string(),
            options: self.options,
        }
    }

    /// The file `name` the worker opened from `bytes`: a workbook keeps its bytes (to read
    /// another sheet) and the sheet's text; a text file's text is its bytes.
    ///
    /// # Errors
    /// [`UserDataError::NotText`] if the worker said text but the bytes are not UTF-8 (the
    /// worker checked; not expected).
    pub fn from_opened(
        name: &str,
        opened: &OpenedFile,
        bytes: Vec<u8>,
    ) -> Result<Self, UserDataError> {
        let text: std::sync::Arc<str> = match &opened.sheet_text {
            Some(text) => text.as_str().into(),
            None => std::str::from_utf8(&bytes)
                .map_err(|_| UserDataError::NotText {
                    file: name.to_string(),
                })?
                .into(),
        };
        Ok(Self {
            name: name.to_string(),
            text,
            options: opened.options,
            sheets: opened.sheets.clone(),
            sheet: opened.sheet.clone(),
            workbook: opened.sheet_text.is_some().then(|| bytes.into()),
        })
    }
}

/// Does `job` (in the worker).
pub fn run(job: ReadJob) -> ReadResult {
    match job {
        ReadJob::Open { name, bytes, sheet } => ReadResult::Opened(
            SourceFile::from_bytes(&name, &bytes.0, sheet.as_deref()).map(|file| {
                let inspection = file.read(None, None).map(|(_, found)| found);
                OpenedFile {
                    sheet_text: file.workbook.is_some().then(|| file.text.to_string()),
                    options: file.options,
                    sheets: file.sheets,
                    sheet: file.sheet,
                    inspection,
                }
            }),
        ),
        ReadJob::Inspect {
            file,
            decimal,
            date_order,
        } => ReadResult::Inspected(
            source(file)
                .read(decimal, date_order)
                .map(|(_, found)| found),
        ),
        ReadJob::Build {
            file,
            decimal,
            date_order,
            mapping,
            target_kind,
        } => {
            let source = source(file);
            ReadResult::Built(source.read(decimal, date_order).and_then(|(table, _)| {
                UserDataset::build(&source.name, &table, mapping, target_kind)
            }))
        }
    }
}

/// The text of a job as a [`SourceFile`] (no workbook: the text is what is read).
fn source(file: FileText) -> SourceFile {
    SourceFile {
        options: file.options,
        ..SourceFile::text(&file.name, &file.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_source::choices::MappingChoices;

    use crate::data_source::test_files::weekly_csv;

    /// A job as it crosses `postMessage` (here through JSON): the worker gets what was sent.
    fn through_the_wire<T: Serialize + for<'de> Deserialize<'de>>(value: &T) -> T {
        serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
    }

    #[test]
    fn an_opened_text_file_comes_back_with_its_inspection_and_builds_the_same_weeks() {
        let csv = weekly_csv(false);
        let job = ReadJob::Open {
            name: "shop.csv".into(),
            bytes: FileBytes(csv.clone().into_bytes()),
            sheet: None,
        };
        let ReadResult::Opened(Ok(opened)) = run(through_the_wire(&job)) else {
            panic!("the file opens");
        };
        assert_eq!(
            opened.sheet_text, None,
            "a text file's text does not come back"
        );
        assert!(opened.sheets.is_empty() && opened.sheet.is_none());
        let found = opened.inspection.clone().unwrap();
        let file = SourceFile::from_opened("shop.csv", &opened, csv.clone().into_bytes()).unwrap();
        assert_eq!(&*file.text, csv);
        assert_eq!(file.workbook, None, "text keeps no bytes");
        // The page maps with the inspection, the worker builds: the same as in one place.
        let mapping = MappingChoices::default().mapping(&found).unwrap();
        let built = run(ReadJob::Build {
            file: file.file_text(),
            decimal: None,
            date_order: None,
            mapping: mapping.clone(),
            target_kind: TargetKind::Revenue,
        });
        let (table, _) = file.read(None, None).unwrap();
        let direct = UserDataset::build("shop.csv", &table, mapping, TargetKind::Revenue);
        assert_eq!(built, ReadResult::Built(direct));
        let ReadResult::Built(Ok(dataset)) = built else {
            unreachable!()
        };
        assert_eq!(dataset.data.len(), 30);
    }

    #[test]
    fn a_question_comes_back_as_a_question_and_the_answer_reads_the_file() {
        let text = FileText {
            name: "eu.csv".into(),
            text: weekly_csv(true),
            options: ReadOptions::default(),
        };
        let asked = run(ReadJob::Inspect {
            file: text.clone(),
            decimal: None,
            date_order: None,
        });
        let ReadResult::Inspected(Err(error)) = through_the_wire(&asked) else {
            panic!("a question: {asked:?}");
        };
        assert!(error.asks(), "{error}");
        assert!(error.to_string().starts_with("eu.csv: "), "{error}");
        let answered = run(ReadJob::Inspect {
            file: text,
            decimal: Some(DecimalSeparator::Comma),
            date_order: None,
        });
        let ReadResult::Inspected(Ok(found)) = answered else {
            panic!("read with the answer: {answered:?}");
        };
        assert_eq!(found.columns.len(), 3);
    }

    #[test]
    fn bytes_that_are_neither_text_nor_a_workbook_keep_their_message() {
        let job = ReadJob::Open {
            name: "x.csv".into(),
            bytes: FileBytes(vec![0xff, 0xfe, 0x00, 0xc3]),
            sheet: None,
        };
        let ReadResult::Opened(Err(error)) = through_the_wire(&run(job)) else {
            panic!("refused");
        };
        assert_eq!(
            error,
            UserDataError::NotText {
                file: "x.csv".into()
            }
        );
    }

    #[test]
    fn a_reader_error_keeps_the_line_and_column_it_names() {
        // Line 4 (the third week) gets a fourth field.
        let csv: String = weekly_csv(false)
            .lines()
            .enumerate()
            .map(|(i, line)| {
                if i == 3 {
                    format!("{line},9\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        let job = ReadJob::Open {
            name: "bad.csv".into(),
            bytes: FileBytes(csv.into_bytes()),
            sheet: None,
        };
        let ReadResult::Opened(Ok(opened)) = through_the_wire(&run(job)) else {
            panic!("text opens");
        };
        let error = opened.inspection.unwrap_err().to_string();
        assert!(error.starts_with("bad.csv: "), "{error}");
        assert!(error.contains("line 4 has 4 fields"), "{error}");
    }
}
