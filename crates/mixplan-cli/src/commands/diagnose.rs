//! `mixplan diagnose DATA.csv [--lags N] [--alpha A]` (and the data arguments of `fit`)
//!
//! Fits the model as `mixplan fit` does, then prints [`mixplan_core::diagnose::Diagnosis`] as
//! JSON: `residuals`, `acf` with `acf_bound`, `ljung_box`, `jarque_bera`, `breusch_pagan`
//! (`statistic`, `degrees_of_freedom`, `p_value`), `collinearity[]` (`name`, `r_squared`,
//! `vif`), `stability` (ROI per channel on rolling windows) and `verdicts[]` (`check`,
//! `passed`, `message`: plain language).

use super::CommandResult;
use super::common::ModelArgs;
use super::output::print_json;
use crate::error::CliError;
use mixplan_core::diagnose::{DiagnosisParams, diagnose};

/// Arguments of `mixplan diagnose`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    /// Lags of the autocorrelation function and the Ljung–Box test (default min(10, weeks/5)).
    #[arg(long, value_name = "N")]
    lags: Option<usize>,
    /// Significance level of the tests.
    #[arg(long, default_value_t = 0.05, value_name = "A", value_parser = parse_alpha)]
    alpha: f64,
}

/// A significance level: a number strictly between 0 and 1.
fn parse_alpha(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(alpha) if alpha > 0.0 && alpha < 1.0 => Ok(alpha),
        _ => Err(format!(
            "'{text}' is not a significance level; give a number strictly between 0 and 1, e.g. 0.05"
        )),
    }
}

/// Runs `mixplan diagnose`.
pub fn run(args: Args) -> CommandResult {
    let fit = args.model.fit()?;
    let settings = DiagnosisParams {
        lags: args.lags,
        alpha: args.alpha,
        ..DiagnosisParams::default()
    };
    let diagnosis = diagnose(&fit.data, &fit.model, &fit.params, &settings).map_err(|source| {
        CliError::Diagnose {
            path: args.model.data.path.clone(),
            source: source.into(),
        }
    })?;
    print_json(&diagnosis)?;
    Ok(())
}
