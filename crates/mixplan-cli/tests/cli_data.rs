//! The reading options of `fit`, `optimize` and `predict` (issue #10, item 9):
//! `--separator`, `--decimal-comma`, `--date-order`, `--aggregate weekly`, `--week-start`
//! and `--filter`, on files the binary itself writes (`simulate --daily-regions`) or
//! rewrites from the demo store's weekly data.

mod support;

use std::path::{Path, PathBuf};
use support::{failure, mixplan, store_csv_path, success};

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mixplan-cli-data-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// The demo store's weekly data as text.
fn store_csv() -> String {
    std::fs::read_to_string(store_csv_path()).expect("the demo data")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path.to_string_lossy().into_owned()
}

/// The fit's output without its wall time.
fn without_time(mut fit: serde_json::Value) -> serde_json::Value {
    if let Some(o) = fit.as_object_mut() {
        o.remove("fit_ms");
    }
    fit
}

#[test]
fn daily_regions_file_needs_and_gets_weekly_aggregation() {
    let dir = temp_dir("daily");
    let out = dir.to_string_lossy().into_owned();
    let sim = mixplan(&[
        "simulate",
        "--weeks",
        "60",
        "--daily-regions",
        "2",
        "--out",
        &out,
    ]);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let file = dir.join("daily_regions.csv");
    let text = std::fs::read_to_string(&file).expect("daily_regions.csv");
    assert_eq!(text.lines().count(), 1 + 60 * 7 * 2);
    let file = file.to_string_lossy().into_owned();

    let stderr = failure(&["fit", &file]);
    assert!(stderr.contains("--aggregate weekly"), "{stderr}");

    let all = success(&["fit", "--no-posterior", &file, "--aggregate", "weekly"]);
    let names: Vec<&str> = all["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "paid_search_spend",
            "email_spend",
            "display_spend",
            "social_spend",
            "affiliate_spend"
        ]
    );
    // A filter keeps one region, and names the values when it matches none.
    let one = success(&["fit", "--no-posterior", &file, "--filter", "region=R002"]);
    assert_ne!(without_time(one), without_time(all));
    let stderr = failure(&["fit", &file, "--filter", "region=Mars"]);
    assert!(
        stderr.contains("`R001`") && stderr.contains("Mars"),
        "{stderr}"
    );
    let stderr = failure(&["fit", &file, "--filter", "region"]);
    assert!(stderr.contains("COLUMN=VALUE"), "{stderr}");
    // optimize and predict take the same options.
    let plan = success(&[
        "optimize",
        &file,
        "--aggregate",
        "weekly",
        "--week-start",
        "mon",
        "--budget",
        "40000",
        "--no-posterior",
    ]);
    assert_eq!(plan["mode"], "budget");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn semicolon_decimal_comma_day_first_file_fits_like_the_original() {
    let dir = temp_dir("semicolon");
    let original = store_csv();
    // `2022-01-03,17375.66,…` → `03/01/2022;17375,66;…`
    let rewritten: String = original
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut cells: Vec<String> = line.split(',').map(|c| c.replace('.', ",")).collect();
            if i > 0 {
                let d = &cells[0];
                cells[0] = format!("{}/{}/{}", &d[8..10], &d[5..7], &d[0..4]);
            }
            cells.join(";") + "\n"
        })
        .collect();
    let plain = write(&dir, "weekly.csv", &original);
    let semi = write(&dir, "weekly_semicolon.csv", &rewritten);
    let want = without_time(success(&["fit", "--no-posterior", &plain]));
    let got = without_time(success(&["fit", "--no-posterior", &semi]));
    assert_eq!(
        got, want,
        "detected separator, decimal comma and date order"
    );
    let forced = without_time(success(&[
        "fit",
        "--no-posterior",
        &semi,
        "--separator",
        "semicolon",
        "--decimal-comma",
        "--date-order",
        "dmy",
    ]));
    assert_eq!(forced, want);
    // The wrong date order is reported with its line.
    let stderr = failure(&["fit", &semi, "--date-order", "mdy"]);
    assert!(
        stderr.contains("line 2") || stderr.contains("line 3"),
        "{stderr}"
    );
    // A weekly file through the aggregation path fits the same model.
    let aggregated = without_time(success(&[
        "fit",
        "--no-posterior",
        &plain,
        "--aggregate",
        "weekly",
    ]));
    assert_eq!(aggregated, want);
    // Bad flag values name the choices.
    let stderr = failure(&["fit", &plain, "--separator", "pipe"]);
    assert!(stderr.contains("semicolon"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The demo store's weekly data as the second sheet of a workbook (dates as text cells,
/// numbers as numbers), after a notes sheet.
fn store_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").expect("name");
    notes.write_string(0, 0, "weekly export").expect("write");
    let sheet = book.add_worksheet();
    sheet.set_name("Weekly").expect("name");
    for (r, line) in store_csv().lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (row, col) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(v) if r > 0 => sheet.write_number(row, col, v).map(|_| ()),
                _ => sheet.write_string(row, col, cell).map(|_| ()),
            }
            .expect("write");
        }
    }
    book.save_to_buffer().expect("xlsx")
}

#[test]
fn xlsx_sheet_fits_like_the_csv() {
    let dir = temp_dir("xlsx");
    let book = dir.join("store.xlsx");
    std::fs::write(&book, store_workbook()).expect("written");
    let book = book.to_string_lossy().into_owned();
    let plain = write(&dir, "weekly.csv", &store_csv());
    let want = without_time(success(&["fit", "--no-posterior", &plain]));
    assert_eq!(
        without_time(success(&[
            "fit",
            "--no-posterior",
            &book,
            "--sheet",
            "Weekly"
        ])),
        want
    );
    // The first sheet (notes) has no data; an unknown sheet lists the sheets; --sheet on a
    // CSV is refused.
    let stderr = failure(&["fit", &book]);
    assert!(stderr.starts_with("error: "), "{stderr}");
    let stderr = failure(&["fit", &book, "--sheet", "Daily"]);
    assert!(stderr.contains("`Notes`, `Weekly`"), "{stderr}");
    let stderr = failure(&["fit", &plain, "--sheet", "Weekly"]);
    assert!(stderr.contains("not an .xlsx file"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
