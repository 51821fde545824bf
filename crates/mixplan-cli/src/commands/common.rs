//! Arguments shared by the commands that read a weekly CSV (`fit`, `optimize`, `predict`).
//!
//! ```ignore
//! #[derive(Debug, clap::Args)]
//! pub struct Args {
//!     #[command(flatten)]
//!     data: super::common::DataArgs,
//! }
//! // in run(): let data = args.data.load()?;
//! ```

use mixplan_core::data::{LoadOptions, WeeklyData, load_weekly_csv_from_path};
use std::path::PathBuf;

/// Which weekly CSV to read and which column plays which role. Every role is auto-detected
/// when not given (date = first column of dates, target = `revenue`, controls = numeric
/// columns named like price/promo/holiday/event/trend…, channels = every other numeric column).
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Weekly CSV: one row per week, a date column, the target, one spend column per channel.
    #[arg(value_name = "CSV")]
    pub path: PathBuf,
    /// Name of the date column (default: the first column holding dates).
    #[arg(long, value_name = "COLUMN")]
    pub date: Option<String>,
    /// Date format in chrono/strftime syntax, e.g. %d/%m/%Y (default: detected).
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Name of the target column.
    #[arg(long, value_name = "COLUMN", default_value = mixplan_core::data::DEFAULT_TARGET)]
    pub target: String,
    /// Channel (spend) columns, comma-separated (default: every numeric column that is not
    /// the target or a control).
    #[arg(long, value_name = "A,B,…", value_delimiter = ',')]
    pub channels: Option<Vec<String>>,
    /// Control columns, comma-separated; pass `--controls ''` for none (default: numeric
    /// columns whose names say price, promo, holiday, event, trend, season, …).
    #[arg(long, value_name = "C,D,…", value_delimiter = ',')]
    pub controls: Option<Vec<String>>,
}

// Used by `fit`, `optimize` and `predict` (other issues); until they land only tests call it.
#[allow(dead_code)]
impl DataArgs {
    /// The loader options these arguments describe.
    pub fn options(&self) -> LoadOptions {
        let clean = |v: &Option<Vec<String>>| {
            v.as_ref().map(|names| {
                names
                    .iter()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect()
            })
        };
        LoadOptions {
            date_column: self.date.clone(),
            date_format: self.date_format.clone(),
            target: Some(self.target.clone()),
            channels: clean(&self.channels),
            controls: clean(&self.controls),
        }
    }

    /// Reads and validates the CSV.
    pub fn load(&self) -> Result<WeeklyData, Box<dyn std::error::Error>> {
        Ok(load_weekly_csv_from_path(&self.path, &self.options())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        data: DataArgs,
    }

    #[test]
    fn parses_lists_and_defaults() {
        let cli = Cli::parse_from([
            "x",
            "data.csv",
            "--channels",
            "paid_search, email",
            "--controls",
            "",
        ]);
        let o = cli.data.options();
        assert_eq!(o.target.as_deref(), Some("revenue"));
        assert_eq!(
            o.channels,
            Some(vec!["paid_search".to_string(), "email".to_string()])
        );
        assert_eq!(o.controls, Some(vec![]));
        assert_eq!(o.date_column, None);
        let cli = Cli::parse_from(["x", "d.csv", "--date", "week", "--target", "sales"]);
        let o = cli.data.options();
        assert_eq!(o.date_column.as_deref(), Some("week"));
        assert_eq!(o.target.as_deref(), Some("sales"));
        assert_eq!(o.channels, None);
        assert_eq!(o.controls, None);
    }

    #[test]
    fn load_reports_missing_file() {
        let cli = Cli::parse_from(["x", "/nonexistent/weekly.csv"]);
        let err = cli.data.load().unwrap_err().to_string();
        assert!(err.contains("/nonexistent/weekly.csv"), "{err}");
    }
}
