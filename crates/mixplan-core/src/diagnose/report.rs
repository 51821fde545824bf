//! [`diagnose`]: every check on a fitted model, each with a plain-language verdict.

use super::collinearity::{VarianceInflation, variance_inflation};
use super::error::DiagnoseError;
use super::residuals::{ChiSquaredTest, autocorrelation, breusch_pagan, jarque_bera, ljung_box};
use super::stability::{RoiStability, RollingWindows, model_roi_stability};
use crate::data::{Series, WeeklyData};
use crate::model::multiplicative::log_target;
use crate::model::{FittedModel, ModelForm, ModelParams, PlanningModel, ValidParams};
use crate::transform::{GeometricAdstock, Hill};
use serde::{Deserialize, Serialize};

/// Settings of [`diagnose`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosisParams {
    /// Lags of the autocorrelation function and the Ljung–Box test; `None` picks
    /// `min(10, ⌊n/5⌋)` (a common rule for weekly series).
    pub lags: Option<usize>,
    /// Significance level of the tests.
    pub alpha: f64,
    /// VIF above which a channel is called poorly identified.
    pub vif_threshold: f64,
    /// Relative ROI spread across windows above which a channel is called unstable.
    pub spread_threshold: f64,
    /// Rolling windows; `None` picks [`RollingWindows::for_weeks`].
    pub windows: Option<RollingWindows>,
    /// Whether to run the model-form check (12 more fits: [`ValidParams::compare_forms`]).
    #[serde(default = "compare_forms_default")]
    pub compare_forms: bool,
}

/// The default of [`DiagnosisParams::compare_forms`] (also for settings serialised before it
/// existed).
const fn compare_forms_default() -> bool {
    true
}

/// The form check fails when the multiplicative form's rolling-origin RMSE is lower than the
/// additive form's by more than this share: a clear difference, not a few per cent either
/// way (`docs/diagnostics.md` gives the measured margins).
pub const FORM_MARGIN: f64 = 0.05;

impl Default for DiagnosisParams {
    /// 10 lags at most, α = 0.05, VIF 10, spread 0.5 (the ROI moves by half its median).
    fn default() -> Self {
        Self {
            lags: None,
            alpha: 0.05,
            vif_threshold: 10.0,
            spread_threshold: 0.5,
            windows: None,
            compare_forms: true,
        }
    }
}

/// One check's outcome in plain language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Which check (`autocorrelation`, `normality`, `heteroscedasticity`, `collinearity`,
    /// `stability`, `form`).
    pub check: String,
    /// Whether the model passes it.
    pub passed: bool,
    /// What was found and what it means for the plan.
    pub message: String,
}

/// Every diagnostic of a fitted model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// Residuals `y_t − ŷ_t` of the final model, every week.
    pub residuals: Vec<f64>,
    /// Residual autocorrelation at lags `1..=lags`.
    pub acf: Vec<f64>,
    /// `1.96/√n`: autocorrelations beyond ± this are significant at 5 % one lag at a time.
    pub acf_bound: f64,
    /// Ljung–Box test of no autocorrelation up to `acf.len()` lags.
    pub ljung_box: ChiSquaredTest,
    /// Jarque–Bera test of normal residuals.
    pub jarque_bera: ChiSquaredTest,
    /// Breusch–Pagan (Koenker) test of constant variance against the fitted values.
    pub breusch_pagan: ChiSquaredTest,
    /// VIF of every channel's media feature (adstocked, saturated spend, as the regression
    /// sees it).
    pub collinearity: Vec<VarianceInflation>,
    /// ROI per channel on rolling windows; `None` when the data are too short.
    pub stability: Option<RoiStability>,
    /// One verdict per check, in the order above.
    pub verdicts: Vec<Verdict>,
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

/// Each channel's media feature `hill(adstock(x))` with the fitted carryover (geometric
/// `θ`, or the chosen Weibull kernel) and saturation `K, s`.
fn media_features(data: &WeeklyData, model: &FittedModel) -> Result<Vec<Series>, DiagnoseError> {
    data.channels()
        .iter()
        .zip(model.channels())
        .map(|(series, fitted)| {
            let adstock = match &fitted.weibull {
                Some(weibull) => weibull.kernel()?.apply(&series.values)?,
                None => GeometricAdstock::new(fitted.decay)?.apply(&series.values)?,
            };
            let hill = Hill::new(fitted.half_saturation, fitted.shape)?;
            Ok(Series {
                name: series.name.clone(),
                values: adstock.iter().map(|&a| hill.value(a)).collect(),
            })
        })
        .collect::<Result<_, crate::transform::TransformError>>()
        .map_err(|e| DiagnoseError::Setting(format!("media features: {e}")))
}

/// Runs every check on `model`, fitted on `data` with `params`: residual autocorrelation
/// (ACF, Ljung–Box), normality (Jarque–Bera), heteroscedasticity (Breusch–Pagan against the
/// fitted values), collinearity between channels (VIF) and ROI stability on rolling windows
/// (refits with the model's hyper-parameters fixed, its own carryover kernels included). The rolling refits cost one linear fit
/// per window (about six).
///
/// # Errors
/// [`DiagnoseError::Length`] when `model` was not fitted on `data`; the tests' errors
/// (too few weeks, constant residuals). A failing rolling refit does not fail the diagnosis:
/// it becomes the stability verdict.
pub fn diagnose(
    data: &WeeklyData,
    model: &FittedModel,
    params: &ModelParams,
    settings: &DiagnosisParams,
) -> Result<Diagnosis, DiagnoseError> {
    let mut diagnosis = diagnose_linear(data, model, params, settings, 1.0)?;
    if settings.compare_forms {
        diagnosis
            .verdicts
            .push(form_verdict(data, params, ModelForm::Additive));
    }
    Ok(diagnosis)
}

/// [`diagnose`] for a model in either form. The multiplicative model's checks run on its
/// model of `ln y` against `ln y` (its residuals, collinearity of its media features and the
/// stability of its ROIs across windows, stated in revenue to first order: each window's
/// `Σg/Σx` times the mean weekly revenue of the data, as the posterior states its ROI); its
/// form check asks whether the **additive** form forecasts clearly better.
///
/// # Errors
/// As [`diagnose`]; [`DiagnoseError::Setting`] when a week's revenue is not above zero (the
/// multiplicative model could not have been fitted to such data).
pub fn diagnose_planning(
    data: &WeeklyData,
    model: &PlanningModel,
    params: &ModelParams,
    settings: &DiagnosisParams,
) -> Result<Diagnosis, DiagnoseError> {
    let PlanningModel::Multiplicative(model) = model else {
        return diagnose(data, model.linear_model(), params, settings);
    };
    let logged = log_target(data).map_err(|e| DiagnoseError::Setting(e.to_string()))?;
    let revenue_level = data.target().iter().sum::<f64>() / data.len().max(1) as f64;
    let mut diagnosis =
        diagnose_linear(&logged, model.log_model(), params, settings, revenue_level)?;
    if settings.compare_forms {
        diagnosis
            .verdicts
            .push(form_verdict(data, params, ModelForm::Multiplicative));
    }
    Ok(diagnosis)
}

/// Every check but the form check, on a model fitted to `data` (its ROIs reported times
/// `roi_unit`).
fn diagnose_linear(
    data: &WeeklyData,
    model: &FittedModel,
    params: &ModelParams,
    settings: &DiagnosisParams,
    roi_unit: f64,
) -> Result<Diagnosis, DiagnoseError> {
    let n = data.len();
    if model.actual().len() != n || model.channels().len() != data.channels().len() {
        return Err(DiagnoseError::Length {
            what: "the fitted model's weeks".into(),
            expected: n,
            found: model.actual().len(),
        });
    }
    let residuals: Vec<f64> = model
        .actual()
        .iter()
        .zip(model.fitted())
        .map(|(y, f)| y - f)
        .collect();
    let lags = settings.lags.unwrap_or((n / 5).clamp(1, 10));
    let acf = autocorrelation(&residuals, lags)?;
    let acf_bound = 1.96 / (n as f64).sqrt();
    let ljung_box = ljung_box(&residuals, lags, 0)?;
    let jarque_bera = jarque_bera(&residuals)?;
    let breusch_pagan = breusch_pagan(&residuals, &[model.fitted().to_vec()])?;
    let collinearity = variance_inflation(&media_features(data, model)?);
    let alpha = settings.alpha;
    let mut verdicts = Vec::new();

    let target = data.target_name();
    verdicts.push(test_verdict(
        "autocorrelation",
        &ljung_box,
        alpha,
        |q, p| format!(
            "The residuals are autocorrelated (Ljung–Box Q = {q:.1} over {lags} lags, {p}): the model misses some week-to-week structure — a holiday, a level shift or a longer carryover — so its intervals are too narrow."
        ),
        |p| format!("No sign of autocorrelation left in the residuals (Ljung–Box over {lags} lags, {p})."),
    ));
    verdicts.push(test_verdict(
        "normality",
        &jarque_bera,
        alpha,
        |jb, p| format!(
            "The residuals are not normally distributed (Jarque–Bera = {jb:.1}, {p}): usually a few outlier weeks (promotions, outages, data errors) — check them in the data; intervals that assume normal noise are less reliable."
        ),
        |p| format!("The residuals are consistent with normal noise (Jarque–Bera {p})."),
    ));
    verdicts.push(test_verdict(
        "heteroscedasticity",
        &breusch_pagan,
        alpha,
        |_, p| format!(
            "The size of the errors changes with the level of {target} (Breusch–Pagan {p}): the model is less precise in big weeks than its intervals say."
        ),
        |p| format!("The size of the errors does not change with the level of {target} (Breusch–Pagan {p})."),
    ));

    let flagged: Vec<String> = collinearity
        .iter()
        .filter(|v| v.vif.is_none_or(|vif| vif > settings.vif_threshold))
        .map(|v| match v.vif {
            Some(vif) => format!("{} (VIF {vif:.1})", v.name),
            None => format!("{} (no independent variation)", v.name),
        })
        .collect();
    let largest = collinearity
        .iter()
        .filter_map(|v| v.vif.map(|vif| (vif, v.name.as_str())))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    verdicts.push(Verdict {
        check: "collinearity".into(),
        passed: flagged.is_empty(),
        message: if flagged.is_empty() {
            match largest {
                Some((vif, name)) => format!(
                    "No strong overlap between channels (largest VIF {vif:.1}, {name}; above {:.0} a channel's effect cannot be told apart from the others).",
                    settings.vif_threshold
                ),
                None => "No channel overlaps the others.".into(),
            }
        } else {
            format!(
                "These channels move together, so the model cannot tell their effects apart well and their ROIs are uncertain: {}. Consider merging them, varying their spend independently, or running a lift test.",
                flagged.join(", ")
            )
        },
    });

    let windows = settings.windows.or_else(|| RollingWindows::for_weeks(n));
    let stability = match windows {
        None => {
            verdicts.push(Verdict {
                check: "stability".into(),
                passed: true,
                message: format!(
                    "Not checked: ROI stability needs more than {} weeks of data (there are {n}).",
                    super::stability::MIN_WINDOW_WEEKS
                ),
            });
            None
        }
        Some(windows) => match model_roi_stability(data, model, params, windows) {
            Ok(mut stability) => {
                if roi_unit != 1.0 {
                    for c in &mut stability.channels {
                        for roi in c.roi.iter_mut().flatten() {
                            *roi *= roi_unit;
                        }
                        c.range = (c.range.0 * roi_unit, c.range.1 * roi_unit);
                        c.median *= roi_unit;
                    }
                }
                let unstable: Vec<String> = stability
                    .channels
                    .iter()
                    .filter(|c| c.relative_spread > settings.spread_threshold)
                    .map(|c| format!("{} (ROI {:.2} to {:.2})", c.name, c.range.0, c.range.1))
                    .collect();
                verdicts.push(Verdict {
                    check: "stability".into(),
                    passed: unstable.is_empty(),
                    message: if unstable.is_empty() {
                        format!(
                            "Each channel's ROI varies by less than {:.0} % of its median (largest minus smallest) across {} windows of {} weeks.",
                            settings.spread_threshold * 100.0,
                            stability.periods.len(),
                            windows.length
                        )
                    } else {
                        format!(
                            "ROI depends on the period fitted across {} windows of {} weeks for: {}. Treat these channels' estimates with caution.",
                            stability.periods.len(),
                            windows.length,
                            unstable.join(", ")
                        )
                    },
                });
                Some(stability)
            }
            Err(error) => {
                verdicts.push(Verdict {
                    check: "stability".into(),
                    passed: false,
                    message: format!("ROI stability could not be checked: {error}."),
                });
                None
            }
        },
    };

    Ok(Diagnosis {
        residuals,
        acf,
        acf_bound,
        ljung_box,
        jarque_bera,
        breusch_pagan,
        collinearity,
        stability,
        verdicts,
    })
}

/// The model-form check: the additive form against the multiplicative one by the
/// rolling-origin evaluation inside the training weeks ([`ValidParams::compare_forms`] with
/// the model's settings). Fails when the form not in use (`current` is the one in use)
/// forecasts better by more than [`FORM_MARGIN`]; "Not checked" (passed) when the comparison
/// cannot run.
fn form_verdict(data: &WeeklyData, params: &ModelParams, current: ModelForm) -> Verdict {
    let not_checked = |why: String| Verdict {
        check: "form".into(),
        passed: true,
        message: format!("Not checked: {why}."),
    };
    let comparison = params
        .clone()
        .check()
        .map_err(|e| e.to_string())
        .and_then(|p: ValidParams| {
            p.compare_forms(data, |_, _| {}).map_err(|e| {
                format!(
                    "the forms are compared by fitting the weeks before each of 6 points inside the training weeks, and the earliest of those windows cannot be fitted ({e})"
                )
            })
        });
    let comparison = match comparison {
        Ok(c) => c,
        Err(why) => return not_checked(why),
    };
    let (Some(additive), Some(multiplicative)) =
        (comparison.additive.rmse, comparison.multiplicative.rmse)
    else {
        return not_checked(
            "the multiplicative form needs the target above zero every week".into(),
        );
    };
    let target = data.target_name();
    let origins = comparison.origins.len();
    let block = comparison.block_weeks;
    if current == ModelForm::Multiplicative {
        let lower = 1.0 - additive / multiplicative;
        return Verdict {
            check: "form".into(),
            passed: lower <= FORM_MARGIN,
            message: if lower > FORM_MARGIN {
                format!(
                    "An additive model, where channels add to {target}, forecasts these data better than the multiplicative model in use: its error forecasting {block}-week blocks from {origins} points inside the training weeks is {:.0} % lower (RMSE {additive:.0} against {multiplicative:.0}). Choose “Additive” under Model form in the model panel.",
                    100.0 * lower
                )
            } else {
                format!(
                    "The multiplicative form in use forecasts {} the additive one (RMSE {multiplicative:.0} against {additive:.0}, {block}-week blocks from {origins} points inside the training weeks).",
                    if multiplicative <= additive {
                        "at least as well as"
                    } else {
                        "about as well as (within 5 %)"
                    }
                )
            },
        };
    }
    let lower = 1.0 - multiplicative / additive;
    if lower > FORM_MARGIN {
        Verdict {
            check: "form".into(),
            passed: false,
            message: format!(
                "A multiplicative model, where channels multiply {target} instead of adding to it, forecasts these data better: its error forecasting {block}-week blocks from {origins} points inside the training weeks is {:.0} % lower (RMSE {multiplicative:.0} against {additive:.0}). The additive curves the page plans with may misstate how channels combine and what a large change earns: choose “Multiplicative” under Model form in the model panel to plan with that form (on the command line: `mixplan fit --form auto`, `mixplan optimize --form auto`).",
                100.0 * lower
            ),
        }
    } else {
        Verdict {
            check: "form".into(),
            passed: true,
            message: if multiplicative < additive {
                format!(
                    "A multiplicative model, where channels multiply {target}, forecasts about as well ({:.0} % lower error, within {:.0} %: RMSE {multiplicative:.0} against {additive:.0}, {block}-week blocks from {origins} points inside the training weeks), so the additive form is a fair description.",
                    100.0 * lower,
                    100.0 * FORM_MARGIN
                )
            } else {
                format!(
                    "The additive form forecasts at least as well as a multiplicative one (RMSE {additive:.0} against {multiplicative:.0}, {block}-week blocks from {origins} points inside the training weeks)."
                )
            },
        }
    }
}

/// The verdict of one χ² test at level `alpha`: `failed(statistic, p-value text)` when the test
/// rejects its null hypothesis, `passed(p-value text)` otherwise.
fn test_verdict(
    check: &str,
    test: &ChiSquaredTest,
    alpha: f64,
    failed: impl FnOnce(f64, String) -> String,
    passed: impl FnOnce(String) -> String,
) -> Verdict {
    let rejected = test.rejects(alpha);
    let p = p_text(test.p_value);
    Verdict {
        check: check.into(),
        passed: !rejected,
        message: if rejected {
            failed(test.statistic, p)
        } else {
            passed(p)
        },
    }
}
