//! UI components, one per file.

pub mod budget_panel;
pub mod carryover_choice;
pub mod channel_control;
pub mod channel_table;
pub mod chart_card;
pub mod data;
pub mod export_bar;
pub mod fit_status;
pub mod form_fields;
pub mod lift_tests_panel;
pub mod longer_run;
pub mod mediation_panel;
pub mod model_checks;
pub mod model_panel;
pub mod offline_link;
pub mod performance;
pub mod plan_ahead;
pub mod planner_page;
pub mod pricing_panel;
pub mod print_summary;
pub mod recommendation_panel;
pub mod results_summary;
pub mod roi_beliefs_panel;
pub mod uncertainty_status;
pub mod use_debounced;
pub mod use_first_open;
