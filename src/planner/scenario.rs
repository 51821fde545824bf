//! What the page shows for one budget: predicted revenue, contributions, the historical mix
//! and the optimal split for the same total. Recomputed on every slider move, so it does
//! only closed-form evaluations and one exact optimisation.

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
    /// and the historical mean weekly spend per channel.
    pub fn new(model: FittedModel, channels: Vec<ChannelInfo>, historical_mix: Vec<f64>) -> Self {
        let curves = model.responses();
        Self {
            model,
            curves,
            channels,
            historical_mix,
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
