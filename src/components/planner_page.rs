//! The planner: budget panel on the left, live results on the right (stacked on a phone).

use std::sync::Arc;

use leptos::prelude::*;

use super::budget_panel::{BudgetPanel, MAX_TOTAL, MIN_TOTAL, TOTAL_STEP};
use super::channel_table::ChannelTable;
use super::chart_card::ChartCard;
use super::model_panel::ModelPanel;
use super::results_summary::ResultsSummary;
use crate::charts::figure::Figure;
use crate::charts::figures;
use crate::embedded::TrueChannel;
use crate::planner::budget::BudgetState;
use crate::planner::scenario::{Planner, Scenario};

/// The starting total: the historical weekly spend, on the slider's grid and range.
pub fn initial_total(historical_total: f64) -> f64 {
    ((historical_total / TOTAL_STEP).round() * TOTAL_STEP).clamp(MIN_TOTAL, MAX_TOTAL)
}

/// The whole planner for a fitted model. State: the budget (one signal). Everything else is
/// derived: the scenario is a `Memo` of the budget; each chart builds its figure from the
/// planner and the scenario when it redraws (at most once per animation frame).
#[component]
pub fn PlannerPage(
    /// The fitted model and planning data.
    planner: Arc<Planner>,
    /// True parameters of the simulated store, per channel (empty for real data).
    truth: Vec<TrueChannel>,
    /// Fit wall time in the browser, milliseconds.
    fit_ms: f64,
) -> impl IntoView {
    let budget = RwSignal::new(BudgetState::from_mix(
        initial_total(planner.historical_total()),
        planner.historical_mix(),
    ));

    let p = planner.clone();
    let scenario = Memo::new(move |_| budget.with(|b| p.scenario(b)));
    let static_model = Signal::stored(planner.clone());

    // A live chart's builder: the figure of the planner and the current scenario.
    let live = |build: fn(&Planner, &Scenario) -> Figure| {
        let planner = planner.clone();
        move |scenario: &Scenario| build(&planner, scenario)
    };
    let fixed = |build: fn(&Planner) -> Figure| move |planner: &Arc<Planner>| build(planner);

    view! {
        <div class="planner">
            <aside class="planner-controls">
                <BudgetPanel budget channels=planner.channels().to_vec() />
            </aside>
            <div class="planner-results">
                <ResultsSummary scenario budget />
                <div class="chart-grid">
                    <ChartCard
                        title="Revenue contribution by channel"
                        caption="green: more than the historical mix at this total, red: less"
                        test_id="chart-contribution"
                        label="Weekly revenue contribution by channel"
                        source=scenario
                        figure=live(figures::contribution_figure)
                    />
                    <ChartCard
                        title="Current vs optimal split"
                        test_id="chart-split"
                        label="Current and optimal weekly spend per channel"
                        source=scenario
                        figure=live(figures::split_figure)
                    />
                    <ChartCard
                        title="Recommended split"
                        test_id="chart-donut"
                        label="Optimal split of the weekly budget"
                        source=scenario
                        figure=live(figures::donut_figure)
                    />
                    <ChartCard
                        title="Response curves"
                        caption="● current, ◇ optimal"
                        test_id="chart-response"
                        label="Weekly revenue as a function of weekly spend, per channel"
                        source=scenario
                        figure=live(figures::response_figure)
                    />
                </div>
                <ChannelTable channels=planner.channels().to_vec() scenario />
                <ChartCard
                    title="Actual vs model"
                    caption="shaded: holdout weeks, predicted out of sample"
                    test_id="chart-fit"
                    label="Actual and modelled weekly revenue over time"
                    source=static_model
                    figure=fixed(figures::fit_figure)
                    wide=true
                />
                <ChartCard
                    title="Where revenue comes from"
                    test_id="chart-decomposition"
                    label="Modelled weekly revenue stacked by source"
                    source=static_model
                    figure=fixed(figures::decomposition_figure)
                    wide=true
                />
                <ModelPanel planner truth fit_ms />
            </div>
        </div>
    }
}
