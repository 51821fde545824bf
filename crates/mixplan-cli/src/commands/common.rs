//! The command-line input the commands share: the arguments that fit the model
//! ([`ModelArgs`], flattened by `fit`, `optimize` and `predict`, with the data arguments of
//! [`super::data_args`]), the parsers of money amounts and `CHANNEL=AMOUNT` pairs, and the lookup of a channel by name.
//!
//! ```ignore
//! #[derive(Debug, clap::Args)]
//! pub struct Args {
//!     #[command(flatten)]
//!     model: super::common::ModelArgs,
//! }
//! // in run(): let fit = args.model.fit()?;
//! ```

use super::data_args::DataArgs;
use crate::error::CliError;
use mixplan_core::data::{QualityReport, WeeklyData};
use mixplan_core::model::{FittedModel, ModelParams, MultiplicativeModel, ValidParams};
use mixplan_core::transform::CarryoverForm;
use std::time::Instant;

/// The data and the model settings: what `fit`, `optimize` and `predict` share, so the three
/// fit the same model to the same data.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Share of the last weeks held out for testing, in (0, 0.5].
    #[arg(long, default_value_t = 0.2, value_name = "SHARE")]
    pub holdout: f64,
    /// Seed of the hyper-parameter search.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// A fitted model and how long the fit took (the search and the final fit, without loading
/// the CSV), in milliseconds.
pub struct Fit {
    /// The model.
    pub model: FittedModel,
    /// Wall time of the fit, ms.
    pub fit_ms: f64,
    /// The weekly data the model was fitted to.
    pub data: WeeklyData,
    /// The model settings used.
    pub params: ModelParams,
    /// The data-quality report on the data fitted.
    pub quality: QualityReport,
}

impl ModelArgs {
    /// Loads the data, checks the settings and fits the model (hyper-parameter search
    /// included). Nothing is printed while fitting.
    pub fn fit(&self) -> Result<Fit, CliError> {
        self.fit_with_carryover(CarryoverForm::Geometric)
    }

    /// The model settings of the flags with the given carryover form, and their validated
    /// form.
    ///
    /// # Errors
    /// [`CliError::ModelSettings`].
    pub fn params(&self, carryover: CarryoverForm) -> Result<(ModelParams, ValidParams), CliError> {
        let settings = ModelParams::default()
            .holdout(self.holdout)
            .seed(self.seed)
            .carryover(carryover);
        let params = settings
            .clone()
            .check()
            .map_err(|source| CliError::ModelSettings {
                holdout: self.holdout,
                source: source.into(),
            })?;
        Ok((settings, params))
    }

    /// A fit error of the data of `--data`.
    pub fn fit_error(&self, source: mixplan_core::model::FitError) -> CliError {
        CliError::Fit {
            path: self.data.path.clone(),
            source: source.into(),
        }
    }

    /// [`ModelArgs::fit`] with the given carryover form (`mixplan fit --carryover`).
    pub fn fit_with_carryover(&self, carryover: CarryoverForm) -> Result<Fit, CliError> {
        let (data, quality) = self.data.load_assessed()?;
        self.fit_loaded(data, quality, carryover)
    }

    /// Fits the additive model to data already loaded (with its quality report), with the
    /// given carryover form.
    pub fn fit_loaded(
        &self,
        data: WeeklyData,
        quality: QualityReport,
        carryover: CarryoverForm,
    ) -> Result<Fit, CliError> {
        let (settings, params) = self.params(carryover)?;
        let start = Instant::now();
        let model = params
            .fit(&data, |_, _| {})
            .map_err(|source| self.fit_error(source))?;
        Ok(Fit {
            model,
            fit_ms: start.elapsed().as_secs_f64() * 1e3,
            data,
            params: settings,
            quality,
        })
    }
}

impl ModelArgs {
    /// Fits the multiplicative form (`--form`) to data already loaded, with the given
    /// carryover form: the model and the fit's wall time in ms.
    pub fn fit_multiplicative(
        &self,
        data: &WeeklyData,
        carryover: CarryoverForm,
    ) -> Result<(MultiplicativeModel, f64), CliError> {
        let (_, params) = self.params(carryover)?;
        let start = Instant::now();
        let model = params
            .fit_multiplicative(data, |_, _| {})
            .map_err(|source| self.fit_error(source))?;
        Ok((model, start.elapsed().as_secs_f64() * 1e3))
    }
}

/// The model's channel names, in model order.
pub fn channel_names(model: &FittedModel) -> Vec<String> {
    model.channels().iter().map(|c| c.name.clone()).collect()
}

/// Parses a money amount: a plain decimal number, finite and ≥ 0 (`50000`, `12.5`, `2e4`).
/// Thousands separators are refused with a message rather than guessed at.
pub fn parse_amount(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.contains(',') {
        return Err(format!(
            "'{text}' has a comma; write amounts without thousands separators and with '.' \
             for decimals, e.g. 50000 or 12.5"
        ));
    }
    let value: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number (e.g. 50000 or 12.5)"))?;
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(format!(
            "'{text}' is not an amount: it must be finite and >= 0"
        ))
    }
}

/// `CHANNEL=AMOUNT` from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelValue {
    /// Channel name as typed.
    pub channel: String,
    /// The amount.
    pub value: f64,
}

/// Parses `CHANNEL=AMOUNT` with an amount as [`parse_amount`] reads it.
pub fn parse_assignment(text: &str) -> Result<ChannelValue, String> {
    let Some((channel, value)) = text.split_once('=') else {
        return Err(format!(
            "'{text}' is not CHANNEL=AMOUNT (for example paid_search=5000; amounts take no \
             thousands separators)"
        ));
    };
    let channel = channel.trim();
    if channel.is_empty() {
        return Err(format!("'{text}' has no channel name before '='"));
    }
    let value = parse_amount(value).map_err(|e| format!("in '{text}': {e}"))?;
    Ok(ChannelValue {
        channel: channel.to_owned(),
        value,
    })
}

/// The index of a channel name (exact, else case-insensitive), or an error naming the flag
/// and listing the valid names.
pub fn resolve(names: &[String], name: &str, flag: &'static str) -> Result<usize, CliError> {
    names
        .iter()
        .position(|n| n == name)
        .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(name)))
        .ok_or_else(|| CliError::UnknownChannel {
            name: name.to_owned(),
            flag,
            channels: names.to_vec(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct ModelCli {
        #[command(flatten)]
        model: ModelArgs,
    }

    #[test]
    fn model_args_defaults_and_flags() {
        let cli = ModelCli::parse_from(["x", "d.csv"]);
        assert_eq!((cli.model.holdout, cli.model.seed), (0.2, 42));
        let cli = ModelCli::parse_from(["x", "d.csv", "--holdout", "0.3", "--seed", "7"]);
        assert_eq!((cli.model.holdout, cli.model.seed), (0.3, 7));
        assert_eq!(cli.model.data.path, std::path::PathBuf::from("d.csv"));
    }

    #[test]
    fn bad_holdout_names_the_flag() {
        let cli = ModelCli::parse_from([
            "x",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data_processed/mmm_data.csv"
            ),
            "--holdout",
            "0.9",
        ]);
        let Err(err) = cli.model.fit() else {
            panic!("a holdout of 0.9 must be refused");
        };
        let text = crate::error::report(&err);
        assert!(text.starts_with("error: --holdout 0.9: "), "{text}");
    }

    fn cv(channel: &str, value: f64) -> ChannelValue {
        ChannelValue {
            channel: channel.into(),
            value,
        }
    }

    #[test]
    fn parses_amounts() {
        assert_eq!(parse_amount(" 50000 "), Ok(50_000.0));
        assert_eq!(parse_amount("12.5"), Ok(12.5));
        assert_eq!(parse_amount("2e4"), Ok(20_000.0));
        assert!(
            parse_amount("50,000")
                .unwrap_err()
                .contains("thousands separators")
        );
        for bad in ["", "abc", "-1", "inf", "NaN", "1e400", "$5"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_assignments() {
        assert_eq!(parse_assignment("email=1500").unwrap(), cv("email", 1500.0));
        assert_eq!(
            parse_assignment(" email = 2e3 ").unwrap(),
            cv("email", 2000.0)
        );
        for bad in [
            "email",
            "=5",
            "email=abc",
            "email=-1",
            "email=inf",
            "email=NaN",
        ] {
            assert!(parse_assignment(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_assignment("email=abc").unwrap_err(),
            "in 'email=abc': 'abc' is not a number (e.g. 50000 or 12.5)"
        );
    }

    #[test]
    fn unknown_channel_lists_the_valid_ones() {
        let names = ["paid_search", "email", "display"].map(String::from);
        let e = resolve(&names, "tv", "--min").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown channel 'tv' in --min; the channels are: paid_search, email, display"
        );
        assert_eq!(resolve(&names, "Email", "--min").ok(), Some(1));
    }
}
