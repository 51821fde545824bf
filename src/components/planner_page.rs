//! The planner: budget panel on the left, live results on the right (stacked on a phone).

use std::sync::Arc;

use leptos::prelude::*;

use super::budget_panel::{BudgetPanel, MAX_TOTAL, MIN_TOTAL, TOTAL_STEP};
use super::channel_table::ChannelTable;
use super::model_panel::ModelPanel;
use super::results_summary::ResultsSummary;
use crate::charts::figures;
use crate::charts::plotly_chart::PlotlyChart;
use crate::embedded::TrueChannel;
use crate::planner::budget::BudgetState;
use crate::planner::scenario::Planner;

/// The starting total: the historical weekly spend, on the slider's grid and range.
pub fn initial_total(historical_total: f64) -> f64 {
    ((historical_total / TOTAL_STEP).round() * TOTAL_STEP).clamp(MIN_TOTAL, MAX_TOTAL)
}

/// The whole planner for a fitted model. State: the budget (one signal). Everything else is
/// derived: the scenario is a `Memo` of the budget, each figure a `Memo` of the scenario.
#[component]
pub fn PlannerPage(
    /// The fitted model and planning data.
    planner: Arc<Planner>,
    /// True parameters of the simulated store, per channel (empty for real data).
    truth: Vec<TrueChannel>,
    /// Fit wall time in the browser, milliseconds.
    fit_ms: f64,
) -> impl IntoView {
    let channels = planner.channels().to_vec();
    let budget = RwSignal::new(BudgetState::from_mix(initial_total(planner.historical_total()), planner.historical_mix()));

    let p = planner.clone();
    let scenario = Memo::new(move |_| budget.with(|b| p.scenario(b)));

    let ch = channels.clone();
    let contribution = Memo::new(move |_| scenario.with(|s| figures::contribution_figure(&ch, s)));
    let ch = channels.clone();
    let split = Memo::new(move |_| scenario.with(|s| figures::split_figure(&ch, s)));
    let ch = channels.clone();
    let donut = Memo::new(move |_| scenario.with(|s| figures::donut_figure(&ch, s)));
    let p = planner.clone();
    let response = Memo::new(move |_| scenario.with(|s| figures::response_figure(&p, s)));
    // These two depend only on the fitted model: computed once.
    let fit = Signal::stored(figures::fit_figure(&planner));
    let decomposition = Signal::stored(figures::decomposition_figure(&planner));

    view! {
        <div class="planner">
            <aside class="planner-controls">
                <BudgetPanel budget channels=channels.clone() />
            </aside>
            <div class="planner-results">
                <ResultsSummary scenario budget />
                <div class="chart-grid">
                    <figure class="card chart-card">
                        <figcaption>"Revenue contribution by channel"<small>" green: more than the historical mix at this total, red: less"</small></figcaption>
                        <PlotlyChart figure=contribution test_id="chart-contribution" label="Weekly revenue contribution by channel" />
                    </figure>
                    <figure class="card chart-card">
                        <figcaption>"Current vs optimal split"</figcaption>
                        <PlotlyChart figure=split test_id="chart-split" label="Current and optimal weekly spend per channel" />
                    </figure>
                    <figure class="card chart-card">
                        <figcaption>"Recommended split"</figcaption>
                        <PlotlyChart figure=donut test_id="chart-donut" label="Optimal split of the weekly budget" />
                    </figure>
                    <figure class="card chart-card">
                        <figcaption>"Response curves"<small>" ● current, ◇ optimal"</small></figcaption>
                        <PlotlyChart figure=response test_id="chart-response" label="Weekly revenue as a function of weekly spend, per channel" />
                    </figure>
                </div>
                <ChannelTable channels=channels.clone() scenario />
                <figure class="card chart-card wide">
                    <figcaption>"Actual vs model"<small>" shaded: holdout weeks, predicted out of sample"</small></figcaption>
                    <PlotlyChart figure=fit test_id="chart-fit" label="Actual and modelled weekly revenue over time" />
                </figure>
                <figure class="card chart-card wide">
                    <figcaption>"Where revenue comes from"</figcaption>
                    <PlotlyChart figure=decomposition test_id="chart-decomposition" label="Modelled weekly revenue stacked by source" />
                </figure>
                <ModelPanel planner truth fit_ms />
            </div>
        </div>
    }
}
