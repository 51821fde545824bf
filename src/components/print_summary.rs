//! `<PrintSummary>`: the one-page executive summary. On screen it opens as a card above
//! the results (with "Print or save as PDF" and "Close"); in print (`public/print.css`) it is
//! the page: headline, uplift, channel table, the key charts, fit quality and caveats.

use std::sync::Arc;

use leptos::leptos_dom::helpers::window_event_listener_untyped;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::format::{NO_VALUE, currency, decimal, signed_currency};
use crate::planner::scenario::{Planner, Scenario};
use crate::share::summary::{caveats, fit_quality, headline, model_form_text, uplift};

/// Id of the button that opens the summary; focus returns to it when the summary closes.
pub const SUMMARY_OPENER_ID: &str = "export-summary";

/// The executive summary of the plan on screen. Escape or Close closes it.
///
/// Its figures follow the plan only while they can be seen: while the summary is open, and
/// from the window's `beforeprint` to its `afterprint` (the summary is the printed page). A
/// closed summary is `display: none` and keeps the figures of the last time it was seen, so
/// a slider move does not rewrite a hidden table (a third of a move's DOM writes when it
/// did; docs/performance.md, "Slider moves").
#[component]
pub fn PrintSummary(
    /// The fitted model and its channels.
    planner: Arc<Planner>,
    /// The evaluated budget.
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// Whether the summary is open on screen (it is always part of the printed page).
    open: RwSignal<bool>,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H2>::new();
    let printing = RwSignal::new(false);
    let before = window_event_listener_untyped("beforeprint", move |_| printing.set(true));
    let after = window_event_listener_untyped("afterprint", move |_| printing.set(false));
    on_cleanup(move || {
        before.remove();
        after.remove();
    });
    // The scenario shown: the current one while seen, else the last one seen (`None` until
    // then). While hidden it reads no scenario, so a move does not reach it.
    let scenario = Memo::new(move |shown: Option<&Option<Scenario>>| {
        if open.get() || printing.get() {
            Some(scenario.get())
        } else {
            shown.cloned().flatten()
        }
    });
    let fit = fit_quality(planner.model().metrics());
    let form = planner.model().form();
    // A multiplicative model's contributions are removal effects (they overlap).
    let contribution_header = if planner.revenue_form().is_multiplicative() {
        "Revenue lost without it"
    } else {
        "Contribution"
    };
    let names: Vec<String> = planner.channels().iter().map(|c| c.name.clone()).collect();
    let rows = move || {
        scenario.with(|s| {
            s.iter()
                .flat_map(|s| &s.rows)
                .zip(&names)
                .map(|(row, name)| {
                    let change = row.optimal_spend.map(|o| signed_currency(o - row.spend));
                    view! {
                        <tr>
                            <th scope="row">{name.clone()}</th>
                            <td>{currency(row.spend)}</td>
                            <td>{row.optimal_spend.map(currency).unwrap_or_else(|| NO_VALUE.into())}</td>
                            <td>{change.unwrap_or_else(|| NO_VALUE.into())}</td>
                            <td>{currency(row.contribution)}</td>
                            <td>{if row.spend > 0.5 { decimal(row.roi, 2) } else { NO_VALUE.into() }}</td>
                            <td>{row.marginal_roi.map(|m| decimal(m, 2)).unwrap_or_else(|| NO_VALUE.into())}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let caveat_items = {
        let planner = planner.clone();
        move || {
            scenario.with(|s| {
                s.as_ref()
                    .map(|s| caveats(&planner, s))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| view! { <li>{c}</li> })
                    .collect_view()
            })
        }
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    // Move focus into the summary when it opens, and back to the button that opened it when
    // it closes (its Close button is hidden then, and focus would fall to the top of the
    // page). A DOM side effect; no signal written.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open {
            if let Some(heading) = heading.get() {
                let _ = heading.focus();
            }
        } else if was_open == Some(true)
            && let Some(opener) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(SUMMARY_OPENER_ID))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = opener.focus();
        }
        is_open
    });
    // Escape closes the summary, as it closes a dialog.
    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    };
    view! {
        <section
            class="card print-summary"
            class:open=move || open.get()
            data-testid="print-summary"
            aria-labelledby="print-summary-heading"
            on:keydown=close_on_escape
        >
            <div class="print-actions">
                <button type="button" class="primary" data-testid="print-summary-print" on:click=print>"Print or save as PDF"</button>
                <button type="button" data-testid="print-summary-close" on:click=move |_| open.set(false)>"Close"</button>
            </div>
            <h2 id="print-summary-heading" tabindex="-1" node_ref=heading>"mixplan — weekly budget plan"</h2>
            <p class="summary-headline" data-testid="summary-headline">{move || scenario.with(|s| s.as_ref().map(headline))}</p>
            <p class="summary-uplift" data-testid="summary-uplift">{move || scenario.with(|s| s.as_ref().map(uplift))}</p>
            <table class="summary-table">
                <thead>
                    <tr>
                        <th scope="col">"Channel"</th>
                        <th scope="col">"Current spend"</th>
                        <th scope="col">"Recommended"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col">{contribution_header}</th>
                        <th scope="col">"ROI"</th>
                        <th scope="col">"Marginal ROI"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="summary-fit" data-testid="summary-fit">{fit}</p>
            <p class="summary-form" data-testid="summary-form" data-form=form.to_string()>{format!("{}.", model_form_text(form))}</p>
            <h3>"Caveats"</h3>
            <ul class="summary-caveats">{caveat_items}</ul>
            <p class="footnote">{move || scenario.with(|s| s.as_ref().map(|s| format!(
                "Weekly figures; total {}; media ROAS {}. Made with mixplan in the browser: no data left the page.",
                currency(s.total),
                s.roas_on_placed().map(|r| format!("{}×", decimal(r, 2))).unwrap_or_else(|| NO_VALUE.into())
            )))}</p>
        </section>
    }
}
