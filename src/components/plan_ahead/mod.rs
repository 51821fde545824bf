//! "Planning ahead": goal-seek, the budget frontier, what-if, and saved scenarios compared
//! side by side, below the planner's results. One small component per file:
//!
//! | file | component |
//! |---|---|
//! | [`goal_form`] | `<GoalForm>`: one question with a typed input and its answer in words |
//! | [`goal_seek_panel`] | `<GoalSeekPanel>`: revenue target, ROAS target, where the next dollars go |
//! | [`horizon_panel`] | `<HorizonPanel>`: the next N weeks planned channel × week, forecast and certificate |
//! | [`limit_field`] | `<LimitField>`: one typed cap or list of limits of the horizon plan |
//! | [`what_if_form`] | `<WhatIfForm>`: +X % on one channel, everything else unchanged |
//! | [`scenario_list`] | `<ScenarioList>`: save, list, rename, open, delete, tick to compare |
//! | [`scenario_compare`] | `<ScenarioCompare>`: the ticked scenarios' table and chart |
//! | [`storage`] | `localStorage` glue for the scenarios (no component) |

pub mod goal_form;
pub mod goal_seek_panel;
pub mod horizon_panel;
pub mod limit_field;
pub mod scenario_compare;
pub mod scenario_list;
pub mod storage;
pub mod what_if_form;

use std::sync::Arc;

use leptos::prelude::*;

use self::goal_seek_panel::GoalSeekPanel;
use self::horizon_panel::{HorizonFields, HorizonPanel};
use self::scenario_compare::ScenarioCompare;
use self::scenario_list::{ScenarioList, ScenarioState};
use self::what_if_form::WhatIfForm;
use super::chart_card::ChartCard;
use crate::charts::plan_ahead::{FrontierMarks, frontier_figure, frontier_summary};
use crate::fitting::PosteriorState;
use crate::planner::budget::{BudgetRange, BudgetState};
use crate::planner::frontier::{FrontierPoint, budget_frontier};
use crate::planner::horizon::horizon_planning;
use crate::planner::scenario::{Planner, Scenario};
use crate::planner::scenario_store::OpenedScenario;

/// Budgets on the frontier: 46 evenly spaced over the slider's range.
pub const FRONTIER_STEPS: usize = 45;

/// The "Planning ahead" section. State of its own: the saved scenarios (read once from the
/// browser's storage) and the compare selection; everything else is derived from the plan.
/// The frontier is a `Memo` of the locks (the bounds), so a slider move that keeps them only
/// moves the markers.
#[component]
pub fn PlanAhead(
    /// The fitted model and its channels.
    planner: Arc<Planner>,
    /// The budget being edited.
    budget: RwSignal<BudgetState>,
    /// The evaluated current plan.
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// The model's posterior (the scenario comparison's odds are over its draws).
    #[prop(optional, into)]
    posterior: Signal<PosteriorState>,
    /// The horizon's plan period and budget fields (held by the planner page for the link).
    fields: HorizonFields,
    /// The scenario last opened (held by the planner page for the link).
    opened: RwSignal<Option<OpenedScenario>>,
    /// The name of the scenario being viewed, derived by the planner page.
    #[prop(into)]
    viewed: Signal<Option<String>>,
    /// The weekly totals the planner offers: the frontier spans them, goal-seek searches up
    /// to their top.
    range: BudgetRange,
) -> impl IntoView {
    let bounds = Memo::new(move |_| budget.with(BudgetState::bounds));
    let p = planner.clone();
    let frontier = Memo::new(move |_| {
        bounds.with(|b| budget_frontier(&p, b, range.min(), range.max(), FRONTIER_STEPS))
    });
    let frontier_view = Memo::new(move |_| {
        let marks = scenario.with(|s| FrontierMarks {
            total: s.total,
            revenue: s.revenue,
            optimal_revenue: s.optimal_revenue(),
        });
        (frontier.get(), marks)
    });
    let loaded = storage::read_scenarios();
    let state = ScenarioState {
        saved: RwSignal::new(loaded.scenarios),
        selected: RwSignal::new(Vec::new()),
        note: RwSignal::new(loaded.note),
        opened,
        viewed,
    };
    let horizon = match horizon_planning(&planner) {
        Ok(planning) => {
            view! { <HorizonPanel planner=planner.clone() planning fields /> }.into_any()
        }
        Err(message) => {
            view! { <p class="card warning" data-testid="horizon-error">{message}</p> }.into_any()
        }
    };
    view! {
        <section class="plan-ahead" aria-labelledby="plan-ahead-heading" data-testid="plan-ahead">
            <h2 id="plan-ahead-heading">"Planning ahead"</h2>
            {horizon}
            <div class="plan-ahead-grid">
                <GoalSeekPanel planner=planner.clone() budget range />
                <WhatIfForm planner=planner.clone() scenario />
            </div>
            <ChartCard
                title="Budget frontier"
                caption="best weekly revenue under the model and the return on the next dollar, by weekly budget; ● current plan, ◇ best split of its total"
                test_id="chart-frontier"
                summary=Signal::derive(move || frontier_view.with(|(points, marks)| frontier_summary(points, *marks)))
                label="Best weekly revenue under the model and marginal ROAS against the weekly budget"
                source=frontier_view
                figure={|(points, marks): &(Vec<FrontierPoint>, FrontierMarks)| frontier_figure(points, *marks)}
                wide=true
            />
            <section class="card scenarios" aria-labelledby="scenarios-heading">
                <h3 id="scenarios-heading">"Scenarios"</h3>
                <ScenarioList planner=planner.clone() budget state />
                <ScenarioCompare planner scenario state posterior />
            </section>
        </section>
    }
}
