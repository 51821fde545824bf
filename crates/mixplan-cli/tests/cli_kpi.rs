//! `mixplan kpi`: the performance view of daily facts as JSON (cards equal to sums computed
//! here, a spike found as an alert), and its errors.

#[allow(dead_code)]
mod support;

use std::fmt::Write as _;
use std::path::PathBuf;
use support::{failure, success};

/// A deterministic jitter in [0.9, 1.1) for day `t` and stream `k`.
fn jitter(t: usize, k: usize) -> f64 {
    0.9 + ((t * 7919 + k * 104_729) % 97) as f64 / 97.0 * 0.2
}

/// One daily row: (spend, impressions, clicks, platform revenue, conversions) of channel
/// `k` on day `t`; Display's CPM is 3× its usual level on day 40.
fn row(t: usize, k: usize) -> [f64; 5] {
    let spend = ((100.0 + 50.0 * k as f64) * jitter(t, k) * 100.0).round() / 100.0;
    let cpm = 6.0 * jitter(t, k + 10) * if k == 0 && t == 40 { 3.0 } else { 1.0 };
    let impressions = (spend / cpm * 1000.0).round();
    let clicks = (impressions * 0.01 * jitter(t, k + 20)).round();
    let conversions = (clicks * 0.1 * jitter(t, k + 30)).round();
    let revenue = (conversions * 50.0 * 100.0).round() / 100.0;
    [spend, impressions, clicks, revenue, conversions]
}

const DAYS: usize = 84;
const CHANNELS: [&str; 2] = ["display", "paid_search"];

/// Writes 84 days from 2024-03-04 of the two daily tables into a fresh directory.
fn facts_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mixplan-cli-kpi-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 4).expect("date");
    let mut marketing =
        String::from("date,channel_id,spend,impressions,clicks,platform_revenue,conversions\n");
    let mut sales = String::from(
        "date,revenue,orders,customers,cogs,average_price,price_index,promotion,holiday\n",
    );
    for t in 0..DAYS {
        let date = start + chrono::Duration::days(t as i64);
        for (k, id) in CHANNELS.iter().enumerate() {
            let [s, i, c, r, v] = row(t, k);
            let _ = writeln!(marketing, "{date},{id},{s:.2},{i},{c},{r:.2},{v}");
        }
        let _ = writeln!(
            sales,
            "{date},{:.2},{},{},{:.2},40,1,0,0",
            1000.0 + t as f64,
            20 + t % 5,
            15,
            500.0
        );
    }
    std::fs::write(dir.join("fact_marketing_daily.csv"), marketing).expect("write");
    std::fs::write(dir.join("fact_sales_daily.csv"), sales).expect("write");
    std::fs::write(
        dir.join("dim_channel.csv"),
        "id,name,kind\ndisplay,Display,display\npaid_search,Paid Search,search\n",
    )
    .expect("write");
    dir
}

fn sum(rows: std::ops::Range<usize>, field: usize) -> f64 {
    rows.flat_map(|t| (0..CHANNELS.len()).map(move |k| row(t, k)[field]))
        .sum()
}

#[test]
fn kpi_prints_cards_equal_to_the_sums_their_change_trends_table_and_alerts() {
    let dir = facts_dir("ok");
    let dir_arg = dir.to_string_lossy().into_owned();
    // 2024-04-08 is day 35; the period is days 35–48, the previous one days 21–34.
    let out = success(&[
        "kpi",
        "--facts-dir",
        &dir_arg,
        "--from",
        "2024-04-08",
        "--to",
        "2024-04-21",
    ]);
    assert_eq!(out["rows"], 14);
    assert_eq!(out["granularity"], "daily");
    let card = |name: &str| {
        out["cards"]
            .as_array()
            .and_then(|cards| cards.iter().find(|c| c["kpi"] == name))
            .cloned()
            .unwrap_or_default()
    };
    let spend = sum(35..49, 0);
    let spend_before = sum(21..35, 0);
    let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-6 * b.abs().max(1.0));
    assert!(close(card("spend")["value"]["value"].as_f64(), spend));
    assert!(close(
        card("spend")["previous"]["value"].as_f64(),
        spend_before
    ));
    assert!(close(
        card("spend")["change_percent"]["value"].as_f64(),
        (spend - spend_before) / spend_before * 100.0
    ));
    let revenue: f64 = (35..49).map(|t| 1000.0 + t as f64).sum();
    assert!(close(
        card("roas")["value"]["value"].as_f64(),
        revenue / spend
    ));
    let cpm = spend / sum(35..49, 1) * 1000.0;
    assert!(close(card("cpm")["value"]["value"].as_f64(), cpm));
    assert!(close(
        card("gross_margin")["value"]["value"].as_f64(),
        1.0 - 14.0 * 500.0 / revenue
    ));
    assert_eq!(out["cards"].as_array().map(Vec::len), Some(8));
    // 8 KPIs × 2 windows, 14 dates each.
    assert_eq!(out["trends"].as_array().map(Vec::len), Some(16));
    assert_eq!(out["trends"][0]["dates"].as_array().map(Vec::len), Some(14));
    assert_eq!(out["channels"][0]["name"], "Display");
    let alerts = out["alerts"].as_array().expect("alerts");
    let spike = alerts
        .iter()
        .find(|a| a["metric"] == "cpm" && a["date"] == "2024-04-13")
        .expect("Display's CPM spike on day 40 is found");
    assert_eq!(spike["channel"], "Display");
    assert_eq!(spike["chart"], "perf-chart-display-cpm");
    assert!(
        spike["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Display CPM on 13 April 2024 was ")),
        "{spike}"
    );
    let series = out["alert_series"].as_array().expect("alert series");
    let cpm = series
        .iter()
        .find(|s| s["chart"] == "perf-chart-display-cpm")
        .expect("the spike's chart has its series");
    assert_eq!(cpm["values"].as_array().map(Vec::len), Some(14));
    let spike_value = cpm["values"][5].as_f64().unwrap_or(0.0);
    let usual = cpm["usual"][5].as_f64().unwrap_or(f64::INFINITY);
    assert!(spike_value > 2.0 * usual, "{spike_value} vs {usual}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn kpi_defaults_to_the_last_30_days() {
    let dir = facts_dir("default");
    let out = success(&["kpi", "--facts-dir", &dir.to_string_lossy()]);
    assert_eq!(out["rows"], 30);
    assert_eq!(out["end"], "2024-05-26");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn kpi_errors_say_what_is_missing_and_how_to_fix_it() {
    let dir = facts_dir("errors");
    let dir_arg = dir.to_string_lossy().into_owned();
    let stderr = failure(&[
        "kpi",
        "--facts-dir",
        &dir_arg,
        "--from",
        "2025-01-01",
        "--to",
        "2025-01-31",
    ]);
    assert!(
        stderr.contains("choose dates inside that range"),
        "{stderr}"
    );
    std::fs::write(
        dir.join("fact_sales_daily.csv"),
        "date,revenue\n2024-03-04,1\n",
    )
    .expect("write");
    let stderr = failure(&["kpi", "--facts-dir", &dir_arg]);
    assert!(
        stderr.contains("fact_sales_daily.csv lacks the column(s) orders, customers, cogs"),
        "{stderr}"
    );
    let stderr = failure(&["kpi", "--facts-dir", "no/such/dir"]);
    assert!(
        stderr.contains("mixplan prepare --raw raw --out no/such/dir"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}
