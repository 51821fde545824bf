//! Daily, multi-region data aggregated to weeks (issue #10, item 3): the simulated store's
//! daily records split across regions, read, inspected, mapped and summed back to weeks
//! must give the store's own weekly aggregates.

use chrono::{Datelike, NaiveDate, Weekday};
use mixplan_core::data::daily_regions::daily_regions_csv;
use mixplan_core::data::prepare::aggregate_weekly;
use mixplan_core::data::simulate::{SimulateParams, simulate};
use mixplan_core::data::{
    ColumnMapping, DataError, MappedRole, ReadOptions, RoleReason, build_weekly, inspect,
    read_table,
};
use std::time::Instant;

fn store(weeks: usize) -> mixplan_core::data::raw::RawStore {
    simulate(&SimulateParams {
        weeks,
        ..SimulateParams::default()
    })
    .expect("simulation")
    .raw
}

#[test]
fn regions_summed_to_weeks_give_the_weekly_aggregates() {
    let raw = store(30);
    let text = daily_regions_csv(&raw, 3);
    let table = read_table(&text, &ReadOptions::default()).expect("read");
    assert_eq!(table.rows(), 30 * 7 * 3);
    let found = inspect(&table).expect("inspect");
    let region = &found.columns[1];
    assert_eq!(
        (region.role, &region.reason, region.values.len()),
        (
            MappedRole::Dimension,
            &RoleReason::FewDistinctValues { distinct: 3 },
            3
        )
    );
    let dates = found.dates.as_ref().expect("dates");
    assert_eq!((dates.step_days, dates.rows_per_date), (1, 3.0));
    let mapping = found.suggested_mapping().expect("mapping");
    assert_eq!(mapping.target, "revenue");
    assert_eq!(mapping.controls, ["price_index"]);
    assert_eq!(mapping.channels.len(), raw.channels.len());

    let built = build_weekly(&table, &mapping).expect("build");
    let weekly = aggregate_weekly(&raw).expect("aggregate");
    let data = &built.data;
    assert_eq!(data.weeks(), weekly.weeks.as_slice());
    assert!(data.weeks().iter().all(|w| w.weekday() == Weekday::Mon));
    for (w, (got, want)) in data.target().iter().zip(weekly.revenue()).enumerate() {
        assert!(
            (got - want).abs() < 1e-6,
            "revenue week {w}: {got} vs {want}"
        );
    }
    for (c, series) in data.channels().iter().enumerate() {
        for (w, (got, want)) in series.values.iter().zip(weekly.spend(c)).enumerate() {
            assert!((got - want).abs() < 1e-6, "{} week {w}", series.name);
        }
    }
    // Controls are averaged over the week's rows: the weekly mean price index, which the
    // aggregate rounds to 4 decimals.
    let price = &data.controls()[0].values;
    for (w, &e4) in weekly.price_index_e4.iter().enumerate() {
        assert!(
            (price[w] - e4 as f64 / 1e4).abs() <= 0.5e-4,
            "price week {w}"
        );
    }
    assert!(built.report.rows_per_week.iter().all(|&r| r == 21));
    assert!(built.report.daily && built.report.dropped_partial_weeks.is_empty());
    assert!(built.report.notes()[0].starts_with("630 rows aggregated into 30 weeks"));
}

#[test]
fn a_filter_keeps_one_region() {
    let raw = store(25);
    let text = daily_regions_csv(&raw, 2);
    let table = read_table(&text, &ReadOptions::default()).expect("read");
    let mapping = inspect(&table)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    let all = build_weekly(&table, &mapping).expect("all");
    let r1 = build_weekly(&table, &mapping.clone().filter("region", "R001")).expect("R001");
    let r2 = build_weekly(&table, &mapping.clone().filter("region", "R002")).expect("R002");
    assert_eq!(r1.report.rows_filtered_out, 25 * 7);
    assert!(r1.report.rows_per_week.iter().all(|&r| r == 7));
    for w in 0..25 {
        let sum = r1.data.target()[w] + r2.data.target()[w];
        assert!((sum - all.data.target()[w]).abs() < 1e-6);
        // Weights 1 and 2: region 2 has about twice region 1's revenue.
        assert!(r2.data.target()[w] > 1.9 * r1.data.target()[w]);
    }
    let err = build_weekly(&table, &mapping.filter("region", "R003")).expect_err("no R003");
    assert!(
        matches!(&err, DataError::UnknownDimensionValue { value, .. } if value == "R003"),
        "{err:?}"
    );
    assert!(err.to_string().contains("`R001`"), "{err}");
}

#[test]
fn partial_weeks_are_dropped_with_a_note_and_week_start_is_chosen() {
    let raw = store(25);
    let text = daily_regions_csv(&raw, 1);
    // Drop the first two days (rows): the first week has 5 days.
    let lines: Vec<&str> = text.lines().collect();
    let cut = [&lines[..1], &lines[3..]].concat().join("\n");
    let table = read_table(&cut, &ReadOptions::default()).expect("read");
    let mapping = inspect(&table)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    let built = build_weekly(&table, &mapping).expect("build");
    assert_eq!(built.data.len(), 24);
    assert_eq!(built.report.dropped_partial_weeks.len(), 1);
    assert_eq!(built.report.dropped_partial_weeks[0].days, 5);
    assert!(
        built
            .report
            .notes()
            .iter()
            .any(|n| n == "partial week of 2022-01-03 dropped: only 5 of 7 days"),
        "{:?}",
        built.report.notes()
    );

    // Weeks starting on Sunday: the store's Monday-to-Sunday days straddle Sunday weeks,
    // so the first (Monday to Saturday, 6 days) and the last (a Sunday) are partial.
    let table = read_table(&text, &ReadOptions::default()).expect("read");
    let sunday = ColumnMapping {
        week_start: Some(Weekday::Sun),
        ..mapping
    };
    let built = build_weekly(&table, &sunday).expect("sunday");
    assert!(
        built
            .data
            .weeks()
            .iter()
            .all(|w| w.weekday() == Weekday::Sun)
    );
    assert_eq!(built.data.len(), 24);
    assert_eq!(
        built
            .report
            .dropped_partial_weeks
            .iter()
            .map(|p| p.days)
            .collect::<Vec<_>>(),
        [6, 1]
    );
    assert_eq!(
        built.data.weeks()[0],
        NaiveDate::from_ymd_opt(2022, 1, 9).expect("date")
    );
}

#[test]
fn weekly_file_through_the_mapping_equals_the_weekly_loader() {
    let text = include_str!("../../../data_processed/mmm_data.csv");
    let table = read_table(text, &ReadOptions::default()).expect("read");
    let found = inspect(&table).expect("inspect");
    let mapping = found.suggested_mapping().expect("mapping");
    let built = build_weekly(&table, &mapping).expect("build");
    let direct = mixplan_core::data::load_weekly_csv(text, &Default::default()).expect("load");
    assert_eq!(built.data, direct);
    assert!(!built.report.daily);
    assert!(built.report.notes().is_empty());
    assert!(built.report.rows_per_week.iter().all(|&r| r == 1));
}

#[test]
fn gaps_bad_cells_and_negative_spend_are_reported_with_lines() {
    let raw = store(25);
    let text = daily_regions_csv(&raw, 1);
    let table = read_table(&text, &ReadOptions::default()).expect("read");
    let mapping = inspect(&table)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    let lines: Vec<&str> = text.lines().collect();
    // Remove week 10 (7 days) entirely: a missing week.
    let gap = [&lines[..1 + 70], &lines[1 + 77..]].concat().join("\n");
    let table_gap = read_table(&gap, &ReadOptions::default()).expect("read");
    let err = build_weekly(&table_gap, &mapping).expect_err("gap");
    assert!(
        matches!(
            err,
            DataError::MissingWeeks {
                missing: 1,
                line: 72,
                ..
            }
        ),
        "{err:?}"
    );
    // A bad number at line 40, column `revenue`.
    let mut bad: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let row = &mut bad[39];
    let cut = row.rfind(',').expect("comma");
    row.truncate(cut + 1);
    row.push_str("12..5");
    let table_bad = read_table(&(bad.join("\n") + "\n"), &ReadOptions::default()).expect("read");
    let err = build_weekly(&table_bad, &mapping).expect_err("bad");
    assert!(
        err.to_string()
            .starts_with("line 40, column `revenue`: `12..5` is not a number"),
        "{err}"
    );
    assert_eq!(table.rows(), 25 * 7);
}

/// Load + inspect + aggregate a ~300k-row daily file: run in release with
/// `cargo test --release -p mixplan-core --test data_loader_aggregate -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run in release"]
fn time_300k_rows() {
    let raw = store(520);
    let text = daily_regions_csv(&raw, 80);
    let start = Instant::now();
    let table = read_table(&text, &ReadOptions::default()).expect("read");
    let read = start.elapsed();
    let found = inspect(&table).expect("inspect");
    let inspected = start.elapsed();
    let built = build_weekly(&table, &found.suggested_mapping().expect("mapping")).expect("build");
    let total = start.elapsed();
    println!(
        "{} rows, {:.1} MB: read {:.0} ms, inspect {:.0} ms, aggregate {:.0} ms, total {:.0} ms; {} weeks",
        table.rows(),
        text.len() as f64 / 1e6,
        read.as_secs_f64() * 1e3,
        (inspected - read).as_secs_f64() * 1e3,
        (total - inspected).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        built.data.len()
    );
    assert_eq!(table.rows(), 520 * 7 * 80);
    assert_eq!(built.data.len(), 520);
}
