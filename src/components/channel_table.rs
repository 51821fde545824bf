//! Per-channel numbers for the current split beside the optimal one.

use leptos::prelude::*;

use crate::data_source::choices::TargetKind;
use crate::data_source::wording;
use crate::format::{NO_VALUE, currency, decimal, percent, signed_currency};
use crate::planner::scenario::{ChannelInfo, ChannelRow, Scenario};

/// Spends below this (dollars) show as `$0`, so their ROI shows as `—`.
const SHOWN_AS_ZERO: f64 = 0.5;

/// `name (highest weekly spend seen: $x)` for every row that `extrapolates`.
fn beyond_the_data(
    names: &[String],
    scenario: &Scenario,
    extrapolates: impl Fn(&ChannelRow) -> bool,
    spend: impl Fn(&ChannelRow) -> Option<f64>,
) -> Vec<String> {
    scenario
        .rows
        .iter()
        .zip(names)
        .filter(|(row, _)| extrapolates(row))
        .map(|(row, name)| {
            format!(
                "{name} at {} (highest weekly spend seen: {})",
                spend(row).map(currency).unwrap_or_else(|| NO_VALUE.into()),
                currency(row.observed_max)
            )
        })
        .collect()
}

/// A warning for the optimal spends above the highest weekly spend in the data, where the
/// response curve is an extrapolation; empty when there are none.
pub fn extrapolation_note(names: &[String], scenario: &Scenario) -> String {
    let beyond = beyond_the_data(names, scenario, ChannelRow::optimal_extrapolates, |row| {
        row.optimal_spend
    });
    if beyond.is_empty() {
        String::new()
    } else {
        format!(
            "* The optimal split puts spend above any weekly spend in the data: {}. The model extrapolates its response curve there, so test such an increase gradually.",
            beyond.join(", ")
        )
    }
}

/// A warning for the current plan's spends above the highest weekly spend in the data;
/// empty when there are none.
pub fn current_extrapolation_warning(names: &[String], scenario: &Scenario) -> String {
    let beyond = beyond_the_data(names, scenario, ChannelRow::current_extrapolates, |row| {
        Some(row.spend)
    });
    if beyond.is_empty() {
        String::new()
    } else {
        format!(
            "* Your plan puts spend above any weekly spend in the data: {}. The model extrapolates its response curve there, so the predicted revenue of this plan is uncertain.",
            beyond.join(", ")
        )
    }
}

/// ROI as the table shows it: `—` for a channel at $0 (no spend, no return per dollar).
pub fn roi_text(row: &ChannelRow) -> String {
    if row.spend < SHOWN_AS_ZERO {
        NO_VALUE.to_string()
    } else {
        decimal(row.roi, 2)
    }
}

/// Budget, share, contribution, ROI, marginal ROI, optimal budget and the change to reach it.
/// Shares are of the spend actually placed; spends above the data are marked `*` in both the
/// current and the optimal column, with a warning below the table. On a phone each channel
/// is a stacked card with labelled values (`data-label`).
#[component]
pub fn ChannelTable(
    /// Channels in model order.
    channels: Vec<ChannelInfo>,
    /// The evaluated budget.
    #[prop(into)]
    scenario: Signal<Scenario>,
) -> impl IntoView {
    let names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
    // ROI, or cost per KPI when the target is a count (data_source::wording).
    let kind = wording::target_kind();
    let warning_names = StoredValue::new(names.clone());
    let rows = channels
        .into_iter()
        .enumerate()
        .map(|(c, channel)| {
            let row = move || scenario.with(|s| s.rows[c].clone());
            let share = move || scenario.with(|s| s.rows[c].share.map(percent).unwrap_or_else(|| NO_VALUE.into()));
            view! {
                <tr data-testid=format!("channel-row-{}", channel.id)>
                    <th scope="row">{channel.name}</th>
                    <td data-label="Budget" class:extrapolated=move || row().current_extrapolates() data-testid=format!("current-spend-{}", channel.id)>
                        {move || currency(row().spend)}
                        {move || row().current_extrapolates().then_some("*")}
                    </td>
                    <td data-label="Share">{share}</td>
                    <td data-label="Revenue">{move || currency(row().contribution)}</td>
                    <td data-label=move || wording::return_label(kind.get()) data-testid=format!("roi-{}", channel.id)>
                        {move || match kind.get() {
                            TargetKind::Revenue => roi_text(&row()),
                            k => wording::return_text(k, row().roi),
                        }}
                    </td>
                    <td data-label=move || wording::marginal_label(kind.get())>{move || row().marginal_roi.map_or_else(|| NO_VALUE.into(), |m| wording::return_text(kind.get(), m))}</td>
                    <td data-label="Optimal" class:extrapolated=move || row().optimal_extrapolates()>
                        {move || row().optimal_spend.map(currency).unwrap_or_else(|| NO_VALUE.into())}
                        {move || row().optimal_extrapolates().then_some("*")}
                    </td>
                    <td data-label="Change">{move || row().optimal_spend.map(|o| signed_currency(o - row().spend)).unwrap_or_else(|| NO_VALUE.into())}</td>
                </tr>
            }
        })
        .collect_view();
    let current_warning = move || {
        warning_names.with_value(|names| current_extrapolation_warning(names, &scenario.read()))
    };
    view! {
        <section class="card table-card" aria-labelledby="channels-heading">
            <h2 id="channels-heading">"Channels"</h2>
            <div class="table-scroll">
                <table class="channel-table">
                    <thead>
                        <tr>
                            <th scope="col">"Channel"</th>
                            <th scope="col">"Budget"</th>
                            <th scope="col" title="Share of the spend placed">"Share"</th>
                            <th scope="col">"Revenue"</th>
                            <th scope="col" title="Weekly revenue contribution ÷ weekly spend (cost per KPI: its inverse)">{move || wording::return_label(kind.get())}</th>
                            <th scope="col" title="Revenue from the next dollar (cost per KPI: the cost of the next unit)">{move || wording::marginal_label(kind.get())}</th>
                            <th scope="col">"Optimal"</th>
                            <th scope="col">"Change"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="warning" class:hidden=move || current_warning().is_empty() role="status" data-testid="extrapolation-warning">
                {current_warning}
            </p>
            <p class="footnote" data-testid="extrapolation-note">
                {move || extrapolation_note(&names, &scenario.read())}
            </p>
        </section>
    }
}
