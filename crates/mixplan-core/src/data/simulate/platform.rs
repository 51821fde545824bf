//! What the ad platforms report per channel and day (issue #14): impressions, clicks,
//! platform-attributed revenue and conversions, from their own random streams (so spend and
//! revenue are unchanged for a seed). For channel `c` on day `d` (`t_d` days after the
//! start) with spend `x_d`, true contribution `m_{c,w}` of its week `w` and the day's order
//! value `aov_d = revenue_d / orders_d` (ξ ~ N(0, 1), a fresh draw each time):
//!
//! ```text
//! drift_d        = 1 + DRIFT_c · t_d / 365.25
//! cpm_d          = CPM_c · drift_d · e^{0.08 ξ}
//! impressions_d  = round(1000 · x_d / cpm_d)
//! clicks_d       = min(impressions_d, round(impressions_d · CTR_c · e^{0.1 ξ}))
//! paid search:     m_d = m_{c,w} · x_d / x_w                  (its true contribution that day)
//!                  own_d = m_d / v                           (v = VALUE_PER_CLICK, `mediation`)
//!                  clicks_d = round((own_d + extra_d) · e^{0.025 ξ} / A_d)
//!                  impressions_d = max(clicks_d, round(clicks_d / (CTR · e^{0.08 ξ})))
//!                  (extra_d: the social-driven clicks of the `mediation` module; A_d the CPC
//!                  anomaly's factor on its day, 1 otherwise; e^{0.025 ξ}: reporting noise)
//! platform model:  platform_revenue_d = F_c · m_{c,w} · x_d / x_w · e^{0.15 ξ}
//!                  (paid search, display, social: the platform over-credits itself by F_c)
//! last click:      platform_revenue_d = clicks_d · CR_c · aov_d · e^{0.1 ξ}
//!                  (email, affiliate: credit for every order that came through a click)
//! conversions_d    = round(NEW_CUSTOMER_SHARE · platform_revenue_d / aov_d)
//! ```
//!
//! So paid search's clicks carry its value: in every week it spends, the search part of
//! revenue is exactly `v · Σ_d (own_d + extra_d)` (its own contribution plus social's
//! indirect part), and the reported clicks differ from that only by the reporting noise. In a
//! week without search spend there are no own clicks (`m_d` is undefined), while its
//! carryover still adds revenue (2.3 % of search's contribution on seed 42). Its CPC is implied,
//! `cpc_d = x_d / own_d = v · x_d / m_d`: it rises with spend as the returns diminish.
//! Revenue does not depend on these clicks (it is generated before them).
//!
//! Days without spend report nothing (paid search still reports its social-driven
//! clicks). Then [`ANOMALIES`] are injected, one day each, at random days on which the
//! channel spends: the metric is multiplied by the factor and what follows from it is
//! recomputed (a CPM spike cuts impressions and clicks, a CPC spike divides the reported clicks,
//! a CTR drop cuts clicks, a tracking glitch multiplies platform revenue and conversions).

use super::TRUE_CHANNELS;
use super::flighting::{normal, rng_for, round_to};
use super::mediation::VALUE_PER_CLICK;
use crate::data::raw::{DailySales, DailySpend};
use crate::data::truth::{PlatformAnomaly, PlatformChannelTruth, PlatformTruth};
use chrono::{Days, NaiveDate};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// How a platform credits itself.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Attribution {
    /// `F · true contribution`.
    PlatformModel(f64),
    /// Clicks × conversion rate × order value.
    LastClick(f64),
}

/// One channel's platform parameters.
#[derive(Debug, Clone, Copy)]
struct PlatformParams {
    /// Cost per thousand impressions at the start (unused for paid search: its clicks follow
    /// from its value, its CPM is implied).
    cpm: f64,
    /// Yearly drift of CPM (unused for paid search).
    drift: f64,
    /// Click-through rate.
    ctr: f64,
    /// Paid search: clicks are its true contribution over the value per click.
    clicks_carry_value: bool,
    attribution: Attribution,
}

/// Parameters in the order of [`TRUE_CHANNELS`]: paid search, email, display, social,
/// affiliate. Email's "impressions" are messages delivered.
const PARAMS: [PlatformParams; 5] = [
    PlatformParams {
        cpm: 0.0,
        drift: 0.0,
        ctr: 0.045,
        clicks_carry_value: true,
        attribution: Attribution::PlatformModel(1.5),
    },
    PlatformParams {
        cpm: 4.0,
        drift: 0.0,
        ctr: 0.025,
        clicks_carry_value: false,
        attribution: Attribution::LastClick(0.014),
    },
    PlatformParams {
        cpm: 3.5,
        drift: 0.04,
        ctr: 0.0018,
        clicks_carry_value: false,
        attribution: Attribution::PlatformModel(2.2),
    },
    PlatformParams {
        cpm: 7.5,
        drift: 0.10,
        ctr: 0.009,
        clicks_carry_value: false,
        attribution: Attribution::PlatformModel(1.7),
    },
    PlatformParams {
        cpm: 9.0,
        drift: 0.02,
        ctr: 0.012,
        clicks_carry_value: false,
        attribution: Attribution::LastClick(0.023),
    },
];

/// Share of platform-attributed orders that are new customers (the platforms'
/// "conversions").
pub const NEW_CUSTOMER_SHARE: f64 = 0.6;

/// The injected anomalies: (channel id, metric, factor).
pub const ANOMALIES: [(&str, &str, f64); 4] = [
    ("display", "cpm", 2.4),
    ("social", "ctr", 0.35),
    ("paid_search", "cpc", 2.0),
    ("affiliate", "platform_revenue", 3.0),
];

/// First random stream of the platform metrics (one per channel, then the anomalies').
const STREAM: u64 = 40;
/// Standard deviation of the log reporting noise on paid search's clicks (≈ ±2.5 %).
const CLICK_REPORTING_NOISE: f64 = 0.025;
/// Anomalies fall after this many days, so that a baseline exists before them.
const ANOMALY_WARM_UP_DAYS: usize = 56;

/// Fills the platform columns of `spend` (rows of [`TRUE_CHANNELS`] only) and returns the
/// platform truth. `contributions[c][w]` are the true weekly contributions, `extra_clicks[d]`
/// the social-driven paid-search clicks per day; `sales` are the days, from `start`.
pub(super) fn add_platform_metrics(
    seed: u64,
    start: NaiveDate,
    spend: &mut [DailySpend],
    sales: &[DailySales],
    contributions: &[Vec<f64>],
    extra_clicks: &[i64],
) -> PlatformTruth {
    let n_days = sales.len();
    let n_channels = TRUE_CHANNELS.len();
    // Row of (channel, day), and each channel's weekly spend in cents.
    let mut row = vec![vec![None; n_days]; n_channels];
    let mut weekly_cents = vec![vec![0i64; n_days.div_ceil(7)]; n_channels];
    for (i, s) in spend.iter().enumerate() {
        let Some(c) = TRUE_CHANNELS.iter().position(|ch| ch.name == s.channel) else {
            continue;
        };
        let d = (s.date - start).num_days();
        if d < 0 || d as usize >= n_days {
            continue;
        }
        let d = d as usize;
        row[c][d] = Some(i);
        weekly_cents[c][d / 7] += s.spend_cents;
    }
    let aov: Vec<f64> = sales
        .iter()
        .map(|s| {
            if s.orders > 0 {
                s.revenue_cents as f64 / 100.0 / f64::from(s.orders)
            } else {
                82.0
            }
        })
        .collect();

    let anomalies = pick_anomaly_days(&mut rng_for(seed, STREAM + 10), &row, spend, n_days, start);
    let factor_on = |c: usize, d: usize, metric: &str| -> f64 {
        anomalies
            .iter()
            .find(|(ac, ad, a)| *ac == c && *ad == d && a.metric == metric)
            .map_or(1.0, |(_, _, a)| a.factor)
    };

    let mut truth_channels = Vec::with_capacity(n_channels);
    for (c, p) in PARAMS.iter().enumerate() {
        let mut rng = rng_for(seed, STREAM + c as u64);
        let mut platform_total = 0.0;
        // Paid search: spend and own clicks on spending days, for the implied CPC.
        let (mut spend_total, mut own_total) = (0.0, 0.0);
        for d in 0..n_days {
            let Some(i) = row[c][d] else { continue };
            let x = spend[i].spend_cents as f64 / 100.0;
            let drift = 1.0 + p.drift * d as f64 / 365.25;
            let week_cents = weekly_cents[c][d / 7];
            // The channel's true contribution that day (its week's, split by spend).
            let m = if spend[i].spend_cents == 0 || week_cents == 0 {
                None
            } else {
                let share = spend[i].spend_cents as f64 / week_cents as f64;
                Some(contributions[c].get(d / 7).copied().unwrap_or(0.0) * share)
            };
            let (impressions, clicks) = if p.clicks_carry_value {
                let own = m.unwrap_or(0.0).max(0.0) / VALUE_PER_CLICK;
                if x > 0.0 {
                    spend_total += x;
                    own_total += own;
                }
                let noise = (CLICK_REPORTING_NOISE * normal(&mut rng)).exp();
                let ctr_d = p.ctr * (0.08 * normal(&mut rng)).exp();
                let true_clicks = own + extra_clicks.get(d).copied().unwrap_or(0).max(0) as f64;
                let clicks = (true_clicks * noise / factor_on(c, d, "cpc"))
                    .round()
                    .max(0.0) as u64;
                let impressions = ((clicks as f64 / ctr_d).round() as u64).max(clicks);
                (impressions, clicks)
            } else {
                let cpm_d =
                    p.cpm * drift * (0.08 * normal(&mut rng)).exp() * factor_on(c, d, "cpm");
                let ctr_d = p.ctr * (0.1 * normal(&mut rng)).exp() * factor_on(c, d, "ctr");
                let impressions = (1000.0 * x / cpm_d).round().max(0.0) as u64;
                let clicks =
                    ((impressions as f64 * ctr_d).round().max(0.0) as u64).min(impressions);
                (impressions, clicks)
            };
            let revenue = match m {
                None => 0.0,
                Some(m) => match p.attribution {
                    Attribution::PlatformModel(f) => f * m * (0.15 * normal(&mut rng)).exp(),
                    Attribution::LastClick(cr) => {
                        clicks as f64 * cr * aov[d] * (0.1 * normal(&mut rng)).exp()
                    }
                },
            } * factor_on(c, d, "platform_revenue");
            let revenue_cents = (revenue * 100.0).round().max(0.0) as i64;
            let s = &mut spend[i];
            s.impressions = impressions;
            s.clicks = clicks;
            s.platform_revenue_cents = revenue_cents;
            s.conversions = (NEW_CUSTOMER_SHARE * revenue_cents as f64 / 100.0 / aov[d])
                .round()
                .max(0.0) as u64;
            platform_total += revenue_cents as f64 / 100.0;
        }
        let contribution: f64 = contributions[c].iter().sum();
        let realised = if contribution > 0.0 {
            round_to(platform_total / contribution, 4)
        } else {
            0.0
        };
        // Paid search's implied CPC over its spending days: Σ x_d / Σ own_d.
        let implied_cpc =
            (p.clicks_carry_value && own_total > 0.0).then(|| round_to(spend_total / own_total, 4));
        let (model, conversion_rate, factor) = match p.attribution {
            Attribution::PlatformModel(f) => ("platform_model", None, f),
            Attribution::LastClick(cr) => ("last_click", Some(cr), realised),
        };
        truth_channels.push(PlatformChannelTruth {
            channel: TRUE_CHANNELS[c].id.into(),
            cpm: implied_cpc.map_or(p.cpm, |cpc| round_to(1000.0 * p.ctr * cpc, 4)),
            cpm_drift_per_year: p.drift,
            ctr: p.ctr,
            cpc: implied_cpc,
            attribution_model: model.into(),
            conversion_rate,
            attribution_factor: factor,
            realised_attribution_ratio: realised,
        });
    }
    PlatformTruth {
        channels: truth_channels,
        anomalies: anomalies.into_iter().map(|(_, _, a)| a).collect(),
    }
}

/// For each of [`ANOMALIES`], a random day after the warm-up on which the channel spends
/// (and no other anomaly falls): `(channel index, day index, anomaly)`, sorted by day. An
/// anomaly whose channel never spends is left out.
fn pick_anomaly_days(
    rng: &mut ChaCha8Rng,
    row: &[Vec<Option<usize>>],
    spend: &[DailySpend],
    n_days: usize,
    start: NaiveDate,
) -> Vec<(usize, usize, PlatformAnomaly)> {
    let mut out: Vec<(usize, usize, PlatformAnomaly)> = Vec::new();
    if n_days <= ANOMALY_WARM_UP_DAYS + 7 {
        return out;
    }
    for (id, metric, factor) in ANOMALIES {
        let Some(c) = TRUE_CHANNELS.iter().position(|ch| ch.id == id) else {
            continue;
        };
        for _ in 0..1_000 {
            let d = rng.random_range(ANOMALY_WARM_UP_DAYS..n_days - 7);
            let spends = row[c][d].is_some_and(|i| spend[i].spend_cents > 0);
            if spends && !out.iter().any(|(_, od, _)| od.abs_diff(d) < 7) {
                out.push((
                    c,
                    d,
                    PlatformAnomaly {
                        date: start + Days::new(d as u64),
                        channel: id.into(),
                        metric: metric.into(),
                        factor,
                    },
                ));
                break;
            }
        }
    }
    out.sort_by_key(|(_, d, _)| *d);
    out
}
