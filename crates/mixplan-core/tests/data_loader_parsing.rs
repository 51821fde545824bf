//! Robust parsing (issue #10, item 4): separators, BOM, quoted and formatted numbers,
//! decimal commas, trailing empty rows and columns, date order, and messages that name the
//! line and column of a bad cell.

use chrono::{Days, NaiveDate};
use mixplan_core::data::{
    DataError, DateOrder, DecimalSeparator, LoadOptions, MAX_COLUMNS, MAX_FILE_BYTES, Separator,
    WeeklyData, load_weekly_csv,
};

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date")
}

/// `n` weekly rows of `date sep revenue sep tv sep search`, each cell written by `cell`.
fn file(n: u64, sep: &str, date_format: &str, cell: impl Fn(u64) -> [String; 3]) -> String {
    let mut s = ["week", "revenue", "tv", "search"].join(sep) + "\n";
    for w in 0..n {
        let [revenue, tv, search] = cell(w);
        let day = (start() + Days::new(7 * w)).format(date_format);
        s += &format!("{day}{sep}{revenue}{sep}{tv}{sep}{search}\n");
    }
    s
}

fn load(text: &str) -> Result<WeeklyData, DataError> {
    load_weekly_csv(text, &LoadOptions::default())
}

#[test]
fn semicolon_file_with_decimal_commas_and_thousands() {
    let text = file(25, ";", "%d.%m.%Y", |w| {
        [
            format!("\"{}.{:03},50\"", 1 + w, w),
            format!("{w},5"),
            "1.000".into(),
        ]
    });
    let d = load(&text).expect("semicolon file loads");
    assert_eq!(d.target()[3], 4003.5);
    assert_eq!(d.channel("tv").expect("tv").values[2], 2.5);
    // `1.000` in a decimal-comma file is one thousand.
    assert_eq!(d.channel("search").expect("search").values[0], 1000.0);
    assert_eq!(d.weeks()[1], start() + Days::new(7));
}

#[test]
fn tab_file_with_currency_signs_and_spaces() {
    let text = file(25, "\t", "%Y-%m-%d", |w| {
        [
            format!("$ {},{:03}.25", 2 + w, w),
            format!(" €{} ", w % 9),
            format!("{w}.5 £"),
        ]
    });
    let d = load(&text).expect("tab file loads");
    assert_eq!(d.target()[4], 6004.25);
    assert_eq!(d.channel("tv").expect("tv").values[7], 7.0);
    assert_eq!(d.channel("search").expect("search").values[1], 1.5);
}

#[test]
fn forced_separator_and_decimal() {
    let text = file(25, ";", "%Y-%m-%d", |w| {
        [format!("{}", 100 + w), format!("{w}"), "1.500".into()]
    });
    // Every dotted cell reads both ways in a semicolon file: asked, naming column and cell.
    let err = load(&text).expect_err("ambiguous decimal");
    assert!(
        matches!(&err, DataError::AmbiguousDecimal { column, example } if column == "search" && example == "1.500"),
        "{err:?}"
    );
    assert!(err.to_string().contains("--decimal-comma"), "{err}");
    let comma = LoadOptions::new().decimal(DecimalSeparator::Comma);
    let d = load_weekly_csv(&text, &comma).expect("forced comma");
    assert_eq!(d.channel("search").expect("search").values[0], 1500.0);
    let dot = LoadOptions::new()
        .decimal(DecimalSeparator::Dot)
        .separator(Separator::Semicolon);
    let d = load_weekly_csv(&text, &dot).expect("forced dot");
    assert_eq!(d.channel("search").expect("search").values[0], 1.5);
    // A forced comma separator on a semicolon file finds one column only.
    let wrong = LoadOptions::new().separator(Separator::Comma);
    assert!(load_weekly_csv(&text, &wrong).is_err());
}

#[test]
fn comma_file_reads_ambiguous_cells_with_a_decimal_point() {
    let text = file(25, ",", "%Y-%m-%d", |w| {
        [format!("{}", 100 + w), format!("{w}"), "1.500".into()]
    });
    let d = load(&text).expect("comma file");
    assert_eq!(d.channel("search").expect("search").values[0], 1.5);
}

#[test]
fn bom_trailing_empty_rows_and_columns() {
    let mut text = String::from("\u{feff}week,revenue,tv,search,,\n");
    for w in 0..25u64 {
        text += &format!(
            "{},{},{},{},,\n",
            start() + Days::new(7 * w),
            100 + w,
            w % 5,
            2 * w
        );
    }
    text += ",,,,,\n,,,,,\n\n";
    let d = load(&text).expect("trailing empties ignored");
    assert_eq!(d.len(), 25);
    assert_eq!(d.channel_names(), ["tv", "search"]);
    // An empty row in the middle is a row with missing values, reported with its line.
    let lines: Vec<&str> = text.lines().collect();
    let middle = [&lines[..5], &[",,,,,"], &lines[5..]].concat().join("\n");
    let err = load(&middle).expect_err("middle empty row");
    assert!(matches!(err, DataError::BadDate { line: 6, .. }), "{err:?}");
}

#[test]
fn date_order_from_the_data_or_asked() {
    let dmy = file(25, ",", "%d/%m/%Y", |w| {
        [format!("{w}"), "1".into(), "2".into()]
    });
    assert_eq!(load(&dmy).expect("dmy").weeks()[2], start() + Days::new(14));
    let mdy = file(25, ",", "%m/%d/%Y", |w| {
        [format!("{w}"), "1".into(), "2".into()]
    });
    assert_eq!(load(&mdy).expect("mdy").weeks()[2], start() + Days::new(14));
    // Forcing the wrong order reports the first row that does not fit (01/08 read as
    // 1 August, line 3).
    let err = load_weekly_csv(&mdy, &LoadOptions::new().date_order(DateOrder::DayFirst))
        .expect_err("wrong order");
    assert!(
        matches!(err, DataError::IrregularSpacing { line: 3, .. }),
        "{err:?}"
    );

    // Monthly-looking dates with no day above 12 read evenly spaced both ways: asked.
    let mut text = String::from("date,revenue,tv\n");
    for (i, d) in ["01/02/2024", "02/03/2024", "03/04/2024"]
        .iter()
        .enumerate()
    {
        text += &format!("{d},{i},1\n");
    }
    let err = load(&text).expect_err("ambiguous");
    assert!(
        matches!(&err, DataError::AmbiguousDateOrder { column, .. } if column == "date"),
        "{err:?}"
    );
    assert!(err.to_string().contains("--date-order dmy"), "{err}");
}

#[test]
fn one_bad_cell_is_reported_with_line_and_column() {
    let good = file(25, ",", "%Y-%m-%d", |w| {
        [format!("{w}"), format!("{w}"), "2".into()]
    });
    let mut lines: Vec<String> = good.lines().map(String::from).collect();
    lines[16] = "2024-04-15,15,12..5,2".into();
    let err = load(&(lines.join("\n") + "\n")).expect_err("bad number");
    assert_eq!(
        err.to_string().split(';').next(),
        Some("line 17, column `tv`: `12..5` is not a number")
    );
    // A bad date with no date column named: still the date column, with the line.
    let mut lines: Vec<String> = good.lines().map(String::from).collect();
    lines[9] = "2024-02-31,8,8,2".into();
    let err = load(&(lines.join("\n") + "\n")).expect_err("bad date");
    assert!(
        matches!(&err, DataError::BadDate { column, line: 10, .. } if column == "week"),
        "{err:?}"
    );
}

#[test]
fn limits_are_named_constants_with_messages() {
    let big = "x".repeat(MAX_FILE_BYTES + 1);
    let err = load(&big).expect_err("too large");
    assert!(matches!(err, DataError::FileTooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("50 MB"), "{err}");

    let header: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let row = vec!["1"; MAX_COLUMNS + 1].join(",");
    let err = load(&format!("{}\n{row}\n", header.join(","))).expect_err("too wide");
    assert!(
        matches!(
            err,
            DataError::TooManyColumns {
                found: 301,
                limit: 300
            }
        ),
        "{err:?}"
    );
    let ok_header: Vec<String> = (0..MAX_COLUMNS).map(|i| format!("c{i}")).collect();
    let ok_row = vec!["1"; MAX_COLUMNS].join(",");
    let err = load(&format!("{}\n{ok_row}\n", ok_header.join(","))).expect_err("no date");
    assert!(matches!(err, DataError::NoDateColumn { .. }), "{err:?}");

    let long = file(5_001, ",", "%Y-%m-%d", |w| {
        [format!("{w}"), "1".into(), "2".into()]
    });
    let err = load(&long).expect_err("too many weeks");
    assert!(
        matches!(
            err,
            DataError::TooManyWeeks {
                found: 5001,
                limit: 5000
            }
        ),
        "{err:?}"
    );
}
