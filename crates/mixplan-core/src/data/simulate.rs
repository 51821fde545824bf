//! The simulated e-commerce store: three years of daily raw records with a known ground
//! truth, deterministic for a seed.
//!
//! ```
//! use mixplan_core::data::simulate::{simulate, SimulateParams};
//! let sim = simulate(&SimulateParams { weeks: 30, ..SimulateParams::default() })?;
//! assert_eq!(sim.raw.sales.len(), 30 * 7);
//! assert_eq!(sim.truth.channels.len(), 5);
//! # Ok::<(), mixplan_core::data::simulate::SimulateError>(())
//! ```
//!
//! # The process
//!
//! Daily records are generated, but the truth is defined on the **weekly** aggregates (see
//! [`super::prepare`] for the aggregation), so a weekly marketing-mix model with the
//! project's conventions can recover it exactly. For week `w = 0, 1, …` with weekly spend
//! `x_{c,w}` of channel `c` and weekly controls:
//!
//! ```text
//! adstock   a_{c,w} = θ_c · a_{c,w−1} + (1 − θ_c) · x_{c,w},      a_{c,−1} = 0
//! media     m_{c,w} = β_c · a^s / (a^s + K_c^s)        (a = a_{c,w}, s = s_c)
//! base      b_w     = μ + τ·w + Σ_{k=1,2} [ S_k sin(2πk·w/P) + C_k cos(2πk·w/P) ],  P = 365.25/7
//! controls  z_w     = γ_price·(price_index_w − 1) + γ_promo·promotion_w + γ_hol·holiday_w
//! revenue   y_w     = b_w + z_w + Σ_c m_{c,w} + ε_w,      ε_w ~ N(0, σ²)
//! noise     σ       = ν · mean_w(b_w + z_w + Σ_c m_{c,w}),   ν = 0.045 (rounded to the dollar)
//! ```
//!
//! `y_w` is rounded to the cent and spread over the week's days with a day-of-week
//! pattern, holiday spikes and noise by exact integer apportionment, so the daily revenue
//! sums back to `y_w` exactly. Orders are revenue over a noisy average order value.
//!
//! The true channel parameters are [`TRUE_CHANNELS`]; base and control parameters are in
//! [`GroundTruth::base`] and [`GroundTruth::controls`].
//!
//! # Flighting (how spend is planned)
//!
//! As in real plans, spend is only partly each channel's own: it follows the season and
//! moves with an overall budget shared by all channels, so that channels correlate with each
//! other (pairwise up to about 0.6) and with the baseline's seasonality, which is what makes
//! real data hard to read. Each channel's weekly budget is its own flighting times
//!
//! ```text
//! u_{c,w} = g_w^{λ_c} · (1 + φ_c · (season_w − 1)),   normalised to mean 1 over the data
//! ```
//!
//! with the trust worlds' building blocks ([`crate::data::worlds`]): `g_w` the shared budget
//! factor (budget regimes of 4–10 weeks times weekly noise), `season_w` the retail calendar
//! (January dip, October ramp, Black-Friday peak) times the base revenue's own seasonal
//! shape, and per-channel loadings `λ` and sensitivities `φ` (`flighting::COMMON_LOADING`,
//! `flighting::SEASON_SENSITIVITY`). The own flighting still varies week to week over a wide
//! range relative to `K`, from nothing to well past `K`. Each channel has its own random
//! stream and events:
//!
//! * 6 %/year growth;
//! * **planned pauses**, twice a year per channel, at random weeks and never two channels at
//!   once: Paid Search geo hold-outs (2–3 weeks), Email send freezes (2–3 weeks), Social
//!   breaks between waves (8–12 weeks, retargeting only), Affiliate programme pauses (2–4
//!   weeks, then a ramp back);
//! * Paid Search: budget regimes of 3–8 weeks, weekly pacing noise, budget-cap weeks;
//! * Email: 0–4 sends a week of varying size on send days, big campaign sends;
//! * Display: flights on 2–6 weeks at their own level, off 1–4;
//! * Social: budget regimes, pacing noise, launch bursts of ×1.6–2.4 for 2–4 weeks;
//! * Affiliate: noisy commissions, partner campaign pushes, short tracking outages.
//!
//! Total weekly spend is then kept within $10.5k–$97k by scaling all channels. Weekly budgets
//! are spread over days with per-channel day weights and rounded to the cent. The price index
//! is repriced around list price (within ±6 %) every few weeks, so it has no drift.
//!
//! # Platform metrics, business figures and mediation (issue #14)
//!
//! Once spend and revenue are fixed, further figures are drawn from random streams of
//! their own (streams 40–50), so spend, revenue and the weekly truth are unchanged for a
//! seed: what the ad platforms report per channel and day ([`platform`]), the shop's
//! customers, cost of goods, average price and promotion flag ([`business`]), the share of
//! social's contribution that arrives through paid-search clicks ([`mediation`]) and the
//! price and promotion effects implied by the controls ([`GroundTruth::pricing`]).
//!
//! # The ground truth's optimal splits
//!
//! The best split of a weekly budget `B` maximises the steady-state media revenue
//! `Σ_c β_c · hill_c(x_c)` subject to `Σ_c x_c = B`, `x_c ≥ 0` (with normalised adstock a
//! sustained spend `x` has adstock `x`). It is solved by the exact optimiser
//! ([`crate::optimize`]); the test `true_optimal_splits_agree_with_an_independent_method`
//! (`tests/optimize_truth.rs`) checks it against an independent dynamic programme.

pub mod business;
pub(in crate::data) mod flighting;
pub mod mediation;
pub mod platform;
mod pricing;

use super::MIN_WEEKS;
use super::prepare::{PrepareError, aggregate_weekly};
use super::raw::{DailySales, DailySpend, RawChannel, RawError, RawFiles, RawStore};
use super::truth::{
    Allocation, BaseTruth, ChannelTruth, ControlTruth, GroundTruth, Harmonic, WeekTruth,
    model_formulas,
};
use crate::optimize::{OptimizeError, SpendBounds, optimize};
use crate::response::{HillResponse, ResponseError};
use crate::transform::TransformError;
use chrono::{Datelike, Days, NaiveDate};
use flighting::{apportion, daily_controls, holiday_name, normal, plan_spend, rng_for, round_to};
use std::collections::BTreeMap;
use std::f64::consts::PI;
use thiserror::Error;

/// Seed of the committed demo data.
pub const DEFAULT_SEED: u64 = 42;
/// Weeks of the committed demo data (three years).
pub const DEFAULT_WEEKS: usize = 156;
/// Most weeks the simulator generates (ten years).
pub const MAX_WEEKS: usize = 520;
/// Weekly budgets at which the ground truth lists the optimal split.
pub const TRUTH_BUDGETS: [f64; 4] = [20_000.0, 40_000.0, 60_000.0, 80_000.0];

/// True parameters of one channel (see the [module docs](self) for the formulas).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueChannel {
    /// Stable snake_case id (column name in `mmm_data.csv`).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Broad kind.
    pub kind: &'static str,
    /// Geometric adstock decay θ (normalised adstock).
    pub decay: f64,
    /// Hill half-saturation K, weekly currency.
    pub half_saturation: f64,
    /// Hill shape s.
    pub shape: f64,
    /// β, weekly revenue at saturation, currency.
    pub coefficient: f64,
}

/// The five channels of the simulated store and their true response parameters.
///
/// | channel | θ | K ($/wk) | s | β ($/wk) | character |
/// |---|---|---|---|---|---|
/// | Paid Search | 0.15 | 5,000 | 1.0 | 36,000 | short carryover, near saturation |
/// | Email | 0.30 | 6,000 | 1.0 | 48,000 | cheap, high ROI, under-used |
/// | Display | 0.40 | 28,000 | 1.6 | 40,000 | S-shaped, ROI below 1 |
/// | Social | 0.70 | 9,000 | 1.2 | 65,000 | long carryover (half-life 1.9 weeks), under-used |
/// | Affiliate | 0.05 | 10,000 | 1.0 | 28,000 | immediate, mid ROI |
pub const TRUE_CHANNELS: [TrueChannel; 5] = [
    TrueChannel {
        id: "paid_search",
        name: "Paid Search",
        kind: "search",
        decay: 0.15,
        half_saturation: 5_000.0,
        shape: 1.0,
        coefficient: 36_000.0,
    },
    TrueChannel {
        id: "email",
        name: "Email",
        kind: "owned",
        decay: 0.30,
        half_saturation: 6_000.0,
        shape: 1.0,
        coefficient: 48_000.0,
    },
    TrueChannel {
        id: "display",
        name: "Display",
        kind: "display",
        decay: 0.40,
        half_saturation: 28_000.0,
        shape: 1.6,
        coefficient: 40_000.0,
    },
    TrueChannel {
        id: "social",
        name: "Social",
        kind: "social",
        decay: 0.70,
        half_saturation: 9_000.0,
        shape: 1.2,
        coefficient: 65_000.0,
    },
    TrueChannel {
        id: "affiliate",
        name: "Affiliate",
        kind: "partner",
        decay: 0.05,
        half_saturation: 10_000.0,
        shape: 1.0,
        coefficient: 28_000.0,
    },
];

// Base demand and controls.
const INTERCEPT: f64 = 150_000.0;
const TREND_PER_WEEK: f64 = 220.0;
/// (order k, amplitude, day of year of the peak).
const SEASONALITY: [(u32, f64, f64); 2] = [(1, 14_000.0, 330.0), (2, 6_000.0, 330.0)];
const GAMMA_PRICE: f64 = -350_000.0;
const GAMMA_PROMO: f64 = 300_000.0;
const GAMMA_HOLIDAY: f64 = 40_000.0;
/// Revenue noise `ν`: σ as a share of mean noiseless revenue (issue #11: real weekly
/// revenue is noisy at 4–5 %; the trust worlds draw it from 2–6 %).
pub const NOISE_FRACTION: f64 = 0.045;

/// Simulation parameters.
///
/// | field | default | range |
/// |---|---|---|
/// | `seed` | [`DEFAULT_SEED`] | any |
/// | `weeks` | [`DEFAULT_WEEKS`] | [`MIN_WEEKS`] … [`MAX_WEEKS`] |
/// | `start` | 2022-01-03 (a Monday) | any date up to 2200; weeks start on its weekday |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimulateParams {
    /// RNG seed: the same seed gives byte-identical records.
    pub seed: u64,
    /// Number of weeks.
    pub weeks: usize,
    /// First day.
    pub start: NaiveDate,
}

impl Default for SimulateParams {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            weeks: DEFAULT_WEEKS,
            start: NaiveDate::from_ymd_opt(2022, 1, 3).unwrap_or_default(),
        }
    }
}

impl SimulateParams {
    /// Checks the ranges in the table above.
    pub fn validate(&self) -> Result<(), SimulateError> {
        if !(MIN_WEEKS..=MAX_WEEKS).contains(&self.weeks) {
            return Err(SimulateError::Weeks {
                weeks: self.weeks,
                minimum: MIN_WEEKS,
                maximum: MAX_WEEKS,
            });
        }
        let limit = NaiveDate::from_ymd_opt(2200, 1, 1).unwrap_or(NaiveDate::MAX);
        let floor = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
        if self.start < floor || self.start > limit {
            return Err(SimulateError::Start(self.start));
        }
        Ok(())
    }
}

/// Why a simulation failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SimulateError {
    /// `weeks` out of range.
    #[error("cannot simulate {weeks} weeks: choose between {minimum} and {maximum}")]
    Weeks {
        /// Requested.
        weeks: usize,
        /// [`MIN_WEEKS`].
        minimum: usize,
        /// [`MAX_WEEKS`].
        maximum: usize,
    },
    /// `start` out of range.
    #[error("start date {0} is out of range: choose a date between 1900 and 2200")]
    Start(NaiveDate),
    /// Internal: aggregation of the generated records failed (a bug).
    #[error("internal error aggregating simulated records: {0}")]
    Prepare(#[from] PrepareError),
    /// Internal: the optimiser rejected the true curves (a bug).
    #[error("internal error computing the true optimal splits: {0}")]
    Optimize(#[from] OptimizeError),
    /// Internal: writing the raw records failed (a bug).
    #[error("internal error writing simulated records: {0}")]
    Raw(#[from] RawError),
    /// Internal: a true parameter is invalid (a bug).
    #[error("internal error in true parameters: {0}")]
    Transform(#[from] TransformError),
    /// Internal: a true response curve is invalid (a bug).
    #[error("internal error in true response curve: {0}")]
    Response(#[from] ResponseError),
    /// Internal: serialising the truth failed (a bug).
    #[error("internal error writing the ground truth: {0}")]
    Json(#[from] serde_json::Error),
}

/// One simulated store: raw daily records and the truth behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// The raw daily records.
    pub raw: RawStore,
    /// The ground truth.
    pub truth: GroundTruth,
}

impl Simulation {
    /// The raw records as CSV texts, and the truth as pretty JSON (what
    /// `mixplan simulate` writes).
    pub fn to_files(&self) -> Result<(RawFiles, String), SimulateError> {
        let files = self.raw.to_files()?;
        let mut truth = serde_json::to_string_pretty(&self.truth)?;
        truth.push('\n');
        Ok((files, truth))
    }
}

/// Seasonality coefficients (S_k, C_k) in the week index, from amplitudes and peak days.
fn harmonics(start: NaiveDate) -> Vec<Harmonic> {
    let period_days = 365.25;
    // Position in the year (fraction) of week 0's middle.
    let mid = start + Days::new(3);
    let tau0 = (f64::from(mid.ordinal()) - 1.0) / period_days;
    SEASONALITY
        .iter()
        .map(|&(k, amplitude, peak_day)| {
            // A·cos(2πk(τ0 + w/P − φ)) = A cos α cos x − A sin α sin x, x = 2πk·w/P.
            let phi = (peak_day - 1.0) / period_days;
            let alpha = 2.0 * PI * f64::from(k) * (tau0 - phi);
            Harmonic {
                order: k,
                sin: round_to(-amplitude * alpha.sin(), 2),
                cos: round_to(amplitude * alpha.cos(), 2),
            }
        })
        .collect()
}

/// Simulates the store. Deterministic: the same parameters give identical records and truth.
///
/// # Errors
/// [`SimulateError::Weeks`] or [`SimulateError::Start`] for out-of-range parameters; the
/// other variants are internal consistency checks.
pub fn simulate(params: &SimulateParams) -> Result<Simulation, SimulateError> {
    params.validate()?;
    let n = params.weeks;
    let seed = params.seed;
    let days: Vec<NaiveDate> = (0..7 * n as u64)
        .map(|d| params.start + Days::new(d))
        .collect();
    let weeks: Vec<NaiveDate> = (0..n as u64)
        .map(|w| params.start + Days::new(7 * w))
        .collect();

    let base = BaseTruth {
        intercept: INTERCEPT,
        trend_per_week: TREND_PER_WEEK,
        period_weeks: 365.25 / 7.0,
        seasonality: harmonics(params.start),
    };

    // Spend: plan weekly budgets, spread them over days in cents.
    let plan = plan_spend(seed, &weeks, &base);
    let channels: Vec<RawChannel> = TRUE_CHANNELS
        .iter()
        .map(|c| RawChannel {
            id: c.id.into(),
            name: c.name.into(),
            kind: c.kind.into(),
        })
        .collect();
    let mut spend = Vec::with_capacity(7 * n * TRUE_CHANNELS.len());
    for w in 0..n {
        let per_channel: Vec<Vec<i64>> = (0..TRUE_CHANNELS.len())
            .map(|c| {
                apportion(
                    (plan.weekly[c][w] * 100.0).round() as i64,
                    &plan.day_weights[c][w],
                )
            })
            .collect();
        for d in 0..7 {
            for (c, ch) in TRUE_CHANNELS.iter().enumerate() {
                spend.push(DailySpend {
                    date: days[7 * w + d],
                    channel: ch.name.into(),
                    spend_cents: per_channel[c][d],
                    impressions: 0,
                    clicks: 0,
                    platform_revenue_cents: 0,
                    conversions: 0,
                });
            }
        }
    }

    // Controls, daily.
    let (price, discount) = daily_controls(seed, &days);
    let mut raw = RawStore {
        channels,
        sales: days
            .iter()
            .enumerate()
            .map(|(i, &date)| DailySales {
                date,
                revenue_cents: 0,
                orders: 0,
                price_index_bp: price[i],
                discount_pct: discount[i],
                holiday: holiday_name(date).into(),
                customers: 0,
                cogs_cents: 0,
                average_price_cents: 0,
                promotion: 0,
            })
            .collect(),
        spend,
    };

    // The weekly aggregates the truth is defined on.
    let agg = aggregate_weekly(&raw)?;
    let weekly_spend: Vec<Vec<f64>> = (0..TRUE_CHANNELS.len()).map(|c| agg.spend(c)).collect();
    let controls = vec![
        ControlTruth {
            id: super::prepare::PRICE_INDEX.into(),
            coefficient: GAMMA_PRICE,
            reference: 1.0,
        },
        ControlTruth {
            id: super::prepare::PROMOTION.into(),
            coefficient: GAMMA_PROMO,
            reference: 0.0,
        },
        ControlTruth {
            id: super::prepare::HOLIDAY.into(),
            coefficient: GAMMA_HOLIDAY,
            reference: 0.0,
        },
    ];
    let control_series = agg.controls();
    let mut truth = GroundTruth {
        description: "Ground truth of the simulated mixplan demo store (mixplan simulate). \
                      Weekly revenue = base + controls + sum of channel contributions + noise; \
                      see docs/data.md."
            .into(),
        model: model_formulas(", noise_sd = 0.045 * mean(revenue - noise), rounded to the dollar"),
        seed,
        first_week: params.start,
        channels: TRUE_CHANNELS
            .iter()
            .map(|c| {
                ChannelTruth::before_simulation(
                    c.id.into(),
                    c.name.into(),
                    c.kind.into(),
                    c.decay,
                    c.half_saturation,
                    c.shape,
                    c.coefficient,
                )
            })
            .collect(),
        base,
        controls,
        noise_sd: 0.0,
        weekly: Vec::with_capacity(n),
        historical: Allocation::default_for(0.0),
        optimal_at_historical_budget: Allocation::default_for(0.0),
        uplift_at_historical_budget: 0.0,
        optimal: Vec::new(),
        mediation: None,
        platform: None,
        business: None,
        pricing: None,
    };
    let contributions = truth.contributions(&weekly_spend)?;
    // z_w = Σ_j γ_j · (control_{j,w} − reference_j)
    let control_effect: Vec<f64> = (0..n)
        .map(|w| {
            truth
                .controls
                .iter()
                .zip(&control_series)
                .map(|(c, s)| c.coefficient * (s.values[w] - c.reference))
                .sum()
        })
        .collect();
    let noiseless: Vec<f64> = (0..n)
        .map(|w| {
            truth.base.value(w)
                + control_effect[w]
                + contributions.iter().map(|c| c[w]).sum::<f64>()
        })
        .collect();
    truth.noise_sd = noise_sd(&noiseless);
    let sigma = truth.noise_sd;

    // Weekly revenue, then daily revenue and orders.
    let mut rng = rng_for(seed, 30);
    let revenue_dow = [1.04, 1.0, 0.98, 0.97, 0.96, 0.95, 1.10];
    let mut baseline_sum = 0.0;
    for w in 0..n {
        let base = round_to(truth.base.value(w), 2);
        let z = round_to(control_effect[w], 2);
        let media: BTreeMap<String, f64> = TRUE_CHANNELS
            .iter()
            .enumerate()
            .map(|(c, ch)| (ch.id.to_string(), round_to(contributions[c][w], 2)))
            .collect();
        let media_sum: f64 = contributions.iter().map(|c| c[w]).sum();
        let epsilon = sigma * normal(&mut rng);
        let revenue_cents = ((base + z + media_sum + epsilon) * 100.0).round().max(0.0) as i64;
        let revenue = revenue_cents as f64 / 100.0;
        let noise = round_to(revenue - base - z - media.values().sum::<f64>(), 2);
        baseline_sum += base + z;
        truth.weekly.push(WeekTruth {
            week: weeks[w],
            revenue,
            base,
            controls: z,
            contributions: media,
            noise,
        });

        let weights: Vec<f64> = (0..7)
            .map(|d| {
                let s = &raw.sales[7 * w + d];
                let dow = revenue_dow[s.date.weekday().num_days_from_monday() as usize];
                let spike = match s.holiday.as_str() {
                    "Black Friday" => 2.6,
                    "Cyber Monday" => 2.2,
                    "Super Saturday" => 1.5,
                    _ => 1.0,
                };
                let promo = 1.0 + 2.0 * f64::from(s.discount_pct) / 100.0;
                dow * spike * promo * (0.08 * normal(&mut rng)).exp()
            })
            .collect();
        let daily = apportion(revenue_cents, &weights);
        for (d, cents) in daily.into_iter().enumerate() {
            let s = &mut raw.sales[7 * w + d];
            let aov = 82.0 * f64::from(s.price_index_bp) / 10_000.0
                * (1.0 - 0.5 * f64::from(s.discount_pct) / 100.0)
                * (0.04 * normal(&mut rng)).exp();
            s.revenue_cents = cents;
            s.orders = (cents as f64 / 100.0 / aov).round() as u32;
        }
    }
    let mean_baseline = baseline_sum / n as f64;

    // Channel totals and steady-state economics.
    let mut curves = Vec::with_capacity(TRUE_CHANNELS.len());
    let mut historical_split = Vec::with_capacity(TRUE_CHANNELS.len());
    for (c, ch) in truth.channels.iter_mut().enumerate() {
        let total_spend: f64 = weekly_spend[c].iter().sum();
        let total_contribution: f64 = contributions[c].iter().sum();
        let mean = total_spend / n as f64;
        let curve = HillResponse::new(ch.coefficient, ch.half_saturation, ch.shape)?;
        ch.total_spend = round_to(total_spend, 2);
        ch.total_contribution = round_to(total_contribution, 2);
        ch.roi = if total_spend > 0.0 {
            round_to(total_contribution / total_spend, 4)
        } else {
            0.0
        };
        ch.mean_weekly_spend = round_to(mean, 2);
        ch.saturation_at_mean_spend = round_to(curve.value(mean) / ch.coefficient, 4);
        ch.marginal_roi_at_mean_spend = round_to(curve.marginal(mean), 4);
        curves.push(curve);
        historical_split.push(mean);
    }
    let ids: Vec<&str> = TRUE_CHANNELS.iter().map(|c| c.id).collect();
    let allocation = |split: &[f64]| {
        let media: f64 = curves.iter().zip(split).map(|(f, &x)| f.value(x)).sum();
        Allocation {
            budget: round_to(split.iter().sum(), 2),
            split: ids
                .iter()
                .zip(split)
                .map(|(id, &x)| (id.to_string(), round_to(x, 2)))
                .collect(),
            media_revenue: round_to(media, 2),
            revenue: round_to(mean_baseline + media, 2),
        }
    };
    let historical_budget: f64 = historical_split.iter().sum();
    truth.historical = allocation(&historical_split);
    let best = optimal_split(&curves, historical_budget)?;
    truth.optimal_at_historical_budget = allocation(&best);
    let hist_media: f64 = curves
        .iter()
        .zip(&historical_split)
        .map(|(f, &x)| f.value(x))
        .sum();
    let best_media: f64 = curves.iter().zip(&best).map(|(f, &x)| f.value(x)).sum();
    truth.uplift_at_historical_budget = if hist_media > 0.0 {
        round_to((best_media - hist_media) / hist_media, 4)
    } else {
        0.0
    };
    truth.optimal = TRUTH_BUDGETS
        .iter()
        .map(|&b| Ok(allocation(&optimal_split(&curves, b)?)))
        .collect::<Result<_, SimulateError>>()?;

    // Issue #14: mediation, platform metrics, business figures and the pricing truth. They
    // draw from their own random streams, so everything above is unchanged for a seed.
    let source = TRUE_CHANNELS
        .iter()
        .position(|c| c.id == mediation::SOURCE)
        .unwrap_or(3);
    let daily_revenue: Vec<i64> = raw.sales.iter().map(|s| s.revenue_cents).collect();
    let (extra_clicks, mediated) =
        mediation::mediated_clicks(&contributions[source], &daily_revenue);
    truth.mediation = Some(mediated);
    truth.business = Some(business::add_business_figures(seed, &mut raw.sales));
    truth.platform = Some(platform::add_platform_metrics(
        seed,
        params.start,
        &mut raw.spend,
        &raw.sales,
        &contributions,
        &extra_clicks,
    ));
    let revenue: Vec<f64> = truth.weekly.iter().map(|w| w.revenue).collect();
    truth.pricing = Some(pricing::pricing_truth(
        &control_series[0].values,
        &control_series[1].values,
        &revenue,
        GAMMA_PRICE,
        GAMMA_PROMO,
    ));

    Ok(Simulation { raw, truth })
}

/// The noise σ, `ν · mean_w(y_w − ε_w)` with `ν` = [`NOISE_FRACTION`], rounded to the
/// dollar.
fn noise_sd(noiseless_revenue: &[f64]) -> f64 {
    let mean = noiseless_revenue.iter().sum::<f64>() / noiseless_revenue.len().max(1) as f64;
    (NOISE_FRACTION * mean).round()
}

/// The split of a weekly `budget` over the true curves maximising `Σ_c f_c(x_c)` subject to
/// `Σ_c x_c = budget`, `x_c ≥ 0`: the exact optimiser, unbounded.
fn optimal_split(curves: &[HillResponse], budget: f64) -> Result<Vec<f64>, SimulateError> {
    let bounds = vec![SpendBounds::FREE; curves.len()];
    Ok(optimize(curves, &bounds, budget)?.spend().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harmonics_peak_late_november() {
        let start = NaiveDate::from_ymd_opt(2022, 1, 3).unwrap();
        let base = BaseTruth {
            intercept: 0.0,
            trend_per_week: 0.0,
            period_weeks: 365.25 / 7.0,
            seasonality: harmonics(start),
        };
        let peak = (0..53)
            .max_by(|&a, &b| base.value(a).total_cmp(&base.value(b)))
            .unwrap();
        let mid = start + Days::new(7 * peak as u64 + 3);
        assert!((315..=345).contains(&mid.ordinal()), "peak at {mid}");
        assert!((base.value(peak) - 20_000.0).abs() < 200.0);
    }
}
