//! How a world plans its spend (the flighting described in the [parent module's
//! docs](super)): each channel's own flighting style, a budget factor shared by all
//! channels, and a season that follows both the retail calendar and the base revenue's own
//! seasonality. Built from the simulated store's blocks
//! ([`crate::data::simulate`]'s regimes, planned pauses and calendar).

use super::{ChannelDraw, Flighting};
use crate::data::simulate::flighting::{
    LaunchBursts, between_waves, flight_weeks, in_pause, lognormal, planned_pauses, regimes,
    rng_for, season_budget,
};
use crate::data::truth::BaseTruth;
use chrono::{Days, NaiveDate};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// How far the spend season follows the base's seasonal shape: `season_w = calendar_w ·
/// (1 + 0.6 · ŝ_w)`, `ŝ_w` the base's seasonal part scaled to peak at ±1.
const SPEND_SEASON_SWING: f64 = 0.6;
/// A channel's own weekly spend pattern `own_{c,w}` (unscaled).
fn own_flighting(
    rng: &mut ChaCha8Rng,
    style: Flighting,
    n: usize,
    pauses: &[(usize, usize)],
) -> Vec<f64> {
    match style {
        Flighting::AlwaysOn => {
            let levels = regimes(rng, n, 0.35, 3, 8);
            (0..n)
                .map(|w| {
                    let cap = if rng.random_bool(0.08) {
                        rng.random_range(0.05..0.4)
                    } else {
                        1.0
                    };
                    let pacing = lognormal(rng, 0.2);
                    if in_pause(pauses, w) {
                        0.0
                    } else {
                        levels[w] * pacing * cap
                    }
                })
                .collect()
        }
        Flighting::Flighted => {
            let mut out = vec![0.0; n];
            let mut w = 0;
            let mut on = rng.random_bool(0.5);
            while w < n {
                let len = flight_weeks(rng, on);
                let level = lognormal(rng, 0.5);
                for x in out.iter_mut().take((w + len).min(n)).skip(w) {
                    let delivery = lognormal(rng, 0.15);
                    if on {
                        *x = level * delivery;
                    }
                }
                w += len;
                on = !on;
            }
            out
        }
        Flighting::Waves => {
            let levels = regimes(rng, n, 0.45, 3, 8);
            let mut bursts = LaunchBursts::new();
            (0..n)
                .map(|w| {
                    let event = bursts.next_week(rng);
                    let dark = between_waves(rng, in_pause(pauses, w));
                    levels[w] * lognormal(rng, 0.2) * event * dark
                })
                .collect()
        }
    }
}

/// The spend season `season_w = calendar_w · (1 + 0.6 · ŝ_w)`: the store's retail calendar
/// ([`season_budget`]: January dip, October ramp, Black-Friday peak) times the base
/// revenue's own seasonal shape `ŝ_w` (its seasonal part scaled to peak at ±1). A channel
/// with sensitivity `φ` spends `1 + φ · (season_w − 1)` times its own plan: spend partly
/// follows the season of the base revenue, as real plans do. Shared with the simulated
/// store ([`crate::data::simulate`]).
pub(in crate::data) fn spend_season(weeks: &[NaiveDate], base: &BaseTruth) -> Vec<f64> {
    let seasonal: Vec<f64> = (0..weeks.len())
        .map(|w| base.value(w) - base.intercept - base.trend_per_week * w as f64)
        .collect();
    let peak = seasonal.iter().fold(0.0, |m: f64, v| m.max(v.abs()));
    weeks
        .iter()
        .zip(&seasonal)
        .map(|(w, v)| {
            let shape = if peak > 0.0 { v / peak } else { 0.0 };
            season_budget(*w + Days::new(3)) * (1.0 + SPEND_SEASON_SWING * shape)
        })
        .collect()
}

/// The budget factor `g_w` shared by all channels: budget regimes of 4–10 weeks (lognormal
/// σ 0.5, levels clamped to 0.35–2.5) times a weekly lognormal factor (σ 0.3). A channel
/// with loading `λ` spends `g_w^λ` times its own plan: what makes channels move together.
/// Shared with the simulated store ([`crate::data::simulate`]).
pub(in crate::data) fn shared_budget_factor(rng: &mut ChaCha8Rng, n: usize) -> Vec<f64> {
    let levels = regimes(rng, n, 0.5, 4, 10);
    levels
        .iter()
        .map(|level| level * lognormal(rng, 0.3))
        .collect()
}

/// Weekly spend `x_{c,w}` of every channel (see the [module docs](super)): own flighting ×
/// shared budget factor^λ × retail season × growth, scaled to mean `m_c`.
pub(super) fn plan_world_spend(
    seed: u64,
    weeks: &[NaiveDate],
    base: &BaseTruth,
    draws: &[ChannelDraw],
    growth_per_year: f64,
) -> Vec<Vec<f64>> {
    let n = weeks.len();
    let season = spend_season(weeks, base);
    let common = shared_budget_factor(&mut rng_for(seed, 1), n);
    let pause_lengths: Vec<(usize, usize)> = draws
        .iter()
        .map(|d| match d.flighting {
            Flighting::AlwaysOn => (2, 3),
            Flighting::Flighted => (0, 0),
            Flighting::Waves => (4, 8),
        })
        .collect();
    let pauses = planned_pauses(&mut rng_for(seed, 2), n, &pause_lengths);
    draws
        .iter()
        .enumerate()
        .map(|(c, d)| {
            let mut rng = rng_for(seed, 10 + c as u64);
            let own = own_flighting(&mut rng, d.flighting, n, &pauses[c]);
            let raw: Vec<f64> = (0..n)
                .map(|w| {
                    own[w]
                        * common[w].powf(d.common_loading)
                        * (1.0 + d.season_sensitivity * (season[w] - 1.0))
                        * (1.0 + growth_per_year * w as f64 / 52.0)
                })
                .collect();
            let mean = raw.iter().sum::<f64>() / n as f64;
            let scale = if mean > 0.0 {
                d.typical_spend / mean
            } else {
                0.0
            };
            raw.iter().map(|x| x * scale).collect()
        })
        .collect()
}
