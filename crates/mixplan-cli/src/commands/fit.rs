//! `mixplan fit DATA.csv [--date COL] [--target COL] [--channels a,b] [--controls c,d] [--holdout 0.2]
//! [--lift-tests FILE.csv] [--draws N] [--warmup N] [--chains N] [--posterior-seed N] [--no-posterior]
//! [--carryover geometric|weibull-cdf|weibull-pdf]`
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

use super::CommandResult;
use super::common::ModelArgs;
use super::output::print_json;
use super::posterior_args::{ConvergenceOut, PosteriorArgs, Sampled};
use crate::error::CliError;
use mixplan_core::data::quality::QualityReport;
use mixplan_core::model::FittedModel;
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
        channels: model
            .channels()
            .iter()
            .zip(intervals)
            .map(|(c, (roi_interval, contribution_interval))| ChannelOut {
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
                roi_interval,
                contribution_interval,
            })
            .collect(),
        metrics: MetricsOut {
            r2_train: m.r2_train,
            r2_test: m.r2_test,
            mape_test: m.mape_test,
            rmse_test: m.rmse_test,
            nrmse_test: m.nrmse_test,
        },
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

/// Runs `mixplan fit`.
pub fn run(args: Args) -> CommandResult {
    // Read the lift tests before the fit, so a bad file fails fast.
    args.posterior.lift_tests()?;
    let fit = args.model.fit_with_carryover(args.carryover)?;
    for finding in &fit.quality.findings {
        eprintln!("quality {}: {}", finding.severity, finding.message);
    }
    if let Some(level) = fit.model.negative_baseline() {
        eprintln!(
            "warning: the model's baseline without media is below zero ({level:.0} a week over the last 52 weeks): it credits media with more than all of the revenue; its ROIs are likely overstated (lift tests or --roi-prior would correct them)"
        );
    }
    let sampled = args.posterior.sample(&fit.data, &fit.model)?;
    print_json(&output(&fit.model, &fit.quality, fit.fit_ms, sampled)?)?;
    Ok(())
}
