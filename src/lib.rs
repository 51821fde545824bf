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
//! | [`format`] | number and currency formatting (plain Rust, tested natively) |

pub mod app;
pub mod charts;
pub mod components;
pub mod format;

pub use app::App;
