//! The channel comparison table: per channel, over a period,
//!
//! ```text
//! platform ROAS = S(platform_revenue) / S(spend)
//! CPA           = S(spend) / S(conversions)
//! CTR           = S(clicks) / S(impressions)
//! CPM           = S(spend) / S(impressions) · 1000
//! ```
//!
//! next to the model's ROI (contribution per unit of spend) when one is given. Platforms
//! credit themselves generously, so platform ROAS is usually above the model's ROI.

use super::{PerformanceData, Period, Ratio};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One row of the channel table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelRow {
    /// The channel's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Spend in the period.
    pub spend: f64,
    /// Platform-attributed revenue in the period.
    pub platform_revenue: f64,
    /// Platform-reported conversions in the period.
    pub conversions: f64,
    /// Platform revenue per unit of spend.
    pub platform_roas: Ratio,
    /// Spend per conversion.
    pub cpa: Ratio,
    /// Clicks per impression.
    pub ctr: Ratio,
    /// Spend per thousand impressions.
    pub cpm: Ratio,
    /// The model's ROI for the channel, when given.
    pub model_roi: Option<f64>,
}

/// The channel table for `period`; `model_roi` maps channel ids to the model's ROI (channels
/// not in it get `None`).
pub fn channel_table(
    data: &PerformanceData,
    period: &Period,
    model_roi: &HashMap<String, f64>,
) -> Vec<ChannelRow> {
    data.channels()
        .iter()
        .enumerate()
        .map(|(c, channel)| {
            let t = data.channel_totals(c, period.rows.clone());
            ChannelRow {
                id: channel.id.clone(),
                name: channel.name.clone(),
                spend: t.spend,
                platform_revenue: t.platform_revenue,
                conversions: t.conversions,
                platform_roas: Ratio::divide(
                    t.platform_revenue,
                    t.spend,
                    1.0,
                    "no spend in the period",
                ),
                cpa: Ratio::divide(t.spend, t.conversions, 1.0, "no conversions in the period"),
                ctr: Ratio::divide(t.clicks, t.impressions, 1.0, "no impressions in the period"),
                cpm: Ratio::divide(
                    t.spend,
                    t.impressions,
                    1000.0,
                    "no impressions in the period",
                ),
                model_roi: model_roi
                    .get(&channel.id)
                    .copied()
                    .filter(|r| r.is_finite()),
            }
        })
        .collect()
}
