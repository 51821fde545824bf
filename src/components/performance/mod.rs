//! The Performance tab (issue #14 item 2): a tab bar over the planner area, and the view of
//! KPI cards, trends, the channel table and alerts, computed in the on-demand worker
//! ([`crate::worker::performance_job`]).

pub mod alerts_list;
pub mod kpi_cards;
pub mod perf_channel_table;
pub mod performance_view;
pub mod period_picker;
pub mod planner_tabs;
