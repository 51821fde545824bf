//! # mixplan-core
//!
//! The numerical core of mixplan, a browser-only marketing-mix budget planner.
//! This crate has no web types: it builds natively (tests, benches, the `mixplan` CLI)
//! and for `wasm32-unknown-unknown` (the Leptos app).
//!
//! | module | what it holds |
//! |---|---|
//! | [`data`] | the weekly matrix ([`data::WeeklyData`]), the CSV loader, the store simulator and the star-schema pipeline |
//! | [`diagnose`] | model diagnostics: residual autocorrelation, normality, heteroscedasticity, collinearity, ROI stability |
//! | [`mod@format`] | money formatting shared with the app |
//! | [`transform`] | carryover (adstock) and diminishing-returns (Hill) transforms |
//! | [`mediation`] | social → search → revenue: direct and indirect effects with intervals, and the split that values a source at its total effect |
//! | [`model`] | design matrix, constrained ridge fit, time-series CV search, metrics, decomposition |
//! | [`response`] | a channel's steady-state response curve, the contract between the model and the optimiser |
//! | [`optimize`] | the exact budget optimiser |
//! | [`performance`] | KPI cards, trends, channel table and anomaly alerts on daily platform and business facts |
//! | [`pricing`] | price elasticity and promotion lift with intervals, and their sensitivity |
//!
//! Style: parameters → validated parameters → fitted model; one `thiserror` enum per
//! concern; nothing a user supplies can panic.

pub mod data;
pub mod diagnose;
pub mod format;
pub mod mediation;
pub mod model;
pub mod optimize;
pub mod performance;
pub mod pricing;
pub mod response;
pub mod transform;
