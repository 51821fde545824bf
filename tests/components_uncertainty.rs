//! Component tests of the uncertainty in the page (headless Chromium via
//! wasm-bindgen-test-runner): the channel table's and the headline's intervals, the
//! placeholder while the posterior is sampled, the probability of gain.
#![cfg(target_arch = "wasm32")]

// Shared with the other component tests; this file uses only part of it.
#[allow(dead_code)]
mod support;

use std::sync::Arc;

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use mixplan_app::components::channel_table::ChannelTable;
use mixplan_app::components::results_summary::ResultsSummary;
use mixplan_app::fitting::PosteriorState;
use mixplan_app::planner::budget::BudgetState;
use mixplan_app::planner::draws::PosteriorDraws;
use mixplan_app::planner::intervals::{DEFAULT_LEVEL, ScenarioIntervals, SplitRevenue};
use mixplan_app::planner::scenario::{ChannelInfo, Planner, Scenario};
use mixplan_core::model::posterior::{ConvergenceThresholds, Diagnostics};
use mixplan_core::response::HillResponse;
use support::{by_test_id, container};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn text(root: &HtmlElement, id: &str) -> String {
    by_test_id(root, id).text_content().unwrap_or_default()
}

fn attribute(root: &HtmlElement, id: &str, name: &str) -> String {
    by_test_id(root, id).get_attribute(name).unwrap_or_default()
}

fn diagnostics(divergences: usize) -> Diagnostics {
    Diagnostics {
        parameters: Vec::new(),
        chains: 2,
        draws_per_chain: 50,
        divergences,
        max_r_hat: 1.002,
        min_bulk_ess: 300.0,
        thresholds: ConvergenceThresholds::default(),
        converged: divergences == 0,
    }
}

/// The embedded store's planner, fitted once per test binary.
fn planner() -> Arc<Planner> {
    thread_local! {
        static PLANNER: Arc<Planner> = {
            let e = mixplan_app::embedded::load().expect("embedded data");
            // One sweep, no refinement, no random starts: a fitted model in well under a second.
            let model = mixplan_core::model::ModelParams::new()
                .max_sweeps(1)
                .refine(false)
                .random_starts(0)
                .check()
                .expect("valid quick-fit settings")
                .fit(&e.data, |_, _| {})
                .expect("the quick fit succeeds");
            Arc::new(Planner::new(model, e.channels, &e.data))
        };
    }
    PLANNER.with(Arc::clone)
}

/// 100 draws that scale each fitted curve's β by 0.8 … 1.2 (so the point curve is the
/// middle draw).
fn scaled_draws(planner: &Planner, divergences: usize) -> PosteriorDraws {
    let scales: Vec<f64> = (0..100).map(|i| 0.8 + 0.4 * f64::from(i) / 99.0).collect();
    let curves = planner
        .curves()
        .iter()
        .map(|f| {
            scales
                .iter()
                .map(|k| {
                    HillResponse::new(k * f.coefficient(), f.half_saturation(), f.shape()).unwrap()
                })
                .collect()
        })
        .collect();
    let roi = planner
        .model()
        .linear_model()
        .channels()
        .iter()
        .map(|c| scales.iter().map(|k| k * c.roi).collect())
        .collect();
    PosteriorDraws::new(curves, roi, diagnostics(divergences)).unwrap()
}

fn historical(planner: &Planner) -> (Scenario, BudgetState) {
    let budget = BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
    (planner.scenario(&budget), budget)
}

fn intervals_of(draws: &PosteriorDraws, s: &Scenario) -> ScenarioIntervals {
    let best = s
        .optimal
        .as_ref()
        .ok()
        .map(|p| SplitRevenue::of(draws, p.spend()));
    ScenarioIntervals::compute(
        draws,
        s.baseline,
        s.current.spend(),
        best.as_ref(),
        DEFAULT_LEVEL,
    )
}

fn ids(planner: &Planner) -> Vec<String> {
    planner
        .channels()
        .iter()
        .map(|c: &ChannelInfo| c.id.clone())
        .collect()
}

#[wasm_bindgen_test]
async fn the_table_shows_computing_until_the_draws_come_then_each_interval_around_its_point() {
    let planner = planner();
    let (s, _) = historical(&planner);
    let draws = scaled_draws(&planner, 0);
    let computed = intervals_of(&draws, &s);
    let root = container(900);
    let intervals = RwSignal::new(None::<ScenarioIntervals>);
    let posterior = RwSignal::new(PosteriorState::Sampling {
        done: 10,
        total: 100,
    });
    let channels = planner.channels().to_vec();
    let scenario = Signal::stored(s.clone());
    let _mounted = mount_to(root.clone(), move || {
        view! { <ChannelTable channels=channels.clone() scenario intervals posterior /> }
    });
    tick().await;
    let first = &ids(&planner)[0];
    assert_eq!(
        text(&root, &format!("roi-interval-{first}")),
        "computing uncertainty…"
    );
    assert_eq!(
        attribute(&root, &format!("roi-interval-{first}"), "data-low"),
        ""
    );
    // The draws arrive.
    posterior.set(PosteriorState::Ready {
        draws: Arc::new(draws),
        sampling_ms: 1234.0,
    });
    intervals.set(Some(computed.clone()));
    tick().await;
    for (c, id) in ids(&planner).iter().enumerate() {
        let row = &s.rows[c];
        let roi = computed.channels[c].roi.unwrap();
        // β scaled by 0.8 … 1.2: the 5 % and 95 % quantiles of the ROI are 0.82 and 1.18 times
        // the point ROI (up to the grid of scales).
        assert!(
            roi.low < row.roi && row.roi < roi.high,
            "{id}: {roi:?} vs {}",
            row.roi
        );
        assert!(
            (roi.low / row.roi - 0.82).abs() < 0.005,
            "{id}: {}",
            roi.low / row.roi
        );
        let shown = text(&root, &format!("roi-interval-{id}"));
        assert_eq!(shown, format!("{:.2} – {:.2}", roi.low, roi.high), "{id}");
        assert_eq!(
            attribute(&root, &format!("roi-interval-{id}"), "data-low"),
            roi.low.to_string()
        );
        assert_eq!(
            attribute(&root, &format!("roi-interval-{id}"), "data-high"),
            roi.high.to_string()
        );
        assert!(text(&root, &format!("contribution-interval-{id}")).starts_with('$'));
        assert!(!text(&root, &format!("marginal-roi-interval-{id}")).is_empty());
    }
    // A failed sampling says the range is unavailable instead of computing forever.
    posterior.set(PosteriorState::Failed("no".into()));
    intervals.set(None);
    tick().await;
    assert_eq!(
        text(&root, &format!("roi-interval-{first}")),
        "range unavailable"
    );
}

#[wasm_bindgen_test]
async fn the_headline_shows_the_revenue_interval_the_odds_and_a_plain_convergence_warning() {
    let planner = planner();
    let (s, budget) = historical(&planner);
    let gap = s.gap_to_optimal().unwrap();
    assert!(
        gap > 1.0,
        "the historical mix is not the best split: gap {gap}"
    );
    let draws = scaled_draws(&planner, 4);
    let computed = intervals_of(&draws, &s);
    let comparison = computed.recommended.unwrap();
    let root = container(600);
    let budget = RwSignal::new(budget);
    let scenario = Signal::stored(s.clone());
    let intervals = Signal::stored(Some(computed.clone()));
    let posterior = Signal::stored(PosteriorState::Ready {
        draws: Arc::new(draws),
        sampling_ms: 2000.0,
    });
    let _mounted = mount_to(root.clone(), move || {
        view! { <ResultsSummary scenario budget intervals posterior /> }
    });
    tick().await;
    let revenue = computed.revenue.unwrap();
    assert!(revenue.low < s.revenue && s.revenue < revenue.high);
    assert_eq!(
        attribute(&root, "revenue-interval", "data-low"),
        revenue.low.to_string()
    );
    assert!(
        text(&root, "revenue-interval").starts_with("90% interval: $"),
        "{}",
        text(&root, "revenue-interval")
    );
    // Every draw scales every curve alike, so the best split under the point curves is the
    // best under every draw: it beats the historical mix in all of them.
    assert_eq!(comparison.probability_of_gain, 1.0);
    assert_eq!(attribute(&root, "probability-of-gain", "data-value"), "1");
    let odds = text(&root, "uplift-interval");
    assert!(odds.starts_with("Expected +$"), "{odds}");
    assert!(
        odds.ends_with("; >99% chance it beats your split"),
        "{odds}"
    );
    let warning = by_test_id(&root, "recommendation-convergence-warning");
    assert!(!warning.class_list().contains("hidden"));
    assert!(
        warning.text_content().unwrap().starts_with(
            "The uncertainty estimate is not reliable: the sampler hit 4 divergent transitions"
        ),
        "{:?}",
        warning.text_content()
    );
    let all = root.text_content().unwrap();
    assert!(!all.to_lowercase().contains("optimal"), "{all}");
}
