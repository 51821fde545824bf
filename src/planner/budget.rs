//! The budget the user is editing: a weekly total, one spend per channel, and locks.
//!
//! Rule: the channel spends always sum to the total. Moving one channel takes the difference
//! from (or gives it to) the **unlocked** other channels in proportion to their current spend;
//! locked channels never move. Changing the total rescales the unlocked channels the same way.
//! When a change empties the other unlocked channels (one channel takes everything, or the
//! locks take the whole total), their spends are remembered, and they come back in those
//! proportions, not as an equal split; each change returns an [`Adjustment`] so the page can
//! say what happened. When the locks make balance impossible (locked spend above the total,
//! or nothing left unlocked to absorb a change), the state stays as close as it can and
//! [`BudgetState::balance`] says why, so the user never loses their numbers. A typed amount
//! that does not fit is refused ([`AmountRefused`]) instead of being clamped.

use mixplan_core::optimize::SpendBounds;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::format::currency;

/// Sums within half a cent count as equal.
pub const BALANCE_TOLERANCE: f64 = 0.005;

/// The weekly totals the planner offers for one data set: the total slider's `min`, `max`
/// and `step`, the range a typed or linked total must be in, the budgets the frontier is
/// drawn over and the most goal-seek searches. With `m` the historical mean weekly total
/// (all channels):
///
/// ```text
/// step = nice(HIGH · m / STEPS)          nice(x) = the largest 1, 2 or 5 × 10^k ≤ x
/// min  = max(step, step · ⌊LOW · m / step⌋)
/// max  = step · ⌈HIGH · m / step⌉
/// ```
///
/// so the range brackets `m` (from a fifth of it to three times it) on a grid of about
/// [`BudgetRange::STEPS`] steps, whatever the currency scale of the data. Data with no
/// spend to speak of (a mean below [`BudgetRange::SMALLEST_MEAN`], i.e. less than a cent a
/// week, or not a finite number) get [`BudgetRange::FALLBACK`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetRange {
    min: f64,
    max: f64,
    step: f64,
}

impl BudgetRange {
    /// The lowest total offered, as a share of the historical mean weekly total.
    pub const LOW: f64 = 0.2;
    /// The highest total offered, as a multiple of the historical mean weekly total.
    pub const HIGH: f64 = 3.0;
    /// About how many steps the slider has from 0 to `max`.
    pub const STEPS: f64 = 200.0;
    /// The smallest mean weekly total that sets the range: a cent.
    pub const SMALLEST_MEAN: f64 = 0.01;
    /// The range when the data say nothing about the scale of spend: $10,000 to $100,000
    /// in steps of $500.
    pub const FALLBACK: Self = Self {
        min: 10_000.0,
        max: 100_000.0,
        step: 500.0,
    };

    /// The range around a historical mean weekly total `mean` (see the type's formula).
    pub fn around(mean: f64) -> Self {
        if !(mean.is_finite() && mean >= Self::SMALLEST_MEAN) {
            return Self::FALLBACK;
        }
        let high = Self::HIGH * mean;
        let step = nice_step(high / Self::STEPS);
        let min = (step * (Self::LOW * mean / step).floor()).max(step);
        let max = step * (high / step).ceil();
        if !(step > 0.0 && step.is_finite() && max.is_finite() && max > min) {
            return Self::FALLBACK;
        }
        Self { min, max, step }
    }

    /// The smallest total offered.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The largest total offered.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The total slider's step.
    pub fn step(&self) -> f64 {
        self.step
    }

    /// The channel sliders' step: a fifth of the total's ($100 for the store).
    pub fn channel_step(&self) -> f64 {
        self.step / 5.0
    }

    /// True when `total` is in `[min, max]`.
    pub fn contains(&self, total: f64) -> bool {
        (self.min..=self.max).contains(&total)
    }

    /// `total` on the slider's grid and inside the range (the starting total). A total that
    /// is not a finite number gives `min`.
    pub fn snap(&self, total: f64) -> f64 {
        if !total.is_finite() {
            return self.min;
        }
        ((total / self.step).round() * self.step).clamp(self.min, self.max)
    }
}

/// The largest `1`, `2` or `5 × 10^k` that is at most `x > 0`.
fn nice_step(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    let leading = x / power;
    let digit = if leading >= 5.0 {
        5.0
    } else if leading >= 2.0 {
        2.0
    } else {
        1.0
    };
    digit * power
}

/// Whether the channel spends add up to the total.
#[derive(Debug, Clone, PartialEq)]
pub enum Balance {
    /// `Σ spend = total`.
    Balanced,
    /// The locked channels alone spend more than the total.
    LocksExceedTotal {
        /// Spend of the locked channels.
        locked: f64,
        /// The weekly total.
        total: f64,
    },
    /// Every channel is locked and they do not add up to the total.
    AllLocked {
        /// `Σ spend`.
        allocated: f64,
        /// The weekly total.
        total: f64,
    },
}

impl Balance {
    /// True when balanced.
    pub fn is_balanced(&self) -> bool {
        matches!(self, Balance::Balanced)
    }

    /// A plain-language explanation with the fix, or `None` when balanced.
    pub fn message(&self) -> Option<String> {
        match self {
            Balance::Balanced => None,
            Balance::LocksExceedTotal { locked, total } => Some(format!(
                "Locked channels spend {} but the total is {}: raise the total or unlock a channel.",
                currency(*locked),
                currency(*total)
            )),
            Balance::AllLocked { allocated, total } => Some(format!(
                "Every channel is locked and they add up to {}, not the total of {}: unlock a channel so the budget can balance.",
                currency(*allocated),
                currency(*total)
            )),
        }
    }
}

/// What a change did to the channels that absorbed it, so the page can say so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Adjustment {
    /// The other unlocked channels absorbed the change in proportion to their spend (equally
    /// when they never had any), or nothing else had to move.
    Spread,
    /// The change took everything the locks leave: the other unlocked channels are at $0.
    /// Their proportions are remembered and come back once there is budget for them again.
    OthersEmptied,
    /// The other unlocked channels were all at $0 and came back in the proportions they had
    /// before they were emptied.
    ProportionsRestored,
    /// A slider asked for more than the locks leave; the channel is held at `max`.
    HeldAtLockLimit {
        /// The most the channel can take: the total minus the other locked channels.
        max: f64,
    },
    /// Nothing moved: the channel is locked, or no other unlocked channel could balance it.
    Unchanged,
}

impl Adjustment {
    /// A short note for the page about what happened to the other channels when `channel`
    /// (its display name; `None` for the total) changed, or `None` when there is nothing
    /// to say.
    pub fn note(&self, channel: Option<&str>) -> Option<String> {
        let mover = channel.unwrap_or("The total");
        match self {
            Adjustment::Spread | Adjustment::Unchanged => None,
            Adjustment::OthersEmptied => Some(match channel {
                Some(name) => format!(
                    "{name} now takes everything left of the total, so the other unlocked channels are at $0. Lower it and they come back in their previous proportions."
                ),
                None => "The locked channels take the whole total, so the unlocked channels are at $0. Raise the total and they come back in their previous proportions.".to_string(),
            }),
            Adjustment::ProportionsRestored => Some(format!(
                "{mover} left room again: the other unlocked channels came back in their previous proportions."
            )),
            Adjustment::HeldAtLockLimit { max } => Some(format!(
                "{mover} can take at most {}, what the locked channels leave of the total; the other unlocked channels are at $0.",
                currency(*max)
            )),
        }
    }
}

/// Why a typed amount for a channel is refused. The budget keeps its previous value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AmountRefused {
    /// The channel is locked.
    #[error("This channel is locked: unlock it to change its spend.")]
    Locked,
    /// The channel is the only unlocked one: it takes whatever the total leaves.
    #[error(
        "The only unlocked channel takes what is left of the total: unlock another channel to change it."
    )]
    OnlyUnlocked,
    /// More than the whole total, with nothing locked elsewhere.
    #[error(
        "{} is more than the total of {}: lower the amount or raise the total first.",
        currency(*requested), currency(*total)
    )]
    AboveTotal {
        /// The amount typed.
        requested: f64,
        /// The weekly total.
        total: f64,
    },
    /// More than the total minus the other locked channels.
    #[error(
        "{} does not fit: the total of {} minus {} locked in other channels leaves at most {}. Lower the amount, raise the total or unlock a channel.",
        currency(*requested), currency(*total), currency(*locked_elsewhere), currency(*max)
    )]
    AboveWhatLocksAllow {
        /// The amount typed.
        requested: f64,
        /// The weekly total.
        total: f64,
        /// Spend of the other locked channels.
        locked_elsewhere: f64,
        /// `max(total − locked_elsewhere, 0)`.
        max: f64,
    },
}

/// The budget being edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetState {
    total: f64,
    spend: Vec<f64>,
    locked: Vec<bool>,
    /// Spend of the unlocked channels just before a change emptied them, so their
    /// proportions come back when there is budget for them again (all zero until then).
    #[serde(default)]
    remembered: Vec<f64>,
}

/// How [`BudgetState::fill_unlocked`] spread the free budget.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fill {
    /// In proportion to the current spend, equally, or nothing to fill.
    Spread,
    /// Nothing left: every target is at zero.
    Emptied,
    /// The targets were all at zero and got their remembered proportions back.
    Restored,
}

impl From<Fill> for Adjustment {
    fn from(fill: Fill) -> Self {
        match fill {
            Fill::Spread => Adjustment::Spread,
            Fill::Emptied => Adjustment::OthersEmptied,
            Fill::Restored => Adjustment::ProportionsRestored,
        }
    }
}

impl BudgetState {
    /// Starts from `total` split in proportion to `mix` (e.g. the historical average spend),
    /// nothing locked. A non-positive or non-finite mix gives an equal split.
    pub fn from_mix(total: f64, mix: &[f64]) -> Self {
        let total = sanitize(total);
        let mut state = Self {
            total,
            spend: mix.iter().map(|&m| sanitize(m)).collect(),
            locked: vec![false; mix.len()],
            remembered: vec![0.0; mix.len()],
        };
        state.fill_unlocked(total, None);
        state
    }

    /// The weekly total.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Spend per channel.
    pub fn spend(&self) -> &[f64] {
        &self.spend
    }

    /// Lock flags per channel.
    pub fn locked(&self) -> &[bool] {
        &self.locked
    }

    /// `Σ spend`.
    pub fn allocated(&self) -> f64 {
        self.spend.iter().sum()
    }

    /// The bounds the page optimises under, one per channel: a locked channel is held at
    /// its spend (`lo = hi = x_c`), the others are free (`0 ≤ x_c`).
    pub fn bounds(&self) -> Vec<SpendBounds> {
        self.locked
            .iter()
            .zip(&self.spend)
            .map(|(&locked, &x)| {
                if locked {
                    SpendBounds::locked(x)
                } else {
                    SpendBounds::FREE
                }
            })
            .collect()
    }

    /// Spend of the locked channels.
    pub fn locked_spend(&self) -> f64 {
        self.spend
            .iter()
            .zip(&self.locked)
            .filter(|(_, l)| **l)
            .map(|(s, _)| s)
            .sum()
    }

    /// Whether the spends add up to the total, and if not, why.
    pub fn balance(&self) -> Balance {
        if (self.allocated() - self.total).abs() <= BALANCE_TOLERANCE {
            return Balance::Balanced;
        }
        let locked = self.locked_spend();
        if self.locked.iter().all(|l| *l) {
            Balance::AllLocked {
                allocated: self.allocated(),
                total: self.total,
            }
        } else {
            Balance::LocksExceedTotal {
                locked,
                total: self.total,
            }
        }
    }

    /// Spend of the locked channels other than `channel`.
    fn locked_elsewhere(&self, channel: usize) -> f64 {
        self.spend
            .iter()
            .zip(&self.locked)
            .enumerate()
            .filter(|(i, (_, l))| *i != channel && **l)
            .map(|(_, (s, _))| s)
            .sum()
    }

    /// The most a channel may take: the total minus the other locked channels.
    pub fn channel_max(&self, channel: usize) -> f64 {
        (self.total - self.locked_elsewhere(channel)).max(0.0)
    }

    /// True when `channel` is unlocked and every other channel is locked: it takes whatever
    /// the total leaves, so moving it on its own cannot work.
    pub fn only_unlocked(&self, channel: usize) -> bool {
        self.locked.get(channel) == Some(&false)
            && self
                .locked
                .iter()
                .enumerate()
                .all(|(i, l)| i == channel || *l)
    }

    /// Sets the weekly total and rescales the unlocked channels to fill it.
    pub fn set_total(&mut self, total: f64) -> Adjustment {
        self.total = sanitize(total);
        let free = self.total - self.locked_spend();
        self.fill_unlocked(free, None).into()
    }

    /// Moves one channel to `value` (clamped to `[0, channel_max]`) and rebalances the
    /// unlocked others. A locked channel, or one with no unlocked other to balance against,
    /// does not move. This is what a slider does; typed amounts go through
    /// [`BudgetState::try_set_channel`], which refuses what does not fit instead.
    pub fn set_channel(&mut self, channel: usize, value: f64) -> Adjustment {
        if channel >= self.spend.len() || self.locked[channel] || self.only_unlocked(channel) {
            return Adjustment::Unchanged;
        }
        let requested = sanitize(value);
        let max = self.channel_max(channel);
        let value = requested.min(max);
        self.spend[channel] = value;
        let free = self.total - self.locked_spend() - value;
        let fill = self.fill_unlocked(free, Some(channel));
        if requested > max + BALANCE_TOLERANCE {
            Adjustment::HeldAtLockLimit { max }
        } else {
            fill.into()
        }
    }

    /// Sets one channel to a typed `value`, or says why it cannot take it; a refused amount
    /// changes nothing. Amounts up to half a cent above the limit count as the limit.
    pub fn try_set_channel(
        &mut self,
        channel: usize,
        value: f64,
    ) -> Result<Adjustment, AmountRefused> {
        if self.locked.get(channel) != Some(&false) {
            return Err(AmountRefused::Locked);
        }
        if self.only_unlocked(channel) {
            return Err(AmountRefused::OnlyUnlocked);
        }
        let max = self.channel_max(channel);
        if value > max + BALANCE_TOLERANCE {
            let locked_elsewhere = self.locked_elsewhere(channel);
            return Err(if locked_elsewhere > 0.0 {
                AmountRefused::AboveWhatLocksAllow {
                    requested: value,
                    total: self.total,
                    locked_elsewhere,
                    max,
                }
            } else {
                AmountRefused::AboveTotal {
                    requested: value,
                    total: self.total,
                }
            });
        }
        Ok(self.set_channel(channel, value))
    }

    /// Locks or unlocks a channel. Unlocking can restore balance, so it rebalances.
    pub fn set_locked(&mut self, channel: usize, locked: bool) {
        if let Some(flag) = self.locked.get_mut(channel) {
            *flag = locked;
            if !locked && !self.balance().is_balanced() {
                let free = self.total - self.locked_spend();
                self.fill_unlocked(free, None);
            }
        }
    }

    /// Replaces every spend (e.g. with the optimal split) and the total with their sum.
    /// Locks are kept. Ignored if the length is wrong or a value is negative or not finite.
    pub fn apply(&mut self, spend: &[f64]) {
        if spend.len() == self.spend.len() && spend.iter().all(|v| v.is_finite() && *v >= 0.0) {
            self.spend.copy_from_slice(spend);
            self.total = self.allocated();
        }
    }

    /// Spreads `free` over the unlocked channels other than `except`, with weights
    ///
    /// `w_i = x_i` (current spend) when `Σ x_i > 0`, else the remembered spends `r_i` when
    /// `Σ r_i > 0`, else `w_i = 1`; then `x_i = free · w_i / Σ w`.
    ///
    /// The last such channel absorbs the floating-point rounding so the sum is exact.
    /// Negative or zero `free` (locks at or over the total) sets them to zero, after
    /// remembering their spends so a later fill can bring their proportions back.
    fn fill_unlocked(&mut self, free: f64, except: Option<usize>) -> Fill {
        let targets: Vec<usize> = (0..self.spend.len())
            .filter(|&i| !self.locked[i] && Some(i) != except)
            .collect();
        let Some(&last) = targets.last() else {
            return Fill::Spread;
        };
        if self.remembered.len() != self.spend.len() {
            self.remembered = vec![0.0; self.spend.len()];
        }
        let free = free.max(0.0);
        let current_sum: f64 = targets.iter().map(|&i| self.spend[i]).sum();
        let remembered_sum: f64 = targets.iter().map(|&i| self.remembered[i]).sum();
        if free <= 0.0 {
            if current_sum > 0.0 {
                for &i in &targets {
                    self.remembered[i] = self.spend[i];
                }
            }
            for &i in &targets {
                self.spend[i] = 0.0;
            }
            return Fill::Emptied;
        }
        let (weights, fill): (Vec<f64>, Fill) = if current_sum > 0.0 {
            (
                targets.iter().map(|&i| self.spend[i]).collect(),
                Fill::Spread,
            )
        } else if remembered_sum > 0.0 {
            (
                targets.iter().map(|&i| self.remembered[i]).collect(),
                Fill::Restored,
            )
        } else {
            (vec![1.0; targets.len()], Fill::Spread)
        };
        let weight_sum: f64 = weights.iter().sum();
        let mut placed = 0.0;
        for (&i, w) in targets[..targets.len() - 1].iter().zip(&weights) {
            self.spend[i] = free * w / weight_sum;
            placed += self.spend[i];
        }
        self.spend[last] = (free - placed).max(0.0);
        fill
    }
}

fn sanitize(value: f64) -> f64 {
    if value.is_finite() {
        value.max(0.0)
    } else {
        0.0
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn the_budget_range_brackets_the_historical_weekly_total_at_any_scale() {
        // The simulated store: mean weekly total $47,957.
        let store = BudgetRange::around(47_957.23);
        assert_eq!(
            (store.min(), store.max(), store.step()),
            (9_500.0, 144_000.0, 500.0)
        );
        assert_eq!(store.snap(47_957.23), 48_000.0);
        assert_eq!(store.channel_step(), 100.0);
        // A small shop ($300 a week) and a large advertiser ($3M a week).
        let tiny = BudgetRange::around(300.0);
        assert_eq!((tiny.min(), tiny.max(), tiny.step()), (60.0, 900.0, 2.0));
        let huge = BudgetRange::around(3_000_000.0);
        assert_eq!(
            (huge.min(), huge.max(), huge.step()),
            (600_000.0, 9_000_000.0, 20_000.0)
        );
        for mean in [0.37, 3.0, 300.0, 12_345.6, 47_957.23, 3e6, 7.7e9] {
            let r = BudgetRange::around(mean);
            assert!(
                r.min() > 0.0 && r.min() <= 0.2 * mean + 1e-12 * mean,
                "{mean}: {r:?}"
            );
            assert!(
                r.max() >= 3.0 * mean && r.max() < 3.0 * mean + r.step(),
                "{mean}: {r:?}"
            );
            assert!(
                r.contains(mean) && r.contains(r.snap(mean)),
                "{mean}: {r:?}"
            );
            let steps = r.max() / r.step();
            assert!((200.0..=500.0).contains(&steps), "{mean}: {steps} steps");
            assert!((r.min() / r.step() - (r.min() / r.step()).round()).abs() < 1e-9);
            assert!(
                (steps - steps.round()).abs() < 1e-9,
                "{mean}: max on the grid"
            );
        }
    }

    #[test]
    fn locked_channels_are_held_and_the_others_free() {
        let mut state = BudgetState::from_mix(10_000.0, &[1.0, 3.0, 6.0]);
        state.set_locked(1, true);
        assert_eq!(
            state.bounds(),
            vec![
                SpendBounds::FREE,
                SpendBounds::locked(3_000.0),
                SpendBounds::FREE
            ]
        );
    }

    #[test]
    fn data_with_no_spend_get_the_fallback_range() {
        for mean in [0.0, -5.0, 0.009, f64::NAN, f64::INFINITY, f64::MAX, 1e-320] {
            assert_eq!(BudgetRange::around(mean), BudgetRange::FALLBACK, "{mean}");
        }
        let r = BudgetRange::FALLBACK;
        assert_eq!(r.snap(f64::NAN), 10_000.0);
        assert_eq!(r.snap(1e9), 100_000.0);
        assert_eq!(r.snap(47_957.0), 48_000.0);
        assert!(!r.contains(9_999.0) && r.contains(100_000.0));
    }

    use super::*;
    use proptest::prelude::*;

    fn sum(v: &[f64]) -> f64 {
        v.iter().sum()
    }

    #[test]
    fn starts_from_the_mix_scaled_to_the_total() {
        let state = BudgetState::from_mix(10_000.0, &[1.0, 3.0, 0.0, 6.0]);
        assert_eq!(state.spend(), &[1_000.0, 3_000.0, 0.0, 6_000.0]);
        assert!(state.balance().is_balanced());
    }

    #[test]
    fn moving_a_channel_rebalances_unlocked_others_proportionally() {
        let mut state = BudgetState::from_mix(10_000.0, &[2.0, 3.0, 5.0]);
        state.set_locked(2, true);
        state.set_channel(0, 4_000.0);
        assert_eq!(state.spend()[2], 5_000.0, "locked channel stays put");
        assert_eq!(state.spend()[0], 4_000.0);
        assert!((state.spend()[1] - 1_000.0).abs() < 1e-9);
        assert_eq!(sum(state.spend()), 10_000.0);
    }

    #[test]
    fn a_channel_cannot_exceed_what_locks_leave() {
        let mut state = BudgetState::from_mix(10_000.0, &[2.0, 3.0, 5.0]);
        state.set_locked(2, true);
        state.set_channel(0, 9_000.0);
        assert_eq!(state.spend(), &[5_000.0, 0.0, 5_000.0]);
    }

    #[test]
    fn zero_others_get_an_equal_share() {
        let mut state = BudgetState::from_mix(9_000.0, &[1.0, 0.0, 0.0]);
        state.set_channel(0, 3_000.0);
        assert_eq!(state.spend(), &[3_000.0, 3_000.0, 3_000.0]);
    }

    #[test]
    fn locks_above_the_total_are_reported_with_a_fix() {
        let mut state = BudgetState::from_mix(10_000.0, &[8.0, 2.0]);
        state.set_locked(0, true);
        state.set_total(5_000.0);
        assert_eq!(
            state.spend(),
            &[8_000.0, 0.0],
            "the locked value is kept, not lost"
        );
        let balance = state.balance();
        assert_eq!(
            balance,
            Balance::LocksExceedTotal {
                locked: 8_000.0,
                total: 5_000.0
            }
        );
        assert!(
            balance
                .message()
                .unwrap()
                .contains("raise the total or unlock")
        );
        state.set_locked(0, false);
        assert!(state.balance().is_balanced(), "unlocking restores balance");
        assert_eq!(
            state.spend(),
            &[5_000.0, 0.0],
            "refilled in proportion to current spend"
        );
    }

    #[test]
    fn all_locked_cannot_move_and_is_explained() {
        let mut state = BudgetState::from_mix(10_000.0, &[5.0, 5.0]);
        state.set_locked(0, true);
        state.set_channel(0, 1.0);
        assert_eq!(
            state.spend(),
            &[5_000.0, 5_000.0],
            "a locked channel ignores moves"
        );
        state.set_locked(1, true);
        state.set_total(12_000.0);
        assert!(matches!(state.balance(), Balance::AllLocked { .. }));
    }

    #[test]
    fn apply_takes_the_split_and_its_total() {
        let mut state = BudgetState::from_mix(10_000.0, &[1.0, 1.0]);
        state.apply(&[7_000.0, 3_000.0]);
        assert_eq!(state.spend(), &[7_000.0, 3_000.0]);
        state.apply(&[f64::NAN, 1.0]);
        assert_eq!(
            state.spend(),
            &[7_000.0, 3_000.0],
            "bad input is ignored, nothing lost"
        );
    }

    #[test]
    fn typed_amounts_above_the_total_are_refused_and_nothing_moves() {
        let mut state = BudgetState::from_mix(10_000.0, &[2.0, 3.0, 5.0]);
        let before = state.clone();
        let refused = state.try_set_channel(0, 12_000.0).unwrap_err();
        assert_eq!(
            refused,
            AmountRefused::AboveTotal {
                requested: 12_000.0,
                total: 10_000.0
            }
        );
        assert_eq!(
            refused.to_string(),
            "$12,000 is more than the total of $10,000: lower the amount or raise the total first."
        );
        assert_eq!(state, before, "the old values stay");
    }

    #[test]
    fn typed_amounts_above_what_the_locks_leave_are_refused_with_the_limit() {
        let mut state = BudgetState::from_mix(10_000.0, &[2.0, 3.0, 5.0]);
        state.set_locked(2, true);
        let before = state.clone();
        let refused = state.try_set_channel(0, 6_000.0).unwrap_err();
        assert_eq!(
            refused,
            AmountRefused::AboveWhatLocksAllow {
                requested: 6_000.0,
                total: 10_000.0,
                locked_elsewhere: 5_000.0,
                max: 5_000.0
            }
        );
        assert!(refused.to_string().contains("leaves at most $5,000"));
        assert_eq!(state, before);
        assert_eq!(state.try_set_channel(2, 1.0), Err(AmountRefused::Locked));
        // Exactly the limit (within half a cent) fits and empties the other unlocked channel.
        assert_eq!(
            state.try_set_channel(0, 5_000.004),
            Ok(Adjustment::OthersEmptied)
        );
        assert_eq!(state.spend(), &[5_000.0, 0.0, 5_000.0]);
    }

    #[test]
    fn a_slider_past_the_lock_limit_is_held_there_and_says_so() {
        let mut state = BudgetState::from_mix(10_000.0, &[2.0, 3.0, 5.0]);
        state.set_locked(2, true);
        let adjustment = state.set_channel(0, 9_000.0);
        assert_eq!(adjustment, Adjustment::HeldAtLockLimit { max: 5_000.0 });
        let note = adjustment.note(Some("Social")).unwrap();
        assert!(note.contains("Social can take at most $5,000"), "{note}");
    }

    #[test]
    fn emptied_channels_come_back_in_their_previous_proportions() {
        let mut state = BudgetState::from_mix(10_000.0, &[2.0, 3.0, 5.0]);
        assert_eq!(
            state.try_set_channel(0, 10_000.0),
            Ok(Adjustment::OthersEmptied)
        );
        assert_eq!(state.spend(), &[10_000.0, 0.0, 0.0]);
        assert!(
            Adjustment::OthersEmptied
                .note(Some("Social"))
                .unwrap()
                .contains("previous proportions")
        );
        assert_eq!(
            state.set_channel(0, 2_000.0),
            Adjustment::ProportionsRestored
        );
        // b and c share 8,000 in their old 3:5 proportion, not 4,000 each.
        assert!(
            (state.spend()[1] - 3_000.0).abs() < 1e-9,
            "{:?}",
            state.spend()
        );
        assert!(
            (state.spend()[2] - 5_000.0).abs() < 1e-9,
            "{:?}",
            state.spend()
        );
        assert_eq!(state.set_channel(0, 3_000.0), Adjustment::Spread);
    }

    #[test]
    fn channels_emptied_by_locks_come_back_in_proportion_when_the_total_rises() {
        let mut state = BudgetState::from_mix(40_000.0, &[1.0, 3.0, 4.0]);
        state.set_locked(2, true);
        assert_eq!(state.set_total(15_000.0), Adjustment::OthersEmptied);
        assert_eq!(state.spend(), &[0.0, 0.0, 20_000.0]);
        assert_eq!(state.set_total(18_000.0), Adjustment::OthersEmptied);
        assert_eq!(state.set_total(24_000.0), Adjustment::ProportionsRestored);
        assert!(
            (state.spend()[0] - 1_000.0).abs() < 1e-9,
            "{:?}",
            state.spend()
        );
        assert!(
            (state.spend()[1] - 3_000.0).abs() < 1e-9,
            "{:?}",
            state.spend()
        );
        assert!(state.balance().is_balanced());
    }

    #[test]
    fn the_only_unlocked_channel_cannot_be_moved_on_its_own() {
        let mut state = BudgetState::from_mix(10_000.0, &[2.0, 3.0, 5.0]);
        state.set_locked(1, true);
        state.set_locked(2, true);
        assert!(state.only_unlocked(0));
        assert!(
            !state.only_unlocked(1),
            "a locked channel is not 'the only unlocked'"
        );
        let before = state.clone();
        assert_eq!(state.set_channel(0, 1_000.0), Adjustment::Unchanged);
        assert_eq!(
            state.try_set_channel(0, 1_000.0),
            Err(AmountRefused::OnlyUnlocked)
        );
        assert_eq!(state, before);
    }

    proptest! {
        #[test]
        fn a_refused_amount_changes_nothing(
            mix in prop::collection::vec(0.0f64..10.0, 2..8),
            total in 10_000.0f64..100_000.0,
            locks in prop::collection::vec(any::<bool>(), 8),
            channel in 0usize..8,
            value in 0.0f64..200_000.0,
        ) {
            let mut state = BudgetState::from_mix(total, &mix);
            for (c, lock) in locks.iter().take(mix.len()).enumerate() {
                state.set_locked(c, *lock);
            }
            let channel = channel % mix.len();
            let before = state.clone();
            match state.try_set_channel(channel, value) {
                Err(_) => prop_assert_eq!(&state, &before),
                Ok(_) => {
                    prop_assert!((state.spend()[channel] - value).abs() <= BALANCE_TOLERANCE);
                    prop_assert!(state.balance().is_balanced() || !before.balance().is_balanced());
                }
            }
        }

        #[test]
        fn every_move_keeps_the_sum_and_the_locks(
            mix in prop::collection::vec(0.0f64..10.0, 2..8),
            total in 10_000.0f64..100_000.0,
            moves in prop::collection::vec((0usize..8, -1_000.0f64..120_000.0, any::<bool>()), 1..30),
        ) {
            let mut state = BudgetState::from_mix(total, &mix);
            for (channel, value, lock) in moves {
                let channel = channel % mix.len();
                if lock {
                    state.set_locked(channel, !state.locked()[channel]);
                    continue;
                }
                let before = state.clone();
                state.set_channel(channel, value);
                for i in 0..mix.len() {
                    prop_assert!(state.spend()[i] >= 0.0);
                    if before.locked()[i] {
                        prop_assert_eq!(state.spend()[i], before.spend()[i]);
                    }
                }
                if before.balance().is_balanced() {
                    prop_assert!(state.balance().is_balanced(), "{:?} -> {:?}", before, state);
                }
            }
        }
    }
}
