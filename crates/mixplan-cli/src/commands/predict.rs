//! `mixplan predict DATA.csv --spend ch=v,… [--holdout 0.2] [--seed 42]`
//!
//! Fits the model as `mixplan fit` does and prints the predicted steady-state weekly
//! revenue for a weekly spend per channel sustained over time, as JSON: `spend`,
//! `predicted_revenue` (baseline + media), `baseline`, `media_revenue`, and per channel
//! `contributions` and `marginal_roi`.

use super::CommandResult;
use super::common::{ChannelValue, ModelArgs, channel_names, parse_assignment, resolve};
use super::output::{Named, print_json};
use crate::error::CliError;
use serde::Serialize;

/// Arguments of `mixplan predict`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    /// Weekly spend per channel, every channel once: `paid_search=12000,email=3000,…`.
    #[arg(
        long,
        required = true,
        value_name = "CHANNEL=SPEND,…",
        value_delimiter = ',',
        value_parser = parse_assignment
    )]
    spend: Vec<ChannelValue>,
}

#[derive(Serialize)]
struct PredictOut<'a> {
    spend: Named<'a>,
    predicted_revenue: f64,
    baseline: f64,
    media_revenue: f64,
    contributions: Named<'a>,
    marginal_roi: Named<'a>,
}

/// The spend vector in model channel order; every channel exactly once.
fn spend_vector(names: &[String], given: &[ChannelValue]) -> Result<Vec<f64>, CliError> {
    let mut spend = vec![None; names.len()];
    for assignment in given {
        let c = resolve(names, &assignment.channel, "--spend")?;
        if spend[c].replace(assignment.value).is_some() {
            return Err(CliError::RepeatedChannel {
                flag: "--spend",
                channel: names[c].clone(),
            });
        }
    }
    let missing: Vec<String> = names
        .iter()
        .zip(&spend)
        .filter(|(_, s)| s.is_none())
        .map(|(n, _)| n.clone())
        .collect();
    if !missing.is_empty() {
        return Err(CliError::MissingSpend {
            missing,
            channels: names.to_vec(),
        });
    }
    Ok(spend.into_iter().map(|s| s.unwrap_or(0.0)).collect())
}

/// Runs `mixplan predict`.
pub fn run(args: Args) -> CommandResult {
    let model = args.model.fit()?.model;
    let names = channel_names(&model);
    let spend = spend_vector(&names, &args.spend)?;
    let prediction = model
        .predict_steady_state(&spend)
        .map_err(|source| CliError::Predict {
            what: "the --spend given",
            source: source.into(),
        })?;
    let out = PredictOut {
        spend: Named(&names, &spend),
        predicted_revenue: prediction.revenue,
        baseline: prediction.baseline,
        media_revenue: prediction.media,
        contributions: Named(&names, &prediction.contributions),
        marginal_roi: Named(&names, &prediction.marginal),
    };
    print_json(&out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["search".into(), "email".into()]
    }

    fn cv(channel: &str, value: f64) -> ChannelValue {
        ChannelValue {
            channel: channel.into(),
            value,
        }
    }

    #[test]
    fn spend_in_model_order() {
        let v = spend_vector(&names(), &[cv("email", 2.0), cv("search", 1.0)]).unwrap();
        assert_eq!(v, vec![1.0, 2.0]);
    }

    #[test]
    fn spend_errors_say_what_to_fix() {
        let report = |given: &[ChannelValue]| {
            crate::error::report(&spend_vector(&names(), given).unwrap_err())
        };
        assert_eq!(
            report(&[cv("search", 1.0)]),
            "error: --spend has no value for email\n\
             hint: give every channel once, e.g. --spend search=1000,email=1000"
        );
        assert_eq!(
            report(&[cv("search", 1.0), cv("search", 2.0)]),
            "error: --spend gives 'search' more than once\nhint: give each channel once"
        );
        assert_eq!(
            report(&[cv("tv", 1.0)]),
            "error: unknown channel 'tv' in --spend; the channels are: search, email"
        );
    }
}
