//! The fitted model: coefficients in currency, metrics, decomposition and planning curves.

use super::decompose::Decomposition;
use super::design::{Design, Scaling, Term};
use super::error::{FitError, PredictError};
use super::metrics::{Metrics, seed_baseline};
use super::params::{ChannelHyperparameters, FixedHyperparameters, Hyper};
use super::ridge;
use crate::data::WeeklyData;
use crate::response::HillResponse;
use crate::transform::{CarryoverForm, GeometricAdstock, Hill, WeibullAdstock, WeibullForm};
use chrono::NaiveDate;
use nalgebra::DVector;
use serde::{Deserialize, Serialize};

/// Weeks averaged for the planning baseline: the most recent year.
pub const BASELINE_WEEKS: usize = 52;

/// What the hyper-parameter search did and found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchReport {
    /// `false` when fixed hyper-parameters were used.
    pub searched: bool,
    /// Candidate configurations scored.
    pub evaluations: usize,
    /// Coordinate sweeps run.
    pub sweeps: usize,
    /// Root of the best mean squared CV error, in currency (NaN without a search).
    pub cv_rmse: f64,
    /// Chosen ridge penalty `λ`.
    pub penalty: f64,
    /// Number of CV folds.
    pub folds: usize,
    /// Weeks per validation block.
    pub fold_weeks: usize,
    /// Training weeks (the first ones); the rest are held out.
    pub training_weeks: usize,
    /// The yearly Fourier order of the model: `fourier_order`, or the alternative the CV
    /// chose (see [`super::fitter`]).
    #[serde(default)]
    pub fourier_order: usize,
}

/// One fitted channel. Totals are over all weeks of the data (training and holdout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedChannel {
    /// Channel name.
    pub name: String,
    /// Adstock decay `θ` (normalised geometric adstock); NaN when the channel's carryover
    /// is a Weibull kernel ([`FittedChannel::weibull`]), so that nothing uses it as a
    /// geometric decay by mistake.
    pub decay: f64,
    /// Hill half-saturation `K`, weekly spend in currency.
    pub half_saturation: f64,
    /// Hill shape `s`.
    pub shape: f64,
    /// `β`: weekly revenue at saturation, currency (`≥ 0`).
    pub coefficient: f64,
    /// Total revenue contribution, `Σ_t β·hill(adstock(x)_t)`.
    pub contribution: f64,
    /// Share of the total media contribution (the shares of all channels sum to 1 unless
    /// every contribution is 0).
    pub contribution_share: f64,
    /// Share of the total actual target (`contribution / Σ_t y_t`).
    pub revenue_share: f64,
    /// Total spend.
    pub spend: f64,
    /// Mean weekly spend.
    pub mean_spend: f64,
    /// `contribution / spend`.
    pub roi: f64,
    /// Marginal ROI at the mean weekly spend, sustained: `f'(x̄)` of the steady-state curve.
    pub marginal_roi: f64,
    /// The Weibull kernel the search chose, when the fit's carryover form is Weibull
    /// (`None`: geometric, see `decay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weibull: Option<ChosenWeibull>,
}

/// A channel's chosen Weibull carryover (see [`crate::transform::carryover`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChosenWeibull {
    /// Survival (CDF) or density (PDF) weights.
    pub form: WeibullForm,
    /// Shape `k`.
    pub shape: f64,
    /// Scale `λ`, weeks.
    pub scale: f64,
    /// Window `L`, weeks.
    pub window: usize,
}

impl ChosenWeibull {
    /// The carryover form: `weibull-cdf` or `weibull-pdf`.
    pub fn carryover_form(&self) -> CarryoverForm {
        match self.form {
            WeibullForm::Cdf => CarryoverForm::WeibullCdf,
            WeibullForm::Pdf => CarryoverForm::WeibullPdf,
        }
    }

    /// The kernel.
    ///
    /// # Errors
    /// A [`crate::transform::TransformError`] for parameters no fit produces.
    pub fn kernel(&self) -> Result<WeibullAdstock, crate::transform::TransformError> {
        WeibullAdstock::new(self.shape, self.scale, self.window, self.form)
    }

    fn from_kernel(kernel: &WeibullAdstock) -> Self {
        Self {
            form: kernel.form(),
            shape: kernel.shape(),
            scale: kernel.scale(),
            window: kernel.weights().len(),
        }
    }
}

impl FittedChannel {
    /// The channel's chosen `θ`, `K` and `s`.
    pub fn hyperparameters(&self) -> ChannelHyperparameters {
        ChannelHyperparameters::new(self.decay, self.half_saturation, self.shape)
    }
}

/// One fitted control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedControl {
    /// Control name.
    pub name: String,
    /// Revenue per unit of the control, currency (free-signed).
    pub coefficient: f64,
    /// Total contribution over all weeks (relative to the control's training mean for
    /// non-binary controls, to 0 for binary ones).
    pub contribution: f64,
}

/// Predicted weekly revenue for a weekly spend vector sustained over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SteadyStatePrediction {
    /// `baseline + media`.
    pub revenue: f64,
    /// Non-media weekly revenue ([`FittedModel::baseline_level`]).
    pub baseline: f64,
    /// `Σ_c f_c(x_c)`.
    pub media: f64,
    /// `f_c(x_c) = β_c · x_c^s / (x_c^s + K_c^s)` per channel.
    pub contributions: Vec<f64>,
    /// `f'_c(x_c)`: marginal revenue per extra unit of weekly spend, per channel.
    pub marginal: Vec<f64>,
}

/// A fitted marketing-mix model.
///
/// Hyper-parameters were chosen on the training weeks (the first
/// [`FittedModel::holdout_start`]); the model fitted on those weeks alone gives
/// [`FittedModel::validation_predictions`] and the [`FittedModel::metrics`], so the holdout
/// weeks are honest out-of-sample. The final linear coefficients — and with them the
/// channels, decomposition, ROIs and response curves — are then refitted on all weeks with
/// the same hyper-parameters (unless `refit` is off), as the planner should use all the
/// data it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedModel {
    target_name: String,
    channels: Vec<FittedChannel>,
    controls: Vec<FittedControl>,
    responses: Vec<HillResponse>,
    terms: Vec<Term>,
    coefficients: Vec<f64>,
    scaling: Scaling,
    penalty: f64,
    metrics: Metrics,
    baseline_metrics: Metrics,
    baseline_predictions: Vec<f64>,
    actual: Vec<f64>,
    validation_predictions: Vec<f64>,
    refit: bool,
    holdout_start: usize,
    decomposition: Decomposition,
    baseline_level: f64,
    search: SearchReport,
}

/// Fits the final ridge on the training weeks and assembles the model.
pub(crate) fn build(
    data: &WeeklyData,
    design: &Design,
    hyper: &[Hyper],
    penalty: f64,
    search: SearchReport,
    refit: bool,
) -> Result<FittedModel, FitError> {
    let n_train = design.n_train;
    let q = design.q();
    let x = design.matrix(hyper);
    let p = x.ncols();
    let penalties = design.penalties(hyper.len(), penalty);
    let nonneg: Vec<bool> = (0..p).map(|j| j >= q).collect();
    let xt = x.rows(0, n_train).into_owned();
    let yt = DVector::from_column_slice(&design.y[..n_train]);
    let validation = ridge::fit(&xt, &yt, &penalties, &nonneg)?;
    let y_scale = design.scaling.target;
    let validation_predictions: Vec<f64> = (&x * &validation.coefficients)
        .iter()
        .map(|v| v * y_scale)
        .collect();
    let sol = if refit {
        let y_all = DVector::from_column_slice(&design.y);
        ridge::fit(&x, &y_all, &penalties, &nonneg)?
    } else {
        validation
    };
    let beta = sol.coefficients.map(|b| b * y_scale);

    let mut terms = design.fixed_terms.clone();
    terms.extend((0..hyper.len()).map(Term::Channel));
    let control_names: Vec<String> = data.controls().iter().map(|s| s.name.clone()).collect();
    let channel_names: Vec<String> = data.channels().iter().map(|s| s.name.clone()).collect();
    let decomposition = Decomposition::new(
        data.weeks(),
        &x,
        &terms,
        &beta,
        &control_names,
        &channel_names,
    );

    let n = data.len();
    let total_target: f64 = data.target().iter().sum();
    let totals = decomposition.channel_totals();
    let media_total: f64 = totals.iter().sum();
    let mut channels = Vec::with_capacity(hyper.len());
    let mut responses = Vec::with_capacity(hyper.len());
    for (c, h) in hyper.iter().enumerate() {
        let coefficient = beta[q + c].max(0.0);
        let half_saturation = h.half_saturation(design.scaling.spend[c]);
        let response = HillResponse::new(coefficient, half_saturation, h.s)?;
        let spend: f64 = data.channels()[c].values.iter().sum();
        let mean_spend = spend / n as f64;
        let contribution = totals[c];
        let weibull = design.carryover.weibull(h.decay);
        channels.push(FittedChannel {
            name: channel_names[c].clone(),
            decay: if weibull.is_some() { f64::NAN } else { h.decay },
            weibull: weibull.map(ChosenWeibull::from_kernel),
            half_saturation,
            shape: h.s,
            coefficient,
            contribution,
            contribution_share: if media_total > 0.0 {
                contribution / media_total
            } else {
                0.0
            },
            revenue_share: if total_target != 0.0 {
                contribution / total_target
            } else {
                f64::NAN
            },
            spend,
            mean_spend,
            roi: if spend > 0.0 {
                contribution / spend
            } else {
                f64::NAN
            },
            marginal_roi: response.marginal(mean_spend),
        });
        responses.push(response);
    }
    let controls = data
        .controls()
        .iter()
        .enumerate()
        .map(|(i, ctl)| {
            let j = terms
                .iter()
                .position(|t| *t == Term::Control(i))
                .unwrap_or(0);
            FittedControl {
                name: ctl.name.clone(),
                coefficient: beta[j] / design.scaling.controls[i].scale,
                contribution: decomposition.controls[i].values.iter().sum(),
            }
        })
        .collect();

    let metrics = Metrics::from_predictions(data.target(), &validation_predictions, n_train);
    let (baseline_predictions, baseline_metrics) = seed_baseline(data, n_train)?;
    let recent = n.saturating_sub(BASELINE_WEEKS);
    let baseline_level =
        (recent..n).map(|t| decomposition.non_media(t)).sum::<f64>() / (n - recent) as f64;

    Ok(FittedModel {
        target_name: data.target_name().to_string(),
        channels,
        controls,
        responses,
        terms,
        coefficients: beta.iter().copied().collect(),
        scaling: design.scaling.clone(),
        penalty,
        metrics,
        baseline_metrics,
        baseline_predictions,
        actual: data.target().to_vec(),
        validation_predictions,
        refit,
        holdout_start: n_train,
        decomposition,
        baseline_level,
        search,
    })
}

/// Checks a weekly split for a model of `channels` channels: one spend per channel, each
/// finite and `≥ 0` (`name(c)` names channel `c` in the error).
///
/// # Errors
/// [`PredictError::SpendLength`] or [`PredictError::InvalidSpend`].
pub(crate) fn check_spend<'a>(
    spend: &[f64],
    channels: usize,
    name: impl Fn(usize) -> &'a str,
) -> Result<(), PredictError> {
    if spend.len() != channels {
        return Err(PredictError::SpendLength {
            expected: channels,
            found: spend.len(),
        });
    }
    match spend.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        Some(c) => Err(PredictError::InvalidSpend {
            channel: name(c).to_string(),
            value: spend[c],
        }),
        None => Ok(()),
    }
}

impl FittedModel {
    /// Name of the target column.
    pub fn target_name(&self) -> &str {
        &self.target_name
    }

    /// The fitted channels, in the data's order.
    pub fn channels(&self) -> &[FittedChannel] {
        &self.channels
    }

    /// The carryover form the model was fitted with: every channel's chosen kernel is of
    /// the same form (geometric when no channel has a Weibull kernel).
    pub fn carryover_form(&self) -> CarryoverForm {
        self.channels
            .iter()
            .find_map(|c| c.weibull)
            .map_or(CarryoverForm::Geometric, |w| w.carryover_form())
    }

    /// Index of the channel called `name`.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    /// The fitted controls, in the data's order.
    pub fn controls(&self) -> &[FittedControl] {
        &self.controls
    }

    /// Steady-state response curve of every channel (currency), for the optimiser.
    pub fn responses(&self) -> Vec<HillResponse> {
        self.responses.clone()
    }

    /// The design terms and their coefficients, in currency per unit of the design column
    /// (see [`super::design`] for the columns and [`FittedModel::scaling`]).
    pub fn coefficients(&self) -> (&[Term], &[f64]) {
        (&self.terms, &self.coefficients)
    }

    /// How the inputs were scaled.
    pub fn scaling(&self) -> &Scaling {
        &self.scaling
    }

    /// The ridge penalty `λ` used.
    pub fn penalty(&self) -> f64 {
        self.penalty
    }

    /// The chosen hyper-parameters, in currency: pass them to
    /// [`super::ModelParams::fixed`] to refit without a search.
    pub fn hyperparameters(&self) -> FixedHyperparameters {
        FixedHyperparameters {
            channels: self
                .channels
                .iter()
                .map(FittedChannel::hyperparameters)
                .collect(),
            penalty: self.penalty,
        }
    }

    /// Fit quality of the model (train and holdout).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Fit quality of the seed baseline (plain ridge on normalised raw spend), same split.
    pub fn baseline_metrics(&self) -> &Metrics {
        &self.baseline_metrics
    }

    /// The seed baseline's prediction for every week.
    pub fn baseline_predictions(&self) -> &[f64] {
        &self.baseline_predictions
    }

    /// Weekly decomposition of the fitted values.
    pub fn decomposition(&self) -> &Decomposition {
        &self.decomposition
    }

    /// Week start dates.
    pub fn weeks(&self) -> &[NaiveDate] {
        &self.decomposition.weeks
    }

    /// The actual target, every week.
    pub fn actual(&self) -> &[f64] {
        &self.actual
    }

    /// Fitted values of the final model, every week (the sum of the
    /// [`FittedModel::decomposition`]). With `refit` (the default) the final model was refitted
    /// on all weeks, so these are in-sample everywhere; use
    /// [`FittedModel::validation_predictions`] for the honest actual-vs-predicted chart.
    pub fn fitted(&self) -> &[f64] {
        &self.decomposition.fitted
    }

    /// Predictions of the model fitted on the training weeks only (same hyper-parameters),
    /// every week: in-sample before [`FittedModel::holdout_start`], out-of-sample from it on.
    /// [`FittedModel::metrics`] are computed from these.
    pub fn validation_predictions(&self) -> &[f64] {
        &self.validation_predictions
    }

    /// Whether the final coefficients were refitted on all weeks after validation.
    pub fn refitted(&self) -> bool {
        self.refit
    }

    /// Index of the first holdout week (= number of training weeks); weeks from here on
    /// were not used to fit or search.
    pub fn holdout_start(&self) -> usize {
        self.holdout_start
    }

    /// What the hyper-parameter search did.
    pub fn search(&self) -> &SearchReport {
        &self.search
    }

    /// Planning baseline: the mean non-media weekly revenue (intercept, trend, seasonality
    /// and controls) over the last 52 weeks of the data (all weeks if fewer). Averaging a full
    /// year removes seasonality; using the latest year reflects the current trend level.
    pub fn baseline_level(&self) -> f64 {
        self.baseline_level
    }

    /// The planning baseline ([`FittedModel::baseline_level`]) when it is below zero, `None`
    /// otherwise. A negative non-media baseline means the model credits media with more than
    /// all of the revenue of the last 52 weeks, which no business has: the media effects
    /// have absorbed growth or seasonality that belongs to the base (on the real Conjura
    /// series the default model's is −6,338 a week natively, where revenue averages 188,136;
    /// `docs/model.md`), so its ROIs and the split it recommends are likely overstated.
    pub fn negative_baseline(&self) -> Option<f64> {
        (self.baseline_level < 0.0).then_some(self.baseline_level)
    }

    /// Predicted weekly revenue when the weekly spend `spend[c]` is sustained over time:
    ///
    /// ```text
    /// revenue = baseline_level + Σ_c β_c · x_c^s_c / (x_c^s_c + K_c^s_c)
    /// ```
    ///
    /// (with normalised adstock, sustained spend `x` has adstock `x`), with each channel's
    /// contribution and marginal return `f'_c(x_c)`.
    ///
    /// # Errors
    /// [`PredictError::SpendLength`] or [`PredictError::InvalidSpend`].
    pub fn predict_steady_state(
        &self,
        spend: &[f64],
    ) -> Result<SteadyStatePrediction, PredictError> {
        check_spend(spend, self.channels.len(), |c| &self.channels[c].name)?;
        let contributions: Vec<f64> = self
            .responses
            .iter()
            .zip(spend)
            .map(|(r, &x)| r.value(x))
            .collect();
        let marginal = self
            .responses
            .iter()
            .zip(spend)
            .map(|(r, &x)| r.marginal(x))
            .collect();
        let media: f64 = contributions.iter().sum();
        Ok(SteadyStatePrediction {
            revenue: self.baseline_level + media,
            baseline: self.baseline_level,
            media,
            contributions,
            marginal,
        })
    }

    /// Marginal ROI of channel `c` at a sustained weekly spend: `f'_c(spend)`.
    ///
    /// # Errors
    /// [`PredictError::UnknownChannel`] or [`PredictError::InvalidSpend`].
    pub fn marginal_roi(&self, channel: usize, spend: f64) -> Result<f64, PredictError> {
        let r = self.response(channel)?;
        if !(spend.is_finite() && spend >= 0.0) {
            return Err(PredictError::InvalidSpend {
                channel: self.channels[channel].name.clone(),
                value: spend,
            });
        }
        Ok(r.marginal(spend))
    }

    /// Steady-state response of channel `c`.
    ///
    /// # Errors
    /// [`PredictError::UnknownChannel`].
    pub fn response(&self, channel: usize) -> Result<HillResponse, PredictError> {
        self.responses
            .get(channel)
            .copied()
            .ok_or(PredictError::UnknownChannel {
                index: channel,
                channels: self.channels.len(),
            })
    }

    /// Weekly contribution of channel `c` for an arbitrary weekly spend series, through the
    /// full weekly model (adstock from zero, then Hill): `β · hill(adstock_θ(x)_t; K, s)`.
    ///
    /// # Errors
    /// [`PredictError::UnknownChannel`], [`PredictError::InvalidSpend`] for a negative value,
    /// [`PredictError::Transform`] for a non-finite one.
    pub fn contribution_series(
        &self,
        channel: usize,
        spend: &[f64],
    ) -> Result<Vec<f64>, PredictError> {
        let r = self.response(channel)?;
        if let Some(&v) = spend.iter().find(|v| **v < 0.0) {
            return Err(PredictError::InvalidSpend {
                channel: self.channels[channel].name.clone(),
                value: v,
            });
        }
        let ch = &self.channels[channel];
        let adstock = match ch.weibull {
            Some(w) => w.kernel()?.apply(spend)?,
            None => GeometricAdstock::new(ch.decay)?.apply(spend)?,
        };
        let hill = Hill::new(r.half_saturation(), r.shape())?;
        Ok(adstock
            .iter()
            .map(|&a| r.coefficient() * hill.value(a))
            .collect())
    }
}
