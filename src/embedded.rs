//! The data compiled into the app (no fetch at run time): the weekly matrix, the channel
//! dimension and the simulated store's ground truth, all from `data_processed/`, which the
//! project's own pipeline (`mixplan simulate` + `mixplan prepare`) writes. Of the ground
//! truth only the sections the page reads are embedded (`build.rs` writes them, compact).

use mixplan_core::data::WeeklyData;
use mixplan_core::data::loader::load_weekly_csv;
use mixplan_core::data::prepare::mmm_load_options;
use serde::Deserialize;

use crate::planner::scenario::ChannelInfo;

/// `data_processed/mmm_data.csv`: week, one spend column per channel, controls, revenue.
pub const MMM_DATA_CSV: &str = include_str!("../data_processed/mmm_data.csv");
/// `data_processed/dim_channel.csv`: id, name, kind.
pub const DIM_CHANNEL_CSV: &str = include_str!("../data_processed/dim_channel.csv");
/// The sections of `data_processed/ground_truth.json` that [`PageTruth`] reads, compact:
/// `build.rs` writes them (most of the whole file is the week-by-week decomposition, which
/// the page never shows).
pub const PAGE_TRUTH_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/page_truth.json"));

/// `week,clicks` of paid search, one row per week, from `data_processed/fact_marketing.csv`
/// (`build.rs` extracts them): the mediator of the "Social → search" panel.
pub const SEARCH_CLICKS_CSV: &str = include_str!(concat!(env!("OUT_DIR"), "/search_clicks.csv"));

/// Paid search's embedded weekly clicks for the given weeks, in their order, or `None` when
/// a week has no embedded row (the data are not the store's) or a row does not parse.
pub fn search_clicks_for(weeks: &[chrono::NaiveDate]) -> Option<Vec<f64>> {
    let by_week: std::collections::HashMap<&str, f64> = SEARCH_CLICKS_CSV
        .lines()
        .skip(1)
        .map(|line| {
            let (week, clicks) = line.split_once(',')?;
            Some((week, clicks.parse().ok()?))
        })
        .collect::<Option<_>>()?;
    weeks
        .iter()
        .map(|w| {
            by_week
                .get(w.format("%Y-%m-%d").to_string().as_str())
                .copied()
        })
        .collect()
}

/// The simulator's true parameters for one channel (the core's type, read from
/// `ground_truth.json`).
pub use mixplan_core::data::truth::ChannelTruth as TrueChannel;

/// The page's share of the simulator's ground truth. Each field is a top-level section of
/// `ground_truth.json` of the same name, listed in `PAGE_TRUTH_SECTIONS` in `build.rs`: to
/// read another section (say `pricing`), add it in both places.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct PageTruth {
    /// The true parameters and realised totals of each channel.
    channels: Vec<TrueChannel>,
}

/// The embedded data, parsed.
#[derive(Debug, Clone)]
pub struct EmbeddedData {
    /// The weekly matrix.
    pub data: WeeklyData,
    /// Channels in the matrix's column order.
    pub channels: Vec<ChannelInfo>,
    /// True parameters, in the same order (the data is simulated).
    pub truth: Vec<TrueChannel>,
}

/// Why the embedded data did not load (a build problem, never the user's).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EmbeddedDataError {
    /// `dim_channel.csv` is malformed.
    #[error("data_processed/dim_channel.csv: {0}; regenerate it with `mixplan prepare`")]
    Channels(String),
    /// `mmm_data.csv` did not load.
    #[error("data_processed/mmm_data.csv: {0}")]
    Matrix(String),
    /// `ground_truth.json` is malformed.
    #[error("data_processed/ground_truth.json: {0}; regenerate it with `mixplan prepare`")]
    Truth(String),
}

/// Parses the embedded files. Channels come from `dim_channel.csv` in its order; the matrix
/// is loaded with the options the pipeline that wrote it defines.
pub fn load() -> Result<EmbeddedData, EmbeddedDataError> {
    let mut reader = csv::Reader::from_reader(DIM_CHANNEL_CSV.as_bytes());
    let mut channels = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| EmbeddedDataError::Channels(e.to_string()))?;
        match (record.get(0), record.get(1)) {
            (Some(id), Some(name)) => channels.push(ChannelInfo {
                id: id.to_string(),
                name: name.to_string(),
            }),
            _ => {
                return Err(EmbeddedDataError::Channels(format!(
                    "row {record:?} lacks id and name"
                )));
            }
        }
    }
    let ids: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
    let options = mmm_load_options(&ids);
    let data = load_weekly_csv(MMM_DATA_CSV, &options)
        .map_err(|e| EmbeddedDataError::Matrix(e.to_string()))?;
    let truth: PageTruth = serde_json::from_str(PAGE_TRUTH_JSON)
        .map_err(|e| EmbeddedDataError::Truth(e.to_string()))?;
    let truth = channels
        .iter()
        .map(|c| {
            truth
                .channels
                .iter()
                .find(|t| t.id == c.id)
                .cloned()
                .ok_or_else(|| {
                    EmbeddedDataError::Truth(format!("no true parameters for channel {}", c.id))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(EmbeddedData {
        data,
        channels,
        truth,
    })
}

/// A quick fit for the app's tests: one sweep, no refinement and no random starts, so a
/// test gets a fitted model in well under a second.
#[cfg(test)]
pub(crate) fn quick_fit(data: &WeeklyData) -> mixplan_core::model::FittedModel {
    mixplan_core::model::ModelParams::new()
        .max_sweeps(1)
        .refine(false)
        .random_starts(0)
        .check()
        .expect("valid quick-fit settings")
        .fit(data, |_, _| {})
        .expect("the quick fit succeeds")
}

#[cfg(test)]
mod tests {
    use super::*;
    use mixplan_core::data::truth::GroundTruth;

    /// The whole file, for comparing the page's share with it (tests only: never in the page).
    const GROUND_TRUTH_JSON: &str = include_str!("../data_processed/ground_truth.json");

    #[test]
    fn the_store_weeks_get_paid_searchs_clicks_and_other_weeks_none() {
        let embedded = load().unwrap();
        let clicks = search_clicks_for(embedded.data.weeks()).unwrap();
        assert_eq!(clicks.len(), 156);
        // The first week's row of data_processed/fact_marketing.csv.
        let facts = include_str!("../data_processed/fact_marketing.csv");
        let first = facts
            .lines()
            .find(|l| l.split(',').nth(1) == Some("paid_search"))
            .unwrap();
        assert_eq!(
            clicks[0],
            first.split(',').nth(4).unwrap().parse::<f64>().unwrap()
        );
        let elsewhere = chrono::NaiveDate::from_ymd_opt(1999, 1, 4).unwrap();
        assert_eq!(search_clicks_for(&[elsewhere]), None);
    }

    #[test]
    fn page_truth_holds_the_whole_files_channels_and_not_its_weekly_decomposition() {
        let whole: GroundTruth = serde_json::from_str(GROUND_TRUTH_JSON).unwrap();
        let page: PageTruth = serde_json::from_str(PAGE_TRUTH_JSON).unwrap();
        assert_eq!(page.channels, whole.channels);
        let sections: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(PAGE_TRUTH_JSON).unwrap();
        assert!(sections.contains_key("channels"));
        for unused in ["weekly", "optimal", "description", "model"] {
            assert!(
                !sections.contains_key(unused),
                "the page's truth embeds `{unused}`, which the page never reads"
            );
        }
    }

    #[test]
    fn embedded_data_loads_with_five_channels_and_their_truth() {
        let embedded = load().unwrap();
        assert_eq!(embedded.data.len(), 156);
        let ids: Vec<&str> = embedded.channels.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["paid_search", "email", "display", "social", "affiliate"]
        );
        assert_eq!(embedded.data.channel_names(), ids);
        assert_eq!(embedded.truth.len(), 5);
        assert!(!embedded.data.controls().is_empty());
        let weeks = embedded.data.len() as f64;
        let total: f64 = embedded
            .data
            .channels()
            .iter()
            .map(|c| c.values.iter().sum::<f64>())
            .sum::<f64>()
            / weeks;
        assert!(
            (10_000.0..100_000.0).contains(&total),
            "historical weekly spend {total}"
        );
    }
}
