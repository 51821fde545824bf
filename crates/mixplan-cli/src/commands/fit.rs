//! `mixplan fit DATA.csv [--date COL] [--target COL] [--channels a,b] [--controls c,d] [--holdout 0.2]`
//!
//! Fits the marketing-mix model (hyper-parameter search included) and prints JSON:
//! `channels[]` (`name, decay, half_saturation, shape, coefficient, contribution,
//! contribution_share, roi, marginal_roi`), `metrics` (`r2_train, r2_test, mape_test,
//! rmse_test, nrmse_test`), `baseline` (the seed baseline's `r2_train, r2_test`), `quality`
//! (the data-quality report of `mixplan_core::data::quality`: `weeks`, `channels` and
//! `findings[]`, each with `severity`, `kind`, its facts and a `message`) and `fit_ms`.
//! Each finding is also written to stderr as `quality SEVERITY: MESSAGE`.

use super::CommandResult;
use super::common::ModelArgs;
use super::output::print_json;
use mixplan_core::data::quality::QualityReport;
use mixplan_core::model::FittedModel;
use serde::Serialize;

/// Arguments of `mixplan fit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Serialize)]
struct ChannelOut<'a> {
    name: &'a str,
    decay: f64,
    half_saturation: f64,
    shape: f64,
    coefficient: f64,
    contribution: f64,
    contribution_share: f64,
    roi: f64,
    marginal_roi: f64,
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
    quality: &'a QualityReport,
    fit_ms: f64,
}

fn output<'a>(model: &'a FittedModel, quality: &'a QualityReport, fit_ms: f64) -> FitOut<'a> {
    let m = model.metrics();
    let b = model.baseline_metrics();
    FitOut {
        channels: model
            .channels()
            .iter()
            .map(|c| ChannelOut {
                name: &c.name,
                decay: c.decay,
                half_saturation: c.half_saturation,
                shape: c.shape,
                coefficient: c.coefficient,
                contribution: c.contribution,
                contribution_share: c.contribution_share,
                roi: c.roi,
                marginal_roi: c.marginal_roi,
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
        quality,
        fit_ms,
    }
}

/// Runs `mixplan fit`.
pub fn run(args: Args) -> CommandResult {
    let fit = args.model.fit()?;
    for finding in &fit.quality.findings {
        eprintln!("quality {}: {}", finding.severity, finding.message);
    }
    print_json(&output(&fit.model, &fit.quality, fit.fit_ms))?;
    Ok(())
}
