//! `<KpiCards>`: the eight KPI cards with their change against the previous period.

use leptos::prelude::*;
use mixplan_core::performance::{Kpi, KpiCard};

use crate::format::{currency, decimal, percent, signed_percent};

/// A KPI's value as the page shows it.
pub fn show(kpi: Kpi, value: f64) -> String {
    match kpi {
        Kpi::Spend | Kpi::Revenue => currency(value),
        Kpi::Cpa | Kpi::Cpm | Kpi::AverageOrderValue => format!("${}", decimal(value, 2)),
        Kpi::Roas => format!("{}×", decimal(value, 2)),
        Kpi::Ctr => format!("{}%", decimal(value * 100.0, 2)),
        Kpi::GrossMargin => percent(value),
    }
}

/// One `<div class="kpi-card" data-testid="kpi-card-<name>" data-value=…>` per card: label,
/// value (or "—" and the reason) and the change in % against the previous period (or why
/// there is none). `data-value` holds the unrounded value for tests.
#[component]
pub fn KpiCards(
    /// The cards, in order.
    cards: Vec<KpiCard>,
) -> impl IntoView {
    cards
        .into_iter()
        .map(|card| {
            let raw = card.value.value.map(|v| v.to_string()).unwrap_or_default();
            let value = match card.value.value {
                Some(v) => show(card.kpi, v),
                None => "—".to_string(),
            };
            let change = match (card.change_percent.value, &card.change_percent.undefined) {
                (Some(pct), _) => format!("{} vs previous period", signed_percent(pct / 100.0)),
                (None, Some(reason)) => reason.clone(),
                (None, None) => String::new(),
            };
            let note = card.value.undefined.clone().unwrap_or_default();
            view! {
                <div class="kpi-card card" data-testid=format!("kpi-card-{}", card.kpi.name()) data-value=raw>
                    <div class="kpi-label">{card.label.clone()}</div>
                    <div class="kpi-value">{value}</div>
                    <div class="kpi-note muted">{note}</div>
                    <div class="kpi-change muted">{change}</div>
                </div>
            }
        })
        .collect_view()
}
