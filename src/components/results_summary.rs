//! The headline numbers: predicted revenue with its credible interval, change vs the
//! historical mix, ROAS, the best split under the model with its expected gain, the gain's
//! interval and the probability that it beats the current split, and the button that
//! applies it. Revenue and its change are only shown for a plan that adds up to its total.

use std::cmp::Ordering;

use leptos::prelude::*;

use crate::components::channel_table::point_outside;
use crate::data_source::choices::TargetKind;
use crate::data_source::wording;
use crate::fitting::PosteriorState;
use crate::format::{NO_VALUE, change_sign, currency, decimal, signed_currency, signed_percent};
use crate::planner::budget::BudgetState;
use crate::planner::convergence::convergence_warning;
use crate::planner::intervals::{
    Comparison, ScenarioIntervals, currency_range, level_text, signed_currency_range,
};
use crate::planner::scenario::Scenario;
use crate::planner::validity::no_split_message;

/// Gaps below this (dollars per week) count as "already the best split under the model".
pub const OPTIMAL_TOLERANCE: f64 = 1.0;

/// What the headline says instead of figures while the plan does not add up.
pub const NOT_BALANCED_NOTE: &str = "not balanced — figures hidden until the plan adds up";

/// `"90% interval: $a – $b"` (with `" † the single best fit lies outside it"` when the
/// point prediction `point` is outside), or the posterior's placeholder while there is no
/// interval.
pub fn revenue_range_text(
    intervals: Option<&ScenarioIntervals>,
    posterior: &PosteriorState,
    point: f64,
) -> String {
    match intervals {
        Some(i) if i.revenue.is_some() => format!(
            "{} interval: {}{}",
            level_text(i.level),
            currency_range(i.revenue),
            if point_outside(i.revenue, Some(point)) {
                " † the single best fit lies outside it"
            } else {
                ""
            }
        ),
        _ => posterior.placeholder().to_string(),
    }
}

/// The odds of the best split under the model against the current split, in words:
/// `"Expected +$1,200 per week (90% interval −$300 – +$2,500); 87% chance it beats your
/// split"`.
pub fn odds_text(comparison: &Comparison, level: f64) -> String {
    format!(
        "Expected {} per week ({} interval {}); {} chance it beats your split",
        signed_currency(comparison.expected_uplift),
        level_text(level),
        signed_currency_range(Some(comparison.uplift)),
        probability_text(comparison.probability_of_gain)
    )
}

/// A probability estimated from draws as a whole percent, with "<1%" and ">99%" at the
/// ends: a finite number of draws never shows certainty ("0%" or "100%").
pub fn probability_text(probability: f64) -> String {
    let percent = probability * 100.0;
    if percent < 1.0 {
        "<1%".to_string()
    } else if percent > 99.0 {
        ">99%".to_string()
    } else {
        format!("{percent:.0}%")
    }
}

/// Headline results for the current split, recomputed on every input event. While the
/// budget is not balanced, revenue and its change are hidden (greyed, with why) and ROAS is
/// taken on the spend actually placed. Beside the point figures: their credible intervals
/// once the posterior is sampled ("computing uncertainty…" until then), and a plain warning
/// when the sampler did not converge.
#[component]
pub fn ResultsSummary(
    /// The evaluated budget.
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// The budget being edited (the apply button writes it).
    budget: RwSignal<BudgetState>,
    /// Credible intervals for the scenario (`None` until the posterior is sampled).
    #[prop(optional, into)]
    intervals: Signal<Option<ScenarioIntervals>>,
    /// The posterior's state (what to show while there are no intervals).
    #[prop(optional, into)]
    posterior: Signal<PosteriorState>,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H2>::new();
    // ROAS, or cost per KPI when the target is a count (data_source::wording).
    let kind = wording::target_kind();
    let balanced = move || budget.with(|b| b.balance().is_balanced());
    let gap = move || scenario.with(|s| s.gap_to_optimal());
    let change = move || scenario.with(|s| s.change_vs_historical());
    let comparison = move || intervals.with(|i| i.as_ref().and_then(|i| i.recommended));
    let convergence = move || {
        posterior.with(|p| match p {
            PosteriorState::Ready { draws, .. } => convergence_warning(draws.diagnostics()),
            _ => None,
        })
    };
    let apply = move |_| {
        if let Some(spend) =
            scenario.with_untracked(|s| s.optimal.as_ref().ok().map(|p| p.spend().to_vec()))
        {
            budget.update(|b| b.apply(&spend));
            // The button disables itself once the split is the best; keep keyboard focus in
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
                    class="kpi-range"
                    class:pending=move || intervals.with(Option::is_none)
                    data-testid="revenue-interval"
                    data-low=move || intervals.with(|i| i.as_ref().and_then(|i| i.revenue).map(|r| r.low.to_string()).unwrap_or_default())
                    data-high=move || intervals.with(|i| i.as_ref().and_then(|i| i.revenue).map(|r| r.high.to_string()).unwrap_or_default())
                >
                    {move || if balanced() { intervals.with(|i| posterior.with(|p| revenue_range_text(i.as_ref(), p, scenario.with(|s| s.revenue)))) } else { String::new() }}
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
                <span class="kpi-label">"Best split under the model earns"</span>
                <span class="kpi-value" data-testid="optimal-revenue" data-value=move || scenario.with(|s| s.optimal_revenue().map(|v| v.to_string()).unwrap_or_default())>
                    {move || scenario.with(|s| s.optimal_revenue().map(currency).unwrap_or_else(|| NO_VALUE.into()))}
                </span>
                <span class="kpi-delta" data-testid="optimal-gap">
                    {move || scenario.with(|s| match (&s.optimal, s.gap_to_optimal()) {
                        (Err(reason), _) => no_split_message(reason),
                        (_, Some(g)) if g > OPTIMAL_TOLERANCE => format!("The model expects this split to earn {} more per week", currency(g)),
                        _ => "Your split is already the best under the model".to_string(),
                    })}
                </span>
                <span
                    class="kpi-range"
                    class:pending=move || intervals.with(Option::is_none)
                    data-testid="uplift-interval"
                    data-low=move || comparison().map(|c| c.uplift.low.to_string()).unwrap_or_default()
                    data-high=move || comparison().map(|c| c.uplift.high.to_string()).unwrap_or_default()
                    data-expected=move || comparison().map(|c| c.expected_uplift.to_string()).unwrap_or_default()
                >
                    {move || match (comparison(), gap().is_some_and(|g| g > OPTIMAL_TOLERANCE)) {
                        (Some(c), true) => odds_text(&c, intervals.with(|i| i.as_ref().map_or(0.9, |i| i.level))),
                        (_, false) => String::new(),
                        (None, true) => posterior.with(|p| p.placeholder().to_string()),
                    }}
                </span>
                <span
                    class="visually-hidden"
                    data-testid="probability-of-gain"
                    data-value=move || comparison().filter(|_| gap().is_some_and(|g| g > OPTIMAL_TOLERANCE)).map(|c| c.probability_of_gain.to_string()).unwrap_or_default()
                >
                    {move || comparison().filter(|_| gap().is_some_and(|g| g > OPTIMAL_TOLERANCE)).map(|c| probability_text(c.probability_of_gain)).unwrap_or_default()}
                </span>
                <p class="warning" class:hidden=move || convergence().is_none() role="status" data-testid="recommendation-convergence-warning">
                    {convergence}
                </p>
                <button
                    class="apply"
                    data-testid="apply-optimal"
                    on:click=apply
                    prop:disabled=move || !gap().is_some_and(|g| g > OPTIMAL_TOLERANCE)
                >
                    "Apply this split"
                </button>
            </div>
        </section>
    }
}
