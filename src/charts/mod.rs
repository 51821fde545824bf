//! Plotly glue.
//!
//! * [`figure`]: [`figure::Figure`], a plotly.js figure (data, layout, config) built with the
//!   `plotly` crate's typed traces and layouts. Plain Rust, tested natively.
//! * [`diagnostics`]: the "Model checks" figures (residual ACF, ROI on rolling windows).
//! * [`figures`]: the planner's figures, built from the planner and the scenario.
//! * [`plan_ahead`]: the "Planning ahead" figures (budget frontier, scenario comparison).
//! * [`response`]: [`response::ChannelResponse`], the revenue a channel adds at a spend, in
//!   either model form (what the response curves draw).
//! * [`label`]: [`label::escape`], so names from the data reach plotly.js as plain text.
//! * [`plotly_js`]: the plotly.js calls the app makes (`newPlot`, `react`, `purge`, `downloadImage`).
//! * [`plotly_chart`]: `<PlotlyChart>`, a component that owns one plot: created once per
//!   mount, updated in place with `Plotly.react`, purged on cleanup.
//! * [`summary`]: each figure's text alternative (what it shows, in words and numbers).

pub mod diagnostics;
pub mod figure;
pub mod figures;
pub mod label;
pub mod performance;
pub mod plan_ahead;
pub mod plotly_chart;
pub mod plotly_js;
pub mod response;
pub mod summary;
