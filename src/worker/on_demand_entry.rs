//! The on-demand worker's entry (`src/bin/on_demand.rs` calls [`serve`]): listens for
//! [`JobRequest`]s, does each with [`run`] and posts the [`JobReply`].

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::on_demand::{JobReply, JobRequest, run};
use super::wire::{from_js, to_js};

/// Installs the message handler in the worker's global scope, then tells the page it is
/// [`JobReply::Ready`]. A message that is not a [`JobRequest`], or a reply that cannot be
/// sent, is thrown as an error, which the page receives as the worker's `error` event.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match from_js::<JobRequest>(event.data()) {
            Ok(request) => post(
                &replies,
                &JobReply::Done {
                    id: request.id,
                    result: Box::new(run(request.job)),
                },
            ),
            Err(e) => wasm_bindgen::throw_str(&e.to_string()),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &JobReply::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, reply: &JobReply) {
    let sent = to_js(reply)
        .map_err(|e| e.to_string())
        .and_then(|value| scope.post_message(&value).map_err(|e| format!("{e:?}")));
    if let Err(message) = sent {
        wasm_bindgen::throw_str(&message);
    }
}
