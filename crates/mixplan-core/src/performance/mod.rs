//! The performance dashboard's figures (issue #14 item 2): KPI cards with their change
//! against the previous period, trailing-mean trends, a channel comparison table and alerts
//! for anomalies, on daily (or weekly) platform and business facts. Method and measured
//! numbers: `docs/performance.md`.
//!
//! | module | what it holds |
//! |---|---|
//! | `facts` | [`PerformanceData`] (validated facts), [`Totals`] |
//! | [`read`] | readers of the store's daily tables and of a user's wide table |
//! | `kpi` | [`Kpi`], [`Period`], [`kpi_cards`] (formulas in its docs) |
//! | `trend` | [`trend`], [`trends`]: 7-/30-day (or 1-/4-week) trailing series |
//! | `channels` | [`channel_table`] |
//! | `alerts` | [`alerts`]: robust z-score on a weekly-seasonal baseline |
//! | `report` | [`performance_report`]: all of it for one period |
//! | `error` | [`PerformanceError`] |

mod alerts;
mod channels;
mod error;
mod facts;
mod kpi;
pub mod read;
mod report;
mod trend;

pub use alerts::{
    Alert, AlertMetric, AlertParams, MIN_RESIDUALS, MetricSeries, ValidAlertParams, alert_series,
    alerts, chart_id, robust_scores, seasonal_baseline,
};
pub use channels::{ChannelRow, channel_table};
pub use error::PerformanceError;
pub use facts::{BusinessFacts, ChannelFacts, Granularity, PerformanceData, Totals};
pub use kpi::{Kpi, KpiCard, Period, Ratio, kpi_cards};
pub use read::{read_channel_names, read_daily_facts, read_wide_table};
pub use report::{PerformanceReport, performance_report};
pub use trend::{TrendSeries, trend, trend_windows, trends};
