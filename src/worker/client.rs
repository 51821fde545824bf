//! The page's handle on the fit worker: a `web_sys::Worker` driven by a [`FitScheduler`].

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use mixplan_core::data::WeeklyData;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

use super::js::{describe, script_url};
use super::messages::{FitReply, FitSettings, PosteriorJob};
use super::schedule::{Command, FitScheduler, Outcome};
use super::wire::{from_js, to_js};

/// The worker's loader script (`src/worker/fit_worker_loader.js`, copied next to `index.html`).
/// Relative, so it resolves under any sub-path the site is served from.
pub const WORKER_SCRIPT: &str = "./fit_worker_loader.js";

/// The `window` property that, when it holds a string, replaces [`WORKER_SCRIPT`]: the
/// one-file bundle (`mixplan.html`, `scripts/bundle.mjs`) has no file next to it and puts
/// there the Blob URL of a worker script with the wasm inlined.
pub const WORKER_URL_OVERRIDE: &str = "mixplanFitWorkerUrl";

/// The `window` property under which `index.html` leaves the worker it starts early (so the
/// worker loads while the app's own wasm does).
pub const EARLY_WORKER: &str = "mixplanFitWorker";

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;
type ErrorHandler = Closure<dyn FnMut(Event)>;

struct Shared<C> {
    scheduler: FitScheduler<C>,
    worker: Option<Worker>,
    /// Created once and attached to every worker this handle starts.
    handlers: Option<(MessageHandler, ErrorHandler)>,
    on_outcome: Rc<dyn Fn(Outcome<C>)>,
}

/// Fits models (and samples their posteriors) in a Web Worker. [`FitWorker::fit`] cancels
/// whatever fit or sampling is running; every
/// outcome of the latest request goes to the `on_outcome` callback given to
/// [`FitWorker::new`]. Dropping the handle stops the worker.
pub struct FitWorker<C: 'static> {
    shared: Rc<RefCell<Shared<C>>>,
}

impl<C: 'static> FitWorker<C> {
    /// A handle with no worker yet (the first [`FitWorker::fit`] starts one).
    pub fn new(on_outcome: impl Fn(Outcome<C>) + 'static) -> Self {
        let shared = Rc::new(RefCell::new(Shared {
            scheduler: FitScheduler::new(),
            worker: None,
            handlers: None,
            on_outcome: Rc::new(on_outcome),
        }));
        let weak = Rc::downgrade(&shared);
        let on_message = MessageHandler::new(move |event: MessageEvent| {
            let reply = from_js::<FitReply>(event.data());
            with_shared(&weak, &event, |shared| match reply {
                Ok(reply) => shared.scheduler.receive(reply),
                Err(e) => (Vec::new(), shared.scheduler.worker_failed(e.to_string())),
            });
        });
        let weak = Rc::downgrade(&shared);
        let on_error = ErrorHandler::new(move |event: Event| {
            event.prevent_default();
            let detail = event
                .dyn_ref::<ErrorEvent>()
                .map(|e| e.message())
                .unwrap_or_default();
            let message = format!(
                "The model fit stopped unexpectedly ({detail}); reload the page to try again."
            );
            with_shared(&weak, &event, |shared| {
                shared.worker = None;
                (Vec::new(), shared.scheduler.worker_failed(message))
            });
        });
        shared.borrow_mut().handlers = Some((on_message, on_error));
        Self { shared }
    }

    /// Whether the worker is sampling the posterior of a fit it has delivered.
    pub fn is_sampling(&self) -> bool {
        self.shared.borrow().scheduler.is_sampling()
    }

    /// Fits `settings` to `data` in the worker, then samples the posterior with `posterior`
    /// if given, cancelling the fit or sampling that is running, if any. `context` comes
    /// back with the fitted model.
    pub fn fit(
        &self,
        data: WeeklyData,
        settings: FitSettings,
        posterior: Option<PosteriorJob>,
        context: C,
    ) {
        let commands = self
            .shared
            .borrow_mut()
            .scheduler
            .submit(data, settings, posterior, context);
        let outcome = execute(&self.shared, commands);
        report(&self.shared, outcome);
    }
}

impl<C: 'static> Drop for FitWorker<C> {
    fn drop(&mut self) {
        if let Some(worker) = self.shared.borrow_mut().worker.take() {
            // Detach the handlers first: a reply the worker posted before it was terminated
            // may still be queued, and must not reach the closures dropped with this handle.
            worker.set_onmessage(None);
            worker.set_onerror(None);
            worker.terminate();
        }
    }
}

/// Runs `step` on the shared state for an event of the current worker (events of a worker
/// that was replaced are ignored), then carries out its commands and reports its outcome
/// with the state released (the callback may start a new fit).
fn with_shared<C: 'static>(
    weak: &Weak<RefCell<Shared<C>>>,
    event: &Event,
    step: impl FnOnce(&mut Shared<C>) -> (Vec<Command>, Option<Outcome<C>>),
) {
    let Some(shared) = weak.upgrade() else { return };
    let (commands, outcome) = {
        let mut state = shared.borrow_mut();
        let from_current = match (&state.worker, event.current_target()) {
            (Some(worker), Some(target)) => JsValue::from(worker.clone()) == JsValue::from(target),
            _ => false,
        };
        if !from_current {
            return;
        }
        step(&mut state)
    };
    let failure = execute(&shared, commands);
    report(&shared, outcome.or(failure));
}

/// Carries out the scheduler's commands; an outcome if the worker could not be started or
/// a request not posted. Replies an adopted early worker sent before the page listened are
/// handled here, and the commands they give run in turn.
fn execute<C: 'static>(
    shared: &Rc<RefCell<Shared<C>>>,
    commands: Vec<Command>,
) -> Option<Outcome<C>> {
    let mut state = shared.borrow_mut();
    let mut queue = VecDeque::from(commands);
    while let Some(command) = queue.pop_front() {
        let result = match command {
            Command::Restart => restart(&mut state).and_then(|early| {
                for message in early {
                    let reply = match message {
                        EarlyMessage::Reply(data) => from_js::<FitReply>(data),
                        EarlyMessage::Error(detail) => return Err(detail),
                    };
                    match reply {
                        Ok(reply) => queue.extend(state.scheduler.receive(reply).0),
                        Err(e) => return Err(e.to_string()),
                    }
                }
                Ok(())
            }),
            Command::Post(request) => match (&state.worker, to_js(&request)) {
                (Some(worker), Ok(value)) => worker.post_message(&value).map_err(describe),
                (None, _) => Err("no worker is running".to_string()),
                (_, Err(e)) => Err(e.to_string()),
            },
        };
        if let Err(detail) = result {
            if let Some(worker) = state.worker.take() {
                worker.terminate();
            }
            return state.scheduler.worker_failed(format!(
                "Your browser could not run the model fit in the background ({detail})."
            ));
        }
    }
    None
}

/// What an early worker said before the page took it over.
enum EarlyMessage {
    /// A message's data.
    Reply(JsValue),
    /// An error event's message.
    Error(String),
}

/// The worker `index.html` starts while the app's own wasm loads, if it is there and not yet
/// taken: `window[EARLY_WORKER] = { worker, early }`, where `early` holds the message events
/// and error events the worker sent so far. Taking it removes it from `window`.
fn take_early_worker() -> Option<(Worker, Vec<EarlyMessage>)> {
    let window = web_sys::window()?;
    let key = JsValue::from_str(EARLY_WORKER);
    let handle = js_sys::Reflect::get(&window, &key).ok()?;
    if handle.is_undefined() || handle.is_null() {
        return None;
    }
    // Taken once: a restart later starts a fresh worker.
    js_sys::Reflect::delete_property(&window, &key).ok()?;
    // Not `dyn_into`: an `instanceof Worker` check fails when a test has wrapped the
    // `Worker` constructor; the property is this app's own.
    let worker = js_sys::Reflect::get(&handle, &JsValue::from_str("worker"))
        .ok()
        .filter(JsValue::is_object)?
        .unchecked_into::<Worker>();
    let early = js_sys::Reflect::get(&handle, &JsValue::from_str("early"))
        .ok()?
        .dyn_into::<js_sys::Array>()
        .ok()?;
    let messages = early
        .iter()
        .map(|event| match event.dyn_into::<MessageEvent>() {
            Ok(message) => EarlyMessage::Reply(message.data()),
            Err(other) => EarlyMessage::Error(
                other
                    .dyn_ref::<ErrorEvent>()
                    .map(|e| e.message())
                    .unwrap_or_else(|| "the worker did not load".to_string()),
            ),
        })
        .collect();
    Some((worker, messages))
}

/// Terminates the current worker and starts a new one with the shared handlers — the first
/// time, by taking over the worker `index.html` started early, whose messages so far are
/// returned.
fn restart<C>(state: &mut Shared<C>) -> Result<Vec<EarlyMessage>, String> {
    if let Some(old) = state.worker.take() {
        old.terminate();
    }
    let (worker, early) = match take_early_worker() {
        Some(early) => early,
        None => (
            Worker::new(&script_url(WORKER_URL_OVERRIDE, WORKER_SCRIPT)).map_err(describe)?,
            Vec::new(),
        ),
    };
    if let Some((on_message, on_error)) = &state.handlers {
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    }
    state.worker = Some(worker);
    Ok(early)
}

fn report<C>(shared: &Rc<RefCell<Shared<C>>>, outcome: Option<Outcome<C>>) {
    if let Some(outcome) = outcome {
        let on_outcome = shared.borrow().on_outcome.clone();
        on_outcome(outcome);
    }
}
