//! Trailing-window trend series of the KPIs.
//!
//! For a window of `w` rows ending at row `t` (sums `S` over rows `t−w+1 … t`):
//!
//! ```text
//! sums (spend, revenue):  trend_t = S / w                  (trailing mean per day or week)
//! ratios (ROAS, CPA, …):  trend_t = the KPI's formula on S  (e.g. S(revenue) / S(spend))
//! ```
//!
//! so a ratio's trend weights each day by its volume, as the cards do. Daily data get 7- and
//! 30-day windows; weekly data 1- and 4-week windows (a 7-day mean needs daily data). Rows
//! before the first full window have no value.

use super::{Granularity, Kpi, PerformanceData, Period};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One KPI's trailing-window series over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendSeries {
    /// Which KPI.
    pub kpi: Kpi,
    /// Window length in rows.
    pub window: usize,
    /// "days" or "weeks".
    pub unit: String,
    /// The dates of the period.
    pub dates: Vec<NaiveDate>,
    /// The trailing value at each date; `None` before the first full window or where the
    /// ratio is undefined.
    pub values: Vec<Option<f64>>,
}

/// The two trend windows for the data's granularity: `[7, 30]` days or `[1, 4]` weeks.
pub fn trend_windows(granularity: Granularity) -> [usize; 2] {
    match granularity {
        Granularity::Daily => [7, 30],
        Granularity::Weekly => [1, 4],
    }
}

/// The trailing-`window` series of `kpi` at each date of `period` (formulas in the module
/// docs); the window may reach back before the period's start.
pub fn trend(data: &PerformanceData, kpi: Kpi, window: usize, period: &Period) -> TrendSeries {
    let window = window.max(1);
    let values = period
        .rows
        .clone()
        .map(|t| {
            if t + 1 < window {
                return None;
            }
            let sums = data.totals(t + 1 - window..t + 1);
            let value = kpi.value(&sums).value?;
            Some(if kpi.is_sum() {
                value / window as f64
            } else {
                value
            })
        })
        .collect();
    TrendSeries {
        kpi,
        window,
        unit: data.granularity().unit().to_string(),
        dates: data.dates()[period.rows.clone()].to_vec(),
        values,
    }
}

/// Every KPI's trend for both windows of the data's granularity.
pub fn trends(data: &PerformanceData, period: &Period) -> Vec<TrendSeries> {
    let windows = trend_windows(data.granularity());
    Kpi::ALL
        .iter()
        .flat_map(|&kpi| windows.map(|w| trend(data, kpi, w, period)))
        .collect()
}
