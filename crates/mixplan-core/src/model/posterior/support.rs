//! The spend range the data cover, per channel: where the posterior's curves are learnt from
//! the data rather than from the priors (issue #11, item 3: "move only as far as the data
//! support").
//!
//! A channel's response curve is identified by the weeks in which it was run at different
//! levels. Far above the highest weekly spend the data hold, its saturation is the prior's
//! guess, extrapolated; a split that puts a channel there bets on that guess, and the
//! posterior cannot tell how wrong the guess may be (its draws share the prior's shape).
//! So the recommendation rule keeps every channel within
//!
//! ```text
//! low_c  = min( q_lo(x_c), x⁰_c )        high_c = max( q_hi(x_c), x⁰_c )
//! ```
//!
//! where `q_lo(x_c)`, `q_hi(x_c)` are quantiles of the channel's weekly spend over the data
//! (default the 10th and 90th percentiles, [`DEFAULT_SUPPORT_QUANTILES`]) and `x⁰_c` the
//! current spend: the current split is always allowed (a channel already run beyond the
//! range may stay where it is, never go farther). These are ordinary box bounds, intersected
//! with the user's, so the separable optimiser stays exact. The range widens as the data
//! widen: a channel whose spend varied a lot has a wide range, one always run at the same
//! level a narrow one.

use crate::data::WeeklyData;
use crate::optimize::SpendBounds;
use serde::{Deserialize, Serialize};

/// Default quantiles of weekly spend that bound the recommendation: the 10th and the 90th
/// percentile (the range in which 8 weeks in 10 of the data lie).
pub const DEFAULT_SUPPORT_QUANTILES: (f64, f64) = (0.1, 0.9);

/// Per channel, the range of weekly spend the data cover (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpendSupport {
    /// `(q_lo, q_hi)` of each channel's weekly spend, currency.
    ranges: Vec<(f64, f64)>,
    /// The quantile levels used.
    quantiles: (f64, f64),
}

impl SpendSupport {
    /// From each channel's weekly spends, between the quantiles `(lo, hi)` (linear
    /// interpolation between order statistics). Levels are clamped to `[0, 1]` and put in
    /// order; non-finite spends are ignored; a channel without a finite spend gets the range
    /// `[0, ∞)` (no support to bound by).
    pub fn from_spends<S: AsRef<[f64]>>(spends: &[S], quantiles: (f64, f64)) -> Self {
        let clean = |q: f64| {
            if q.is_finite() {
                q.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        let (a, b) = (clean(quantiles.0), clean(quantiles.1));
        let quantiles = (a.min(b), a.max(b));
        let ranges = spends
            .iter()
            .map(|s| {
                let mut sorted: Vec<f64> = s
                    .as_ref()
                    .iter()
                    .copied()
                    .filter(|x| x.is_finite())
                    .collect();
                if sorted.is_empty() {
                    return (0.0, f64::INFINITY);
                }
                sorted.sort_by(f64::total_cmp);
                (
                    interpolated_quantile(&sorted, quantiles.0),
                    interpolated_quantile(&sorted, quantiles.1),
                )
            })
            .collect();
        Self { ranges, quantiles }
    }

    /// From the data's channel spends, between [`DEFAULT_SUPPORT_QUANTILES`].
    pub fn from_data(data: &WeeklyData) -> Self {
        Self::from_data_between(data, DEFAULT_SUPPORT_QUANTILES)
    }

    /// From the data's channel spends, between the quantiles `(lo, hi)`.
    pub fn from_data_between(data: &WeeklyData, quantiles: (f64, f64)) -> Self {
        let spends: Vec<&[f64]> = data.channels().iter().map(|c| &c.values[..]).collect();
        Self::from_spends(&spends, quantiles)
    }

    /// `(q_lo, q_hi)` of every channel's weekly spend.
    pub fn ranges(&self) -> &[(f64, f64)] {
        &self.ranges
    }

    /// The quantile levels of the ranges.
    pub fn quantiles(&self) -> (f64, f64) {
        self.quantiles
    }

    /// Number of channels.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// `true` without channels.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The bounds of the recommendation: per channel
    /// `[max(min_c, min(q_lo, x⁰_c)), min(max_c, max(q_hi, x⁰_c))]`, i.e. the data's range
    /// widened to hold the current spend `x⁰_c`, within the user's bounds (`user` empty:
    /// none). When `x⁰` lies within the user's bounds, so does every result, and `x⁰` lies
    /// within it; `Σ x⁰ = B` then keeps the budget feasible. A channel the support does not
    /// cover (fewer ranges than channels) keeps the user's bound.
    pub fn bounds(&self, current: &[f64], user: &[SpendBounds]) -> Vec<SpendBounds> {
        current
            .iter()
            .enumerate()
            .map(|(c, &x0)| {
                let b = user.get(c).copied().unwrap_or(SpendBounds::FREE);
                if b.is_locked() {
                    return b;
                }
                let Some(&(low, high)) = self.ranges.get(c) else {
                    return b;
                };
                let min = b.min.max(low.min(x0));
                let max = b.max.min(high.max(x0));
                if min <= max {
                    SpendBounds::new(min, max)
                } else {
                    b
                }
            })
            .collect()
    }
}

/// The `q`-quantile of `sorted` (ascending, non-empty) by linear interpolation between
/// order statistics: position `q (n − 1)`.
fn interpolated_quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let weight = position - below as f64;
    sorted[below] + weight * (sorted[above] - sorted[below])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let spends = [vec![4.0, 0.0, 2.0, 1.0, 3.0]];
        let s = SpendSupport::from_spends(&spends, (0.1, 0.9));
        let (low, high) = s.ranges()[0];
        assert!((low - 0.4).abs() < 1e-12, "{low}");
        assert!((high - 3.6).abs() < 1e-12, "{high}");
    }

    #[test]
    fn bounds_hold_the_current_spend_and_respect_the_users() {
        let spends = [vec![10.0; 5], vec![0.0, 5.0, 10.0, 15.0, 20.0]];
        let s = SpendSupport::from_spends(&spends, (0.0, 1.0));
        // Channel 0 was always run at 10 and is now at 30: it may stay, not go farther.
        let b = s.bounds(&[30.0, 5.0], &[]);
        assert_eq!((b[0].min, b[0].max), (10.0, 30.0));
        assert_eq!((b[1].min, b[1].max), (0.0, 20.0));
        // A user's cap below the range wins, a lock stays a lock.
        let user = [SpendBounds::locked(30.0), SpendBounds::at_most(12.0)];
        let b = s.bounds(&[30.0, 5.0], &user);
        assert!(b[0].is_locked());
        assert_eq!((b[1].min, b[1].max), (0.0, 12.0));
    }

    #[test]
    fn a_channel_without_finite_spend_is_not_bounded() {
        let s = SpendSupport::from_spends(&[vec![f64::NAN]], (0.1, 0.9));
        let b = s.bounds(&[5.0], &[]);
        assert_eq!((b[0].min, b[0].max), (0.0, f64::INFINITY));
    }
}
