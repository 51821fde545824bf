//! # mixplan-app
//!
//! The Leptos (CSR) front end of mixplan, built to WebAssembly by Trunk. All numbers come
//! from `mixplan-core`; this crate only lays them out and draws them.
//!
//! | module | what it holds |
//! |---|---|
//! | [`app`] | the root component |
//! | [`components`] | one small component per file |
//! | [`charts`] | the Plotly glue: a chart component that owns one plotly.js plot, and figure builders |
//! | [`planner`] | planner logic without DOM: the budget being edited, the scenario it gives |
//! | [`data_source`] | the user's own data without DOM: file → table → mapping → weekly dataset |
//! | [`storage`] | the user's data kept in the browser (`localStorage`, versioned, checksummed) |
//! | [`embedded`] | the data compiled into the app from `data_processed/` |
//! | [`fitting`] | the page's fit state, fed by the fit worker |
//! | [`format`] | number and currency formatting (plain Rust, tested natively) |
//! | [`share`] | the shareable link, file exports and the `window.mixplan` JS API |
//! | [`worker`] | the fit in a Web Worker: messages, scheduling and cancel, both sides' glue |

pub mod app;
pub mod charts;
pub mod components;
pub mod data_source;
pub mod embedded;
pub mod fitting;
pub mod format;
pub mod planner;
pub mod share;
pub mod storage;
pub mod worker;

pub use app::App;
