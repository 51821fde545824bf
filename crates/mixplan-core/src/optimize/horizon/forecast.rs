//! [`Forecast`]: the total weekly revenue over the plan period — baseline, trend, season and
//! controls from the fitted model, plus the plan's media — with a predictive interval.
//!
//! For planned week `h` (0-based) after the `n` observed weeks, dated `d = last + 7·(h + 1)`:
//!
//! ```text
//! revenue_h = β₀ + β_T·(n + h)/n_train + Σ_k [a_k sin(2πk·d/365.25) + b_k cos(2πk·d/365.25)]
//!           + Σ_j γ_j·(z_{j,h} − center_j) + media_h
//! interval  = revenue_h ± z_{(1+level)/2}·σ
//! ```
//!
//! with `media_h` the plan's media revenue that week ([`HorizonPlan::weekly_media`], carry-in
//! included) and `σ` the model's out-of-sample residual RMSE (the holdout RMSE; the training
//! RMSE when there is no holdout). The interval is the residual noise only: it does not
//! include the uncertainty of the coefficients, so it is too narrow by that much (the
//! posterior is not used here yet).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::error::HorizonError;
use super::plan::HorizonPlan;
use crate::data::WeeklyData;
use crate::model::design::yearly_phase;
use crate::model::posterior::diagnostics::inverse_normal_cdf;
use crate::model::{FittedModel, Term};

/// Weeks in a year, for "the same week last year".
const YEAR_WEEKS: usize = 52;

/// Where the controls' future values come from when the caller does not set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ControlAssumption {
    /// The value of the same week one year (52 weeks) earlier — holidays and promotions
    /// recur — and the recent average where the data do not reach back that far. The default.
    #[default]
    SameWeekLastYear,
    /// The mean of the last 52 observed weeks (all weeks if fewer).
    RecentAverage,
}

/// What the forecast assumes, unchecked.
///
/// | field | meaning | default | range |
/// |---|---|---|---|
/// | `level` | coverage of the predictive interval | `0.9` | `(0, 1)` |
/// | `controls` | future control values where none is set | [`ControlAssumption::SameWeekLastYear`] | |
/// | `control_values` | per control, `None` (assume) or one value per planned week | all `None` | finite |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastParams {
    /// Interval coverage.
    pub level: f64,
    /// Assumption for controls without values.
    pub controls: ControlAssumption,
    /// Values set by the caller, per control (by index): one per planned week, or one value
    /// for every week.
    pub control_values: Vec<(usize, Vec<f64>)>,
}

impl Default for ForecastParams {
    fn default() -> Self {
        Self {
            level: 0.9,
            controls: ControlAssumption::default(),
            control_values: Vec::new(),
        }
    }
}

impl ForecastParams {
    /// The defaults: 90 % interval, controls as the same week last year.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the interval coverage.
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// Sets the assumption for controls without values.
    pub fn controls(mut self, assumption: ControlAssumption) -> Self {
        self.controls = assumption;
        self
    }

    /// Sets control `control`'s values: one per planned week, or a single value for all.
    pub fn control_values(mut self, control: usize, values: Vec<f64>) -> Self {
        self.control_values.push((control, values));
        self
    }
}

/// One planned week of the forecast (currency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastWeek {
    /// Week start date.
    pub date: NaiveDate,
    /// The intercept.
    pub baseline: f64,
    /// The trend term.
    pub trend: f64,
    /// The seasonal (Fourier) terms.
    pub seasonality: f64,
    /// All controls together, at the assumed or given values.
    pub controls: f64,
    /// The plan's media revenue this week (carry-in included).
    pub media: f64,
    /// The sum of the above.
    pub revenue: f64,
    /// Lower end of the predictive interval.
    pub lower: f64,
    /// Upper end of the predictive interval.
    pub upper: f64,
}

/// The weekly revenue forecast for a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// One entry per planned week.
    pub weeks: Vec<ForecastWeek>,
    /// Interval coverage.
    pub level: f64,
    /// The residual standard deviation σ used for the intervals (currency).
    pub noise_sd: f64,
    /// How controls without given values were filled in.
    pub controls: ControlAssumption,
    /// Σ revenue over the period.
    pub total_revenue: f64,
    /// Interval of the period total, `± z·σ·√N` (residuals taken as independent).
    pub total_lower: f64,
    /// Upper end of the period total's interval.
    pub total_upper: f64,
}

/// The non-media part of the model's prediction for one future week (in the model's target
/// units: currency for the additive model, ln revenue for the log model of the
/// multiplicative form).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BaseWeek {
    pub date: NaiveDate,
    pub baseline: f64,
    pub trend: f64,
    pub seasonality: f64,
    pub controls: f64,
}

impl BaseWeek {
    /// `baseline + trend + seasonality + controls`.
    pub fn total(&self) -> f64 {
        self.baseline + self.trend + self.seasonality + self.controls
    }
}

/// The model's out-of-sample residual RMSE (the holdout RMSE; the training RMSE without a
/// holdout), in its target units.
pub(crate) fn out_of_sample_sd(model: &FittedModel, n: usize) -> f64 {
    let m = model.metrics();
    if model.holdout_start() < n && m.rmse_test.is_finite() {
        m.rmse_test
    } else {
        m.rmse_train
    }
}

/// The model's non-media terms for the `count` weeks after the data (`h = 0 … count − 1`,
/// dated `last + 7·(h + 1)`): intercept, trend `β_T·(n + h)/n_train` continued linearly,
/// the yearly Fourier terms at the week's date, and the controls at their given or assumed
/// values. Given control values have one value per planned week (`planned`) or one for
/// all; past the planned weeks a single given value continues and per-week ones give way to
/// the assumption. "Same week last year" takes the latest observed year's same week
/// (`n + h − 52·m`, the smallest `m ≥ 1` reaching the data), the recent average where the
/// data are too short.
///
/// # Errors
/// As [`Forecast::new`].
pub(crate) fn future_base(
    model: &FittedModel,
    data: &WeeklyData,
    planned: usize,
    count: usize,
    params: &ForecastParams,
) -> Result<Vec<BaseWeek>, HorizonError> {
    let n = data.len();
    if model.weeks() != data.weeks() {
        return Err(HorizonError::DataMismatch(format!(
            "the model has {} weeks, the data {}",
            model.weeks().len(),
            n
        )));
    }
    if !(params.level > 0.0 && params.level < 1.0) {
        return Err(HorizonError::InvalidLevel(params.level));
    }
    let weeks = planned;
    let controls = model.controls();
    let scaling = model.scaling();
    let mut values: Vec<Vec<f64>> = Vec::with_capacity(controls.len());
    for series in data.controls() {
        let recent = n.saturating_sub(YEAR_WEEKS);
        let average = series.values[recent..].iter().sum::<f64>() / (n - recent).max(1) as f64;
        values.push(
            (0..count)
                .map(|h| {
                    let back = (h / YEAR_WEEKS + 1) * YEAR_WEEKS;
                    match params.controls {
                        ControlAssumption::SameWeekLastYear if n + h >= back => {
                            series.values[n + h - back]
                        }
                        _ => average,
                    }
                })
                .collect(),
        );
    }
    for (control, given) in &params.control_values {
        let Some(slot) = values.get_mut(*control) else {
            return Err(HorizonError::UnknownControl {
                control: *control,
                controls: controls.len(),
            });
        };
        match given.len() {
            1 => slot.iter_mut().for_each(|v| *v = given[0]),
            len if len == weeks => {
                for (v, &g) in slot.iter_mut().zip(given) {
                    *v = g;
                }
            }
            len => {
                return Err(HorizonError::LengthMismatch {
                    what: format!("the values of control '{}'", controls[*control].name),
                    expected: weeks,
                    found: len,
                    per: "week",
                });
            }
        }
        if let Some(week) = given.iter().position(|v| !v.is_finite()) {
            return Err(HorizonError::InvalidControlValue {
                control: controls[*control].name.clone(),
                week,
                value: given[week],
            });
        }
    }

    let (terms, coefficients) = model.coefficients();
    let last = data.weeks().last().copied().unwrap_or_default();
    let base_week = |h: usize| {
        let date = last + Duration::weeks(h as i64 + 1);
        let phase = yearly_phase(date);
        let (mut baseline, mut trend, mut seasonality, mut control_total) = (0.0, 0.0, 0.0, 0.0);
        for (term, &beta) in terms.iter().zip(coefficients) {
            match *term {
                Term::Intercept => baseline += beta,
                Term::Trend => trend += beta * (n + h) as f64 / scaling.trend_weeks,
                Term::Sin(k) => seasonality += beta * (k as f64 * phase).sin(),
                Term::Cos(k) => seasonality += beta * (k as f64 * phase).cos(),
                Term::Control(j) => {
                    let s = &scaling.controls[j];
                    control_total += beta * (values[j][h] - s.center) / s.scale;
                }
                Term::Channel(_) => {}
            }
        }
        BaseWeek {
            date,
            baseline,
            trend,
            seasonality,
            controls: control_total,
        }
    };
    Ok((0..count).map(base_week).collect())
}

impl Forecast {
    /// Forecasts the plan's weeks from the fitted model and the data it was fitted on.
    ///
    /// # Errors
    /// [`HorizonError::DataMismatch`] when the data are not the model's;
    /// [`HorizonError::InvalidLevel`]; [`HorizonError::UnknownControl`], [`HorizonError::LengthMismatch`] or
    /// [`HorizonError::InvalidControlValue`] for given control values.
    pub fn new(
        model: &FittedModel,
        data: &WeeklyData,
        plan: &HorizonPlan,
        params: &ForecastParams,
    ) -> Result<Self, HorizonError> {
        let weeks = plan.weeks();
        let base = future_base(model, data, weeks, weeks, params)?;
        let noise_sd = out_of_sample_sd(model, data.len());
        let z = inverse_normal_cdf(0.5 + params.level / 2.0);
        let media = plan.weekly_media();
        let mut out = Vec::with_capacity(weeks);
        for (h, b) in base.iter().enumerate() {
            let revenue = b.baseline + b.trend + b.seasonality + b.controls + media[h];
            out.push(ForecastWeek {
                date: b.date,
                baseline: b.baseline,
                trend: b.trend,
                seasonality: b.seasonality,
                controls: b.controls,
                media: media[h],
                revenue,
                lower: revenue - z * noise_sd,
                upper: revenue + z * noise_sd,
            });
        }
        let total_revenue: f64 = out.iter().map(|w| w.revenue).sum();
        let half = z * noise_sd * (weeks as f64).sqrt();
        Ok(Self {
            weeks: out,
            level: params.level,
            noise_sd,
            controls: params.controls,
            total_revenue,
            total_lower: total_revenue - half,
            total_upper: total_revenue + half,
        })
    }
}
