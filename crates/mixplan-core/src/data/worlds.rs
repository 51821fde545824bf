//! A seeded family of realistic simulated worlds with a known truth, on which a
//! recommendation can be judged against the true response (the trust benchmark,
//! `examples/trust.rs`, described in `docs/trust.md`).
//!
//! ```
//! use mixplan_core::data::worlds::WorldFamily;
//! let world = WorldFamily::new(7).world(0)?;
//! assert_eq!(world.data.channels().len(), world.truth.channels.len());
//! let curves = world.responses()?; // the true steady-state curves, for the optimiser
//! assert_eq!(curves.len(), world.truth.channels.len());
//! # Ok::<(), mixplan_core::data::worlds::WorldError>(())
//! ```
//!
//! World `i` of the family with seed `S` draws everything from its own random streams
//! (ChaCha8 seeded with `splitmix64(S ⊕ splitmix64(i))`), so a world does not depend on how
//! many others are drawn. The simulated store ([`super::simulate`]) is one hand-made world;
//! these vary everything the issue names and share its calendar, random streams, flighting
//! building blocks, price process and truth types ([`GroundTruth`], [`ChannelTruth`]).
//!
//! # The process
//!
//! For week `w = 0 … n−1` with weekly spend `x_{c,w}` of channel `c` (the conventions of the
//! model and of [`super::simulate`]):
//!
//! ```text
//! adstock   a_{c,w} = θ_c · a_{c,w−1} + (1 − θ_c) · x_{c,w},      a_{c,−1} = 0
//! media     m_{c,w} = β_c · a^s / (a^s + K_c^s)        (a = a_{c,w}, s = s_c)
//! base      b_w     = μ + τ·w + Σ_{k=1,2} [ S_k sin(2πk·w/P) + C_k cos(2πk·w/P) ],  P = 365.25/7
//! controls  z_w     = γ_hol · holiday_w  [ + γ_price · (price_index_w − 1) ]
//! revenue   y_w     = b_w + z_w + Σ_c m_{c,w} + ε_w,   ε_w ~ N(0, σ²)
//! noise     σ       = ν · mean_w(b_w + z_w + Σ_c m_{c,w})
//! ```
//!
//! The true steady-state curve of a channel (what a budget sustained week after week earns;
//! normalised adstock turns a constant `x` into `x`) is `f_c(x) = β_c · x^s/(x^s + K_c^s)`,
//! [`ChannelTruth::response`].
//!
//! # Parameter ranges
//!
//! | parameter | drawn from |
//! |---|---|
//! | channels `C` | uniform {3, …, 8} ([`CHANNELS`]) |
//! | weeks `n` | uniform {104, …, 260} ([`WEEKS`]) |
//! | first week | Monday 2020-01-06 + uniform {0, …, 51} weeks |
//! | revenue noise `ν` (σ as a share of mean revenue) | uniform 0.02 … 0.06 ([`NOISE_FRACTION`]) |
//! | media share of mean revenue | uniform 0.15 … 0.35 ([`MEDIA_SHARE`]) |
//! | carryover `θ_c` | uniform 0.05 … 0.8 ([`DECAY`]) |
//! | Hill shape `s_c` | uniform 0.8 … 2.5 ([`SHAPE`]) |
//! | typical (mean) weekly spend `m_c` | log-uniform $2,000 … $30,000 ([`TYPICAL_SPEND`]) |
//! | half-saturation `K_c` | `m_c` × log-uniform 0.5 … 2 ([`HALF_SATURATION_RATIO`]) |
//! | ROI at the typical spend `r_c = f_c(m_c)/m_c` (sets `β_c`) | log-uniform 0.5 … 4 ([`ROI_AT_TYPICAL_SPEND`]) |
//! | base `μ` | `Σ_c f_c(m_c) · (1 − share)/share` |
//! | trend `τ` | `μ/n` × uniform −0.1 … 0.3 (the base moves by that share over the data) |
//! | seasonality | `A₁ = μ`×U(0.04, 0.12), `A₂ = μ`×U(0, 0.05), both peaking on day-of-year U(305, 345) (Q4) |
//! | holiday control | 1 if Black Friday, Cyber Monday or Super Saturday falls in the week; `γ_hol = μ`×U(0.02, 0.08) |
//! | price-index control (half the worlds) | the store's repricing process (±6 %, weekly mean); `γ_price = −μ`×U(0.5, 2) |
//!
//! # Spend (flighting that partly follows the season and moves together)
//!
//! ```text
//! x_{c,w} = m_c · u_{c,w} / mean_w(u_{c,w})
//! u_{c,w} = own_{c,w} · g_w^{λ_c} · (1 + φ_c · (season_w − 1)) · (1 + γ · w/52)
//! ```
//!
//! * `own_{c,w}`: the channel's own flighting, one of three styles ([`Flighting`]):
//!   **always on** (budget regimes of 3–8 weeks, weekly pacing noise, budget-cap weeks,
//!   pauses of 2–3 weeks twice a year), **flighted** (on 2–6 weeks at a level of its own,
//!   off 1–4) or **waves** (budget regimes, launch bursts of ×1.6–2.4 for 2–4 weeks, breaks of
//!   4–8 weeks twice a year with only ×0–0.1 left on). Planned pauses never overlap across
//!   channels.
//! * `g_w`: a budget factor shared by all channels: budget regimes of 4–10 weeks (lognormal
//!   σ 0.5, levels clamped to 0.35–2.5) times a weekly lognormal factor (σ 0.3), with
//!   loading `λ_c` ~ U(0.4, 1.3) ([`COMMON_LOADING`]): what makes channels move together.
//! * `season_w = calendar_w · (1 + 0.6 · ŝ_w)`: the retail calendar of the store (January
//!   dip, October ramp, Black-Friday peak) times the base revenue's own seasonal shape `ŝ_w`
//!   (its seasonal part scaled to peak at ±1), with sensitivity `φ_c` ~ U(0, 1)
//!   ([`SEASON_SENSITIVITY`]): spend partly follows the season of the base revenue, as real
//!   plans do, which is what makes the two hard to tell apart.
//! * `γ` ~ U(−0.05, 0.15): spend growth per year, shared (as the base trend may be).
//!
//! Measured on the generated data (asserted by `crates/mixplan-core/tests/worlds.rs` on the
//! 40 worlds of seed 1): the Pearson correlation of two channels' weekly spend has a median
//! of 0.23 over all pairs, a 90th percentile of 0.45, a 95th of 0.51 and a maximum of 0.71;
//! total spend correlates with the base's seasonal part at a median of 0.26 over worlds; the
//! residual revenue noise, measured against the true decomposition, has σ within ±20 % of
//! `ν` × mean revenue in every world and within 3 % on average.

mod revenue;
mod spend;

pub(in crate::data) use spend::{shared_budget_factor, spend_season};

use super::simulate::flighting::rng_for;
use super::truth::{ChannelTruth, GroundTruth, model_formulas};
use super::{DataError, Series, WeeklyData};
use crate::optimize::OptimizeError;
use crate::response::{HillResponse, ResponseError};
use crate::transform::{Hill, TransformError};
use chrono::{Days, NaiveDate};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use revenue::{add_economics, add_revenue, draw_base, draw_controls, empty_allocation};
use serde::{Deserialize, Serialize};
use spend::plan_world_spend;
use std::ops::RangeInclusive;
use thiserror::Error;

/// Number of channels of a world.
pub const CHANNELS: RangeInclusive<usize> = 3..=8;
/// Number of weeks of a world.
pub const WEEKS: RangeInclusive<usize> = 104..=260;
/// Revenue noise `ν`: the noise's σ as a share of mean noiseless revenue.
pub const NOISE_FRACTION: RangeInclusive<f64> = 0.02..=0.06;
/// Media's share of mean noiseless revenue (at the typical spends, steady state).
pub const MEDIA_SHARE: RangeInclusive<f64> = 0.15..=0.35;
/// Geometric adstock decay `θ`.
pub const DECAY: RangeInclusive<f64> = 0.05..=0.8;
/// Hill shape `s`.
pub const SHAPE: RangeInclusive<f64> = 0.8..=2.5;
/// Typical (mean) weekly spend of a channel, currency (log-uniform).
pub const TYPICAL_SPEND: RangeInclusive<f64> = 2_000.0..=30_000.0;
/// Half-saturation `K` as a multiple of the typical spend (log-uniform).
pub const HALF_SATURATION_RATIO: RangeInclusive<f64> = 0.5..=2.0;
/// ROI of the steady-state curve at the typical spend, `f(m)/m` (log-uniform).
pub const ROI_AT_TYPICAL_SPEND: RangeInclusive<f64> = 0.5..=4.0;
/// Loading `λ` of a channel on the shared budget factor.
pub const COMMON_LOADING: RangeInclusive<f64> = 0.4..=1.3;
/// Sensitivity `φ` of a channel's spend to the retail season.
pub const SEASON_SENSITIVITY: RangeInclusive<f64> = 0.0..=1.0;
/// Multiples of the historical mean weekly budget at which the truth lists optimal splits
/// ([`GroundTruth::optimal`]) and the trust benchmark judges recommendations.
pub const BUDGET_MULTIPLES: [f64; 3] = [0.5, 1.0, 1.5];

/// Monday of the earliest first week.
const FIRST_MONDAY: (i32, u32, u32) = (2020, 1, 6);
/// P, weeks per year.
const PERIOD_WEEKS: f64 = 365.25 / 7.0;
/// Name of the target column.
pub const TARGET: &str = "revenue";
/// Name of the holiday control column.
pub const HOLIDAY: &str = "holiday";
/// Name of the price-index control column.
pub const PRICE_INDEX: &str = "price_index";

/// How a channel's own spend is planned (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flighting {
    /// Budget regimes, pacing noise, budget-cap weeks, short pauses (search-like).
    AlwaysOn,
    /// On for 2–6 weeks at a level of its own, off for 1–4 (display-like).
    Flighted,
    /// Budget regimes with launch bursts and long breaks (social-like).
    Waves,
}

impl Flighting {
    /// Snake-case name (the channel's `kind` in the truth).
    pub fn name(self) -> &'static str {
        match self {
            Self::AlwaysOn => "always_on",
            Self::Flighted => "flighted",
            Self::Waves => "waves",
        }
    }
}

/// The drawn knobs of one channel that are not in its [`ChannelTruth`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelDraw {
    /// Flighting style.
    pub flighting: Flighting,
    /// `m_c`, mean weekly spend (exact over the data).
    pub typical_spend: f64,
    /// `K_c / m_c`.
    pub half_saturation_ratio: f64,
    /// `r_c = f_c(m_c) / m_c`.
    pub roi_at_typical_spend: f64,
    /// `λ_c`, loading on the shared budget factor.
    pub common_loading: f64,
    /// `φ_c`, sensitivity to the retail season.
    pub season_sensitivity: f64,
}

/// The drawn knobs of one world that are not in its [`GroundTruth`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorldDraw {
    /// `ν`: σ of the noise as a share of mean noiseless revenue.
    pub noise_fraction: f64,
    /// Media's share of mean noiseless revenue, at the typical spends in steady state.
    pub media_share: f64,
    /// `γ`, spend growth per year.
    pub spend_growth_per_year: f64,
    /// Per channel, in the data's order.
    pub channels: Vec<ChannelDraw>,
}

/// One world: its weekly data (what a model sees) and its truth (what it is judged on).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct World {
    /// Family seed.
    pub family_seed: u64,
    /// Index in the family.
    pub index: usize,
    /// The drawn knobs beyond the truth.
    pub draw: WorldDraw,
    /// The weekly data: channel series named by the channels' ids, controls [`HOLIDAY`] and
    /// possibly [`PRICE_INDEX`], target [`TARGET`].
    pub data: WeeklyData,
    /// The truth, unrounded: parameters, weekly decomposition, the historical mix
    /// ([`GroundTruth::historical`]) and its optimal splits at [`BUDGET_MULTIPLES`] of the
    /// historical budget ([`GroundTruth::optimal`]).
    pub truth: GroundTruth,
}

impl World {
    /// The true steady-state response curves `f_c`, in the data's channel order.
    ///
    /// # Errors
    /// [`WorldError::Response`] (not expected: the truth's parameters are valid).
    pub fn responses(&self) -> Result<Vec<HillResponse>, WorldError> {
        Ok(self
            .truth
            .channels
            .iter()
            .map(ChannelTruth::response)
            .collect::<Result<_, _>>()?)
    }

    /// The historical mix: mean weekly spend per channel, in the data's channel order.
    pub fn historical_mix(&self) -> Vec<f64> {
        self.truth
            .channels
            .iter()
            .map(|c| c.mean_weekly_spend)
            .collect()
    }
}

/// Why a world could not be built (every variant is an internal error: the drawn
/// parameters are valid by construction).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WorldError {
    /// The weekly data broke an invariant.
    #[error("internal error building a world's weekly data: {0}")]
    Data(#[from] DataError),
    /// A true parameter is invalid.
    #[error("internal error in a world's true parameters: {0}")]
    Transform(#[from] TransformError),
    /// A true response curve is invalid.
    #[error("internal error in a world's true response curve: {0}")]
    Response(#[from] ResponseError),
    /// The optimiser rejected the true curves.
    #[error("internal error computing a world's true optimal split: {0}")]
    Optimize(#[from] OptimizeError),
}

/// The family: world `i` is [`WorldFamily::world`]`(i)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorldFamily {
    /// Family seed.
    pub seed: u64,
}

/// SplitMix64's finaliser: a well-mixed 64-bit hash.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn uniform(rng: &mut ChaCha8Rng, range: &RangeInclusive<f64>) -> f64 {
    rng.random_range(range.clone())
}

fn log_uniform(rng: &mut ChaCha8Rng, range: &RangeInclusive<f64>) -> f64 {
    rng.random_range(range.start().ln()..=range.end().ln())
        .exp()
}

impl WorldFamily {
    /// The family with this seed.
    pub fn new(seed: u64) -> Self {
        Self { seed }
    }

    /// Seed of world `index`'s random streams.
    fn world_seed(&self, index: usize) -> u64 {
        splitmix64(self.seed ^ splitmix64(index as u64))
    }

    /// World `index` of the family. Deterministic: the same seed and index give the same
    /// world.
    ///
    /// # Errors
    /// Only internal errors ([`WorldError`]).
    pub fn world(&self, index: usize) -> Result<World, WorldError> {
        self.world_with_size(index, None)
    }

    /// World `index` of the family with `channels` channels and `weeks` weeks instead of
    /// the drawn ones (everything else drawn as in [`WorldFamily::world`]): data of a chosen
    /// size, for the fit's speed benchmark.
    ///
    /// # Errors
    /// [`WorldError::Data`] when `channels` is 0 or `weeks` is below
    /// [`MIN_WEEKS`](crate::data::MIN_WEEKS) (no weekly data of that shape), otherwise only
    /// internal errors.
    pub fn world_of_size(
        &self,
        index: usize,
        channels: usize,
        weeks: usize,
    ) -> Result<World, WorldError> {
        if channels == 0 {
            return Err(DataError::NoChannels {
                available: super::ColumnList(vec![TARGET.into()]),
            }
            .into());
        }
        if weeks < crate::data::MIN_WEEKS {
            return Err(DataError::TooFewWeeks {
                found: weeks,
                minimum: crate::data::MIN_WEEKS,
            }
            .into());
        }
        self.world_with_size(index, Some((channels, weeks)))
    }

    /// [`WorldFamily::world`], with the number of channels and weeks given or drawn (the
    /// draws are made either way, so the rest of the world is the same).
    fn world_with_size(
        &self,
        index: usize,
        size: Option<(usize, usize)>,
    ) -> Result<World, WorldError> {
        let seed = self.world_seed(index);
        let mut rng = rng_for(seed, 0);

        // World-level knobs.
        let n_channels = rng.random_range(CHANNELS);
        let n = rng.random_range(WEEKS);
        let (n_channels, n) = size.unwrap_or((n_channels, n));
        let first = NaiveDate::from_ymd_opt(FIRST_MONDAY.0, FIRST_MONDAY.1, FIRST_MONDAY.2)
            .unwrap_or_default()
            + Days::new(7 * rng.random_range(0..52u64));
        let noise_fraction = uniform(&mut rng, &NOISE_FRACTION);
        let media_share = uniform(&mut rng, &MEDIA_SHARE);
        let spend_growth_per_year = rng.random_range(-0.05..=0.15);
        let weeks: Vec<NaiveDate> = (0..n as u64).map(|w| first + Days::new(7 * w)).collect();

        let (draws, channels) = draw_channels(&mut rng, n_channels)?;
        let base = draw_base(&mut rng, &draws, media_share, n, first);
        let spend = plan_world_spend(seed, &weeks, &base, &draws, spend_growth_per_year);
        let (controls, control_series) = draw_controls(&mut rng, seed, &weeks, base.intercept);

        let mut truth = GroundTruth {
            description: format!(
                "Trust-benchmark world {index} of family seed {} (mixplan_core::data::worlds). \
                 Weekly revenue = base + controls + sum of channel contributions + noise; \
                 values unrounded; optimal splits at 0.5x, 1x and 1.5x the historical budget.",
                self.seed
            ),
            model: model_formulas(", noise_sd = nu * mean(revenue - noise)"),
            seed,
            first_week: first,
            channels,
            base,
            controls,
            noise_sd: 0.0,
            weekly: Vec::with_capacity(n),
            historical: empty_allocation(),
            optimal_at_historical_budget: empty_allocation(),
            uplift_at_historical_budget: 0.0,
            optimal: Vec::new(),
            mediation: None,
            platform: None,
            business: None,
            pricing: None,
        };
        let revenue = add_revenue(
            &mut truth,
            &weeks,
            &spend,
            &control_series,
            noise_fraction,
            seed,
        )?;
        add_economics(&mut truth, &spend)?;

        let data = WeeklyData::new(
            weeks,
            TARGET.into(),
            revenue,
            truth
                .channels
                .iter()
                .zip(spend)
                .map(|(c, values)| Series {
                    name: c.id.clone(),
                    values,
                })
                .collect(),
            control_series,
        )?;
        Ok(World {
            family_seed: self.seed,
            index,
            draw: WorldDraw {
                noise_fraction,
                media_share,
                spend_growth_per_year,
                channels: draws,
            },
            data,
            truth,
        })
    }
}

/// Each channel's knobs and true parameters (see the table in the [module docs](self)):
/// `K_c = m_c · ratio`, `β_c = r_c · m_c / hill(m_c; K_c, s_c)`.
fn draw_channels(
    rng: &mut ChaCha8Rng,
    n_channels: usize,
) -> Result<(Vec<ChannelDraw>, Vec<ChannelTruth>), WorldError> {
    let styles = [Flighting::AlwaysOn, Flighting::Flighted, Flighting::Waves];
    let draws: Vec<ChannelDraw> = (0..n_channels)
        .map(|_| ChannelDraw {
            flighting: styles[rng.random_range(0..styles.len())],
            typical_spend: log_uniform(rng, &TYPICAL_SPEND),
            half_saturation_ratio: log_uniform(rng, &HALF_SATURATION_RATIO),
            roi_at_typical_spend: log_uniform(rng, &ROI_AT_TYPICAL_SPEND),
            common_loading: uniform(rng, &COMMON_LOADING),
            season_sensitivity: uniform(rng, &SEASON_SENSITIVITY),
        })
        .collect();
    let mut channels = Vec::with_capacity(n_channels);
    for (c, d) in draws.iter().enumerate() {
        let decay = uniform(rng, &DECAY);
        let shape = uniform(rng, &SHAPE);
        let half_saturation = d.typical_spend * d.half_saturation_ratio;
        let hill = Hill::new(half_saturation, shape)?;
        let coefficient = d.roi_at_typical_spend * d.typical_spend / hill.value(d.typical_spend);
        channels.push(ChannelTruth::before_simulation(
            format!("channel_{}", c + 1),
            format!("Channel {}", c + 1),
            d.flighting.name().into(),
            decay,
            half_saturation,
            shape,
            coefficient,
        ));
    }
    Ok((draws, channels))
}
