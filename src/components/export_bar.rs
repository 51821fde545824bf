//! `<ExportBar>`: download the plan (CSV, JSON) and the model summary (JSON), and open the
//! printable executive summary.

use std::sync::Arc;

use leptos::prelude::*;

use super::print_summary::SUMMARY_OPENER_ID;
use crate::planner::budget::BudgetState;
use crate::planner::scenario::{Planner, Scenario};
use crate::share::browser::download_text;
use crate::share::export::{
    MODEL_JSON_FILE, ModelExport, PLAN_CSV_FILE, PLAN_JSON_FILE, PlanExport,
};

/// The export buttons. Files are built from the plan on screen when clicked and offered as
/// downloads from memory (no network).
#[component]
pub fn ExportBar(
    /// The fitted model and its channels.
    planner: Arc<Planner>,
    /// The evaluated budget.
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// The budget being edited (for the locks).
    budget: RwSignal<BudgetState>,
    /// Whether the printable summary is open; the summary button opens it.
    summary_open: RwSignal<bool>,
) -> impl IntoView {
    let plan = {
        let planner = planner.clone();
        move || {
            let locked = budget.with_untracked(|b| b.locked().to_vec());
            scenario.with_untracked(|s| PlanExport::new(&planner, s, &locked))
        }
    };
    let plan_csv = {
        let plan = plan.clone();
        move |_| download_text(PLAN_CSV_FILE, "text/csv", &plan().to_csv())
    };
    let plan_json = move |_| download_text(PLAN_JSON_FILE, "application/json", &plan().to_json());
    let model_json = move |_| {
        download_text(
            MODEL_JSON_FILE,
            "application/json",
            &ModelExport::new(&planner).to_json(),
        )
    };
    view! {
        <section class="card export-bar" aria-label="Share and export">
            <span class="export-label">"Export"</span>
            <button type="button" data-testid="export-plan-csv" on:click=plan_csv>"Plan (CSV)"</button>
            <button type="button" data-testid="export-plan-json" on:click=plan_json>"Plan (JSON)"</button>
            <button type="button" data-testid="export-model-json" on:click=model_json>"Model summary (JSON)"</button>
            <button
                type="button"
                class="primary"
                id=SUMMARY_OPENER_ID
                data-testid="export-summary"
                aria-expanded=move || summary_open.get().to_string()
                on:click=move |_| summary_open.set(true)
            >
                "Printable summary"
            </button>
            <span class="export-hint">"The page's address always holds the current plan: copy it to share the plan."</span>
        </section>
    }
}
