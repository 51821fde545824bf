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
use crate::planner::scenario::{Planner, Scenario};

/// The starting total: the historical weekly spend, on the slider's grid and range.
pub fn initial_total(historical_total: f64) -> f64 {
    ((historical_total / TOTAL_STEP).round() * TOTAL_STEP).clamp(MIN_TOTAL, MAX_TOTAL)
}

/// The whole planner for a fitted model. State: the budget (one signal). Everything else is
/// derived: the scenario is a `Memo` of the budget; each chart builds its figure from the
/// scenario when it redraws (at most once per animation frame).
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
    let budget = RwSignal::new(BudgetState::from_mix(
        initial_total(planner.historical_total()),
        planner.historical_mix(),
    ));

    let p = planner.clone();
    let scenario = Memo::new(move |_| budget.with(|b| p.scenario(b)));

    let static_model = Signal::stored(planner.clone());
    let (ch1, ch2, ch3, p) = (
        channels.clone(),
        channels.clone(),
        channels.clone(),
        planner.clone(),
    );
    let contribution = move |s: &Scenario| figures::contribution_figure(&ch1, s);
    let split = move |s: &Scenario| figures::split_figure(&ch2, s);
    let donut = move |s: &Scenario| figures::donut_figure(&ch3, s);
    let response = move |s: &Scenario| figures::response_figure(&p, s);
    let fit = |p: &Arc<Planner>| figures::fit_figure(p);
    let decomposition = |p: &Arc<Planner>| figures::decomposition_figure(p);

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
                        <PlotlyChart source=scenario figure=contribution test_id="chart-contribution" label="Weekly revenue contribution by channel" />
                    </figure>
                    <figure class="card chart-card">
                        <figcaption>"Current vs optimal split"</figcaption>
                        <PlotlyChart source=scenario figure=split test_id="chart-split" label="Current and optimal weekly spend per channel" />
                    </figure>
                    <figure class="card chart-card">
                        <figcaption>"Recommended split"</figcaption>
                        <PlotlyChart source=scenario figure=donut test_id="chart-donut" label="Optimal split of the weekly budget" />
                    </figure>
                    <figure class="card chart-card">
                        <figcaption>"Response curves"<small>" ● current, ◇ optimal"</small></figcaption>
                        <PlotlyChart source=scenario figure=response test_id="chart-response" label="Weekly revenue as a function of weekly spend, per channel" />
                    </figure>
                </div>
                <ChannelTable channels=channels.clone() scenario />
                <figure class="card chart-card wide">
                    <figcaption>"Actual vs model"<small>" shaded: holdout weeks, predicted out of sample"</small></figcaption>
                    <PlotlyChart source=static_model figure=fit test_id="chart-fit" label="Actual and modelled weekly revenue over time" />
                </figure>
                <figure class="card chart-card wide">
                    <figcaption>"Where revenue comes from"</figcaption>
                    <PlotlyChart source=static_model figure=decomposition test_id="chart-decomposition" label="Modelled weekly revenue stacked by source" />
                </figure>
                <ModelPanel planner truth fit_ms />
            </div>
        </div>
    }
}
