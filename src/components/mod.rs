//! UI components, one per file.

pub mod smoke_panel;
