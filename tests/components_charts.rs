//! Component tests of the chart cards and of what the planner page draws, in a real browser
//! (headless Chromium via wasm-bindgen-test-runner):
//! `cargo test -p mixplan-app --target wasm32-unknown-unknown --test components_charts`.
#![cfg(target_arch = "wasm32")]

mod support;

use std::sync::Arc;

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use mixplan_app::components::chart_card::ChartCard;
use mixplan_app::components::planner_page::PlannerPage;
use mixplan_app::embedded;
use mixplan_app::fitting::{FitState, ready};
use mixplan_app::planner::scenario::Planner;
use mixplan_core::model::ModelParams;
use support::{by_test_id, container, line_figure, load_plotly, next_frame};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Every element under `root`, in document order.
fn descendants(root: &web_sys::Element) -> Vec<web_sys::Element> {
    let mut found = Vec::new();
    let mut child = root.first_element_child();
    while let Some(element) = child {
        child = element.next_element_sibling();
        found.push(element.clone());
        found.extend(descendants(&element));
    }
    found
}

#[wasm_bindgen_test]
async fn a_chart_card_captions_and_draws_its_chart() {
    load_plotly();
    let root = container(600);
    let (end, _) = signal(2.0);
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <ChartCard title="Response curves" caption="● current, ◇ optimal" test_id="chart-x"
                label="What the chart shows" source=end figure=line_figure wide=true />
            <ChartCard title="Plain" test_id="chart-y" label="Another" source=end figure=line_figure />
        }
    });
    tick().await;
    next_frame().await;

    let cards = descendants(&root)
        .into_iter()
        .filter(|e| e.matches("figure.card.chart-card").unwrap())
        .collect::<Vec<_>>();
    assert_eq!(cards.len(), 2);
    let first = &cards[0];
    assert!(first.class_list().contains("wide"));
    let caption = first.query_selector("figcaption").unwrap().unwrap();
    assert_eq!(
        caption.text_content().unwrap(),
        "Response curves ● current, ◇ optimal"
    );
    assert_eq!(
        caption
            .query_selector("small")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        " ● current, ◇ optimal"
    );
    let chart = by_test_id(&root, "chart-x");
    assert_eq!(chart.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        chart.get_attribute("aria-label").as_deref(),
        Some("What the chart shows")
    );
    assert!(chart.class_list().contains("chart"));
    assert!(chart.query_selector("svg.main-svg").unwrap().is_some());

    let second = &cards[1];
    assert!(!second.class_list().contains("wide"));
    assert!(second.query_selector("small").unwrap().is_none());
    assert_eq!(
        second
            .query_selector("figcaption")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Plain"
    );
    assert!(
        by_test_id(&root, "chart-y")
            .query_selector("svg.main-svg")
            .unwrap()
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn a_chart_card_links_its_chart_to_a_text_alternative_that_follows_the_source() {
    load_plotly();
    let root = container(600);
    let (end, set_end) = signal(2.0);
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <ChartCard title="Line" test_id="chart-z" label="A line" source=end figure=line_figure
                summary=move || format!("The line ends at {}.", end.get()) />
            <ChartCard title="Plain" test_id="chart-w" label="Another" source=end figure=line_figure />
        }
    });
    tick().await;
    next_frame().await;

    let chart = by_test_id(&root, "chart-z");
    assert_eq!(
        chart.get_attribute("aria-describedby").as_deref(),
        Some("chart-z-summary")
    );
    let summary = by_test_id(&root, "chart-z-summary");
    assert_eq!(summary.id(), "chart-z-summary");
    assert!(summary.class_list().contains("visually-hidden"));
    assert_eq!(
        summary.text_content().as_deref(),
        Some("The line ends at 2.")
    );
    set_end.set(3.5);
    tick().await;
    assert_eq!(
        summary.text_content().as_deref(),
        Some("The line ends at 3.5.")
    );

    // Without a summary there is no dangling reference.
    assert_eq!(
        by_test_id(&root, "chart-w").get_attribute("aria-describedby"),
        None
    );
    assert!(root.query_selector("#chart-w-summary").unwrap().is_none());
}

/// The planner fitted on the embedded data, as the app does at start-up.
fn fitted_planner() -> Arc<Planner> {
    let e = embedded::load().expect("embedded data loads");
    let model = ModelParams::new()
        .check()
        .unwrap()
        .fit(&e.data, |_, _| {})
        .expect("model fits");
    Arc::new(Planner::new(model, e.channels, &e.data))
}

#[wasm_bindgen_test]
async fn the_ready_memo_changes_once_when_the_fit_finishes() {
    let state = RwSignal::new(FitState::Fitting { done: 0, total: 5 });
    let ready = ready(state);
    let changes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = changes.clone();
    // An Effect that counts the memo's notifications, owned by a mounted view.
    let _mounted = mount_to(container(10), move || {
        Effect::new(move |_| {
            ready.track();
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
    });
    tick().await;
    let after_first_run = changes.load(std::sync::atomic::Ordering::SeqCst);
    for done in 1..5 {
        state.set(FitState::Fitting { done, total: 5 });
        tick().await;
    }
    assert_eq!(ready.get_untracked(), None);
    assert_eq!(
        changes.load(std::sync::atomic::Ordering::SeqCst),
        after_first_run,
        "progress alone does not notify"
    );
    let planner = fitted_planner();
    state.set(FitState::Ready {
        planner: planner.clone(),
        fit_ms: 12.0,
    });
    tick().await;
    assert_eq!(
        changes.load(std::sync::atomic::Ordering::SeqCst),
        after_first_run + 1
    );
    let (shown, fit_ms) = ready.get_untracked().expect("ready");
    assert!(Arc::ptr_eq(&shown, &planner));
    assert_eq!(fit_ms, 12.0);
}

/// All text in `root`, chart text included.
fn shown_text(root: &HtmlElement) -> String {
    let mut text = root.text_content().unwrap_or_default();
    for element in descendants(root) {
        text.push('\n');
        text.push_str(&element.get_attribute("data-value").unwrap_or_default());
        if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            text.push('\n');
            text.push_str(&input.value());
        }
    }
    text
}

fn broken_numbers(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| {
            line.contains("NaN")
                || line.contains("Infinity")
                || line.contains('∞')
                || line
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == "inf")
        })
        .collect()
}

#[wasm_bindgen_test]
async fn every_channel_at_zero_shows_no_nan_or_infinity() {
    load_plotly();
    let root = container(1200);
    let planner = fitted_planner();
    let ids: Vec<String> = planner.channels().iter().map(|c| c.id.clone()).collect();
    let _mounted = mount_to(root.clone(), move || {
        view! { <PlannerPage planner=planner.clone() truth=Vec::new() fit_ms=1.0 /> }
    });
    tick().await;
    next_frame().await;
    assert_eq!(broken_numbers(&shown_text(&root)), Vec::<&str>::new());
    for id in &ids {
        let slider: HtmlInputElement =
            by_test_id(&root, &format!("channel-slider-{id}")).unchecked_into();
        slider.set_value("0");
        slider
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
        slider
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
        tick().await;
        next_frame().await;
        let spend = root
            .query_selector(&format!("[data-channel='{id}']"))
            .unwrap()
            .unwrap()
            .get_attribute("data-spend")
            .unwrap();
        assert_eq!(spend, "0", "{id} dragged to zero");
        let text = shown_text(&root);
        assert_eq!(
            broken_numbers(&text),
            Vec::<&str>::new(),
            "after moving {id} to $0"
        );
        let row = by_test_id(&root, &format!("channel-row-{id}"))
            .text_content()
            .unwrap();
        assert!(!row.contains("inf") && !row.contains("NaN"), "{row}");
    }
}
