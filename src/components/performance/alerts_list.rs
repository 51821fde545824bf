//! `<AlertsList>`: the alerts in plain language, each a button that scrolls to its chart and
//! highlights it.

use leptos::prelude::*;
use mixplan_core::performance::Alert;

/// Scrolls to the element with id `chart` (an Effect-free DOM call from a click handler).
fn scroll_to(chart: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(chart));
    if let Some(element) = element {
        element.scroll_into_view();
    }
}

/// A `<ul data-testid="perf-alerts">` of one button per alert (`perf-alert-<i>`); clicking it
/// sets `highlighted` to the alert's chart id and scrolls there. "No alerts" when empty.
#[component]
pub fn AlertsList(
    /// The alerts, largest |z| first.
    alerts: Vec<Alert>,
    /// The chart id highlighted last.
    highlighted: RwSignal<Option<String>>,
) -> impl IntoView {
    if alerts.is_empty() {
        return view! {
            <p data-testid="perf-alerts" class="muted">"No alerts in this period: every channel's CPM, CPC, CTR, CPA, spend and platform ROAS stayed near its usual level."</p>
        }
        .into_any();
    }
    let items = alerts
        .into_iter()
        .enumerate()
        .map(|(i, alert)| {
            let chart = alert.chart.clone();
            view! {
                <li>
                    <button
                        type="button"
                        class="perf-alert"
                        data-testid=format!("perf-alert-{i}")
                        data-chart=alert.chart.clone()
                        on:click=move |_| {
                            highlighted.set(Some(chart.clone()));
                            scroll_to(&chart);
                        }
                    >
                        {alert.message.clone()}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="perf-alerts" data-testid="perf-alerts">{items}</ul> }.into_any()
}
