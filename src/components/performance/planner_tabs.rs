//! `<PlannerTabs>`: the "Plan" / "Performance" tab bar (WAI-ARIA tabs: arrow keys, Home and
//! End move between tabs; the selected tab alone is in the Tab order).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The planner area's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Today's planner.
    Plan,
    /// KPI cards, trends, channel table, alerts.
    Performance,
}

impl Tab {
    /// Both tabs, in order.
    pub const ALL: [Tab; 2] = [Tab::Plan, Tab::Performance];

    /// The id stem (`plan`, `performance`): tab `tab-<stem>`, panel `panel-<stem>`.
    pub fn stem(self) -> &'static str {
        match self {
            Tab::Plan => "plan",
            Tab::Performance => "performance",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Plan => "Plan",
            Tab::Performance => "Performance",
        }
    }
}

/// Moves focus to the tab button of `tab`.
fn focus_tab(tab: Tab) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("tab-{}", tab.stem())))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// A `<div role="tablist">` of one `<button role="tab" data-testid="tab-<stem>">` per
/// [`Tab`], controlling the panels `panel-<stem>`.
#[component]
pub fn PlannerTabs(
    /// The selected tab; clicking or the arrow keys set it.
    selected: RwSignal<Tab>,
) -> impl IntoView {
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        let current = selected.get_untracked();
        let index = Tab::ALL.iter().position(|t| *t == current).unwrap_or(0);
        let last = Tab::ALL.len() - 1;
        let next = match event.key().as_str() {
            "ArrowRight" => Some(if index == last { 0 } else { index + 1 }),
            "ArrowLeft" => Some(if index == 0 { last } else { index - 1 }),
            "Home" => Some(0),
            "End" => Some(last),
            _ => None,
        };
        if let Some(next) = next {
            event.prevent_default();
            selected.set(Tab::ALL[next]);
            focus_tab(Tab::ALL[next]);
        }
    };
    let buttons = Tab::ALL
        .iter()
        .map(|&tab| {
            let is_selected = move || selected.get() == tab;
            view! {
                <button
                    type="button"
                    role="tab"
                    class="planner-tab"
                    id=format!("tab-{}", tab.stem())
                    data-testid=format!("tab-{}", tab.stem())
                    aria-controls=format!("panel-{}", tab.stem())
                    aria-selected=move || is_selected().to_string()
                    tabindex=move || if is_selected() { "0" } else { "-1" }
                    on:click=move |_| selected.set(tab)
                >
                    {tab.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="planner-tabs" role="tablist" aria-label="Planner views" on:keydown=on_key>
            {buttons}
        </div>
    }
}
