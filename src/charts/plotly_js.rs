//! The plotly.js functions the app calls, on the global `Plotly` that the vendored
//! `vendor/plotly-basic.min.js` defines: `newPlot`, `react`, `purge` and `downloadImage`.
//!
//! The `plotly` crate builds the figures ([`super::figure`]); its own `bindings` module
//! covers `newPlot` and `react` only by element id and panics when plotly.js rejects a
//! figure, and it has no `purge`. These declarations take the element itself and return
//! errors instead, so a chart problem is logged, never a crash.

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = newPlot)]
    fn new_plot_js(element: &HtmlElement, figure: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = react)]
    fn react_js(element: &HtmlElement, figure: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = purge)]
    fn purge_js(element: &HtmlElement) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Plotly, js_name = downloadImage)]
    fn download_image_js(element: &HtmlElement, options: &JsValue) -> Result<JsValue, JsValue>;
}

/// An image format plotly.js exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// A bitmap, for slides and documents.
    Png,
    /// Vectors, for print and further editing.
    Svg,
}

impl ImageFormat {
    /// plotly.js's name for it, also the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
        }
    }
}

/// Why a plotly.js call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum PlotlyError {
    /// The global `Plotly` is missing: `vendor/plotly-basic.min.js` did not load.
    NotLoaded,
    /// The figure JSON did not parse (a bug in a figure builder).
    BadFigure(String),
    /// plotly.js threw.
    Js(String),
}

impl std::fmt::Display for PlotlyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotLoaded => write!(
                f,
                "charts unavailable: plotly.js (vendor/plotly-basic.min.js) did not load; check that the file is deployed next to index.html"
            ),
            Self::BadFigure(e) => write!(f, "chart figure is not valid JSON: {e}"),
            Self::Js(e) => write!(f, "plotly.js error: {e}"),
        }
    }
}

/// True when the global `Plotly` object exists.
pub fn is_loaded() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("Plotly")).unwrap_or(false)
}

fn parse(figure_json: &str) -> Result<JsValue, PlotlyError> {
    js_sys::JSON::parse(figure_json).map_err(|e| PlotlyError::BadFigure(format!("{e:?}")))
}

/// `Plotly.newPlot(element, figure)`: draws a new plot into `element`.
pub fn new_plot(element: &HtmlElement, figure_json: &str) -> Result<(), PlotlyError> {
    if !is_loaded() {
        return Err(PlotlyError::NotLoaded);
    }
    new_plot_js(element, &parse(figure_json)?)
        .map(|_| ())
        .map_err(|e| PlotlyError::Js(format!("{e:?}")))
}

/// `Plotly.react(element, figure)`: updates the plot in place, redrawing only what changed.
pub fn react(element: &HtmlElement, figure_json: &str) -> Result<(), PlotlyError> {
    if !is_loaded() {
        return Err(PlotlyError::NotLoaded);
    }
    react_js(element, &parse(figure_json)?)
        .map(|_| ())
        .map_err(|e| PlotlyError::Js(format!("{e:?}")))
}

/// `Plotly.downloadImage(element, {format, filename})`: plotly.js renders the plot on
/// `element` as an image in the browser and offers it as `<file_name>.<format>` (no network).
pub fn download_image(
    element: &HtmlElement,
    format: ImageFormat,
    file_name: &str,
) -> Result<(), PlotlyError> {
    if !is_loaded() {
        return Err(PlotlyError::NotLoaded);
    }
    let options = js_sys::Object::new();
    let set = |key: &str, value: &str| {
        js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value))
    };
    set("format", format.as_str())
        .and_then(|_| set("filename", file_name))
        .map_err(|e| PlotlyError::Js(format!("{e:?}")))?;
    // The returned promise rejects only when the element holds no plot yet; the caller's
    // button is on a drawn chart, so it is not awaited.
    download_image_js(element, &options)
        .map(|_| ())
        .map_err(|e| PlotlyError::Js(format!("{e:?}")))
}

/// `Plotly.purge(element)`: frees the plot's listeners and data.
pub fn purge(element: &HtmlElement) {
    if is_loaded() {
        let _ = purge_js(element);
    }
}
