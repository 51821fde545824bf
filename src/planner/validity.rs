//! Which figures of a scenario the page may show as they are: revenue and its change only
//! for a plan that adds up to its total, ROAS on the spend actually placed, an
//! extrapolation flag for any spend above the data, and the page's words for why there is
//! no best split (translated from the optimiser's error variant).

use mixplan_core::optimize::OptimizeError;

use super::scenario::{ChannelRow, Scenario};
use crate::format::currency;

/// Spends within this much (dollars) of the highest weekly spend seen count as seen.
pub const EXTRAPOLATION_MARGIN: f64 = 0.5;

impl ChannelRow {
    /// True when the current plan's spend is above anything the data has seen (the same
    /// test as [`ChannelRow::optimal_extrapolates`] applies to the optimal spend).
    pub fn current_extrapolates(&self) -> bool {
        self.spend > self.observed_max + EXTRAPOLATION_MARGIN
    }
}

impl Scenario {
    /// `Σ_c x_c`: what the plan actually places, which is the total only when it balances
    /// (the budget of the evaluated current split).
    pub fn placed_spend(&self) -> f64 {
        self.current.budget()
    }

    /// [`Scenario::roas`] (media revenue ÷ the spend actually placed), or `None` when
    /// nothing is placed, so the page shows "—" rather than a ROAS of 0.
    pub fn roas_on_placed(&self) -> Option<f64> {
        (self.placed_spend() > 0.0).then(|| self.roas())
    }
}

/// Why there is no best split under the model, in the page's words: dollars without cents, "locked
/// channels" for what the optimiser calls minimums (on the page, only locks set minimums
/// and maximums), and what to do about it.
pub fn no_split_message(error: &OptimizeError) -> String {
    match error {
        OptimizeError::MinimumsExceedBudget {
            minimums, budget, ..
        } => format!(
            "Your locked channels add up to {}, more than the {} total: raise the total or unlock a channel.",
            currency(*minimums),
            currency(*budget)
        ),
        OptimizeError::MaximumsBelowBudget {
            maximums, budget, ..
        } => format!(
            "Every channel is locked and they add up to {}, less than the {} total: unlock a channel or lower the total.",
            currency(*maximums),
            currency(*budget)
        ),
        OptimizeError::InvalidBudget(_) => {
            "There is no best split without a valid total: enter a weekly budget.".to_string()
        }
        _ => "There is no best split for this plan: check the total and the locks.".to_string(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn row(spend: f64, observed_max: f64) -> ChannelRow {
        ChannelRow {
            spend,
            share: None,
            contribution: 0.0,
            historical_contribution: 0.0,
            roi: 0.0,
            marginal_roi: Some(0.0),
            optimal_spend: None,
            observed_max,
        }
    }

    #[test]
    fn a_current_spend_above_the_data_is_flagged() {
        assert!(row(100_000.0, 23_247.0).current_extrapolates());
        assert!(!row(23_247.4, 23_247.0).current_extrapolates());
        assert!(!row(0.0, 0.0).current_extrapolates());
    }

    #[test]
    fn locks_above_the_total_read_in_the_pages_words() {
        let message = no_split_message(&OptimizeError::MinimumsExceedBudget {
            minimums: 41_350.14,
            budget: 40_000.0,
            excess: 1_350.14,
        });
        assert_eq!(
            message,
            "Your locked channels add up to $41,350, more than the $40,000 total: raise the total or unlock a channel."
        );
        let all_locked = no_split_message(&OptimizeError::MaximumsBelowBudget {
            maximums: 30_000.0,
            budget: 40_000.0,
            shortfall: 10_000.0,
        });
        assert!(all_locked.contains("$30,000, less than the $40,000 total"));
        assert!(!no_split_message(&OptimizeError::NoChannels).contains("minimum"));
    }

    #[test]
    fn roas_uses_the_spend_actually_placed() {
        use mixplan_core::optimize::Plan;
        use mixplan_core::response::HillResponse;
        let curves = [
            HillResponse::new(30_000.0, 8_000.0, 1.0).expect("valid curve"),
            HillResponse::new(10_000.0, 2_000.0, 1.5).expect("valid curve"),
        ];
        let plan = |spend: &[f64]| Plan::evaluate(&curves, spend).expect("valid plan");
        let current = plan(&[12_000.0, 4_000.0]);
        let media = current.media_revenue();
        let scenario = Scenario {
            total: 10_000.0,
            revenue: 30_000.0 + media,
            baseline: 30_000.0,
            historical_revenue: 45_000.0,
            historical: plan(&[6_000.0, 4_000.0]),
            current,
            optimal: Err(OptimizeError::NoChannels),
            rows: vec![row(12_000.0, 1e9), row(4_000.0, 1e9)],
        };
        assert_eq!(scenario.placed_spend(), 16_000.0);
        assert_eq!(scenario.roas_on_placed(), Some(media / 16_000.0));
        let empty = Scenario {
            current: plan(&[0.0, 0.0]),
            rows: vec![row(0.0, 1.0), row(0.0, 1.0)],
            ..scenario
        };
        assert_eq!(empty.roas_on_placed(), None);
    }
}
