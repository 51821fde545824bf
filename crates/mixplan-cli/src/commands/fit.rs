//! `mixplan fit DATA.csv [--date COL] [--target COL] [--channels a,b] [--controls c,d] [--holdout 0.2]
//! [--lift-tests FILE.csv] [--draws N] [--warmup N] [--chains N] [--posterior-seed N] [--no-posterior]
//! [--carryover geometric|weibull-cdf|weibull-pdf] [--form additive|multiplicative|auto]`
//!
//! Fits the marketing-mix model (hyper-parameter search included), then samples its
//! posterior (NUTS, `docs/posterior.md`; calibrated by the lift tests if given), and prints
//! JSON: `channels[]` (`name, decay, half_saturation, shape, coefficient, contribution,
//! contribution_share, roi, marginal_roi`, and from the posterior `roi_interval` and
//! `contribution_interval`, 90 % equal-tailed `[low, high]`, the contribution summed over all
//! weeks), `metrics` (`r2_train, r2_test, mape_test, rmse_test, nrmse_test`), `baseline` (the
//! seed baseline's `r2_train, r2_test`), `quality` (the data-quality report of
//! `mixplan_core::data::quality`: `weeks`, `channels` and `findings[]`, each with `severity`,
//! `kind`, its facts and a `message`), `fit_ms`, and `convergence` (`converged, max_r_hat,
//! min_bulk_ess, divergences, draws, chains`, the thresholds, `lift_tests`).
//! With `--no-posterior` the interval fields and `convergence` are left out. Each quality
//! finding is also written to stderr as `quality SEVERITY: MESSAGE`.
//!
//! `--carryover` chooses the carryover form (`mixplan_core::transform::CarryoverForm`,
//! geometric by default). Every channel reports its `carryover`; with a Weibull form the
//! search picks each channel's kernel from the `(k, λ)` grid and reports `weibull_shape`,
//! `weibull_scale` (weeks) and `weibull_window` (weeks) instead of `decay`. The posterior
//! samples the carryover of the chosen form (the decay, or each channel's Weibull shape and
//! scale, starting from the point fit's kernel; `docs/posterior.md`), so every form reports
//! the intervals and `convergence`, and takes `--lift-tests`.
//!
//! `--form` chooses the model form (`mixplan_core::model::form`, `docs/model.md`): `additive`
//! (the default: each channel adds revenue), `multiplicative` (a model of ln revenue: channels
//! and base multiply; each channel's `coefficient` is then its lift of ln revenue at
//! saturation, its `contribution` what revenue loses without it, `planning_baseline` the
//! revenue without media, always above zero), or `auto` (the rolling-origin evaluation inside
//! the training weeks chooses, never the holdout). The output says which `form` was fitted;
//! with `auto` it adds `form_comparison` (`training_weeks, origins, block_weeks,
//! additive_rmse, multiplicative_rmse, chosen`). The multiplicative form needs revenue above
//! zero every week; with `auto` a file that has a week at or below zero stays additive.

use super::CommandResult;
use super::common::ModelArgs;
use super::output::print_json;
use super::posterior_args::{ConvergenceOut, PosteriorArgs, Sampled};
use crate::error::CliError;
use mixplan_core::data::WeeklyData;
use mixplan_core::data::quality::QualityReport;
use mixplan_core::model::form::MIN_BLOCK_WEEKS;
use mixplan_core::model::{
    FitError, FittedChannel, FittedModel, FormComparison, Metrics, ModelForm, MultiplicativeModel,
    MultiplicativePosterior,
};
use mixplan_core::transform::CarryoverForm;
use serde::Serialize;

/// Level of the intervals printed.
pub const INTERVAL_LEVEL: f64 = 0.9;

/// Arguments of `mixplan fit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    posterior: PosteriorArgs,
    /// Carryover form: geometric (default), weibull-cdf or weibull-pdf (the point fit
    /// searches a grid of Weibull shapes and scales; the posterior samples them).
    #[arg(long, default_value = "geometric", value_parser = parse_carryover, value_name = "FORM")]
    carryover: CarryoverForm,
    /// Model form: additive (default; each channel adds revenue), multiplicative (a model of
    /// ln revenue: channels multiply it) or auto (chosen by a rolling-origin evaluation inside
    /// the training weeks).
    #[arg(long, default_value = "additive", value_enum, value_name = "FORM")]
    form: FormChoice,
}

/// `--form` (`fit` and `optimize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FormChoice {
    /// Each channel adds revenue.
    Additive,
    /// A model of ln revenue: channels multiply it.
    Multiplicative,
    /// Chosen by the rolling-origin evaluation inside the training weeks.
    Auto,
}

impl FormChoice {
    /// The flag as typed, for messages.
    pub(crate) fn flag(self) -> &'static str {
        match self {
            FormChoice::Additive => "--form additive",
            FormChoice::Multiplicative => "--form multiplicative",
            FormChoice::Auto => "--form auto",
        }
    }
}

/// The form to fit for `--form`, and with `auto` the comparison that chose it (`auto` on data
/// too short to compare the forms fits the additive form, with a note on stderr).
///
/// # Errors
/// The data's and the settings' errors; a fit error of the additive form's evaluation.
pub(crate) fn choose_form(
    model: &ModelArgs,
    data: &WeeklyData,
    carryover: CarryoverForm,
    choice: FormChoice,
) -> Result<(ModelForm, Option<FormComparison>), CliError> {
    match choice {
        FormChoice::Additive => Ok((ModelForm::Additive, None)),
        FormChoice::Multiplicative => Ok((ModelForm::Multiplicative, None)),
        FormChoice::Auto => {
            let (_, params) = model.params(carryover)?;
            match params.compare_forms(data, |_, _| {}) {
                Ok(comparison) => Ok((comparison.chosen, Some(comparison))),
                // Too short to compare: the additive form, saying so (the fit itself may
                // still have enough weeks; if not, it says why).
                Err(FitError::TooFewWeeks { weeks, .. }) => {
                    eprintln!(
                        "note: --form auto: {weeks} weeks are too few to compare the forms (six forecast blocks of at least {MIN_BLOCK_WEEKS} weeks inside the training weeks); fitting the additive form"
                    );
                    Ok((ModelForm::Additive, None))
                }
                Err(source) => Err(model.fit_error(source)),
            }
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct FormComparisonOut {
    training_weeks: usize,
    origins: Vec<usize>,
    block_weeks: usize,
    additive_rmse: Option<f64>,
    multiplicative_rmse: Option<f64>,
    chosen: ModelForm,
}

impl From<&FormComparison> for FormComparisonOut {
    fn from(c: &FormComparison) -> Self {
        Self {
            training_weeks: c.training_weeks,
            origins: c.origins.clone(),
            block_weeks: c.block_weeks,
            additive_rmse: c.additive.rmse,
            multiplicative_rmse: c.multiplicative.rmse,
            chosen: c.chosen,
        }
    }
}

/// Parses `--carryover` (`fit` and `optimize`).
pub(crate) fn parse_carryover(text: &str) -> Result<CarryoverForm, String> {
    text.parse()
        .map_err(|e: mixplan_core::transform::TransformError| e.to_string())
}

#[derive(Serialize)]
struct ChannelOut<'a> {
    name: &'a str,
    carryover: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    decay: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weibull_shape: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weibull_scale: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weibull_window: Option<usize>,
    half_saturation: f64,
    shape: f64,
    coefficient: f64,
    contribution: f64,
    contribution_share: f64,
    roi: f64,
    marginal_roi: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    roi_interval: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contribution_interval: Option<(f64, f64)>,
}

impl<'a> ChannelOut<'a> {
    /// The channel's carryover and saturation (of the model of `ln y` in the multiplicative
    /// form), its coefficient, and its additive figures (replaced in the multiplicative form).
    fn of(c: &'a FittedChannel) -> Self {
        ChannelOut {
            name: &c.name,
            carryover: c
                .weibull
                .map_or(CarryoverForm::Geometric, |w| w.carryover_form())
                .name(),
            decay: c.weibull.is_none().then_some(c.decay),
            weibull_shape: c.weibull.map(|w| w.shape),
            weibull_scale: c.weibull.map(|w| w.scale),
            weibull_window: c.weibull.map(|w| w.window),
            half_saturation: c.half_saturation,
            shape: c.shape,
            coefficient: c.coefficient,
            contribution: c.contribution,
            contribution_share: c.contribution_share,
            roi: c.roi,
            marginal_roi: c.marginal_roi,
            roi_interval: None,
            contribution_interval: None,
        }
    }
}

impl MetricsOut {
    fn of(m: &Metrics) -> Self {
        Self {
            r2_train: m.r2_train,
            r2_test: m.r2_test,
            mape_test: m.mape_test,
            rmse_test: m.rmse_test,
            nrmse_test: m.nrmse_test,
        }
    }
}

#[derive(Serialize)]
struct MetricsOut {
    r2_train: f64,
    r2_test: f64,
    mape_test: f64,
    rmse_test: f64,
    nrmse_test: f64,
}

#[derive(Serialize)]
struct BaselineOut {
    r2_train: f64,
    r2_test: f64,
}

#[derive(Serialize)]
struct FitOut<'a> {
    /// `additive` or `multiplicative`.
    form: ModelForm,
    #[serde(skip_serializing_if = "Option::is_none")]
    form_comparison: Option<FormComparisonOut>,
    channels: Vec<ChannelOut<'a>>,
    metrics: MetricsOut,
    baseline: BaselineOut,
    /// The mean non-media weekly revenue over the last 52 weeks (what plans add media to);
    /// below zero, the model credits media with more than all of the revenue.
    planning_baseline: f64,
    quality: &'a QualityReport,
    fit_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    convergence: Option<ConvergenceOut>,
}

fn output<'a>(
    model: &'a FittedModel,
    quality: &'a QualityReport,
    fit_ms: f64,
    sampled: Option<Sampled>,
) -> Result<FitOut<'a>, CliError> {
    let m = model.metrics();
    let b = model.baseline_metrics();
    let interval_error = |e: mixplan_core::model::posterior::PosteriorError| CliError::Posterior {
        source: e.into(),
    };
    let mut intervals = Vec::with_capacity(model.channels().len());
    for c in 0..model.channels().len() {
        intervals.push(match &sampled {
            Some(s) => (
                Some(
                    s.posterior
                        .roi_interval(c, INTERVAL_LEVEL)
                        .map_err(interval_error)?,
                ),
                Some(
                    s.posterior
                        .contribution_interval(c, INTERVAL_LEVEL)
                        .map_err(interval_error)?,
                ),
            ),
            None => (None, None),
        });
    }
    Ok(FitOut {
        form: ModelForm::Additive,
        form_comparison: None,
        channels: model
            .channels()
            .iter()
            .zip(intervals)
            .map(|(c, (roi_interval, contribution_interval))| ChannelOut {
                contribution: c.contribution,
                contribution_share: c.contribution_share,
                roi: c.roi,
                marginal_roi: c.marginal_roi,
                roi_interval,
                contribution_interval,
                ..ChannelOut::of(c)
            })
            .collect(),
        metrics: MetricsOut::of(m),
        baseline: BaselineOut {
            r2_train: b.r2_train,
            r2_test: b.r2_test,
        },
        planning_baseline: model.baseline_level(),
        quality,
        fit_ms,
        convergence: sampled.map(|s| s.convergence),
    })
}

/// The output of a multiplicative fit: its channels in revenue terms, with the posterior's
/// intervals when sampled.
fn multiplicative_output<'a>(
    model: &'a MultiplicativeModel,
    quality: &'a QualityReport,
    fit_ms: f64,
    sampled: Option<(MultiplicativePosterior, ConvergenceOut)>,
) -> Result<FitOut<'a>, CliError> {
    let interval_error = |e: mixplan_core::model::posterior::PosteriorError| CliError::Posterior {
        source: e.into(),
    };
    let mut channels = Vec::with_capacity(model.channels().len());
    for (c, (revenue, log)) in model
        .channels()
        .iter()
        .zip(model.log_model().channels())
        .enumerate()
    {
        let (roi_interval, contribution_interval) = match &sampled {
            Some((posterior, _)) => (
                Some(
                    posterior
                        .roi_interval(c, INTERVAL_LEVEL)
                        .map_err(interval_error)?,
                ),
                Some(
                    posterior
                        .contribution_interval(c, INTERVAL_LEVEL)
                        .map_err(interval_error)?,
                ),
            ),
            None => (None, None),
        };
        channels.push(ChannelOut {
            coefficient: revenue.log_coefficient,
            contribution: revenue.contribution,
            contribution_share: revenue.contribution_share,
            roi: revenue.roi,
            marginal_roi: revenue.marginal_roi,
            roi_interval,
            contribution_interval,
            ..ChannelOut::of(log)
        });
    }
    let b = model.baseline_metrics();
    Ok(FitOut {
        form: ModelForm::Multiplicative,
        form_comparison: None,
        channels,
        metrics: MetricsOut::of(model.metrics()),
        baseline: BaselineOut {
            r2_train: b.r2_train,
            r2_test: b.r2_test,
        },
        planning_baseline: model.base_level(),
        quality,
        fit_ms,
        convergence: sampled.map(|(_, convergence)| convergence),
    })
}

/// Writes each data-quality finding to stderr as `quality SEVERITY: MESSAGE`.
fn print_findings(quality: &QualityReport) {
    for finding in &quality.findings {
        eprintln!("quality {}: {}", finding.severity, finding.message);
    }
}

/// Runs `mixplan fit`.
pub fn run(args: Args) -> CommandResult {
    // Read the lift tests before the fit, so a bad file fails fast.
    args.posterior.lift_tests()?;
    let (data, quality) = args.model.data.load_assessed()?;
    let (form, comparison) = choose_form(&args.model, &data, args.carryover, args.form)?;
    if form == ModelForm::Multiplicative {
        print_findings(&quality);
        let (model, fit_ms) = args.model.fit_multiplicative(&data, args.carryover)?;
        let sampled = args.posterior.sample_multiplicative(&data, &model)?;
        let mut out = multiplicative_output(&model, &quality, fit_ms, sampled)?;
        out.form_comparison = comparison.as_ref().map(FormComparisonOut::from);
        print_json(&out)?;
        return Ok(());
    }
    let fit = args.model.fit_loaded(data, quality, args.carryover)?;
    print_findings(&fit.quality);
    if let Some(level) = fit.model.negative_baseline() {
        eprintln!(
            "warning: the model's baseline without media is below zero ({level:.0} a week over the last 52 weeks): it credits media with more than all of the revenue; its ROIs are likely overstated (lift tests or --roi-prior would correct them)"
        );
    }
    let sampled = args.posterior.sample(&fit.data, &fit.model)?;
    let mut out = output(&fit.model, &fit.quality, fit.fit_ms, sampled)?;
    out.form_comparison = comparison.as_ref().map(FormComparisonOut::from);
    print_json(&out)?;
    Ok(())
}
