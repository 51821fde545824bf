//! The headline numbers: predicted revenue, change vs the historical mix, ROAS, the optimal
//! split's revenue and the gap to it, and the button that applies it. Revenue and its change
//! are only shown for a plan that adds up to its total.

use std::cmp::Ordering;

use leptos::prelude::*;

use crate::data_source::choices::TargetKind;
use crate::data_source::wording;
use crate::format::{NO_VALUE, change_sign, currency, decimal, signed_currency, signed_percent};
use crate::planner::budget::BudgetState;
use crate::planner::scenario::Scenario;
use crate::planner::validity::no_split_message;

/// Gaps below this (dollars per week) count as "already optimal".
pub const OPTIMAL_TOLERANCE: f64 = 1.0;

/// What the headline says instead of figures while the plan does not add up.
pub const NOT_BALANCED_NOTE: &str = "not balanced — figures hidden until the plan adds up";

/// Headline results for the current split, recomputed on every input event. While the
/// budget is not balanced, revenue and its change are hidden (greyed, with why) and ROAS is
/// taken on the spend actually placed.
#[component]
pub fn ResultsSummary(
    /// The evaluated budget.
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// The budget being edited (the apply button writes it).
    budget: RwSignal<BudgetState>,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H2>::new();
    // ROAS, or cost per KPI when the target is a count (data_source::wording).
    let kind = wording::target_kind();
    let balanced = move || budget.with(|b| b.balance().is_balanced());
    let gap = move || scenario.with(|s| s.gap_to_optimal());
    let change = move || scenario.with(|s| s.change_vs_historical());
    let apply = move |_| {
        if let Some(spend) =
            scenario.with_untracked(|s| s.optimal.as_ref().ok().map(|p| p.spend().to_vec()))
        {
            budget.update(|b| b.apply(&spend));
            // The button disables itself once the split is optimal; keep keyboard focus in
            // the results instead of letting it fall to the top of the page.
            if let Some(heading) = heading.get_untracked() {
                let _ = heading.focus();
            }
        }
    };
    view! {
        <section class="card results-summary" aria-labelledby="results-heading" class:unbalanced=move || !balanced()>
            <h2 id="results-heading" class="results-heading" tabindex="-1" node_ref=heading data-testid="results-heading">
                "Predicted weekly results"
            </h2>
            <div class="kpi">
                <span class="kpi-label">"Predicted weekly revenue"</span>
                <span
                    class="kpi-value"
                    class:not-valid=move || !balanced()
                    data-testid="predicted-revenue"
                    data-valid=move || balanced().to_string()
                    data-value=move || scenario.with(|s| s.revenue.to_string())
                >
                    {move || if balanced() { currency(scenario.with(|s| s.revenue)) } else { NO_VALUE.to_string() }}
                </span>
                <span
                    class="kpi-delta"
                    class:gain=move || balanced() && change_sign(change()) == Ordering::Greater
                    class:loss=move || balanced() && change_sign(change()) == Ordering::Less
                    data-testid="change-vs-historical"
                >
                    {move || if balanced() {
                        scenario.with(|s| format!(
                            "{} ({}) vs historical mix",
                            signed_currency(s.change_vs_historical()),
                            signed_percent(s.change_vs_historical() / s.historical_revenue)
                        ))
                    } else {
                        NOT_BALANCED_NOTE.to_string()
                    }}
                </span>
            </div>
            <div class="kpi">
                <span class="kpi-label">{move || match kind.get() { TargetKind::Revenue => "Media ROAS", TargetKind::CountKpi => "Media cost per KPI" }}</span>
                <span class="kpi-value" data-testid="roas">
                    {move || scenario.with(|s| s.roas_on_placed().map(|r| match kind.get() {
                        TargetKind::Revenue => format!("{}×", decimal(r, 2)),
                        k => wording::return_text(k, r),
                    }).unwrap_or_else(|| NO_VALUE.to_string()))}
                </span>
                <span class="kpi-delta" data-testid="roas-basis">
                    {move || if balanced() {
                        "media revenue per $1 of spend".to_string()
                    } else {
                        format!("media revenue per $1 of the {} actually placed", currency(scenario.with(|s| s.placed_spend())))
                    }}
                </span>
            </div>
            <div class="kpi optimal">
                <span class="kpi-label">"Optimal split earns"</span>
                <span class="kpi-value" data-testid="optimal-revenue" data-value=move || scenario.with(|s| s.optimal_revenue().map(|v| v.to_string()).unwrap_or_default())>
                    {move || scenario.with(|s| s.optimal_revenue().map(currency).unwrap_or_else(|| NO_VALUE.into()))}
                </span>
                <span class="kpi-delta" data-testid="optimal-gap">
                    {move || scenario.with(|s| match (&s.optimal, s.gap_to_optimal()) {
                        (Err(reason), _) => no_split_message(reason),
                        (_, Some(g)) if g > OPTIMAL_TOLERANCE => format!("This split would earn {} more per week", currency(g)),
                        _ => "Your split is already optimal".to_string(),
                    })}
                </span>
                <button
                    class="apply"
                    data-testid="apply-optimal"
                    on:click=apply
                    prop:disabled=move || !gap().is_some_and(|g| g > OPTIMAL_TOLERANCE)
                >
                    "Apply optimal split"
                </button>
            </div>
        </section>
    }
}
