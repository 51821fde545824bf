//! `<ScenarioCompare>`: the ticked scenarios side by side with the current plan — a table
//! (spend per channel, total, revenue, media ROAS, uplift vs current, probability of gain)
//! and a chart. The chart stays mounted (hidden while fewer than two are ticked), as a
//! Plotly chart must.

use std::sync::Arc;

use leptos::prelude::*;

use super::scenario_list::ScenarioState;
use crate::charts::plan_ahead::comparison_figure;
use crate::components::chart_card::ChartCard;
use crate::fitting::PosteriorState;
use crate::format::{NO_VALUE, currency, decimal, percent, signed_currency, signed_percent};
use crate::planner::intervals::{DEFAULT_LEVEL, level_text, signed_currency_range};
use crate::planner::scenario::{Planner, Scenario};
use crate::planner::scenario_store::{ComparedPlan, compare};

/// A posterior cell's text: `value` once the column has odds; else "computing
/// uncertainty…" while the posterior is sampled and "—" when sampling failed.
pub fn odds_text(
    column: &ComparedPlan,
    posterior: &PosteriorState,
    value: impl Fn(&crate::planner::intervals::Comparison) -> String,
) -> String {
    match (&column.odds, posterior) {
        (Some(odds), _) => value(odds),
        (None, PosteriorState::Sampling { .. }) => posterior.placeholder().to_string(),
        (None, _) => NO_VALUE.to_string(),
    }
}

/// Comparison of the ticked scenarios (in the order they were ticked).
#[component]
pub fn ScenarioCompare(
    /// The fitted model and its channels.
    planner: Arc<Planner>,
    /// The evaluated current plan (the uplift is against it).
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// The shared scenario state.
    state: ScenarioState,
    /// The model's posterior (the probability of gain and the uplift interval are over its
    /// draws).
    #[prop(into)]
    posterior: Signal<PosteriorState>,
) -> impl IntoView {
    let draws = Memo::new(move |_| posterior.with(PosteriorState::draws));
    let p = planner.clone();
    let columns = Memo::new(move |_| {
        let ticked: Vec<_> = state.selected.with(|ids| {
            state.saved.with(|list| {
                ids.iter()
                    .filter_map(|id| list.iter().find(|s| s.id == *id).cloned())
                    .collect()
            })
        });
        let draws = draws.get();
        scenario.with(|s| compare(&p, s, &ticked, draws.as_deref(), DEFAULT_LEVEL))
    });
    let enough = move || columns.with(|c| c.len() >= 2);
    let headers = move || {
        columns.with(|cols| {
            cols.iter()
                .map(|c| view! { <th scope="col">{c.name.clone()}</th> })
                .collect_view()
        })
    };
    let row = move |label: String, cell: fn(&ComparedPlan) -> String| {
        view! {
            <tr>
                <th scope="row">{label}</th>
                {move || columns.with(|cols| cols.iter().map(|c| view! { <td>{cell(c)}</td> }).collect_view())}
            </tr>
        }
    };
    // A row over the posterior draws; each cell carries the probability as
    // `data-probability` (empty until there is one) for tests.
    let odds_row =
        move |label: String,
              test_id: &'static str,
              cell: fn(&crate::planner::intervals::Comparison) -> String| {
            view! {
                <tr data-testid=test_id>
                    <th scope="row">{label}</th>
                    {move || columns.with(|cols| posterior.with(|state| cols.iter().map(|c| view! {
                        <td
                            data-name=c.name.clone()
                            data-probability=c.odds.map(|o| o.probability_of_gain.to_string()).unwrap_or_default()
                        >{odds_text(c, state, cell)}</td>
                    }).collect_view()))}
                </tr>
            }
        };
    let channel_rows = planner
        .channels()
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            view! {
                <tr>
                    <th scope="row">{ch.name.clone()}</th>
                    {move || columns.with(|cols| cols.iter().map(|c| view! {
                        <td>{currency(c.spend.get(i).copied().unwrap_or(0.0))}</td>
                    }).collect_view())}
                </tr>
            }
        })
        .collect_view();
    let p = planner;
    view! {
        <div class="scenario-compare">
            <p class="field-hint" class:hidden=enough>"Tick two or more saved scenarios to compare them side by side."</p>
            <div class="plan-scroll" tabindex="0" role="region" aria-label="Scenario comparison (scrolls sideways)" class:hidden=move || !enough()>
                <table data-testid="scenario-compare">
                    <caption>"Weekly figures; uplift is against the plan now on the page. The uplift interval and the probability of gain (the share of posterior draws in which the scenario earns more than the plan on the page; the plan never beats itself, so it shows 0%) need the model's posterior."</caption>
                    <thead><tr><th scope="col">"Scenario"</th>{headers}</tr></thead>
                    <tbody>
                        {channel_rows}
                        {row("Total spend".into(), |c| currency(c.total))}
                        {row("Predicted revenue".into(), |c| currency(c.revenue))}
                        {row("Media ROAS".into(), |c| format!("{}×", decimal(c.roas, 2)))}
                        {row("Uplift vs current".into(), |c| format!(
                            "{} ({})",
                            signed_currency(c.uplift.absolute),
                            c.uplift.relative.map(signed_percent).unwrap_or_else(|| NO_VALUE.into())
                        ))}
                        {odds_row(
                            format!("Uplift, {} interval", level_text(DEFAULT_LEVEL)),
                            "scenario-uplift-interval",
                            |o| signed_currency_range(Some(o.uplift)),
                        )}
                        {odds_row("Probability of gain".into(), "scenario-probability-of-gain", |o| percent(o.probability_of_gain))}
                    </tbody>
                </table>
            </div>
            <div class:hidden=move || !enough()>
                <ChartCard
                    title="Scenarios compared"
                    caption="bars: weekly spend by channel; ◆ predicted weekly revenue (right axis)"
                    test_id="chart-scenarios"
                    label="Weekly spend by channel and predicted revenue of each compared scenario"
                    source=columns
                    figure={move |cols: &Vec<ComparedPlan>| comparison_figure(&p, cols)}
                    wide=true
                />
            </div>
        </div>
    }
}
