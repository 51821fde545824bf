//! [`PerformanceData`]: the validated daily (or weekly) facts the performance view reads, and
//! [`Totals`], their sums over a range of dates.

use super::PerformanceError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// How far apart the dates are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// One row per day.
    Daily,
    /// One row per week.
    Weekly,
}

impl Granularity {
    /// Days between consecutive rows.
    pub fn days(self) -> i64 {
        match self {
            Granularity::Daily => 1,
            Granularity::Weekly => 7,
        }
    }

    /// The unit in words ("days", "weeks").
    pub fn unit(self) -> &'static str {
        match self {
            Granularity::Daily => "days",
            Granularity::Weekly => "weeks",
        }
    }
}

/// What an ad platform reports for one channel, one value per date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelFacts {
    /// The channel's id (column or `channel_id` value), e.g. `paid_search`.
    pub id: String,
    /// Its display name, e.g. `Paid Search`.
    pub name: String,
    /// Spend, currency.
    pub spend: Vec<f64>,
    /// Impressions.
    pub impressions: Vec<f64>,
    /// Clicks.
    pub clicks: Vec<f64>,
    /// Revenue the platform attributes to itself, currency.
    pub platform_revenue: Vec<f64>,
    /// Conversions (new customers) the platform reports.
    pub conversions: Vec<f64>,
}

/// The business's own figures, one value per date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessFacts {
    /// Revenue, currency.
    pub revenue: Vec<f64>,
    /// Orders.
    pub orders: Vec<f64>,
    /// Customers (≤ orders).
    pub customers: Vec<f64>,
    /// Cost of goods sold, currency.
    pub cogs: Vec<f64>,
}

/// Validated facts: dates strictly increasing by one day or one week, every series one
/// finite, non-negative value per date. Build with [`PerformanceData::new`] or the readers in
/// [`super::read`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerformanceData {
    dates: Vec<NaiveDate>,
    granularity: Granularity,
    channels: Vec<ChannelFacts>,
    business: BusinessFacts,
}

impl PerformanceData {
    /// Checks the facts: at least 2 dates, evenly spaced by 1 or 7 days, every series of the
    /// same length as `dates`, every value finite and ≥ 0.
    pub fn new(
        dates: Vec<NaiveDate>,
        channels: Vec<ChannelFacts>,
        business: BusinessFacts,
    ) -> Result<Self, PerformanceError> {
        if dates.len() < 2 {
            return Err(PerformanceError::TooShort { found: dates.len() });
        }
        let step = (dates[1] - dates[0]).num_days();
        let granularity = match step {
            1 => Granularity::Daily,
            7 => Granularity::Weekly,
            days => {
                return Err(PerformanceError::Spacing {
                    after: dates[0],
                    before: dates[1],
                    days,
                });
            }
        };
        if let Some(pair) = dates
            .windows(2)
            .find(|pair| (pair[1] - pair[0]).num_days() != step)
        {
            return Err(PerformanceError::Spacing {
                after: pair[0],
                before: pair[1],
                days: (pair[1] - pair[0]).num_days(),
            });
        }
        let n = dates.len();
        let mut series: Vec<(String, &[f64])> = vec![
            ("revenue".into(), &business.revenue),
            ("orders".into(), &business.orders),
            ("customers".into(), &business.customers),
            ("cogs".into(), &business.cogs),
        ];
        for channel in &channels {
            for (metric, values) in [
                ("spend", &channel.spend),
                ("impressions", &channel.impressions),
                ("clicks", &channel.clicks),
                ("platform_revenue", &channel.platform_revenue),
                ("conversions", &channel.conversions),
            ] {
                series.push((format!("{}_{metric}", channel.id), values));
            }
        }
        for (what, values) in series {
            if values.len() != n {
                return Err(PerformanceError::Length {
                    what,
                    expected: n,
                    found: values.len(),
                });
            }
            if let Some((index, &value)) = values
                .iter()
                .enumerate()
                .find(|(_, v)| !v.is_finite() || **v < 0.0)
            {
                return Err(PerformanceError::NonFinite { what, index, value });
            }
        }
        Ok(Self {
            dates,
            granularity,
            channels,
            business,
        })
    }

    /// The dates, increasing.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// Daily or weekly.
    pub fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// The channels' platform figures.
    pub fn channels(&self) -> &[ChannelFacts] {
        &self.channels
    }

    /// The business figures.
    pub fn business(&self) -> &BusinessFacts {
        &self.business
    }

    /// First date.
    pub fn first_date(&self) -> NaiveDate {
        self.dates[0]
    }

    /// Last date.
    pub fn last_date(&self) -> NaiveDate {
        self.dates[self.dates.len() - 1]
    }

    /// Sums over the rows in `rows`, all channels together.
    pub fn totals(&self, rows: Range<usize>) -> Totals {
        let mut totals = Totals::default();
        for t in rows {
            for channel in &self.channels {
                totals.add_channel_row(channel, t);
            }
            totals.revenue += self.business.revenue[t];
            totals.orders += self.business.orders[t];
            totals.customers += self.business.customers[t];
            totals.cogs += self.business.cogs[t];
        }
        totals
    }

    /// Sums over the rows in `rows` for one channel (business fields stay 0).
    pub fn channel_totals(&self, channel: usize, rows: Range<usize>) -> Totals {
        let mut totals = Totals::default();
        if let Some(channel) = self.channels.get(channel) {
            for t in rows {
                totals.add_channel_row(channel, t);
            }
        }
        totals
    }
}

/// Sums of every figure over a range of dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Spend, currency.
    pub spend: f64,
    /// Impressions.
    pub impressions: f64,
    /// Clicks.
    pub clicks: f64,
    /// Platform-attributed revenue, currency.
    pub platform_revenue: f64,
    /// Platform-reported conversions.
    pub conversions: f64,
    /// Business revenue, currency.
    pub revenue: f64,
    /// Orders.
    pub orders: f64,
    /// Customers.
    pub customers: f64,
    /// Cost of goods sold, currency.
    pub cogs: f64,
}

impl Totals {
    fn add_channel_row(&mut self, channel: &ChannelFacts, t: usize) {
        self.spend += channel.spend[t];
        self.impressions += channel.impressions[t];
        self.clicks += channel.clicks[t];
        self.platform_revenue += channel.platform_revenue[t];
        self.conversions += channel.conversions[t];
    }
}
