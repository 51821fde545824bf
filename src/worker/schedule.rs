//! Which request the worker runs, and cancelling it: plain Rust, no browser types.
//!
//! **Cancelling** terminates the worker and starts a new one. A fit is one synchronous loop
//! inside the worker, so the worker cannot read a newer request until the loop ends; checking
//! for one between steps would mean slicing the fit into tasks again, slowing it and
//! delaying the cancel by up to a step. `Worker.terminate()` stops the old fit at once; the
//! new worker re-uses the browser's cached module, and the page keeps showing its current
//! model meanwhile. Replies from a request that is no longer the latest are ignored, in case
//! one was already queued when the old worker was stopped.
//!
//! Each request carries a context `C` (what the page needs to use the model, e.g. the channel
//! names and the start time), handed back with its outcome.
//!
//! A request that asks for the posterior stays running after its point fit: the worker
//! goes on sampling, and a newer request cancels the sampling like a fit (the point fit
//! already delivered stays on the page).

use mixplan_core::data::WeeklyData;
use mixplan_core::model::PlanningModel;

use super::messages::{FitReply, FitRequest, FitSettings, PosteriorJob, RequestId};
use crate::planner::draws::PosteriorDraws;

/// What the page must do to the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Terminate the current worker, if any, and start a new one.
    Restart,
    /// Post this request to the (ready) worker.
    Post(Box<FitRequest>),
}

/// What a reply means for the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<C> {
    /// The latest request's progress.
    Progress {
        /// Units done.
        done: usize,
        /// Units in all.
        total: usize,
    },
    /// The latest request is fitted.
    Fitted(Box<PlanningModel>, C),
    /// The latest request failed: the page keeps what it shows.
    Failed(String),
    /// The latest request's posterior sampling progress (iterations).
    Sampling {
        /// Iterations done.
        done: usize,
        /// Iterations in all.
        total: usize,
    },
    /// The latest request's posterior draws, and the sampling's wall time in the worker (ms).
    Sampled(Box<PosteriorDraws>, f64),
    /// The latest request's posterior could not be sampled (its point fit stands).
    SamplingFailed(String),
}

/// The worker's phase, as the page knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No worker (never started, or it crashed).
    Absent,
    /// Started; its wasm is not listening yet.
    Starting,
    /// Listening, no request running.
    Idle,
    /// Running a request.
    Busy,
}

/// The page's side of the protocol: numbers requests, queues one until the worker is ready,
/// cancels a running one when a newer request comes, and drops stale replies.
#[derive(Debug)]
pub struct FitScheduler<C> {
    last_id: RequestId,
    phase: Phase,
    /// A request waiting for the worker to be ready (only the newest is kept).
    queued: Option<(Box<FitRequest>, C)>,
    /// The request the worker is running.
    running: Option<Running<C>>,
}

/// The request the worker is running.
#[derive(Debug)]
struct Running<C> {
    id: RequestId,
    /// Handed back with the point fit (`None` once delivered, while the posterior samples).
    context: Option<C>,
    /// Whether the posterior is sampled after the point fit.
    samples: bool,
}

impl<C> Running<C> {
    fn of(request: &FitRequest, context: C) -> Self {
        Self {
            id: request.id,
            context: Some(context),
            samples: request.posterior.is_some(),
        }
    }
}

impl<C> Default for FitScheduler<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> FitScheduler<C> {
    /// No worker yet, no request.
    pub fn new() -> Self {
        Self {
            last_id: 0,
            phase: Phase::Absent,
            queued: None,
            running: None,
        }
    }

    /// The latest request's id (0 before the first).
    pub fn latest(&self) -> RequestId {
        self.last_id
    }

    /// Whether a request is queued or running.
    pub fn is_working(&self) -> bool {
        self.queued.is_some() || self.running.is_some()
    }

    /// A new request to fit `settings` to `data`, then to sample the posterior with
    /// `posterior` if given: it replaces any queued request and cancels a running one (fit
    /// or sampling).
    pub fn submit(
        &mut self,
        data: WeeklyData,
        settings: FitSettings,
        posterior: Option<PosteriorJob>,
        context: C,
    ) -> Vec<Command> {
        self.last_id = self.last_id.wrapping_add(1);
        let request = FitRequest {
            id: self.last_id,
            data,
            params: settings.params,
            form: settings.form,
            posterior,
        };
        match self.phase {
            Phase::Idle => {
                self.phase = Phase::Busy;
                self.running = Some(Running::of(&request, context));
                vec![Command::Post(Box::new(request))]
            }
            Phase::Starting => {
                self.queued = Some((Box::new(request), context));
                Vec::new()
            }
            Phase::Absent | Phase::Busy => {
                self.running = None;
                self.phase = Phase::Starting;
                self.queued = Some((Box::new(request), context));
                vec![Command::Restart]
            }
        }
    }

    /// Handles a reply from the worker: what to do next, and what it means for the page.
    /// Replies about any request but the running one are ignored.
    pub fn receive(&mut self, reply: FitReply) -> (Vec<Command>, Option<Outcome<C>>) {
        match reply {
            FitReply::Ready => {
                if self.phase != Phase::Starting {
                    return (Vec::new(), None);
                }
                match self.queued.take() {
                    Some((request, context)) => {
                        self.phase = Phase::Busy;
                        self.running = Some(Running::of(&request, context));
                        (vec![Command::Post(request)], None)
                    }
                    None => {
                        self.phase = Phase::Idle;
                        (Vec::new(), None)
                    }
                }
            }
            reply => {
                let current = self.running.as_ref().map(|r| r.id);
                if reply.request_id() != current {
                    return (Vec::new(), None);
                }
                let outcome = match reply {
                    FitReply::Progress { done, total, .. } => Outcome::Progress { done, total },
                    FitReply::Fitted { model, .. } => {
                        let Some(running) = self.running.as_mut() else {
                            return (Vec::new(), None);
                        };
                        let samples = running.samples;
                        let Some(context) = running.context.take() else {
                            return (Vec::new(), None);
                        };
                        if !samples {
                            self.finish();
                        }
                        Outcome::Fitted(model, context)
                    }
                    FitReply::Failed { message, .. } => {
                        self.finish();
                        Outcome::Failed(message)
                    }
                    FitReply::Sampling { done, total, .. } => Outcome::Sampling { done, total },
                    FitReply::Sampled {
                        draws, sampling_ms, ..
                    } => {
                        self.finish();
                        Outcome::Sampled(draws, sampling_ms)
                    }
                    FitReply::SamplingFailed { message, .. } => {
                        self.finish();
                        Outcome::SamplingFailed(message)
                    }
                    FitReply::Ready => return (Vec::new(), None),
                };
                (Vec::new(), Some(outcome))
            }
        }
    }

    /// Whether the running request has delivered its point fit and is sampling the posterior.
    pub fn is_sampling(&self) -> bool {
        self.running.as_ref().is_some_and(|r| r.context.is_none())
    }

    /// The running request is over; the worker is idle.
    fn finish(&mut self) {
        self.running = None;
        self.phase = Phase::Idle;
    }

    /// The worker stopped (an uncaught error, or it could not load): the queued or running
    /// request fails with `message` — as [`Outcome::SamplingFailed`] when its point fit was
    /// already delivered; the next request starts a new worker.
    pub fn worker_failed(&mut self, message: String) -> Option<Outcome<C>> {
        self.phase = Phase::Absent;
        let sampling = self.is_sampling() && self.queued.is_none();
        let had_work = self.queued.take().is_some() | self.running.take().is_some();
        match (had_work, sampling) {
            (false, _) => None,
            (true, true) => Some(Outcome::SamplingFailed(message)),
            (true, false) => Some(Outcome::Failed(message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded;
    use mixplan_core::model::posterior::SamplerParams;

    fn data() -> WeeklyData {
        embedded::load().expect("embedded data").data
    }

    fn posted(commands: &[Command]) -> Vec<RequestId> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::Post(request) => Some(request.id),
                Command::Restart => None,
            })
            .collect()
    }

    fn fitted(id: RequestId) -> FitReply {
        let model = embedded::quick_fit(&data());
        FitReply::Fitted {
            id,
            model: Box::new(model.into()),
        }
    }

    #[test]
    fn the_first_request_starts_the_worker_and_is_posted_once_it_is_ready() {
        let mut scheduler = FitScheduler::new();
        assert_eq!(
            scheduler.submit(data(), FitSettings::default(), None, "a"),
            vec![Command::Restart]
        );
        assert!(scheduler.is_working());
        let (commands, outcome) = scheduler.receive(FitReply::Ready);
        assert_eq!(posted(&commands), vec![1]);
        assert_eq!(outcome, None);
        let (_, outcome) = scheduler.receive(FitReply::Progress {
            id: 1,
            done: 2,
            total: 9,
        });
        assert_eq!(outcome, Some(Outcome::Progress { done: 2, total: 9 }));
        let (commands, outcome) = scheduler.receive(fitted(1));
        assert!(commands.is_empty());
        assert!(
            matches!(outcome, Some(Outcome::Fitted(_, "a"))),
            "{outcome:?}"
        );
        assert!(!scheduler.is_working());
        // The worker is idle now: the next request goes straight to it.
        let commands = scheduler.submit(data(), FitSettings::default(), None, "b");
        assert_eq!(posted(&commands), vec![2]);
    }

    #[test]
    fn a_new_request_cancels_the_running_one_and_its_late_replies_are_ignored() {
        let mut scheduler = FitScheduler::new();
        scheduler.submit(data(), FitSettings::default(), None, "old");
        scheduler.receive(FitReply::Ready);
        // Request 1 is running; request 2 restarts the worker.
        assert_eq!(
            scheduler.submit(data(), FitSettings::default(), None, "new"),
            vec![Command::Restart]
        );
        assert_eq!(scheduler.latest(), 2);
        // A reply of the old request that was already on its way changes nothing.
        assert_eq!(scheduler.receive(fitted(1)), (Vec::new(), None));
        let stale_progress = FitReply::Progress {
            id: 1,
            done: 5,
            total: 9,
        };
        assert_eq!(scheduler.receive(stale_progress), (Vec::new(), None));
        let (commands, _) = scheduler.receive(FitReply::Ready);
        assert_eq!(posted(&commands), vec![2]);
        let (_, outcome) = scheduler.receive(fitted(2));
        assert!(
            matches!(outcome, Some(Outcome::Fitted(_, "new"))),
            "{outcome:?}"
        );
    }

    #[test]
    fn requests_made_while_the_worker_starts_keep_only_the_newest() {
        let mut scheduler = FitScheduler::new();
        scheduler.submit(data(), FitSettings::default(), None, 1);
        assert!(
            scheduler
                .submit(data(), FitSettings::default(), None, 2)
                .is_empty()
        );
        assert!(
            scheduler
                .submit(data(), FitSettings::default(), None, 3)
                .is_empty()
        );
        let (commands, _) = scheduler.receive(FitReply::Ready);
        assert_eq!(posted(&commands), vec![3]);
        // A second Ready (e.g. a stray one) posts nothing again.
        assert_eq!(scheduler.receive(FitReply::Ready), (Vec::new(), None));
    }

    #[test]
    fn a_failed_fit_or_a_dead_worker_reports_once_and_the_next_request_restarts() {
        let mut scheduler = FitScheduler::<()>::new();
        scheduler.submit(data(), FitSettings::default(), None, ());
        scheduler.receive(FitReply::Ready);
        let (_, outcome) = scheduler.receive(FitReply::Failed {
            id: 1,
            message: "no".into(),
        });
        assert_eq!(outcome, Some(Outcome::Failed("no".into())));
        assert_eq!(
            posted(&scheduler.submit(data(), FitSettings::default(), None, ())),
            vec![2]
        );
        assert_eq!(
            scheduler.worker_failed("crashed".into()),
            Some(Outcome::Failed("crashed".into()))
        );
        assert_eq!(scheduler.worker_failed("again".into()), None);
        assert_eq!(
            scheduler.submit(data(), FitSettings::default(), None, ()),
            vec![Command::Restart]
        );
    }

    fn sampled(id: RequestId) -> FitReply {
        FitReply::Sampled {
            id,
            draws: Box::new(crate::planner::draws::tests::two_channels(2)),
            sampling_ms: 5.0,
        }
    }

    #[test]
    fn a_posterior_request_delivers_the_fit_then_keeps_running_until_the_draws_come() {
        let mut scheduler = FitScheduler::new();
        let settings = Some(PosteriorJob::new(SamplerParams::new()));
        scheduler.submit(data(), FitSettings::default(), settings.clone(), "a");
        let (commands, _) = scheduler.receive(FitReply::Ready);
        assert!(
            matches!(&commands[..], [Command::Post(r)] if r.posterior == settings),
            "{commands:?}"
        );
        let (_, outcome) = scheduler.receive(fitted(1));
        assert!(
            matches!(outcome, Some(Outcome::Fitted(_, "a"))),
            "{outcome:?}"
        );
        assert!(scheduler.is_working() && scheduler.is_sampling());
        let progress = FitReply::Sampling {
            id: 1,
            done: 50,
            total: 1200,
        };
        assert_eq!(
            scheduler.receive(progress).1,
            Some(Outcome::Sampling {
                done: 50,
                total: 1200
            })
        );
        // A second Fitted for the same request (not expected) hands nothing back twice.
        assert_eq!(scheduler.receive(fitted(1)), (Vec::new(), None));
        let (_, outcome) = scheduler.receive(sampled(1));
        assert!(
            matches!(&outcome, Some(Outcome::Sampled(d, ms)) if d.draws() == 2 && *ms == 5.0),
            "{outcome:?}"
        );
        assert!(!scheduler.is_working());
        // Idle again: the next request is posted at once.
        assert_eq!(
            posted(&scheduler.submit(data(), FitSettings::default(), None, "b")),
            vec![2]
        );
    }

    #[test]
    fn a_new_request_cancels_the_sampling_and_its_late_draws_are_ignored() {
        let mut scheduler = FitScheduler::new();
        scheduler.submit(
            data(),
            FitSettings::default(),
            Some(PosteriorJob::new(SamplerParams::new())),
            "old",
        );
        scheduler.receive(FitReply::Ready);
        scheduler.receive(fitted(1));
        assert!(scheduler.is_sampling());
        assert_eq!(
            scheduler.submit(
                data(),
                FitSettings::default(),
                Some(PosteriorJob::new(SamplerParams::new())),
                "new"
            ),
            vec![Command::Restart]
        );
        assert!(!scheduler.is_sampling());
        assert_eq!(scheduler.receive(sampled(1)), (Vec::new(), None));
        let failed_late = FitReply::SamplingFailed {
            id: 1,
            message: "x".into(),
        };
        assert_eq!(scheduler.receive(failed_late), (Vec::new(), None));
    }

    #[test]
    fn a_worker_that_dies_while_sampling_fails_the_sampling_not_the_fit() {
        let mut scheduler = FitScheduler::new();
        scheduler.submit(
            data(),
            FitSettings::default(),
            Some(PosteriorJob::new(SamplerParams::new())),
            (),
        );
        scheduler.receive(FitReply::Ready);
        scheduler.receive(fitted(1));
        assert_eq!(
            scheduler.worker_failed("crashed".into()),
            Some(Outcome::SamplingFailed("crashed".into()))
        );
        assert!(!scheduler.is_working());
        // A failed sampling reply also ends the request.
        scheduler.submit(
            data(),
            FitSettings::default(),
            Some(PosteriorJob::new(SamplerParams::new())),
            (),
        );
        scheduler.receive(FitReply::Ready);
        scheduler.receive(fitted(2));
        let (_, outcome) = scheduler.receive(FitReply::SamplingFailed {
            id: 2,
            message: "no".into(),
        });
        assert_eq!(outcome, Some(Outcome::SamplingFailed("no".into())));
        assert!(!scheduler.is_working());
    }
}
