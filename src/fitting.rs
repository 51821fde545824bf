//! Fitting the model without freezing the page: the fit runs in a Web Worker
//! ([`crate::worker`]); this module turns its outcomes into the page's [`FitState`].
//!
//! [`start_fit`] sends the data to the worker and returns the handle that owns it; the
//! worker's replies write the state signal (no Effect does). [`ready`] keeps the last
//! fitted planner, so a new fit that is running or has failed leaves the current one on
//! screen.

use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::data::WeeklyData;
use mixplan_core::model::ModelParams;

use crate::embedded::EmbeddedData;
use crate::planner::scenario::{ChannelInfo, Planner};
use crate::worker::client::FitWorker;
use crate::worker::schedule::Outcome;

/// Where the latest fit is. Not `PartialEq`: it changes on every progress reply, and
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
        /// Wall time of the fit seen from the page (request to model), milliseconds.
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

/// The planner in use and its fit's wall time in milliseconds: `None` until a fit has
/// succeeded, then the latest fitted one — a fit running or failed afterwards leaves it as
/// it is. A `Memo`: progress alone never notifies; it notifies once per successful fit.
pub fn ready(state: RwSignal<FitState>) -> Memo<Option<(Arc<Planner>, f64)>> {
    Memo::new(move |previous: Option<&Option<(Arc<Planner>, f64)>>| {
        state.with(|state| match state {
            FitState::Ready { planner, fit_ms } => Some((planner.clone(), *fit_ms)),
            _ => previous.cloned().flatten(),
        })
    })
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// What the page needs, besides the fitted model, to plan with it.
pub struct FitContext {
    /// Channels in the data's column order.
    channels: Vec<ChannelInfo>,
    /// The data the model is fitted to.
    data: WeeklyData,
    /// When the request was made ([`now_ms`]).
    started_ms: f64,
}

/// The page's fit worker, writing its outcomes to a [`FitState`] signal.
pub struct PageFitter {
    worker: FitWorker<FitContext>,
    state: RwSignal<FitState>,
}

impl PageFitter {
    /// A fitter publishing to `state` (no worker starts until the first fit).
    pub fn new(state: RwSignal<FitState>) -> Self {
        let worker = FitWorker::new(move |outcome: Outcome<FitContext>| match outcome {
            Outcome::Progress { done, total } => state.set(FitState::Fitting { done, total }),
            Outcome::Fitted(model, context) => {
                let planner = Planner::new(*model, context.channels, &context.data);
                state.set(FitState::Ready {
                    planner: Arc::new(planner),
                    fit_ms: now_ms() - context.started_ms,
                });
            }
            Outcome::Failed(message) => state.set(FitState::Failed(message)),
        });
        Self { worker, state }
    }

    /// Fits `params` to `data` in the worker, cancelling the fit that is running. The planner
    /// on screen stays until this fit succeeds.
    pub fn fit(&self, data: WeeklyData, channels: Vec<ChannelInfo>, params: ModelParams) {
        self.state.set(FitState::Fitting { done: 0, total: 0 });
        let context = FitContext {
            channels,
            data: data.clone(),
            started_ms: now_ms(),
        };
        self.worker.fit(data, params, context);
    }
}

/// Fits the model to `embedded` with the default parameters in a worker, publishing
/// progress and the result to `state`. Keep the returned handle: dropping it stops the
/// worker.
pub fn start_fit(embedded: EmbeddedData, state: RwSignal<FitState>) -> PageFitter {
    let fitter = PageFitter::new(state);
    fitter.fit(embedded.data, embedded.channels, ModelParams::new());
    fitter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded;

    fn fitted_planner() -> Arc<Planner> {
        let e = embedded::load().expect("embedded data");
        let model = embedded::quick_fit(&e.data);
        Arc::new(Planner::new(model, e.channels, &e.data))
    }

    #[test]
    fn the_planner_in_use_stays_while_a_new_fit_runs_or_fails_and_changes_when_it_succeeds() {
        let owner = Owner::new();
        owner.with(|| {
            let state = RwSignal::new(FitState::Fitting { done: 0, total: 0 });
            let in_use = ready(state);
            assert_eq!(in_use.get_untracked(), None);
            let first = fitted_planner();
            state.set(FitState::Ready {
                planner: first.clone(),
                fit_ms: 10.0,
            });
            let shown = |memo: Memo<Option<(Arc<Planner>, f64)>>| memo.get_untracked().unwrap();
            assert!(Arc::ptr_eq(&shown(in_use).0, &first));
            state.set(FitState::Fitting { done: 3, total: 9 });
            assert!(Arc::ptr_eq(&shown(in_use).0, &first), "kept while fitting");
            state.set(FitState::Failed("no".into()));
            assert!(
                Arc::ptr_eq(&shown(in_use).0, &first),
                "kept after a failure"
            );
            assert_eq!(shown(in_use).1, 10.0);
            let second = fitted_planner();
            state.set(FitState::Ready {
                planner: second.clone(),
                fit_ms: 20.0,
            });
            assert!(
                Arc::ptr_eq(&shown(in_use).0, &second),
                "replaced on success"
            );
            assert_eq!(shown(in_use).1, 20.0);
        });
    }
}
