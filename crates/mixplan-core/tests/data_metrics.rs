//! The user's own data may carry the figures the #14 views read (issue #14, item 1): platform
//! clicks per channel, orders, cost of goods, average price. They are suggested as metrics by
//! name, aggregated to weeks (sums; the average price: means), carried with the weekly data
//! and never fitted.

use chrono::{Datelike, NaiveDate, Weekday};
use mixplan_core::data::raw::RawStore;
use mixplan_core::data::simulate::{SimulateParams, simulate};
use mixplan_core::data::{
    ColumnMapping, DataError, MappedRole, MetricKind, ReadOptions, RoleReason, build_weekly,
    inspect, read_table,
};
use mixplan_core::model::ModelParams;
use std::collections::BTreeMap;

fn store(weeks: usize) -> RawStore {
    simulate(&SimulateParams {
        weeks,
        ..SimulateParams::default()
    })
    .expect("simulation")
    .raw
}

/// The store as one daily wide file: `date`, `<channel>_spend` per channel, `price_index`,
/// `revenue`, and (with `metrics`) `paid_search_clicks`, `orders`, `cogs`, `average_price`.
fn daily_csv(raw: &RawStore, metrics: bool) -> String {
    let mut out = String::from("date,");
    for c in &raw.channels {
        out += &format!("{}_spend,", c.id);
    }
    out += "price_index,revenue";
    if metrics {
        out += ",paid_search_clicks,orders,cogs,average_price";
    }
    out += "\n";
    for day in &raw.sales {
        out += &day.date.to_string();
        let mut clicks = 0;
        for c in &raw.channels {
            let rec = raw
                .spend
                .iter()
                .find(|s| s.date == day.date && s.channel == c.name);
            let cents = rec.map_or(0, |s| s.spend_cents);
            if c.id == "paid_search" {
                clicks = rec.map_or(0, |s| s.clicks);
            }
            out += &format!(",{:.2}", cents as f64 / 100.0);
        }
        out += &format!(
            ",{:.4},{:.2}",
            f64::from(day.price_index_bp) / 1e4,
            day.revenue_cents as f64 / 100.0
        );
        if metrics {
            out += &format!(
                ",{clicks},{},{:.2},{:.2}",
                day.orders,
                day.cogs_cents as f64 / 100.0,
                day.average_price_cents as f64 / 100.0
            );
        }
        out += "\n";
    }
    out
}

#[test]
fn metric_columns_are_suggested_by_name_and_spend_stays_spend() {
    let raw = store(20);
    let table = read_table(&daily_csv(&raw, true), &ReadOptions::default()).expect("read");
    let found = inspect(&table).expect("inspect");
    let role = |name: &str| {
        let c = found
            .columns
            .iter()
            .find(|c| c.name == name)
            .expect("column");
        (c.role, c.reason.clone())
    };
    assert_eq!(
        role("paid_search_clicks"),
        (
            MappedRole::Metric,
            RoleReason::MetricName {
                kind: MetricKind::Clicks,
                channel: Some("paid_search".into())
            }
        )
    );
    assert_eq!(
        role("paid_search_clicks").1.to_string(),
        "named like paid_search's clicks: carried for the performance views, never fitted"
    );
    for (name, kind) in [
        ("orders", MetricKind::Orders),
        ("cogs", MetricKind::CostOfGoods),
        ("average_price", MetricKind::AveragePrice),
    ] {
        assert_eq!(
            role(name),
            (
                MappedRole::Metric,
                RoleReason::MetricName {
                    kind,
                    channel: None
                }
            ),
            "{name}"
        );
    }
    assert_eq!(role("paid_search_spend").0, MappedRole::Spend);
    assert_eq!(role("revenue").0, MappedRole::Target);
    let mapping = found.suggested_mapping().expect("mapping");
    assert_eq!(
        mapping.metrics,
        ["paid_search_clicks", "orders", "cogs", "average_price"]
    );
    assert!(!mapping.channels.iter().any(|c| c.contains("clicks")));
    assert_eq!(mapping.channels.len(), raw.channels.len());
}

#[test]
fn names_of_other_conventions_are_metrics_and_never_the_target() {
    // No column is named exactly `revenue`: `tv_platform_revenue` must not become the target,
    // and `cost_of_goods` (it contains the spend word `cost`) must not become spend.
    let mut csv = String::from(
        "week,tv_spend,tv_impr,tv_platform_revenue,tv_conversions,all_purchases,customers,cost_of_goods,AOV,sales\n",
    );
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    for w in 0..30u64 {
        let date = start + chrono::Days::new(7 * w);
        let k = w as f64;
        csv += &format!(
            "{date},{:.2},{},{:.2},{},{},{},{:.2},{:.2},{:.2}\n",
            100.0 + 7.5 * (k % 4.0),
            1000 + 13 * w,
            50.5 + k,
            3 + w % 5,
            40 + w,
            30 + w,
            400.25 + k,
            20.5 + (k % 3.0),
            1000.5 + 3.0 * k
        );
    }
    let found =
        inspect(&read_table(&csv, &ReadOptions::default()).expect("read")).expect("inspect");
    let roles: Vec<(String, MappedRole)> = found
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.role))
        .collect();
    use MappedRole::*;
    let want = [
        ("week", Date),
        ("tv_spend", Spend),
        ("tv_impr", Metric),
        ("tv_platform_revenue", Metric),
        ("tv_conversions", Metric),
        ("all_purchases", Metric),
        ("customers", Metric),
        ("cost_of_goods", Metric),
        ("AOV", Metric),
        ("sales", Target),
    ];
    let want: Vec<(String, MappedRole)> = want.iter().map(|(n, r)| (n.to_string(), *r)).collect();
    assert_eq!(roles, want);
}

#[test]
fn daily_metrics_become_weekly_sums_and_the_average_price_a_mean() {
    let raw = store(20);
    let table = read_table(&daily_csv(&raw, true), &ReadOptions::default()).expect("read");
    let mapping = inspect(&table)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    let built = build_weekly(&table, &mapping).expect("build");
    let data = &built.data;
    assert!(data.weeks().iter().all(|w| w.weekday() == Weekday::Mon));

    // Expected, straight from the daily records: per Monday week.
    let monday =
        |d: NaiveDate| d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday()));
    let mut want: BTreeMap<NaiveDate, [f64; 5]> = BTreeMap::new();
    let search = raw
        .channels
        .iter()
        .find(|c| c.id == "paid_search")
        .expect("paid search");
    for s in raw.spend.iter().filter(|s| s.channel == search.name) {
        want.entry(monday(s.date)).or_default()[0] += s.clicks as f64;
    }
    for day in &raw.sales {
        let w = want.entry(monday(day.date)).or_default();
        w[1] += f64::from(day.orders);
        w[2] += day.cogs_cents as f64 / 100.0;
        w[3] += day.average_price_cents as f64 / 100.0;
        w[4] += 1.0;
    }
    let clicks = data
        .metric(MetricKind::Clicks, Some("paid_search"))
        .expect("clicks");
    let orders = data.metric(MetricKind::Orders, None).expect("orders");
    let cogs = data.metric(MetricKind::CostOfGoods, None).expect("cogs");
    let price = data
        .metric(MetricKind::AveragePrice, None)
        .expect("average price");
    assert_eq!(clicks.name, "paid_search_clicks");
    for (i, week) in data.weeks().iter().enumerate() {
        let w = want[week];
        assert_eq!(w[4], 7.0, "week {week} complete");
        assert_eq!(clicks.values[i], w[0], "clicks {week}");
        assert_eq!(orders.values[i], w[1], "orders {week}");
        assert!((cogs.values[i] - w[2]).abs() < 1e-6, "cogs {week}");
        assert!((price.values[i] - w[3] / 7.0).abs() < 1e-9, "price {week}");
    }
    // A mean, not a sum: the weekly average price is of the order of a day's.
    let day_price = raw.sales[0].average_price_cents as f64 / 100.0;
    assert!(price.values[0] < 2.0 * day_price, "{}", price.values[0]);
}

#[test]
fn a_clicks_column_fits_the_same_model_as_without_it() {
    let raw = store(60);
    let with = read_table(&daily_csv(&raw, true), &ReadOptions::default()).expect("read");
    let without = read_table(&daily_csv(&raw, false), &ReadOptions::default()).expect("read");
    let map_with = inspect(&with)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    let map_without = inspect(&without)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    assert_eq!(map_with.channels, map_without.channels);
    assert_eq!(map_with.controls, map_without.controls);
    let a = build_weekly(&with, &map_with).expect("build").data;
    let b = build_weekly(&without, &map_without).expect("build").data;
    assert_eq!(a.metrics().len(), 4);
    assert!(b.metrics().is_empty());
    assert_eq!(a.channels(), b.channels());
    assert_eq!(a.controls(), b.controls());
    let params = ModelParams::default()
        .decay_grid(vec![0.0, 0.5])
        .half_saturation_grid(vec![0.5, 2.0])
        .shape_grid(vec![1.0])
        .penalty_grid(vec![1e-3])
        .max_sweeps(1)
        .random_starts(2)
        .cv_folds(2)
        .check()
        .expect("params");
    let fit_a = params.fit(&a, |_, _| {}).expect("fit with clicks");
    let fit_b = params.fit(&b, |_, _| {}).expect("fit without clicks");
    let names = |m: &mixplan_core::model::FittedModel| -> Vec<String> {
        m.channels().iter().map(|c| c.name.clone()).collect()
    };
    assert_eq!(names(&fit_a), names(&fit_b));
    assert!(!names(&fit_a).iter().any(|n| n.contains("clicks")));
    assert_eq!(fit_a.coefficients(), fit_b.coefficients());
    assert_eq!(fit_a.fitted(), fit_b.fitted());
}

#[test]
fn a_metric_in_two_roles_or_negative_is_refused_with_its_line() {
    let raw = store(20);
    let table = read_table(&daily_csv(&raw, true), &ReadOptions::default()).expect("read");
    let mapping = inspect(&table)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    let twice = ColumnMapping {
        controls: vec!["orders".into()],
        ..mapping.clone()
    };
    assert!(matches!(
        build_weekly(&table, &twice),
        Err(DataError::ColumnInTwoRoles { column, .. }) if column == "orders"
    ));
    let text = daily_csv(&raw, true);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let cells: Vec<&str> = lines[3].split(',').collect();
    let n = cells.len();
    let mut cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
    cells[n - 3] = "-4".into(); // orders
    lines[3] = cells.join(",");
    let table = read_table(&(lines.join("\n") + "\n"), &ReadOptions::default()).expect("read");
    let err = build_weekly(&table, &mapping).unwrap_err();
    assert!(
        matches!(&err, DataError::NegativeMetric { column, line: Some(4), .. } if column == "orders"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("metric `orders` at line 4"),
        "{err}"
    );
}

/// The weekly CSV loader (the CLI's `mixplan fit|mediation DATA.csv`) detects the same
/// metrics by name when it detects the roles: `paid_search_clicks` and `orders` are carried,
/// not fitted as channels, so the fit equals the one without them; named as channels they
/// are channels; a negative metric is refused with its line.
#[test]
fn the_weekly_loader_carries_metric_columns_instead_of_fitting_them() {
    use mixplan_core::data::{LoadOptions, load_weekly_csv};
    let mut plain = String::from("week,search,tv,revenue\n");
    let mut with = String::from("week,search,tv,paid_search_clicks,orders,revenue\n");
    let start = NaiveDate::from_ymd_opt(2023, 1, 2).expect("date");
    for w in 0..40 {
        let week = start + chrono::Duration::weeks(w);
        let (search, tv) = (
            1_000.0 + 400.0 * (w as f64).sin(),
            2_000.0 + 900.0 * (0.7 * w as f64).cos(),
        );
        let revenue = 50_000.0 + 1.5 * search + 0.8 * tv;
        plain += &format!("{week},{search:.2},{tv:.2},{revenue:.2}\n");
        with += &format!(
            "{week},{search:.2},{tv:.2},{:.0},{:.0},{revenue:.2}\n",
            search / 2.0,
            revenue / 60.0
        );
    }
    let data = load_weekly_csv(&with, &LoadOptions::default()).expect("loads");
    assert_eq!(data.channel_names(), ["search", "tv"]);
    let clicks = data
        .metric(MetricKind::Clicks, Some("paid_search"))
        .expect("clicks carried");
    assert_eq!(clicks.values.len(), 40);
    assert!(data.metric(MetricKind::Orders, None).is_some());
    let fit = |data: &mixplan_core::data::WeeklyData| {
        ModelParams::new()
            .check()
            .expect("params")
            .fit(data, |_, _| {})
            .expect("fit")
            .channels()
            .iter()
            .map(|c| (c.name.clone(), c.coefficient))
            .collect::<Vec<_>>()
    };
    let without = load_weekly_csv(&plain, &LoadOptions::default()).expect("loads");
    assert_eq!(fit(&data), fit(&without));

    let named = LoadOptions::new().channels(["search", "tv", "paid_search_clicks"]);
    let as_channel = load_weekly_csv(&with, &named).expect("loads");
    assert_eq!(
        as_channel.channel_names(),
        ["search", "tv", "paid_search_clicks"]
    );
    assert!(
        as_channel
            .metric(MetricKind::Clicks, Some("paid_search"))
            .is_none()
    );

    let negative = with.replacen(
        &with.lines().nth(3).expect("row").to_string(),
        &{
            let row = with.lines().nth(3).expect("row");
            let mut cells: Vec<&str> = row.split(',').collect();
            cells[3] = "-5";
            cells.join(",")
        },
        1,
    );
    let error = load_weekly_csv(&negative, &LoadOptions::default()).expect_err("negative");
    assert!(
        matches!(error, DataError::NegativeMetric { line: Some(4), .. }),
        "{error:?}"
    );
}
