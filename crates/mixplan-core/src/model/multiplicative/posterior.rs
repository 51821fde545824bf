//! The posterior of the multiplicative form: NUTS on the additive model of `ln y`
//! ([`PosteriorModel::of_log_revenue`]: the same priors, the ROI stated in revenue to first
//! order), then each draw's revenue-scale quantities.
//!
//! Draw `d` gives each channel's log curve and weekly log lifts `g_{c,t,d} = β_{c,d}·
//! hill(adstock_d(x_c)_t)`. The data pin the model's total `μ_t = b_t + Σ_c g_{c,t}` far more
//! tightly than its split between base and media (the split is what the draws disagree on),
//! so each draw keeps the point fit's mean prediction `ŷ_t = exp(μ̂_t + σ²/2)` as its total and
//! differs in what media explain of it:
//!
//! ```text
//! contribution_{c,d} = Σ_t ŷ_t (1 − exp(−g_{c,t,d}))            (removal effect, revenue)
//! ROI_{c,d}          = contribution_{c,d} / Σ_t x_{c,t}
//! B̄_d                = mean_t ŷ_t · exp(−Σ_c g_{c,t,d})         (last 52 weeks: the base without media)
//! R_d(x)             = B̄_d · exp(Σ_c g_{c,d}(x_c))                (steady-state revenue of a weekly split)
//! ```
//!
//! (`B̄_d` equals the point model's `B̄` when the draw's lifts are the point fit's.) What this
//! leaves out is the uncertainty of the total itself, the residual noise's share, which is
//! small next to the split's: the holdout of the simulated tests shows it
//! (`tests/model_multiplicative.rs`).
//!
//! **Lift tests** are measured in revenue: test `i` on channel `c` over the weeks `W_i`
//! reports `Σ_{t∈W_i} y_t (1 − exp(−g_{c,t}))`. To first order that is `ȳ_i · Σ_{t∈W_i} g_{c,t}`
//! with `ȳ_i` the mean actual revenue over `W_i`, so the test enters the likelihood of the
//! model of `ln y` as the lift `lift_i / ȳ_i` with standard error `std_error_i / ȳ_i`. The
//! first-order error is `g/2` of the lift (a channel lifting revenue by 10 % in its test weeks
//! is credited about 5 % too little).

use super::{MultiplicativeModel, log_target};
use crate::data::WeeklyData;
use crate::model::error::PredictError;
use crate::model::fitted::{BASELINE_WEEKS, check_spend};
use crate::model::posterior::{
    LiftTest, Posterior, PosteriorError, PosteriorModel, Priors, RecommendError, Recommendation,
    ValidRecommendParams, ValidSamplerParams, equal_tailed_interval,
};
use crate::optimize::SpendBounds;
use crate::response::HillResponse;
use crate::transform::{GeometricAdstock, Hill, WeibullAdstock};
use serde::Serialize;

/// Draws of a [`MultiplicativeModel`]'s posterior in revenue terms (see the
/// [module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MultiplicativePosterior {
    log_posterior: Posterior,
    /// Per channel, per draw: the removal effect over all weeks, revenue.
    contributions: Vec<Vec<f64>>,
    /// Per channel, per draw: `contribution / spend`.
    roi: Vec<Vec<f64>>,
    /// Per draw: `B̄_d`.
    base_levels: Vec<f64>,
}

/// Samples the posterior of `model`, fitted to `data` (revenue), with `priors` and the lift
/// tests `tests` (in revenue, as the additive model takes them), in revenue terms: the draws
/// of [`sample_log_posterior`], each turned into revenue by [`MultiplicativePosterior::new`].
///
/// # Errors
/// As [`sample_log_posterior`] and [`MultiplicativePosterior::new`].
pub fn sample_multiplicative(
    params: &ValidSamplerParams,
    model: &MultiplicativeModel,
    data: &WeeklyData,
    priors: &Priors,
    tests: &[LiftTest],
    progress: impl FnMut(usize, usize),
) -> Result<MultiplicativePosterior, PosteriorError> {
    let log_posterior = sample_log_posterior(params, model, data, priors, tests, progress)?;
    MultiplicativePosterior::new(model, data, log_posterior)
}

/// The posterior of `model`'s model of `ln y` ([`PosteriorModel::of_log_revenue`], lift
/// tests at first order), before its draws are turned into revenue: for a caller that thins
/// the draws first ([`Posterior::thinned`]) and then wraps only those it keeps.
///
/// # Errors
/// As [`PosteriorModel::of_log_revenue`], [`PosteriorModel::with_lift_tests`] and
/// [`ValidSamplerParams::sample`]; [`PosteriorError::ModelDataMismatch`] when `data` is not
/// the data `model` was fitted to.
pub fn sample_log_posterior(
    params: &ValidSamplerParams,
    model: &MultiplicativeModel,
    data: &WeeklyData,
    priors: &Priors,
    tests: &[LiftTest],
    progress: impl FnMut(usize, usize),
) -> Result<Posterior, PosteriorError> {
    params.sample(log_posterior_model(model, data, priors, tests)?, progress)
}

/// The density [`sample_log_posterior`] samples: [`PosteriorModel::of_log_revenue`] of
/// `model`'s model of `ln y`, with the lift tests at first order; for a caller that steps
/// the sampler itself (the page's worker).
///
/// # Errors
/// As [`sample_log_posterior`], without the sampler's.
pub fn log_posterior_model(
    model: &MultiplicativeModel,
    data: &WeeklyData,
    priors: &Priors,
    tests: &[LiftTest],
) -> Result<PosteriorModel, PosteriorError> {
    if model.actual() != data.target() {
        return Err(PosteriorError::ModelDataMismatch(
            "the target differs from the one the model was fitted on".into(),
        ));
    }
    let logged = log_target(data).map_err(|e| PosteriorError::ModelDataMismatch(e.to_string()))?;
    let revenue_level = data.target().iter().sum::<f64>() / data.len() as f64;
    let mut density =
        PosteriorModel::of_log_revenue(&logged, model.log_model(), priors, revenue_level)?;
    if !tests.is_empty() {
        density = density.with_lift_tests(&logged, &log_lift_tests(data, tests)?)?;
    }
    Ok(density)
}

/// The lift tests in units of `ln y`: each lift and standard error divided by the mean actual
/// revenue over the test's weeks (see the [module docs](self)).
///
/// # Errors
/// [`PosteriorError::ModelDataMismatch`] for a test with no week inside the data (the lift
/// likelihood then names the test precisely).
fn log_lift_tests(data: &WeeklyData, tests: &[LiftTest]) -> Result<Vec<LiftTest>, PosteriorError> {
    tests
        .iter()
        .map(|test| {
            let revenue: Vec<f64> = data
                .weeks()
                .iter()
                .zip(data.target())
                .filter(|(week, _)| **week >= test.start && **week <= test.end)
                .map(|(_, y)| *y)
                .collect();
            if revenue.is_empty() {
                // Left as it is: placing it reports the weeks it misses.
                return Ok(test.clone());
            }
            let level = revenue.iter().sum::<f64>() / revenue.len() as f64;
            Ok(LiftTest {
                lift: test.lift / level,
                std_error: test.std_error / level,
                ..test.clone()
            })
        })
        .collect()
}

impl MultiplicativePosterior {
    /// The revenue-scale draws of `log_posterior`, a posterior of `model`'s model of `ln y`.
    ///
    /// # Errors
    /// [`PosteriorError::ModelDataMismatch`] when the posterior's channels are not the
    /// model's; [`PosteriorError::Sampler`] for a draw whose carryover cannot be built.
    pub fn new(
        model: &MultiplicativeModel,
        data: &WeeklyData,
        log_posterior: Posterior,
    ) -> Result<Self, PosteriorError> {
        let channels = model.channels();
        if log_posterior.channels().len() != channels.len() {
            return Err(PosteriorError::ModelDataMismatch(format!(
                "{} channels in the posterior, {} in the model",
                log_posterior.channels().len(),
                channels.len()
            )));
        }
        let fitted = model.fitted();
        let n = fitted.len();
        let recent = n.saturating_sub(BASELINE_WEEKS);
        let draws = log_posterior.draws();
        let invalid = |e: crate::transform::TransformError| {
            PosteriorError::Sampler(format!("invalid draw: {e}"))
        };
        let mut media_by_draw = vec![vec![0.0; n]; draws];
        let mut contributions = Vec::with_capacity(channels.len());
        let mut roi = Vec::with_capacity(channels.len());
        for (c, (channel, draws_c)) in channels.iter().zip(log_posterior.channels()).enumerate() {
            let spend = &data.channels()[c].values;
            let weibull = model.log_model().channels()[c].weibull;
            let mut contribution_c = Vec::with_capacity(draws);
            for (d, media) in media_by_draw.iter_mut().enumerate() {
                let adstock = match weibull {
                    Some(w) => WeibullAdstock::new(
                        draws_c.weibull_shape[d],
                        draws_c.weibull_scale[d],
                        w.window,
                        w.form,
                    )
                    .and_then(|k| k.apply(spend)),
                    None => GeometricAdstock::new(draws_c.decay[d]).and_then(|a| a.apply(spend)),
                }
                .map_err(invalid)?;
                let hill =
                    Hill::new(draws_c.half_saturation[d], draws_c.shape[d]).map_err(invalid)?;
                let beta = draws_c.coefficient[d];
                let mut total = 0.0;
                for (t, &a) in adstock.iter().enumerate() {
                    let g = beta * hill.value(a);
                    media[t] += g;
                    total += fitted[t] * (1.0 - (-g).exp());
                }
                contribution_c.push(total);
            }
            roi.push(
                contribution_c
                    .iter()
                    .map(|v| {
                        if channel.spend > 0.0 {
                            v / channel.spend
                        } else {
                            f64::NAN
                        }
                    })
                    .collect(),
            );
            contributions.push(contribution_c);
        }
        let base_levels = media_by_draw
            .iter()
            .map(|media| {
                (recent..n)
                    .map(|t| fitted[t] * (-media[t]).exp())
                    .sum::<f64>()
                    / (n - recent) as f64
            })
            .collect();
        Ok(Self {
            log_posterior,
            contributions,
            roi,
            base_levels,
        })
    }

    /// The posterior of the model of `ln y`: its convergence report, and per draw the
    /// channels' log curves (`responses`, in units of `ln y`) and first-order ROIs.
    pub fn log_posterior(&self) -> &Posterior {
        &self.log_posterior
    }

    /// Number of draws.
    pub fn draws(&self) -> usize {
        self.base_levels.len()
    }

    /// Channel `c`'s revenue ROI per draw (removal effect ÷ spend).
    ///
    /// # Errors
    /// [`PosteriorError::UnknownChannel`] for an index past the channels.
    pub fn roi_draws(&self, channel: usize) -> Result<&[f64], PosteriorError> {
        self.roi
            .get(channel)
            .map(Vec::as_slice)
            .ok_or_else(|| PosteriorError::UnknownChannel(format!("channel index {channel}")))
    }

    /// Channel `c`'s total removal effect per draw, revenue.
    ///
    /// # Errors
    /// [`PosteriorError::UnknownChannel`] for an index past the channels.
    pub fn contribution_draws(&self, channel: usize) -> Result<&[f64], PosteriorError> {
        self.contributions
            .get(channel)
            .map(Vec::as_slice)
            .ok_or_else(|| PosteriorError::UnknownChannel(format!("channel index {channel}")))
    }

    /// Equal-tailed `level` interval of channel `c`'s ROI.
    ///
    /// # Errors
    /// [`PosteriorError::UnknownChannel`]; [`PosteriorError::InvalidLevel`] outside (0, 1).
    pub fn roi_interval(&self, channel: usize, level: f64) -> Result<(f64, f64), PosteriorError> {
        equal_tailed_interval(self.roi_draws(channel)?, level)
    }

    /// Equal-tailed `level` interval of channel `c`'s total contribution.
    ///
    /// # Errors
    /// As [`MultiplicativePosterior::roi_interval`].
    pub fn contribution_interval(
        &self,
        channel: usize,
        level: f64,
    ) -> Result<(f64, f64), PosteriorError> {
        equal_tailed_interval(self.contribution_draws(channel)?, level)
    }

    /// `B̄_d` per draw: the weekly revenue without media.
    pub fn base_levels(&self) -> &[f64] {
        &self.base_levels
    }

    /// Each channel's log curves per draw (`g_{c,d}`, units of `ln y`).
    ///
    /// # Errors
    /// [`PosteriorError::UnknownChannel`] for an index past the channels.
    pub fn log_curves(&self, channel: usize) -> Result<&[HillResponse], PosteriorError> {
        self.log_posterior.responses(channel)
    }

    /// The recommendation rule on this posterior
    /// ([`ValidRecommendParams::recommend_multiplicative`]): the split of `budget` with the
    /// highest posterior expected revenue `(1/D) Σ_d R_d(x)`, moved from `current` only as far
    /// as the draws support at the rule's confidence, with the point-estimate optimum of
    /// `model` judged beside it.
    ///
    /// # Errors
    /// As [`ValidRecommendParams::recommend_multiplicative`].
    pub fn recommend(
        &self,
        params: &ValidRecommendParams,
        model: &MultiplicativeModel,
        current: &[f64],
        bounds: &[SpendBounds],
        budget: f64,
    ) -> Result<Recommendation, RecommendError> {
        let curves: Vec<Vec<HillResponse>> = self
            .log_posterior
            .channels()
            .iter()
            .map(|c| c.responses.clone())
            .collect();
        params.recommend_multiplicative(
            &curves,
            &self.base_levels,
            &model.log_curves(),
            current,
            bounds,
            budget,
        )
    }

    /// Steady-state weekly revenue of a sustained weekly split per draw,
    /// `R_d(x) = B̄_d · exp(Σ_c g_{c,d}(x_c))`.
    ///
    /// # Errors
    /// [`PredictError::SpendLength`] or [`PredictError::InvalidSpend`].
    pub fn revenue_draws(&self, spend: &[f64]) -> Result<Vec<f64>, PredictError> {
        let channels = self.log_posterior.channels();
        check_spend(spend, channels.len(), |c| &channels[c].name)?;
        Ok(self
            .base_levels
            .iter()
            .enumerate()
            .map(|(d, base)| {
                let g: f64 = channels
                    .iter()
                    .zip(spend)
                    .map(|(ch, &x)| ch.responses[d].value(x))
                    .sum();
                base * g.exp()
            })
            .collect())
    }
}
