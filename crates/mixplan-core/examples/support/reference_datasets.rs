//! The project's reference datasets and how each maps onto a weekly matrix, shared by the
//! examples that measure the model on them (`conjura_gap`, `convergence_survey`) and by
//! `tests/posterior_real_data.rs` (each includes this file with `#[path]`). Paths are
//! relative to the shared datasets folder (`../shared/datasets/` beside the workspace, or
//! `$MIXPLAN_DATASETS_DIR`), except the store's, which is relative to the workspace.

use mixplan_core::data::LoadOptions;
use std::path::PathBuf;

/// The workspace's root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `relative` under the shared datasets folder: `$MIXPLAN_DATASETS_DIR` (relative to the
/// workspace) when set, else `../shared/datasets/` beside the workspace.
pub fn shared(relative: &str) -> PathBuf {
    match std::env::var_os("MIXPLAN_DATASETS_DIR") {
        Some(dir) if !dir.is_empty() => workspace().join(dir).join(relative),
        _ => workspace().join("../shared/datasets").join(relative),
    }
}

/// The real Conjura Food & Drink US series: revenue against four spend columns, with the
/// holiday and Black-Friday weeks as controls.
pub const CONJURA: &str = "conjura_weekly_food_drink_us/mmm_weekly_data.csv";

/// How [`CONJURA`] is read.
pub fn conjura_options(controls: &[&str]) -> LoadOptions {
    LoadOptions::new()
        .date_column("week_start")
        .target("revenue")
        .channels([
            "spend_google_search",
            "spend_google_shopping_pmax",
            "spend_meta",
            "spend_tiktok",
        ])
        .controls(controls.to_vec())
}

/// Conjura's calendar controls.
pub const CONJURA_CONTROLS: [&str; 2] = ["us_federal_holiday_week", "bfcm_week"];

/// The simulated store, relative to the workspace.
pub const STORE: &str = "data_processed/mmm_data.csv";

/// How [`STORE`] is read.
pub fn store_options() -> LoadOptions {
    LoadOptions::new()
        .target("revenue")
        .controls(["price_index", "promotion", "holiday"])
}

/// The third-party simulated datasets: name, path under the shared folder, how it is read.
pub fn third_party() -> Vec<(&'static str, &'static str, LoadOptions)> {
    vec![
        (
            "PyMC-Marketing example",
            "pymc_marketing_mmm_example/mmm_example.csv",
            LoadOptions::new()
                .date_column("date_week")
                .target("y")
                .channels(["x1", "x2"])
                .controls(["event_1", "event_2"]),
        ),
        (
            "Robyn dt_simulated_weekly",
            "robyn_dt_simulated_weekly/dt_simulated_weekly.csv",
            LoadOptions::new()
                .date_column("DATE")
                .target("revenue")
                .channels(["tv_S", "ooh_S", "print_S", "search_S", "facebook_S"])
                .controls(["competitor_sales_B", "newsletter"]),
        ),
        (
            "Meridian national_all_channels",
            "meridian_simulated/national_all_channels.csv",
            LoadOptions::new()
                .date_column("time")
                .target("conversions")
                .channels((0..5).map(|i| format!("Channel{i}_spend")))
                .controls([
                    "competitor_sales_control",
                    "sentiment_score_control",
                    "Promo",
                ]),
        ),
    ]
}
