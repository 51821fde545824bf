//! The loader on every real or third-party dataset in `../shared/datasets/` (relative to the
//! workspace root), each with a small explicit column mapping. Facts asserted come from the
//! datasets' PROVENANCE.md files. A missing file skips its test visibly, or fails it under
//! CI (`MIXPLAN_REQUIRE_DATASETS=1`; see `support/datasets.rs`).

mod support;

use mixplan_core::data::{LoadOptions, WeeklyData, load_weekly_csv};
use support::datasets::{self, CONJURA_CHANNELS, CONJURA_CONTROLS, CONJURA_FILE, conjura_options};

/// Loads `relative` under the shared datasets directory, or `None` when it is missing and
/// datasets are not required.
fn load(test: &str, relative: &str, options: &LoadOptions) -> Option<WeeklyData> {
    let path = datasets::shared_file(test, relative)?;
    Some(datasets::load(&path, options))
}

fn total(values: &[f64]) -> f64 {
    values.iter().sum()
}

fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= rel * expected.abs(),
        "{what}: {actual} not within {rel} of {expected}"
    );
}

#[test]
fn conjura_weekly_food_drink_us() {
    let Some(d) = load(
        "conjura_weekly_food_drink_us",
        CONJURA_FILE,
        &conjura_options(),
    ) else {
        return;
    };
    assert_eq!(d.len(), 117);
    assert_eq!(d.weeks()[0].to_string(), "2021-10-15");
    assert_eq!(d.weeks()[116].to_string(), "2024-01-05");
    assert_eq!(d.channel_names(), CONJURA_CHANNELS);
    let controls: Vec<&str> = d.controls().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(controls, CONJURA_CONTROLS);
    let spend: f64 = d.channels().iter().map(|c| total(&c.values)).sum();
    assert_close(spend, 8.16e6, 0.01, "total spend");
    assert_close(total(d.target()), 22.0e6, 0.01, "total revenue");
    let tiktok_weeks = d.channels()[3].values.iter().filter(|&&v| v > 0.0).count();
    assert_eq!(tiktok_weeks, 115);
    assert!(d.control("bfcm_week").unwrap().values.iter().sum::<f64>() >= 2.0);
}

#[test]
fn robyn_dt_simulated_weekly() {
    let opts = LoadOptions::new()
        .date_column("DATE")
        .target("revenue")
        .channels(["tv_S", "ooh_S", "print_S", "search_S", "facebook_S"])
        .controls(["competitor_sales_B", "newsletter"]);
    let Some(d) = load(
        "robyn_dt_simulated_weekly",
        "robyn_dt_simulated_weekly/dt_simulated_weekly.csv",
        &opts,
    ) else {
        return;
    };
    assert_eq!(d.len(), 208);
    assert_eq!(d.weeks()[0].to_string(), "2015-11-23");
    assert_eq!(d.weeks()[207].to_string(), "2019-11-11");
    assert_eq!(
        d.channel_names(),
        ["tv_S", "ooh_S", "print_S", "search_S", "facebook_S"]
    );
    for (name, expected) in [
        ("tv_S", 3.09e6),
        ("ooh_S", 8.99e6),
        ("print_S", 0.78e6),
        ("search_S", 1.23e6),
        ("facebook_S", 0.45e6),
    ] {
        assert_close(
            total(&d.channel(name).unwrap().values),
            expected,
            0.01,
            name,
        );
    }
    assert_close(
        total(d.target()) / 208.0,
        1.82e6,
        0.01,
        "mean weekly revenue",
    );
    // TV, OOH and print are flighted: non-zero in 85 to 92 of the 208 weeks.
    for name in ["tv_S", "ooh_S", "print_S"] {
        let on = d
            .channel(name)
            .unwrap()
            .values
            .iter()
            .filter(|&&v| v > 0.0)
            .count();
        assert!((85..=92).contains(&on), "{name} on in {on} weeks");
    }
}

#[test]
fn meridian_national_all_channels() {
    let channels: Vec<String> = (0..5).map(|i| format!("Channel{i}_spend")).collect();
    let opts = LoadOptions::new()
        .date_column("time")
        .target("conversions")
        .channels(channels.clone())
        .controls([
            "competitor_sales_control",
            "sentiment_score_control",
            "Promo",
        ]);
    let Some(d) = load(
        "meridian_national_all_channels",
        "meridian_simulated/national_all_channels.csv",
        &opts,
    ) else {
        return;
    };
    assert_eq!(d.len(), 156);
    assert_eq!(d.weeks()[0].to_string(), "2021-01-25");
    assert_eq!(d.weeks()[155].to_string(), "2024-01-15");
    assert_eq!(d.target_name(), "conversions");
    assert_eq!(d.channel_names(), channels);
    assert_eq!(d.controls().len(), 3);
    // Totals computed independently (Python csv module) from the same file.
    for (i, expected) in [40.50e6, 31.32e6, 12.08e6, 87.86e6, 47.73e6]
        .into_iter()
        .enumerate()
    {
        assert_close(
            total(&d.channels()[i].values),
            expected,
            0.001,
            &channels[i],
        );
    }
    // Channel2 is paused in 4 weeks; the others always run.
    let zero_weeks = d.channels()[2].values.iter().filter(|&&v| v == 0.0).count();
    assert_eq!(zero_weeks, 4);
}

#[test]
fn meridian_national_media() {
    let opts = LoadOptions::new()
        .date_column("time")
        .target("conversions")
        .channels((0..4).map(|i| format!("Channel{i}_spend")))
        .controls([
            "competitor_activity_score_control",
            "sentiment_score_control",
        ]);
    let Some(d) = load(
        "meridian_national_media",
        "meridian_simulated/national_media.csv",
        &opts,
    ) else {
        return;
    };
    assert_eq!(d.len(), 156);
    for (i, expected) in [27.2e6, 29.4e6, 27.7e6, 37.4e6].into_iter().enumerate() {
        assert_close(
            total(&d.channels()[i].values),
            expected,
            0.005,
            &d.channels()[i].name,
        );
    }
    // revenue = conversions × revenue_per_conversion ≈ 1.14 B; check it through the raw file.
    let raw = std::fs::read_to_string(
        datasets::shared_dir().join("meridian_simulated/national_media.csv"),
    )
    .unwrap();
    let rpc = load_weekly_csv(
        &raw,
        &LoadOptions::new()
            .target("revenue_per_conversion")
            .channels(["Channel0_spend"])
            .controls::<&str>([]),
    )
    .unwrap();
    let revenue: f64 = d
        .target()
        .iter()
        .zip(rpc.target())
        .map(|(c, p)| c * p)
        .sum();
    assert_close(revenue, 1.14e9, 0.01, "revenue");
}

#[test]
fn pymc_marketing_mmm_example() {
    let opts = LoadOptions::new()
        .date_column("date_week")
        .target("y")
        .channels(["x1", "x2"])
        .controls(["event_1", "event_2", "t"]);
    let Some(d) = load(
        "pymc_marketing_mmm_example",
        "pymc_marketing_mmm_example/mmm_example.csv",
        &opts,
    ) else {
        return;
    };
    assert_eq!(d.len(), 179);
    assert_eq!(d.weeks()[0].to_string(), "2018-04-02");
    assert_eq!(d.weeks()[178].to_string(), "2021-08-30");
    assert_close(total(&d.channels()[0].values), 55.33, 0.001, "x1");
    assert_close(total(&d.channels()[1].values), 28.97, 0.001, "x2");
    assert_close(total(d.target()), 946_006.0, 0.0001, "y");
    assert_eq!(total(&d.control("event_1").unwrap().values), 1.0);
    // `t` is PyMC's time index (0, 1, …, 178): a trend, loaded as a control, never a channel.
    assert_eq!(d.channel_names(), ["x1", "x2"]);
    assert!(d.channel("t").is_none());
    let t = &d.control("t").expect("t is loaded as a control").values;
    assert!(t.iter().enumerate().all(|(i, &v)| v == i as f64), "{t:?}");
}

/// Auto-detection on the real Conjura file, given only the date column: the file's time index
/// (`trend`) and Fourier terms (`yearly_sin/cos_1…2`) are left out, since the model makes its
/// own trend and seasonality, so the detected roles are the intended mapping (before, they
/// were taken as controls and forced seasonality order 2 on the fit: holdout R² 0.269
/// against 0.389, docs/model.md).
#[test]
fn conjura_auto_detection_is_the_intended_mapping() {
    let Some(d) = load(
        "conjura_auto_detection_is_the_intended_mapping",
        CONJURA_FILE,
        &LoadOptions::new().date_column("week_start"),
    ) else {
        return;
    };
    assert_eq!(d.channel_names(), CONJURA_CHANNELS);
    let controls: Vec<&str> = d.controls().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(controls, CONJURA_CONTROLS);
    assert_eq!(
        d,
        load(
            "conjura_auto_detection_is_the_intended_mapping",
            CONJURA_FILE,
            &conjura_options()
        )
        .expect("present")
    );
}

/// Auto-detection on a real file: given only the target and the two spend columns, the
/// date column and the controls named like controls are found without being told, and
/// PyMC's time index `t` (a trend, not spend, and not named like a control) is left out.
#[test]
fn pymc_marketing_auto_detection() {
    let Some(d) = load(
        "pymc_marketing_auto_detection",
        "pymc_marketing_mmm_example/mmm_example.csv",
        &LoadOptions::new().target("y").channels(["x1", "x2"]),
    ) else {
        return;
    };
    assert_eq!(d.weeks()[0].to_string(), "2018-04-02");
    assert_eq!(d.len(), 179);
    let controls: Vec<_> = d.controls().iter().map(|c| c.name.as_str()).collect();
    // `dayofyear` is what PyMC-Marketing makes its Fourier terms from: a seasonality term,
    // which mixplan makes itself, so it is not detected as a control.
    assert_eq!(controls, ["event_1", "event_2"]);
    assert_eq!(d.channel_names(), ["x1", "x2"]);
    assert!(d.channel("t").is_none() && d.control("t").is_none());
}

/// With the controls named (`t` among them), the channels are detected: every other numeric
/// column, so x1 and x2 and nothing else.
#[test]
fn pymc_marketing_channels_detected_around_named_controls() {
    let Some(d) = load(
        "pymc_marketing_channels_detected_around_named_controls",
        "pymc_marketing_mmm_example/mmm_example.csv",
        &LoadOptions::new()
            .target("y")
            .controls(["event_1", "event_2", "dayofyear", "t"]),
    ) else {
        return;
    };
    assert_eq!(d.weeks()[0].to_string(), "2018-04-02");
    assert_eq!(d.channel_names(), ["x1", "x2"]);
    assert_eq!(d.control("t").map(|c| c.values[178]), Some(178.0));
}
