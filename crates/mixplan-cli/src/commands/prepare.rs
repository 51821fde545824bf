//! `mixplan prepare`: raw daily records (from `mixplan simulate`) → the star schema.
//!
//! ```text
//! mixplan prepare --raw target/raw --out data_processed
//! ```
//!
//! reads `channels.csv`, `daily_sales.csv`, `daily_spend.csv` and `ground_truth.json` and
//! writes `dim_channel.csv`, `fact_marketing.csv`, `fact_revenue.csv`, `mmm_data.csv` and
//! `ground_truth.json` (see `docs/data.md`).

use super::CommandResult;
use super::simulate::write_file;
use mixplan_core::data::prepare::prepare;
use mixplan_core::data::raw::{
    CHANNELS_FILE, DAILY_SALES_FILE, DAILY_SPEND_FILE, RawFiles, RawStore, TRUTH_FILE,
};
use mixplan_core::data::truth::GroundTruth;
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

fn read(dir: &Path, name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let path = dir.join(name);
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {}: {e} (write the raw records first with `mixplan simulate --out {}`)",
            path.display(),
            dir.display()
        )
        .into()
    })
}

/// Runs `mixplan prepare`.
pub fn run(args: Args) -> CommandResult {
    let files = RawFiles {
        channels: read(&args.raw, CHANNELS_FILE)?,
        daily_sales: read(&args.raw, DAILY_SALES_FILE)?,
        daily_spend: read(&args.raw, DAILY_SPEND_FILE)?,
    };
    let raw = RawStore::from_files(&files)?;
    let truth: GroundTruth = serde_json::from_str(&read(&args.raw, TRUTH_FILE)?)
        .map_err(|e| format!("{}: {e}", args.raw.join(TRUTH_FILE).display()))?;
    let schema = prepare(&raw, &truth)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
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
