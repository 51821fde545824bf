//! The simulated store's truth beyond the weekly model (issue #14): how social's effect
//! reaches revenue through paid search, what the ad platforms report, the business figures
//! and the price and promotion effects implied by the weekly controls. Written by
//! [`crate::data::simulate`] (see its `platform`, `business` and `mediation` modules for
//! the formulas); absent from the trust-benchmark worlds.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Mediation: a known share of some channels' true contribution arrives through a
/// mediator channel's metric (social → paid-search clicks → revenue).
///
/// ```text
/// indirect = s · total,   direct = (1 − s) · total,   total = Σ_w m_{source,w}
/// extra_clicks[d] = s · m_source[d] / v    (v = value_per_click)
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediationTruth {
    /// The mediator channel's id (`paid_search`).
    pub mediator: String,
    /// The mediator's metric the indirect effect shows up in (`clicks`).
    pub metric: String,
    /// `v`: true revenue per mediator click, currency.
    pub value_per_click: f64,
    /// The channels whose effect is partly mediated.
    pub sources: Vec<MediatedSource>,
}

/// One mediated channel: its total true contribution split into direct and indirect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediatedSource {
    /// The source channel's id (`social`).
    pub channel: String,
    /// `s`, the share of its contribution that arrives through the mediator.
    pub indirect_share: f64,
    /// `Σ_w m_{source,w}`, as in [`super::ChannelTruth::total_contribution`].
    pub total_contribution: f64,
    /// `(1 − s) · total`.
    pub direct_contribution: f64,
    /// `s · total`.
    pub indirect_contribution: f64,
    /// `Σ_d extra_clicks[d]`: the mediator clicks this source added (each worth `v`).
    pub extra_clicks: u64,
}

/// What the ad platforms report, and how it was generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformTruth {
    /// One entry per channel, in channel order.
    pub channels: Vec<PlatformChannelTruth>,
    /// Injected anomalies (what a performance alert should find).
    pub anomalies: Vec<PlatformAnomaly>,
}

/// One channel's true platform parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformChannelTruth {
    /// Channel id.
    pub channel: String,
    /// Cost per thousand impressions at the start, currency (for paid search: implied by
    /// CPC and CTR, `1000 · ctr · cpc`).
    pub cpm: f64,
    /// Yearly drift of the CPM: `cpm_d = cpm · (1 + drift · t_d / 365.25)` before noise (0
    /// for paid search, whose clicks follow from its value).
    pub cpm_drift_per_year: f64,
    /// Click-through rate (clicks per impression).
    pub ctr: f64,
    /// Cost per click, currency (paid search only, implied: its spend over its own clicks
    /// `m_d / v` on the days it spends; it rises with spend as returns diminish).
    pub cpc: Option<f64>,
    /// How the platform credits itself: `platform_model` (a factor times the true
    /// contribution) or `last_click` (its clicks × a conversion rate × the order value).
    pub attribution_model: String,
    /// `last_click` channels: orders per click.
    pub conversion_rate: Option<f64>,
    /// Platform-attributed revenue over the channel's true contribution: the factor applied
    /// (`platform_model`), or the realised ratio (`last_click`, 4 decimals).
    pub attribution_factor: f64,
    /// Realised `Σ platform_revenue / Σ true contribution` over the data.
    pub realised_attribution_ratio: f64,
}

/// One injected anomaly: on `date`, `channel`'s `metric` was `factor` times its usual value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformAnomaly {
    /// The day.
    pub date: NaiveDate,
    /// Channel id.
    pub channel: String,
    /// `cpm`, `ctr`, `cpc` or `platform_revenue`.
    pub metric: String,
    /// Multiplier applied to the metric that day.
    pub factor: f64,
}

/// The business figures' parameters and realised values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessTruth {
    /// List price of the average item, currency (`average_price = price_index · list_price`).
    pub list_price: f64,
    /// Cost of goods as a share of revenue at list price and no discount, before noise.
    pub cogs_share: f64,
    /// Realised `1 − Σ cogs / Σ revenue`.
    pub gross_margin: f64,
    /// Realised `Σ revenue / Σ orders`, currency.
    pub average_order_value: f64,
    /// Mean distinct customers per order, before noise.
    pub customers_per_order: f64,
}

/// Price and promotion effects implied by the weekly controls' true coefficients.
///
/// ```text
/// price_elasticity_at_means    = γ_price · mean_w(price_index_w) / mean_w(revenue_w)
/// promotion_lift_per_promo_week = mean over weeks with promotion_w > 0 of γ_promo · promotion_w
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricingTruth {
    /// Revenue elasticity with respect to price at the means (4 decimals).
    pub price_elasticity_at_means: f64,
    /// Mean revenue added by promotions in a week with a promotion, currency.
    pub promotion_lift_per_promo_week: f64,
    /// Number of weeks with a promotion.
    pub promo_weeks: usize,
}
