//! Credible intervals for what the page shows about one budget, over the posterior draws
//! ([`PosteriorDraws`]). Recomputed on every slider move: `O(C·D)` closed-form curve
//! evaluations and a sort of `D` values per interval (`C` channels, `D` draws).
//!
//! Every interval is **equal-tailed**: the `(1 − level)/2` and `(1 + level)/2` quantiles of
//! the per-draw values (the core's [`equal_tailed_interval`]). The baseline (intercept,
//! trend, season, controls) is held at the point estimate: the draws carry the media
//! channels' uncertainty, which is what a budget split changes.

use mixplan_core::model::posterior::equal_tailed_interval;

use super::draws::{PosteriorDraws, clean_spend};
use crate::format::{NO_VALUE, currency, decimal, signed_currency};

/// The credible level the page shows unless told otherwise.
pub const DEFAULT_LEVEL: f64 = 0.9;

/// Spends below this (dollars per week) have no ROI or marginal ROI interval (the table
/// shows "—" for them, as for their point values).
pub const NO_SPEND: f64 = 0.5;

/// An equal-tailed credible interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The `(1 − level)/2` quantile.
    pub low: f64,
    /// The `(1 + level)/2` quantile.
    pub high: f64,
}

impl Interval {
    /// The equal-tailed interval holding `level` of `values`; `None` for no values, a
    /// non-finite value, or a level outside `(0, 1)`.
    pub fn of(values: &[f64], level: f64) -> Option<Self> {
        if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let (low, high) = equal_tailed_interval(values, level).ok()?;
        Some(Self { low, high })
    }

    /// `low ≤ value ≤ high`.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }

    /// The interval shifted by `offset` (e.g. a baseline added to media revenue).
    pub fn shifted(self, offset: f64) -> Self {
        Self {
            low: self.low + offset,
            high: self.high + offset,
        }
    }
}

/// One channel's intervals at its spend `x_c` in the current split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelIntervals {
    /// Weekly contribution `f_{c,d}(x_c)`.
    pub contribution: Option<Interval>,
    /// ROI `f_{c,d}(x_c) / x_c`; `None` below [`NO_SPEND`].
    pub roi: Option<Interval>,
    /// Marginal ROI `f'_{c,d}(x_c)`; `None` below [`NO_SPEND`] or where a draw's curve has
    /// no finite slope.
    pub marginal_roi: Option<Interval>,
}

/// A split compared with the current one over the draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Posterior mean of the weekly uplift, `(1/D) Σ_d (R_d(new) − R_d(current))`.
    pub expected_uplift: f64,
    /// Interval of the weekly uplift `R_d(new) − R_d(current)`.
    pub uplift: Interval,
    /// Share of draws in which the new split earns strictly more, `#{d: uplift_d > 0} / D`.
    pub probability_of_gain: f64,
}

impl Comparison {
    /// The new split `new` against `current` over `draws`; `None` if an uplift is not finite.
    pub fn of(draws: &PosteriorDraws, current: &[f64], new: &[f64], level: f64) -> Option<Self> {
        let before = draws.media_revenue(current);
        let after = draws.media_revenue(new);
        let uplift: Vec<f64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
        let interval = Interval::of(&uplift, level)?;
        let count = uplift.len() as f64;
        Some(Self {
            expected_uplift: uplift.iter().sum::<f64>() / count,
            uplift: interval,
            probability_of_gain: uplift.iter().filter(|u| **u > 0.0).count() as f64 / count,
        })
    }
}

/// Everything uncertain about one budget state.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioIntervals {
    /// The credible level, e.g. 0.9.
    pub level: f64,
    /// Draws the intervals are taken over.
    pub draws: usize,
    /// Per channel, in model order.
    pub channels: Vec<ChannelIntervals>,
    /// Predicted weekly revenue of the current split, `baseline + Σ_c f_{c,d}(x_c)`.
    pub revenue: Option<Interval>,
    /// The recommended split against the current one, when there is a recommended split.
    pub recommended: Option<Comparison>,
}

impl ScenarioIntervals {
    /// Intervals at `level` for the split `current` (weekly spend per channel, model order)
    /// with `baseline` weekly non-media revenue, and the split `recommended` compared with
    /// it.
    pub fn compute(
        draws: &PosteriorDraws,
        baseline: f64,
        current: &[f64],
        recommended: Option<&[f64]>,
        level: f64,
    ) -> Self {
        let channels = (0..draws.channels())
            .map(|c| channel_intervals(draws, c, clean_spend(current.get(c).copied()), level))
            .collect();
        let revenue =
            Interval::of(&draws.media_revenue(current), level).map(|i| i.shifted(baseline));
        Self {
            level,
            draws: draws.draws(),
            channels,
            revenue,
            recommended: recommended.and_then(|new| Comparison::of(draws, current, new, level)),
        }
    }

    /// Channel `c`'s intervals (`None` for an unknown channel).
    pub fn channel(&self, channel: usize) -> Option<&ChannelIntervals> {
        self.channels.get(channel)
    }
}

fn channel_intervals(
    draws: &PosteriorDraws,
    channel: usize,
    spend: f64,
    level: f64,
) -> ChannelIntervals {
    let curves = draws.curves(channel);
    let contributions: Vec<f64> = curves.iter().map(|f| f.value(spend)).collect();
    let contribution = Interval::of(&contributions, level);
    if spend < NO_SPEND {
        return ChannelIntervals {
            contribution,
            roi: None,
            marginal_roi: None,
        };
    }
    let roi: Vec<f64> = contributions.iter().map(|v| v / spend).collect();
    let marginal: Vec<f64> = curves.iter().map(|f| f.marginal(spend)).collect();
    ChannelIntervals {
        contribution,
        roi: Interval::of(&roi, level),
        marginal_roi: Interval::of(&marginal, level),
    }
}

/// `"low – high"` with `format` for each end, or "—" for no interval.
pub fn range_text(interval: Option<Interval>, format: impl Fn(f64) -> String) -> String {
    interval.map_or_else(
        || NO_VALUE.to_string(),
        |i| format!("{} – {}", format(i.low), format(i.high)),
    )
}

/// An ROI or marginal ROI interval, two decimals: `"1.50 – 1.74"`.
pub fn ratio_range(interval: Option<Interval>) -> String {
    range_text(interval, |v| decimal(v, 2))
}

/// A revenue interval in currency: `"$1,200 – $1,450"`.
pub fn currency_range(interval: Option<Interval>) -> String {
    range_text(interval, currency)
}

/// An uplift interval in signed currency: `"−$120 – +$450"`.
pub fn signed_currency_range(interval: Option<Interval>) -> String {
    range_text(interval, signed_currency)
}

/// The level as a label, whole percent: `"90%"`.
pub fn level_text(level: f64) -> String {
    format!("{:.0}%", level * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::draws::tests::two_channels;

    #[test]
    fn an_interval_holds_the_central_share_of_the_values() {
        let values: Vec<f64> = (0..=100).map(f64::from).collect();
        let i = Interval::of(&values, 0.9).unwrap();
        // Quantile positions 0.05·100 = 5 and 0.95·100 = 95 (up to rounding of 0.05·100).
        assert!(
            (i.low - 5.0).abs() < 1e-12 && (i.high - 95.0).abs() < 1e-12,
            "{i:?}"
        );
        assert!(
            i.contains(5.0 + 1e-9) && i.contains(50.0) && !i.contains(95.5) && !i.contains(4.9)
        );
        assert_eq!(Interval::of(&[], 0.9), None);
        assert_eq!(Interval::of(&[1.0, f64::INFINITY], 0.9), None);
        assert_eq!(Interval::of(&values, 1.0), None);
        assert_eq!(
            i.shifted(10.0),
            Interval {
                low: 15.0,
                high: 105.0
            }
        );
    }

    #[test]
    fn channel_intervals_bracket_every_draws_value_at_the_spend() {
        // Channel 0: β = 1000 … 1990 over 100 draws, K = 1000, s = 1: f(1000) = β/2.
        let draws = two_channels(100);
        let s = ScenarioIntervals::compute(&draws, 10_000.0, &[1000.0, 0.0], None, 0.9);
        assert_eq!(s.draws, 100);
        let c0 = s.channel(0).unwrap();
        let contribution = c0.contribution.unwrap();
        // The 5 % and 95 % quantiles of β/2 = 500 + 5d, d = 0 … 99 (positions 4.95, 94.05).
        assert!(
            (contribution.low - (500.0 + 5.0 * 4.95)).abs() < 1e-9,
            "{contribution:?}"
        );
        assert!(
            (contribution.high - (500.0 + 5.0 * 94.05)).abs() < 1e-9,
            "{contribution:?}"
        );
        let roi = c0.roi.unwrap();
        assert!((roi.low - contribution.low / 1000.0).abs() < 1e-12);
        // f'(K) = β/(4K) for s = 1.
        let marginal = c0.marginal_roi.unwrap();
        assert!(
            (marginal.low - (1000.0 + 10.0 * 4.95) / 4000.0).abs() < 1e-12,
            "{marginal:?}"
        );
        // No spend: a zero contribution, no ROI and no marginal ROI.
        let c1 = s.channel(1).unwrap();
        assert_eq!(
            c1.contribution,
            Some(Interval {
                low: 0.0,
                high: 0.0
            })
        );
        assert_eq!((c1.roi, c1.marginal_roi), (None, None));
        // Revenue = baseline + media.
        let revenue = s.revenue.unwrap();
        assert!((revenue.low - (10_000.0 + contribution.low)).abs() < 1e-9);
        assert_eq!(s.recommended, None);
    }

    #[test]
    fn the_probability_of_gain_counts_the_draws_in_which_the_new_split_earns_more() {
        let draws = two_channels(100);
        // Moving $1000 from channel 1 (β = 500) to channel 0 (β ≥ 1000) gains in every draw.
        let better = Comparison::of(&draws, &[0.0, 1000.0], &[1000.0, 0.0], 0.9).unwrap();
        assert_eq!(better.probability_of_gain, 1.0);
        assert!(better.uplift.low > 0.0 && better.expected_uplift > better.uplift.low);
        // The reverse loses in every draw.
        let worse = Comparison::of(&draws, &[1000.0, 0.0], &[0.0, 1000.0], 0.9).unwrap();
        assert_eq!(worse.probability_of_gain, 0.0);
        assert!(worse.uplift.high < 0.0);
        // The same split never "beats" itself.
        let same = Comparison::of(&draws, &[500.0, 500.0], &[500.0, 500.0], 0.9).unwrap();
        assert_eq!(same.probability_of_gain, 0.0);
        assert_eq!(same.expected_uplift, 0.0);
    }

    #[test]
    fn a_probability_of_gain_between_0_and_1_when_the_draws_disagree() {
        // Channel 0: β_d = 1000 + 10 d, channel 1: β = 500, both K = 1000, s = 1. Moving
        // $300 from channel 0 to channel 1 gains 500·300/1300 ≈ 115.4 and loses
        // β_d·(1000/2000 − 700/1700) ≈ 0.0882 β_d: a gain for β_d < 1307.7, i.e. d ≤ 30.
        let draws = two_channels(100);
        let (current, new) = ([1000.0, 0.0], [700.0, 300.0]);
        let f = |b: f64, x: f64| b * x / (x + 1000.0);
        let by_hand = (0..100)
            .filter(|d| {
                let beta = 1000.0 + 10.0 * f64::from(*d);
                f(beta, 700.0) + f(500.0, 300.0) > f(beta, 1000.0)
            })
            .count() as f64
            / 100.0;
        assert_eq!(by_hand, 0.31);
        let comparison = Comparison::of(&draws, &current, &new, 0.9).unwrap();
        assert_eq!(comparison.probability_of_gain, by_hand);
        assert!(comparison.uplift.low < 0.0 && comparison.uplift.high > 0.0);
    }

    #[test]
    fn intervals_are_written_low_to_high() {
        let i = Some(Interval {
            low: 1.5,
            high: 1.744,
        });
        assert_eq!(ratio_range(i), "1.50 – 1.74");
        assert_eq!(ratio_range(None), NO_VALUE);
        let money = Some(Interval {
            low: 1200.0,
            high: 1450.4,
        });
        assert_eq!(
            currency_range(money),
            format!("{} – {}", currency(1200.0), currency(1450.4))
        );
        let uplift = Some(Interval {
            low: -120.0,
            high: 450.0,
        });
        assert_eq!(
            signed_currency_range(uplift),
            format!("{} – {}", signed_currency(-120.0), signed_currency(450.0))
        );
    }
}
