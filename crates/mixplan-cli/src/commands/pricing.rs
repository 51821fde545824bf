//! `mixplan pricing DATA.csv [--price COLUMN] [--promotion COLUMN] [--price-change PCT]
//! [--promotion-depth D] [--form additive|multiplicative|auto] [--no-posterior]` (and the data
//! and posterior arguments of `fit`)
//!
//! Fits the model as `mixplan fit` does, samples its posterior (unless `--no-posterior`),
//! then prints [`mixplan_core::pricing::PricingReport`] as JSON (`form`; `elasticity`:
//! `log_log`, `revenue_at_means`, `model_implied`, `model_implied_posterior`; `promotion`:
//! `coefficient`, `log_coefficient`, `mean_depth`, `lift`, `base_revenue`, `lift_share`,
//! `lift_posterior`; each interval as `estimate`, `lower`, `upper`, `level`) with
//! `sensitivity` (weekly revenue change for a price change of ±`--price-change` % and for a
//! promotion at `--promotion-depth`) and the posterior's `convergence`.
//!
//! `--form` chooses the model form as `mixplan fit --form` does (`additive` by default;
//! `auto` adds `form_comparison`). In the multiplicative form the media's revenue is
//! `y_t·(1 − exp(−G_t))`, the promotion is read as a lift of ln revenue
//! (`promotion.log_coefficient`), and the sensitivities scale the mean weekly revenue (price)
//! or the promotion weeks' revenue without the promotion (promotion), media included.
//! Method: `docs/pricing.md`.

use super::CommandResult;
use super::common::ModelArgs;
use super::fit::{FormChoice, FormComparisonOut, choose_form};
use super::output::print_json;
use super::posterior_args::{ConvergenceOut, PosteriorArgs};
use crate::error::CliError;
use mixplan_core::model::ModelForm;
use mixplan_core::pricing::{
    Interval, PricingParams, PricingReport, estimate_pricing, estimate_pricing_multiplicative,
};
use mixplan_core::transform::CarryoverForm;
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
    /// Model form: additive (default; each channel adds revenue), multiplicative (a model of
    /// ln revenue: channels, price and promotion multiply it) or auto (chosen by a
    /// rolling-origin evaluation inside the training weeks).
    #[arg(long, default_value = "additive", value_enum, value_name = "FORM")]
    form: FormChoice,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    form_comparison: Option<FormComparisonOut>,
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
    let (data, quality) = args.model.data.load_assessed()?;
    let params = PricingParams {
        price: args.price.clone(),
        promotion: args.promotion.clone(),
        ..PricingParams::default()
    }
    .check(&data)
    .map_err(pricing_error)?;
    let (form, comparison) = choose_form(&args.model, &data, CarryoverForm::Geometric, args.form)?;
    let (report, convergence) = match form {
        ModelForm::Additive => {
            let fit = args
                .model
                .fit_loaded(data, quality, CarryoverForm::Geometric)?;
            let sampled = args.posterior.sample(&fit.data, &fit.model)?;
            let report = estimate_pricing(
                &fit.data,
                &fit.model,
                sampled.as_ref().map(|s| &s.posterior),
                &params,
            )
            .map_err(pricing_error)?;
            (report, sampled.map(|s| s.convergence))
        }
        ModelForm::Multiplicative => {
            let (model, _) = args
                .model
                .fit_multiplicative(&data, CarryoverForm::Geometric)?;
            let sampled = args.posterior.sample_multiplicative(&data, &model)?;
            let report = estimate_pricing_multiplicative(
                &data,
                &model,
                sampled.as_ref().map(|(posterior, _)| posterior),
                &params,
            )
            .map_err(pricing_error)?;
            (report, sampled.map(|(_, convergence)| convergence))
        }
    };
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
        form_comparison: comparison.as_ref().map(FormComparisonOut::from),
        sensitivity,
        convergence,
    })?;
    Ok(())
}
