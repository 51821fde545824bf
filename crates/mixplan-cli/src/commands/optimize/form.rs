//! The fitted model `mixplan optimize` plans with, in either form (`--form`): the additive
//! model, whose channel curves add media revenue, or the multiplicative one, whose log
//! curves multiply revenue (`mixplan_core::model::multiplicative`). The exact optimiser runs
//! on [`PlanningModel::curves`] in both: `Σ_c f_c` is the additive model's media revenue, and
//! `Σ_c g_c` the log of the multiplicative model's revenue over its base, so maximising
//! either maximises revenue.

use mixplan_core::model::{FittedModel, MultiplicativeModel, PredictError, SteadyStatePrediction};
use mixplan_core::response::HillResponse;

/// The model fitted for `optimize`.
pub enum PlanningModel {
    /// Channels add revenue.
    Additive(Box<FittedModel>),
    /// Channels multiply revenue.
    Multiplicative(Box<MultiplicativeModel>),
}

impl PlanningModel {
    /// The additive model, or for the multiplicative form its model of ln revenue (channel
    /// names and spends are the same).
    fn additive_part(&self) -> &FittedModel {
        match self {
            PlanningModel::Additive(model) => model,
            PlanningModel::Multiplicative(model) => model.log_model(),
        }
    }

    /// Channel names, in model order.
    pub fn names(&self) -> Vec<String> {
        super::channel_names(self.additive_part())
    }

    /// The curves the optimiser maximises the sum of: `f_c` (additive) or `g_c`
    /// (multiplicative, units of ln revenue).
    pub fn curves(&self) -> Vec<HillResponse> {
        self.additive_part().responses()
    }

    /// The historical mean weekly spend per channel.
    pub fn mix(&self) -> Vec<f64> {
        self.additive_part()
            .channels()
            .iter()
            .map(|c| c.mean_spend)
            .collect()
    }

    /// Steady-state weekly revenue of a split, with its base (revenue without media), media
    /// part, per-channel contributions and marginal revenues.
    ///
    /// # Errors
    /// [`PredictError`] for a split of the wrong length or a negative spend.
    pub fn predict(&self, spend: &[f64]) -> Result<SteadyStatePrediction, PredictError> {
        match self {
            PlanningModel::Additive(model) => model.predict_steady_state(spend),
            PlanningModel::Multiplicative(model) => model.predict_steady_state(spend),
        }
    }
}
