//! A world's base revenue, controls, noisy revenue and true steady-state economics (the
//! formulas in the [parent module's docs](super)).

use super::{BUDGET_MULTIPLES, ChannelDraw, HOLIDAY, PERIOD_WEEKS, PRICE_INDEX, WorldError};
use crate::data::Series;
use crate::data::simulate::flighting::{daily_controls, holiday_name, normal, rng_for};
use crate::data::truth::{
    Allocation, BaseTruth, ChannelTruth, ControlTruth, GroundTruth, Harmonic, WeekTruth,
};
use crate::optimize::{SpendBounds, optimize};
use crate::response::HillResponse;
use chrono::{Datelike, Days, NaiveDate};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::f64::consts::PI;

/// Seasonality term `A·cos(2πk(τ₀ + w/P − φ))` as sine and cosine coefficients in the week
/// index, where `τ₀` is the position in the year of week 0's middle and `φ` that of
/// `peak_day`: `A cos α cos x − A sin α sin x`, `x = 2πk·w/P`, `α = 2πk(τ₀ − φ)`.
fn harmonic(order: u32, amplitude: f64, peak_day: f64, start: NaiveDate) -> Harmonic {
    let mid = start + Days::new(3);
    let tau0 = (f64::from(mid.ordinal()) - 1.0) / 365.25;
    let phi = (peak_day - 1.0) / 365.25;
    let alpha = 2.0 * PI * f64::from(order) * (tau0 - phi);
    Harmonic {
        order,
        sin: -amplitude * alpha.sin(),
        cos: amplitude * alpha.cos(),
    }
}

/// The base `b_w = μ + τ·w + Σ_k [S_k sin(2πk·w/P) + C_k cos(2πk·w/P)]`, with
/// `μ = Σ_c r_c m_c · (1 − share)/share` (media is `share` of the steady-state revenue at
/// the typical spends), `τ = μ · U(−0.1, 0.3) / n`, and two harmonics of amplitudes
/// `μ·U(0.04, 0.12)` and `μ·U(0, 0.05)` peaking on day-of-year `U(305, 345)`.
pub(super) fn draw_base(
    rng: &mut ChaCha8Rng,
    draws: &[ChannelDraw],
    media_share: f64,
    n: usize,
    first: NaiveDate,
) -> BaseTruth {
    let media_at_typical: f64 = draws
        .iter()
        .map(|d| d.roi_at_typical_spend * d.typical_spend)
        .sum();
    let intercept = media_at_typical * (1.0 - media_share) / media_share;
    let trend_share = rng.random_range(-0.1..=0.3);
    let peak_day = rng.random_range(305.0..=345.0);
    let a1 = intercept * rng.random_range(0.04..=0.12);
    let a2 = intercept * rng.random_range(0.0..=0.05);
    BaseTruth {
        intercept,
        trend_per_week: intercept * trend_share / n as f64,
        period_weeks: PERIOD_WEEKS,
        seasonality: vec![
            harmonic(1, a1, peak_day, first),
            harmonic(2, a2, peak_day, first),
        ],
    }
}

/// The controls and their weekly series: the holiday-week flag (1 if Black Friday, Cyber
/// Monday or Super Saturday falls in the week; `γ = μ·U(0.02, 0.08)`), and in half the worlds
/// the store's weekly mean price index (`γ = −μ·U(0.5, 2)`, reference 1).
pub(super) fn draw_controls(
    rng: &mut ChaCha8Rng,
    seed: u64,
    weeks: &[NaiveDate],
    intercept: f64,
) -> (Vec<ControlTruth>, Vec<Series>) {
    let holiday: Vec<f64> = weeks
        .iter()
        .map(|&start| {
            let any = (0..7).any(|d| !holiday_name(start + Days::new(d)).is_empty());
            f64::from(u8::from(any))
        })
        .collect();
    let mut controls = vec![ControlTruth {
        id: HOLIDAY.into(),
        coefficient: intercept * rng.random_range(0.02..=0.08),
        reference: 0.0,
    }];
    let mut series = vec![Series {
        name: HOLIDAY.into(),
        values: holiday,
    }];
    if rng.random_bool(0.5) {
        let Some(&first) = weeks.first() else {
            return (controls, series);
        };
        let days: Vec<NaiveDate> = (0..7 * weeks.len() as u64)
            .map(|d| first + Days::new(d))
            .collect();
        let (price_bp, _) = daily_controls(seed, &days);
        let weekly: Vec<f64> = price_bp
            .chunks(7)
            .map(|d| d.iter().map(|&p| f64::from(p)).sum::<f64>() / 7.0 / 10_000.0)
            .collect();
        controls.push(ControlTruth {
            id: PRICE_INDEX.into(),
            coefficient: -intercept * rng.random_range(0.5..=2.0),
            reference: 1.0,
        });
        series.push(Series {
            name: PRICE_INDEX.into(),
            values: weekly,
        });
    }
    (controls, series)
}

/// Fills the truth's weekly decomposition and noise σ, and returns the observed revenue
/// `y_w = b_w + z_w + Σ_c m_{c,w} + ε_w`, `ε_w ~ N(0, σ²)`, `σ = ν · mean_w(y_w − ε_w)`.
pub(super) fn add_revenue(
    truth: &mut GroundTruth,
    weeks: &[NaiveDate],
    spend: &[Vec<f64>],
    control_series: &[Series],
    noise_fraction: f64,
    seed: u64,
) -> Result<Vec<f64>, WorldError> {
    let n = weeks.len();
    let contributions = truth.contributions(spend)?;
    let base_and_controls: Vec<(f64, f64)> = (0..n)
        .map(|w| {
            let z = truth
                .controls
                .iter()
                .zip(control_series)
                .map(|(c, s)| c.coefficient * (s.values[w] - c.reference))
                .sum();
            (truth.base.value(w), z)
        })
        .collect();
    let noiseless: Vec<f64> = (0..n)
        .map(|w| {
            let (b, z) = base_and_controls[w];
            b + z + contributions.iter().map(|m| m[w]).sum::<f64>()
        })
        .collect();
    let noise_sd = noise_fraction * noiseless.iter().sum::<f64>() / n as f64;
    truth.noise_sd = noise_sd;
    let mut noise_rng = rng_for(seed, 40);
    let mut revenue = Vec::with_capacity(n);
    for w in 0..n {
        let noise = noise_sd * normal(&mut noise_rng);
        let (b, z) = base_and_controls[w];
        revenue.push(noiseless[w] + noise);
        truth.weekly.push(WeekTruth {
            week: weeks[w],
            revenue: noiseless[w] + noise,
            base: b,
            controls: z,
            contributions: truth
                .channels
                .iter()
                .zip(&contributions)
                .map(|(c, m)| (c.id.clone(), m[w]))
                .collect(),
            noise,
        });
    }
    Ok(revenue)
}

/// Fills each channel's realised totals and ROI (`Σ_w m_{c,w} / Σ_w x_{c,w}`), its
/// steady-state economics at its mean spend, the historical mix, and the true optimal
/// splits at [`BUDGET_MULTIPLES`] of the historical budget (the exact optimiser on the true
/// curves). Needs the weekly decomposition ([`add_revenue`]) first.
pub(super) fn add_economics(truth: &mut GroundTruth, spend: &[Vec<f64>]) -> Result<(), WorldError> {
    let n = truth.weekly.len();
    for (c, ch) in truth.channels.iter_mut().enumerate() {
        let total_spend: f64 = spend[c].iter().sum();
        let total_contribution: f64 = truth.weekly.iter().map(|w| w.contributions[&ch.id]).sum();
        let mean = total_spend / n as f64;
        let curve = ch.response()?;
        ch.total_spend = total_spend;
        ch.total_contribution = total_contribution;
        ch.roi = if total_spend > 0.0 {
            total_contribution / total_spend
        } else {
            0.0
        };
        ch.mean_weekly_spend = mean;
        ch.saturation_at_mean_spend = curve.value(mean) / ch.coefficient;
        ch.marginal_roi_at_mean_spend = curve.marginal(mean);
    }
    let curves: Vec<HillResponse> = truth
        .channels
        .iter()
        .map(ChannelTruth::response)
        .collect::<Result<_, _>>()?;
    let ids: Vec<String> = truth.channels.iter().map(|c| c.id.clone()).collect();
    let mean_base = truth
        .weekly
        .iter()
        .map(|w| w.base + w.controls)
        .sum::<f64>()
        / n as f64;
    let allocation = |split: &[f64]| {
        let media: f64 = curves.iter().zip(split).map(|(f, &x)| f.value(x)).sum();
        Allocation {
            budget: split.iter().sum(),
            split: ids.iter().cloned().zip(split.iter().copied()).collect(),
            media_revenue: media,
            revenue: mean_base + media,
        }
    };
    let historical: Vec<f64> = truth.channels.iter().map(|c| c.mean_weekly_spend).collect();
    let budget: f64 = historical.iter().sum();
    let bounds = vec![SpendBounds::FREE; curves.len()];
    truth.historical = allocation(&historical);
    truth.optimal = BUDGET_MULTIPLES
        .iter()
        .map(|&k| Ok(allocation(optimize(&curves, &bounds, k * budget)?.spend())))
        .collect::<Result<_, WorldError>>()?;
    truth.optimal_at_historical_budget = allocation(optimize(&curves, &bounds, budget)?.spend());
    truth.uplift_at_historical_budget = if truth.historical.media_revenue > 0.0 {
        truth.optimal_at_historical_budget.media_revenue / truth.historical.media_revenue - 1.0
    } else {
        0.0
    };
    Ok(())
}

/// An empty split, filled in by [`add_economics`].
pub(super) fn empty_allocation() -> Allocation {
    Allocation {
        budget: 0.0,
        split: BTreeMap::new(),
        media_revenue: 0.0,
        revenue: 0.0,
    }
}
