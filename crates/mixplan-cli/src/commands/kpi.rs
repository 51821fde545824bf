//! `mixplan kpi [--facts-dir DIR] [--from DATE] [--to DATE] [--threshold Z]`
//!
//! Reads the store's daily facts (`DIR/fact_marketing_daily.csv`, `DIR/fact_sales_daily.csv`
//! and, for channel names, `DIR/dim_channel.csv`) and prints
//! [`mixplan_core::performance::PerformanceReport`] as JSON for the period `[--from, --to]`
//! (default: the last 30 days of the data; one bound alone gives 30 days from or to it):
//! `cards[]` (`kpi`, `label`, `value`, `previous`, `change`, `change_percent`, each as
//! `{value, undefined}`: `value` is null and `undefined` says why when a ratio has no
//! denominator), `trends[]` (`kpi`, `window`, `unit`, `dates`, `values`), `channels[]` (spend,
//! platform revenue, platform ROAS, CPA, CTR, CPM) and `alerts[]` (`channel`, `metric`,
//! `date`, `factor`, `z`, `message`, `chart`), largest |z| first. Method: `docs/performance.md`.

use super::CommandResult;
use super::output::print_json;
use crate::error::CliError;
use chrono::{Duration, NaiveDate};
use mixplan_core::performance::{
    AlertParams, PerformanceError, Period, performance_report, read_channel_names, read_daily_facts,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Days in the default period.
const DEFAULT_DAYS: i64 = 30;

/// Arguments of `mixplan kpi`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory of the star schema written by `mixplan prepare`.
    #[arg(long, default_value = "data_processed", value_name = "DIR")]
    facts_dir: PathBuf,
    /// First day of the period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    from: Option<NaiveDate>,
    /// Last day of the period (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    to: Option<NaiveDate>,
    /// Robust |z| at or above which an alert is raised.
    #[arg(long, default_value_t = AlertParams::default().threshold, value_name = "Z")]
    threshold: f64,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|e| format!("'{text}' is not a date in YYYY-MM-DD form ({e})"))
}

/// Reads `dir/name`, saying how to produce it when it is missing.
fn read(dir: &Path, name: &str) -> Result<String, CliError> {
    let path = dir.join(name);
    std::fs::read_to_string(&path).map_err(|source| CliError::ReadFile {
        path,
        hint: Some(format!(
            "write the daily facts with `mixplan simulate --out raw && mixplan prepare --raw raw --out {}`, or give --facts-dir",
            dir.display()
        )),
        source,
    })
}

/// Runs `mixplan kpi`.
pub fn run(args: Args) -> CommandResult {
    let dir = &args.facts_dir;
    let performance_error = |source: PerformanceError| CliError::Performance {
        dir: dir.clone(),
        source: source.into(),
    };
    let marketing = read(dir, "fact_marketing_daily.csv")?;
    let sales = read(dir, "fact_sales_daily.csv")?;
    let names = match std::fs::read_to_string(dir.join("dim_channel.csv")) {
        Ok(text) => read_channel_names(&text).map_err(performance_error)?,
        Err(_) => HashMap::new(),
    };
    let data = read_daily_facts(&marketing, &sales, &names).map_err(performance_error)?;
    let span = Duration::days(DEFAULT_DAYS - 1);
    let period = match (args.from, args.to) {
        (None, None) => Ok(Period::last_days(&data, DEFAULT_DAYS as u32)),
        (Some(from), None) => Period::between(&data, from, from + span),
        (None, Some(to)) => Period::between(&data, to - span, to),
        (Some(from), Some(to)) => Period::between(&data, from, to),
    }
    .map_err(performance_error)?;
    let alert_params = AlertParams {
        threshold: args.threshold,
        ..AlertParams::default()
    }
    .check()
    .map_err(performance_error)?;
    let report = performance_report(&data, &period, &HashMap::new(), &alert_params);
    print_json(&report)?;
    Ok(())
}
