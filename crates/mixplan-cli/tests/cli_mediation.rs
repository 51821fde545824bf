//! `mixplan mediation`: the effects, intervals and both splits as JSON, with the clicks read
//! from a `<mediator>_clicks` column or a `fact_marketing.csv`, or the mediator's spend; and
//! the errors for missing clicks and a missing social channel.

mod support;

use std::path::PathBuf;
use support::{failure, store_csv_path, success};

/// A scratch directory of this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mixplan-mediation-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The store's weekly rows and, per row, made-up whole clicks of paid search
/// (0.8 per search dollar plus 0.5 per social dollar).
fn store_with_clicks() -> (String, Vec<String>, Vec<(String, u64)>) {
    let text = std::fs::read_to_string(store_csv_path()).expect("store csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header").to_string();
    let names: Vec<&str> = header.split(',').collect();
    let at = |name: &str| names.iter().position(|n| *n == name).expect("column");
    let rows: Vec<String> = lines.map(String::from).collect();
    let clicks = rows
        .iter()
        .map(|row| {
            let fields: Vec<&str> = row.split(',').collect();
            let value = |name: &str| fields[at(name)].parse::<f64>().expect("number");
            let clicks = (0.8 * value("paid_search") + 0.5 * value("social")).round() as u64;
            (fields[0].to_string(), clicks)
        })
        .collect();
    (header, rows, clicks)
}

fn check_output(out: &serde_json::Value) {
    assert_eq!(out["mediator"], "paid_search");
    let social = &out["sources"][0];
    assert_eq!(social["channel"], "social");
    for key in ["direct", "indirect", "total", "indirect_share", "total_roi"] {
        let interval = &social[key];
        let get = |k: &str| interval[k].as_f64().unwrap_or(f64::NAN);
        assert!(
            get("lower") <= get("upper") && (get("level") - 0.9).abs() < 1e-12,
            "{key}: {interval}"
        );
    }
    let total = social["total"]["estimate"].as_f64().expect("total");
    let parts = social["direct"]["estimate"].as_f64().expect("direct")
        + social["indirect"]["estimate"].as_f64().expect("indirect");
    assert!((total - parts).abs() < 1e-6 * total.abs());
    let budget = out["splits"]["budget"].as_f64().expect("budget");
    for key in ["plain", "mediation_aware"] {
        let sum: f64 = out["splits"]["channels"]
            .as_array()
            .expect("channels")
            .iter()
            .map(|c| c[key].as_f64().expect("spend"))
            .sum();
        assert!(
            (sum - budget).abs() < 1e-6 * budget,
            "{key}: {sum} vs {budget}"
        );
    }
}

#[test]
fn clicks_from_a_column_of_the_data_file() {
    let (header, rows, clicks) = store_with_clicks();
    let mut text = format!("{header},paid_search_clicks\n");
    for (row, (_, c)) in rows.iter().zip(&clicks) {
        text.push_str(&format!("{row},{c}\n"));
    }
    let path = scratch("wide").join("data.csv");
    std::fs::write(&path, text).expect("write");
    // The plain loader takes every numeric column as a channel; name them (issue #14 item 1
    // asks the loader to leave `<channel>_clicks` out by itself).
    let out = success(&[
        "mediation",
        path.to_str().expect("path"),
        "--channels",
        "paid_search,email,display,social,affiliate",
        "--draws",
        "100",
    ]);
    assert_eq!(out["metric"], "clicks");
    assert_eq!(out["clicks_from"].as_str(), path.to_str());
    assert_eq!(out["splits"]["channels"].as_array().map(Vec::len), Some(5));
    check_output(&out);
}

#[test]
fn clicks_from_the_store_facts() {
    let (_, _, clicks) = store_with_clicks();
    let mut text = String::from("week,channel_id,spend,clicks\n");
    for (week, c) in &clicks {
        text.push_str(&format!("{week},paid_search,0,{c}\n{week},social,0,0\n"));
    }
    let path = scratch("facts").join("fact_marketing.csv");
    std::fs::write(&path, text).expect("write");
    let csv = store_csv_path();
    let out = success(&[
        "mediation",
        &csv,
        "--facts",
        path.to_str().expect("path"),
        "--draws",
        "100",
    ]);
    assert_eq!(out["clicks_from"].as_str(), path.to_str());
    check_output(&out);
}

#[test]
fn the_store_clicks_are_found_next_to_its_weekly_file() {
    let csv = store_csv_path();
    let out = success(&["mediation", &csv, "--draws", "100"]);
    assert_eq!(out["metric"], "clicks");
    assert!(
        out["clicks_from"]
            .as_str()
            .is_some_and(|p| p.ends_with("fact_marketing.csv")),
        "{}",
        out["clicks_from"]
    );
    check_output(&out);
}

#[test]
fn spend_as_the_mediator_needs_no_clicks() {
    let csv = store_csv_path();
    let out = success(&["mediation", &csv, "--metric", "spend", "--draws", "100"]);
    assert_eq!(out["metric"], "spend");
    assert!(out.get("clicks_from").is_none());
    check_output(&out);
}

#[test]
fn missing_clicks_and_sources_are_explained() {
    let csv = store_csv_path();
    let (header, rows, _) = store_with_clicks();
    // The store's weekly file alone, without the fact_marketing.csv beside it.
    let alone = scratch("alone").join("mmm_data.csv");
    std::fs::copy(&csv, &alone).expect("copy");
    let text = failure(&["mediation", alone.to_str().expect("path")]);
    assert!(text.contains("no clicks for paid_search: "), "{text}");
    assert!(text.contains("--metric spend"), "{text}");
    let text = failure(&["mediation", &csv, "--metric", "spend", "--source", "tv"]);
    assert!(text.contains("the data have no channel 'tv'"), "{text}");
    // The store without its social column.
    let names: Vec<&str> = header.split(',').collect();
    let social = names.iter().position(|n| *n == "social").expect("social");
    let drop = |line: &str| {
        line.split(',')
            .enumerate()
            .filter(|(j, _)| *j != social)
            .map(|(_, f)| f)
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut text = drop(&header) + "\n";
    for row in &rows {
        text.push_str(&(drop(row) + "\n"));
    }
    let path = scratch("nosocial").join("data.csv");
    std::fs::write(&path, text).expect("write");
    let text = failure(&[
        "mediation",
        path.to_str().expect("path"),
        "--metric",
        "spend",
    ]);
    assert!(
        text.contains("no social channel in the data (channels: paid_search, email, display, affiliate): name one with --source"),
        "{text}"
    );
}

/// `--form multiplicative`: stage 2 on ln revenue, removal effects (direct + indirect exceed
/// the total), the share on the log scale, and both splits of the same budget, the
/// mediation-aware one giving social more; the default form is additive.
#[test]
fn the_multiplicative_form_is_estimated_on_ln_revenue() {
    let csv = store_csv_path();
    let out = success(&[
        "mediation",
        &csv,
        "--form",
        "multiplicative",
        "--draws",
        "100",
    ]);
    assert_eq!(out["form"], "multiplicative");
    assert!(out.get("form_comparison").is_none());
    let social = &out["sources"][0];
    let estimate = |key: &str| social[key]["estimate"].as_f64().expect(key);
    for key in ["direct", "indirect", "total", "indirect_share", "total_roi"] {
        let interval = &social[key];
        let get = |k: &str| interval[k].as_f64().unwrap_or(f64::NAN);
        assert!(
            get("lower") <= get("estimate") && get("estimate") <= get("upper"),
            "{key}: {interval}"
        );
    }
    assert!(estimate("indirect") > 0.0, "{social}");
    // Removal effects overlap: the parts add up to more than the total.
    assert!(
        estimate("direct") + estimate("indirect") > estimate("total"),
        "{social}"
    );
    assert!(estimate("total") > estimate("direct").max(estimate("indirect")));
    let share = estimate("indirect_share");
    assert!((0.0..1.0).contains(&share), "{share}");
    let spend = social["spend"].as_f64().expect("spend");
    assert!((estimate("total_roi") - estimate("total") / spend).abs() < 1e-9);
    let budget = out["splits"]["budget"].as_f64().expect("budget");
    let channels = out["splits"]["channels"].as_array().expect("channels");
    for key in ["plain", "mediation_aware"] {
        let sum: f64 = channels.iter().map(|c| c[key].as_f64().expect(key)).sum();
        assert!((sum - budget).abs() < 1e-6 * budget, "{key}: {sum}");
    }
    let social_split = channels
        .iter()
        .find(|c| c["channel"] == "social")
        .expect("social");
    assert!(
        social_split["mediation_aware"].as_f64() > social_split["plain"].as_f64(),
        "{social_split}"
    );

    let additive = success(&["mediation", &csv, "--draws", "50"]);
    assert_eq!(additive["form"], "additive");
}

/// The multiplicative form needs revenue above zero every week, and says so.
#[test]
fn the_multiplicative_form_refuses_a_week_without_revenue() {
    let text = std::fs::read_to_string(store_csv_path()).expect("store csv");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let names: Vec<String> = lines[0].split(',').map(String::from).collect();
    let revenue = names.iter().position(|n| n == "revenue").expect("revenue");
    let mut fields: Vec<String> = lines[5].split(',').map(String::from).collect();
    fields[revenue] = "0".into();
    lines[5] = fields.join(",");
    let dir = scratch("zero");
    let path = dir.join("mmm_data.csv");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    std::fs::copy(
        std::path::Path::new(&store_csv_path()).with_file_name("fact_marketing.csv"),
        dir.join("fact_marketing.csv"),
    )
    .expect("copy facts");
    let text = failure(&[
        "mediation",
        path.to_str().expect("path"),
        "--form",
        "multiplicative",
    ]);
    assert!(text.contains("above zero"), "{text}");
}
