//! Component tests in a real browser (headless Chromium via wasm-bindgen-test-runner):
//! `cargo test -p mixplan-app --target wasm32-unknown-unknown` (part of `make test`).
#![cfg(target_arch = "wasm32")]

mod support;

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use mixplan_app::charts::plotly_chart::PlotlyChart;
use mixplan_app::components::budget_panel::BudgetPanel;
use mixplan_app::components::channel_control::ONLY_UNLOCKED_HINT;
use mixplan_app::components::channel_table::ChannelTable;
use mixplan_app::components::fit_status::FitStatus;
use mixplan_app::components::results_summary::{NOT_BALANCED_NOTE, ResultsSummary};
use mixplan_app::fitting::FitState;
use mixplan_app::planner::budget::{BudgetRange, BudgetState};
use mixplan_app::planner::scenario::{ChannelInfo, ChannelRow, Scenario};
use mixplan_core::optimize::{OptimizeError, Plan};
use mixplan_core::response::HillResponse;
use support::{by_test_id, container, line_figure, load_plotly, next_frame};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

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
    let root = container(600);
    let budget = RwSignal::new(BudgetState::from_mix(total, mix));
    let mounted = mount_to(
        root.clone(),
        move || view! { <BudgetPanel budget channels=channels() range=BudgetRange::FALLBACK /> },
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
    let root = container(600);
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

#[wasm_bindgen_test]
async fn chart_is_drawn_once_updated_in_place_and_purged() {
    load_plotly();
    let root = container(600);
    let (end, set_end) = signal(1.0);
    let mounted = mount_to(root.clone(), move || {
        view! { <PlotlyChart source=end figure=line_figure test_id="chart" label="test chart" /> }
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

/// The text of an element, by test id.
fn text(root: &HtmlElement, id: &str) -> String {
    by_test_id(root, id).text_content().unwrap_or_default()
}

/// Types `value` into a text field and commits it, as leaving the field does.
fn type_into(field: &HtmlInputElement, value: &str) {
    field.set_value(value);
    fire(field, "change");
}

/// The element the field's `aria-describedby` names first, and its text.
fn described_by(root: &HtmlElement, field: &HtmlInputElement) -> String {
    let ids = field
        .get_attribute("aria-describedby")
        .expect("the field names its description");
    let first = ids.split_whitespace().next().unwrap().to_string();
    root.query_selector(&format!("#{first}"))
        .unwrap()
        .unwrap_or_else(|| panic!("aria-describedby names #{first}, which is missing"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn ambiguous_or_oversized_typed_amounts_are_refused_at_their_field() {
    let (root, budget, _mounted) = mount_panel(10_000.0, &[2.0, 3.0, 5.0]);
    tick().await;
    let before = budget.get_untracked();
    let field = input(&root, "channel-amount-a");

    type_into(&field, "1.500");
    tick().await;
    let error = text(&root, "channel-amount-error-a");
    assert!(
        error.contains("\"1.500\" could mean 1500 or 1.5"),
        "{error}"
    );
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        described_by(&root, &field),
        error,
        "the error is tied to its field"
    );
    assert_eq!(budget.get_untracked(), before, "nothing was reinterpreted");
    assert_eq!(field.value(), "$2,000", "the old amount stays");

    type_into(&field, "12,5");
    tick().await;
    assert!(text(&root, "channel-amount-error-a").contains("could mean 12.5 or 125"));

    type_into(&field, "12000");
    tick().await;
    let error = text(&root, "channel-amount-error-a");
    assert!(
        error.contains("$12,000 is more than the total of $10,000"),
        "{error}"
    );
    assert_eq!(budget.get_untracked(), before, "nothing was clamped");
    assert_eq!(
        shown_spend(&root, "b"),
        3_000.0,
        "the others keep their spend"
    );

    let lock = input(&root, "channel-lock-c");
    lock.set_checked(true);
    fire(&lock, "change");
    type_into(&field, "6,000");
    tick().await;
    let error = text(&root, "channel-amount-error-a");
    assert!(error.contains("leaves at most $5,000"), "{error}");
    assert_eq!(shown_spend(&root, "a"), 2_000.0);

    type_into(&field, "$4,000");
    tick().await;
    assert_eq!(shown_spend(&root, "a"), 4_000.0);
    assert_eq!(text(&root, "channel-amount-error-a"), "");
    assert_eq!(
        field.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn a_channel_taking_everything_says_so_and_the_others_return_in_proportion() {
    let (root, _budget, _mounted) = mount_panel(10_000.0, &[2.0, 3.0, 5.0]);
    tick().await;
    assert_eq!(text(&root, "balance-note"), "", "no note before any change");
    type_into(&input(&root, "channel-amount-a"), "10000");
    tick().await;
    assert_eq!(shown_spend(&root, "b"), 0.0);
    assert_eq!(shown_spend(&root, "c"), 0.0);
    let note = text(&root, "balance-note");
    assert!(
        note.contains("Channel a now takes everything left of the total"),
        "{note}"
    );
    assert!(note.contains("previous proportions"), "{note}");

    drag_to(&input(&root, "channel-slider-a"), 2_000.0);
    tick().await;
    // b and c come back 3:5 as they were, not 4,000 each.
    assert!((shown_spend(&root, "b") - 3_000.0).abs() < 1e-9);
    assert!((shown_spend(&root, "c") - 5_000.0).abs() < 1e-9);
    assert!(
        text(&root, "balance-note").contains("came back in their previous proportions"),
        "{}",
        text(&root, "balance-note")
    );

    drag_to(&input(&root, "channel-slider-a"), 3_000.0);
    tick().await;
    assert!(
        text(&root, "balance-note").contains("came back"),
        "the note stays while the same slider keeps moving"
    );
    drag_to(&input(&root, "channel-slider-b"), 2_000.0);
    tick().await;
    assert_eq!(
        text(&root, "balance-note"),
        "",
        "an ordinary move of another channel clears it"
    );
}

#[wasm_bindgen_test]
async fn a_total_error_clears_after_a_valid_move_elsewhere() {
    let (root, _budget, _mounted) = mount_panel(40_000.0, &[1.0, 1.0, 2.0]);
    tick().await;
    let total = input(&root, "total-budget-number");
    type_into(&total, "5,000");
    tick().await;
    assert!(text(&root, "total-budget-error").contains("between $10,000 and $100,000"));
    assert_eq!(total.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        described_by(&root, &total),
        text(&root, "total-budget-error")
    );

    drag_to(&input(&root, "channel-slider-b"), 5_000.0);
    tick().await;
    assert_eq!(text(&root, "total-budget-error"), "");
    assert_eq!(
        total.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn the_only_unlocked_channel_is_disabled_and_says_why() {
    let (root, _budget, _mounted) = mount_panel(10_000.0, &[2.0, 3.0, 5.0]);
    tick().await;
    for id in ["b", "c"] {
        let lock = input(&root, &format!("channel-lock-{id}"));
        lock.set_checked(true);
        fire(&lock, "change");
    }
    tick().await;
    assert!(input(&root, "channel-slider-a").disabled());
    assert!(input(&root, "channel-amount-a").disabled());
    assert_eq!(text(&root, "channel-hint-a"), ONLY_UNLOCKED_HINT);
    assert_eq!(
        text(&root, "channel-hint-b"),
        "",
        "locked channels need no hint"
    );

    let lock = input(&root, "channel-lock-c");
    lock.set_checked(false);
    fire(&lock, "change");
    tick().await;
    assert!(!input(&root, "channel-slider-a").disabled());
    assert_eq!(text(&root, "channel-hint-a"), "");
}

fn row(spend: f64, contribution: f64, marginal_roi: f64, observed_max: f64) -> ChannelRow {
    ChannelRow {
        spend,
        share: None,
        contribution,
        historical_contribution: contribution,
        roi: if spend > 0.0 {
            contribution / spend
        } else {
            0.0
        },
        // As the scenario builds it: no marginal ROI where the slope is infinite.
        marginal_roi: Some(marginal_roi).filter(|m| m.is_finite()),
        optimal_spend: None,
        observed_max,
    }
}

fn scenario(rows: Vec<ChannelRow>, total: f64, optimal: Result<Plan, OptimizeError>) -> Scenario {
    // One curve per row through (spend, contribution): β·x/(x + K) with K = spend and
    // β = 2·contribution gives exactly the row's contribution at the row's spend.
    let curves: Vec<HillResponse> = rows
        .iter()
        .map(|r| {
            let k = if r.spend > 0.0 { r.spend } else { 1.0 };
            HillResponse::new(2.0 * r.contribution, k, 1.0).expect("valid test curve")
        })
        .collect();
    let spend: Vec<f64> = rows.iter().map(|r| r.spend).collect();
    let current = Plan::evaluate(&curves, &spend).expect("valid test plan");
    let media = current.media_revenue();
    // Shares of the spend placed, as the scenario computes them.
    let placed = current.budget();
    let rows: Vec<ChannelRow> = rows
        .into_iter()
        .map(|row| ChannelRow {
            share: (placed > 0.0).then(|| row.spend / placed),
            ..row
        })
        .collect();
    Scenario {
        total,
        revenue: 50_000.0 + media,
        baseline: 50_000.0,
        historical_revenue: 50_000.0 + media,
        historical: current.clone(),
        current,
        optimal,
        rows,
    }
}

fn mount_summary(
    scenario: Scenario,
    budget: BudgetState,
) -> (HtmlElement, RwSignal<BudgetState>, impl Drop) {
    let root = container(600);
    let budget = RwSignal::new(budget);
    let scenario = Signal::stored(scenario);
    let mounted = mount_to(
        root.clone(),
        move || view! { <ResultsSummary scenario budget /> },
    );
    (root, budget, mounted)
}

#[wasm_bindgen_test]
async fn an_unbalanced_plan_hides_its_headline_figures_and_explains_in_page_words() {
    // Locks put 41,350 on a 40,000 total.
    let mut budget = BudgetState::from_mix(50_000.0, &[30_000.0, 11_350.0, 8_650.0]);
    budget.set_locked(0, true);
    budget.set_locked(1, true);
    budget.set_total(40_000.0);
    let s = scenario(
        vec![
            row(30_000.0, 15_000.0, 0.2, 1e9),
            row(11_350.0, 5_675.0, 0.3, 1e9),
            row(0.0, 0.0, 0.0, 1e9),
        ],
        40_000.0,
        Err(OptimizeError::MinimumsExceedBudget {
            minimums: 41_350.14,
            budget: 40_000.0,
            excess: 1_350.14,
        }),
    );
    let (root, _budget, _mounted) = mount_summary(s, budget);
    tick().await;
    let revenue = by_test_id(&root, "predicted-revenue");
    assert_eq!(revenue.text_content().unwrap(), "—");
    assert_eq!(
        revenue.get_attribute("data-valid").as_deref(),
        Some("false")
    );
    assert!(revenue.class_list().contains("not-valid"));
    let change = by_test_id(&root, "change-vs-historical");
    assert_eq!(change.text_content().unwrap(), NOT_BALANCED_NOTE);
    assert!(!change.class_list().contains("gain") && !change.class_list().contains("loss"));
    // 20,675 of media revenue on the 41,350 actually placed, not on the 40,000 total.
    assert_eq!(text(&root, "roas"), "0.50×");
    assert!(text(&root, "roas-basis").contains("$41,350 actually placed"));
    assert_eq!(
        text(&root, "optimal-gap"),
        "Your locked channels add up to $41,350, more than the $40,000 total: raise the total or unlock a channel."
    );
}

#[wasm_bindgen_test]
async fn a_change_that_shows_as_zero_is_neither_gain_nor_loss() {
    let mut s = scenario(
        vec![
            row(6_000.0, 3_000.0, 0.2, 1e9),
            row(4_000.0, 1_000.0, 0.2, 1e9),
        ],
        10_000.0,
        Err(OptimizeError::NoChannels),
    );
    s.historical_revenue = s.revenue + 0.3;
    let (root, _budget, _mounted) = mount_summary(s, BudgetState::from_mix(10_000.0, &[6.0, 4.0]));
    tick().await;
    let change = by_test_id(&root, "change-vs-historical");
    assert_eq!(
        change.text_content().unwrap(),
        "$0 (0.0%) vs historical mix"
    );
    assert!(!change.class_list().contains("gain"));
    assert!(
        !change.class_list().contains("loss"),
        "no red for a zero change"
    );
    assert_eq!(
        by_test_id(&root, "predicted-revenue")
            .text_content()
            .unwrap(),
        "$54,000"
    );
}

#[wasm_bindgen_test]
async fn applying_the_optimal_split_keeps_focus_in_the_results() {
    let curves = vec![
        HillResponse::new(20_000.0, 5_000.0, 1.0).unwrap(),
        HillResponse::new(10_000.0, 5_000.0, 1.0).unwrap(),
    ];
    let optimal = Plan::evaluate(&curves, &[7_000.0, 3_000.0]).unwrap();
    let s = scenario(
        vec![
            row(5_000.0, 1_000.0, 0.2, 1e9),
            row(5_000.0, 1_000.0, 0.2, 1e9),
        ],
        10_000.0,
        Ok(optimal),
    );
    let (root, budget, _mounted) = mount_summary(s, BudgetState::from_mix(10_000.0, &[1.0, 1.0]));
    tick().await;
    let button = by_test_id(&root, "apply-optimal");
    button.focus().unwrap();
    button.click();
    tick().await;
    assert_eq!(
        budget.with_untracked(|b| b.spend().to_vec()),
        vec![7_000.0, 3_000.0]
    );
    let focused = document().active_element().expect("something has focus");
    assert_eq!(
        focused.get_attribute("data-testid").as_deref(),
        Some("results-heading"),
        "focus moved to the results heading, not the top of the page"
    );
}

#[wasm_bindgen_test]
async fn the_table_flags_a_current_spend_above_the_data_and_never_shows_nan() {
    let root = container(600);
    let mut rows = vec![
        row(100_000.0, 30_000.0, 0.01, 23_247.0),
        row(0.0, 0.0, f64::INFINITY, 9_000.0),
        row(5_000.0, 4_000.0, -0.0, 9_000.0),
    ];
    rows[2].roi = 0.8;
    let s = Signal::stored(scenario(rows, 105_000.0, Err(OptimizeError::NoChannels)));
    let _mounted = mount_to(
        root.clone(),
        move || view! { <ChannelTable channels=channels() scenario=s /> },
    );
    tick().await;
    let warning = by_test_id(&root, "extrapolation-warning");
    assert!(!warning.class_list().contains("hidden"));
    let message = warning.text_content().unwrap();
    assert!(
        message.contains("Channel a at $100,000 (highest weekly spend seen: $23,247)"),
        "{message}"
    );
    assert!(!message.contains("Channel c"), "{message}");
    let current = by_test_id(&root, "current-spend-a");
    assert!(current.class_list().contains("extrapolated"));
    assert_eq!(current.text_content().unwrap(), "$100,000*");
    assert_eq!(text(&root, "roi-b"), "—", "no ROI for a channel at $0");
    assert_eq!(text(&root, "roi-c"), "0.80");
    let all = root.text_content().unwrap();
    for bad in ["NaN", "inf", "-0.0", "-$0"] {
        assert!(!all.contains(bad), "the table shows {bad}: {all}");
    }
}

#[wasm_bindgen_test]
async fn with_a_count_kpi_the_table_speaks_of_cost_per_kpi() {
    use mixplan_app::data_source::choices::TargetKind;
    let root = container(600);
    let mut rows = vec![
        row(5_000.0, 4_000.0, 0.8, 9_000.0),
        row(0.0, 0.0, f64::INFINITY, 9_000.0),
        row(5_000.0, 4_000.0, 0.8, 9_000.0),
    ];
    rows[2].roi = 0.8;
    let s = Signal::stored(scenario(rows, 10_000.0, Err(OptimizeError::NoChannels)));
    let _mounted = mount_to(root.clone(), move || {
        provide_context(Signal::stored(TargetKind::CountKpi));
        view! { <ChannelTable channels=channels() scenario=s /> }
    });
    tick().await;
    let all = root.text_content().unwrap();
    assert!(
        all.contains("Cost per KPI") && all.contains("Marginal cost per KPI"),
        "{all}"
    );
    assert!(!all.contains("ROI"), "{all}");
    assert_eq!(
        text(&root, "roi-c"),
        "$1.25",
        "spend ÷ contribution = 1 / 0.8"
    );
    assert_eq!(
        text(&root, "roi-b"),
        "—",
        "no cost per KPI for a channel at $0"
    );
}
