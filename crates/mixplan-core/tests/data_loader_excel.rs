//! Excel `.xlsx` files (issue #10, item 1): the workbooks are written in the test with
//! `rust_xlsxwriter` (nothing binary is committed), then read like a CSV.

use chrono::{Datelike, Days, NaiveDate};
use mixplan_core::data::{
    DataError, LoadOptions, build_weekly, inspect, is_xlsx, load_weekly_csv, read_xlsx_table,
    xlsx_sheet_names,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

const WEEKS: u64 = 30;
const FIRST_ROW: u32 = 2;

fn week(w: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("date") + Days::new(7 * w)
}

fn values(w: u64) -> (f64, f64, f64, bool) {
    let w = w as f64;
    (
        1000.0 + 10.5 * w,
        50.25 + w,
        (w * 0.7).sin().abs() * 30.0 + 0.5,
        w % 4.0 == 0.0,
    )
}

/// A weekly sheet whose header is on row `first_row` (0-based), dates as Excel dates;
/// `bad_row` (0-based data row) holds text instead of a number in `tv`.
fn weekly_sheet(
    sheet: &mut Worksheet,
    first_row: u32,
    bad_row: Option<u64>,
) -> Result<(), XlsxError> {
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (c, name) in ["week", "revenue", "tv", "search", "promo"]
        .iter()
        .enumerate()
    {
        sheet.write_string(first_row, c as u16, *name)?;
    }
    for w in 0..WEEKS {
        let row = first_row + 1 + w as u32;
        let d = week(w);
        let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
        sheet.write_datetime_with_format(row, 0, &date, &date_format)?;
        let (revenue, tv, search, promo) = values(w);
        sheet.write_number(row, 1, revenue)?;
        if bad_row == Some(w) {
            sheet.write_string(row, 2, "12..5")?;
        } else {
            sheet.write_number(row, 2, tv)?;
        }
        sheet.write_number(row, 3, search)?;
        sheet.write_boolean(row, 4, promo)?;
    }
    Ok(())
}

/// A workbook with a notes sheet first and the weekly data second.
fn workbook(first_row: u32, bad_row: Option<u64>) -> Vec<u8> {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").expect("name");
    notes
        .write_string(0, 0, "Exported from the shop")
        .expect("write");
    let data = book.add_worksheet();
    data.set_name("Weekly").expect("name");
    weekly_sheet(data, first_row, bad_row).expect("sheet");
    book.save_to_buffer().expect("xlsx bytes")
}

/// The same data as CSV text.
fn csv() -> String {
    let mut s = String::from("week,revenue,tv,search,promo\n");
    for w in 0..WEEKS {
        let (revenue, tv, search, promo) = values(w);
        s += &format!("{},{revenue},{tv},{search},{}\n", week(w), u8::from(promo));
    }
    s
}

#[test]
fn a_chosen_sheet_reads_like_the_csv() {
    let bytes = workbook(FIRST_ROW, None);
    assert!(is_xlsx(&bytes));
    assert_eq!(
        xlsx_sheet_names(&bytes).expect("names"),
        ["Notes", "Weekly"]
    );
    let table = read_xlsx_table(&bytes, Some("weekly")).expect("sheet, case-insensitively");
    let found = inspect(&table).expect("inspect");
    let mapping = found.suggested_mapping().expect("mapping");
    assert_eq!(mapping.channels, ["tv", "search"]);
    assert_eq!(mapping.controls, ["promo"]);
    let built = build_weekly(&table, &mapping).expect("build");
    let from_csv = load_weekly_csv(&csv(), &LoadOptions::default()).expect("csv");
    assert_eq!(built.data, from_csv);
}

#[test]
fn first_sheet_by_default_and_unknown_sheets_listed() {
    let bytes = workbook(0, None);
    // The first sheet holds only a note: no date column to build weeks from.
    let table = read_xlsx_table(&bytes, None).expect("first sheet");
    assert_eq!(table.header(), ["Exported from the shop"]);
    let err = read_xlsx_table(&bytes, Some("Daily")).expect_err("no such sheet");
    assert!(matches!(err, DataError::UnknownSheet { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "no sheet `Daily` in the workbook; its sheets are `Notes`, `Weekly`"
    );
}

#[test]
fn a_bad_cell_is_reported_with_its_sheet_row() {
    // Header on sheet row 3, data from row 4: data row 6 is sheet row 10.
    let bytes = workbook(FIRST_ROW, Some(6));
    let table = read_xlsx_table(&bytes, Some("Weekly")).expect("read");
    let mapping = inspect(&table)
        .expect("inspect")
        .suggested_mapping()
        .expect("mapping");
    let err = build_weekly(&table, &mapping).expect_err("bad cell");
    assert!(
        err.to_string()
            .starts_with("line 10, column `tv`: `12..5` is not a number"),
        "{err}"
    );
}

#[test]
fn not_an_excel_file() {
    for bytes in [&b"week,revenue\n"[..], b"PK\x03\x04 broken zip", b""] {
        let err = read_xlsx_table(bytes, None).expect_err("not xlsx");
        assert!(matches!(err, DataError::Excel { .. }), "{err:?}");
        assert!(err.to_string().contains("export the sheet as CSV"), "{err}");
    }
    assert!(!is_xlsx(b"week,revenue\n"));
}

mod fuzz {
    use super::workbook;
    use mixplan_core::data::{inspect, read_xlsx_table, xlsx_sheet_names};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Corrupted workbooks (bytes overwritten or the archive cut short) give Ok or a
        /// typed error, never a panic.
        #[test]
        fn corrupted_workbooks(
            edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..12),
            keep in 0.0f64..=1.0,
        ) {
            let mut bytes = workbook(0, None);
            let n = bytes.len();
            for (i, b) in edits {
                bytes[i % n] = b;
            }
            bytes.truncate(((n as f64) * keep) as usize);
            let _ = xlsx_sheet_names(&bytes);
            for sheet in [None, Some("Weekly")] {
                if let Ok(table) = read_xlsx_table(&bytes, sheet) {
                    let _ = inspect(&table);
                }
            }
        }
    }
}
