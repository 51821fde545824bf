//! Mediation: how much of a channel's effect (social) arrives through another channel's
//! demand (paid search), with intervals, and the budget split that values the source at its
//! total effect (issue #14 items 3 and 6). Method and measured numbers: `docs/mediation.md`.
//!
//! # Two stages
//!
//! Every channel `c` keeps the fitted model's carryover and saturation: `h_{c,t} =
//! hill(adstock(x_c)_t; K_c, s_c) ∈ [0, 1)`, so the model's contribution is `β_c·h_{c,t}`
//! (the carryover decay is the MMM's own, chosen by its rolling-origin CV, never by the
//! holdout). `F_t` are the model's fixed terms (intercept, trend `t/n`, Fourier season),
//! `z_t` the controls, `M_t` the mediator (the search channel's weekly clicks, or its spend
//! when there are no clicks), `S` the source channels (social), `m` the mediator channel:
//!
//! ```text
//! stage 1 (mediator):  M_t = F_t·a + Σ_{s∈S} π_s·g_{s,t} + π_own·g_{m,t} + u_t     (π_own only for clicks)
//! stage 2 (revenue):   y_t = F_t·b + z_t·γ + Σ_{c≠m} β_c·h_{c,t} + δ·M_t + e_t
//! ```
//!
//! both by ordinary least squares. In stage 2 the mediator replaces the mediator channel's
//! own spend term: search's effect on revenue runs through its clicks, and `δ` is the revenue
//! of one more click (or search dollar). Stage 1's curves `g` are chosen on the mediator
//! itself (`stage1`). For a source `s`, with `H_s = Σ_t h_{s,t}` and `G_s = Σ_t g_{s,t}` over
//! the data period and `X_s = Σ_t x_{s,t}` its spend:
//!
//! ```text
//! direct    D_s = β_s · H_s
//! indirect  I_s = δ · π_s · G_s          (π_s·G_s extra clicks, each worth δ)
//! total     T_s = D_s + I_s
//! share     I_s / T_s
//! ROI       D_s/X_s, I_s/X_s, T_s/X_s
//! ```
//!
//! # Intervals
//!
//! A moving-block bootstrap over weeks: blocks of `L = max(2, round(n^{1/3}))` consecutive
//! weeks (rows of both regressions together, with their already transformed columns, so the
//! carryover is not cut) are drawn with replacement until `n` weeks are filled; both stages
//! are refitted on the resample, and every effect is recomputed with `H_s` of the data
//! period. The interval is the equal-tailed percentile interval of the draws (default 90 %,
//! 500 resamples, ChaCha8 seeded). Refitting both stages together keeps the correlation of
//! `π_s`, `δ` and `β_s`, which a delta method would have to estimate; blocks keep the weeks'
//! autocorrelation. Coverage is checked on constructed data (`tests/mediation.rs`).
//!
//! # In the multiplicative form
//!
//! For a model of ln revenue ([`crate::model::MultiplicativeModel`],
//! [`estimate_mediation_in_form`]) stage 1 is unchanged (clicks and spend do not change form)
//! and stage 2 explains ln revenue, with `h` the log model's curves:
//!
//! ```text
//! stage 2 (ln revenue):  ln y_t = F_t·b + z_t·γ + Σ_{c≠m} β_c·h_{c,t} + δ·M_t + e_t
//! ŷ_t = exp(μ_t + σ²/2)       (μ_t stage 2's fitted ln y_t, σ² its mean squared residual)
//! direct    D_s = Σ_t ŷ_t (1 − exp(−β_s h_{s,t}))
//! indirect  I_s = Σ_t ŷ_t (1 − exp(−δ π_s g_{s,t}))
//! total     T_s = Σ_t ŷ_t (1 − exp(−(β_s h_{s,t} + δ π_s g_{s,t})))
//! share     δπ_s G_s / (β_s H_s + δπ_s G_s)        (of the source's lift of ln revenue)
//! ROI       D_s/X_s, I_s/X_s, T_s/X_s
//! ```
//!
//! Each effect is a removal effect, what revenue over the data period loses without that
//! path, so `D_s + I_s ≥ T_s` (they do not add up: `1 − e^{−a−b} ≤ (1 − e^{−a}) + (1 −
//! e^{−b})`), and `I_s/T_s` would count the overlap twice. The share is therefore taken on
//! the log scale, where the paths do add up; it equals `I_s/T_s` to first order in small
//! lifts and does not depend on the revenue level. The bootstrap resamples as in the additive
//! form and recomputes `ŷ_t` (with that resample's `σ²`) and every effect per resample.
//!
//! # Budget split
//!
//! [`MediationReport::splits`] solves the exact optimiser ([`crate::optimize`]) twice on the
//! fitted model's curves, changing only each source's curve: *plain*, the source valued at
//! its direct effect, `β_s·hill_s(x)`; *mediation-aware*, at its total effect,
//! `(β_s + δπ_s·G_s/H_s)·hill_s(x)` (the indirect path spread on the model's curve). Both keep
//! the model's `K_s`, `s_s`, so the curves stay Hill curves and the optimiser stays exact. In
//! the multiplicative form the curves are the log curves and revenue is `B̄·exp(Σ_c g_c(x_c))`
//! ([`MediationReport::splits_in_form`]); `exp` is increasing, so the optimiser on the log
//! curves is still exact.

mod error;
mod estimate;
mod split;
mod stage1;

pub use error::MediationError;
pub use estimate::{
    MediationReport, SourceEffect, estimate_mediation, estimate_mediation_in_form,
    estimate_mediation_with, estimate_mediation_with_form, saturated_columns,
};
pub use split::{MediationSplits, SplitChannel};
pub use stage1::{MAX_SWEEPS, Stage1Curve};

pub use crate::pricing::Interval;

use crate::data::WeeklyData;
use serde::{Deserialize, Serialize};

/// What measures the mediator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediatorMetric {
    /// Weekly clicks of the mediator channel (given separately: they are not a column of the
    /// model).
    Clicks,
    /// The mediator channel's own weekly spend (when there are no clicks).
    Spend,
}

impl MediatorMetric {
    /// `"clicks"` or `"spend"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Clicks => "clicks",
            Self::Spend => "spend",
        }
    }
}

/// Settings of the mediation estimate.
///
/// | field | meaning | default | range |
/// |---|---|---|---|
/// | `mediator` | the channel the effect flows through | `paid_search` | a channel of the data |
/// | `sources` | channels whose effect may flow through it | every channel whose name contains `social` | channels of the data, not the mediator |
/// | `metric` | what measures the mediator | clicks | clicks or spend |
/// | `level` | coverage of the intervals | 0.9 | (0, 1) |
/// | `draws` | bootstrap resamples | 500 | 50 … 100,000 |
/// | `block_weeks` | bootstrap block length, 0 for `max(2, round(n^{1/3}))` | 0 | 0 … n/2 |
/// | `seed` | ChaCha8 seed of the bootstrap | 42 | any |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediationParams {
    /// The mediator channel.
    pub mediator: String,
    /// The source channels (empty: every channel whose name contains "social").
    pub sources: Vec<String>,
    /// What measures the mediator.
    pub metric: MediatorMetric,
    /// Coverage of the intervals.
    pub level: f64,
    /// Bootstrap resamples.
    pub draws: usize,
    /// Bootstrap block length in weeks (0: automatic).
    pub block_weeks: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
}

impl Default for MediationParams {
    fn default() -> Self {
        Self {
            mediator: "paid_search".into(),
            sources: Vec::new(),
            metric: MediatorMetric::Clicks,
            level: 0.9,
            draws: 500,
            block_weeks: 0,
            seed: 42,
        }
    }
}

/// [`MediationParams`] checked against the data, with the mediator's weekly series.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidMediationParams {
    pub(crate) mediator: usize,
    pub(crate) sources: Vec<usize>,
    pub(crate) metric: MediatorMetric,
    pub(crate) series: Vec<f64>,
    pub(crate) level: f64,
    pub(crate) draws: usize,
    pub(crate) block_weeks: usize,
    pub(crate) seed: u64,
}

impl MediationParams {
    /// Checks the settings against `data`; `clicks` are the mediator's weekly clicks (needed
    /// for [`MediatorMetric::Clicks`], ignored for spend).
    ///
    /// # Errors
    /// [`MediationError::UnknownChannel`], [`MediationError::NoSource`],
    /// [`MediationError::SourceIsMediator`], [`MediationError::NoSpend`],
    /// [`MediationError::MissingClicks`], [`MediationError::MediatorLength`],
    /// [`MediationError::InvalidMediator`], [`MediationError::ConstantMediator`], or
    /// [`MediationError::Setting`] for a level, draw count or block length out of range.
    pub fn check(
        &self,
        data: &WeeklyData,
        clicks: Option<&[f64]>,
    ) -> Result<ValidMediationParams, MediationError> {
        let n = data.len();
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(MediationError::Setting(format!(
                "the interval level {} is not in (0, 1); give e.g. 0.9 for 90 %",
                self.level
            )));
        }
        if !(50..=100_000).contains(&self.draws) {
            return Err(MediationError::Setting(format!(
                "{} bootstrap resamples: give from 50 to 100000 (500 is the default)",
                self.draws
            )));
        }
        if self.block_weeks > n / 2 {
            return Err(MediationError::Setting(format!(
                "a bootstrap block of {} weeks is more than half of the {n} weeks; give at most {} (0 for automatic)",
                self.block_weeks,
                n / 2
            )));
        }
        let names = data.channel_names();
        let available = names.join(", ");
        let find = |name: &str, role: &'static str| {
            names
                .iter()
                .position(|n| *n == name)
                .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(name)))
                .ok_or_else(|| MediationError::UnknownChannel {
                    name: name.to_string(),
                    role,
                    available: available.clone(),
                })
        };
        let mediator = find(&self.mediator, "mediator")?;
        let sources: Vec<usize> = if self.sources.is_empty() {
            let found: Vec<usize> = (0..names.len())
                .filter(|&c| c != mediator && names[c].to_ascii_lowercase().contains("social"))
                .collect();
            if found.is_empty() {
                return Err(MediationError::NoSource { available });
            }
            found
        } else {
            let mut found = Vec::new();
            for name in &self.sources {
                let c = find(name, "source")?;
                if c == mediator {
                    return Err(MediationError::SourceIsMediator(names[c].to_string()));
                }
                if !found.contains(&c) {
                    found.push(c);
                }
            }
            found
        };
        for &s in &sources {
            if !data.channels()[s].values.iter().any(|x| *x > 0.0) {
                return Err(MediationError::NoSpend(names[s].to_string()));
            }
        }
        let metric = self.metric.name();
        let series: Vec<f64> = match self.metric {
            MediatorMetric::Spend => data.channels()[mediator].values.clone(),
            MediatorMetric::Clicks => clicks
                .ok_or_else(|| MediationError::MissingClicks {
                    mediator: names[mediator].to_string(),
                    how: format!(
                        "give a column '{}_clicks' in the data (or the store's fact_marketing.csv), or use --metric spend",
                        names[mediator]
                    ),
                })?
                .to_vec(),
        };
        if series.len() != n {
            return Err(MediationError::MediatorLength {
                metric,
                expected: n,
                found: series.len(),
            });
        }
        if let Some((week, &value)) = series
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
        {
            return Err(MediationError::InvalidMediator {
                metric,
                week,
                value,
            });
        }
        if series.iter().all(|v| *v == series[0]) {
            return Err(MediationError::ConstantMediator { metric });
        }
        Ok(ValidMediationParams {
            mediator,
            sources,
            metric: self.metric,
            series,
            level: self.level,
            draws: self.draws,
            block_weeks: self.block_weeks,
            seed: self.seed,
        })
    }
}
