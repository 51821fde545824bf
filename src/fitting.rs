//! Fitting the model without freezing the page: the fit runs in a Web Worker
//! ([`crate::worker`]); this module turns its outcomes into the page's [`FitState`].
//!
//! [`start_fit`] sends the data to the worker and returns the handle that owns it; the
//! worker's replies write the state signal (no Effect does). [`ready`] keeps the last
//! fitted planner, so a new fit that is running or has failed leaves the current one on
//! screen.

use std::cell::RefCell;
use std::rc::Rc;
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

/// Called once a fit has succeeded, just before its planner is published (e.g. to record
/// which data the planner now shows, or to keep them in the browser's storage).
pub type OnFitted = Box<dyn FnOnce()>;

/// What the page needs, besides the fitted model, to plan with it.
pub struct FitContext {
    /// Channels in the data's column order.
    channels: Vec<ChannelInfo>,
    /// The data the model is fitted to.
    data: WeeklyData,
    /// When the request was made ([`now_ms`]).
    started_ms: f64,
    /// Run on success only.
    on_fitted: Option<OnFitted>,
}

/// The latest successful fit, for a cancel to return to.
type LastReady = Rc<RefCell<Option<(Arc<Planner>, f64)>>>;

/// The page's fit worker, writing its outcomes to a [`FitState`] signal.
pub struct PageFitter {
    worker: RefCell<FitWorker<FitContext>>,
    state: RwSignal<FitState>,
    last_ready: LastReady,
}

/// A worker whose outcomes go to `state` (and the successful ones to `last_ready`).
fn page_worker(state: RwSignal<FitState>, last_ready: LastReady) -> FitWorker<FitContext> {
    FitWorker::new(move |outcome: Outcome<FitContext>| match outcome {
        Outcome::Progress { done, total } => state.set(FitState::Fitting { done, total }),
        Outcome::Fitted(model, context) => {
            let planner = Arc::new(Planner::new(*model, context.channels, &context.data));
            let fit_ms = now_ms() - context.started_ms;
            *last_ready.borrow_mut() = Some((planner.clone(), fit_ms));
            if let Some(on_fitted) = context.on_fitted {
                on_fitted();
            }
            state.set(FitState::Ready { planner, fit_ms });
        }
        Outcome::Failed(message) => state.set(FitState::Failed(message)),
    })
}

impl PageFitter {
    /// A fitter publishing to `state` (no worker starts until the first fit).
    pub fn new(state: RwSignal<FitState>) -> Self {
        let last_ready = LastReady::default();
        Self {
            worker: RefCell::new(page_worker(state, last_ready.clone())),
            state,
            last_ready,
        }
    }

    /// Fits `params` to `data` in the worker, cancelling the fit that is running. The planner
    /// on screen stays until this fit succeeds.
    pub fn fit(&self, data: WeeklyData, channels: Vec<ChannelInfo>, params: ModelParams) {
        self.fit_then(data, channels, params, None);
    }

    /// As [`PageFitter::fit`], running `on_fitted` if (and only if) this fit succeeds.
    pub fn fit_then(
        &self,
        data: WeeklyData,
        channels: Vec<ChannelInfo>,
        params: ModelParams,
        on_fitted: Option<OnFitted>,
    ) {
        self.state.set(FitState::Fitting { done: 0, total: 0 });
        let context = FitContext {
            channels,
            data: data.clone(),
            started_ms: now_ms(),
            on_fitted,
        };
        self.worker.borrow().fit(data, params, context);
    }

    /// Stops the running fit (its worker is terminated; the next fit starts a fresh one).
    /// The state returns to the last fitted planner, or says the fit was cancelled when there
    /// is none.
    pub fn cancel(&self) {
        // Dropping the old handle terminates its worker; its outcomes go nowhere.
        let fresh = page_worker(self.state, self.last_ready.clone());
        drop(self.worker.replace(fresh));
        let last = self.last_ready.borrow().clone();
        self.state.set(match last {
            Some((planner, fit_ms)) => FitState::Ready { planner, fit_ms },
            None => FitState::Failed(
                "The fit was cancelled: load your data again, or use the demo, to fit a model."
                    .to_string(),
            ),
        });
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
