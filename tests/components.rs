//! Component tests in a real browser (headless Chromium via wasm-bindgen-test-runner):
//! `cargo test -p mixplan-app --target wasm32-unknown-unknown` (part of `make test`).
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use mixplan_app::charts::figure::Figure;
use mixplan_app::charts::plotly_chart::PlotlyChart;
use mixplan_app::components::budget_panel::BudgetPanel;
use mixplan_app::components::fit_status::FitStatus;
use mixplan_app::fitting::FitState;
use mixplan_app::planner::budget::BudgetState;
use mixplan_app::planner::scenario::ChannelInfo;
use plotly::common::Mode;
use plotly::{Plot, Scatter};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container appended to the test page's body.
fn container() -> HtmlElement {
    let document = document();
    let element = document.create_element("div").unwrap();
    element.set_attribute("style", "width: 600px").unwrap();
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

/// Resolves after the next animation frame (charts redraw in one).
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn by_test_id(root: &HtmlElement, id: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={id}"))
        .unchecked_into()
}

fn input(root: &HtmlElement, id: &str) -> HtmlInputElement {
    by_test_id(root, id).unchecked_into()
}

/// Fires `name` on `target` as the browser does after user input.
fn fire(target: &HtmlInputElement, name: &str) {
    target
        .dispatch_event(&web_sys::Event::new(name).unwrap())
        .unwrap();
}

/// Moves a range input as a drag does: set the value, fire `input`.
fn drag_to(slider: &HtmlInputElement, value: f64) {
    slider.set_value(&value.to_string());
    fire(slider, "input");
}

fn channels() -> Vec<ChannelInfo> {
    ["a", "b", "c"]
        .iter()
        .map(|id| ChannelInfo {
            id: id.to_string(),
            name: format!("Channel {id}"),
        })
        .collect()
}

/// Exact spend the panel shows for a channel (its `data-spend`).
fn shown_spend(root: &HtmlElement, id: &str) -> f64 {
    root.query_selector(&format!("[data-channel='{id}']"))
        .unwrap()
        .unwrap()
        .get_attribute("data-spend")
        .unwrap()
        .parse()
        .unwrap()
}

fn mount_panel(total: f64, mix: &[f64]) -> (HtmlElement, RwSignal<BudgetState>, impl Drop) {
    let root = container();
    let budget = RwSignal::new(BudgetState::from_mix(total, mix));
    let mounted = mount_to(
        root.clone(),
        move || view! { <BudgetPanel budget channels=channels() /> },
    );
    (root, budget, mounted)
}

#[wasm_bindgen_test]
async fn dragging_a_channel_rebalances_the_others_and_stays_balanced() {
    let (root, budget, _mounted) = mount_panel(10_000.0, &[2.0, 3.0, 5.0]);
    tick().await;
    assert_eq!(shown_spend(&root, "b"), 3_000.0);
    assert!(
        by_test_id(&root, "balanced")
            .text_content()
            .unwrap()
            .starts_with("✓ balanced")
    );

    drag_to(&input(&root, "channel-slider-a"), 6_000.0);
    tick().await;
    // The 4,000 left go to b and c in their 3:5 proportion.
    assert_eq!(shown_spend(&root, "a"), 6_000.0);
    assert!((shown_spend(&root, "b") - 1_500.0).abs() < 1e-9);
    assert!((shown_spend(&root, "c") - 2_500.0).abs() < 1e-9);
    assert_eq!(budget.with_untracked(|b| b.allocated()), 10_000.0);
    assert_eq!(input(&root, "channel-amount-b").value(), "$1,500");
    assert!(by_test_id(&root, "balanced").class_list().contains("ok"));
}

#[wasm_bindgen_test]
async fn a_locked_channel_is_disabled_and_does_not_move() {
    let (root, _budget, _mounted) = mount_panel(10_000.0, &[2.0, 3.0, 5.0]);
    tick().await;
    let lock = input(&root, "channel-lock-c");
    lock.set_checked(true);
    fire(&lock, "change");
    tick().await;
    assert!(
        input(&root, "channel-slider-c").disabled(),
        "a locked slider is disabled"
    );

    drag_to(&input(&root, "channel-slider-a"), 4_000.0);
    tick().await;
    assert_eq!(shown_spend(&root, "c"), 5_000.0, "locked channel stays put");
    assert_eq!(
        shown_spend(&root, "b"),
        1_000.0,
        "b absorbs the change alone"
    );

    // The total slider cannot go below what is locked without saying so.
    let total = input(&root, "total-budget-number");
    total.set_value("10000");
    fire(&total, "change");
    let lock_b = input(&root, "channel-lock-b");
    lock_b.set_checked(true);
    fire(&lock_b, "change");
    let slider_total = input(&root, "total-budget");
    drag_to(&slider_total, 10_000.0);
    tick().await;
    assert!(
        by_test_id(&root, "balanced")
            .text_content()
            .unwrap()
            .starts_with("✓")
    );
}

#[wasm_bindgen_test]
async fn locks_above_the_total_are_explained_and_nothing_is_lost() {
    let (root, budget, _mounted) = mount_panel(40_000.0, &[1.0, 1.0, 2.0]);
    tick().await;
    let lock = input(&root, "channel-lock-c");
    lock.set_checked(true);
    fire(&lock, "change");
    drag_to(&input(&root, "total-budget"), 15_000.0);
    tick().await;
    let balance = by_test_id(&root, "balanced");
    assert!(!balance.class_list().contains("ok"));
    let text = balance.text_content().unwrap();
    assert!(
        text.contains("Locked channels spend $20,000 but the total is $15,000"),
        "{text}"
    );
    assert!(
        text.contains("raise the total or unlock a channel"),
        "{text}"
    );
    assert_eq!(
        shown_spend(&root, "c"),
        20_000.0,
        "the locked amount is kept"
    );
    assert_eq!(budget.with_untracked(|b| b.total()), 15_000.0);
}

#[wasm_bindgen_test]
async fn a_bad_total_is_refused_with_a_fix_and_the_old_total_kept() {
    let (root, budget, _mounted) = mount_panel(40_000.0, &[1.0, 1.0, 2.0]);
    tick().await;
    let field = input(&root, "total-budget-number");
    field.set_value("5,000");
    fire(&field, "change");
    tick().await;
    let error = by_test_id(&root, "total-budget-error")
        .text_content()
        .unwrap();
    assert!(error.contains("between $10,000 and $100,000"), "{error}");
    assert_eq!(budget.with_untracked(|b| b.total()), 40_000.0);
    assert_eq!(
        field.value(),
        "$40,000",
        "the field shows the total that still holds"
    );

    field.set_value("$55,500");
    fire(&field, "change");
    tick().await;
    assert_eq!(budget.with_untracked(|b| b.total()), 55_500.0);
    assert_eq!(
        by_test_id(&root, "total-budget-error")
            .text_content()
            .unwrap(),
        ""
    );
    assert_eq!(input(&root, "total-budget").value(), "55500");
}

#[wasm_bindgen_test]
async fn fit_status_shows_progress_then_the_outcome() {
    let root = container();
    let state = RwSignal::new(FitState::Fitting { done: 3, total: 10 });
    let _mounted = mount_to(root.clone(), move || view! { <FitStatus state /> });
    tick().await;
    assert_eq!(
        by_test_id(&root, "fit-status").text_content().unwrap(),
        "fitting"
    );
    let progress = root.query_selector("progress").unwrap().unwrap();
    assert_eq!(progress.get_attribute("value").unwrap(), "30");
    assert!(root.text_content().unwrap().contains("30%"));

    state.set(FitState::Failed(
        "The model could not be fitted: too few weeks".into(),
    ));
    tick().await;
    assert_eq!(
        by_test_id(&root, "fit-status").text_content().unwrap(),
        "failed"
    );
    assert!(root.text_content().unwrap().contains("too few weeks"));
}

fn line_figure(y_end: f64) -> Figure {
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(vec![0.0, 1.0, 2.0], vec![0.0, 1.0, y_end]).mode(Mode::LinesMarkers),
    );
    Figure::from_plot(plot)
}

#[wasm_bindgen_test]
async fn chart_is_drawn_once_updated_in_place_and_purged() {
    load_plotly();
    let root = container();
    let (end, set_end) = signal(1.0);
    let mounted = mount_to(root.clone(), move || {
        view! { <PlotlyChart source=end figure=|y: &f64| line_figure(*y) test_id="chart" label="test chart" /> }
    });
    tick().await;
    next_frame().await;

    let chart = by_test_id(&root, "chart");
    let svg = chart
        .query_selector("svg.main-svg")
        .unwrap()
        .expect("plotly drew an svg");
    let line = || {
        chart
            .query_selector(".scatterlayer path.js-line")
            .unwrap()
            .and_then(|p| p.get_attribute("d"))
    };
    let before = line().expect("the line is drawn");

    set_end.set(5.0);
    tick().await;
    let unchanged = line().expect("the line is drawn");
    assert_eq!(
        unchanged, before,
        "redraws wait for the next animation frame"
    );
    next_frame().await;
    let after = line().expect("the line is still drawn");
    assert_ne!(before, after, "the line follows the figure");
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
