//! How messages cross `postMessage`: serde types turned into JavaScript values by
//! `serde-wasm-bindgen`, then copied by the browser's structured clone.
//!
//! Not JSON: a fitted model holds numbers JSON cannot carry (`NaN` for a metric with no
//! weeks, `+∞` for the marginal return of a curve at zero spend), which a structured clone
//! keeps exactly. 64-bit integers (the search seed) travel as `BigInt`, so no value is
//! rounded.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// A message that could not be converted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("a message between the page and the fit worker could not be read: {0}")]
pub struct WireError(String);

/// `message` as a JavaScript value for `postMessage`.
///
/// # Errors
/// [`WireError`] if serde refuses the value (not expected for the message types).
pub fn to_js<T: Serialize>(message: &T) -> Result<JsValue, WireError> {
    let serializer =
        serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
    message
        .serialize(&serializer)
        .map_err(|e| WireError(e.to_string()))
}

/// The message in `value` (a `MessageEvent`'s data).
///
/// # Errors
/// [`WireError`] if `value` is not a `T`.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, WireError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| WireError(e.to_string()))
}
