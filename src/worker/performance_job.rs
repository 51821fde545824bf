//! The Performance tab's job for the on-demand worker ([`super::on_demand`]): read the
//! facts and compute the core's [`PerformanceReport`] for a period. Plain Rust, tested
//! natively. The facts (and the code that reads them) stay out of the page's first download:
//! only the worker runs [`PerformanceJob::run`].

use std::collections::HashMap;

use chrono::NaiveDate;
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

/// `data_processed/fact_marketing_daily.csv`, compiled into the worker only (the page never
/// calls [`PerformanceJob::run`], so its wasm holds none of it).
const MARKETING_DAILY_CSV: &str = include_str!("../../data_processed/fact_marketing_daily.csv");
/// `data_processed/fact_sales_daily.csv`, likewise.
const SALES_DAILY_CSV: &str = include_str!("../../data_processed/fact_sales_daily.csv");

/// The demo's facts: the store's daily star-schema tables, named from `dim_channel.csv`.
fn demo_facts() -> Result<PerformanceData, PerformanceError> {
    let names = read_channel_names(crate::embedded::DIM_CHANNEL_CSV)?;
    read_daily_facts(MARKETING_DAILY_CSV, SALES_DAILY_CSV, &names)
}

impl PerformanceJob {
    /// Reads the facts and computes the view.
    pub fn run(&self) -> PerformanceOutcome {
        let data = match &self.source {
            PerformanceSource::Demo => demo_facts(),
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
