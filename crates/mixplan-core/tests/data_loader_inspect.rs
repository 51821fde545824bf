//! Column-role suggestions for the mapping step (issue #10, item 2), on files shaped like
//! the public datasets (Meridian geo, PyMC-Marketing, Robyn): every column gets a role and
//! a reason, and counts, rates and time indexes are never suggested as spend.

use chrono::{Days, NaiveDate};
use mixplan_core::data::{
    Inspection, MappedRole, ReadOptions, RoleReason, build_weekly, inspect, read_table,
};

fn monday(w: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 1, 25).expect("date") + Days::new(7 * w)
}

fn run(text: &str) -> Inspection {
    let table = read_table(text, &ReadOptions::default()).expect("read");
    inspect(&table).expect("inspect")
}

fn roles(found: &Inspection) -> Vec<(String, MappedRole, String)> {
    found
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.role, c.reason.to_string()))
        .collect()
}

fn role_of(found: &Inspection, name: &str) -> (MappedRole, RoleReason) {
    let c = found
        .columns
        .iter()
        .find(|c| c.name == name)
        .expect("column");
    (c.role, c.reason.clone())
}

fn word(w: &str) -> RoleReason {
    RoleReason::NameContains { word: w.into() }
}

#[test]
fn meridian_geo_shape() {
    let mut text = String::from(
        "geo,time,Channel0_impression,competitor_sales_control,Channel0_spend,Promo,conversions,revenue_per_conversion,population\n",
    );
    for w in 0..30u64 {
        for (g, pop) in [("Geo0", 487878.0), ("Geo1", 912000.5)] {
            text += &format!(
                "{g},{},{},{:.3},{:.2},{},{}.5,0.0{},{pop}\n",
                monday(w),
                1000 + 37 * w,
                (w as f64).sin(),
                100.0 + 3.3 * w as f64,
                w % 2,
                5000 + w,
                2 + w % 3
            );
        }
    }
    let found = run(&text);
    use MappedRole::*;
    assert_eq!(
        role_of(&found, "geo"),
        (Dimension, RoleReason::FewDistinctValues { distinct: 2 })
    );
    assert_eq!(found.columns[0].values, ["Geo0", "Geo1"]);
    assert_eq!(role_of(&found, "time").0, Date);
    assert_eq!(
        role_of(&found, "Channel0_impression"),
        (
            Ignore,
            RoleReason::Count {
                word: "impression".into()
            }
        )
    );
    assert_eq!(
        role_of(&found, "competitor_sales_control"),
        (Control, word("competitor"))
    );
    assert_eq!(role_of(&found, "Channel0_spend"), (Spend, word("spend")));
    assert_eq!(role_of(&found, "Promo"), (Control, word("promo")));
    assert_eq!(
        role_of(&found, "conversions"),
        (Target, word("conversions"))
    );
    assert_eq!(
        role_of(&found, "revenue_per_conversion"),
        (Ignore, word("per"))
    );
    assert_eq!(role_of(&found, "population"), (Ignore, word("population")));
    let dates = found.dates.as_ref().expect("dates");
    assert_eq!(
        (dates.step_days, dates.rows_per_date, dates.distinct),
        (7, 2.0, 30)
    );
    // Summing the two geos gives one row per week.
    let table = read_table(&text, &ReadOptions::default()).expect("read");
    let built = build_weekly(&table, &found.suggested_mapping().expect("mapping")).expect("build");
    assert_eq!(built.data.len(), 30);
    assert!(built.report.rows_per_week.iter().all(|&r| r == 2));
    assert_eq!(built.data.channel_names(), ["Channel0_spend"]);
}

#[test]
fn pymc_shape_time_index_and_flags() {
    let mut text = String::from("date_week,y,x1,x2,event_1,dayofyear,t\n");
    for w in 0..30u64 {
        let flag = u64::from(w == 7);
        text += &format!(
            "{},{}.25,0.{},{}.5,{flag},{},{w}\n",
            monday(w),
            3000 + w,
            w % 9 + 1,
            w % 4,
            25 + 7 * w
        );
    }
    let found = run(&text);
    use MappedRole::*;
    assert_eq!(
        roles(&found)
            .iter()
            .map(|(n, r, _)| (n.as_str(), *r))
            .collect::<Vec<_>>(),
        [
            ("date_week", Date),
            ("y", Target),
            ("x1", Spend),
            ("x2", Spend),
            ("event_1", Control),
            ("dayofyear", Ignore),
            ("t", Ignore),
        ]
    );
    assert_eq!(role_of(&found, "t").1, RoleReason::TimeIndex);
    // PyMC-Marketing makes its Fourier terms from `dayofyear`; mixplan makes its own.
    assert_eq!(
        role_of(&found, "dayofyear").1,
        RoleReason::Seasonality {
            word: "dayofyear".into()
        }
    );
    assert!(
        role_of(&found, "dayofyear")
            .1
            .to_string()
            .contains("choose control")
    );
    assert_eq!(role_of(&found, "x1").1, RoleReason::NumericWithDecimals);
}

#[test]
fn robyn_shape_counts_and_text() {
    let mut text = String::from(
        "\"DATE\",\"revenue\",\"tv_S\",\"facebook_I\",\"search_clicks_P\",\"competitor_sales_B\",\"events\",\"visits_total\",\"flag\",\"temperature\",\"note\"\n",
    );
    for w in 0..30u64 {
        let event = if w % 10 == 3 { "event2" } else { "na" };
        text += &format!(
            "{},{}.5,{}.25,{},{},{},\"{event}\",{},{},{:.1},\"row {w}\"\n",
            monday(w),
            2_000_000 + w,
            w * 100,
            24_000_000 + w * 13,
            w * 7 % 11,
            8_000_000 - w,
            300 + w % 17,
            w % 2,
            (w as f64 / 3.0).sin() * 10.0
        );
    }
    let found = run(&text);
    use MappedRole::*;
    assert_eq!(role_of(&found, "DATE").0, Date);
    assert_eq!(role_of(&found, "revenue"), (Target, word("revenue")));
    assert_eq!(role_of(&found, "tv_S"), (Spend, word("s")));
    assert_eq!(
        role_of(&found, "facebook_I"),
        (Ignore, RoleReason::Count { word: "i".into() })
    );
    assert_eq!(
        role_of(&found, "search_clicks_P"),
        (
            Ignore,
            RoleReason::Count {
                word: "clicks".into()
            }
        )
    );
    assert_eq!(
        role_of(&found, "competitor_sales_B"),
        (Control, word("competitor"))
    );
    assert_eq!(role_of(&found, "events").0, Dimension);
    assert_eq!(
        role_of(&found, "visits_total"),
        (
            Ignore,
            RoleReason::Count {
                word: "visits".into()
            }
        )
    );
    assert_eq!(role_of(&found, "flag"), (Control, RoleReason::AllZeroOne));
    assert_eq!(
        role_of(&found, "temperature"),
        (Control, RoleReason::HasNegativeValues)
    );
    assert_eq!(role_of(&found, "note"), (Ignore, RoleReason::NotNumeric));
    // Whole numbers without a spend word are not silently spend.
    let plain = text.replace("tv_S", "tv");
    let tv = role_of(&run(&plain), "tv");
    assert_eq!(tv.0, Spend, "tv has decimals");
    let integers = plain.replace(".25,", ",");
    assert_eq!(
        role_of(&run(&integers), "tv"),
        (Ignore, RoleReason::IntegersWithoutSpendWord)
    );
    // No count, rate or time index column is ever suggested as spend.
    for (name, role, reason) in roles(&found) {
        if role == Spend {
            assert_eq!(name, "tv_S", "{reason}");
        }
    }
    assert_eq!(found.preview.len(), 11);
    assert_eq!(found.preview[0][0], "DATE");
}

#[test]
fn no_date_column_means_no_dates_and_a_mapping_error() {
    let found = run("a,b\n1,2\n3,4\n");
    assert!(found.dates.is_none());
    assert!(found.suggested_mapping().is_err());
}
