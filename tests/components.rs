//! Component tests in a real browser (headless Chromium via wasm-bindgen-test-runner):
//! `cargo test -p mixplan-app --target wasm32-unknown-unknown` (part of `make test`).
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use mixplan_app::charts::plotly_chart::PlotlyChart;
use mixplan_app::components::smoke_panel::{SmokePanel, demo_curve, response_figure};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container appended to the test page's body.
fn container() -> HtmlElement {
    let document = document();
    let element = document.create_element("div").unwrap();
    element
        .set_attribute("style", "width: 600px; height: 400px")
        .unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element.unchecked_into()
}

/// Loads the vendored plotly.js into the test page, as index.html does for the app.
fn load_plotly() {
    if mixplan_app::charts::plotly_js::is_loaded() {
        return;
    }
    let script = document().create_element("script").unwrap();
    script.set_text_content(Some(include_str!("../public/vendor/plotly-basic.min.js")));
    document().head().unwrap().append_child(&script).unwrap();
    assert!(
        mixplan_app::charts::plotly_js::is_loaded(),
        "plotly.js did not define window.Plotly"
    );
}

fn by_test_id(root: &HtmlElement, id: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={id}"))
        .unchecked_into()
}

/// Moves a range input as a user drag does: set the value, fire `input`.
fn drag_to(input: &HtmlInputElement, value: f64) {
    input.set_value(&value.to_string());
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn smoke_slider_drives_the_number() {
    let root = container();
    let _mounted = mount_to(
        root.clone(),
        || view! { <SmokePanel initial_spend=20_000.0 /> },
    );
    tick().await;
    let value = by_test_id(&root, "smoke-value");
    let expected_start = mixplan_app::format::currency(demo_curve().value(20_000.0));
    assert_eq!(value.text_content().unwrap(), expected_start);

    let slider: HtmlInputElement = by_test_id(&root, "smoke-slider").unchecked_into();
    drag_to(&slider, 40_000.0);
    tick().await;
    // 40k is the curve's half-saturation spend: half of the $120k ceiling.
    assert_eq!(value.text_content().unwrap(), "$60,000");
}

#[wasm_bindgen_test]
async fn chart_is_drawn_once_updated_in_place_and_purged() {
    load_plotly();
    let root = container();
    let curve = demo_curve();
    let (spend, set_spend) = signal(10_000.0);
    let figure = Memo::new(move |_| response_figure(&curve, spend.get()));
    let mounted = mount_to(root.clone(), move || {
        view! { <PlotlyChart figure=figure test_id="chart" label="test chart" /> }
    });
    tick().await;

    let chart = by_test_id(&root, "chart");
    let svg = chart
        .query_selector("svg.main-svg")
        .unwrap()
        .expect("plotly drew an svg");
    let marker_path = || {
        chart
            .query_selector(".scatterlayer .trace:nth-child(2) path.point")
            .unwrap()
            .map(|p| p.get_attribute("transform"))
    };
    let before = marker_path().expect("the marker is drawn");

    set_spend.set(80_000.0);
    tick().await;
    let after = marker_path().expect("the marker is still drawn");
    assert_ne!(before, after, "the marker moved with the spend");
    let svg_after = chart.query_selector("svg.main-svg").unwrap().unwrap();
    assert!(
        svg.is_same_node(Some(&svg_after)),
        "Plotly.react updated the same plot in place"
    );

    drop(mounted);
    let data = js_sys::Reflect::get(&chart, &"data".into()).unwrap();
    assert!(
        data.is_undefined(),
        "Plotly.purge cleared the plot's data on unmount"
    );
}
