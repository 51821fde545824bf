//! The page's side of the on-demand worker ([`super::on_demand`]): started by the first job
//! (a file loaded, the model checks opened; never on a visit that asks for neither), then
//! kept for the next jobs.
//!
//! [`run`] posts a job and resolves with its [`JobResult`]. Jobs posted before the worker's
//! wasm has said [`JobReply::Ready`] wait in a queue (a message posted earlier would reach no
//! handler). If the worker fails (its wasm did not load, or it stopped), every job waiting
//! gets the error and the next job starts a new worker.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

use super::js::{describe, script_url};
use super::on_demand::{Job, JobId, JobReply, JobRequest, JobResult};
use super::wire::{from_js, to_js};

/// The worker's loader script (`public/on_demand_loader.js`, copied next to `index.html`).
pub const ON_DEMAND_SCRIPT: &str = "./on_demand_loader.js";

/// The `window` property that, when it holds a string, replaces [`ON_DEMAND_SCRIPT`]: the
/// one-file bundle (`mixplan.html`) puts there the Blob URL of a loader with the wasm inlined.
pub const ON_DEMAND_URL_OVERRIDE: &str = "mixplanOnDemandUrl";

/// Where a job's outcome lands before its promise resolves.
type Slot = Rc<RefCell<Option<Result<JobResult, String>>>>;

/// A job posted (or queued) and not yet answered.
struct Pending {
    slot: Slot,
    resolve: js_sys::Function,
}

/// The running worker.
struct Reader {
    worker: Worker,
    ready: bool,
    queued: Vec<JsValue>,
    pending: HashMap<JobId, Pending>,
}

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;
type ErrorHandler = Closure<dyn FnMut(Event)>;

thread_local! {
    static READER: RefCell<Option<Reader>> = const { RefCell::new(None) };
    /// Created once, attached to every worker started (never dropped while a worker may call).
    static HANDLERS: (MessageHandler, ErrorHandler) = (
        MessageHandler::new(on_message),
        ErrorHandler::new(on_error),
    );
    static NEXT_ID: Cell<JobId> = const { Cell::new(1) };
}

/// Runs `job` in the on-demand worker (starting it if needed).
///
/// # Errors
/// The browser's message when the worker cannot be started, a message cannot be posted or
/// read, or the worker stops before answering.
pub async fn run(job: Job) -> Result<JobResult, String> {
    let id = NEXT_ID.with(|next| {
        let id = next.get();
        next.set(id.checked_add(1).unwrap_or(1));
        id
    });
    let message = to_js(&JobRequest { id, job }).map_err(|e| e.to_string())?;
    let slot: Slot = Rc::default();
    let mut posted = Ok(());
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        posted = READER.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                *cell = Some(start()?);
            }
            let Some(reader) = cell.as_mut() else {
                return Err("the background worker did not start".to_string());
            };
            reader.pending.insert(
                id,
                Pending {
                    slot: slot.clone(),
                    resolve,
                },
            );
            if reader.ready {
                reader.worker.post_message(&message).map_err(describe)
            } else {
                reader.queued.push(message.clone());
                Ok(())
            }
        });
    });
    if let Err(detail) = posted {
        stop(&detail);
        return Err(detail);
    }
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(describe)?;
    slot.borrow_mut()
        .take()
        .unwrap_or_else(|| Err("the background worker gave no answer".to_string()))
}

/// Starts a worker with the shared handlers.
fn start() -> Result<Reader, String> {
    let worker =
        Worker::new(&script_url(ON_DEMAND_URL_OVERRIDE, ON_DEMAND_SCRIPT)).map_err(describe)?;
    HANDLERS.with(|(on_message, on_error)| {
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    });
    Ok(Reader {
        worker,
        ready: false,
        queued: Vec::new(),
        pending: HashMap::new(),
    })
}

/// Whether `event` comes from the running worker (a stopped worker's queued events do not).
fn from_running(reader: &Reader, event: &Event) -> bool {
    event
        .current_target()
        .is_some_and(|target| JsValue::from(reader.worker.clone()) == JsValue::from(target))
}

fn on_message(event: MessageEvent) {
    let reply = from_js::<JobReply>(event.data());
    let failure = READER.with(|cell| {
        let mut cell = cell.borrow_mut();
        let reader = cell.as_mut().filter(|r| from_running(r, &event))?;
        match reply {
            Ok(JobReply::Ready) => {
                reader.ready = true;
                for message in std::mem::take(&mut reader.queued) {
                    if let Err(error) = reader.worker.post_message(&message) {
                        return Some(describe(error));
                    }
                }
                None
            }
            Ok(JobReply::Done { id, result }) => {
                if let Some(pending) = reader.pending.remove(&id) {
                    settle(pending, Ok(*result));
                }
                None
            }
            Err(error) => Some(error.to_string()),
        }
    });
    if let Some(detail) = failure {
        stop(&detail);
    }
}

fn on_error(event: Event) {
    event.prevent_default();
    let running = READER.with(|cell| {
        cell.borrow()
            .as_ref()
            .is_some_and(|r| from_running(r, &event))
    });
    if running {
        let detail = event
            .dyn_ref::<ErrorEvent>()
            .map(|e| e.message())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "its code did not load".to_string());
        stop(&format!("the background worker stopped: {detail}"));
    }
}

/// Stops the worker; every job waiting gets `detail` as its error.
fn stop(detail: &str) {
    let Some(reader) = READER.with(|cell| cell.borrow_mut().take()) else {
        return;
    };
    reader.worker.set_onmessage(None);
    reader.worker.set_onerror(None);
    reader.worker.terminate();
    for pending in reader.pending.into_values() {
        settle(pending, Err(detail.to_string()));
    }
}

fn settle(pending: Pending, outcome: Result<JobResult, String>) {
    *pending.slot.borrow_mut() = Some(outcome);
    // Resolving only schedules the awaiting task; it cannot fail for a Promise's own resolve.
    let _ = pending.resolve.call0(&JsValue::UNDEFINED);
}
