//! Stage 1's spend curves, chosen by profile least squares on the mediator (see [`super`]).
//!
//! The fitted model's curves were estimated on revenue, where paid search's own effect and
//! social's are hard to tell apart. The mediator series (weekly clicks) is measured far more
//! precisely than revenue, so stage 1 estimates its own carryover and saturation for each
//! spend column it uses: for a column `c`, with the other columns held, it tries each
//! candidate curve `g` and keeps the one with the smallest stage-1 sum of squares
//!
//! ```text
//! SSE(g) = min_{a, π} Σ_t (M_t − F_t·a − Σ_{j≠c} π_j·g_{j,t} − π_c·g_t)²
//! ```
//!
//! sweeping the columns (the mediator's own spend first, then each source) until no choice
//! changes, at most [`MAX_SWEEPS`] times. The candidates are the column's current curve
//! (first, so a tie keeps it), the model's curve, for the mediator's own spend the spend
//! itself (`x_t`, linear), and the model's search grid `hill(adstock(x; θ); K, s)` with `θ`
//! in its decay grid, `K` its half-saturation multiples of the channel's mean weekly spend and
//! `s` its shapes (450 curves by default). A grid curve that wins is then refined by a compass
//! search on `(θ, ln K, s)` (steps halved five times; `θ ≤ 0.95`, `0.3 ≤ s ≤ 5`), since the
//! grid's steps are coarse for a series this precise. Stage 2 keeps the model's curves.
//!
//! The bootstrap of [`super`] refits both stages on each resample with the chosen curves held:
//! its intervals are conditional on this choice.

use super::MediatorMetric;
use crate::data::WeeklyData;
use crate::model::ModelParams;
use crate::transform::{GeometricAdstock, Hill};
use serde::{Deserialize, Serialize};

/// Full sweeps over the columns at most.
pub const MAX_SWEEPS: usize = 3;

/// How stage 1 transforms a channel's weekly spend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Stage1Curve {
    /// The spend itself, `x_t` (offered for the mediator's own spend only).
    Linear,
    /// The fitted model's curve `h_{c,t}`.
    Model,
    /// `hill(adstock(x; θ)_t; K, s)` from the search grid.
    Grid {
        /// Adstock decay `θ`.
        decay: f64,
        /// Half-saturation `K`, currency per week.
        half_saturation: f64,
        /// Hill shape `s`.
        shape: f64,
    },
}

/// One candidate: its description and its weekly column.
#[derive(Clone)]
struct Candidate {
    curve: Stage1Curve,
    column: Vec<f64>,
}

/// The model's search grid applied to `spend`: one candidate per `(θ, K, s)`.
fn grid_candidates(spend: &[f64]) -> Vec<Candidate> {
    let grid = ModelParams::default();
    let n = spend.len().max(1) as f64;
    let mean = spend.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &decay in &grid.decay_grid {
        for &multiple in &grid.half_saturation_grid {
            for &shape in &grid.shape_grid {
                out.extend(curve(spend, decay, multiple * mean, shape));
            }
        }
    }
    out
}

/// `hill(adstock(x; θ); K, s)` as a candidate, `None` for parameters out of range.
fn curve(spend: &[f64], decay: f64, half_saturation: f64, shape: f64) -> Option<Candidate> {
    let adstock = GeometricAdstock::new(decay).ok()?.apply(spend).ok()?;
    let hill = Hill::new(half_saturation, shape).ok()?;
    Some(Candidate {
        curve: Stage1Curve::Grid {
            decay,
            half_saturation,
            shape,
        },
        column: adstock.iter().map(|&a| hill.value(a)).collect(),
    })
}

/// Largest decay the refinement tries.
const MAX_DECAY: f64 = 0.95;
/// Shapes the refinement keeps to.
const SHAPE_RANGE: (f64, f64) = (0.3, 5.0);
/// The refinement after the grid: first steps on `(θ, ln K, s)` and halvings.
const REFINE: ([f64; 3], usize) = ([0.05, 0.2, 0.25], 5);
/// The refinement of each bootstrap resample, from the data's choice.
const RESAMPLE_REFINE: ([f64; 3], usize) = ([0.025, 0.1, 0.125], 2);

/// A compass search from a grid curve: steps of `(Δθ, Δln K, Δs)` = `steps`, each taken
/// while it lowers `sse`, halved `halvings` times when none does. Returns the best candidate
/// and its `sse`.
fn refine(
    spend: &[f64],
    start: Candidate,
    start_sse: f64,
    (mut steps, halvings): ([f64; 3], usize),
    sse: impl Fn(&[f64]) -> Option<f64>,
) -> (Candidate, f64) {
    let Stage1Curve::Grid {
        decay,
        half_saturation,
        shape,
    } = start.curve
    else {
        return (start, start_sse);
    };
    let mut point = [decay, half_saturation.ln(), shape];
    let (mut best, mut best_sse) = (start, start_sse);
    for _ in 0..=halvings {
        loop {
            let mut moved = false;
            for k in 0..3 {
                for sign in [1.0, -1.0] {
                    let mut trial = point;
                    trial[k] += sign * steps[k];
                    if !(0.0..=MAX_DECAY).contains(&trial[0])
                        || !(SHAPE_RANGE.0..=SHAPE_RANGE.1).contains(&trial[2])
                    {
                        continue;
                    }
                    let Some(candidate) = curve(spend, trial[0], trial[1].exp(), trial[2]) else {
                        continue;
                    };
                    if let Some(value) = sse(&candidate.column)
                        && value < best_sse * (1.0 - 1e-9)
                    {
                        (best, best_sse, point, moved) = (candidate, value, trial, true);
                    }
                }
            }
            if !moved {
                break;
            }
        }
        steps.iter_mut().for_each(|s| *s /= 2.0);
    }
    (best, best_sse)
}

/// Stage 1's columns: `fixed`, then the slots' curves, slot `slot`'s replaced by `column`.
fn design_with(
    fixed: &[Vec<f64>],
    current: &[Candidate],
    slot: usize,
    column: &[f64],
) -> Vec<Vec<f64>> {
    let mut x: Vec<Vec<f64>> = fixed.to_vec();
    for (k, candidate) in current.iter().enumerate() {
        x.push(if k == slot {
            column.to_vec()
        } else {
            candidate.column.clone()
        });
    }
    x
}

/// Stage 1's chosen curves and their columns.
#[derive(Clone)]
pub(super) struct Stage1Choice {
    /// The mediator's own-spend curve (clicks only).
    pub own: Option<(Stage1Curve, Vec<f64>)>,
    /// Each source's curve, in the order of the sources.
    pub sources: Vec<(Stage1Curve, Vec<f64>)>,
    /// The channel of each slot (own first when present, then the sources).
    channels: Vec<usize>,
}

impl Stage1Choice {
    /// The choice of a bootstrap resample: each grid curve of `self` (the data's choice)
    /// refined again by a short compass search (steps a half of the first ones, halved
    /// twice) under the resample's `sse`, so the intervals carry the uncertainty of the
    /// curves. Model and linear curves are kept.
    pub(super) fn resample(
        &self,
        data: &WeeklyData,
        fixed: &[Vec<f64>],
        sse: impl Fn(&[Vec<f64>]) -> Option<f64>,
    ) -> Self {
        let mut current: Vec<Candidate> = self
            .own
            .iter()
            .chain(&self.sources)
            .map(|(curve, column)| Candidate {
                curve: *curve,
                column: column.clone(),
            })
            .collect();
        for (slot, &channel) in self.channels.iter().enumerate() {
            let start = current[slot].clone();
            let Some(start_sse) = sse(&design_with(fixed, &current, slot, &start.column)) else {
                continue;
            };
            let (refined, _) = refine(
                &data.channels()[channel].values,
                start,
                start_sse,
                RESAMPLE_REFINE,
                |g| sse(&design_with(fixed, &current, slot, g)),
            );
            current[slot] = refined;
        }
        let mut chosen = current.into_iter().map(|c| (c.curve, c.column));
        let own = self.own.is_some().then(|| chosen.next()).flatten();
        Self {
            own,
            sources: chosen.collect(),
            channels: self.channels.clone(),
        }
    }
}

/// Chooses stage 1's curves for `M_t` = `mediator` (see the module docs). `fixed` are the
/// fixed columns (intercept, trend, season), `saturated` the model's curves per channel,
/// `sse` the stage-1 sum of squares of a set of columns (`None`: not fittable).
pub(super) fn choose_curves(
    data: &WeeklyData,
    saturated: &[Vec<f64>],
    fixed: &[Vec<f64>],
    sources: &[usize],
    mediator: usize,
    metric: MediatorMetric,
    sse: impl Fn(&[Vec<f64>]) -> Option<f64>,
) -> Stage1Choice {
    let spend = |c: usize| data.channels()[c].values.clone();
    // The slots in sweep order: the own spend (clicks only), then the sources.
    let mut slots: Vec<(usize, bool)> = Vec::new();
    if metric == MediatorMetric::Clicks {
        slots.push((mediator, true));
    }
    slots.extend(sources.iter().map(|&s| (s, false)));
    let mut current: Vec<Candidate> = slots
        .iter()
        .map(|&(c, own)| {
            if own {
                Candidate {
                    curve: Stage1Curve::Linear,
                    column: spend(c),
                }
            } else {
                Candidate {
                    curve: Stage1Curve::Model,
                    column: saturated[c].clone(),
                }
            }
        })
        .collect();
    let pools: Vec<Vec<Candidate>> = slots
        .iter()
        .map(|&(c, own)| {
            let mut pool = vec![Candidate {
                curve: Stage1Curve::Model,
                column: saturated[c].clone(),
            }];
            if own {
                pool.push(Candidate {
                    curve: Stage1Curve::Linear,
                    column: spend(c),
                });
            }
            pool.extend(grid_candidates(&data.channels()[c].values));
            pool
        })
        .collect();

    let design = |current: &[Candidate], slot: usize, column: &[f64]| {
        design_with(fixed, current, slot, column)
    };
    for _ in 0..MAX_SWEEPS {
        let mut changed = false;
        for slot in 0..slots.len() {
            let mut best = sse(&design(&current, slot, &current[slot].column));
            let mut pick = None;
            for (i, candidate) in pools[slot].iter().enumerate() {
                let Some(value) = sse(&design(&current, slot, &candidate.column)) else {
                    continue;
                };
                // Strictly better (relative 1e-9), so ties keep the current curve.
                if best.is_none_or(|b| value < b * (1.0 - 1e-9)) {
                    best = Some(value);
                    pick = Some(i);
                }
            }
            if let (Some(i), Some(value)) = (pick, best) {
                let picked = Candidate {
                    curve: pools[slot][i].curve,
                    column: pools[slot][i].column.clone(),
                };
                let (channel, _) = slots[slot];
                let (refined, _) = refine(
                    &data.channels()[channel].values,
                    picked,
                    value,
                    REFINE,
                    |g| sse(&design(&current, slot, g)),
                );
                current[slot] = refined;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut chosen = current.into_iter().map(|c| (c.curve, c.column));
    let own = (metric == MediatorMetric::Clicks)
        .then(|| chosen.next())
        .flatten();
    Stage1Choice {
        own,
        sources: chosen.collect(),
        channels: slots.iter().map(|&(c, _)| c).collect(),
    }
}
