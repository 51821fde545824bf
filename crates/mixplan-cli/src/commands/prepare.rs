//! `mixplan prepare`: raw daily records (from `mixplan simulate`) → the star schema.
//!
//! ```text
//! mixplan prepare --raw target/raw --out data_processed
//! ```
//!
//! reads `channels.csv`, `daily_sales.csv`, `daily_spend.csv` and `ground_truth.json` and
//! writes `dim_channel.csv`, `fact_marketing.csv`, `fact_revenue.csv`,
//! `fact_marketing_daily.csv`, `fact_sales_daily.csv`, `mmm_data.csv` and `ground_truth.json`
//! (see `docs/data.md`).

use super::CommandResult;
use super::simulate::{create_dir, write_file};
use crate::error::{CliError, CoreError};
use mixplan_core::data::prepare::prepare;
use mixplan_core::data::raw::{
    CHANNELS_FILE, DAILY_SALES_FILE, DAILY_SPEND_FILE, RawFiles, RawStore, TRUTH_FILE,
};
use std::path::{Path, PathBuf};

/// Arguments of `mixplan prepare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory of raw records written by `mixplan simulate`.
    #[arg(long, value_name = "DIR")]
    pub raw: PathBuf,
    /// Output directory for the star schema.
    #[arg(long, value_name = "DIR", default_value = "data_processed")]
    pub out: PathBuf,
}

fn read(dir: &Path, name: &str) -> Result<String, CliError> {
    let path = dir.join(name);
    std::fs::read_to_string(&path).map_err(|source| CliError::ReadFile {
        path,
        hint: Some(format!(
            "write the raw records first with `mixplan simulate --out {}`",
            dir.display()
        )),
        source,
    })
}

/// Runs `mixplan prepare`.
pub fn run(args: Args) -> CommandResult {
    let files = RawFiles {
        channels: read(&args.raw, CHANNELS_FILE)?,
        daily_sales: read(&args.raw, DAILY_SALES_FILE)?,
        daily_spend: read(&args.raw, DAILY_SPEND_FILE)?,
    };
    let raw_error = |source: CoreError| CliError::RawRecords {
        dir: args.raw.clone(),
        source,
    };
    let raw = RawStore::from_files(&files).map_err(|e| raw_error(e.into()))?;
    // The type (the ground truth) is the one `prepare` takes.
    let truth = serde_json::from_str(&read(&args.raw, TRUTH_FILE)?).map_err(|source| {
        CliError::TruthFile {
            path: args.raw.join(TRUTH_FILE),
            source,
        }
    })?;
    let schema = prepare(&raw, &truth).map_err(|e| raw_error(e.into()))?;
    create_dir(&args.out)?;
    for (name, contents) in schema.files() {
        write_file(&args.out, name, contents)?;
    }
    eprintln!(
        "wrote {} files for {} weeks to {}",
        schema.files().len(),
        truth.weekly.len(),
        args.out.display()
    );
    Ok(())
}
