//! Social → paid search → revenue: the share of social's true contribution that arrives
//! through paid-search clicks (issue #14). Revenue does not change: the mediation only says
//! *how* part of social's contribution `m_{social,w}` reaches the shop.
//!
//! ```text
//! total    = Σ_w m_{social,w}                 (unchanged, as in the weekly truth)
//! indirect = s · total,   direct = (1 − s) · total,   s = INDIRECT_SHARE = 0.30
//! extra_w  = round(s · m_{social,w} / v),     v = VALUE_PER_CLICK = $2.00 per click
//! extra_d  = extra_w apportioned over the week's days in proportion to the day's revenue
//! paid-search clicks_d = (m_{search,d} / v + extra_d) · reporting noise   (`platform` module)
//! ```
//!
//! So `Σ_d extra_d · v = indirect` up to the rounding of each week's extra clicks (at most
//! `v / 2` per week), and paid search's own clicks are its true contribution over `v` on the
//! days it spends: the clicks carry the search part of revenue, `v · (own + extra)`, in
//! every week with search spend (`platform` module).

use super::flighting::{apportion, round_to};
use crate::data::truth::{MediatedSource, MediationTruth};

/// `s`: the share of social's contribution that flows through paid search.
pub const INDIRECT_SHARE: f64 = 0.30;
/// `v`: the store's true revenue per paid-search click, currency.
pub const VALUE_PER_CLICK: f64 = 2.0;
/// The mediator channel and the source channel (ids of [`super::TRUE_CHANNELS`]).
pub(super) const MEDIATOR: &str = "paid_search";
pub(super) const SOURCE: &str = "social";

/// The extra paid-search clicks per day (`days.len()` = 7 × weeks) caused by social's
/// weekly contribution `social_contribution[w]`, spread by the day's revenue
/// `daily_revenue_cents`, and the mediation truth.
pub(super) fn mediated_clicks(
    social_contribution: &[f64],
    daily_revenue_cents: &[i64],
) -> (Vec<i64>, MediationTruth) {
    let mut extra = Vec::with_capacity(daily_revenue_cents.len());
    for (w, m) in social_contribution.iter().enumerate() {
        let clicks = (INDIRECT_SHARE * m / VALUE_PER_CLICK).round().max(0.0) as i64;
        let days = daily_revenue_cents
            .get(7 * w..7 * w + 7)
            .unwrap_or_default();
        let weights: Vec<f64> = days.iter().map(|&c| c as f64).collect();
        let mut split = apportion(clicks, &weights);
        split.resize(days.len(), 0);
        extra.extend(split);
    }
    let total: f64 = social_contribution.iter().sum();
    let truth = MediationTruth {
        mediator: MEDIATOR.into(),
        metric: "clicks".into(),
        value_per_click: VALUE_PER_CLICK,
        sources: vec![MediatedSource {
            channel: SOURCE.into(),
            indirect_share: INDIRECT_SHARE,
            total_contribution: round_to(total, 2),
            direct_contribution: round_to((1.0 - INDIRECT_SHARE) * total, 2),
            indirect_contribution: round_to(INDIRECT_SHARE * total, 2),
            extra_clicks: extra.iter().sum::<i64>().max(0) as u64,
        }],
    };
    (extra, truth)
}
