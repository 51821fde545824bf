//! `<ScenarioCompare>`: the ticked scenarios side by side with the current plan — a table
//! (spend per channel, total, revenue, media ROAS, uplift vs current, probability of gain)
//! and a chart. The chart stays mounted (hidden while fewer than two are ticked), as a
//! Plotly chart must.

use std::sync::Arc;

use leptos::prelude::*;

use super::scenario_list::ScenarioState;
use crate::charts::plan_ahead::comparison_figure;
use crate::components::chart_card::ChartCard;
use crate::format::{NO_VALUE, currency, decimal, percent, signed_currency, signed_percent};
use crate::planner::scenario::{Planner, Scenario};
use crate::planner::scenario_store::{ComparedPlan, compare};

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
) -> impl IntoView {
    let p = planner.clone();
    let columns = Memo::new(move |_| {
        let ticked: Vec<_> = state.selected.with(|ids| {
            state.saved.with(|list| {
                ids.iter()
                    .filter_map(|id| list.iter().find(|s| s.id == *id).cloned())
                    .collect()
            })
        });
        scenario.with(|s| compare(&p, s, &ticked))
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
            <div class="plan-scroll" class:hidden=move || !enough()>
                <table data-testid="scenario-compare">
                    <caption>"Weekly figures; uplift is against the plan now on the page. Probability of gain needs the model's posterior (— until it exists)."</caption>
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
                        {row("Probability of gain".into(), |c| c.probability_of_gain.map(percent).unwrap_or_else(|| NO_VALUE.into()))}
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
