//! The KPI cards: eight figures for a chosen period with their change against the previous
//! period of equal length.
//!
//! With sums `S` over the period (all channels together for the platform figures):
//!
//! ```text
//! spend            = S(spend)
//! revenue          = S(revenue)                      (the business's own revenue)
//! ROAS             = S(revenue) / S(spend)
//! CPA              = S(spend) / S(conversions)        (platform-reported conversions)
//! CTR              = S(clicks) / S(impressions)
//! CPM              = S(spend) / S(impressions) · 1000
//! average order    = S(revenue) / S(orders)
//! gross margin     = (S(revenue) − S(cogs)) / S(revenue)
//! change           = value − previous,   change % = (value − previous) / |previous| · 100
//! ```
//!
//! A ratio whose denominator is 0 is undefined: [`Ratio`] then holds `None` and the reason,
//! never NaN or infinity.

use super::{PerformanceData, PerformanceError, Totals};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A figure that may be undefined (a ratio over zero), with the reason when it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    /// The value, `None` when undefined.
    pub value: Option<f64>,
    /// Why the value is undefined, in plain language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
}

impl Ratio {
    /// A defined value.
    pub fn of(value: f64) -> Self {
        Self {
            value: Some(value),
            undefined: None,
        }
    }

    /// An undefined value with its reason.
    pub fn undefined(reason: impl Into<String>) -> Self {
        Self {
            value: None,
            undefined: Some(reason.into()),
        }
    }

    /// `numerator / denominator · scale`, undefined (with `reason`) when the denominator is 0.
    pub fn divide(numerator: f64, denominator: f64, scale: f64, reason: &str) -> Self {
        if denominator > 0.0 && numerator.is_finite() {
            Self::of(numerator / denominator * scale)
        } else {
            Self::undefined(reason)
        }
    }
}

/// One of the eight key figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// Total spend.
    Spend,
    /// Total business revenue.
    Revenue,
    /// Revenue per unit of spend.
    Roas,
    /// Spend per platform conversion.
    Cpa,
    /// Clicks per impression.
    Ctr,
    /// Spend per thousand impressions.
    Cpm,
    /// Revenue per order.
    AverageOrderValue,
    /// Share of revenue left after the cost of goods.
    GrossMargin,
}

impl Kpi {
    /// Every KPI, in the order of the cards.
    pub const ALL: [Kpi; 8] = [
        Kpi::Spend,
        Kpi::Revenue,
        Kpi::Roas,
        Kpi::Cpa,
        Kpi::Ctr,
        Kpi::Cpm,
        Kpi::AverageOrderValue,
        Kpi::GrossMargin,
    ];

    /// The machine name (`roas`, `average_order_value`, …), as in the JSON and `data-testid`.
    pub fn name(self) -> &'static str {
        match self {
            Kpi::Spend => "spend",
            Kpi::Revenue => "revenue",
            Kpi::Roas => "roas",
            Kpi::Cpa => "cpa",
            Kpi::Ctr => "ctr",
            Kpi::Cpm => "cpm",
            Kpi::AverageOrderValue => "average_order_value",
            Kpi::GrossMargin => "gross_margin",
        }
    }

    /// The label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Kpi::Spend => "Spend",
            Kpi::Revenue => "Revenue",
            Kpi::Roas => "ROAS",
            Kpi::Cpa => "CPA",
            Kpi::Ctr => "CTR",
            Kpi::Cpm => "CPM",
            Kpi::AverageOrderValue => "Average order value",
            Kpi::GrossMargin => "Gross margin",
        }
    }

    /// True for sums (spend, revenue), false for ratios.
    pub fn is_sum(self) -> bool {
        matches!(self, Kpi::Spend | Kpi::Revenue)
    }

    /// The KPI's value on sums `t` (formulas in the module docs).
    pub fn value(self, t: &Totals) -> Ratio {
        match self {
            Kpi::Spend => Ratio::of(t.spend),
            Kpi::Revenue => Ratio::of(t.revenue),
            Kpi::Roas => Ratio::divide(t.revenue, t.spend, 1.0, "no spend in the period"),
            Kpi::Cpa => Ratio::divide(t.spend, t.conversions, 1.0, "no conversions in the period"),
            Kpi::Ctr => Ratio::divide(t.clicks, t.impressions, 1.0, "no impressions in the period"),
            Kpi::Cpm => Ratio::divide(
                t.spend,
                t.impressions,
                1000.0,
                "no impressions in the period",
            ),
            Kpi::AverageOrderValue => {
                Ratio::divide(t.revenue, t.orders, 1.0, "no orders in the period")
            }
            Kpi::GrossMargin => Ratio::divide(
                t.revenue - t.cogs,
                t.revenue,
                1.0,
                "no revenue in the period",
            ),
        }
    }
}

/// A period of the data, `[start, end]` inclusive, with its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First date in the period.
    pub start: NaiveDate,
    /// Last date in the period.
    pub end: NaiveDate,
    /// The rows of the data in the period.
    pub rows: Range<usize>,
}

impl Period {
    /// The rows whose date lies in `[start, end]`; fails when `start > end` or no row does.
    pub fn between(
        data: &PerformanceData,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Self, PerformanceError> {
        let dates = data.dates();
        let first = dates.partition_point(|d| *d < start);
        let past_end = dates.partition_point(|d| *d <= end);
        if start > end || first >= past_end {
            return Err(PerformanceError::Period {
                start,
                end,
                first: data.first_date(),
                last: data.last_date(),
            });
        }
        Ok(Self {
            start: dates[first],
            end: dates[past_end - 1],
            rows: first..past_end,
        })
    }

    /// The last `days` days of the data (for weekly data, the weeks starting in them; at
    /// least one row).
    pub fn last_days(data: &PerformanceData, days: u32) -> Self {
        let end = data.last_date();
        let span = i64::from(days.max(1)) - 1;
        let start = end - chrono::Duration::days(span);
        let dates = data.dates();
        let first = dates.partition_point(|d| *d < start).min(dates.len() - 1);
        Self {
            start: dates[first],
            end,
            rows: first..dates.len(),
        }
    }

    /// Number of rows in the period.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Never true for a period built by [`Period::between`] or [`Period::last_days`].
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows of the previous period of equal length, or why there is none.
    pub fn previous(&self, data: &PerformanceData) -> Result<Range<usize>, String> {
        let n = self.rows.len();
        if self.rows.start >= n {
            Ok(self.rows.start - n..self.rows.start)
        } else {
            Err(format!(
                "no previous period to compare with: the data start on {}, too late for the {} {} before {}",
                data.first_date(),
                n,
                data.granularity().unit(),
                self.start
            ))
        }
    }
}

/// One KPI card: the value for the period and its change against the previous period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiCard {
    /// Which KPI.
    pub kpi: Kpi,
    /// Its label.
    pub label: String,
    /// Value in the period.
    pub value: Ratio,
    /// Value in the previous period of equal length.
    pub previous: Ratio,
    /// `value − previous`.
    pub change: Ratio,
    /// `(value − previous) / |previous| · 100`.
    pub change_percent: Ratio,
}

/// The eight KPI cards for `period`, in the order of [`Kpi::ALL`].
pub fn kpi_cards(data: &PerformanceData, period: &Period) -> Vec<KpiCard> {
    let current = data.totals(period.rows.clone());
    let previous = period.previous(data).map(|rows| data.totals(rows));
    Kpi::ALL
        .iter()
        .map(|&kpi| {
            let value = kpi.value(&current);
            let before = match &previous {
                Ok(totals) => kpi.value(totals),
                Err(reason) => Ratio::undefined(reason.clone()),
            };
            let (change, change_percent) = change(&value, &before);
            KpiCard {
                kpi,
                label: kpi.label().to_string(),
                value,
                previous: before,
                change,
                change_percent,
            }
        })
        .collect()
}

/// Absolute and relative change from `before` to `now`.
fn change(now: &Ratio, before: &Ratio) -> (Ratio, Ratio) {
    match (now.value, before.value) {
        (Some(now), Some(before)) => (
            Ratio::of(now - before),
            Ratio::divide(
                now - before,
                before.abs(),
                100.0,
                "the previous period's value is 0, so a change in % is undefined",
            ),
        ),
        (None, _) => {
            let reason = now.undefined.clone().unwrap_or_default();
            (Ratio::undefined(&reason), Ratio::undefined(reason))
        }
        (_, None) => {
            let reason = before
                .undefined
                .clone()
                .map(|r| format!("previous period: {r}"))
                .unwrap_or_default();
            (Ratio::undefined(&reason), Ratio::undefined(reason))
        }
    }
}
