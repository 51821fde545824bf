//! `mixplan pricing DATA.csv [--price COLUMN] [--promotion COLUMN] [--price-change PCT]
//! [--promotion-depth D] [--no-posterior]` (and the data and posterior arguments of `fit`)
//!
//! Fits the model as `mixplan fit` does, samples its posterior (unless `--no-posterior`),
//! then prints [`mixplan_core::pricing::PricingReport`] as JSON (`elasticity`: `log_log`,
//! `revenue_at_means`, `model_implied`, `model_implied_posterior`; `promotion`: `coefficient`,
//! `mean_depth`, `lift`, `base_revenue`, `lift_share`, `lift_posterior`; each interval as `estimate`, `lower`,
//! `upper`, `level`) with `sensitivity` (weekly revenue change for a price change of
//! ±`--price-change` % and for a promotion at `--promotion-depth`) and the posterior's
//! `convergence`. Method: `docs/pricing.md`.

use super::CommandResult;
use super::common::ModelArgs;
use super::output::print_json;
use super::posterior_args::{ConvergenceOut, PosteriorArgs};
use crate::error::CliError;
use mixplan_core::pricing::{Interval, PricingParams, PricingReport, estimate_pricing};
use serde::Serialize;

/// Arguments of `mixplan pricing`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    posterior: PosteriorArgs,
    /// The control column holding the price index.
    #[arg(long, default_value = "price_index", value_name = "COLUMN")]
    price: String,
    /// The control column holding the promotion depth (0 in weeks without promotion).
    #[arg(long, default_value = "promotion", value_name = "COLUMN")]
    promotion: String,
    /// Price change of the sensitivity, in percent (evaluated up and down).
    #[arg(long, default_value_t = 5.0, value_name = "PCT", value_parser = parse_percent)]
    price_change: f64,
    /// Promotion depth of the sensitivity (default: the mean depth of the promotion weeks).
    #[arg(long, value_name = "D")]
    promotion_depth: Option<f64>,
}

/// A price change in percent: finite, in [0, 100).
fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(pct) if (0.0..100.0).contains(&pct) => Ok(pct),
        _ => Err(format!(
            "'{text}' is not a price change in percent; give a number from 0 to below 100, e.g. 5"
        )),
    }
}

/// One sensitivity scenario.
#[derive(Debug, Serialize)]
struct Scenario {
    /// The price change (fraction) or promotion depth of the scenario.
    setting: f64,
    /// Change in weekly revenue, currency, with its interval.
    revenue_change: Interval,
}

/// The sensitivity block of the output.
#[derive(Debug, Serialize)]
struct Sensitivity {
    price_up: Scenario,
    price_down: Scenario,
    promotion_on: Scenario,
}

/// The whole output.
#[derive(Debug, Serialize)]
struct Output {
    #[serde(flatten)]
    report: PricingReport,
    sensitivity: Sensitivity,
    #[serde(skip_serializing_if = "Option::is_none")]
    convergence: Option<ConvergenceOut>,
}

/// Runs `mixplan pricing`.
pub fn run(args: Args) -> CommandResult {
    let path = args.model.data.path.clone();
    let pricing_error = |source: mixplan_core::pricing::PricingError| CliError::Pricing {
        path: path.clone(),
        source: source.into(),
    };
    let fit = args.model.fit()?;
    let params = PricingParams {
        price: args.price.clone(),
        promotion: args.promotion.clone(),
        ..PricingParams::default()
    }
    .check(&fit.data)
    .map_err(pricing_error)?;
    let sampled = args.posterior.sample(&fit.data, &fit.model)?;
    let report = estimate_pricing(
        &fit.data,
        &fit.model,
        sampled.as_ref().map(|s| &s.posterior),
        &params,
    )
    .map_err(pricing_error)?;
    let change = args.price_change / 100.0;
    let depth = args.promotion_depth.unwrap_or(report.promotion.mean_depth);
    let sensitivity = Sensitivity {
        price_up: Scenario {
            setting: change,
            revenue_change: report.price_change(change).map_err(pricing_error)?,
        },
        price_down: Scenario {
            setting: -change,
            revenue_change: report.price_change(-change).map_err(pricing_error)?,
        },
        promotion_on: Scenario {
            setting: depth,
            revenue_change: report.promotion_effect(depth).map_err(pricing_error)?,
        },
    };
    print_json(&Output {
        report,
        sensitivity,
        convergence: sampled.map(|s| s.convergence),
    })?;
    Ok(())
}
