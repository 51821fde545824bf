//! The browser side of sharing: the URL fragment, file downloads and `window.mixplan`.
//! Thin wrappers; what they carry is built in [`super::link`], [`super::export`] and
//! [`super::api`].

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::api;
use super::link::LinkSettings;
use crate::planner::budget::BudgetState;
use crate::planner::scenario::Planner;

/// The page's URL fragment without the `#`, as the address bar holds it (escaped), or
/// `None` when it has none. Unescaping is the link reader's job (`link::PageLink::parse`),
/// so that an escaped `;` inside a value stays in it.
pub fn read_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let fragment = hash.strip_prefix('#').unwrap_or(&hash);
    (!fragment.is_empty()).then(|| fragment.to_string())
}

/// Replaces the URL's fragment with `#fragment` through `history.replaceState`: no new
/// history entry, no reload, nothing sent to a server.
pub fn replace_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

/// Offers `text` as a file named `file_name`: a `Blob` behind an `<a download>` clicked
/// once, then released. No network.
pub fn download_text(file_name: &str, mime: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// A JSON value as a plain JS object (through `JSON.parse`).
fn to_js(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// A JS value as JSON (through `JSON.stringify`); `undefined` and functions become `null`.
fn from_js(value: &JsValue) -> serde_json::Value {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// The answer of an API call: the value, or `{ error }`.
fn answer(result: Result<serde_json::Value, api::ApiError>) -> JsValue {
    to_js(&result.unwrap_or_else(|e| e.to_json()))
}

/// Defines `window.mixplan` (`predict`, `optimize`, `getPlan`, `setPlan`) for this planner
/// and budget, and removes it when the calling component is cleaned up. `setPlan` writes
/// the budget signal, so the sliders follow; `getPlan().link` carries the page's `settings`
/// (the same link as the address bar's).
pub fn install_js_api(
    planner: Arc<Planner>,
    budget: RwSignal<BudgetState>,
    settings: Signal<LinkSettings>,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api_object = js_sys::Object::new();
    let set = |name: &str, f: JsValue| {
        let _ = js_sys::Reflect::set(&api_object, &JsValue::from_str(name), &f);
    };
    let p = planner.clone();
    set(
        "predict",
        Closure::<dyn Fn(JsValue) -> JsValue>::new(move |spend: JsValue| {
            answer(api::predict(&p, &from_js(&spend)))
        })
        .into_js_value(),
    );
    let p = planner.clone();
    set(
        "optimize",
        Closure::<dyn Fn(JsValue) -> JsValue>::new(move |request: JsValue| {
            answer(api::optimize(&p, &from_js(&request)))
        })
        .into_js_value(),
    );
    let p = planner.clone();
    set(
        "getPlan",
        Closure::<dyn Fn() -> JsValue>::new(move || {
            let settings = settings.try_get_untracked();
            match settings
                .and_then(|settings| budget.try_with_untracked(|b| api::get_plan(&p, b, &settings)))
            {
                Some(plan) => to_js(&plan),
                None => {
                    to_js(&serde_json::json!({ "error": "the planner is no longer on the page" }))
                }
            }
        })
        .into_js_value(),
    );
    let p = planner;
    set(
        "setPlan",
        Closure::<dyn Fn(JsValue) -> JsValue>::new(move |plan: JsValue| {
            answer(api::set_plan(&p, &from_js(&plan)).map(|state| {
                budget.try_set(state);
                serde_json::json!({ "ok": true })
            }))
        })
        .into_js_value(),
    );
    let _ = js_sys::Reflect::set(&window, &JsValue::from_str("mixplan"), &api_object);
    on_cleanup(move || {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::delete_property(&window, &JsValue::from_str("mixplan"));
        }
    });
}
