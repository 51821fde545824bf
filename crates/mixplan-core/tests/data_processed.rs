//! The committed `data_processed/` files are exactly what `mixplan simulate` (default seed)
//! followed by `mixplan prepare` produces; `mmm_data.csv` loads with the loader; `prepare`
//! rejects inconsistent raw records.
//!
//! To regenerate after a deliberate change to the simulator or the pipeline:
//!
//! ```text
//! cargo run -p mixplan-cli -- simulate --seed 42 --out target/raw
//! cargo run -p mixplan-cli -- prepare --raw target/raw --out data_processed
//! ```

use mixplan_core::data::prepare::{
    PrepareError, StarSchema, aggregate_weekly, mmm_load_options, prepare,
};
use mixplan_core::data::raw::RawStore;
use mixplan_core::data::simulate::{SimulateParams, Simulation, simulate};
use mixplan_core::data::truth::GroundTruth;
use mixplan_core::data::{LoadOptions, load_weekly_csv};
use std::path::PathBuf;
use std::sync::OnceLock;

fn sim() -> &'static Simulation {
    static SIM: OnceLock<Simulation> = OnceLock::new();
    SIM.get_or_init(|| simulate(&SimulateParams::default()).expect("default simulation"))
}

/// simulate → raw files (text) → parse → prepare: the same path as the two CLI commands.
fn schema_via_files() -> StarSchema {
    let (files, truth_json) = sim().to_files().unwrap();
    let raw = RawStore::from_files(&files).unwrap();
    let truth: GroundTruth = serde_json::from_str(&truth_json).unwrap();
    prepare(&raw, &truth).unwrap()
}

fn committed(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data_processed")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_files_are_reproduced_byte_for_byte() {
    let schema = schema_via_files();
    assert_eq!(schema, prepare(&sim().raw, &sim().truth).unwrap());
    for (name, generated) in schema.files() {
        let on_disk = committed(name);
        if on_disk != generated {
            let line = on_disk
                .lines()
                .zip(generated.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "length".to_string(), |i| format!("line {}", i + 1));
            panic!(
                "data_processed/{name} differs from simulate + prepare at {line}; \
                 regenerate it (see this file's docs) if the change is intended"
            );
        }
    }
}

#[test]
fn mmm_data_loads_with_default_and_explicit_options() {
    let text = committed("mmm_data.csv");
    let auto = load_weekly_csv(&text, &LoadOptions::default()).unwrap();
    let ids: Vec<&str> = sim().raw.channels.iter().map(|c| c.id.as_str()).collect();
    let explicit = load_weekly_csv(&text, &mmm_load_options(&ids)).unwrap();
    assert_eq!(auto, explicit);
    assert_eq!(
        auto.channel_names(),
        ["paid_search", "email", "display", "social", "affiliate"]
    );
    let controls: Vec<&str> = auto.controls().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(controls, ["price_index", "promotion", "holiday"]);
    assert_eq!(auto.len(), 156);
    // Exactly the aggregates the truth was computed on.
    assert_eq!(
        auto,
        aggregate_weekly(&sim().raw)
            .unwrap()
            .to_weekly_data()
            .unwrap()
    );
}

#[test]
fn star_schema_is_consistent() {
    let dim = committed("dim_channel.csv");
    assert_eq!(dim.lines().count(), 6);
    let facts = committed("fact_marketing.csv");
    assert_eq!(facts.lines().count(), 1 + 156 * 5);
    let wide = load_weekly_csv(&committed("mmm_data.csv"), &LoadOptions::default()).unwrap();
    // Long spend facts sum to the wide matrix's totals.
    for ch in wide.channels() {
        let long: f64 = facts
            .lines()
            .skip(1)
            .filter(|l| l.split(',').nth(1) == Some(ch.name.as_str()))
            .map(|l| l.split(',').nth(2).unwrap().parse::<f64>().unwrap())
            .sum();
        let wide_total: f64 = ch.values.iter().sum();
        assert!((long - wide_total).abs() < 0.01, "{}", ch.name);
    }
    let revenue = committed("fact_revenue.csv");
    assert!(revenue.starts_with(
        "week,revenue,orders,price_index,promotion,holiday,customers,cogs,average_price\n"
    ));
    let revenue_total: f64 = revenue
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((revenue_total - wide.target().iter().sum::<f64>()).abs() < 0.01);
}

#[test]
fn prepare_rejects_inconsistent_records() {
    let base = sim().raw.clone();
    let truth = &sim().truth;

    let mut raw = base.clone();
    raw.sales[10].revenue_cents += 1;
    assert!(matches!(
        prepare(&raw, truth).unwrap_err(),
        PrepareError::TruthMismatch(_)
    ));

    let mut raw = base.clone();
    raw.spend[0].spend_cents += 100_000;
    assert!(matches!(
        prepare(&raw, truth).unwrap_err(),
        PrepareError::TruthMismatch(_)
    ));

    let mut raw = base.clone();
    raw.spend[3].channel = "TV".into();
    let err = aggregate_weekly(&raw).unwrap_err();
    assert!(matches!(err, PrepareError::UnknownChannel { .. }));
    assert!(err.to_string().contains("`TV`"));

    let mut raw = base.clone();
    let dup = raw.spend[0].clone();
    raw.spend.push(dup);
    assert!(matches!(
        aggregate_weekly(&raw).unwrap_err(),
        PrepareError::DuplicateSpend { .. }
    ));

    let mut raw = base.clone();
    raw.sales.pop();
    assert!(matches!(
        aggregate_weekly(&raw).unwrap_err(),
        PrepareError::PartialWeek { days } if days == 156 * 7 - 1
    ));

    let mut raw = base.clone();
    raw.sales.remove(5);
    assert!(matches!(
        aggregate_weekly(&raw).unwrap_err(),
        PrepareError::DaysNotConsecutive { .. }
    ));

    let mut raw = base.clone();
    raw.sales.truncate(7 * 19);
    raw.spend.clear();
    assert!(matches!(
        aggregate_weekly(&raw).unwrap_err(),
        PrepareError::TooFewWeeks { found: 19, .. }
    ));

    let mut raw = base.clone();
    raw.channels[1].id = "Email Channel".into();
    assert!(matches!(
        aggregate_weekly(&raw).unwrap_err(),
        PrepareError::BadChannel { .. }
    ));

    let mut raw = base;
    let last = raw.sales.last().unwrap().date;
    raw.spend[0].date = last.succ_opt().unwrap();
    assert!(matches!(
        aggregate_weekly(&raw).unwrap_err(),
        PrepareError::SpendOutsideRange { .. }
    ));
}

/// The store's first 56 weeks are refused with the nearest length that works (57), not with
/// "needs at least 42", which 56 already is (the validation blocks grow a week at a time, so a
/// few lengths above the smallest accepted one leave the leading block a week short).
#[test]
fn too_few_weeks_names_the_nearest_length_that_works() {
    use mixplan_core::model::{FitError, ModelParams};
    let text = include_str!("../../../data_processed/mmm_data.csv");
    let data = mixplan_core::data::load_weekly_csv(text, &Default::default()).expect("store");
    let params = ModelParams::new().check().expect("valid");
    let short = data.first_weeks(56).expect("56 weeks");
    match params.start(&short) {
        Err(FitError::TooFewWeeks { weeks, required }) => {
            assert_eq!((weeks, required), (56, 57));
            let message = FitError::TooFewWeeks { weeks, required }.to_string();
            assert!(message.starts_with("56 weeks are too few for this model's cross-validation: the nearest number of weeks that works is 57"), "{message}");
        }
        other => panic!("expected TooFewWeeks, got {:?}", other.map(|_| ())),
    }
    // 57 weeks pass the count (whatever else such a short window may lack).
    assert!(!matches!(
        params.start(&data.first_weeks(57).expect("57 weeks")),
        Err(FitError::TooFewWeeks { .. })
    ));
}
