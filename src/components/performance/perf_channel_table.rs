//! `<PerfChannelTable>`: per channel, platform figures next to the model's ROI.

use leptos::prelude::*;
use mixplan_core::performance::{ChannelRow, Ratio};

use crate::format::{currency, decimal};

fn cell(ratio: &Ratio, show: impl Fn(f64) -> String) -> String {
    ratio.value.map(show).unwrap_or_else(|| "—".to_string())
}

/// A `<table data-testid="perf-channel-table">`: channel, spend, platform revenue, platform
/// ROAS, CPA, CTR, CPM, model ROI.
#[component]
pub fn PerfChannelTable(
    /// The rows.
    rows: Vec<ChannelRow>,
) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|row| {
            view! {
                <tr data-testid=format!("perf-row-{}", row.id)>
                    <th scope="row">{row.name.clone()}</th>
                    <td>{currency(row.spend)}</td>
                    <td>{currency(row.platform_revenue)}</td>
                    <td>{cell(&row.platform_roas, |v| format!("{}×", decimal(v, 2)))}</td>
                    <td>{cell(&row.cpa, |v| format!("${}", decimal(v, 2)))}</td>
                    <td>{cell(&row.ctr, |v| format!("{}%", decimal(v * 100.0, 2)))}</td>
                    <td>{cell(&row.cpm, |v| format!("${}", decimal(v, 2)))}</td>
                    <td>{row.model_roi.map(|v| format!("{}×", decimal(v, 2))).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="perf-channel-table" data-testid="perf-channel-table">
            <caption>"Channels in the period: what the platforms report, and the model's ROI"</caption>
            <thead>
                <tr>
                    <th scope="col">"Channel"</th>
                    <th scope="col">"Spend"</th>
                    <th scope="col">"Platform revenue"</th>
                    <th scope="col">"Platform ROAS"</th>
                    <th scope="col">"CPA"</th>
                    <th scope="col">"CTR"</th>
                    <th scope="col">"CPM"</th>
                    <th scope="col">"Model ROI"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}
