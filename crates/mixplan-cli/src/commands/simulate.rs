//! `mixplan simulate`: writes the simulated store's raw daily records and its ground truth.
//!
//! ```text
//! mixplan simulate --seed 42 --out target/raw
//! ```
//!
//! writes `channels.csv`, `daily_sales.csv`, `daily_spend.csv` and `ground_truth.json` to
//! the output directory (created if missing). Feed it to `mixplan prepare`.
//!
//! With `--daily-regions N` it also writes `daily_regions.csv`: every day split across `N`
//! regions (`date,region,<channel>_spend…,price_index,revenue`), a large daily, multi-row
//! file for `mixplan fit --aggregate weekly` (`--weeks 520 --daily-regions 80` gives about
//! 290,000 rows).

use super::CommandResult;
use crate::error::CliError;
use chrono::NaiveDate;
use mixplan_core::data::daily_regions::daily_regions_csv;
use mixplan_core::data::raw::{CHANNELS_FILE, DAILY_SALES_FILE, DAILY_SPEND_FILE, TRUTH_FILE};
use mixplan_core::data::simulate::{DEFAULT_SEED, DEFAULT_WEEKS, SimulateParams, simulate};
use std::path::{Path, PathBuf};

/// Arguments of `mixplan simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// RNG seed; the same seed gives byte-identical files.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Number of weeks to simulate.
    #[arg(long, default_value_t = DEFAULT_WEEKS)]
    pub weeks: usize,
    /// First day (YYYY-MM-DD); weeks start on its weekday.
    #[arg(long, default_value = "2022-01-03", value_parser = parse_date)]
    pub start: NaiveDate,
    /// Output directory for the raw records (not committed; e.g. target/raw).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write `daily_regions.csv`: every day split across N regions (1 to 1000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub daily_regions: Option<u16>,
}

/// File name of the daily, multi-region CSV.
pub const DAILY_REGIONS_FILE: &str = "daily_regions.csv";

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("`{text}` is not a date in YYYY-MM-DD form ({e})"))
}

/// Writes `contents` to `dir/name`, saying which file failed.
pub(crate) fn write_file(dir: &Path, name: &str, contents: &str) -> CommandResult {
    let path = dir.join(name);
    std::fs::write(&path, contents).map_err(|source| CliError::WriteFile { path, source })
}

/// Creates `dir` and its parents, saying which directory failed.
pub(crate) fn create_dir(dir: &Path) -> CommandResult {
    std::fs::create_dir_all(dir).map_err(|source| CliError::CreateDir {
        path: dir.to_owned(),
        source,
    })
}

/// Runs `mixplan simulate`.
pub fn run(args: Args) -> CommandResult {
    let simulate_error = |source| CliError::Simulate {
        weeks: args.weeks,
        start: args.start,
        source: Box::new(source),
    };
    let sim = simulate(&SimulateParams {
        seed: args.seed,
        weeks: args.weeks,
        start: args.start,
    })
    .map_err(simulate_error)?;
    let (files, truth) = sim.to_files().map_err(simulate_error)?;
    create_dir(&args.out)?;
    write_file(&args.out, CHANNELS_FILE, &files.channels)?;
    write_file(&args.out, DAILY_SALES_FILE, &files.daily_sales)?;
    write_file(&args.out, DAILY_SPEND_FILE, &files.daily_spend)?;
    write_file(&args.out, TRUTH_FILE, &truth)?;
    if let Some(regions) = args.daily_regions {
        let text = daily_regions_csv(&sim.raw, usize::from(regions));
        write_file(&args.out, DAILY_REGIONS_FILE, &text)?;
        eprintln!(
            "wrote {} ({} rows, {} regions)",
            args.out.join(DAILY_REGIONS_FILE).display(),
            sim.raw.sales.len() * usize::from(regions),
            regions
        );
    }
    eprintln!(
        "simulated {} weeks ({} days, {} channels, seed {}) into {}; true uplift of the optimal mix at the historical budget: {:.1} %",
        args.weeks,
        sim.raw.sales.len(),
        sim.raw.channels.len(),
        args.seed,
        args.out.display(),
        100.0 * sim.truth.uplift_at_historical_budget
    );
    Ok(())
}
