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

use mixplan_core::data::WeeklyData;
use mixplan_core::model::{FittedModel, ModelParams};

use super::messages::{FitReply, FitRequest, RequestId};

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
    Fitted(Box<FittedModel>, C),
    /// The latest request failed: the page keeps what it shows.
    Failed(String),
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
    running: Option<(RequestId, C)>,
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

    /// A new request to fit `params` to `data`: it replaces any queued request and cancels a
    /// running one.
    pub fn submit(&mut self, data: WeeklyData, params: ModelParams, context: C) -> Vec<Command> {
        self.last_id = self.last_id.wrapping_add(1);
        let request = FitRequest {
            id: self.last_id,
            data,
            params,
        };
        match self.phase {
            Phase::Idle => {
                self.phase = Phase::Busy;
                self.running = Some((request.id, context));
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
                        self.running = Some((request.id, context));
                        (vec![Command::Post(request)], None)
                    }
                    None => {
                        self.phase = Phase::Idle;
                        (Vec::new(), None)
                    }
                }
            }
            reply => {
                let current = self.running.as_ref().map(|(id, _)| *id);
                if reply.request_id() != current {
                    return (Vec::new(), None);
                }
                let outcome = match reply {
                    FitReply::Progress { done, total, .. } => Outcome::Progress { done, total },
                    FitReply::Fitted { model, .. } => {
                        let Some((_, context)) = self.running.take() else {
                            return (Vec::new(), None);
                        };
                        self.phase = Phase::Idle;
                        Outcome::Fitted(model, context)
                    }
                    FitReply::Failed { message, .. } => {
                        self.running = None;
                        self.phase = Phase::Idle;
                        Outcome::Failed(message)
                    }
                    FitReply::Ready => return (Vec::new(), None),
                };
                (Vec::new(), Some(outcome))
            }
        }
    }

    /// The worker stopped (an uncaught error, or it could not load): the queued or running
    /// request fails with `message`; the next request starts a new worker.
    pub fn worker_failed(&mut self, message: String) -> Option<Outcome<C>> {
        self.phase = Phase::Absent;
        let had_work = self.queued.take().is_some() | self.running.take().is_some();
        had_work.then_some(Outcome::Failed(message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded;

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
            model: Box::new(model),
        }
    }

    #[test]
    fn the_first_request_starts_the_worker_and_is_posted_once_it_is_ready() {
        let mut scheduler = FitScheduler::new();
        assert_eq!(
            scheduler.submit(data(), ModelParams::new(), "a"),
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
        let commands = scheduler.submit(data(), ModelParams::new(), "b");
        assert_eq!(posted(&commands), vec![2]);
    }

    #[test]
    fn a_new_request_cancels_the_running_one_and_its_late_replies_are_ignored() {
        let mut scheduler = FitScheduler::new();
        scheduler.submit(data(), ModelParams::new(), "old");
        scheduler.receive(FitReply::Ready);
        // Request 1 is running; request 2 restarts the worker.
        assert_eq!(
            scheduler.submit(data(), ModelParams::new(), "new"),
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
        scheduler.submit(data(), ModelParams::new(), 1);
        assert!(scheduler.submit(data(), ModelParams::new(), 2).is_empty());
        assert!(scheduler.submit(data(), ModelParams::new(), 3).is_empty());
        let (commands, _) = scheduler.receive(FitReply::Ready);
        assert_eq!(posted(&commands), vec![3]);
        // A second Ready (e.g. a stray one) posts nothing again.
        assert_eq!(scheduler.receive(FitReply::Ready), (Vec::new(), None));
    }

    #[test]
    fn a_failed_fit_or_a_dead_worker_reports_once_and_the_next_request_restarts() {
        let mut scheduler = FitScheduler::<()>::new();
        scheduler.submit(data(), ModelParams::new(), ());
        scheduler.receive(FitReply::Ready);
        let (_, outcome) = scheduler.receive(FitReply::Failed {
            id: 1,
            message: "no".into(),
        });
        assert_eq!(outcome, Some(Outcome::Failed("no".into())));
        assert_eq!(
            posted(&scheduler.submit(data(), ModelParams::new(), ())),
            vec![2]
        );
        assert_eq!(
            scheduler.worker_failed("crashed".into()),
            Some(Outcome::Failed("crashed".into()))
        );
        assert_eq!(scheduler.worker_failed("again".into()), None);
        assert_eq!(
            scheduler.submit(data(), ModelParams::new(), ()),
            vec![Command::Restart]
        );
    }
}
