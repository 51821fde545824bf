//! Tests of the weekly CSV loader through its public API: role detection, every error
//! variant with its location, and a property test that no input panics.

use chrono::{Days, NaiveDate};
use mixplan_core::data::loader::looks_like_control;
use mixplan_core::data::{
    ColumnRole, DataError, LoadOptions, MIN_WEEKS, WeeklyData, load_weekly_csv,
};
use proptest::prelude::*;

/// A valid weekly CSV of `n` weeks starting 2024-01-01 (a Monday).
fn csv(n: u64) -> String {
    let mut s = String::from("week,revenue,search,tv,price_index,promo\n");
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for w in 0..n {
        s += &format!(
            "{},{},{},{},{},{}\n",
            start + Days::new(7 * w),
            1000 + w,
            10 * w,
            5 * (w % 4),
            1.0 + 0.01 * w as f64,
            w % 2
        );
    }
    s
}

fn load(text: &str) -> Result<WeeklyData, DataError> {
    load_weekly_csv(text, &LoadOptions::default())
}

/// Replaces line `line` (1-based) of `text`.
fn with_line(text: &str, line: usize, new: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == line { new } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn detects_every_role() {
    let d = load(&csv(30)).unwrap();
    assert_eq!(d.len(), 30);
    assert_eq!(d.target_name(), "revenue");
    assert_eq!(d.channel_names(), ["search", "tv"]);
    let controls: Vec<_> = d.controls().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(controls, ["price_index", "promo"]);
    assert_eq!(d.weeks()[1], NaiveDate::from_ymd_opt(2024, 1, 8).unwrap());
    assert_eq!(d.channels()[0].values[3], 30.0);
    assert_eq!(d.target()[29], 1029.0);
    assert_eq!(d.channel("tv").unwrap().values[1], 5.0);
    assert_eq!(d.control("promo").unwrap().values[1], 1.0);
}

/// A time index and the file's own seasonality terms are neither controls nor channels when
/// the roles are detected (the model makes its own trend and seasonality), and they are
/// loaded when named.
#[test]
fn model_terms_are_not_detected() {
    let mut text = String::from("week,revenue,search,trend,yearly_sin_1,cos_2,dayofyear,promo\n");
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for w in 0..30u64 {
        let angle = w as f64 * std::f64::consts::TAU / 52.0;
        text += &format!(
            "{},{},{}.5,{w},{:.4},{:.4},{},{}\n",
            start + Days::new(7 * w),
            1000 + w,
            10 + w % 7,
            angle.sin(),
            (2.0 * angle).cos(),
            1 + 7 * w,
            w % 2
        );
    }
    let d = load(&text).unwrap();
    assert_eq!(d.channel_names(), ["search"]);
    let controls: Vec<_> = d.controls().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(controls, ["promo"]);
    // Named, they are loaded: the user's choice stands.
    let named = LoadOptions::new().controls(["trend", "yearly_sin_1", "promo"]);
    let d = load_weekly_csv(&text, &named).unwrap();
    let controls: Vec<_> = d.controls().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(controls, ["trend", "yearly_sin_1", "promo"]);
    assert_eq!(d.channel_names(), ["search"]);
    // A `trend` that is not a time index (a search-interest index, say) is still a control.
    let interest = text.replacen(",0,", ",40,", 1);
    let d = load(&interest).unwrap();
    let controls: Vec<_> = d.controls().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(controls, ["trend", "promo"]);
}

#[test]
fn explicit_roles_and_case_insensitive_names() {
    let opts = LoadOptions::new()
        .date_column("WEEK")
        .target("Revenue")
        .channels(["TV"])
        .controls(["promo"]);
    let d = load_weekly_csv(&csv(25), &opts).unwrap();
    assert_eq!(d.channel_names(), ["tv"]);
    assert_eq!(d.controls().len(), 1);
    assert_eq!(d.controls()[0].name, "promo");
    // An explicit empty control list means "no controls"; channels are then everything else.
    let d = load_weekly_csv(&csv(25), &LoadOptions::new().controls::<&str>([])).unwrap();
    assert_eq!(d.channel_names(), ["search", "tv", "price_index", "promo"]);
}

#[test]
fn slash_dates_day_first_and_month_first() {
    let start = NaiveDate::from_ymd_opt(2023, 1, 2).unwrap();
    for fmt in ["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d"] {
        let mut s = String::from("date,revenue,a\n");
        for w in 0..25 {
            s += &format!("{},1,{}\n", (start + Days::new(7 * w)).format(fmt), w % 5);
        }
        let d = load(&s).unwrap();
        assert_eq!(d.weeks()[0], start, "{fmt}");
        assert_eq!(d.weeks()[24], start + Days::new(7 * 24), "{fmt}");
    }
}

#[test]
fn explicit_date_format() {
    let start = NaiveDate::from_ymd_opt(2023, 1, 2).unwrap();
    let mut s = String::from("date,revenue,a\n");
    for w in 0..25 {
        s += &format!(
            "{},1,{}\n",
            (start + Days::new(7 * w)).format("%Y%m%d"),
            w % 5
        );
    }
    assert!(matches!(
        load(&s).unwrap_err(),
        DataError::NoDateColumn { .. }
    ));
    let d = load_weekly_csv(&s, &LoadOptions::new().date_format("%Y%m%d")).unwrap();
    assert_eq!(d.weeks()[0], start);
}

#[test]
fn time_suffix_is_ignored() {
    let s = csv(22).replace(",1000,", "T00:00:00,1000,");
    assert!(s.contains("2024-01-01T00:00:00,"));
    let d = load(&s).unwrap();
    assert_eq!(d.len(), 22);
}

#[test]
fn missing_target_lists_columns() {
    let err = load(&csv(30).replace("revenue", "sales")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(
        err,
        DataError::MissingColumn {
            role: ColumnRole::Target,
            ..
        }
    ));
    assert!(msg.contains("`sales`") && msg.contains("--target"), "{msg}");
}

#[test]
fn missing_channel_column() {
    let opts = LoadOptions::new().channels(["radio"]);
    let err = load_weekly_csv(&csv(30), &opts).unwrap_err();
    assert!(
        matches!(&err, DataError::MissingColumn { role: ColumnRole::Channel, column, .. } if column == "radio")
    );
    assert!(err.to_string().contains("`search`"));
}

#[test]
fn bad_number_names_column_and_line() {
    // A currency sign is read since issue #10 (`$30` is 30); a doubled dot is not a number.
    let text = with_line(&csv(30), 5, "2024-01-22,1003,12..5,15,1.03,1");
    let err = load(&text).unwrap_err();
    assert!(
        matches!(&err, DataError::BadNumber { column, line: 5, value } if column == "search" && value == "12..5"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("line 5, column `search`: `12..5` is not a number"),
        "{err}"
    );
}

#[test]
fn missing_and_non_finite_values() {
    let text = with_line(&csv(30), 3, "2024-01-08,1001,,5,1.01,1");
    assert!(matches!(
        load(&text).unwrap_err(),
        DataError::MissingValue { line: 3, .. }
    ));
    let text = with_line(&csv(30), 3, "2024-01-08,1001,NA,5,1.01,1");
    assert!(matches!(
        load(&text).unwrap_err(),
        DataError::MissingValue { line: 3, .. }
    ));
    let text = with_line(&csv(30), 4, "2024-01-15,inf,20,10,1.02,0");
    assert!(
        matches!(load(&text).unwrap_err(), DataError::NonFinite { column, line: Some(4), .. } if column == "revenue")
    );
    let text = with_line(&csv(30), 4, "2024-01-15,1002,NaN,10,1.02,0");
    assert!(matches!(
        load(&text).unwrap_err(),
        DataError::NonFinite { line: Some(4), .. }
    ));
}

#[test]
fn negative_spend_rejected_but_negative_control_allowed() {
    let text = with_line(&csv(30), 6, "2024-01-29,1004,40,-1,-1.04,0");
    let err = load(&text).unwrap_err();
    assert!(
        matches!(&err, DataError::NegativeSpend { column, line: Some(6), value, .. } if column == "tv" && *value == -1.0)
    );
    let text = with_line(&csv(30), 6, "2024-01-29,1004,40,1,-1.04,0");
    assert_eq!(load(&text).unwrap().controls()[0].values[4], -1.04);
}

#[test]
fn duplicate_missing_unsorted_daily_irregular_weeks() {
    let base = csv(30);
    let dup = with_line(&base, 4, "2024-01-08,1,1,1,1,1");
    assert!(matches!(
        load(&dup).unwrap_err(),
        DataError::DuplicateWeek {
            line: 4,
            first_line: 3,
            ..
        }
    ));
    let gap = with_line(&base, 4, "2024-01-22,1,1,1,1,1");
    let err = load(&gap).unwrap_err();
    assert!(matches!(
        err,
        DataError::MissingWeeks {
            line: 4,
            missing: 1,
            ..
        }
    ));
    assert!(err.to_string().contains("1 week(s) missing"));
    let back = with_line(&base, 4, "2023-12-01,1,1,1,1,1");
    assert!(matches!(
        load(&back).unwrap_err(),
        DataError::NotSorted { line: 4, .. }
    ));
    let earlier_dup = with_line(&base, 5, "2024-01-01,1,1,1,1,1");
    assert!(matches!(
        load(&earlier_dup).unwrap_err(),
        DataError::DuplicateWeek {
            line: 5,
            first_line: 2,
            ..
        }
    ));
    let daily = with_line(&base, 3, "2024-01-02,1,1,1,1,1");
    let err = load(&daily).unwrap_err();
    assert!(matches!(err, DataError::DailyData { line: 3, .. }));
    assert!(err.to_string().contains("weekly data only"), "{err}");
    let odd = with_line(&base, 3, "2024-01-11,1,1,1,1,1");
    assert!(matches!(
        load(&odd).unwrap_err(),
        DataError::IrregularSpacing {
            days: 10,
            line: 3,
            ..
        }
    ));
}

#[test]
fn too_few_weeks_and_empty() {
    let err = load(&csv(MIN_WEEKS as u64 - 1)).unwrap_err();
    assert!(matches!(
        err,
        DataError::TooFewWeeks {
            found: 19,
            minimum: 20
        }
    ));
    assert!(err.to_string().contains("at least 20"));
    assert!(load(&csv(MIN_WEEKS as u64)).is_ok());
    assert!(matches!(load("").unwrap_err(), DataError::EmptyFile));
    assert!(matches!(load(" \n\n").unwrap_err(), DataError::EmptyFile));
    // Header only.
    assert!(matches!(
        load("week,revenue,tv\n").unwrap_err(),
        DataError::TooFewWeeks { found: 0, .. }
    ));
    let opts = LoadOptions::new().date_column("week");
    assert!(matches!(
        load_weekly_csv("week,revenue,tv\n", &opts).unwrap_err(),
        DataError::TooFewWeeks { found: 0, .. }
    ));
}

#[test]
fn no_channels() {
    let mut s = String::from("week,revenue,price\n");
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for w in 0..25 {
        s += &format!("{},1,2\n", start + Days::new(7 * w));
    }
    let err = load(&s).unwrap_err();
    assert!(matches!(err, DataError::NoChannels { .. }));
    assert!(err.to_string().contains("--channels"));
}

#[test]
fn header_problems() {
    assert!(matches!(
        load("week,revenue,tv,TV\n2024-01-01,1,2,3\n").unwrap_err(),
        DataError::DuplicateColumn {
            first: 3,
            second: 4,
            ..
        }
    ));
    assert!(matches!(
        load("week,,tv\n2024-01-01,1,2\n").unwrap_err(),
        DataError::EmptyColumnName { position: 2 }
    ));
    let ragged = csv(30) + "2024-08-05,1,2\n";
    let err = load(&ragged).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::RaggedRow {
                line: 32,
                expected: 6,
                found: 3
            }
        ),
        "{err:?}"
    );
}

#[test]
fn option_conflicts() {
    let opts = LoadOptions::new().channels(["tv"]).controls(["TV"]);
    assert!(matches!(
        load_weekly_csv(&csv(30), &opts).unwrap_err(),
        DataError::ColumnInTwoRoles { .. }
    ));
    let opts = LoadOptions::new().channels(["revenue"]);
    assert!(matches!(
        load_weekly_csv(&csv(30), &opts).unwrap_err(),
        DataError::ColumnInTwoRoles { .. }
    ));
    let opts = LoadOptions::new().target(" ");
    assert!(matches!(
        load_weekly_csv(&csv(30), &opts).unwrap_err(),
        DataError::EmptyOptionName { .. }
    ));
    let opts = LoadOptions::new().channels::<&str>([]);
    assert!(matches!(
        load_weekly_csv(&csv(30), &opts).unwrap_err(),
        DataError::NoChannels { .. }
    ));
}

#[test]
fn bad_date_in_named_column() {
    let text = with_line(&csv(30), 7, "2024-13-05,1,1,1,1,1");
    let opts = LoadOptions::new().date_column("week");
    let err = load_weekly_csv(&text, &opts).unwrap_err();
    assert!(
        matches!(&err, DataError::BadDate { line: 7, format, .. } if format == "%Y-%m-%d"),
        "{err:?}"
    );
    assert!(err.to_string().contains("2024-01-29"), "{err}");
    // A nonsense user format is reported, not panicked on.
    let opts = LoadOptions::new().date_column("week").date_format("%Q");
    assert!(matches!(
        load_weekly_csv(&csv(30), &opts).unwrap_err(),
        DataError::BadDate { .. }
    ));
    // So is a format with a time of day or zone that the cells do not have.
    for (format, example) in [
        ("%Y-%m-%d %H:%M", "2024-01-29 00:00"),
        ("%H", "00"),
        ("%Y-%m-%d%z", "not usable"),
    ] {
        let opts = LoadOptions::new().date_column("week").date_format(format);
        let err = load_weekly_csv(&csv(30), &opts).unwrap_err();
        assert!(matches!(err, DataError::BadDate { .. }), "{format}");
        assert!(err.to_string().contains(example), "{err}");
    }
    // A format with a time of day parses cells that have one.
    let timed: String = csv(25)
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l}\n"),
            _ => format!("{} 00:00{}\n", &l[..10], &l[10..]),
        })
        .collect();
    let opts = LoadOptions::new().date_format("%Y-%m-%d %H:%M");
    assert_eq!(load_weekly_csv(&timed, &opts).unwrap().len(), 25);
}

#[test]
fn bom_quotes_and_non_numeric_columns() {
    let mut s = String::from("\u{feff}\"DATE\",\"revenue\",\"tv\",\"events\"\n");
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for w in 0..25 {
        let ev = if w == 3 { "event1" } else { "na" };
        s += &format!(
            "{},\"{}\",{},\"{ev}\"\n",
            start + Days::new(7 * w),
            100 + w,
            w % 6
        );
    }
    let d = load(&s).unwrap();
    assert_eq!(d.channel_names(), ["tv"]);
    assert!(d.controls().is_empty());
}

#[test]
fn io_error_names_the_path() {
    let err = mixplan_core::data::load_weekly_csv_from_path(
        "/nonexistent/mixplan.csv",
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/mixplan.csv"));
}

#[test]
fn control_words() {
    for c in [
        "price_index",
        "Promo",
        "event_1",
        "event2",
        "us_federal_holiday_week",
        "bfcm_week",
        "Black Friday",
        "competitor_sales_B",
        "trend",
    ] {
        assert!(looks_like_control(c), "{c}");
    }
    for c in [
        "paid_search",
        "Channel0_spend",
        "tv_S",
        "email",
        "display",
        "social",
        "affiliate",
        "business",
        // Seasonality terms: the model makes its own (see `model_terms_are_not_detected`).
        "yearly_sin_1",
        "dayofyear",
    ] {
        assert!(!looks_like_control(c), "{c}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary text never panics the loader.
    #[test]
    fn never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
        let _ = load(&text);
    }

    /// CSV-shaped text with dates, numbers, junk and ragged rows never panics, with or
    /// without explicit options.
    #[test]
    fn never_panics_on_csv_like_text(
        header in proptest::collection::vec("[a-zA-Z_ ]{0,8}", 0..6),
        rows in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![
                    "[0-9]{4}-[0-9]{2}-[0-9]{2}",
                    "[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}",
                    "-?[0-9]{1,6}(\\.[0-9]{0,3})?",
                    "(NaN|inf|-inf|NA|na|\"\"|)",
                    "[ -~]{0,6}",
                ],
                0..7,
            ),
            0..30,
        ),
        explicit in any::<bool>(),
    ) {
        let mut text = header.join(",");
        for r in &rows {
            text.push('\n');
            text.push_str(&r.join(","));
        }
        let opts = if explicit {
            let mut o = LoadOptions::new().date_format(["%d/%m/%Y", "%H:%M", "%Y-%m-%d"][rows.len() % 3]);
            if let Some(h) = header.first() { o = o.date_column(h.clone()); }
            if let Some(h) = header.get(1) { o = o.target(h.clone()); }
            if let Some(h) = header.get(2) { o = o.channels([h.clone()]); }
            o
        } else {
            LoadOptions::default()
        };
        let _ = load_weekly_csv(&text, &opts);
    }

    /// Every valid weekly series of enough weeks loads back exactly.
    #[test]
    fn valid_series_round_trip(
        spend in proptest::collection::vec((0.0f64..1e6, 0.0f64..1e4), MIN_WEEKS..60),
        start_day in 0u64..3000,
    ) {
        let start = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Days::new(start_day);
        let mut s = String::from("week,revenue,a,b\n");
        for (w, (a, b)) in spend.iter().enumerate() {
            s += &format!("{},{},{a},{b}\n", start + Days::new(7 * w as u64), a + b);
        }
        let d = load(&s).unwrap();
        prop_assert_eq!(d.len(), spend.len());
        for (w, (a, b)) in spend.iter().enumerate() {
            prop_assert_eq!(d.channels()[0].values[w], *a);
            prop_assert_eq!(d.channels()[1].values[w], *b);
        }
    }
}
