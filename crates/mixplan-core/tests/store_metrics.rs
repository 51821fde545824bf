//! The simulated store's issue-#14 data: the daily fact tables add up to the weekly ones,
//! the platform and business figures are coherent, the mediation truth adds up, revenue is
//! what it was before the new figures were added, and the injected anomalies show in the
//! daily table.

use mixplan_core::data::simulate::mediation::{INDIRECT_SHARE, VALUE_PER_CLICK};
use mixplan_core::data::simulate::{SimulateParams, Simulation, simulate};
use mixplan_core::data::truth::GroundTruth;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

fn sim() -> &'static Simulation {
    static SIM: OnceLock<Simulation> = OnceLock::new();
    SIM.get_or_init(|| simulate(&SimulateParams::default()).expect("default simulation"))
}

fn committed(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data_processed")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A CSV as (header, rows of fields).
fn table(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = committed(name);
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Money text → cents, exactly.
fn cents(text: &str) -> i64 {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    assert!(frac.len() <= 2, "`{text}` has more than 2 decimals");
    let frac = format!("{frac:0<2}");
    int.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

fn truth() -> GroundTruth {
    serde_json::from_str(&committed("ground_truth.json")).unwrap()
}

#[test]
fn the_files_have_the_contracted_columns() {
    let header = |name: &str| committed(name).lines().next().unwrap().to_string();
    assert_eq!(
        header("fact_marketing.csv"),
        "week,channel_id,spend,impressions,clicks,platform_revenue,conversions"
    );
    assert_eq!(
        header("fact_revenue.csv"),
        "week,revenue,orders,price_index,promotion,holiday,customers,cogs,average_price"
    );
    assert_eq!(
        header("fact_marketing_daily.csv"),
        "date,channel_id,spend,impressions,clicks,platform_revenue,conversions"
    );
    assert_eq!(
        header("fact_sales_daily.csv"),
        "date,revenue,orders,customers,cogs,average_price,price_index,promotion,holiday"
    );
    let (files, _) = sim().to_files().unwrap();
    assert!(
        files
            .daily_spend
            .starts_with("date,channel,spend,impressions,clicks,platform_revenue,conversions\n")
    );
    assert!(files.daily_sales.starts_with(
        "date,revenue,orders,price_index,discount,holiday,customers,cogs,average_price,promotion\n"
    ));
    assert_eq!(table("fact_marketing_daily.csv").1.len(), 156 * 7 * 5);
    assert_eq!(table("fact_sales_daily.csv").1.len(), 156 * 7);
}

#[test]
fn weekly_marketing_facts_sum_the_daily_ones() {
    let (dh, daily) = table("fact_marketing_daily.csv");
    let (wh, weekly) = table("fact_marketing.csv");
    let first = chrono::NaiveDate::from_ymd_opt(2022, 1, 3).unwrap();
    // (week index, channel) → sums of spend, impressions, clicks, platform revenue, conversions.
    let mut sums: HashMap<(i64, String), [i64; 5]> = HashMap::new();
    for r in &daily {
        let date: chrono::NaiveDate = r[col(&dh, "date")].parse().unwrap();
        let w = (date - first).num_days() / 7;
        let s = sums
            .entry((w, r[col(&dh, "channel_id")].clone()))
            .or_default();
        s[0] += cents(&r[col(&dh, "spend")]);
        s[1] += r[col(&dh, "impressions")].parse::<i64>().unwrap();
        s[2] += r[col(&dh, "clicks")].parse::<i64>().unwrap();
        s[3] += cents(&r[col(&dh, "platform_revenue")]);
        s[4] += r[col(&dh, "conversions")].parse::<i64>().unwrap();
    }
    assert_eq!(sums.len(), weekly.len());
    for r in &weekly {
        let week: chrono::NaiveDate = r[col(&wh, "week")].parse().unwrap();
        let key = (
            (week - first).num_days() / 7,
            r[col(&wh, "channel_id")].clone(),
        );
        let s = sums[&key];
        let expected = [
            cents(&r[col(&wh, "spend")]),
            r[col(&wh, "impressions")].parse().unwrap(),
            r[col(&wh, "clicks")].parse().unwrap(),
            cents(&r[col(&wh, "platform_revenue")]),
            r[col(&wh, "conversions")].parse().unwrap(),
        ];
        assert_eq!(s, expected, "{key:?}");
    }
}

#[test]
fn weekly_sales_facts_sum_the_daily_ones_and_revenue_is_unchanged() {
    let (dh, daily) = table("fact_sales_daily.csv");
    let (wh, weekly) = table("fact_revenue.csv");
    let (mh, mmm) = table("mmm_data.csv");
    assert_eq!(daily.len(), 7 * weekly.len());
    for (w, (week, wide)) in weekly.iter().zip(&mmm).enumerate() {
        let days = &daily[7 * w..7 * w + 7];
        let sum = |name: &str, parse: fn(&str) -> i64| -> i64 {
            days.iter().map(|d| parse(&d[col(&dh, name)])).sum()
        };
        let int = |t: &str| t.parse::<i64>().unwrap();
        let revenue = sum("revenue", cents);
        assert_eq!(revenue, cents(&week[col(&wh, "revenue")]), "week {w}");
        assert_eq!(revenue, cents(&wide[col(&mh, "revenue")]), "week {w}");
        assert_eq!(sum("orders", int), int(&week[col(&wh, "orders")]));
        assert_eq!(sum("customers", int), int(&week[col(&wh, "customers")]));
        assert_eq!(sum("cogs", cents), cents(&week[col(&wh, "cogs")]));
        // Weekly average price: the mean of the days', to the cent (half up).
        let price = sum("average_price", cents);
        assert_eq!(
            (2 * price + 7) / 14,
            cents(&week[col(&wh, "average_price")])
        );
    }
    // Revenue is what it was before issue #14 (the values committed then).
    let total: i64 = mmm.iter().map(|r| cents(&r[col(&mh, "revenue")])).sum();
    assert_eq!(total, 3_927_217_948);
    assert_eq!(mmm[0][col(&mh, "revenue")], "209581.58");
    assert_eq!(mmm[155][col(&mh, "revenue")], "218874.65");
    let social: i64 = mmm.iter().map(|r| cents(&r[col(&mh, "social")])).sum();
    assert_eq!(social, 83_820_220);
}

#[test]
fn platform_and_business_figures_are_coherent() {
    let (dh, daily) = table("fact_marketing_daily.csv");
    for r in &daily {
        let impressions: u64 = r[col(&dh, "impressions")].parse().unwrap();
        let clicks: u64 = r[col(&dh, "clicks")].parse().unwrap();
        assert!(clicks <= impressions, "{r:?}");
        if cents(&r[col(&dh, "spend")]) == 0 && r[col(&dh, "channel_id")] != "paid_search" {
            assert_eq!(impressions, 0, "{r:?}");
            assert_eq!(cents(&r[col(&dh, "platform_revenue")]), 0, "{r:?}");
        }
    }
    let (sh, sales) = table("fact_sales_daily.csv");
    let (mut revenue, mut cogs) = (0, 0);
    for r in &sales {
        let orders: u64 = r[col(&sh, "orders")].parse().unwrap();
        let customers: u64 = r[col(&sh, "customers")].parse().unwrap();
        assert!(customers <= orders, "{r:?}");
        let (y, c) = (cents(&r[col(&sh, "revenue")]), cents(&r[col(&sh, "cogs")]));
        assert!(0 < c && c < y, "{r:?}");
        revenue += y;
        cogs += c;
        let promotion: f64 = r[col(&sh, "promotion")].parse().unwrap();
        assert!((0.0..=0.3).contains(&promotion), "{r:?}");
    }
    let margin = 1.0 - cogs as f64 / revenue as f64;
    assert!((0.40..=0.55).contains(&margin), "gross margin {margin}");
    let business = truth().business.unwrap();
    assert!((business.gross_margin - margin).abs() < 1e-4);
    // Platforms over-credit themselves.
    for ch in truth().platform.unwrap().channels {
        assert!(
            (1.2..=2.6).contains(&ch.realised_attribution_ratio),
            "{}: {}",
            ch.channel,
            ch.realised_attribution_ratio
        );
    }
}

#[test]
fn the_mediation_truth_adds_up() {
    let truth = truth();
    let mediation = truth.mediation.clone().unwrap();
    assert_eq!(mediation.mediator, "paid_search");
    assert_eq!(mediation.metric, "clicks");
    assert_eq!(mediation.value_per_click, VALUE_PER_CLICK);
    let [source] = mediation.sources.as_slice() else {
        panic!("one source expected")
    };
    assert_eq!(source.channel, "social");
    assert_eq!(source.indirect_share, INDIRECT_SHARE);
    assert_eq!(INDIRECT_SHARE, 0.30);
    let social = truth.channels.iter().find(|c| c.id == "social").unwrap();
    assert_eq!(source.total_contribution, social.total_contribution);
    let weekly: f64 = truth.weekly.iter().map(|w| w.contributions["social"]).sum();
    assert!((source.total_contribution - weekly).abs() < 0.01 * 156.0);
    assert!(
        (source.direct_contribution + source.indirect_contribution - source.total_contribution)
            .abs()
            <= 0.01
    );
    assert!((source.indirect_contribution / source.total_contribution - 0.30).abs() < 1e-6);
    // Each week's extra clicks are rounded to a whole click: at most v/2 per week.
    let valued = source.extra_clicks as f64 * mediation.value_per_click;
    assert!(
        (valued - source.indirect_contribution).abs() <= 0.5 * VALUE_PER_CLICK * 156.0,
        "{valued} vs {}",
        source.indirect_contribution
    );
    // The extra clicks are in paid search's clicks: on its hold-out days (no spend) it
    // still reports the social-driven clicks, and over the data its clicks exceed them.
    let (dh, daily) = table("fact_marketing_daily.csv");
    let search: Vec<&Vec<String>> = daily
        .iter()
        .filter(|r| r[col(&dh, "channel_id")] == "paid_search")
        .collect();
    let clicks: u64 = search
        .iter()
        .map(|r| r[col(&dh, "clicks")].parse::<u64>().unwrap())
        .sum();
    assert!(clicks > source.extra_clicks);
    let dark: Vec<u64> = search
        .iter()
        .filter(|r| cents(&r[col(&dh, "spend")]) == 0)
        .map(|r| r[col(&dh, "clicks")].parse().unwrap())
        .collect();
    assert!(dark.len() >= 14, "{} hold-out days", dark.len());
    assert!(dark.iter().all(|&c| c > 0));
}

#[test]
fn pricing_truth_follows_from_the_controls() {
    let truth = truth();
    let pricing = truth.pricing.clone().unwrap();
    let gamma = |id: &str| {
        truth
            .controls
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .coefficient
    };
    let (mh, mmm) = table("mmm_data.csv");
    let values = |name: &str| -> Vec<f64> {
        mmm.iter()
            .map(|r| r[col(&mh, name)].parse().unwrap())
            .collect()
    };
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let elasticity = gamma("price_index") * mean(&values("price_index")) / mean(&values("revenue"));
    assert!((pricing.price_elasticity_at_means - elasticity).abs() < 1e-4);
    assert!((-1.6..=-1.2).contains(&pricing.price_elasticity_at_means));
    let promo: Vec<f64> = values("promotion")
        .into_iter()
        .filter(|&p| p > 0.0)
        .map(|p| gamma("promotion") * p)
        .collect();
    assert_eq!(pricing.promo_weeks, promo.len());
    assert!((pricing.promotion_lift_per_promo_week - mean(&promo)).abs() < 0.01);
}

/// A day's metric from the daily marketing facts (`None` without spend or delivery).
fn day_metric(row: &[String], header: &[String], metric: &str) -> Option<f64> {
    let spend = cents(&row[col(header, "spend")]) as f64 / 100.0;
    let impressions: f64 = row[col(header, "impressions")].parse().unwrap();
    let clicks: f64 = row[col(header, "clicks")].parse().unwrap();
    let revenue = cents(&row[col(header, "platform_revenue")]) as f64 / 100.0;
    if spend <= 0.0 || impressions <= 0.0 || clicks <= 0.0 {
        return None;
    }
    Some(match metric {
        "cpm" => 1000.0 * spend / impressions,
        "ctr" => clicks / impressions,
        "cpc" => spend / clicks,
        "platform_revenue" => revenue / spend,
        other => panic!("unknown anomaly metric {other}"),
    })
}

#[test]
fn the_injected_anomalies_stand_out_in_the_daily_table() {
    let anomalies = truth().platform.unwrap().anomalies;
    assert_eq!(anomalies.len(), 4);
    let (dh, daily) = table("fact_marketing_daily.csv");
    let rows: HashMap<(String, String), &Vec<String>> = daily
        .iter()
        .map(|r| ((r[0].clone(), r[1].clone()), r))
        .collect();
    for a in anomalies {
        let at = |offset: i64| {
            let date = a.date + chrono::Duration::days(offset);
            rows.get(&(date.to_string(), a.channel.clone()))
                .and_then(|r| day_metric(r, &dh, &a.metric))
        };
        let day = at(0).unwrap_or_else(|| panic!("{a:?}: no delivery that day"));
        let mut around: Vec<f64> = (-14..=14).filter(|&k| k != 0).filter_map(at).collect();
        assert!(around.len() >= 8, "{a:?}");
        around.sort_by(f64::total_cmp);
        let median = around[around.len() / 2];
        let ratio = day / median;
        // The day moves by most of the factor, beyond every other day of the four weeks.
        let (lo, hi) = (around[0] / median, around[around.len() - 1] / median);
        if a.factor > 1.0 {
            assert!(
                ratio > 1.0 + 0.7 * (a.factor - 1.0) && ratio > hi,
                "{a:?}: ×{ratio}"
            );
        } else {
            assert!(
                ratio < 1.0 - 0.7 * (1.0 - a.factor) && ratio < lo,
                "{a:?}: ×{ratio}"
            );
        }
    }
}
