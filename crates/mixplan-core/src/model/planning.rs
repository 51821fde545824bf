//! A fitted model in either form, as planning sees it: [`PlanningModel`].
//!
//! The two forms share their machinery: the multiplicative model is the additive model of
//! `ln y` ([`MultiplicativeModel::log_model`]), so carryover, saturation, the search and the
//! channels' spend come from one [`FittedModel`] in both ([`PlanningModel::linear_model`]).
//! What differs is how the channel curves make revenue ([`RevenueForm`]) and the revenue-scale
//! figures of the fit (metrics, predictions, each channel's contribution and ROI), which this
//! type gives in revenue for both.

use super::PredictError;
use super::fitted::{FittedModel, SteadyStatePrediction};
use super::form::ModelForm;
use super::metrics::Metrics;
use super::multiplicative::MultiplicativeModel;
use crate::optimize::RevenueForm;
use crate::response::HillResponse;
use serde::{Deserialize, Serialize};

/// A fitted model in the form the user chose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanningModel {
    /// Channels add revenue.
    Additive(Box<FittedModel>),
    /// Channels multiply revenue.
    Multiplicative(Box<MultiplicativeModel>),
}

impl From<FittedModel> for PlanningModel {
    fn from(model: FittedModel) -> Self {
        PlanningModel::Additive(Box::new(model))
    }
}

impl From<MultiplicativeModel> for PlanningModel {
    fn from(model: MultiplicativeModel) -> Self {
        PlanningModel::Multiplicative(Box::new(model))
    }
}

/// A channel's fitted totals in revenue, in either form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelRevenue {
    /// Revenue credited to the channel over the data: `Σ_t f_c` (additive) or its removal
    /// effect `Σ_t ŷ_t(1 − exp(−g_c))` (multiplicative).
    pub contribution: f64,
    /// `contribution / spend`.
    pub roi: f64,
    /// Marginal ROI at the historical mean weekly spend of every channel.
    pub marginal_roi: f64,
    /// Share of the channels' summed contributions.
    pub contribution_share: f64,
}

impl PlanningModel {
    /// The form.
    pub fn form(&self) -> ModelForm {
        match self {
            PlanningModel::Additive(_) => ModelForm::Additive,
            PlanningModel::Multiplicative(_) => ModelForm::Multiplicative,
        }
    }

    /// The additive model, or for the multiplicative form its model of `ln y`: channel names,
    /// spends, carryover, saturation and the search are the same in both; its coefficients,
    /// decomposition and metrics are in revenue only for the additive form.
    pub fn linear_model(&self) -> &FittedModel {
        match self {
            PlanningModel::Additive(model) => model,
            PlanningModel::Multiplicative(model) => model.log_model(),
        }
    }

    /// The weeks of the data the model was fitted on.
    pub fn weeks(&self) -> &[chrono::NaiveDate] {
        self.linear_model().weeks()
    }

    /// The first held-out week ([`FittedModel::holdout_start`]).
    pub fn holdout_start(&self) -> usize {
        self.linear_model().holdout_start()
    }

    /// The carryover form the model was fitted with.
    pub fn carryover_form(&self) -> crate::transform::CarryoverForm {
        self.linear_model().carryover_form()
    }

    /// The multiplicative model, when that is the form.
    pub fn multiplicative(&self) -> Option<&MultiplicativeModel> {
        match self {
            PlanningModel::Additive(_) => None,
            PlanningModel::Multiplicative(model) => Some(model),
        }
    }

    /// The steady-state curves whose sum revenue increases with: `f_c` (additive, currency)
    /// or `g_c` (multiplicative, ln revenue).
    pub fn curves(&self) -> Vec<HillResponse> {
        self.linear_model().responses()
    }

    /// How the curves make revenue, with the weekly revenue without media.
    pub fn revenue_form(&self) -> RevenueForm {
        match self {
            PlanningModel::Additive(model) => RevenueForm::Additive {
                base: model.baseline_level(),
            },
            PlanningModel::Multiplicative(model) => RevenueForm::Multiplicative {
                base: model.base_level(),
            },
        }
    }

    /// The historical mean weekly spend per channel.
    pub fn mix(&self) -> Vec<f64> {
        self.linear_model()
            .channels()
            .iter()
            .map(|c| c.mean_spend)
            .collect()
    }

    /// Channel `c`'s fitted totals in revenue (`None` past the last channel).
    pub fn channel_revenue(&self, c: usize) -> Option<ChannelRevenue> {
        match self {
            PlanningModel::Additive(model) => model.channels().get(c).map(|ch| ChannelRevenue {
                contribution: ch.contribution,
                roi: ch.roi,
                marginal_roi: ch.marginal_roi,
                contribution_share: ch.contribution_share,
            }),
            PlanningModel::Multiplicative(model) => {
                model.channels().get(c).map(|ch| ChannelRevenue {
                    contribution: ch.contribution,
                    roi: ch.roi,
                    marginal_roi: ch.marginal_roi,
                    contribution_share: ch.contribution_share,
                })
            }
        }
    }

    /// Holdout and training metrics in revenue.
    pub fn metrics(&self) -> &Metrics {
        match self {
            PlanningModel::Additive(model) => model.metrics(),
            PlanningModel::Multiplicative(model) => model.metrics(),
        }
    }

    /// The seed baseline's metrics on the same split.
    pub fn baseline_metrics(&self) -> &Metrics {
        match self {
            PlanningModel::Additive(model) => model.baseline_metrics(),
            PlanningModel::Multiplicative(model) => model.baseline_metrics(),
        }
    }

    /// The actual revenue, every week.
    pub fn actual(&self) -> &[f64] {
        match self {
            PlanningModel::Additive(model) => model.actual(),
            PlanningModel::Multiplicative(model) => model.actual(),
        }
    }

    /// The final model's (mean) predictions in revenue, every week.
    pub fn fitted(&self) -> &[f64] {
        match self {
            PlanningModel::Additive(model) => model.fitted(),
            PlanningModel::Multiplicative(model) => model.fitted(),
        }
    }

    /// Predictions in revenue of the model fitted on the training weeks only (out of sample
    /// from [`FittedModel::holdout_start`] on).
    pub fn validation_predictions(&self) -> &[f64] {
        match self {
            PlanningModel::Additive(model) => model.validation_predictions(),
            PlanningModel::Multiplicative(model) => model.validation_predictions(),
        }
    }

    /// The final model's weekly predictions split by source, in revenue: the additive
    /// model's own decomposition, or [`MultiplicativeModel::revenue_decomposition`].
    pub fn revenue_decomposition(&self) -> std::borrow::Cow<'_, super::Decomposition> {
        match self {
            PlanningModel::Additive(model) => std::borrow::Cow::Borrowed(model.decomposition()),
            PlanningModel::Multiplicative(model) => {
                std::borrow::Cow::Owned(model.revenue_decomposition())
            }
        }
    }

    /// Steady-state weekly revenue of a sustained split, with its base, media part,
    /// per-channel contributions and marginal revenues (see [`RevenueForm`]).
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
