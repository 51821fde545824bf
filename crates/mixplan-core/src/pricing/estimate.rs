//! The two regressions of [`super`] and the report they make.

use super::error::PricingError;
use super::ols::LeastSquares;
use super::{Interval, ValidPricingParams};
use crate::data::WeeklyData;
use crate::model::design::yearly_phase;
use crate::model::posterior::{Posterior, PosteriorError, equal_tailed_interval};
use crate::model::{FittedModel, Term};
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// The price elasticity, three ways (see [`super`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceElasticity {
    /// `ε`, the log-log OLS coefficient of `ln p` for the non-media revenue, with its t-interval.
    pub log_log: Interval,
    /// The elasticity of total revenue at the means, media held fixed:
    /// `ε · mean(y − m)/mean(y)`, with the interval scaled alike.
    pub revenue_at_means: Interval,
    /// The model-implied elasticity at the means, `γ̂_price · mean(p)/mean(y)` from the ridge
    /// point fit (no interval), when a fitted model was given.
    pub model_implied: Option<f64>,
    /// The same at every posterior draw, `γ_price^(i) · mean(p)/mean(y)`: its median and
    /// equal-tailed interval, when a posterior was given.
    pub model_implied_posterior: Option<Interval>,
    /// Residual degrees of freedom of the log-log regression.
    pub degrees_of_freedom: f64,
}

/// The promotion lift of the average promotion week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromotionLift {
    /// `γ_d`: revenue per unit of promotion depth per week, currency (OLS in levels).
    pub coefficient: Interval,
    /// `d̄`: mean depth over the weeks with promotion > 0.
    pub mean_depth: f64,
    /// Weeks with promotion > 0.
    pub promotion_weeks: usize,
    /// `γ_d · d̄`: weekly revenue the average promotion week adds, currency.
    pub lift: Interval,
    /// The revenue those weeks would have had without the promotion:
    /// `mean over promotion weeks of y_t − γ̂_d · d̄`, currency per week.
    pub base_revenue: f64,
    /// `lift / base_revenue`, a fraction (0.1 = 10 %).
    pub lift_share: Interval,
    /// The model's lift at every posterior draw, `γ_promo^(i) · d̄` (the draws of the
    /// promotion control's coefficient, currency per unit of depth): its median and
    /// equal-tailed interval, when a posterior was given.
    pub lift_posterior: Option<Interval>,
}

/// Price elasticity and promotion lift (see [`super`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricingReport {
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
    /// Mean weekly revenue the media do not explain, `mean(y − m)`.
    pub mean_base_revenue: f64,
    /// The price elasticity.
    pub elasticity: PriceElasticity,
    /// The promotion lift.
    pub promotion: PromotionLift,
}

/// Estimates from a fitted model: `m_t` is its weekly media contribution, `F_t` its
/// intercept, trend and Fourier terms, and the model-implied elasticity is filled in (with
/// its interval over the draws of `posterior`, when given, as is the posterior lift
/// `γ_promo^(i) · d̄`).
///
/// # Errors
/// As [`estimate_pricing_with`]; [`PricingError::Setting`] if the posterior has no draws.
pub fn estimate_pricing(
    data: &WeeklyData,
    model: &FittedModel,
    posterior: Option<&Posterior>,
    params: &ValidPricingParams,
) -> Result<PricingReport, PricingError> {
    let n = data.len();
    let decomposition = model.decomposition();
    let media: Vec<f64> = (0..n)
        .map(|t| {
            decomposition
                .channels
                .iter()
                .map(|c| c.values.get(t).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let terms: Vec<Term> = model
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
        .collect();
    let mut report = estimate_pricing_with(data, &media, &terms, params)?;
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
            &draws.coefficient,
            factor,
            params.level,
        )?);
    }
    let promotion_name = &data.controls()[params.promotion].name;
    if let Some(draws) = draws_of(promotion_name) {
        report.promotion.lift_posterior = Some(median_and_interval(
            &draws.coefficient,
            report.promotion.mean_depth,
            params.level,
        )?);
    }
    Ok(report)
}

/// The median and equal-tailed `level` interval of `factor · draw` over `draws`.
///
/// # Errors
/// [`PricingError::Setting`] when there are no draws.
fn median_and_interval(draws: &[f64], factor: f64, level: f64) -> Result<Interval, PricingError> {
    if draws.is_empty() {
        return Err(PricingError::Setting(
            "the posterior has no draws; sample it with at least one draw".into(),
        ));
    }
    let values: Vec<f64> = draws.iter().map(|g| g * factor).collect();
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

/// Estimates from a given weekly media contribution `media` (`m_t`, currency) and the fixed
/// terms `terms` (intercept, trend `t/n`, `Sin(k)`/`Cos(k)` of the yearly phase; other terms
/// are ignored; the intercept is always included). The other controls of `data` enter as they
/// are. `model_implied` is `None`.
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

    // Levels: b_t on p_t and d_t.
    let level_x = matrix(price.values.clone());
    let level_fit = LeastSquares::fit("promotion", &level_x, &base)?;
    let coefficient = level_fit.interval(promotion_at, params.level)?;
    let promoted: Vec<usize> = (0..n).filter(|&t| promotion.values[t] > 0.0).collect();
    let mean_depth =
        promoted.iter().map(|&t| promotion.values[t]).sum::<f64>() / promoted.len() as f64;
    let lift = coefficient.scaled(mean_depth);
    let promoted_revenue =
        promoted.iter().map(|&t| data.target()[t]).sum::<f64>() / promoted.len() as f64;
    let base_revenue = promoted_revenue - lift.estimate;
    if base_revenue <= 0.0 {
        return Err(PricingError::NonPositivePromotionBase {
            value: base_revenue,
        });
    }
    let lift_share = lift.scaled(1.0 / base_revenue);

    Ok(PricingReport {
        price_column: price.name.clone(),
        promotion_column: promotion.name.clone(),
        weeks: n,
        mean_price,
        mean_revenue,
        mean_base_revenue,
        elasticity: PriceElasticity {
            log_log,
            revenue_at_means: log_log.scaled(mean_base_revenue / mean_revenue),
            model_implied: None,
            model_implied_posterior: None,
            degrees_of_freedom: log_fit.degrees_of_freedom,
        },
        promotion: PromotionLift {
            coefficient,
            mean_depth,
            promotion_weeks: promoted.len(),
            lift,
            base_revenue,
            lift_share,
            lift_posterior: None,
        },
    })
}
