//! Per-channel numbers for the current split beside the optimal one.

use leptos::prelude::*;

use crate::format::{currency, percent, signed_currency};
use crate::planner::scenario::{ChannelInfo, Scenario};

/// A warning for the optimal spends above the highest weekly spend in the data, where the
/// response curve is an extrapolation; empty when there are none.
pub fn extrapolation_note(names: &[String], scenario: &Scenario) -> String {
    let beyond: Vec<String> = scenario
        .rows
        .iter()
        .zip(names)
        .filter(|(row, _)| row.optimal_extrapolates())
        .map(|(row, name)| {
            format!(
                "{name} (highest weekly spend seen: {})",
                currency(row.observed_max)
            )
        })
        .collect();
    if beyond.is_empty() {
        String::new()
    } else {
        format!(
            "* Above any weekly spend in the data: {}. The model extrapolates its response curve there, so test such an increase gradually.",
            beyond.join(", ")
        )
    }
}

/// Budget, share, contribution, ROI, marginal ROI, optimal budget and the change to reach it.
#[component]
pub fn ChannelTable(
    /// Channels in model order.
    channels: Vec<ChannelInfo>,
    /// The evaluated budget.
    #[prop(into)]
    scenario: Signal<Scenario>,
) -> impl IntoView {
    let names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
    let rows = channels
        .into_iter()
        .enumerate()
        .map(|(c, channel)| {
            let row = move || scenario.with(|s| s.rows[c].clone());
            view! {
                <tr data-testid=format!("channel-row-{}", channel.id)>
                    <th scope="row">{channel.name}</th>
                    <td>{move || currency(row().spend)}</td>
                    <td>{move || percent(row().share)}</td>
                    <td>{move || currency(row().contribution)}</td>
                    <td>{move || format!("{:.2}", row().roi)}</td>
                    <td>{move || row().marginal_roi.map_or_else(|| "—".into(), |m| format!("{m:.2}"))}</td>
                    <td class:extrapolated=move || row().optimal_extrapolates()>
                        {move || row().optimal_spend.map(currency).unwrap_or_else(|| "—".into())}
                        {move || row().optimal_extrapolates().then_some("*")}
                    </td>
                    <td>{move || row().optimal_spend.map(|o| signed_currency(o - row().spend)).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card table-card" aria-labelledby="channels-heading">
            <h2 id="channels-heading">"Channels"</h2>
            <div class="table-scroll">
                <table class="channel-table">
                    <thead>
                        <tr>
                            <th scope="col">"Channel"</th>
                            <th scope="col">"Budget"</th>
                            <th scope="col">"Share"</th>
                            <th scope="col">"Revenue"</th>
                            <th scope="col" title="Weekly revenue contribution ÷ weekly spend">"ROI"</th>
                            <th scope="col" title="Revenue from the next dollar">"Marginal ROI"</th>
                            <th scope="col">"Optimal"</th>
                            <th scope="col">"Change"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="footnote" data-testid="extrapolation-note">
                {move || extrapolation_note(&names, &scenario.read())}
            </p>
        </section>
    }
}
