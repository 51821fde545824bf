//! The two regressions of [`super`] and the report they make.

use super::error::PricingError;
use super::ols::LeastSquares;
use super::{Interval, ValidPricingParams};
use crate::data::WeeklyData;
use crate::model::design::yearly_phase;
use crate::model::posterior::{Posterior, PosteriorError, equal_tailed_interval};
use crate::model::{
    Decomposition, FittedModel, ModelForm, MultiplicativeModel, MultiplicativePosterior,
    PlanningModel, Term,
};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// The price elasticity, three ways (see [`super`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceElasticity {
    /// `ε`, the log-log OLS coefficient of `ln p` for the non-media revenue, with its t-interval.
    pub log_log: Interval,
    /// The elasticity of total revenue at the means, media held fixed: additive form
    /// `ε · mean(b)/mean(y)` (the media's revenue does not move with price), with the interval
    /// scaled alike; multiplicative form `ε` itself (`y = b·exp(G)`, so
    /// `∂ln y/∂ln p = ∂ln b/∂ln p` with the media's log effect `G` held fixed).
    pub revenue_at_means: Interval,
    /// The model-implied elasticity at the mean price from the ridge point fit (no interval),
    /// when a fitted model was given: additive `γ̂_price · mean(p)/mean(y)` (`γ̂` currency per
    /// unit of price), multiplicative `γ̂_price · mean(p)` (`γ̂` ln revenue per unit of price).
    pub model_implied: Option<f64>,
    /// The same at every posterior draw, `γ_price^(i) · mean(p)/mean(y)` (additive) or
    /// `γ_price^(i) · mean(p)` (multiplicative): its median and equal-tailed interval, when a
    /// posterior was given.
    pub model_implied_posterior: Option<Interval>,
    /// Residual degrees of freedom of the log-log regression.
    pub degrees_of_freedom: f64,
}

/// The promotion lift of the average promotion week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromotionLift {
    /// `γ_d`: revenue per unit of promotion depth per week, currency: the OLS coefficient in
    /// levels (additive form); `lift / d̄` (multiplicative form, where the lift of a unit of
    /// depth grows with the week's revenue; the interval scaled alike).
    pub coefficient: Interval,
    /// `δ`: the lift of ln revenue per unit of promotion depth, the log-log regression's
    /// coefficient of `d_t` with its t-interval (multiplicative form; `None` in the additive
    /// form, whose promotion adds revenue).
    #[serde(default)]
    pub log_coefficient: Option<Interval>,
    /// `d̄`: mean depth over the weeks with promotion > 0.
    pub mean_depth: f64,
    /// Weeks with promotion > 0.
    pub promotion_weeks: usize,
    /// Weekly revenue the average promotion week adds, currency: `γ_d · d̄` (additive form),
    /// `base_revenue · (exp(δ·d̄) − 1)` (multiplicative form, evaluated at `δ`'s ends for the
    /// interval, `base_revenue` held at the point estimate).
    pub lift: Interval,
    /// The revenue those weeks would have had without the promotion, currency per week:
    /// `mean over promotion weeks of y_t − γ̂_d · d̄` (additive form),
    /// `mean over promotion weeks of y_t · exp(−δ̂·d_t)` (multiplicative form).
    pub base_revenue: f64,
    /// `lift / base_revenue`, a fraction (0.1 = 10 %); in the multiplicative form
    /// `exp(δ·d̄) − 1`.
    pub lift_share: Interval,
    /// The model's lift at every posterior draw, when a posterior was given: `γ_promo^(i) · d̄`
    /// (additive form: the draws of the promotion control's coefficient, currency per unit
    /// of depth) or `base_revenue · (exp(δ^(i)·d̄) − 1)` (multiplicative form: `δ^(i)` the
    /// draws of the log model's promotion coefficient); its median and equal-tailed interval.
    pub lift_posterior: Option<Interval>,
}

/// Price elasticity and promotion lift (see [`super`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricingReport {
    /// The model form whose media contribution was taken out: it decides how the media
    /// combine with price and promotion, and so which revenue the sensitivities scale
    /// (see [`PricingReport::price_change_at`]).
    #[serde(default)]
    pub form: ModelForm,
    /// The price column.
    pub price_column: String,
    /// The promotion column.
    pub promotion_column: String,
    /// Weeks used.
    pub weeks: usize,
    /// Mean price index.
    pub mean_price: f64,
    /// Mean weekly revenue `mean(y)`.
    pub mean_revenue: f64,
    /// Mean weekly revenue the media do not explain, `mean(b)`: `b_t = y_t − m_t` (additive
    /// form), `b_t = y_t·exp(−G_t)` (multiplicative form).
    pub mean_base_revenue: f64,
    /// The price elasticity.
    pub elasticity: PriceElasticity,
    /// The promotion lift.
    pub promotion: PromotionLift,
}

/// Estimates from a fitted additive model: `m_t` is its weekly media contribution, `F_t` its
/// intercept, trend and Fourier terms, and the model-implied elasticity
/// `γ̂_price · mean(p)/mean(y)` is filled in (with its interval over the draws of `posterior`,
/// when given, as is the posterior lift `γ_promo^(i) · d̄`).
///
/// # Errors
/// As [`estimate_pricing_with`]; [`PricingError::Setting`] if the posterior has no draws.
pub fn estimate_pricing(
    data: &WeeklyData,
    model: &FittedModel,
    posterior: Option<&Posterior>,
    params: &ValidPricingParams,
) -> Result<PricingReport, PricingError> {
    let media = weekly_media(model.decomposition(), data.len());
    let mut report = estimate_pricing_with(data, &media, &fixed_terms(model), params)?;
    let price_name = &data.controls()[params.price].name;
    report.elasticity.model_implied = model
        .controls()
        .iter()
        .find(|c| &c.name == price_name)
        .map(|c| c.coefficient * report.mean_price / report.mean_revenue);
    let draws_of =
        |name: &str| posterior.and_then(|p| p.controls().iter().find(|c| c.name == name));
    if let Some(draws) = draws_of(price_name) {
        let factor = report.mean_price / report.mean_revenue;
        report.elasticity.model_implied_posterior = Some(median_and_interval(
            draws.coefficient.iter().map(|g| g * factor).collect(),
            params.level,
        )?);
    }
    let promotion_name = &data.controls()[params.promotion].name;
    if let Some(draws) = draws_of(promotion_name) {
        let mean_depth = report.promotion.mean_depth;
        report.promotion.lift_posterior = Some(median_and_interval(
            draws.coefficient.iter().map(|g| g * mean_depth).collect(),
            params.level,
        )?);
    }
    Ok(report)
}

/// Estimates from a fitted multiplicative model (`ln y_t = b_t + G_t + ε_t`, `G_t = Σ_c g_{c,t}`
/// the log lift of the media in week `t`, [`MultiplicativeModel`]): the revenue without media
/// is
///
/// ```text
/// b_t = y_t · exp(−G_t)          (so m_t = y_t · (1 − exp(−G_t)), what revenue loses without all media)
/// ```
///
/// with `F_t` the intercept, trend and Fourier terms of its model of `ln y`. The two
/// regressions are those of [`super`] on this `b_t`, but the promotion is read from the
/// log-log one (`δ`, the lift of ln revenue per unit of depth, as the form has it; see
/// [`PromotionLift`]), and since media multiply revenue the elasticity of total revenue at
/// the means is `ε` itself. The model-implied elasticity comes from the log model's price
/// coefficient `γ̂` (ln revenue per unit of the price index as the data give it: the model
/// standardises the column, `(p − mean)/sd`, and [`crate::model::FittedControl::coefficient`]
/// converts back by `sd`):
///
/// ```text
/// ln ŷ_t = … + γ̂ · p_t   ⇒   ∂ln ŷ/∂ln p = γ̂ · p,   model_implied = γ̂ · mean(p)
/// ```
///
/// With `posterior` (its draws of the log model's controls, [`MultiplicativePosterior::log_posterior`]):
/// `γ^(i) · mean(p)` and the lift `base_revenue · (exp(δ^(i)·d̄) − 1)` over the draws.
///
/// # Errors
/// [`PricingError::Setting`] when the model was fitted on a different number of weeks than
/// `data` has, or the posterior has no draws; otherwise as [`estimate_pricing_with`].
pub fn estimate_pricing_multiplicative(
    data: &WeeklyData,
    model: &MultiplicativeModel,
    posterior: Option<&MultiplicativePosterior>,
    params: &ValidPricingParams,
) -> Result<PricingReport, PricingError> {
    let n = data.len();
    let log_model = model.log_model();
    if log_model.weeks().len() != n {
        return Err(PricingError::Setting(format!(
            "the model was fitted on {} weeks and the data have {n}; give the data the model was fitted on",
            log_model.weeks().len()
        )));
    }
    let log_media = weekly_media(log_model.decomposition(), n);
    let base: Vec<f64> = data
        .target()
        .iter()
        .zip(&log_media)
        .map(|(y, g)| y * (-g).exp())
        .collect();
    let mut report = estimate(
        data,
        base,
        &fixed_terms(log_model),
        params,
        ModelForm::Multiplicative,
    )?;
    let price_name = &data.controls()[params.price].name;
    report.elasticity.model_implied = log_model
        .controls()
        .iter()
        .find(|c| &c.name == price_name)
        .map(|c| c.coefficient * report.mean_price);
    let draws_of = |name: &str| {
        posterior.and_then(|p| p.log_posterior().controls().iter().find(|c| c.name == name))
    };
    if let Some(draws) = draws_of(price_name) {
        let mean_price = report.mean_price;
        report.elasticity.model_implied_posterior = Some(median_and_interval(
            draws.coefficient.iter().map(|g| g * mean_price).collect(),
            params.level,
        )?);
    }
    let promotion_name = &data.controls()[params.promotion].name;
    if let Some(draws) = draws_of(promotion_name) {
        let (base, depth) = (report.promotion.base_revenue, report.promotion.mean_depth);
        report.promotion.lift_posterior = Some(median_and_interval(
            draws
                .coefficient
                .iter()
                .map(|delta| base * (delta * depth).exp_m1())
                .collect(),
            params.level,
        )?);
    }
    Ok(report)
}

/// Estimates from a model in either form, without a posterior (what the page shows):
/// [`estimate_pricing`] or [`estimate_pricing_multiplicative`].
///
/// # Errors
/// As those.
pub fn estimate_pricing_for(
    data: &WeeklyData,
    model: &PlanningModel,
    params: &ValidPricingParams,
) -> Result<PricingReport, PricingError> {
    match model {
        PlanningModel::Additive(model) => estimate_pricing(data, model, None, params),
        PlanningModel::Multiplicative(model) => {
            estimate_pricing_multiplicative(data, model, None, params)
        }
    }
}

/// The channels' summed part of each of the `n` weeks of `decomposition` (currency for an
/// additive model, ln revenue for a model of `ln y`).
fn weekly_media(decomposition: &Decomposition, n: usize) -> Vec<f64> {
    (0..n)
        .map(|t| {
            decomposition
                .channels
                .iter()
                .map(|c| c.values.get(t).copied().unwrap_or(0.0))
                .sum()
        })
        .collect()
}

/// The intercept, trend and Fourier terms of `model`.
fn fixed_terms(model: &FittedModel) -> Vec<Term> {
    model
        .coefficients()
        .0
        .iter()
        .copied()
        .filter(|t| {
            matches!(
                t,
                Term::Intercept | Term::Trend | Term::Sin(_) | Term::Cos(_)
            )
        })
        .collect()
}

/// The median and equal-tailed `level` interval of `values` (one per posterior draw).
///
/// # Errors
/// [`PricingError::Setting`] when there are no draws.
fn median_and_interval(values: Vec<f64>, level: f64) -> Result<Interval, PricingError> {
    if values.is_empty() {
        return Err(PricingError::Setting(
            "the posterior has no draws; sample it with at least one draw".into(),
        ));
    }
    let setting = |e: PosteriorError| PricingError::Setting(format!("posterior draws: {e}"));
    let (lower, upper) = equal_tailed_interval(&values, level).map_err(setting)?;
    // The median: the interval of (almost) zero coverage.
    let (median, _) = equal_tailed_interval(&values, f64::EPSILON).map_err(setting)?;
    Ok(Interval {
        estimate: median,
        lower,
        upper,
        level,
    })
}

/// Estimates from a given weekly media contribution `media` (`m_t`, currency, additive: the
/// media add to the rest of revenue) and the fixed terms `terms` (intercept, trend `t/n`,
/// `Sin(k)`/`Cos(k)` of the yearly phase; other terms are ignored; the intercept is always
/// included). The other controls of `data` enter as they are. `model_implied` is `None`.
///
/// # Errors
/// [`PricingError::Setting`] when `media` does not have one value per week,
/// [`PricingError::NonPositiveBase`] when `y_t − m_t ≤ 0` in a week,
/// [`PricingError::Regression`] for too few weeks or collinear columns.
pub fn estimate_pricing_with(
    data: &WeeklyData,
    media: &[f64],
    terms: &[Term],
    params: &ValidPricingParams,
) -> Result<PricingReport, PricingError> {
    let n = data.len();
    if media.len() != n {
        return Err(PricingError::Setting(format!(
            "{} media contributions for {n} weeks; give one per week",
            media.len()
        )));
    }
    let base: Vec<f64> = data
        .target()
        .iter()
        .zip(media)
        .map(|(y, m)| y - m)
        .collect();
    estimate(data, base, terms, params, ModelForm::Additive)
}

/// The regressions of [`super`] on the non-media revenue `base` (`b_t`, one per week), the
/// promotion read as `form` has it (levels for additive, the log-log `δ` for multiplicative).
fn estimate(
    data: &WeeklyData,
    base: Vec<f64>,
    terms: &[Term],
    params: &ValidPricingParams,
    form: ModelForm,
) -> Result<PricingReport, PricingError> {
    let n = data.len();
    if let Some((week, &value)) = base.iter().enumerate().find(|(_, b)| **b <= 0.0) {
        return Err(PricingError::NonPositiveBase { week, value });
    }
    let price = &data.controls()[params.price];
    let promotion = &data.controls()[params.promotion];

    // Fixed columns: the intercept, then trend and Fourier terms as the model has them.
    let phases: Vec<f64> = data.weeks().iter().map(|&d| yearly_phase(d)).collect();
    let mut columns: Vec<Vec<f64>> = vec![vec![1.0; n]];
    for term in terms {
        match *term {
            Term::Trend => columns.push((0..n).map(|t| t as f64 / n as f64).collect()),
            Term::Sin(k) => columns.push(phases.iter().map(|p| (k as f64 * p).sin()).collect()),
            Term::Cos(k) => columns.push(phases.iter().map(|p| (k as f64 * p).cos()).collect()),
            Term::Intercept | Term::Control(_) | Term::Channel(_) => {}
        }
    }
    let others: Vec<&[f64]> = data
        .controls()
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != params.price && *j != params.promotion)
        .map(|(_, c)| c.values.as_slice())
        .collect();
    let matrix = |price_column: Vec<f64>| {
        let mut all = columns.clone();
        all.push(price_column);
        all.push(promotion.values.clone());
        all.extend(others.iter().map(|v| v.to_vec()));
        DMatrix::from_fn(n, all.len(), |t, j| all[j][t])
    };
    let price_at = columns.len();
    let promotion_at = price_at + 1;

    // Log-log: ln b_t on ln p_t.
    let log_x = matrix(price.values.iter().map(|p| p.ln()).collect());
    let log_b: Vec<f64> = base.iter().map(|b| b.ln()).collect();
    let log_fit = LeastSquares::fit("log-log price", &log_x, &log_b)?;
    let log_log = log_fit.interval(price_at, params.level)?;

    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let mean_price = mean(&price.values);
    let mean_revenue = mean(data.target());
    let mean_base_revenue = mean(&base);

    let promoted: Vec<usize> = (0..n).filter(|&t| promotion.values[t] > 0.0).collect();
    let mean_depth =
        promoted.iter().map(|&t| promotion.values[t]).sum::<f64>() / promoted.len() as f64;
    let promoted_mean = |f: &dyn Fn(usize) -> f64| {
        promoted.iter().map(|&t| f(t)).sum::<f64>() / promoted.len() as f64
    };
    let promotion_lift = |coefficient: Interval,
                          log_coefficient: Option<Interval>,
                          lift: Interval,
                          base_revenue: f64,
                          lift_share: Interval| PromotionLift {
        coefficient,
        log_coefficient,
        mean_depth,
        promotion_weeks: promoted.len(),
        lift,
        base_revenue,
        lift_share,
        lift_posterior: None,
    };
    let (promotion_lift, revenue_at_means) = match form {
        ModelForm::Additive => {
            // Levels: b_t on p_t and d_t.
            let level_x = matrix(price.values.clone());
            let level_fit = LeastSquares::fit("promotion", &level_x, &base)?;
            let coefficient = level_fit.interval(promotion_at, params.level)?;
            let lift = coefficient.scaled(mean_depth);
            let base_revenue = promoted_mean(&|t| data.target()[t]) - lift.estimate;
            if base_revenue <= 0.0 {
                return Err(PricingError::NonPositivePromotionBase {
                    value: base_revenue,
                });
            }
            let lift_share = lift.scaled(1.0 / base_revenue);
            (
                promotion_lift(coefficient, None, lift, base_revenue, lift_share),
                log_log.scaled(mean_base_revenue / mean_revenue),
            )
        }
        ModelForm::Multiplicative => {
            // The log-log regression's δ: ln b_t moves by δ per unit of depth.
            let delta = log_fit.interval(promotion_at, params.level)?;
            let base_revenue = promoted_mean(&|t| {
                data.target()[t] * (-delta.estimate * promotion.values[t]).exp()
            });
            if base_revenue <= 0.0 {
                return Err(PricingError::NonPositivePromotionBase {
                    value: base_revenue,
                });
            }
            // exp(δ·d̄) − 1 increases with δ (d̄ > 0): its ends are δ's ends.
            let share = |d: f64| (d * mean_depth).exp_m1();
            let lift_share = Interval {
                estimate: share(delta.estimate),
                lower: share(delta.lower),
                upper: share(delta.upper),
                level: delta.level,
            };
            let lift = lift_share.scaled(base_revenue);
            let coefficient = lift.scaled(1.0 / mean_depth);
            (
                promotion_lift(coefficient, Some(delta), lift, base_revenue, lift_share),
                // Media multiply revenue: the elasticity of y is that of b.
                log_log,
            )
        }
    };

    Ok(PricingReport {
        form,
        price_column: price.name.clone(),
        promotion_column: promotion.name.clone(),
        weeks: n,
        mean_price,
        mean_revenue,
        mean_base_revenue,
        elasticity: PriceElasticity {
            log_log,
            revenue_at_means,
            model_implied: None,
            model_implied_posterior: None,
            degrees_of_freedom: log_fit.degrees_of_freedom,
        },
        promotion: promotion_lift,
    })
}
