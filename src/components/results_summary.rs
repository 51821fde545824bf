//! The headline numbers: predicted revenue, change vs the historical mix, ROAS, the optimal
//! split's revenue and the gap to it, and the button that applies it.

use leptos::prelude::*;

use crate::format::{currency, percent, signed_currency};
use crate::planner::budget::BudgetState;
use crate::planner::scenario::Scenario;

/// Gaps below this (dollars per week) count as "already optimal".
pub const OPTIMAL_TOLERANCE: f64 = 1.0;

/// Headline results for the current split, recomputed on every input event.
#[component]
pub fn ResultsSummary(
    /// The evaluated budget.
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// The budget being edited (the apply button writes it).
    budget: RwSignal<BudgetState>,
) -> impl IntoView {
    let gap = move || scenario.with(|s| s.gap_to_optimal());
    let apply = move |_| {
        if let Some(spend) =
            scenario.with_untracked(|s| s.optimal.as_ref().ok().map(|p| p.spend().to_vec()))
        {
            budget.update(|b| b.apply(&spend));
        }
    };
    view! {
        <section class="card results-summary" aria-label="Predicted results">
            <div class="kpi">
                <span class="kpi-label">"Predicted weekly revenue"</span>
                <span class="kpi-value" data-testid="predicted-revenue" data-value=move || scenario.with(|s| s.revenue.to_string())>{move || currency(scenario.with(|s| s.revenue))}</span>
                <span
                    class="kpi-delta"
                    class:gain=move || scenario.with(|s| s.change_vs_historical() >= 0.0)
                    class:loss=move || scenario.with(|s| s.change_vs_historical() < 0.0)
                    data-testid="change-vs-historical"
                >
                    {move || scenario.with(|s| format!(
                        "{} ({}) vs historical mix",
                        signed_currency(s.change_vs_historical()),
                        percent(s.change_vs_historical() / s.historical_revenue)
                    ))}
                </span>
            </div>
            <div class="kpi">
                <span class="kpi-label">"Media ROAS"</span>
                <span class="kpi-value" data-testid="roas">{move || format!("{:.2}×", scenario.with(|s| s.roas()))}</span>
                <span class="kpi-delta">"media revenue per $1 of spend"</span>
            </div>
            <div class="kpi optimal">
                <span class="kpi-label">"Optimal split earns"</span>
                <span class="kpi-value" data-testid="optimal-revenue" data-value=move || scenario.with(|s| s.optimal_revenue().map(|v| v.to_string()).unwrap_or_default())>
                    {move || scenario.with(|s| s.optimal_revenue().map(currency).unwrap_or_else(|| "—".into()))}
                </span>
                <span class="kpi-delta" data-testid="optimal-gap">
                    {move || match (gap(), scenario.with(|s| s.optimal.clone().err())) {
                        (_, Some(reason)) => reason,
                        (Some(g), _) if g > OPTIMAL_TOLERANCE => format!("This split would earn {} more per week", currency(g)),
                        _ => "Your split is already optimal".to_string(),
                    }}
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
