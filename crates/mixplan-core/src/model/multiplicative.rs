//! The multiplicative form of the model: media and the base multiply, so the model is
//! additive in the **logarithm** of revenue.
//!
//! ```text
//! ln y_t = b_t + Σ_c g_c(a_{c,t}) + ε_t,            ε_t ~ Normal(0, σ²)
//! g_c(a) = β_c · a^s_c / (a^s_c + K_c^s_c),          β_c ≥ 0   (the log-revenue lift at saturation)
//! E[y_t] = exp(b_t + σ²/2) · exp(Σ_c g_c(a_{c,t}))
//! ```
//!
//! `b_t` is the base of the additive model (intercept, trend, yearly Fourier terms, controls)
//! and `a_{c,t}` the channel's adstock, both as in [`crate::model`]: the whole search (carryover,
//! saturation, penalty, Fourier order, rolling-origin CV) runs unchanged on `ln y`
//! ([`MultiplicativeModel::log_model`]). What changes is how its parts turn into revenue:
//!
//! | quantity | formula |
//! |---|---|
//! | prediction (mean) | `ŷ_t = exp(μ_t + σ²/2)`, `μ_t` the model's prediction of `ln y_t`, `σ²` the mean squared residual of `ln y` on the weeks the model was fitted on (lognormal mean) |
//! | contribution of channel `c`, week `t` | what revenue loses without the channel: `ŷ_t · (1 − exp(−g_c(a_{c,t})))` (the quantity a lift test measures) |
//! | ROI | `Σ_t contribution_{c,t} / Σ_t x_{c,t}` |
//! | planning base | `B̄ = mean_t exp(b_t + σ²/2)` over the last [`BASELINE_WEEKS`] weeks |
//! | steady-state revenue of a weekly split `x` | `R(x) = B̄ · exp(Σ_c g_c(x_c))` |
//! | channel `c`'s part of `R(x)` | `R(x) · (1 − exp(−g_c(x_c)))` |
//! | marginal revenue of channel `c` | `∂R/∂x_c = R(x) · g_c'(x_c)` |
//!
//! The channels' removal effects do not add up to the media total `R(x) − B̄` (the product's
//! cross terms belong to no channel alone); each is exactly what switching that channel off
//! would cost. `exp` is increasing, so the split that maximises `R` for a budget maximises
//! `Σ_c g_c(x_c)`: the exact optimiser of [`crate::optimize`] on the curves
//! [`MultiplicativeModel::log_curves`].
//!
//! **Why this form exists** (issue #11, item 9; `docs/model.md`, "Real data: the Conjura gap"):
//! on the real Conjura series the additive model's holdout R² is 0.389 and its baseline without
//! media is below zero; revenue there grows by a factor from year to year and its Q4 peak is
//! about the previous peak times that growth, a product. The multiplicative form's holdout R²
//! on the same split is 0.63. [`super::form`] chooses between the forms by a rolling-origin
//! evaluation inside the training weeks, never by the holdout.

mod posterior;

pub use posterior::{
    MultiplicativePosterior, log_posterior_model, sample_log_posterior, sample_multiplicative,
};

use super::error::{FitError, PredictError};
use super::fitted::{BASELINE_WEEKS, FittedModel, SteadyStatePrediction, check_spend};
use super::metrics::{Metrics, seed_baseline};
use super::params::ValidParams;
use crate::data::WeeklyData;
use crate::response::HillResponse;
use serde::{Deserialize, Serialize};

/// One channel of a [`MultiplicativeModel`], in revenue terms. Totals are over all weeks of
/// the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiplicativeChannel {
    /// Channel name.
    pub name: String,
    /// `β_c`: the lift of `ln y` at saturation (`0.1` ≈ +10.5 % revenue at full saturation).
    pub log_coefficient: f64,
    /// Total removal effect, `Σ_t ŷ_t (1 − exp(−g_c(a_{c,t})))`, currency.
    pub contribution: f64,
    /// Share of the summed removal effects of all channels.
    pub contribution_share: f64,
    /// Total spend.
    pub spend: f64,
    /// Mean weekly spend.
    pub mean_spend: f64,
    /// `contribution / spend` (NaN without spend).
    pub roi: f64,
    /// `∂R/∂x_c` at the mean weekly spend of every channel: extra weekly revenue per extra
    /// unit of sustained weekly spend.
    pub marginal_roi: f64,
}

/// A fitted multiplicative (log-revenue) model: the additive model of `ln y` and its
/// revenue-scale quantities (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiplicativeModel {
    log_model: FittedModel,
    noise_variance: f64,
    validation_variance: f64,
    actual: Vec<f64>,
    fitted: Vec<f64>,
    validation_predictions: Vec<f64>,
    metrics: Metrics,
    baseline_metrics: Metrics,
    channels: Vec<MultiplicativeChannel>,
    base_level: f64,
}

/// The data with its target replaced by `ln y`.
///
/// # Errors
/// [`FitError::NonPositiveTarget`] for the first week whose target is not above zero.
pub fn log_target(data: &WeeklyData) -> Result<WeeklyData, FitError> {
    if let Some(t) = data
        .target()
        .iter()
        .position(|y| !(y.is_finite() && *y > 0.0))
    {
        return Err(FitError::NonPositiveTarget {
            week: data.weeks()[t],
            value: data.target()[t],
        });
    }
    let logged = WeeklyData::new(
        data.weeks().to_vec(),
        format!("ln {}", data.target_name()),
        data.target().iter().map(|y| y.ln()).collect(),
        data.channels().to_vec(),
        data.controls().to_vec(),
    );
    // The weeks, channels and controls were valid, and every ln y is finite.
    logged.map_err(|_| FitError::ConstantTarget)
}

impl ValidParams {
    /// Fits the multiplicative form: the search of [`ValidParams::fit`] on `ln y`, then the
    /// revenue-scale quantities of [`MultiplicativeModel`].
    ///
    /// # Errors
    /// [`FitError::NonPositiveTarget`] when a week's target is zero or negative (the log
    /// form needs revenue above zero every week); otherwise as [`ValidParams::fit`].
    pub fn fit_multiplicative(
        &self,
        data: &WeeklyData,
        progress: impl FnMut(usize, usize),
    ) -> Result<MultiplicativeModel, FitError> {
        let logged = log_target(data)?;
        let log_model = self.fit(&logged, progress)?;
        MultiplicativeModel::from_log_model(log_model, data)
    }
}

/// The mean forecast in revenue of a model of `ln y` fitted on its training weeks,
/// `exp(μ_t + σ²/2)` for every week (`μ_t` its validation prediction, `σ²` the mean squared
/// residual of `ln y` over the training weeks), and that `σ²`.
pub(crate) fn mean_forecast(log_model: &FittedModel, ln_y: &[f64]) -> (Vec<f64>, f64) {
    let n_train = log_model.holdout_start();
    let variance = mean_square(ln_y, log_model.validation_predictions(), 0..n_train);
    let forecast = log_model
        .validation_predictions()
        .iter()
        .map(|mu| (mu + variance / 2.0).exp())
        .collect();
    (forecast, variance)
}

/// Mean squared difference of `a` and `b` over `range`.
fn mean_square(a: &[f64], b: &[f64], range: std::ops::Range<usize>) -> f64 {
    let n = range.len().max(1) as f64;
    range.map(|t| (a[t] - b[t]).powi(2)).sum::<f64>() / n
}

impl MultiplicativeModel {
    /// Assembles the revenue-scale model from the additive model of `ln y` fitted to `data`'s
    /// logged target ([`log_target`]; e.g. by a [`crate::model::Fitter`] stepped on it, as
    /// the page's worker does).
    ///
    /// # Errors
    /// [`FitError::NonPositiveTarget`] as [`log_target`].
    pub fn from_log_model(log_model: FittedModel, data: &WeeklyData) -> Result<Self, FitError> {
        let logged = log_target(data)?;
        let ln_y = logged.target();
        let n = data.len();
        let n_train = log_model.holdout_start();
        // σ² of each fit on the weeks it was fitted on: the validation fit on the training
        // weeks, the final fit on all weeks (or on the training weeks when not refitted).
        let (validation_predictions, validation_variance) = mean_forecast(&log_model, ln_y);
        let fitted_weeks = if log_model.refitted() { n } else { n_train };
        let noise_variance = mean_square(ln_y, log_model.fitted(), 0..fitted_weeks);
        let fitted: Vec<f64> = log_model
            .fitted()
            .iter()
            .map(|mu| (mu + noise_variance / 2.0).exp())
            .collect();
        let metrics = Metrics::from_predictions(data.target(), &validation_predictions, n_train);
        let (_, baseline_metrics) = seed_baseline(data, n_train)?;

        let decomposition = log_model.decomposition();
        let recent = n.saturating_sub(BASELINE_WEEKS);
        let base_level = (recent..n)
            .map(|t| (decomposition.non_media(t) + noise_variance / 2.0).exp())
            .sum::<f64>()
            / (n - recent) as f64;

        let curves = log_model.responses();
        let mean_spend: Vec<f64> = log_model.channels().iter().map(|c| c.mean_spend).collect();
        let at_mean = steady_state(&curves, base_level, &mean_spend);
        let contributions: Vec<f64> = decomposition
            .channels
            .iter()
            .map(|g| {
                g.values
                    .iter()
                    .zip(&fitted)
                    .map(|(g, y)| y * (1.0 - (-g).exp()))
                    .sum()
            })
            .collect();
        let total: f64 = contributions.iter().sum();
        let channels = log_model
            .channels()
            .iter()
            .zip(&contributions)
            .zip(&at_mean.marginal)
            .map(
                |((c, &contribution), &marginal_roi)| MultiplicativeChannel {
                    name: c.name.clone(),
                    log_coefficient: c.coefficient,
                    contribution,
                    contribution_share: if total > 0.0 {
                        contribution / total
                    } else {
                        0.0
                    },
                    spend: c.spend,
                    mean_spend: c.mean_spend,
                    roi: if c.spend > 0.0 {
                        contribution / c.spend
                    } else {
                        f64::NAN
                    },
                    marginal_roi,
                },
            )
            .collect();
        Ok(Self {
            log_model,
            noise_variance,
            validation_variance,
            actual: data.target().to_vec(),
            fitted,
            validation_predictions,
            metrics,
            baseline_metrics,
            channels,
            base_level,
        })
    }

    /// The additive model of `ln y` this model is made of (its "revenue" is `ln y`; its
    /// channels' coefficients are the `β_c` of the log curves).
    pub fn log_model(&self) -> &FittedModel {
        &self.log_model
    }

    /// The channels in revenue terms.
    pub fn channels(&self) -> &[MultiplicativeChannel] {
        &self.channels
    }

    /// Holdout and training metrics of the mean prediction `exp(μ_t + σ²/2)` of the model
    /// fitted on the training weeks, in revenue.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The seed baseline's metrics on the same split (trend, seasonality and controls only,
    /// fitted to revenue), as [`FittedModel::baseline_metrics`].
    pub fn baseline_metrics(&self) -> &Metrics {
        &self.baseline_metrics
    }

    /// The actual target, every week.
    pub fn actual(&self) -> &[f64] {
        &self.actual
    }

    /// Mean predictions of the final model, every week, in revenue.
    pub fn fitted(&self) -> &[f64] {
        &self.fitted
    }

    /// Mean predictions of the model fitted on the training weeks only, every week, in
    /// revenue: out of sample from [`FittedModel::holdout_start`] on.
    pub fn validation_predictions(&self) -> &[f64] {
        &self.validation_predictions
    }

    /// `σ²`: the final model's mean squared residual of `ln y`.
    pub fn noise_variance(&self) -> f64 {
        self.noise_variance
    }

    /// `σ²` of the model fitted on the training weeks (used for its holdout forecast).
    pub fn validation_noise_variance(&self) -> f64 {
        self.validation_variance
    }

    /// `B̄`: the weekly revenue without media, `mean_t exp(b_t + σ²/2)` over the last
    /// [`BASELINE_WEEKS`] weeks. Always above zero.
    pub fn base_level(&self) -> f64 {
        self.base_level
    }

    /// The final model's mean prediction `ŷ_t = exp(μ_t + σ²/2)` split into revenue by
    /// source, in the order base, seasonality, controls, media, so that the parts add up to
    /// `ŷ_t` exactly. With `L_t = ln(intercept + trend)` parts of `μ_t` (`b⁰_t`), seasonality
    /// `S_t`, controls `Z_t = Σ_j z_{j,t}` and media `G_t = Σ_c g_{c,t}` (all in ln revenue):
    ///
    /// ```text
    /// base + trend_t  = exp(b⁰_t + σ²/2)                 (split between baseline and trend by
    ///                                                      their shares of b⁰_t's revenue: the
    ///                                                      intercept's exp, the rest to trend)
    /// seasonality_t   = exp(b⁰_t + σ²/2)·(e^{S_t} − 1)
    /// control_{j,t}   = exp(b⁰_t + S_t + σ²/2)·(e^{Z_t} − 1)·z_{j,t}/Z_t   (by log share; 0 when Z_t = 0)
    /// channel_{c,t}   = B_t·(e^{G_t} − 1)·g_{c,t}/G_t    (B_t = exp(b_t + σ²/2), the revenue
    ///                                                      without media; by log share)
    /// ```
    ///
    /// A product has no unique split into sums: this one credits each layer with what it
    /// adds on top of the layers before it, and shares a layer among its terms by their
    /// shares of its logarithm (as PyMC-Marketing and Robyn do for log-scale models). A
    /// channel's part here is not its removal effect ([`MultiplicativeChannel::contribution`]):
    /// the removal effects add up to more than the media part, since a channel switched off
    /// also takes its share of the cross terms with it.
    pub fn revenue_decomposition(&self) -> super::Decomposition {
        let d = self.log_model.decomposition();
        let n = d.fitted.len();
        let half_var = self.noise_variance / 2.0;
        let mut out = super::Decomposition {
            weeks: d.weeks.clone(),
            baseline: vec![0.0; n],
            trend: vec![0.0; n],
            seasonality: vec![0.0; n],
            controls: d.controls.clone(),
            channels: d.channels.clone(),
            fitted: vec![0.0; n],
        };
        let share = |part: f64, total: f64| if total != 0.0 { part / total } else { 0.0 };
        for t in 0..n {
            let level = (d.baseline[t] + d.trend[t] + half_var).exp();
            let intercept_only = (d.baseline[t] + half_var).exp();
            out.baseline[t] = intercept_only;
            out.trend[t] = level - intercept_only;
            let seasonal = level * d.seasonality[t].exp();
            out.seasonality[t] = seasonal - level;
            let z: f64 = d.controls.iter().map(|c| c.values[t]).sum();
            let with_controls = seasonal * z.exp();
            for (out_c, log_c) in out.controls.iter_mut().zip(&d.controls) {
                out_c.values[t] = (with_controls - seasonal) * share(log_c.values[t], z);
            }
            let g: f64 = d.channels.iter().map(|c| c.values[t]).sum();
            let total = with_controls * g.exp();
            for (out_c, log_c) in out.channels.iter_mut().zip(&d.channels) {
                out_c.values[t] = (total - with_controls) * share(log_c.values[t], g);
            }
            out.fitted[t] = total;
        }
        out
    }

    /// The channels' log curves `g_c(x) = β_c x^s/(x^s + K^s)` (steady state): the curves
    /// whose summed value the best split maximises.
    pub fn log_curves(&self) -> Vec<HillResponse> {
        self.log_model.responses()
    }

    /// Steady-state weekly revenue of a sustained weekly split, `R(x) = B̄·exp(Σ_c g_c(x_c))`,
    /// with each channel's removal effect `R(x)(1 − exp(−g_c(x_c)))` as its contribution,
    /// `media = R(x) − B̄` and the marginal revenue `R(x)·g_c'(x_c)`. The contributions do
    /// not sum to `media` (see the [module docs](self)).
    ///
    /// # Errors
    /// [`PredictError::SpendLength`] or [`PredictError::InvalidSpend`].
    pub fn predict_steady_state(
        &self,
        spend: &[f64],
    ) -> Result<SteadyStatePrediction, PredictError> {
        check_spend(spend, self.channels.len(), |c| &self.channels[c].name)?;
        Ok(steady_state(&self.log_curves(), self.base_level, spend))
    }
}

/// `R(x) = B̄·exp(Σ_c g_c(x_c))` with removal effects and marginal revenues (spend checked by
/// the caller).
fn steady_state(curves: &[HillResponse], base: f64, spend: &[f64]) -> SteadyStatePrediction {
    let g: Vec<f64> = curves.iter().zip(spend).map(|(c, &x)| c.value(x)).collect();
    let revenue = base * g.iter().sum::<f64>().exp();
    SteadyStatePrediction {
        revenue,
        baseline: base,
        media: revenue - base,
        contributions: g.iter().map(|g| revenue * (1.0 - (-g).exp())).collect(),
        marginal: curves
            .iter()
            .zip(spend)
            .map(|(c, &x)| revenue * c.marginal(x))
            .collect(),
    }
}
