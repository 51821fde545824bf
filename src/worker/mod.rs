//! Fitting in a Web Worker, so the page never blocks while the model fits or its posterior
//! is sampled (the point fit first, then the posterior draws).
//!
//! The page holds a [`client::FitWorker`]; the worker is a second wasm module
//! (`src/bin/fit_worker.rs`, built by Trunk as `data-type="worker"`) that runs
//! [`entry::serve`]. Both sides share [`messages`] and [`wire`].
//!
//! | module | side | what it holds |
//! |---|---|---|
//! | [`messages`] | both | the request and reply types (serde) |
//! | [`wire`] | both | serde ⇄ JavaScript values for `postMessage` |
//! | [`schedule`] | page | request ids, queueing until the worker is ready, cancel, stale replies (plain Rust) |
//! | [`client`] | page | the `web_sys::Worker`: start, restart, post, receive |
//! | [`run`] | worker | the fit loop, then the posterior sampler, with throttled progress (plain Rust) |
//! | [`entry`] | worker | the worker's message handler |
//! | [`js`] | page | a worker's script URL (the page may override it) and JavaScript errors in words |
//!
//! A second worker, the **on-demand worker** (`src/bin/on_demand.rs`), runs what the page
//! needs only when the user asks (reading a file, the model checks, the performance view, the
//! mediation estimate, the multiplicative model's horizon plan), so that code is not in the
//! first visit's download: [`on_demand`] (jobs, both sides), [`on_demand_client`] (page),
//! [`on_demand_entry`] (worker), and the jobs [`performance_job`], [`mediation_job`] and
//! [`horizon_job`].

pub mod client;
pub mod entry;
pub mod horizon_job;
pub mod js;
pub mod mediation_job;
pub mod messages;
pub mod on_demand;
pub mod on_demand_client;
pub mod on_demand_entry;
pub mod performance_job;
pub mod run;
pub mod schedule;
pub mod wire;

/// What the worker's tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use mixplan_core::model::{FittedModel, ModelParams};

    /// The default model fitted directly (not through the worker) to `data`.
    pub fn default_fit(data: &mixplan_core::data::WeeklyData) -> FittedModel {
        ModelParams::new()
            .check()
            .expect("default parameters")
            .fit(data, |_, _| {})
            .expect("fit")
    }
}
