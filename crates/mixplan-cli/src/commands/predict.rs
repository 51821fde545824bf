//! `mixplan predict DATA.csv --spend ch=v,… [--holdout 0.2] [--seed 42]`
//!
//! Fits the model as `mixplan fit` does and prints the predicted steady-state weekly
//! revenue for a weekly spend per channel sustained over time, as JSON: `spend`,
//! `predicted_revenue` (baseline + media), `baseline`, `media_revenue`, and per channel
//! `contributions` and `marginal_roi`.

use super::CommandResult;
use super::common::DataArgs;
use super::optimize::{ChannelValue, Named, fit_model, parse_assignment, resolve};
use serde::Serialize;

/// Arguments of `mixplan predict`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Weekly spend per channel, every channel once: `paid_search=12000,email=3000,…`.
    #[arg(
        long,
        required = true,
        value_name = "CHANNEL=SPEND,…",
        value_delimiter = ',',
        value_parser = parse_assignment
    )]
    spend: Vec<ChannelValue>,
    /// Share of the last weeks held out for testing, in (0, 0.5] (as `mixplan fit`).
    #[arg(long, default_value_t = 0.2, value_name = "SHARE")]
    holdout: f64,
    /// Seed of the hyper-parameter search (as `mixplan fit`).
    #[arg(long, default_value_t = 42)]
    seed: u64,
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
fn spend_vector(names: &[String], given: &[ChannelValue]) -> Result<Vec<f64>, String> {
    let mut spend = vec![None; names.len()];
    for assignment in given {
        let c = resolve(names, &assignment.channel, "--spend")?;
        if spend[c].replace(assignment.value).is_some() {
            return Err(format!(
                "--spend gives '{}' more than once; give each channel once",
                names[c]
            ));
        }
    }
    let missing: Vec<&str> = names
        .iter()
        .zip(&spend)
        .filter(|(_, s)| s.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "--spend has no value for {}; give every channel, e.g. --spend {}",
            missing.join(", "),
            names
                .iter()
                .map(|n| format!("{n}=1000"))
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    Ok(spend.into_iter().map(|s| s.unwrap_or(0.0)).collect())
}

/// Runs `mixplan predict`.
pub fn run(args: Args) -> CommandResult {
    let model = fit_model(&args.data, args.holdout, args.seed)?;
    let names: Vec<String> = model.channels().iter().map(|c| c.name.clone()).collect();
    let spend = spend_vector(&names, &args.spend)?;
    let prediction = model.predict_steady_state(&spend)?;
    let out = PredictOut {
        spend: Named(&names, &spend),
        predicted_revenue: prediction.revenue,
        baseline: prediction.baseline,
        media_revenue: prediction.media,
        contributions: Named(&names, &prediction.contributions),
        marginal_roi: Named(&names, &prediction.marginal),
    };
    println!("{}", serde_json::to_string_pretty(&out)?);
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
        let e = spend_vector(&names(), &[cv("search", 1.0)]).unwrap_err();
        assert!(e.contains("no value for email"), "{e}");
        let e = spend_vector(&names(), &[cv("search", 1.0), cv("search", 2.0)]).unwrap_err();
        assert!(e.contains("more than once"), "{e}");
        let e = spend_vector(&names(), &[cv("tv", 1.0)]).unwrap_err();
        assert!(e.contains("search, email"), "{e}");
    }
}
