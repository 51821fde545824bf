//! Helpers shared by the browser component tests (`components.rs`, `components_charts.rs`):
//! a container on the test page, the vendored plotly.js, animation frames, elements by test
//! id and a small line figure.

use leptos::prelude::document;
use mixplan_app::charts::figure::Figure;
use plotly::common::Mode;
use plotly::{Plot, Scatter};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// A fresh container `width_px` wide appended to the test page's body.
pub fn container(width_px: u32) -> HtmlElement {
    let document = document();
    let element = document.create_element("div").unwrap();
    element
        .set_attribute("style", &format!("width: {width_px}px"))
        .unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element.unchecked_into()
}

/// Loads the vendored plotly.js into the test page, as index.html does for the app.
pub fn load_plotly() {
    if mixplan_app::charts::plotly_js::is_loaded() {
        return;
    }
    let script = document().create_element("script").unwrap();
    script.set_text_content(Some(include_str!(
        "../../public/vendor/plotly-basic.min.js"
    )));
    document().head().unwrap().append_child(&script).unwrap();
    assert!(
        mixplan_app::charts::plotly_js::is_loaded(),
        "plotly.js did not define window.Plotly"
    );
}

/// Resolves after the next animation frame (charts redraw in one).
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// The element under `root` with `data-testid` `id`.
pub fn by_test_id(root: &HtmlElement, id: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={id}"))
        .unchecked_into()
}

/// A line with markers through `(0, 0)`, `(1, 1)` and `(2, y_end)`.
pub fn line_figure(y_end: &f64) -> Figure {
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(vec![0.0, 1.0, 2.0], vec![0.0, 1.0, *y_end]).mode(Mode::LinesMarkers),
    );
    Figure::from_plot(plot)
}
