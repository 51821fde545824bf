//! The posterior-mean optimum of a **multiplicative** (log-revenue) model: the first brick of
//! the multiplicative model form planned in `docs/model.md` ("A plan for the multiplicative
//! form", issue #11 item 9). Nothing else uses it yet.
//!
//! # Problem
//!
//! In a model of `ln y`, draw `d` predicts the steady-state weekly revenue of a split `x` as
//! `R_d(x) = B_d · exp(G_d(x))`, `G_d(x) = Σ_c g_{c,d}(x_c)`, with `B_d > 0` the draw's mean
//! base revenue and `g_{c,d}` its channel curves in log units (Hill curves). The rule's
//! candidate maximises the posterior expected revenue
//!
//! ```text
//! maximise   F(x) = (1/D) Σ_d B_d · exp(G_d(x))
//! subject to Σ_c x_c = budget,   lo_c ≤ x_c ≤ hi_c
//! ```
//!
//! which is not separable over channels, so the exact optimiser does not apply directly.
//!
//! # Method: minorise–maximise
//!
//! `exp` is convex, so `exp(u) ≥ exp(u₀)·(1 + u − u₀)` with equality at `u = u₀`. At the current
//! split `x^k`, with weights `w_d = B_d · exp(G_d(x^k))`,
//!
//! ```text
//! F(x) ≥ Q_k(x) = (1/D) Σ_d w_d · (1 + G_d(x) − G_d(x^k)),   Q_k(x^k) = F(x^k)
//! ```
//!
//! and `Q_k` is separable: up to a constant it is `Σ_c ḡ_c(x_c)` with `ḡ_c` the mean of the
//! draws' curves `g_{c,d}` scaled by `w_d` (a Hill curve scaled by a positive number is a
//! Hill curve), which [`optimize_mean_curves`] maximises exactly. So
//! `F(x^{k+1}) ≥ Q_k(x^{k+1}) ≥ Q_k(x^k) = F(x^k)`: every step is exact and the objective never
//! decreases; the iteration stops when a step gains less than `tolerance · F`. It starts from
//! the optimum of `Σ_d B_d G_d(x)` (the bound at `G = 0`). With one draw the first step is
//! already the optimum (maximising `exp(G)` is maximising `G`).

use super::mean_curve::{MeanResponse, optimize_mean_curves};
use crate::optimize::{OptimizeError, SpendBounds};
use crate::response::{HillResponse, ResponseError};
use thiserror::Error;

/// One posterior draw of a multiplicative model: its mean base revenue and its channel
/// curves in log units.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRevenueDraw {
    /// `B_d > 0`: the draw's mean weekly base revenue (no media), in currency.
    pub base: f64,
    /// `g_{c,d}`: each channel's steady-state effect on `ln y`, in channel order.
    pub curves: Vec<HillResponse>,
}

impl LogRevenueDraw {
    /// `R_d(x) = B_d · exp(Σ_c g_{c,d}(x_c))`.
    pub fn revenue(&self, spend: &[f64]) -> f64 {
        self.base * self.log_lift(spend).exp()
    }

    /// `G_d(x) = Σ_c g_{c,d}(x_c)`.
    pub fn log_lift(&self, spend: &[f64]) -> f64 {
        self.curves
            .iter()
            .zip(spend)
            .map(|(g, x)| g.value(*x))
            .sum()
    }
}

/// Why the optimum could not be computed.
#[derive(Debug, Error)]
pub enum LogRevenueOptimumError {
    /// No draws.
    #[error("no draws: the posterior-mean optimum needs at least one draw")]
    NoDraws,
    /// A draw has another number of curves than the first.
    #[error("draw {draw} has {found} channel curves where the first has {expected}")]
    ChannelCount {
        /// The draw.
        draw: usize,
        /// Its curves.
        found: usize,
        /// The first draw's.
        expected: usize,
    },
    /// A draw's base revenue is not a positive finite number.
    #[error("draw {draw} has base revenue {base}: it must be a positive finite number")]
    Base {
        /// The draw.
        draw: usize,
        /// Its base.
        base: f64,
    },
    /// A weighted curve could not be built (a weight overflowed).
    #[error("draw {draw}'s weighted curve: {source}")]
    Curve {
        /// The draw.
        draw: usize,
        /// Why.
        source: ResponseError,
    },
    /// The budget problem is infeasible or malformed.
    #[error(transparent)]
    Optimize(#[from] OptimizeError),
}

/// Iteration settings of [`optimize_log_revenue_mean`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinoriseMaximise {
    /// Largest number of steps.
    pub max_steps: usize,
    /// Stop when a step raises `F` by less than `tolerance · F`.
    pub tolerance: f64,
}

impl Default for MinoriseMaximise {
    /// 100 steps, relative tolerance `1e-12`.
    fn default() -> Self {
        Self {
            max_steps: 100,
            tolerance: 1e-12,
        }
    }
}

/// The optimum found, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRevenueOptimum {
    /// The split.
    pub spend: Vec<f64>,
    /// `F(x)`: the posterior expected weekly revenue at the split.
    pub expected_revenue: f64,
    /// `F` after each step (non-decreasing; the first entry is the starting split's).
    pub trace: Vec<f64>,
    /// `true` when the last step gained less than the tolerance.
    pub converged: bool,
    /// `true` when every step's separable problem was solved exactly
    /// ([`super::MeanOptimum::exact`]).
    pub exact: bool,
}

/// `F(x) = (1/D) Σ_d R_d(x)`.
pub fn expected_revenue(draws: &[LogRevenueDraw], spend: &[f64]) -> f64 {
    draws.iter().map(|d| d.revenue(spend)).sum::<f64>() / draws.len().max(1) as f64
}

/// The split maximising the posterior expected revenue of a multiplicative model, by
/// minorise–maximise (module docs).
///
/// # Errors
/// No draws, draws with different channel counts or a base that is not positive and finite,
/// and the errors of the budget problem ([`optimize_mean_curves`]).
pub fn optimize_log_revenue_mean(
    draws: &[LogRevenueDraw],
    bounds: &[SpendBounds],
    budget: f64,
    settings: MinoriseMaximise,
) -> Result<LogRevenueOptimum, LogRevenueOptimumError> {
    let first = draws.first().ok_or(LogRevenueOptimumError::NoDraws)?;
    let channels = first.curves.len();
    for (draw, d) in draws.iter().enumerate() {
        if d.curves.len() != channels {
            return Err(LogRevenueOptimumError::ChannelCount {
                draw,
                found: d.curves.len(),
                expected: channels,
            });
        }
        if !(d.base.is_finite() && d.base > 0.0) {
            return Err(LogRevenueOptimumError::Base { draw, base: d.base });
        }
    }
    // The first step's weights are the bases (the bound at G = 0).
    let mut weights: Vec<f64> = draws.iter().map(|d| d.base).collect();
    let mut best: Option<(Vec<f64>, f64)> = None;
    let mut trace = Vec::new();
    let mut converged = false;
    let mut exact = true;
    for _ in 0..settings.max_steps {
        let step = separable_step(draws, &weights, channels, bounds, budget)?;
        exact &= step.exact;
        let value = expected_revenue(draws, &step.spend);
        let gain = best.as_ref().map(|(_, f)| value - f);
        trace.push(value);
        match gain {
            // The bound guarantees no loss; a tiny negative gain is rounding.
            Some(gain) if gain <= settings.tolerance * value.abs() => {
                converged = true;
                break;
            }
            _ => {}
        }
        weights = draws.iter().map(|d| d.revenue(&step.spend)).collect();
        best = Some((step.spend, value));
    }
    let (spend, expected_revenue) = best.ok_or(LogRevenueOptimumError::NoDraws)?;
    Ok(LogRevenueOptimum {
        spend,
        expected_revenue,
        trace,
        converged,
        exact,
    })
}

/// Maximises `Σ_d w_d G_d(x)` exactly: the draws' curves scaled by their weights (normalised
/// to mean 1), averaged per channel.
fn separable_step(
    draws: &[LogRevenueDraw],
    weights: &[f64],
    channels: usize,
    bounds: &[SpendBounds],
    budget: f64,
) -> Result<super::MeanOptimum, LogRevenueOptimumError> {
    let mean_weight = weights.iter().sum::<f64>() / weights.len() as f64;
    let mut curves = Vec::with_capacity(channels);
    for c in 0..channels {
        let mut scaled = Vec::with_capacity(draws.len());
        for (draw, (d, w)) in draws.iter().zip(weights).enumerate() {
            let g = &d.curves[c];
            let curve =
                HillResponse::with_saturation(g.coefficient() * w / mean_weight, *g.saturation())
                    .map_err(|source| LogRevenueOptimumError::Curve { draw, source })?;
            scaled.push(curve);
        }
        curves.push(MeanResponse::new(scaled).ok_or(LogRevenueOptimumError::NoDraws)?);
    }
    Ok(optimize_mean_curves(&curves, bounds, budget)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hill(beta: f64, k: f64, s: f64) -> HillResponse {
        HillResponse::new(beta, k, s).expect("a valid curve")
    }

    /// The best split of two channels on a grid of `n` steps (a brute-force reference).
    fn grid_optimum(draws: &[LogRevenueDraw], budget: f64, n: usize) -> (f64, f64) {
        (0..=n)
            .map(|i| {
                let x = budget * i as f64 / n as f64;
                (x, expected_revenue(draws, &[x, budget - x]))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("a grid")
    }

    #[test]
    fn one_draw_is_the_optimum_of_its_log_curves() {
        let draw = LogRevenueDraw {
            base: 100_000.0,
            curves: vec![hill(0.2, 8_000.0, 1.4), hill(0.1, 3_000.0, 0.9)],
        };
        let mm = optimize_log_revenue_mean(
            std::slice::from_ref(&draw),
            &[],
            20_000.0,
            MinoriseMaximise::default(),
        )
        .unwrap();
        let direct = optimize_mean_curves(
            &[
                MeanResponse::new(vec![draw.curves[0]]).unwrap(),
                MeanResponse::new(vec![draw.curves[1]]).unwrap(),
            ],
            &[],
            20_000.0,
        )
        .unwrap();
        assert!(mm.converged && mm.exact);
        for (a, b) in mm.spend.iter().zip(&direct.spend) {
            assert!(
                (a - b).abs() < 1e-6 * 20_000.0,
                "{:?} vs {:?}",
                mm.spend,
                direct.spend
            );
        }
    }

    #[test]
    fn the_iteration_never_loses_and_matches_a_fine_grid() {
        // Draws that disagree about which channel is better, and by a lot (large log
        // lifts make exp strongly convex, the case where the linear bound is loosest).
        let draws: Vec<LogRevenueDraw> = (0..40)
            .map(|d| {
                let t = d as f64 / 39.0;
                LogRevenueDraw {
                    base: 50_000.0 * (1.0 + 0.5 * t),
                    curves: vec![
                        hill(0.1 + 0.9 * t, 10_000.0 * (1.0 + t), 1.0 + t),
                        hill(0.9 - 0.8 * t, 6_000.0, 1.2),
                    ],
                }
            })
            .collect();
        let budget = 30_000.0;
        let mm =
            optimize_log_revenue_mean(&draws, &[], budget, MinoriseMaximise::default()).unwrap();
        assert!(mm.converged, "{:?}", mm.trace);
        assert!(
            mm.trace.windows(2).all(|w| w[1] >= w[0] * (1.0 - 1e-12)),
            "{:?}",
            mm.trace
        );
        let total: f64 = mm.spend.iter().sum();
        assert!((total - budget).abs() < 1e-6 * budget);
        let (_, grid_best) = grid_optimum(&draws, budget, 20_000);
        assert!(
            mm.expected_revenue >= grid_best * (1.0 - 1e-9),
            "MM {} below the grid's {grid_best}",
            mm.expected_revenue
        );
        println!("steps {}, trace {:?}", mm.trace.len(), mm.trace);
    }

    #[test]
    fn three_s_shaped_channels_beat_every_point_of_a_grid() {
        let draws: Vec<LogRevenueDraw> = (0..25)
            .map(|d| {
                let t = (d as f64 * 0.37).sin().abs();
                LogRevenueDraw {
                    base: 80_000.0 * (0.8 + 0.4 * t),
                    curves: vec![
                        hill(0.3 + 0.4 * t, 9_000.0, 2.2),
                        hill(0.5 - 0.3 * t, 4_000.0 * (1.0 + t), 1.6),
                        hill(0.2, 12_000.0, 0.8 + t),
                    ],
                }
            })
            .collect();
        let budget = 24_000.0;
        let mm =
            optimize_log_revenue_mean(&draws, &[], budget, MinoriseMaximise::default()).unwrap();
        assert!(mm.converged && mm.exact, "{mm:?}");
        let n = 300;
        let mut grid_best = f64::NEG_INFINITY;
        for i in 0..=n {
            for j in 0..=(n - i) {
                let (a, b) = (budget * i as f64 / n as f64, budget * j as f64 / n as f64);
                grid_best = grid_best.max(expected_revenue(&draws, &[a, b, budget - a - b]));
            }
        }
        assert!(
            mm.expected_revenue >= grid_best * (1.0 - 1e-9),
            "MM {} below the grid's {grid_best}",
            mm.expected_revenue
        );
    }

    #[test]
    fn bad_draws_are_refused_with_why() {
        let good = LogRevenueDraw {
            base: 1.0,
            curves: vec![hill(0.1, 1.0, 1.0)],
        };
        let settings = MinoriseMaximise::default();
        assert!(matches!(
            optimize_log_revenue_mean(&[], &[], 1.0, settings),
            Err(LogRevenueOptimumError::NoDraws)
        ));
        let two = LogRevenueDraw {
            base: 1.0,
            curves: vec![hill(0.1, 1.0, 1.0); 2],
        };
        let err = optimize_log_revenue_mean(&[good.clone(), two], &[], 1.0, settings).unwrap_err();
        assert_eq!(
            err.to_string(),
            "draw 1 has 2 channel curves where the first has 1"
        );
        let zero = LogRevenueDraw {
            base: 0.0,
            ..good.clone()
        };
        let err = optimize_log_revenue_mean(&[good, zero], &[], 1.0, settings).unwrap_err();
        assert_eq!(
            err.to_string(),
            "draw 1 has base revenue 0: it must be a positive finite number"
        );
    }
}
