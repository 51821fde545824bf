//! What both worker clients (the fit worker's and the on-demand worker's) need from
//! JavaScript: the script URL a page may override, and a JavaScript error in words.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The URL to start a worker from: the string the page stored at `window[override_key]`
/// (the one-file bundle stores the worker's Blob URL there) if any, else `default`.
pub fn script_url(override_key: &str, default: &str) -> String {
    web_sys::window()
        .and_then(|window| js_sys::Reflect::get(&window, &JsValue::from_str(override_key)).ok())
        .and_then(|url| url.as_string())
        .unwrap_or_else(|| default.to_string())
}

/// A JavaScript error (an `Error`'s message, a thrown string, or its debug form) in words.
pub fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
