//! Sharing and exporting a plan.
//!
//! * [`link`]: the plan and page settings in the URL fragment (`#v2;total=…`), written and read in plain Rust.
//! * [`export`]: the plan as CSV and JSON, the fitted model summary as JSON (plain Rust).
//! * [`api`]: what `window.mixplan` answers (predict, optimize, get/set the plan), in plain
//!   Rust on JSON values.
//! * [`summary`]: the printable executive summary's sentences (plain Rust).
//! * [`browser`]: the browser side: fragment sync, file downloads, `window.mixplan`.

pub mod api;
pub mod browser;
pub mod export;
pub mod link;
pub mod summary;
