//! Fitting the model in the browser at start-up without freezing the page.
//!
//! [`start_fit`] spawns a task that runs the core's step-wise [`mixplan_core::model::Fitter`]
//! in slices of about [`SLICE_MS`] and yields to the browser between slices, publishing
//! progress to a signal. The task writes the signal; no Effect does.

use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::model::ModelParams;

use crate::embedded::EmbeddedData;
use crate::planner::scenario::Planner;

/// Longest stretch of fitting work between two yields to the browser, in milliseconds.
pub const SLICE_MS: f64 = 8.0;

/// Where the start-up fit is. Not `PartialEq`: it changes on every slice of the fit, and
/// what depends on the outcome reads [`ready`] instead.
#[derive(Debug, Clone)]
pub enum FitState {
    /// Fitting: `done` of `total` units of work.
    Fitting {
        /// Units done.
        done: usize,
        /// Units in all.
        total: usize,
    },
    /// Fitted.
    Ready {
        /// The fitted model and planning data.
        planner: Arc<Planner>,
        /// Wall time of the fit in the browser, milliseconds.
        fit_ms: f64,
    },
    /// The fit failed; the message says why and what to do.
    Failed(String),
}

impl FitState {
    /// Progress in `[0, 1]`.
    pub fn fraction(&self) -> f64 {
        match self {
            Self::Fitting { done, total } if *total > 0 => *done as f64 / *total as f64,
            Self::Fitting { .. } => 0.0,
            Self::Ready { .. } | Self::Failed(_) => 1.0,
        }
    }
}

/// The fitted planner and the fit's wall time in milliseconds, once the fit is done: `None`
/// while fitting or after a failure. A plain `Memo`: it stays `None` however often the
/// progress changes, so it notifies once, when the fit finishes.
pub fn ready(state: RwSignal<FitState>) -> Memo<Option<(Arc<Planner>, f64)>> {
    Memo::new(move |_| {
        state.with(|state| match state {
            FitState::Ready { planner, fit_ms } => Some((planner.clone(), *fit_ms)),
            _ => None,
        })
    })
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Fits the model to `embedded` in the background, publishing progress and the result
/// to `state`.
pub fn start_fit(embedded: EmbeddedData, state: RwSignal<FitState>) {
    leptos::task::spawn_local(async move {
        let start = now_ms();
        let params = match ModelParams::new().check() {
            Ok(p) => p,
            Err(e) => return state.set(FitState::Failed(e.to_string())),
        };
        let mut fitter = match params.start(&embedded.data) {
            Ok(f) => f,
            Err(e) => return state.set(FitState::Failed(e.to_string())),
        };
        while !fitter.is_finished() {
            let slice_start = now_ms();
            while !fitter.is_finished() && now_ms() - slice_start < SLICE_MS {
                fitter.step();
            }
            let (done, total) = fitter.progress();
            state.set(FitState::Fitting { done, total });
            // Let the browser paint and handle input before the next slice.
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        match fitter.finish() {
            Ok(model) => {
                let planner = Planner::new(model, embedded.channels, &embedded.data);
                state.set(FitState::Ready {
                    planner: Arc::new(planner),
                    fit_ms: now_ms() - start,
                });
            }
            Err(e) => state.set(FitState::Failed(format!(
                "The model could not be fitted: {e}"
            ))),
        }
    });
}
