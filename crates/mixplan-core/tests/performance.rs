//! The performance figures: each KPI formula on a hand-made table, the change against the
//! previous period, trailing trends, the channel table, the readers' errors, and the alerts
//! (almost none on white noise; injected spikes found with their date and size).

use chrono::NaiveDate;
use mixplan_core::performance::{
    AlertMetric, AlertParams, BusinessFacts, ChannelFacts, Granularity, Kpi, PerformanceData,
    PerformanceError, Period, alerts, channel_table, kpi_cards, read_daily_facts, read_wide_table,
    trend, trend_windows,
};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use std::collections::HashMap;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn days_from(start: &str, n: usize) -> Vec<NaiveDate> {
    let first = date(start);
    (0..n)
        .map(|i| first + chrono::Duration::days(i as i64))
        .collect()
}

fn channel(id: &str, name: &str, rows: &[[f64; 5]]) -> ChannelFacts {
    ChannelFacts {
        id: id.into(),
        name: name.into(),
        spend: rows.iter().map(|r| r[0]).collect(),
        impressions: rows.iter().map(|r| r[1]).collect(),
        clicks: rows.iter().map(|r| r[2]).collect(),
        platform_revenue: rows.iter().map(|r| r[3]).collect(),
        conversions: rows.iter().map(|r| r[4]).collect(),
    }
}

/// Four days, two channels. Days 1–2 are the previous period of days 3–4.
/// Sums over days 3–4: spend 100+60+140+40 = 340, impressions 50k+30k+70k+10k = 160k,
/// clicks 500+300+900+100 = 1800, conversions 10+6+20+4 = 40, revenue 900+1100 = 2000,
/// orders 20+30 = 50, cogs 500+600 = 1100.
/// Days 1–2: spend 80+20+100+20 = 220, impressions 40k+10k+50k+10k = 110k, clicks
/// 400+100+500+100 = 1100, conversions 8+2+10+2 = 22, revenue 600+800 = 1400, orders
/// 20+20 = 40, cogs 300+400 = 700.
fn hand_table() -> PerformanceData {
    let search = channel(
        "paid_search",
        "Paid Search",
        &[
            [80.0, 40_000.0, 400.0, 700.0, 8.0],
            [100.0, 50_000.0, 500.0, 900.0, 10.0],
            [100.0, 50_000.0, 500.0, 800.0, 10.0],
            [140.0, 70_000.0, 900.0, 1_200.0, 20.0],
        ],
    );
    let display = channel(
        "display",
        "Display",
        &[
            [20.0, 10_000.0, 100.0, 50.0, 2.0],
            [20.0, 10_000.0, 100.0, 50.0, 2.0],
            [60.0, 30_000.0, 300.0, 90.0, 6.0],
            [40.0, 10_000.0, 100.0, 30.0, 4.0],
        ],
    );
    let business = BusinessFacts {
        revenue: vec![600.0, 800.0, 900.0, 1_100.0],
        orders: vec![20.0, 20.0, 20.0, 30.0],
        customers: vec![15.0, 15.0, 18.0, 25.0],
        cogs: vec![300.0, 400.0, 500.0, 600.0],
    };
    PerformanceData::new(days_from("2024-05-01", 4), vec![search, display], business)
        .expect("valid hand table")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn every_kpi_formula_on_a_hand_made_table_with_its_change() {
    let data = hand_table();
    let period = Period::between(&data, date("2024-05-03"), date("2024-05-04")).expect("period");
    let cards = kpi_cards(&data, &period);
    let expected: [(Kpi, f64, f64); 8] = [
        (Kpi::Spend, 340.0, 220.0),
        (Kpi::Revenue, 2000.0, 1400.0),
        (Kpi::Roas, 2000.0 / 340.0, 1400.0 / 220.0),
        (Kpi::Cpa, 340.0 / 40.0, 220.0 / 22.0),
        (Kpi::Ctr, 1800.0 / 160_000.0, 1100.0 / 110_000.0),
        (
            Kpi::Cpm,
            340.0 / 160_000.0 * 1000.0,
            220.0 / 110_000.0 * 1000.0,
        ),
        (Kpi::AverageOrderValue, 2000.0 / 50.0, 1400.0 / 40.0),
        (
            Kpi::GrossMargin,
            (2000.0 - 1100.0) / 2000.0,
            (1400.0 - 700.0) / 1400.0,
        ),
    ];
    assert_eq!(cards.len(), 8);
    for (card, (kpi, now, before)) in cards.iter().zip(expected) {
        assert_eq!(card.kpi, kpi);
        let value = card.value.value.expect("defined");
        let previous = card.previous.value.expect("defined");
        assert!(close(value, now), "{kpi:?}: {value} vs {now}");
        assert!(close(previous, before), "{kpi:?}: {previous} vs {before}");
        let change = card.change.value.expect("defined");
        let pct = card.change_percent.value.expect("defined");
        assert!(close(change, now - before), "{kpi:?} change {change}");
        assert!(
            close(pct, (now - before) / before * 100.0),
            "{kpi:?} % {pct}"
        );
    }
    // CPA fell from 10 to 8.5: −15 %.
    assert!(close(cards[3].change_percent.value.unwrap_or(0.0), -15.0));
}

#[test]
fn undefined_ratios_and_a_missing_previous_period_are_none_with_a_reason() {
    let zero = channel("tv", "TV", &[[0.0, 0.0, 0.0, 0.0, 0.0]; 3]);
    let business = BusinessFacts {
        revenue: vec![0.0; 3],
        orders: vec![0.0; 3],
        customers: vec![0.0; 3],
        cogs: vec![0.0; 3],
    };
    let data =
        PerformanceData::new(days_from("2024-01-01", 3), vec![zero], business).expect("valid");
    let period = Period::between(&data, date("2024-01-02"), date("2024-01-03")).expect("period");
    let cards = kpi_cards(&data, &period);
    for card in &cards {
        if card.kpi.is_sum() {
            assert_eq!(card.value.value, Some(0.0));
        } else {
            assert_eq!(card.value.value, None, "{:?}", card.kpi);
            let reason = card.value.undefined.as_deref().unwrap_or("");
            assert!(reason.starts_with("no "), "{reason}");
        }
        // Two days back from 2 January reaches before the data.
        assert_eq!(card.previous.value, None);
        assert!(
            card.previous
                .undefined
                .as_deref()
                .is_some_and(|r| r.contains("the data start on 2024-01-01")),
            "{:?}",
            card.previous
        );
        assert_eq!(card.change_percent.value, None);
    }
    let json = serde_json::to_string(&cards).expect("json");
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
}

#[test]
fn a_period_outside_the_data_or_reversed_is_refused() {
    let data = hand_table();
    for (start, end) in [("2024-05-04", "2024-05-02"), ("2024-06-01", "2024-06-30")] {
        let error = Period::between(&data, date(start), date(end)).expect_err("bad period");
        assert!(matches!(error, PerformanceError::Period { .. }));
        assert!(
            error.to_string().contains("2024-05-01 to 2024-05-04"),
            "{error}"
        );
    }
    let last = Period::last_days(&data, 2);
    assert_eq!(
        (last.start, last.end, last.len()),
        (date("2024-05-03"), date("2024-05-04"), 2)
    );
    assert_eq!(Period::last_days(&data, 90).len(), 4);
}

#[test]
fn trends_are_trailing_means_of_sums_and_ratios_of_trailing_sums() {
    let n = 40;
    let spend: Vec<f64> = (0..n).map(|t| t as f64).collect();
    let revenue: Vec<f64> = (0..n).map(|t| 2.0 * t as f64 + 10.0).collect();
    let ch = ChannelFacts {
        id: "search".into(),
        name: "Search".into(),
        spend: spend.clone(),
        impressions: vec![1000.0; n],
        clicks: vec![10.0; n],
        platform_revenue: vec![0.0; n],
        conversions: vec![1.0; n],
    };
    let business = BusinessFacts {
        revenue: revenue.clone(),
        orders: vec![1.0; n],
        customers: vec![1.0; n],
        cogs: vec![0.0; n],
    };
    let data = PerformanceData::new(days_from("2024-01-01", n), vec![ch], business).expect("ok");
    assert_eq!(trend_windows(data.granularity()), [7, 30]);
    let all = Period::between(&data, data.first_date(), data.last_date()).expect("period");
    let spend7 = trend(&data, Kpi::Spend, 7, &all);
    assert_eq!(spend7.values[5], None, "no full window before the 7th day");
    for t in 6..n {
        // mean of t−6 … t is t − 3
        assert!(close(spend7.values[t].unwrap_or(f64::NAN), t as f64 - 3.0));
    }
    let roas30 = trend(&data, Kpi::Roas, 30, &all);
    assert_eq!(roas30.values[28], None);
    for t in 30..n {
        let s: f64 = spend[t - 29..=t].iter().sum();
        let r: f64 = revenue[t - 29..=t].iter().sum();
        assert!(close(roas30.values[t].unwrap_or(f64::NAN), r / s));
    }
    // A period near the end still uses the days before it.
    let late = Period::last_days(&data, 3);
    let late7 = trend(&data, Kpi::Spend, 7, &late);
    assert_eq!(late7.dates.len(), 3);
    assert!(close(late7.values[0].unwrap_or(f64::NAN), 37.0 - 3.0));
}

#[test]
fn weekly_data_get_one_and_four_week_windows() {
    let n = 6;
    let dates: Vec<NaiveDate> = (0..n)
        .map(|i| date("2024-01-01") + chrono::Duration::days(7 * i as i64))
        .collect();
    let ch = channel("email", "Email", &vec![[10.0, 100.0, 1.0, 5.0, 1.0]; n]);
    let business = BusinessFacts {
        revenue: vec![50.0; n],
        orders: vec![1.0; n],
        customers: vec![1.0; n],
        cogs: vec![0.0; n],
    };
    let data = PerformanceData::new(dates, vec![ch], business).expect("weekly");
    assert_eq!(data.granularity(), Granularity::Weekly);
    assert_eq!(trend_windows(data.granularity()), [1, 4]);
    // The last 14 days hold the weeks starting on day 29 and 36.
    assert_eq!(Period::last_days(&data, 14).len(), 2);
}

#[test]
fn the_channel_table_compares_platform_figures_and_the_models_roi() {
    let data = hand_table();
    let period = Period::between(&data, date("2024-05-03"), date("2024-05-04")).expect("period");
    let roi = HashMap::from([("display".to_string(), 0.8)]);
    let rows = channel_table(&data, &period, &roi);
    assert_eq!(rows.len(), 2);
    let search = &rows[0];
    assert_eq!((search.id.as_str(), search.spend), ("paid_search", 240.0));
    assert!(close(
        search.platform_roas.value.unwrap_or(0.0),
        2000.0 / 240.0
    ));
    assert!(close(search.cpa.value.unwrap_or(0.0), 240.0 / 30.0));
    assert!(close(search.ctr.value.unwrap_or(0.0), 1400.0 / 120_000.0));
    assert!(close(search.cpm.value.unwrap_or(0.0), 2.0));
    assert_eq!(search.model_roi, None);
    assert_eq!(rows[1].model_roi, Some(0.8));
    assert!(close(
        rows[1].cpm.value.unwrap_or(0.0),
        100.0 / 40_000.0 * 1000.0
    ));
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = uniform(rng).max(1e-300);
    let u2 = uniform(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Two years of three channels with a weekday pattern and multiplicative white noise
/// (10 % on spend, 8 % on CPM, CTR and conversion rate), no anomaly.
fn white_noise_store(seed: u64) -> PerformanceData {
    let n = 730;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let weekday = [1.1, 1.0, 1.0, 1.0, 0.95, 0.8, 0.85];
    let mut channels = Vec::new();
    for (id, name, base, cpm, ctr) in [
        ("display", "Display", 1500.0, 6.0, 0.004),
        ("social", "Social", 2000.0, 9.0, 0.009),
        ("paid_search", "Paid Search", 3000.0, 40.0, 0.05),
    ] {
        let mut rows = Vec::new();
        for t in 0..n {
            let mut noise = |sd: f64| (sd * normal(&mut rng)).exp();
            let spend = base * weekday[t % 7] * noise(0.10);
            let impressions = (spend / (cpm * noise(0.08)) * 1000.0).round();
            let clicks = (impressions * ctr * noise(0.08)).round();
            let conversions = (clicks * 0.05 * noise(0.08)).round();
            let revenue = conversions * 80.0 * noise(0.05);
            rows.push([spend, impressions, clicks, revenue, conversions]);
        }
        channels.push(channel(id, name, &rows));
    }
    let business = BusinessFacts {
        revenue: vec![10_000.0; n],
        orders: vec![100.0; n],
        customers: vec![80.0; n],
        cogs: vec![5_000.0; n],
    };
    PerformanceData::new(days_from("2023-06-01", n), channels, business).expect("valid")
}

fn whole(data: &PerformanceData) -> Period {
    Period::between(data, data.first_date(), data.last_date()).expect("period")
}

#[test]
fn white_noise_gives_almost_no_alert() {
    let params = AlertParams::default().check().expect("defaults");
    let mut total = 0;
    for seed in 0..4 {
        let data = white_noise_store(seed);
        let found = alerts(&data, &whole(&data), &params);
        total += found.len();
    }
    // 4 stores × 3 channels × 5 metrics × 730 days ≈ 44,000 values tested.
    assert!(total <= 2, "{total} alerts on white noise");
}

#[test]
fn injected_spikes_are_found_with_their_date_and_size() {
    let mut data = white_noise_store(7);
    let params = AlertParams::default().check().expect("defaults");
    let spike_day = date("2024-05-12");
    let drop_day = date("2024-09-03");
    let spike = data
        .dates()
        .iter()
        .position(|d| *d == spike_day)
        .expect("in data");
    let drop = data
        .dates()
        .iter()
        .position(|d| *d == drop_day)
        .expect("in data");
    // Rebuild with Display's CPM 2.4× on 12 May (same spend, fewer impressions) and Social's
    // CTR halved on 3 September.
    let mut channels = data.channels().to_vec();
    channels[0].impressions[spike] = (channels[0].impressions[spike] / 2.4).round();
    channels[1].clicks[drop] = (channels[1].clicks[drop] * 0.5).round();
    data = PerformanceData::new(data.dates().to_vec(), channels, data.business().clone())
        .expect("valid");
    let found = alerts(&data, &whole(&data), &params);
    assert!(found.len() <= 4, "{found:#?}");
    let cpm = found
        .iter()
        .find(|a| a.date == spike_day && a.metric == AlertMetric::Cpm)
        .expect("the CPM spike is found");
    assert_eq!(cpm.channel_id, "display");
    assert!((cpm.factor - 2.4).abs() < 0.4, "{}", cpm.factor);
    assert!(
        cpm.message.starts_with("Display CPM on 12 May 2024 was 2."),
        "{}",
        cpm.message
    );
    assert!(
        cpm.message.ends_with("× its usual level"),
        "{}",
        cpm.message
    );
    assert_eq!(cpm.chart, "perf-chart-display-cpm");
    let ctr = found
        .iter()
        .find(|a| a.date == drop_day && a.metric == AlertMetric::Ctr)
        .expect("the CTR drop is found");
    assert_eq!(ctr.channel, "Social");
    assert!(ctr.z < 0.0 && (ctr.factor - 0.5).abs() < 0.15, "{ctr:?}");
    assert!(ctr.message.contains("below"), "{}", ctr.message);
    // Ranked by |z|, and a period leaves out alerts outside it.
    assert!(found.windows(2).all(|p| p[0].z.abs() >= p[1].z.abs()));
    let may = Period::between(&data, date("2024-05-01"), date("2024-05-31")).expect("period");
    let in_may = alerts(&data, &may, &params);
    assert!(
        in_may
            .iter()
            .all(|a| a.date.format("%Y-%m").to_string() == "2024-05")
    );
    assert!(in_may.iter().any(|a| a.date == spike_day));
}

/// A five-day pause (Display's impressions bought at 3× the CPM for 5 days in a row) is one
/// alert dated on its most unusual day, with its span, not five; a single spike next to it on
/// another metric stays its own alert, and the period cuts the run at its edge.
#[test]
fn consecutive_flagged_days_make_one_alert_with_their_span() {
    let mut data = white_noise_store(7);
    let params = AlertParams::default().check().expect("defaults");
    let first = data
        .dates()
        .iter()
        .position(|d| *d == date("2024-02-05"))
        .expect("in data");
    let mut channels = data.channels().to_vec();
    for t in first..first + 5 {
        channels[0].impressions[t] = (channels[0].impressions[t] / 3.0).round();
    }
    data = PerformanceData::new(data.dates().to_vec(), channels, data.business().clone())
        .expect("valid");
    let found = alerts(&data, &whole(&data), &params);
    let cpm: Vec<_> = found
        .iter()
        .filter(|a| a.channel_id == "display" && a.metric == AlertMetric::Cpm)
        .collect();
    assert_eq!(cpm.len(), 1, "{cpm:#?}");
    let run = cpm[0];
    assert_eq!(
        (run.from, run.to, run.rows),
        (date("2024-02-05"), date("2024-02-09"), 5)
    );
    assert!(run.from <= run.date && run.date <= run.to, "{run:?}");
    assert!((run.factor - 3.0).abs() < 0.6, "{}", run.factor);
    assert!(
        run.message.starts_with(
            "Display CPM from 5 February 2024 to 9 February 2024 (5 days) was up to 3."
        ) && run
            .message
            .ends_with(&format!("on {}", run.date.format("%-d %B %Y"))),
        "{}",
        run.message
    );
    // A period that starts inside the run sees only its part of it.
    let later = Period::between(&data, date("2024-02-08"), data.last_date()).expect("period");
    let cut: Vec<_> = alerts(&data, &later, &params)
        .into_iter()
        .filter(|a| a.channel_id == "display" && a.metric == AlertMetric::Cpm)
        .collect();
    assert_eq!(cut.len(), 1, "{cut:#?}");
    assert_eq!(
        (cut[0].from, cut[0].to, cut[0].rows),
        (date("2024-02-08"), date("2024-02-09"), 2)
    );
}

#[test]
fn alert_settings_out_of_range_are_refused() {
    for params in [
        AlertParams {
            threshold: 0.0,
            ..AlertParams::default()
        },
        AlertParams {
            threshold: f64::NAN,
            ..AlertParams::default()
        },
        AlertParams {
            neighbours: 0,
            ..AlertParams::default()
        },
        AlertParams {
            min_count: -1.0,
            ..AlertParams::default()
        },
    ] {
        let error = params.check().expect_err("out of range");
        assert!(error.to_string().contains("e.g."), "{error}");
    }
}

const MARKETING: &str = "date,channel_id,spend,impressions,clicks,platform_revenue,conversions
2024-05-01,paid_search,80.00,40000,400,700.00,8
2024-05-01,display,20.00,10000,100,50.00,2
2024-05-02,paid_search,100.00,50000,500,900.00,10
2024-05-02,display,20.00,10000,100,50.00,2
2024-05-03,paid_search,100.00,50000,500,800.00,10
2024-05-03,display,60.00,30000,300,90.00,6
2024-05-04,paid_search,140.00,70000,900,1200.00,20
2024-05-04,display,40.00,10000,100,30.00,4
";

const SALES: &str = "date,revenue,orders,customers,cogs,average_price,price_index,promotion,holiday
2024-05-01,600.00,20,15,300.00,30.00,1.0,0,0
2024-05-02,800.00,20,15,400.00,30.00,1.0,0,0
2024-05-03,900.00,20,18,500.00,30.00,1.0,0,0
2024-05-04,1100.00,30,25,600.00,30.00,1.0,0,0
";

#[test]
fn the_stores_daily_tables_read_into_the_same_facts() {
    let names = HashMap::from([("paid_search".to_string(), "Paid Search".to_string())]);
    let data = read_daily_facts(MARKETING, SALES, &names).expect("reads");
    assert_eq!(data, hand_table());
}

#[test]
fn the_readers_list_every_missing_column() {
    let sales = "date,revenue,orders\n2024-05-01,1,1\n";
    let error = read_daily_facts(MARKETING, sales, &HashMap::new()).expect_err("missing");
    assert_eq!(
        error,
        PerformanceError::MissingColumns {
            what: "fact_sales_daily.csv".into(),
            missing: vec!["customers".into(), "cogs".into()],
        }
    );
    let wide = "date,search,search_clicks,revenue,orders\n2024-05-01,1,2,3,4\n2024-05-02,1,2,3,4\n";
    let error = read_wide_table(wide, &["search".to_string()]).expect_err("missing");
    let PerformanceError::MissingColumns { missing, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(
        missing,
        &[
            "search_impressions",
            "search_platform_revenue",
            "search_conversions",
            "customers",
            "cogs"
        ]
    );
    assert!(
        error
            .to_string()
            .contains("search_impressions, search_platform_revenue")
    );
}

#[test]
fn a_wide_table_with_every_column_reads_like_the_star_schema() {
    let wide = "\
date,paid_search,display,paid_search_impressions,paid_search_clicks,paid_search_platform_revenue,paid_search_conversions,display_impressions,display_clicks,display_platform_revenue,display_conversions,revenue,orders,customers,cogs
2024-05-02,100,20,50000,500,900,10,10000,100,50,2,800,20,15,400
2024-05-01,80,20,40000,400,700,8,10000,100,50,2,600,20,15,300
2024-05-03,100,60,50000,500,800,10,30000,300,90,6,900,20,18,500
2024-05-04,140,40,70000,900,1200,20,10000,100,30,4,1100,30,25,600
";
    let data = read_wide_table(wide, &[]).expect("reads");
    assert_eq!(data, hand_table());
}

#[test]
fn bad_cells_and_gaps_say_where_and_how_to_fix_them() {
    let bad = SALES.replace("900.00,20,18", "lots,20,18");
    let error = read_daily_facts(MARKETING, &bad, &HashMap::new()).expect_err("bad number");
    assert_eq!(
        error.to_string(),
        "fact_sales_daily.csv, line 4, column 'revenue': 'lots' is not a number; write plain numbers such as 1234.5"
    );
    let negative = MARKETING.replace("60.00,30000", "-60.00,30000");
    let error = read_daily_facts(&negative, SALES, &HashMap::new()).expect_err("negative");
    assert!(
        matches!(error, PerformanceError::BadValue { line: 7, .. }),
        "{error}"
    );
    let gap: String = SALES
        .lines()
        .filter(|l| !l.starts_with("2024-05-03"))
        .collect::<Vec<_>>()
        .join("\n");
    let error = read_daily_facts(MARKETING, &gap, &HashMap::new()).expect_err("gap");
    assert_eq!(
        error,
        PerformanceError::DatesDiffer {
            date: date("2024-05-03")
        }
    );
    let marketing_gap: String = MARKETING
        .lines()
        .filter(|l| !l.starts_with("2024-05-03"))
        .collect::<Vec<_>>()
        .join("\n");
    let sales_gap = gap;
    let error = read_daily_facts(&marketing_gap, &sales_gap, &HashMap::new()).expect_err("spacing");
    assert!(
        error.to_string().contains("fill the missing dates"),
        "{error}"
    );
    let twice = format!("{MARKETING}2024-05-04,display,1,1,1,1,1\n");
    let error = read_daily_facts(&twice, SALES, &HashMap::new()).expect_err("repeated");
    assert!(
        error
            .to_string()
            .contains("2024-05-04 appears more than once for channel 'display'")
    );
}
