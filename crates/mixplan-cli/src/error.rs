//! [`CliError`]: what went wrong, with the context the user needs (which file, which flag,
//! which channel by name), wrapping the core's error as its [`source`](Error::source).
//!
//! The CLI never rewrites a core message: [`report`] prints the context, then each message
//! of the `source()` chain once, then a hint where one helps:
//!
//! ```text
//! error: --budget 1000: the minimums add up to 2,000.00, 1,000.00 more than the budget of 1,000.00; lower a minimum or raise the budget
//! hint: --lock email=2000: locks count as minimums; lower them or give a --budget of at least 2000.00
//! ```

use mixplan_core::optimize::OptimizeError;
use mixplan_core::optimize::horizon::HorizonError;
use std::error::Error;
use std::path::PathBuf;
use thiserror::Error;

/// A core error the CLI passes on without inspecting it (data loading, model settings,
/// fitting, prediction, raw records, simulation): only its message and `source()` chain are
/// shown, so a change of the core's error types needs no change here.
pub type CoreError = Box<dyn Error + Send + Sync + 'static>;

/// Why a `mixplan` command failed. `Display` gives the context only; the core error it wraps
/// (if any) is the `source()`, shown by [`report`].
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CliError {
    /// The weekly CSV could not be read or is not valid data.
    #[error("{}", path.display())]
    LoadData {
        /// The CSV given.
        path: PathBuf,
        /// The loader's error.
        #[source]
        source: CoreError,
    },
    /// `--holdout` (or another model setting) is out of range.
    #[error("--holdout {holdout}")]
    ModelSettings {
        /// The holdout share given.
        holdout: f64,
        /// The core's parameter error.
        #[source]
        source: CoreError,
    },
    /// The model could not be fitted to the data.
    #[error("cannot fit the model to {}", path.display())]
    Fit {
        /// The CSV fitted.
        path: PathBuf,
        /// The core's fitting error.
        #[source]
        source: CoreError,
    },
    /// Price elasticity and promotion lift could not be estimated.
    #[error("cannot estimate price and promotion effects on {}", path.display())]
    Pricing {
        /// The CSV fitted.
        path: PathBuf,
        /// The core's pricing error.
        #[source]
        source: CoreError,
    },
    /// The daily facts could not be read or the performance figures computed.
    #[error("the daily facts in {}", dir.display())]
    Performance {
        /// The facts directory.
        dir: PathBuf,
        /// The core's performance error.
        #[source]
        source: CoreError,
    },
    /// Direct and indirect effects through the mediator could not be estimated.
    #[error("cannot estimate the mediation on {}", path.display())]
    Mediation {
        /// The CSV fitted.
        path: PathBuf,
        /// The core's mediation error, or why the clicks could not be read.
        #[source]
        source: CoreError,
    },
    /// The diagnostics could not be computed for the fitted model.
    #[error("cannot diagnose the model fitted to {}", path.display())]
    Diagnose {
        /// The CSV fitted.
        path: PathBuf,
        /// The core's diagnostics error.
        #[source]
        source: CoreError,
    },
    /// The fitted model could not evaluate a spend vector.
    #[error("cannot predict revenue for {what}")]
    Predict {
        /// Which spend was evaluated: "the --spend given", "the optimal split".
        what: &'static str,
        /// The core's error.
        #[source]
        source: CoreError,
    },
    /// A channel name on the command line is not one of the model's channels.
    #[error("unknown channel '{name}' in {flag}; the channels are: {}", channels.join(", "))]
    UnknownChannel {
        /// The name as typed.
        name: String,
        /// The flag it was given to.
        flag: &'static str,
        /// The model's channel names.
        channels: Vec<String>,
    },
    /// A flag names the same channel twice.
    #[error("{flag} gives '{channel}' more than once")]
    RepeatedChannel {
        /// The flag.
        flag: &'static str,
        /// The channel's name.
        channel: String,
    },
    /// A channel is locked and also has a minimum or maximum.
    #[error("'{channel}' is locked and also has --min or --max")]
    LockedWithRange {
        /// The channel's name.
        channel: String,
    },
    /// `--spend` leaves out channels.
    #[error("--spend has no value for {}", missing.join(", "))]
    MissingSpend {
        /// The channels without a value.
        missing: Vec<String>,
        /// All channel names, for the example in the hint.
        channels: Vec<String>,
    },
    /// `optimize` on a CSV without `--budget` or `--target-roas`.
    #[error("no weekly budget given")]
    MissingBudget,
    /// A flag that needs the additive form was given with the multiplicative one.
    #[error("{flag} needs the additive form, and the model fitted is multiplicative")]
    NeedsAdditiveForm {
        /// The flag.
        flag: &'static str,
        /// Why the form was multiplicative: `--form multiplicative` or `--form auto`.
        chosen_by: &'static str,
    },
    /// Flags that only apply when fitting a CSV were given with a problem file.
    #[error("--min, --max, --lock, --target-roas and --extra do not apply to a problem file")]
    FlagsWithProblemFile,
    /// The budget problem the flags (or a problem file) describe is invalid or has no
    /// solution. Built with [`CliError::optimize`].
    #[error("{asked}{}", channel.as_ref().map(|name| format!(", channel '{name}'")).unwrap_or_default())]
    Optimize {
        /// What was asked, in the user's words: `--budget 50000`, `--target-roas 2.5`, the
        /// problem file's path.
        asked: String,
        /// The channel's name, when the error is about one channel.
        channel: Option<String>,
        /// What to change, in the user's flags, when the core's message cannot say it.
        hint: Option<String>,
        /// The optimiser's error.
        #[source]
        source: OptimizeError,
    },
    /// The horizon plan the `plan` flags describe is invalid or could not be solved.
    #[error("{asked}")]
    Plan {
        /// What was asked, in the user's words: `--weeks 13 --budget 500000`.
        asked: String,
        /// The horizon optimiser's error.
        #[source]
        source: HorizonError,
    },
    /// `frontier`'s budget range or step count is invalid.
    #[error("{asked}: {reason}")]
    FrontierRange {
        /// The flags, as typed.
        asked: String,
        /// What is wrong with them.
        reason: String,
    },
    /// A file could not be read.
    #[error("cannot read {}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// What to do about it, if the command knows.
        hint: Option<String>,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}", path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An output directory could not be created.
    #[error("cannot create the directory {}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file given as a problem file does not parse as one.
    #[error("{} is not a problem file", path.display())]
    ProblemFile {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The raw records' `ground_truth.json` does not parse.
    #[error("{} is not a ground-truth file", path.display())]
    TruthFile {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A channel of a problem file has an invalid response curve.
    #[error("{}: channel '{channel}'", path.display())]
    ProblemCurve {
        /// The problem file.
        path: PathBuf,
        /// The channel's name.
        channel: String,
        /// The core's curve error.
        #[source]
        source: CoreError,
    },
    /// The raw daily records do not parse or do not aggregate to weeks.
    #[error("the raw records in {}", dir.display())]
    RawRecords {
        /// The directory read.
        dir: PathBuf,
        /// The core's error.
        #[source]
        source: CoreError,
    },
    /// The simulation could not run with the given settings.
    #[error("--weeks {weeks} --start {start}")]
    Simulate {
        /// `--weeks`.
        weeks: usize,
        /// `--start`.
        start: chrono::NaiveDate,
        /// The core's error.
        #[source]
        source: CoreError,
    },
    /// The lift-test file could not be read, or a test does not fit the data.
    #[error("--lift-tests {}", path.display())]
    LiftTests {
        /// The file given.
        path: PathBuf,
        /// The core's lift-test error (it names the line and the field).
        #[source]
        source: CoreError,
    },
    /// A `--roi-prior` names a channel the data does not have.
    #[error("--roi-prior {channel}: the data has no channel `{channel}`")]
    RoiPrior {
        /// The channel given.
        channel: String,
        /// The data's channels.
        channels: Vec<String>,
    },
    /// The posterior could not be set up or sampled.
    #[error("cannot sample the posterior")]
    Posterior {
        /// The core's posterior error.
        #[source]
        source: CoreError,
    },
    /// The recommendation rule could not run (e.g. `--confidence` out of range).
    #[error("{asked}")]
    Recommend {
        /// What was asked, in the user's flags.
        asked: String,
        /// The core's error.
        #[source]
        source: CoreError,
    },
    /// The result could not be written to stdout.
    #[error("cannot write the result to stdout")]
    Stdout(#[source] std::io::Error),
    /// Writing the JSON result failed (a bug: our output types always serialise).
    #[error("cannot write the JSON output")]
    Output(#[from] serde_json::Error),
}

impl CliError {
    /// The optimiser's error with what was asked and, when the error is about one channel,
    /// that channel's name (`names` in the optimiser's channel order).
    pub fn optimize(
        asked: String,
        names: &[String],
        hint: Option<String>,
        source: OptimizeError,
    ) -> Self {
        Self::Optimize {
            asked,
            channel: source.channel().and_then(|c| names.get(c)).cloned(),
            hint,
            source,
        }
    }

    /// What to try next, when the message alone does not say it.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::LoadData { source, .. } if is_not_found(source.as_ref()) => Some(
                "check the path (a relative one starts at the current directory); the demo \
                 store's weekly data is data_processed/mmm_data.csv in the repository"
                    .into(),
            ),
            Self::RepeatedChannel { .. } => Some("give each channel once".into()),
            Self::LockedWithRange { channel } => Some(format!(
                "a lock fixes the spend: drop --lock {channel}=… or its --min/--max"
            )),
            Self::MissingSpend { channels, .. } => Some(format!(
                "give every channel once, e.g. --spend {}",
                channels
                    .iter()
                    .map(|name| format!("{name}=1000"))
                    .collect::<Vec<_>>()
                    .join(",")
            )),
            Self::MissingBudget => Some(
                "give it with --budget AMOUNT, or ask for the largest budget meeting a media \
                 ROAS with --target-roas R"
                    .into(),
            ),
            Self::NeedsAdditiveForm { flag, chosen_by } => Some(format!(
                "in the multiplicative form channels multiply revenue, so {flag} (built on \
                 media revenue that adds up channel by channel) does not apply; {chosen_by} \
                 chose it: give --form additive with {flag}"
            )),
            Self::FlagsWithProblemFile => {
                Some("edit the bounds and budget in the file instead".into())
            }
            Self::Optimize { hint, .. } => hint.clone(),
            Self::FrontierRange { .. } => {
                Some("give budgets as --from 10000 --to 100000 and --steps 1 to 1000".into())
            }
            Self::ReadFile { hint, .. } => hint.clone(),
            Self::ProblemFile { .. } => Some(
                "give a weekly CSV, or a JSON file written by `mixplan optimize --export-problem`"
                    .into(),
            ),
            Self::LiftTests { .. } => Some(
                "a lift-test file has the header channel,start,end,lift,spend,std_error and one \
                 test a row (dates YYYY-MM-DD); data_processed/lift_tests.csv is an example"
                    .into(),
            ),
            Self::RoiPrior { channels, .. } => Some(format!(
                "name one of the data's channels: {}",
                channels.join(", ")
            )),
            Self::Posterior { .. } => Some(
                "try --no-posterior for the point estimate alone, or other --draws/--warmup".into(),
            ),
            Self::TruthFile { .. } => {
                Some("write the raw records and their truth again with `mixplan simulate`".into())
            }
            _ => None,
        }
    }
}

/// Whether an I/O "not found" error is anywhere in the chain.
fn is_not_found(error: &(dyn Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(cause) = next {
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
        {
            return true;
        }
        next = cause.source();
    }
    false
}

/// The text shown on stderr: `error: <context>: <cause>: …` with each message of the
/// `source()` chain once (a core message that already quotes its cause is not repeated),
/// then `hint: …` on its own line where one helps.
pub fn report(error: &CliError) -> String {
    let mut text = format!("error: {error}");
    let mut next = error.source();
    while let Some(cause) = next {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        next = cause.source();
    }
    if let Some(hint) = error.hint() {
        text.push_str("\nhint: ");
        text.push_str(&hint);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_chains_context_and_core_message_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let error = CliError::ReadFile {
            path: "raw/channels.csv".into(),
            hint: Some("write them first".into()),
            source: io,
        };
        assert_eq!(
            report(&error),
            "error: cannot read raw/channels.csv: gone\nhint: write them first"
        );
    }

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        #[derive(Debug, Error)]
        #[error("cannot read `x.csv`: {0}")]
        struct Quoting(#[source] std::io::Error);
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let error = CliError::LoadData {
            path: "x.csv".into(),
            source: Box::new(Quoting(io)),
        };
        let text = report(&error);
        assert!(
            text.starts_with(
                "error: x.csv: cannot read `x.csv`: no such file\nhint: check the path"
            ),
            "{text}"
        );
        assert_eq!(text.matches("no such file").count(), 1, "{text}");
    }

    #[test]
    fn optimize_errors_keep_the_core_message() {
        let names = ["search".to_string(), "email".to_string()];
        let error = CliError::optimize(
            "--budget 10".into(),
            &names,
            None,
            OptimizeError::InvalidBudget(-1.0),
        );
        assert_eq!(
            report(&error),
            format!("error: --budget 10: {}", OptimizeError::InvalidBudget(-1.0))
        );
        let bounds = OptimizeError::InvalidBounds {
            channel: 1,
            min: 2.0,
            max: 1.0,
        };
        let error = CliError::optimize("p.json".into(), &names, None, bounds.clone());
        assert_eq!(
            report(&error),
            format!("error: p.json, channel 'email': {bounds}")
        );
    }
}
