//! The mapping path (read → inspect → suggested mapping → weeks) on the real and
//! third-party datasets in `../shared/datasets/` that the page's end-to-end tests load: the
//! suggestions alone must give a weekly matrix, with the spend columns as channels and no
//! count, rate or time index among them. A missing file skips its test visibly (see
//! `support/datasets.rs`).

mod support;

use mixplan_core::data::{Inspection, MappedRole, ReadOptions, build_weekly, inspect, read_table};
use support::datasets;

/// Reads, inspects and builds `relative`; `None` when the file is missing.
fn run(test: &str, relative: &str) -> Option<(Inspection, Vec<String>, usize)> {
    let path = datasets::shared_file(test, relative)?;
    let text = std::fs::read_to_string(&path).expect("readable");
    let table = read_table(&text, &ReadOptions::default()).expect("read");
    let found = inspect(&table).expect("inspect");
    for c in &found.columns {
        println!("{relative}: {} → {} ({})", c.name, c.role, c.reason);
    }
    let mapping = found.suggested_mapping().expect("mapping");
    let built = build_weekly(&table, &mapping).expect("build");
    let channels = built
        .data
        .channel_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    Some((found, channels, built.data.len()))
}

fn role(found: &Inspection, name: &str) -> MappedRole {
    found
        .columns
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.role)
        .expect("column")
}

#[test]
fn conjura() {
    let Some((found, channels, weeks)) = run("conjura", datasets::CONJURA_FILE) else {
        return;
    };
    assert_eq!(channels, datasets::CONJURA_CHANNELS);
    assert_eq!(weeks, 117);
    assert_eq!(role(&found, "revenue"), MappedRole::Target);
    assert_eq!(role(&found, "all_purchases"), MappedRole::Metric);
    assert_eq!(role(&found, "week_end"), MappedRole::Ignore);
    assert_eq!(role(&found, "trend"), MappedRole::Ignore);
    // The file's own Fourier terms are left out (the model makes its own seasonality), so
    // the suggestion is the mapping the model tests use: the two calendar flags as controls.
    for name in [
        "yearly_sin_1",
        "yearly_cos_1",
        "yearly_sin_2",
        "yearly_cos_2",
    ] {
        assert_eq!(role(&found, name), MappedRole::Ignore, "{name}");
    }
    let controls: Vec<&str> = found
        .columns
        .iter()
        .filter(|c| c.role == MappedRole::Control)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(controls, datasets::CONJURA_CONTROLS);
}

#[test]
fn robyn() {
    let Some((found, channels, weeks)) =
        run("robyn", "robyn_dt_simulated_weekly/dt_simulated_weekly.csv")
    else {
        return;
    };
    assert_eq!(
        channels,
        ["tv_S", "ooh_S", "print_S", "search_S", "facebook_S"]
    );
    assert_eq!(weeks, 208);
    assert_eq!(role(&found, "facebook_I"), MappedRole::Ignore);
    assert_eq!(role(&found, "search_clicks_P"), MappedRole::Ignore);
    assert_eq!(role(&found, "newsletter"), MappedRole::Control);
}

#[test]
fn meridian_national() {
    let Some((found, channels, weeks)) =
        run("meridian", "meridian_simulated/national_all_channels.csv")
    else {
        return;
    };
    assert_eq!(
        channels,
        [
            "Channel0_spend",
            "Channel1_spend",
            "Channel2_spend",
            "Channel3_spend",
            "Channel4_spend"
        ]
    );
    assert_eq!(weeks, 156);
    assert_eq!(role(&found, "conversions"), MappedRole::Target);
    assert_eq!(role(&found, "revenue_per_conversion"), MappedRole::Ignore);
}

#[test]
fn pymc() {
    let Some((found, channels, weeks)) = run("pymc", "pymc_marketing_mmm_example/mmm_example.csv")
    else {
        return;
    };
    assert_eq!(channels, ["x1", "x2"]);
    assert_eq!(weeks, 179);
    assert_eq!(role(&found, "t"), MappedRole::Ignore);
    assert_eq!(role(&found, "dayofyear"), MappedRole::Ignore);
    assert_eq!(role(&found, "event_1"), MappedRole::Control);
}

#[test]
fn meridian_geo_summed_over_geos() {
    let Some((found, channels, weeks)) = run("meridian_geo", "meridian_simulated/geo_media.csv")
    else {
        return;
    };
    assert_eq!(role(&found, "geo"), MappedRole::Dimension);
    assert_eq!(found.columns[0].values.len(), 20);
    assert_eq!(
        channels,
        [
            "Channel0_spend",
            "Channel1_spend",
            "Channel2_spend",
            "Channel3_spend"
        ]
    );
    assert_eq!(weeks, 156);
    assert_eq!(role(&found, "population"), MappedRole::Ignore);
}
