//! Fitting the model without freezing the page: the fit runs in a Web Worker
//! ([`crate::worker`]); this module turns its outcomes into the page's [`FitState`].
//!
//! [`start_fit`] sends the data to the worker and returns the handle that owns it; the
//! worker's replies write the state signals (no Effect does). [`ready`] keeps the last
//! fitted planner, so a new fit that is running or has failed leaves the current one on
//! screen. After the point fit the worker samples the posterior ([`page_sampler`]); its
//! progress and draws go to a [`PosteriorState`] signal.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::data::WeeklyData;
use mixplan_core::model::ModelParams;
use mixplan_core::model::posterior::{LiftTest, RoiBelief, RunLength, SamplerParams};

use crate::embedded::EmbeddedData;
use crate::planner::draws::PosteriorDraws;
use crate::planner::scenario::{ChannelInfo, Planner};
use crate::worker::client::FitWorker;
use crate::worker::messages::{FitSettings, PosteriorJob};
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

/// The posterior sampler's settings in the page after every fit: 2 chains × (300 warm-up +
/// 800 kept) iterations with the default seed and the diagonal mass matrix
/// ([`RunLength::Standard`]); the page keeps [`PAGE_DRAWS`] of the 1,600 draws
/// ([`page_posterior_job`]). When it does not converge the user can ask for
/// [`RunLength::Longer`] (2 × (500 + 1,600)).
///
/// Measured natively on the store with the diagonal mass matrix over sampler seeds 1–20
/// (`cargo run --release -p mixplan-core --example convergence_survey -- --seeds 20
/// --page`): 18 of 20 runs converge (R̂ ≤ 1.01, bulk ESS ≥ 100 per chain, no divergence;
/// worst R̂ 1.011). The earlier 2 × (300 + 200) converged in **0 of 20** (R̂ 1.011–1.083:
/// the Hill shape and half-saturation of a channel form a curved ridge the diagonal
/// adaptation follows slowly), so the page flagged its own intervals every time.
pub fn page_sampler() -> SamplerParams {
    RunLength::Standard.sampler()
}

/// Draws the page keeps for its intervals: a slider move computes them over every kept
/// draw, so thinning the run's draws (1,600, or 3,200 in a longer run) to 400 keeps a move
/// as fast as before while the draws are nearly independent.
pub const PAGE_DRAWS: usize = 400;

/// What the page asks of the posterior besides the data: the user's lift tests
/// (likelihood terms) and beliefs about channels' ROIs (priors), and how long to sample.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PosteriorRequest {
    /// Lift tests; none: the data alone.
    pub lift_tests: Vec<LiftTest>,
    /// ROI beliefs; none: the default ROI prior.
    pub roi_beliefs: Vec<RoiBelief>,
    /// The sampler's run length (standard unless the user asked for a longer run).
    pub length: RunLength,
}

/// The page's posterior job: the request's run length ([`RunLength::sampler`]), thinned to
/// [`PAGE_DRAWS`], calibrated by its lift tests and ROI beliefs.
pub fn page_posterior_job(request: PosteriorRequest) -> PosteriorJob {
    PosteriorJob::new(request.length.sampler())
        .with_lift_tests(request.lift_tests)
        .with_roi_beliefs(request.roi_beliefs)
        .keeping(PAGE_DRAWS)
}

/// Where the posterior of the fitted model is (by default: sampling, nothing done yet).
#[derive(Debug, Clone, PartialEq)]
pub enum PosteriorState {
    /// Sampling: `done` of `total` iterations (both 0 until the point fit is in).
    Sampling {
        /// Iterations done.
        done: usize,
        /// Iterations in all.
        total: usize,
    },
    /// Sampled.
    Ready {
        /// The draws.
        draws: Arc<PosteriorDraws>,
        /// Wall time of the sampling in the worker, milliseconds.
        sampling_ms: f64,
    },
    /// Not sampled; the message says why and what to do.
    Failed(String),
}

impl Default for PosteriorState {
    fn default() -> Self {
        Self::Sampling { done: 0, total: 0 }
    }
}

impl PosteriorState {
    /// What a number's range shows while there is none: "computing uncertainty…" while
    /// sampling, "range unavailable" when sampling failed ("" once ready).
    pub fn placeholder(&self) -> &'static str {
        match self {
            Self::Sampling { .. } => "computing uncertainty…",
            Self::Ready { .. } => "",
            Self::Failed(_) => "range unavailable",
        }
    }

    /// Progress in `[0, 1]`.
    pub fn fraction(&self) -> f64 {
        match self {
            Self::Sampling { done, total } if *total > 0 => *done as f64 / *total as f64,
            Self::Sampling { .. } => 0.0,
            Self::Ready { .. } | Self::Failed(_) => 1.0,
        }
    }

    /// The draws, once sampled.
    pub fn draws(&self) -> Option<Arc<PosteriorDraws>> {
        match self {
            Self::Ready { draws, .. } => Some(draws.clone()),
            _ => None,
        }
    }
}

/// The planner in use and its fit's wall time in milliseconds: `None` until a fit has
/// succeeded, then the latest fitted one — a fit running or failed afterwards leaves it as
/// it is. A `Memo`: progress alone never notifies; it notifies once per successful fit.
/// Planners are compared by identity (the same `Arc`), not by value: a Weibull model's
/// channels hold `decay = NaN`, which equals nothing, so a value comparison would notify on
/// every progress reply and rebuild the planner page each time.
pub fn ready(state: RwSignal<FitState>) -> Memo<Option<(Arc<Planner>, f64)>> {
    Memo::new_with_compare(
        move |previous: Option<&Option<(Arc<Planner>, f64)>>| {
            state.with(|state| match state {
                FitState::Ready { planner, fit_ms } => Some((planner.clone(), *fit_ms)),
                _ => previous.cloned().flatten(),
            })
        },
        same_planner_changed,
    )
}

/// Whether the planner in use changed: another `Arc` (another fit), or another fit time.
fn same_planner_changed(
    old: Option<&Option<(Arc<Planner>, f64)>>,
    new: Option<&Option<(Arc<Planner>, f64)>>,
) -> bool {
    match (old, new) {
        (Some(Some((a, a_ms))), Some(Some((b, b_ms)))) => !Arc::ptr_eq(a, b) || a_ms != b_ms,
        (Some(None), Some(None)) => false,
        _ => true,
    }
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

/// The page's fit worker, writing its outcomes to a [`FitState`] and a [`PosteriorState`]
/// signal.
pub struct PageFitter {
    worker: RefCell<FitWorker<FitContext>>,
    state: RwSignal<FitState>,
    posterior: RwSignal<PosteriorState>,
    last_ready: LastReady,
    /// The latest request's data, channels and settings, for [`PageFitter::calibrate`].
    latest: RefCell<Option<(WeeklyData, Vec<ChannelInfo>, FitSettings)>>,
}

/// A worker whose outcomes go to `state` and `posterior` (and the successful fits to
/// `last_ready`).
fn page_worker(
    state: RwSignal<FitState>,
    posterior: RwSignal<PosteriorState>,
    last_ready: LastReady,
) -> FitWorker<FitContext> {
    FitWorker::new(move |outcome: Outcome<FitContext>| match outcome {
        Outcome::Progress { done, total } => state.set(FitState::Fitting { done, total }),
        Outcome::Fitted(model, context) => {
            let planner = Arc::new(Planner::new(*model, context.channels, &context.data));
            let fit_ms = now_ms() - context.started_ms;
            *last_ready.borrow_mut() = Some((planner.clone(), fit_ms));
            if let Some(on_fitted) = context.on_fitted {
                on_fitted();
            }
            // The draws on screen belonged to the previous model.
            posterior.set(PosteriorState::Sampling { done: 0, total: 0 });
            state.set(FitState::Ready { planner, fit_ms });
        }
        Outcome::Failed(message) => state.set(FitState::Failed(message)),
        Outcome::Sampling { done, total } => {
            posterior.set(PosteriorState::Sampling { done, total })
        }
        Outcome::Sampled(draws, sampling_ms) => posterior.set(PosteriorState::Ready {
            draws: Arc::new(*draws),
            sampling_ms,
        }),
        Outcome::SamplingFailed(message) => posterior.set(PosteriorState::Failed(message)),
    })
}

impl PageFitter {
    /// A fitter publishing to `state` and `posterior` (no worker starts until the first fit).
    pub fn new(state: RwSignal<FitState>, posterior: RwSignal<PosteriorState>) -> Self {
        let last_ready = LastReady::default();
        Self {
            worker: RefCell::new(page_worker(state, posterior, last_ready.clone())),
            state,
            posterior,
            last_ready,
            latest: RefCell::new(None),
        }
    }

    /// Fits `settings` to `data` in the worker, then samples its posterior
    /// ([`page_sampler`]), cancelling the fit or sampling that is running. The planner on
    /// screen stays until this fit succeeds.
    pub fn fit(&self, data: WeeklyData, channels: Vec<ChannelInfo>, settings: FitSettings) {
        self.fit_then(data, channels, settings, None);
    }

    /// As [`PageFitter::fit`], running `on_fitted` if (and only if) this fit succeeds.
    pub fn fit_then(
        &self,
        data: WeeklyData,
        channels: Vec<ChannelInfo>,
        settings: FitSettings,
        on_fitted: Option<OnFitted>,
    ) {
        self.fit_calibrated(
            data,
            channels,
            settings,
            PosteriorRequest::default(),
            on_fitted,
        );
    }

    /// Fits the latest data again and samples its posterior as `request` says (calibrated
    /// by its lift tests and beliefs, none: the data and the default priors alone; for its
    /// run length). Nothing happens before a first [`PageFitter::fit`].
    pub fn calibrate(&self, request: PosteriorRequest) {
        let latest = self.latest.borrow().clone();
        if let Some((data, channels, settings)) = latest {
            self.fit_calibrated(data, channels, settings, request, None);
        }
    }

    /// Fits the latest data again with `settings` (e.g. another carryover or model form)
    /// and samples its posterior as `request` says; the planner on screen stays until this
    /// fit succeeds. Nothing happens before a first [`PageFitter::fit`].
    pub fn refit(&self, settings: FitSettings, request: PosteriorRequest) {
        let latest = self.latest.borrow().clone();
        if let Some((data, channels, _)) = latest {
            self.fit_calibrated(data, channels, settings, request, None);
        }
    }

    fn fit_calibrated(
        &self,
        data: WeeklyData,
        channels: Vec<ChannelInfo>,
        settings: FitSettings,
        request: PosteriorRequest,
        on_fitted: Option<OnFitted>,
    ) {
        *self.latest.borrow_mut() = Some((data.clone(), channels.clone(), settings.clone()));
        self.state.set(FitState::Fitting { done: 0, total: 0 });
        self.stop_sampling_note(
            "The uncertainty was not computed: a new fit started. It is computed once that fit is in.",
        );
        let context = FitContext {
            channels,
            data: data.clone(),
            started_ms: now_ms(),
            on_fitted,
        };
        let job = page_posterior_job(request);
        self.worker.borrow().fit(data, settings, Some(job), context);
    }

    /// A sampling that was running is cancelled: say so (finished draws stay with their
    /// model).
    fn stop_sampling_note(&self, message: &str) {
        if self.worker.borrow().is_sampling() {
            self.posterior
                .set(PosteriorState::Failed(message.to_string()));
        }
    }

    /// Stops the running fit or sampling (its worker is terminated; the next fit starts a
    /// fresh one). The state returns to the last fitted planner, or says the fit was cancelled
    /// when there is none.
    pub fn cancel(&self) {
        self.stop_sampling_note("The uncertainty was not computed: the fit was cancelled.");
        // Dropping the old handle terminates its worker; its outcomes go nowhere.
        let fresh = page_worker(self.state, self.posterior, self.last_ready.clone());
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
/// progress and the result to `state` and the posterior to `posterior`. Keep the returned
/// handle: dropping it stops the worker.
pub fn start_fit(
    embedded: EmbeddedData,
    state: RwSignal<FitState>,
    posterior: RwSignal<PosteriorState>,
) -> PageFitter {
    let fitter = PageFitter::new(state, posterior);
    fitter.fit(embedded.data, embedded.channels, ModelParams::new().into());
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
    fn a_longer_request_samples_the_longer_preset_and_keeps_as_many_draws() {
        let standard = page_posterior_job(PosteriorRequest::default());
        let longer = page_posterior_job(PosteriorRequest {
            length: RunLength::Longer,
            ..PosteriorRequest::default()
        });
        assert_eq!(standard.sampler, page_sampler());
        assert_eq!(longer.sampler, RunLength::Longer.sampler());
        assert_ne!(longer.sampler, standard.sampler);
        assert_eq!(longer.keep_draws, Some(PAGE_DRAWS));
        assert_eq!(standard.keep_draws, Some(PAGE_DRAWS));
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

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_weibull_planner_is_the_same_planner_until_another_fit_replaces_it() {
        // A Weibull model's channels hold decay = NaN: by value, its planner never equals
        // itself, so the memo's comparison must be by identity.
        let planner = Arc::new(crate::planner::scenario::fitted_weibull_planner().clone());
        assert!(planner.model().linear_model().channels()[0].decay.is_nan());
        assert!(
            *planner != *planner.clone(),
            "NaN makes the value comparison fail"
        );
        let shown = Some((planner.clone(), 5.0));
        assert!(
            !same_planner_changed(Some(&shown), Some(&shown.clone())),
            "progress keeps the same Arc: no change"
        );
        let refitted = Some((Arc::new((*planner).clone()), 5.0));
        assert!(same_planner_changed(Some(&shown), Some(&refitted)));
        let retimed = Some((planner.clone(), 6.0));
        assert!(same_planner_changed(Some(&shown), Some(&retimed)));
        assert!(!same_planner_changed(Some(&None), Some(&None)));
        assert!(same_planner_changed(Some(&None), Some(&shown)));
        assert!(
            same_planner_changed(None, Some(&None)),
            "the first value is a change"
        );
    }
}
