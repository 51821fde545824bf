//! Credible intervals for what the page shows about one budget, over the posterior draws
//! ([`PosteriorDraws`]). Recomputed on every slider move, so kept to `2·C·D` closed-form
//! curve evaluations (`C` channels, `D` draws): each channel's curve value and slope under
//! every draw. Each interval takes two selections of `D` values (`O(D)`, no sort) in buffers
//! reused across the channels. The recommended split's revenue under every draw
//! ([`SplitRevenue`]) does not depend on the current split: the page computes it once per
//! recommended split, not once per move.
//!
//! Per draw `d`, in the model's form (the same table as the point fit's
//! [`RevenueForm`](mixplan_core::optimize::RevenueForm)):
//!
//! | figure | additive (`f_{c,d}`) | multiplicative (log curves `g_{c,d}`, base `B̄_d`) |
//! |---|---|---|
//! | revenue `R_d(x)` | `baseline + Σ_c f_{c,d}(x_c)` | `B̄_d·exp(Σ_c g_{c,d}(x_c))` |
//! | contribution of `c` | `f_{c,d}(x_c)` | `R_d(x)·(1 − exp(−g_{c,d}(x_c)))` (removal effect) |
//! | ROI of `c` | contribution ÷ `x_c` | contribution ÷ `x_c` |
//! | marginal ROI of `c` | `f'_{c,d}(x_c)` | `R_d(x)·g'_{c,d}(x_c)` |
//! | uplift of `x'` over `x` | `R_d(x') − R_d(x)` | `R_d(x') − R_d(x)` |
//!
//! Every interval is **equal-tailed**: the `(1 − level)/2` and `(1 + level)/2` quantiles of
//! the per-draw values (the core's
//! [`equal_tailed_interval`](mixplan_core::model::posterior::equal_tailed_interval)). In the
//! additive form the baseline (intercept, trend, season, controls) is held at the point
//! estimate: the draws carry the media channels' uncertainty, which is what a budget split
//! changes. In the multiplicative form each draw carries its own base `B̄_d`, which scales
//! every channel's revenue, so it is part of every figure.

use mixplan_core::response::HillResponse;

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
        Self::of_reordering(&mut values.to_vec(), level)
    }

    /// As [`Interval::of`], reordering `values` in place instead of copying them. The same
    /// quantiles as the core's
    /// [`equal_tailed_interval`](mixplan_core::model::posterior::equal_tailed_interval) — at position `p·(D − 1) = i + w`,
    /// `v_(i)·(1 − w) + v_(i+1)·w` over the sorted values `v_(0) ≤ … ≤ v_(D−1)` — found by
    /// selecting the order statistics they need (`O(D)`) instead of sorting (`O(D log D)`).
    pub fn of_reordering(values: &mut [f64], level: f64) -> Option<Self> {
        if values.is_empty()
            || values.iter().any(|v| !v.is_finite())
            || !(level > 0.0 && level < 1.0)
        {
            return None;
        }
        let tail = 0.5 * (1.0 - level);
        let (low, index) = select_quantile(values, tail, 0);
        // That selection put every value from `index` on at or above the ones before it, so
        // the upper quantile's order statistics (`1 − tail ≥ tail`) are among them.
        let (high, _) = select_quantile(values, 1.0 - tail, index);
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

/// Quantile `p` of `values` as the core's `equal_tailed_interval` takes it: at position
/// `p·(D − 1) = i + w`, `v_(i)·(1 − w) + v_(i+1)·w` (`v_(D)` read as `v_(D−1)`). The order
/// statistics are selected among `values[from..]`, which must hold every value from `v_(from)`
/// up (true for `from = 0`, and after a selection of `v_(from)`). Reorders `values`; returns
/// the quantile and `i`, after which `values[i]` is `v_(i)` and every later value is at or
/// above it.
fn select_quantile(values: &mut [f64], p: f64, from: usize) -> (f64, usize) {
    let last = values.len().saturating_sub(1);
    let position = p * last as f64;
    let low = (position.floor() as usize).min(last);
    let weight = position - low as f64;
    let from = from.min(low);
    let (_, at_low, above) = values[from..].select_nth_unstable_by(low - from, f64::total_cmp);
    let at_low = *at_low;
    // v_(i+1) is the smallest value above the selected one (none when i is the last).
    let at_high = above
        .iter()
        .copied()
        .min_by(f64::total_cmp)
        .unwrap_or(at_low);
    (at_low * (1.0 - weight) + at_high * weight, low)
}

/// A split's media revenue under every draw, `R_d(x) − B_d` (`Σ_c f_{c,d}(x_c)` additive,
/// `B̄_d·(exp(Σ_c g_{c,d}(x_c)) − 1)` multiplicative; [`PosteriorDraws::media_revenue`]),
/// kept with the split it is for: differences of two splits' values are uplifts. The page computes it
/// for the recommended split once, and every slider move compares the current split with it
/// ([`ScenarioIntervals::compute`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SplitRevenue {
    spend: Vec<f64>,
    revenue: Vec<f64>,
}

impl SplitRevenue {
    /// The media revenue of `spend` (weekly, model order) under every draw.
    pub fn of(draws: &PosteriorDraws, spend: &[f64]) -> Self {
        Self {
            spend: spend.to_vec(),
            revenue: draws.media_revenue(spend),
        }
    }

    /// The split, as given.
    pub fn spend(&self) -> &[f64] {
        &self.spend
    }

    /// The media revenue `R_d(x) − B_d` for every draw `d`.
    pub fn revenue(&self) -> &[f64] {
        &self.revenue
    }
}

/// One channel's intervals at its spend `x_c` in the current split (the formulas per form
/// are in the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelIntervals {
    /// Weekly contribution: `f_{c,d}(x_c)`, or the removal effect
    /// `R_d(x)·(1 − exp(−g_{c,d}(x_c)))`.
    pub contribution: Option<Interval>,
    /// ROI, the contribution ÷ `x_c`; `None` below [`NO_SPEND`].
    pub roi: Option<Interval>,
    /// Marginal ROI `f'_{c,d}(x_c)`, or `R_d(x)·g'_{c,d}(x_c)`; `None` below [`NO_SPEND`] or
    /// where a draw's curve has no finite slope.
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
        Self::of_revenues(
            &draws.media_revenue(current),
            &draws.media_revenue(new),
            level,
        )
    }

    /// The comparison from the two splits' media revenue under every draw (`before` the
    /// current split's, `after` the new one's, the same draws in the same order); `None` if
    /// an uplift is not finite or there are none.
    pub fn of_revenues(before: &[f64], after: &[f64], level: f64) -> Option<Self> {
        let mut uplift: Vec<f64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
        let count = uplift.len() as f64;
        let expected_uplift = uplift.iter().sum::<f64>() / count;
        let probability_of_gain = uplift.iter().filter(|u| **u > 0.0).count() as f64 / count;
        Some(Self {
            expected_uplift,
            uplift: Interval::of_reordering(&mut uplift, level)?,
            probability_of_gain,
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
    /// Predicted weekly revenue of the current split, `R_d(x)`: `baseline + Σ_c f_{c,d}(x_c)`
    /// or `B̄_d·exp(Σ_c g_{c,d}(x_c))`.
    pub revenue: Option<Interval>,
    /// The recommended split against the current one, when there is a recommended split.
    pub recommended: Option<Comparison>,
}

impl ScenarioIntervals {
    /// Intervals at `level` for the split `current` (weekly spend per channel, model order)
    /// with `baseline` weekly non-media revenue (the point fit's; used by additive draws
    /// only, multiplicative draws carry their own `B̄_d`), and the recommended split compared
    /// with it from its revenue under the same `draws` ([`SplitRevenue::of`]).
    pub fn compute(
        draws: &PosteriorDraws,
        baseline: f64,
        current: &[f64],
        recommended: Option<&SplitRevenue>,
        level: f64,
    ) -> Self {
        match draws.bases() {
            None => Self::additive(draws, baseline, current, recommended, level),
            Some(bases) => Self::multiplicative(draws, bases, current, recommended, level),
        }
    }

    fn additive(
        draws: &PosteriorDraws,
        baseline: f64,
        current: &[f64],
        recommended: Option<&SplitRevenue>,
        level: f64,
    ) -> Self {
        let mut work = Work::new(draws.draws());
        let channels = (0..draws.channels())
            .map(|c| {
                let spend = clean_spend(current.get(c).copied());
                work.channel_intervals(draws.curves(c), spend, level)
            })
            .collect();
        // `media` holds Σ_c f_{c,d}(x_c) per draw, summed in channel order as
        // `PosteriorDraws::media_revenue` sums it: the same numbers.
        let recommended =
            recommended.and_then(|new| Comparison::of_revenues(&work.media, new.revenue(), level));
        let revenue = Interval::of_reordering(&mut work.media, level).map(|i| i.shifted(baseline));
        Self {
            level,
            draws: draws.draws(),
            channels,
            revenue,
            recommended,
        }
    }

    /// The multiplicative form: one pass over the channels for the log curves' values
    /// `g_{c,d}(x_c)` (kept, `C·D` values) and their sums `S_d`, so every draw's revenue
    /// `R_d = B̄_d·exp(S_d)` is known before any channel's removal effect or marginal ROI.
    fn multiplicative(
        draws: &PosteriorDraws,
        bases: &[f64],
        current: &[f64],
        recommended: Option<&SplitRevenue>,
        level: f64,
    ) -> Self {
        let count = draws.draws();
        let spends: Vec<f64> = (0..draws.channels())
            .map(|c| clean_spend(current.get(c).copied()))
            .collect();
        let mut logs = vec![0.0; spends.len() * count];
        let mut sums = vec![0.0; count];
        for (c, &spend) in spends.iter().enumerate() {
            if spend == 0.0 {
                // g(0) = 0 under every draw; nothing to add.
                continue;
            }
            let row = &mut logs[c * count..(c + 1) * count];
            for ((log, sum), g) in row.iter_mut().zip(&mut sums).zip(draws.curves(c)) {
                *log = g.value(spend);
                *sum += *log;
            }
        }
        let mut revenue: Vec<f64> = sums
            .iter()
            .zip(bases)
            .map(|(s, base)| base * s.exp())
            .collect();
        let mut values = Vec::with_capacity(count);
        let channels = spends
            .iter()
            .enumerate()
            .map(|(c, &spend)| {
                values.clear();
                values.extend(
                    logs[c * count..(c + 1) * count]
                        .iter()
                        .zip(&revenue)
                        .map(|(g, r)| r * -(-g).exp_m1()),
                );
                let contribution = Interval::of_reordering(&mut values, level);
                if spend < NO_SPEND {
                    return ChannelIntervals {
                        contribution,
                        roi: None,
                        marginal_roi: None,
                    };
                }
                for v in &mut values {
                    *v /= spend;
                }
                let roi = Interval::of_reordering(&mut values, level);
                values.clear();
                values.extend(
                    draws
                        .curves(c)
                        .iter()
                        .zip(&revenue)
                        .map(|(g, r)| r * g.marginal(spend)),
                );
                ChannelIntervals {
                    contribution,
                    roi,
                    marginal_roi: Interval::of_reordering(&mut values, level),
                }
            })
            .collect();
        // `sums` are summed in channel order as `PosteriorDraws::curve_sums` sums them, so
        // these are `PosteriorDraws::media_revenue`'s numbers, as the recommended split's are.
        let media = draws.media_of_sums(sums);
        let recommended =
            recommended.and_then(|new| Comparison::of_revenues(&media, new.revenue(), level));
        Self {
            level,
            draws: count,
            channels,
            revenue: Interval::of_reordering(&mut revenue, level),
            recommended,
        }
    }

    /// Channel `c`'s intervals (`None` for an unknown channel).
    pub fn channel(&self, channel: usize) -> Option<&ChannelIntervals> {
        self.channels.get(channel)
    }
}

/// The buffers of one [`ScenarioIntervals::compute`], `D` values each.
struct Work {
    /// Media revenue of the current split per draw, summed over the channels so far.
    media: Vec<f64>,
    /// One channel's values per draw (reordered by the selections).
    values: Vec<f64>,
    /// One channel's marginal returns per draw (reordered by the selection).
    marginals: Vec<f64>,
}

impl Work {
    fn new(draws: usize) -> Self {
        Self {
            media: vec![0.0; draws],
            values: Vec::with_capacity(draws),
            marginals: Vec::with_capacity(draws),
        }
    }

    /// A channel's intervals at `spend` from its `curves` (one per draw, in draw order),
    /// adding its contribution under each draw to `media`.
    fn channel_intervals(
        &mut self,
        curves: &[HillResponse],
        spend: f64,
        level: f64,
    ) -> ChannelIntervals {
        self.values.clear();
        self.marginals.clear();
        if spend == 0.0 {
            // f(0) = 0 under every draw; nothing to add.
            self.values.resize(curves.len(), 0.0);
        } else {
            // The value and the marginal return from one power per draw (the marginals are
            // not needed below NO_SPEND, where their cost is a few hundred powers at most).
            for (total, f) in self.media.iter_mut().zip(curves) {
                let (value, marginal) = f.value_and_marginal(spend);
                *total += value;
                self.values.push(value);
                self.marginals.push(marginal);
            }
        }
        let contribution = Interval::of_reordering(&mut self.values, level);
        if spend < NO_SPEND {
            return ChannelIntervals {
                contribution,
                roi: None,
                marginal_roi: None,
            };
        }
        // The ROIs are the contributions ÷ the spend: the order the selection left them in
        // does not change their quantiles.
        for v in &mut self.values {
            *v /= spend;
        }
        let roi = Interval::of_reordering(&mut self.values, level);
        ChannelIntervals {
            contribution,
            roi,
            marginal_roi: Interval::of_reordering(&mut self.marginals, level),
        }
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

    /// A channel without spend: a zero contribution, no ROI and no marginal ROI.
    fn assert_idle(channel: &ChannelIntervals) {
        assert_eq!(
            channel.contribution,
            Some(Interval {
                low: 0.0,
                high: 0.0
            })
        );
        assert_eq!((channel.roi, channel.marginal_roi), (None, None));
    }

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

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Selecting the order statistics gives the core's sorted quantiles exactly, ties,
        /// signed zeros and any length or level included.
        #[test]
        fn selected_quantiles_are_the_cores_sorted_ones(
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    -1e6f64..1e6,
                    proptest::strategy::Strategy::prop_map(-3i32..3, f64::from),
                    proptest::strategy::Just(-0.0),
                ],
                1..600,
            ),
            level in 0.01f64..0.99,
        ) {
            let (low, high) =
                mixplan_core::model::posterior::equal_tailed_interval(&values, level).unwrap();
            let selected = Interval::of(&values, level).unwrap();
            proptest::prop_assert_eq!(selected.low.to_bits(), low.to_bits());
            proptest::prop_assert_eq!(selected.high.to_bits(), high.to_bits());
        }
    }

    #[test]
    fn the_intervals_are_those_of_the_per_draw_values_and_the_cached_recommended_revenue() {
        // Straight from the definitions: per-draw values, then their intervals.
        let draws = two_channels(400);
        let (current, new) = ([700.0, 300.0], [1000.0, 0.0]);
        let best = SplitRevenue::of(&draws, &new);
        assert_eq!(best.spend(), &new);
        assert_eq!(best.revenue(), draws.media_revenue(&new).as_slice());
        let s = ScenarioIntervals::compute(&draws, 250.0, &current, Some(&best), 0.8);
        assert_eq!(
            s.revenue,
            Interval::of(&draws.media_revenue(&current), 0.8).map(|i| i.shifted(250.0))
        );
        assert_eq!(s.recommended, Comparison::of(&draws, &current, &new, 0.8));
        for (c, &x) in current.iter().enumerate() {
            let curves = draws.curves(c);
            let values: Vec<f64> = curves.iter().map(|f| f.value(x)).collect();
            let roi: Vec<f64> = values.iter().map(|v| v / x).collect();
            // The marginal returns as the move computes them (from the value's power) are the
            // curves' marginal returns to a few ulp.
            let marginal: Vec<f64> = curves.iter().map(|f| f.value_and_marginal(x).1).collect();
            for (m, f) in marginal.iter().zip(curves) {
                assert!((m - f.marginal(x)).abs() <= 1e-13 * m.abs());
            }
            assert_eq!(
                s.channel(c),
                Some(&ChannelIntervals {
                    contribution: Interval::of(&values, 0.8),
                    roi: Interval::of(&roi, 0.8),
                    marginal_roi: Interval::of(&marginal, 0.8),
                }),
                "channel {c}"
            );
        }
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
        assert_idle(c1);
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

    /// Two channels, `draws` multiplicative draws: channel 0's log curve `β = 0.1 + 0.002 d`,
    /// channel 1's `β = 0.05`, both `K = 1000, s = 1`; base `B̄_d = 10,000 + 50 d`.
    fn two_log_channels(draws: usize) -> PosteriorDraws {
        let curve = |beta: f64| HillResponse::new(beta, 1000.0, 1.0).unwrap();
        PosteriorDraws::new_multiplicative(
            vec![
                (0..draws).map(|d| curve(0.1 + 0.002 * d as f64)).collect(),
                (0..draws).map(|_| curve(0.05)).collect(),
            ],
            vec![vec![1.0; draws]; 2],
            (0..draws).map(|d| 10_000.0 + 50.0 * d as f64).collect(),
            crate::planner::draws::tests::diagnostics(0, true),
        )
        .unwrap()
    }

    /// `a` and `b` are both `None` or intervals whose ends agree to `1e-9` relative.
    fn close(a: Option<Interval>, b: Option<Interval>) -> bool {
        let near = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => near(a.low, b.low) && near(a.high, b.high),
            _ => false,
        }
    }

    #[test]
    fn multiplicative_intervals_are_those_of_each_draws_revenue_removal_effects_and_slopes() {
        // By hand, straight from R_d = B̄_d·exp(Σ g), removal effect R_d·(1 − e^{−g}) and
        // marginal R_d·g'.
        let draws = two_log_channels(200);
        let (current, new) = ([700.0, 300.0], [1000.0, 0.0]);
        let best = SplitRevenue::of(&draws, &new);
        let s = ScenarioIntervals::compute(&draws, 123.0, &current, Some(&best), 0.8);
        let revenue: Vec<f64> = (0..200)
            .map(|d| {
                let logs: f64 = (0..2).map(|c| draws.curves(c)[d].value(current[c])).sum();
                (10_000.0 + 50.0 * d as f64) * logs.exp()
            })
            .collect();
        // The baseline argument is the additive form's; each draw has its own base here.
        assert!(
            close(s.revenue, Interval::of(&revenue, 0.8)),
            "{:?}",
            s.revenue
        );
        assert!(close(
            s.revenue,
            Interval::of(&draws.revenue(&current, 123.0), 0.8)
        ));
        for (c, &x) in current.iter().enumerate() {
            let curves = draws.curves(c);
            let removal: Vec<f64> = (0..200)
                .map(|d| revenue[d] * (1.0 - (-curves[d].value(x)).exp()))
                .collect();
            let roi: Vec<f64> = removal.iter().map(|v| v / x).collect();
            let marginal: Vec<f64> = (0..200)
                .map(|d| revenue[d] * curves[d].marginal(x))
                .collect();
            let got = s.channel(c).unwrap();
            assert!(
                close(got.contribution, Interval::of(&removal, 0.8)),
                "{c}: {got:?}"
            );
            assert!(close(got.roi, Interval::of(&roi, 0.8)), "{c}: {got:?}");
            assert!(
                close(got.marginal_roi, Interval::of(&marginal, 0.8)),
                "{c}: {got:?}"
            );
        }
        // The uplift of the recommended split is R_d(new) − R_d(current), exactly as the
        // comparison of the two splits computes it.
        assert_eq!(s.recommended, Comparison::of(&draws, &current, &new, 0.8));
        let uplift: Vec<f64> = draws
            .revenue(&new, 0.0)
            .iter()
            .zip(&revenue)
            .map(|(a, b)| a - b)
            .collect();
        let recommended = s.recommended.unwrap();
        assert!(close(Some(recommended.uplift), Interval::of(&uplift, 0.8)));
        let mean = uplift.iter().sum::<f64>() / 200.0;
        assert!((recommended.expected_uplift - mean).abs() < 1e-9 * mean.abs().max(1.0));
        // No spend: no removal effect, no ROI.
        let idle = ScenarioIntervals::compute(&draws, 0.0, &[1000.0, 0.0], None, 0.9);
        let c1 = idle.channel(1).unwrap();
        assert_idle(c1);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn multiplicative_intervals_around_the_point_fit_contain_its_predictions() {
        use crate::planner::budget::BudgetState;
        let p = crate::planner::scenario::fitted_multiplicative_planner();
        // Every log curve's β scaled by 0.8 … 1.2 (41 draws, the point fit in the middle),
        // every draw with the point fit's base.
        let draws = crate::planner::draws::tests::scaled_draws(p, 0.01, 40);
        let budget = BudgetState::from_mix(p.historical_total(), p.historical_mix());
        let spend = budget.spend();
        let predicted = p.model().predict(spend).unwrap();
        let s = ScenarioIntervals::compute(&draws, p.baseline(), spend, None, 0.9);
        let revenue = s.revenue.unwrap();
        assert!(
            revenue.contains(predicted.revenue),
            "{revenue:?} {predicted:?}"
        );
        // Not the additive reading of the same curves (baseline + Σ g is ~ the baseline).
        assert!(revenue.low > p.baseline() + 1.0, "{revenue:?}");
        let point = p.evaluate(spend);
        for (c, &x) in spend.iter().enumerate() {
            let i = s.channel(c).unwrap();
            let contribution = i.contribution.unwrap();
            // The removal effect, in revenue (the core's own reading of the model).
            let removal = predicted.revenue * (1.0 - (-p.curves()[c].value(x)).exp());
            assert!((point.contributions()[c] - removal).abs() < 1e-6 * removal.max(1.0));
            let widened = |i: Interval| Interval {
                low: i.low - 1e-9 * i.low.abs(),
                high: i.high + 1e-9 * i.high.abs(),
            };
            assert!(
                widened(contribution).contains(removal),
                "{c}: {i:?} {removal}"
            );
            assert!(
                widened(i.marginal_roi.unwrap()).contains(point.marginal_roi()[c]),
                "{c}: {i:?}"
            );
            assert!(widened(i.roi.unwrap()).contains(removal / x), "{c}: {i:?}");
        }
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
