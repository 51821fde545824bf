//! The budget the user is editing: a weekly total, one spend per channel, and locks.
//!
//! Rule: the channel spends always sum to the total. Moving one channel takes the difference
//! from (or gives it to) the **unlocked** other channels in proportion to their current spend
//! (equally when they are all at zero); locked channels never move. Changing the total
//! rescales the unlocked channels the same way. When the locks make that impossible (locked
//! spend above the total, or nothing left unlocked to absorb a change), the state stays as
//! close as it can and [`BudgetState::balance`] says why, so the user never loses their
//! numbers.

use serde::{Deserialize, Serialize};

/// Sums within half a cent count as equal.
pub const BALANCE_TOLERANCE: f64 = 0.005;

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
        use crate::format::currency;
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

/// The budget being edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetState {
    total: f64,
    spend: Vec<f64>,
    locked: Vec<bool>,
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

    /// The most a channel may take: the total minus the other locked channels.
    pub fn channel_max(&self, channel: usize) -> f64 {
        let others_locked: f64 = self
            .spend
            .iter()
            .zip(&self.locked)
            .enumerate()
            .filter(|(i, (_, l))| *i != channel && **l)
            .map(|(_, (s, _))| s)
            .sum();
        (self.total - others_locked).max(0.0)
    }

    /// Sets the weekly total and rescales the unlocked channels to fill it.
    pub fn set_total(&mut self, total: f64) {
        self.total = sanitize(total);
        let free = self.total - self.locked_spend();
        self.fill_unlocked(free, None);
    }

    /// Moves one channel to `value` (clamped to `[0, channel_max]`) and rebalances the
    /// unlocked others. A locked channel, or one with no unlocked other to balance against,
    /// does not move.
    pub fn set_channel(&mut self, channel: usize, value: f64) {
        if channel >= self.spend.len() || self.locked[channel] {
            return;
        }
        let has_free_other = self
            .locked
            .iter()
            .enumerate()
            .any(|(i, l)| i != channel && !l);
        if !has_free_other {
            return;
        }
        let value = sanitize(value).min(self.channel_max(channel));
        self.spend[channel] = value;
        let free = self.total - self.locked_spend() - value;
        self.fill_unlocked(free, Some(channel));
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

    /// Spreads `free` over the unlocked channels other than `except`, in proportion to their
    /// current spend (equally when they are all zero). The last such channel absorbs the
    /// floating-point rounding so the sum is exact. Negative `free` (locks over the total)
    /// sets them to zero.
    fn fill_unlocked(&mut self, free: f64, except: Option<usize>) {
        let targets: Vec<usize> = (0..self.spend.len())
            .filter(|&i| !self.locked[i] && Some(i) != except)
            .collect();
        let Some(&last) = targets.last() else { return };
        let free = free.max(0.0);
        let weight_sum: f64 = targets.iter().map(|&i| self.spend[i]).sum();
        let mut placed = 0.0;
        for &i in &targets[..targets.len() - 1] {
            let share = if weight_sum > 0.0 {
                self.spend[i] / weight_sum
            } else {
                1.0 / targets.len() as f64
            };
            self.spend[i] = free * share;
            placed += self.spend[i];
        }
        self.spend[last] = (free - placed).max(0.0);
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

    proptest! {
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
