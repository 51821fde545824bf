//! The worker's entry (`src/bin/fit_worker.rs` calls [`serve`]): listen for
//! [`FitRequest`]s and run each with [`run_fit`], posting the replies to the page.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::messages::{FitReply, FitRequest};
use super::run::run_fit;
use super::wire::{from_js, to_js};

/// Installs the message handler in the worker's global scope, then tells the page it is
/// [`FitReply::Ready`]. A message that is not a [`FitRequest`] is thrown as an error, which
/// the page receives as the worker's `error` event.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match from_js::<FitRequest>(event.data()) {
            Ok(request) => run_fit(&request, js_sys::Date::now, |reply| post(&replies, &reply)),
            Err(e) => wasm_bindgen::throw_str(&e.to_string()),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &FitReply::Ready);
}

/// Posts `reply` to the page; a reply that cannot be sent is thrown as an error (the page
/// then sees the worker fail rather than wait forever).
fn post(scope: &DedicatedWorkerGlobalScope, reply: &FitReply) {
    let sent = to_js(reply)
        .map_err(|e| e.to_string())
        .and_then(|value| scope.post_message(&value).map_err(|e| format!("{e:?}")));
    if let Err(message) = sent {
        wasm_bindgen::throw_str(&message);
    }
}
