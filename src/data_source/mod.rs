//! The user's own data, without DOM: turning a file into a table ([`file`]), the column
//! mapping the user edits ([`choices`]), the weekly dataset that is fitted ([`dataset`]),
//! the example file offered for download ([`template`]) and the error messages
//! ([`error`]). The components in [`crate::components::data`] lay these out; the browser
//! storage is in [`crate::storage`].
//!
//! Flow: bytes → [`file::SourceFile`] (text, or an `.xlsx` sheet as text) →
//! `read_table` + `inspect` (core) → [`choices::MappingChoices`] applied to the inspection
//! → `ColumnMapping` → `build_weekly` (core) → [`dataset::UserDataset`] → fit in the worker.
//!
//! The reading steps (bytes → text → inspection, and text + mapping → weeks) run in the
//! on-demand worker, its own wasm loaded only when a file is ([`reader`];
//! [`crate::worker::on_demand`]); the page keeps the mapping step.

pub mod choices;
pub mod dataset;
pub mod error;
pub mod file;
pub mod reader;
pub mod template;
pub mod wording;

#[cfg(test)]
pub(crate) mod test_files;

pub use error::UserDataError;
