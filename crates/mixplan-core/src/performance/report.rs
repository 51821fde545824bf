//! [`performance_report`]: everything the Performance tab and `mixplan kpi` show for a
//! period, in one serialisable value.

use super::{
    Alert, ChannelRow, Granularity, KpiCard, MetricSeries, PerformanceData, Period, TrendSeries,
    ValidAlertParams, alert_series, alerts, channel_table, kpi_cards, trends,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The performance figures for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerformanceReport {
    /// Daily or weekly data.
    pub granularity: Granularity,
    /// First date of the data.
    pub data_start: NaiveDate,
    /// Last date of the data.
    pub data_end: NaiveDate,
    /// First date of the period.
    pub start: NaiveDate,
    /// Last date of the period.
    pub end: NaiveDate,
    /// Rows (days or weeks) in the period.
    pub rows: usize,
    /// The eight KPI cards with their change against the previous period.
    pub cards: Vec<KpiCard>,
    /// Trailing-window trends of every KPI over the period.
    pub trends: Vec<TrendSeries>,
    /// The channel comparison table.
    pub channels: Vec<ChannelRow>,
    /// Alerts dated in the period, largest |z| first.
    pub alerts: Vec<Alert>,
    /// The series each alert's chart draws, one per distinct channel and metric.
    pub alert_series: Vec<MetricSeries>,
}

/// Cards, trends, channel table and alerts of `data` for `period`.
pub fn performance_report(
    data: &PerformanceData,
    period: &Period,
    model_roi: &HashMap<String, f64>,
    alert_params: &ValidAlertParams,
) -> PerformanceReport {
    let found = alerts(data, period, alert_params);
    PerformanceReport {
        granularity: data.granularity(),
        data_start: data.first_date(),
        data_end: data.last_date(),
        start: period.start,
        end: period.end,
        rows: period.len(),
        cards: kpi_cards(data, period),
        trends: trends(data, period),
        channels: channel_table(data, period, model_roi),
        alert_series: alert_series(data, period, &found, alert_params),
        alerts: found,
    }
}
