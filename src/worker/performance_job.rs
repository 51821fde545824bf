//! The Performance tab's job for the on-demand worker ([`super::on_demand`]): read the
//! facts and compute the core's [`PerformanceReport`] for a period. Plain Rust, tested
//! natively. The facts (and the code that reads them) stay out of the page's first download:
//! only the worker runs [`PerformanceJob::run`]. The demo's facts are not downloaded at all:
//! the worker regenerates the store's daily tables with the core's simulator
//! ([`store_daily_tables`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use mixplan_core::data::prepare::daily_tables;
use mixplan_core::data::simulate::{SimulateParams, simulate};
use mixplan_core::performance::{
    AlertParams, PerformanceData, PerformanceError, PerformanceReport, Period, performance_report,
    read_channel_names, read_daily_facts, read_wide_table,
};
use serde::{Deserialize, Serialize};

/// Where the facts come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PerformanceSource {
    /// The built-in store.
    Demo,
    /// A user's wide table (CSV text) and the model's channel columns.
    Wide {
        /// The file's text.
        text: String,
        /// The channel (spend) columns.
        channels: Vec<String>,
    },
}

/// The period the user picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodChoice {
    /// The last `n` days of the data.
    LastDays(u32),
    /// From one date to another, both included.
    Between(NaiveDate, NaiveDate),
}

/// Page → worker: compute the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerformanceJob {
    /// The facts.
    pub source: PerformanceSource,
    /// The period.
    pub period: PeriodChoice,
    /// The model's ROI per channel id, for the channel table.
    pub model_roi: HashMap<String, f64>,
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PerformanceOutcome {
    /// The view.
    Ready(PerformanceReport),
    /// The data lack these columns.
    Missing(Vec<String>),
    /// Another problem, in plain language.
    Failed(String),
}

/// The seed of the committed store (`mixplan simulate --seed 42`, docs/data.md).
const STORE_SEED: u64 = 42;

/// The store's daily tables `(fact_marketing_daily.csv, fact_sales_daily.csv)`, regenerated
/// as `data_processed/` is produced: the core's simulator with seed 42, then `prepare`'s
/// daily-table writer. The worker regenerates them rather than embedding ~300 KB of CSV in
/// the download; a native test checks they equal the committed files byte for byte.
///
/// # Errors
/// The simulator's or the pipeline's message (an internal error: the store's parameters
/// are fixed).
pub fn store_daily_tables() -> Result<(String, String), String> {
    let params = SimulateParams {
        seed: STORE_SEED,
        ..SimulateParams::default()
    };
    let simulation = simulate(&params).map_err(|e| e.to_string())?;
    daily_tables(&simulation.raw).map_err(|e| e.to_string())
}

/// The demo's facts: the store's daily star-schema tables ([`store_daily_tables`]), named
/// from `dim_channel.csv`. Regenerated the first time the tab asks, then kept for the
/// worker's life (the same facts every time, so a restarted worker answers as the first).
fn demo_facts() -> &'static Result<PerformanceData, String> {
    static DEMO: OnceLock<Result<PerformanceData, String>> = OnceLock::new();
    DEMO.get_or_init(|| {
        let (marketing, sales) = store_daily_tables()?;
        let names =
            read_channel_names(crate::embedded::DIM_CHANNEL_CSV).map_err(|e| e.to_string())?;
        read_daily_facts(&marketing, &sales, &names).map_err(|e| e.to_string())
    })
}

impl PerformanceJob {
    /// Reads the facts and computes the view.
    pub fn run(&self) -> PerformanceOutcome {
        let data = match &self.source {
            PerformanceSource::Demo => match demo_facts() {
                Ok(data) => Ok(data.clone()),
                Err(message) => return PerformanceOutcome::Failed(message.clone()),
            },
            PerformanceSource::Wide { text, .. } if text.is_empty() => {
                return PerformanceOutcome::Failed(
                    "the page keeps your weekly table, not your file: load the file again to see its performance figures".into(),
                );
            }
            PerformanceSource::Wide { text, channels } => read_wide_table(text, channels),
        };
        let data = match data {
            Ok(data) => data,
            Err(PerformanceError::MissingColumns { missing, .. }) => {
                return PerformanceOutcome::Missing(missing);
            }
            Err(error) => return PerformanceOutcome::Failed(error.to_string()),
        };
        let period = match self.period {
            PeriodChoice::LastDays(days) => Ok(Period::last_days(&data, days)),
            PeriodChoice::Between(start, end) => Period::between(&data, start, end),
        };
        let params = AlertParams::default().check();
        match (period, params) {
            (Ok(period), Ok(params)) => PerformanceOutcome::Ready(performance_report(
                &data,
                &period,
                &self.model_roi,
                &params,
            )),
            (Err(error), _) | (_, Err(error)) => PerformanceOutcome::Failed(error.to_string()),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// The committed file `data_processed/NAME`.
    fn committed(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data_processed")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn the_regenerated_daily_tables_are_the_committed_files_byte_for_byte() {
        let (marketing, sales) = store_daily_tables().expect("the store simulates");
        // Compare lengths and the first differing line first: a 300 KB diff is unreadable.
        for (name, generated) in [
            ("fact_marketing_daily.csv", marketing),
            ("fact_sales_daily.csv", sales),
        ] {
            let on_disk = committed(name);
            let first_difference = on_disk
                .lines()
                .zip(generated.lines())
                .position(|(a, b)| a != b);
            assert_eq!(
                first_difference, None,
                "{name}: first differing line (0-based)"
            );
            assert_eq!(on_disk.len(), generated.len(), "{name}: length");
            assert!(on_disk == generated, "{name} differs");
        }
    }

    #[test]
    fn the_demo_reads_the_stores_daily_tables() {
        let job = PerformanceJob {
            source: PerformanceSource::Demo,
            period: PeriodChoice::LastDays(30),
            model_roi: HashMap::new(),
        };
        let PerformanceOutcome::Ready(report) = job.run() else {
            panic!("the store's daily tables are complete");
        };
        assert_eq!(report.rows, 30);
        assert_eq!(report.end.to_string(), "2024-12-29");
        assert_eq!(report.channels.len(), 5);
        assert_eq!(report.channels[0].name, "Paid Search");
    }

    #[test]
    fn a_wide_table_lacking_platform_columns_lists_them() {
        let text = "date,search,revenue\n2024-05-01,1,2\n2024-05-02,1,2\n";
        let job = PerformanceJob {
            source: PerformanceSource::Wide {
                text: text.into(),
                channels: vec!["search".into()],
            },
            period: PeriodChoice::LastDays(30),
            model_roi: HashMap::new(),
        };
        let PerformanceOutcome::Missing(missing) = job.run() else {
            panic!("no platform columns");
        };
        assert!(
            missing.contains(&"search_impressions".to_string()),
            "{missing:?}"
        );
        assert!(missing.contains(&"cogs".to_string()), "{missing:?}");
    }

    #[test]
    fn a_wide_table_gives_the_cards_of_the_period() {
        let text = "\
date,search,search_impressions,search_clicks,search_platform_revenue,search_conversions,revenue,orders,customers,cogs
2024-05-01,100,50000,500,900,10,800,20,15,400
2024-05-02,200,50000,500,900,10,1000,25,15,400
";
        let job = PerformanceJob {
            source: PerformanceSource::Wide {
                text: text.into(),
                channels: vec!["search".into()],
            },
            period: PeriodChoice::LastDays(1),
            model_roi: HashMap::from([("search".to_string(), 1.5)]),
        };
        let PerformanceOutcome::Ready(report) = job.run() else {
            panic!("complete table");
        };
        assert_eq!(report.cards[0].value.value, Some(200.0));
        assert_eq!(report.cards[0].previous.value, Some(100.0));
        assert_eq!(report.channels[0].model_roi, Some(1.5));
    }
}
