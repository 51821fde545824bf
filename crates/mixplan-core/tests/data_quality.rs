//! The data-quality report (issue #10, item 4) on constructed weekly data: each finding
//! appears when the data has the flaw and not otherwise.

use chrono::{Days, NaiveDate};
use mixplan_core::data::quality::{FindingKind, QualityParams, Severity, assess, assess_build};
use mixplan_core::data::{ReadOptions, Series, WeeklyData, build_weekly, inspect, read_table};

const WEEKS: usize = 104;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 2).expect("a date")
}

fn weeks(n: usize) -> Vec<NaiveDate> {
    (0..n).map(|w| start() + Days::new(7 * w as u64)).collect()
}

/// Uniform numbers in `[0, 1)`, deterministic for a seed (xorshift64*), so each channel
/// moves independently of the others.
fn uniform(seed: u64, n: usize) -> Vec<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// A channel with spend between 1,000 and 11,000 every week.
fn spend(seed: u64) -> Vec<f64> {
    uniform(seed, WEEKS)
        .into_iter()
        .map(|u| 1_000.0 + 10_000.0 * u)
        .collect()
}

/// Revenue with a trend, a yearly season and bounded noise (uniform in ±1,000): no week
/// stands out.
fn revenue() -> Vec<f64> {
    uniform(99, WEEKS)
        .into_iter()
        .enumerate()
        .map(|(w, u)| {
            let season = 20_000.0 * (2.0 * std::f64::consts::PI * w as f64 / 52.0).sin();
            100_000.0 + 300.0 * w as f64 + season + 2_000.0 * (u - 0.5)
        })
        .collect()
}

fn data(target: Vec<f64>, channels: Vec<(&str, Vec<f64>)>) -> WeeklyData {
    WeeklyData::new(
        weeks(target.len()),
        "revenue".into(),
        target,
        channels
            .into_iter()
            .map(|(name, values)| Series {
                name: name.into(),
                values,
            })
            .collect(),
        vec![],
    )
    .expect("valid weekly data")
}

fn clean() -> WeeklyData {
    data(
        revenue(),
        vec![("tv", spend(1)), ("search", spend(2)), ("social", spend(3))],
    )
}

#[test]
fn clean_data_has_no_finding() {
    let report = assess(&clean());
    assert_eq!(report.findings, [], "{report:#?}");
    assert_eq!((report.weeks, report.channels), (WEEKS, 3));
    assert_eq!(report.worst(), None);
}

#[test]
fn weeks_with_a_zero_target_are_empty_weeks_not_outliers() {
    let mut y = revenue();
    y[10] = 0.0;
    y[11] = 0.0;
    let report = assess(&data(y, vec![("tv", spend(1)), ("search", spend(2))]));
    assert_eq!(report.findings.len(), 1, "{report:#?}");
    let finding = &report.findings[0];
    assert_eq!(finding.severity, Severity::Problem);
    assert_eq!(
        finding.kind,
        FindingKind::EmptyWeeks {
            weeks: vec![weeks(12)[10], weeks(12)[11]]
        }
    );
    assert!(
        finding.message.contains("2023-03-13, 2023-03-20"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("fill them in"),
        "{}",
        finding.message
    );
}

#[test]
fn channel_zero_in_most_weeks_is_reported_and_one_zero_in_some_is_not() {
    let mut mostly_zero = spend(4);
    for (w, x) in mostly_zero.iter_mut().enumerate() {
        if w % 5 < 3 {
            *x = 0.0; // 60 % of weeks
        }
    }
    let mut sometimes_zero = spend(5);
    for (w, x) in sometimes_zero.iter_mut().enumerate() {
        if w % 5 < 2 {
            *x = 0.0; // 40 % of weeks
        }
    }
    let report = assess(&data(
        revenue(),
        vec![
            ("tv", spend(1)),
            ("podcast", mostly_zero),
            ("radio", sometimes_zero),
            ("print", vec![0.0; WEEKS]),
        ],
    ));
    let zero: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| match &f.kind {
            FindingKind::MostlyZeroChannel {
                channel,
                zero_weeks,
                weeks,
            } => Some((f.severity, channel.as_str(), *zero_weeks, *weeks)),
            _ => None,
        })
        .collect();
    // Problems first: `print` never spends.
    assert_eq!(
        zero,
        [
            (Severity::Problem, "print", WEEKS, WEEKS),
            (Severity::Warning, "podcast", 63, WEEKS),
        ]
    );
    assert_eq!(report.findings.len(), 2, "{report:#?}");
    assert!(
        report.findings[0]
            .message
            .contains("set its role to ignore")
    );
    assert!(
        report.findings[1]
            .message
            .contains("63 of 104 weeks (61 %)")
    );
    // A stricter threshold reports `radio` too.
    let strict = QualityParams::default()
        .zero_share(0.3)
        .check()
        .expect("valid")
        .assess(&data(
            revenue(),
            vec![("radio", {
                let mut x = spend(5);
                x.iter_mut().step_by(2).for_each(|v| *v = 0.0);
                x
            })],
        ));
    assert!(matches!(
        &strict.findings[..],
        [f] if matches!(&f.kind, FindingKind::MostlyZeroChannel { zero_weeks: 52, .. })
    ));
}

#[test]
fn channels_that_move_together_are_reported_with_a_merge_suggestion() {
    let tv = spend(1);
    let noise = uniform(7, WEEKS);
    // Radio follows TV closely (r ≈ 0.99); video only loosely (r ≈ 0.7).
    let radio: Vec<f64> = tv
        .iter()
        .zip(&noise)
        .map(|(x, u)| 0.4 * x + 500.0 * u)
        .collect();
    let video: Vec<f64> = tv
        .iter()
        .zip(spend(8))
        .map(|(x, other)| 0.5 * x + 0.5 * other)
        .collect();
    let report = assess(&data(
        revenue(),
        vec![
            ("tv", tv),
            ("search", spend(2)),
            ("radio", radio),
            ("video", video),
        ],
    ));
    assert_eq!(report.findings.len(), 1, "{report:#?}");
    let finding = &report.findings[0];
    let FindingKind::CorrelatedChannels {
        first,
        second,
        correlation,
    } = &finding.kind
    else {
        panic!("{finding:?}");
    };
    assert_eq!((first.as_str(), second.as_str()), ("tv", "radio"));
    assert!(*correlation > 0.98 && *correlation <= 1.0, "{correlation}");
    assert_eq!(finding.severity, Severity::Problem);
    assert!(finding.message.contains("cannot tell them apart"));
    assert!(finding.message.contains("consider merging them"));
}

#[test]
fn a_spike_and_a_dip_in_the_target_are_outliers_and_nothing_else_is() {
    let mut y = revenue();
    y[30] *= 1.4; // a spike: a data error or an event
    y[31] *= 1.4; // two weeks long
    y[70] *= 0.6; // a dip: an outage
    let report = assess(&data(y.clone(), vec![("tv", spend(1))]));
    assert_eq!(report.findings.len(), 1, "{report:#?}");
    let FindingKind::OutlierWeeks {
        target,
        weeks: found,
    } = &report.findings[0].kind
    else {
        panic!("{report:#?}");
    };
    assert_eq!(target, "revenue");
    let all = weeks(WEEKS);
    let dates: Vec<NaiveDate> = found.iter().map(|w| w.week).collect();
    assert_eq!(dates, [all[30], all[31], all[70]]);
    assert!(found[0].z > 3.5 && found[2].z < -3.5, "{found:?}");
    assert_eq!(found[2].value, y[70]);
    assert!(
        (found[2].baseline - revenue()[70]).abs() < 3_000.0,
        "the baseline follows the trend and season: {found:?}"
    );
    assert_eq!(report.findings[0].severity, Severity::Warning);
    let message = &report.findings[0].message;
    assert!(message.contains("add a control column"), "{message}");
}

#[test]
fn weeks_with_missing_days_are_reported_from_the_aggregation() {
    // Daily rows for 24 Monday-to-Sunday weeks, two days of week 3 missing.
    let mut csv = String::from("date,tv_spend,search_spend,revenue\n");
    let (tv, search, noise) = (uniform(1, 168), uniform(2, 168), uniform(3, 168));
    for day in 0..168 {
        if day == 15 || day == 16 {
            continue;
        }
        let date = start() + Days::new(day as u64);
        csv += &format!(
            "{date},{:.2},{:.2},{:.2}\n",
            100.0 + 900.0 * tv[day],
            100.0 + 900.0 * search[day],
            10_000.0 + 500.0 * noise[day]
        );
    }
    let table = read_table(&csv, &ReadOptions::default()).expect("read");
    let mapping = inspect(&table)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    let built = build_weekly(&table, &mapping).expect("build");
    let report = assess_build(&built);
    let incomplete: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| match &f.kind {
            FindingKind::IncompleteWeeks { weeks } => Some((f.severity, weeks.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(incomplete.len(), 1, "{report:#?}");
    let (severity, found) = &incomplete[0];
    assert_eq!(*severity, Severity::Warning);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].week, found[0].days), (weeks(3)[2], 5));
    // Without the aggregation report the same matrix has no such finding.
    assert!(
        !assess(&built.data)
            .findings
            .iter()
            .any(|f| matches!(f.kind, FindingKind::IncompleteWeeks { .. }))
    );
}

#[test]
fn the_report_serialises_for_the_page() {
    let tv = spend(1);
    let radio: Vec<f64> = tv.iter().map(|x| 0.5 * x).collect();
    let report = assess(&data(revenue(), vec![("tv", tv), ("radio", radio)]));
    let json = serde_json::to_value(&report).expect("json");
    let finding = &json["findings"][0];
    assert_eq!(finding["severity"], "problem");
    assert_eq!(finding["kind"], "correlated_channels");
    assert_eq!(finding["first"], "tv");
    assert_eq!(finding["second"], "radio");
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("merging"))
    );
    let back: mixplan_core::data::QualityReport = serde_json::from_value(json).expect("round trip");
    assert_eq!(back, report);
}

#[test]
fn an_outlier_week_marked_by_an_event_control_is_only_information() {
    let mut y = revenue();
    y[30] *= 1.4;
    let mut holiday = vec![0.0; WEEKS];
    holiday[30] = 1.0;
    holiday[82] = 1.0;
    // A price index moves every week: it marks nothing.
    let price: Vec<f64> = uniform(11, WEEKS).iter().map(|u| 0.95 + 0.1 * u).collect();
    let with_controls = |y: Vec<f64>, holiday: Vec<f64>| {
        WeeklyData::new(
            weeks(WEEKS),
            "revenue".into(),
            y,
            vec![Series {
                name: "tv".into(),
                values: spend(1),
            }],
            vec![
                Series {
                    name: "price_index".into(),
                    values: price.clone(),
                },
                Series {
                    name: "holiday".into(),
                    values: holiday,
                },
            ],
        )
        .expect("valid weekly data")
    };
    let report = assess(&with_controls(y.clone(), holiday));
    assert_eq!(report.findings.len(), 1, "{report:#?}");
    let finding = &report.findings[0];
    let FindingKind::OutlierWeeks { weeks: found, .. } = &finding.kind else {
        panic!("{report:#?}");
    };
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].marked_by, ["holiday"]);
    assert_eq!(finding.severity, Severity::Info);
    assert!(
        finding.message.contains("marked by a control (`holiday`)"),
        "{}",
        finding.message
    );
    // Without the flag on that week, the same spike is a warning.
    let report = assess(&with_controls(y, vec![0.0; WEEKS]));
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert!(matches!(&report.findings[0].kind,
        FindingKind::OutlierWeeks { weeks, .. } if weeks[0].marked_by.is_empty()));
}
