//! What the page shows for one budget: predicted revenue, contributions, the historical mix
//! and the optimal split for the same total. Recomputed on every slider move, so it does
//! only closed-form evaluations and one exact optimisation.

use mixplan_core::data::WeeklyData;
use mixplan_core::model::FittedModel;
use mixplan_core::optimize::{self, Plan, SpendBounds, scale_mix};
use mixplan_core::response::HillResponse;

use super::budget::BudgetState;

/// A channel as the page names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelInfo {
    /// Stable id (the data's column name, e.g. `paid_search`); used in `data-testid`s.
    pub id: String,
    /// Display name, e.g. "Paid Search".
    pub name: String,
}

/// The fitted model plus what planning needs from the data.
#[derive(Debug, Clone)]
pub struct Planner {
    model: FittedModel,
    curves: Vec<HillResponse>,
    channels: Vec<ChannelInfo>,
    historical_mix: Vec<f64>,
    observed_max: Vec<f64>,
}

/// One row of the channel table.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelRow {
    /// Weekly spend in the current plan.
    pub spend: f64,
    /// Share of the total.
    pub share: f64,
    /// Weekly revenue contribution `f_c(x_c)`.
    pub contribution: f64,
    /// Contribution of the historical mix at the same total, for the gain/loss colouring.
    pub historical_contribution: f64,
    /// `f_c(x_c) / x_c` (0 for no spend).
    pub roi: f64,
    /// `f'_c(x_c)`: revenue from the next dollar.
    pub marginal_roi: f64,
    /// Spend in the optimal split, when there is one.
    pub optimal_spend: Option<f64>,
    /// Highest weekly spend in the data: above it the model extrapolates.
    pub observed_max: f64,
}

impl ChannelRow {
    /// True when the optimal spend is above anything the data has seen.
    pub fn optimal_extrapolates(&self) -> bool {
        self.optimal_spend
            .is_some_and(|x| x > self.observed_max + 0.5)
    }
}

/// Everything the results panel shows for one budget state.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Weekly total.
    pub total: f64,
    /// Predicted weekly revenue (baseline + media) for the current split.
    pub revenue: f64,
    /// Non-media weekly revenue.
    pub baseline: f64,
    /// Media revenue of the current split.
    pub media: f64,
    /// Predicted weekly revenue of the historical mix scaled to the total.
    pub historical_revenue: f64,
    /// The optimal split of the total (locked channels held), or why there is none.
    pub optimal: Result<Plan, String>,
    /// Per channel.
    pub rows: Vec<ChannelRow>,
}

impl Scenario {
    /// Media ROAS of the current split: media revenue ÷ total spend.
    pub fn roas(&self) -> f64 {
        if self.total > 0.0 {
            self.media / self.total
        } else {
            0.0
        }
    }

    /// Predicted weekly revenue of the optimal split.
    pub fn optimal_revenue(&self) -> Option<f64> {
        self.optimal
            .as_ref()
            .ok()
            .map(|p| self.baseline + p.media_revenue())
    }

    /// How much more per week the optimal split would earn (≥ 0 up to rounding).
    pub fn gap_to_optimal(&self) -> Option<f64> {
        self.optimal_revenue().map(|o| o - self.revenue)
    }

    /// Change of the current split's revenue vs the historical mix.
    pub fn change_vs_historical(&self) -> f64 {
        self.revenue - self.historical_revenue
    }
}

impl Planner {
    /// Builds the planner from a fitted model, the channels' display names (in model order)
    /// and the data it was fitted on. The historical mix is the model's mean weekly spend per
    /// channel; the data gives the highest weekly spend seen per channel.
    pub fn new(model: FittedModel, channels: Vec<ChannelInfo>, data: &WeeklyData) -> Self {
        let curves = model.responses();
        let historical_mix = model.channels().iter().map(|c| c.mean_spend).collect();
        let observed_max = data
            .channels()
            .iter()
            .map(|c| c.values.iter().copied().fold(0.0, f64::max))
            .collect();
        Self {
            model,
            curves,
            channels,
            historical_mix,
            observed_max,
        }
    }

    /// The fitted model.
    pub fn model(&self) -> &FittedModel {
        &self.model
    }

    /// The channels, in model order.
    pub fn channels(&self) -> &[ChannelInfo] {
        &self.channels
    }

    /// Steady-state response curves, in model order.
    pub fn curves(&self) -> &[HillResponse] {
        &self.curves
    }

    /// Historical mean weekly spend per channel.
    pub fn historical_mix(&self) -> &[f64] {
        &self.historical_mix
    }

    /// Historical mean weekly total spend.
    pub fn historical_total(&self) -> f64 {
        self.historical_mix.iter().sum()
    }

    /// Evaluates a budget state: `revenue = baseline + Σ_c f_c(x_c)`, the historical mix
    /// scaled to the same total, and the exact optimal split of the total with locked
    /// channels held at their spend.
    pub fn scenario(&self, budget: &BudgetState) -> Scenario {
        let spend = budget.spend();
        let total = budget.total();
        let baseline = self.model.baseline_level();
        let contributions: Vec<f64> = self
            .curves
            .iter()
            .zip(spend)
            .map(|(f, &x)| f.value(x))
            .collect();
        let media: f64 = contributions.iter().sum();
        let historical_spend = scale_mix(&self.historical_mix, total);
        let historical: Vec<f64> = self
            .curves
            .iter()
            .zip(&historical_spend)
            .map(|(f, &x)| f.value(x))
            .collect();
        let bounds: Vec<SpendBounds> = budget
            .locked()
            .iter()
            .zip(spend)
            .map(|(&locked, &x)| {
                if locked {
                    SpendBounds::locked(x)
                } else {
                    SpendBounds::FREE
                }
            })
            .collect();
        let optimal = optimize::optimize(&self.curves, &bounds, total)
            .map(|allocation| allocation.into_plan())
            .map_err(|e| e.to_string());
        let rows = (0..self.curves.len())
            .map(|c| ChannelRow {
                spend: spend[c],
                share: if total > 0.0 { spend[c] / total } else { 0.0 },
                contribution: contributions[c],
                historical_contribution: historical[c],
                roi: if spend[c] > 0.0 {
                    contributions[c] / spend[c]
                } else {
                    0.0
                },
                marginal_roi: self.curves[c].marginal(spend[c]),
                optimal_spend: optimal.as_ref().ok().map(|p| p.spend()[c]),
                observed_max: self.observed_max[c],
            })
            .collect();
        Scenario {
            total,
            revenue: baseline + media,
            baseline,
            media,
            historical_revenue: baseline + historical.iter().sum::<f64>(),
            optimal,
            rows,
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::sync::OnceLock;

    use mixplan_core::model::ModelParams;
    use proptest::prelude::*;

    use super::*;
    use crate::embedded;

    /// The planner on the embedded data, fitted once for all tests.
    fn planner() -> &'static Planner {
        static PLANNER: OnceLock<Planner> = OnceLock::new();
        PLANNER.get_or_init(|| {
            let e = embedded::load().expect("embedded data loads");
            let model = ModelParams::new()
                .check()
                .unwrap()
                .fit(&e.data, |_, _| {})
                .expect("model fits");
            Planner::new(model, e.channels, &e.data)
        })
    }

    #[test]
    fn the_historical_mix_at_its_own_total_matches_the_model() {
        let p = planner();
        let budget = BudgetState::from_mix(p.historical_total(), p.historical_mix());
        let s = p.scenario(&budget);
        assert!(s.change_vs_historical().abs() < 1e-6);
        let direct = p.model().predict_steady_state(budget.spend()).unwrap();
        assert!((s.revenue - direct.revenue).abs() < 1e-6 * direct.revenue);
        for (row, c) in s.rows.iter().zip(&direct.contributions) {
            assert!((row.contribution - c).abs() < 1e-9 * (1.0 + c.abs()));
        }
        // The simulated store is built so that reallocating matters (issue #3: >= 10 %
        // of media revenue at the historical budget).
        let gap = s.gap_to_optimal().unwrap();
        assert!(
            gap > 0.05 * s.media,
            "optimum gains {gap} over media revenue {}",
            s.media
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn the_optimum_beats_the_current_split_and_holds_the_locks(
            total in 10_000.0f64..100_000.0,
            weights in prop::collection::vec(0.0f64..1.0, 5),
            locks in prop::collection::vec(any::<bool>(), 5),
        ) {
            let p = planner();
            let mut budget = BudgetState::from_mix(total, &weights);
            for (c, lock) in locks.iter().enumerate() {
                budget.set_locked(c, *lock);
            }
            let s = p.scenario(&budget);
            let optimal = s.optimal.as_ref().expect("locks come from a balanced split, so an optimum exists");
            prop_assert!((optimal.spend().iter().sum::<f64>() - total).abs() <= 1e-9 * total);
            for (c, locked) in locks.iter().enumerate() {
                if *locked {
                    prop_assert_eq!(optimal.spend()[c], budget.spend()[c]);
                }
            }
            prop_assert!(s.optimal_revenue().unwrap() >= s.revenue - 1e-9 * s.revenue);
        }
    }

    #[test]
    fn spends_above_the_data_are_flagged() {
        let row = ChannelRow {
            spend: 1.0,
            share: 0.1,
            contribution: 1.0,
            historical_contribution: 1.0,
            roi: 1.0,
            marginal_roi: 1.0,
            optimal_spend: Some(5_000.0),
            observed_max: 4_000.0,
        };
        assert!(row.optimal_extrapolates());
        assert!(
            !ChannelRow {
                optimal_spend: Some(4_000.0),
                ..row.clone()
            }
            .optimal_extrapolates()
        );
        assert!(
            !ChannelRow {
                optimal_spend: None,
                ..row
            }
            .optimal_extrapolates()
        );
    }
}
