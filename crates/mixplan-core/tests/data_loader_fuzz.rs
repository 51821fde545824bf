//! The loader never panics (issue #10, item 4): arbitrary bytes, and arbitrary mutations of
//! valid files, through both paths (`load_weekly_csv`, and `read_table` → `inspect` →
//! `build_weekly`), under every reading option, give `Ok` or a typed [`DataError`] whose
//! message is not empty.

use chrono::{Days, NaiveDate};
use mixplan_core::data::{
    DataError, DateOrder, DecimalSeparator, LoadOptions, ReadOptions, Separator, build_weekly,
    inspect, load_weekly_csv, read_table,
};
use proptest::prelude::*;

/// A valid daily, two-region, semicolon file with decimal commas and currency signs.
fn daily_semicolon() -> String {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let mut s = String::from("\u{feff}date;region;tv_spend;clicks;price;revenue\n");
    for day in 0..150u64 {
        for region in ["US", "UK"] {
            s += &format!(
                "{};{region};\"€ {}.{:03},5\";{};1,{};{},25\n",
                (start + Days::new(day)).format("%d/%m/%Y"),
                1 + day % 3,
                day,
                day * 3,
                day % 7,
                1000 + day
            );
        }
    }
    s
}

/// A valid weekly comma file with thousands separators.
fn weekly_comma() -> String {
    let start = NaiveDate::from_ymd_opt(2023, 1, 2).expect("date");
    let mut s = String::from("week,revenue,search,tv,promo\n");
    for w in 0..40u64 {
        s += &format!(
            "{},\"1,{:03}.5\",{}.25,$ {},{}\n",
            start + Days::new(7 * w),
            w,
            w * 10,
            w % 5,
            w % 2
        );
    }
    s
}

fn read_options() -> impl Strategy<Value = ReadOptions> {
    (
        prop::option::of(prop::sample::select(Separator::ALL.to_vec())),
        prop::option::of(prop::sample::select(vec![
            DecimalSeparator::Dot,
            DecimalSeparator::Comma,
        ])),
        prop::option::of(prop::sample::select(vec![
            DateOrder::DayFirst,
            DateOrder::MonthFirst,
        ])),
    )
        .prop_map(|(separator, decimal, date_order)| ReadOptions {
            separator,
            decimal,
            date_order,
        })
}

/// One edit of a text: delete, insert or replace a character, or duplicate or drop a line.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
    DuplicateLine(usize),
    DropLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop::sample::select(vec![
        ',', ';', '\t', '"', '\n', '\r', '.', '-', '$', '€', '£', '1', '9', 'a', ' ', '/',
        '\u{feff}', '\u{a0}', 'e', '(',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), interesting.clone()).prop_map(|(i, c)| Mutation::Insert(i, c)),
        (any::<usize>(), interesting).prop_map(|(i, c)| Mutation::Replace(i, c)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DropLine),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for m in mutations {
        let n = chars.len().max(1);
        match *m {
            Mutation::Delete(i) if !chars.is_empty() => {
                chars.remove(i % n);
            }
            Mutation::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
            Mutation::Replace(i, c) if !chars.is_empty() => chars[i % n] = c,
            Mutation::DuplicateLine(i) | Mutation::DropLine(i) => {
                let s: String = chars.iter().collect();
                let mut lines: Vec<&str> = s.split('\n').collect();
                let k = i % lines.len();
                if matches!(m, Mutation::DropLine(_)) {
                    lines.remove(k);
                } else {
                    lines.insert(k, lines[k]);
                }
                chars = lines.join("\n").chars().collect();
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Runs both paths; every error must explain itself.
fn check(text: &str, read: ReadOptions) -> Result<(), TestCaseError> {
    let explain = |e: &DataError| -> Result<(), TestCaseError> {
        prop_assert!(!e.to_string().is_empty());
        Ok(())
    };
    let options = LoadOptions {
        read,
        ..LoadOptions::default()
    };
    if let Err(e) = load_weekly_csv(text, &options) {
        explain(&e)?;
    }
    match read_table(text, &read) {
        Err(e) => explain(&e)?,
        Ok(table) => match inspect(&table) {
            Err(e) => explain(&e)?,
            Ok(found) => {
                prop_assert_eq!(found.columns.len(), table.header().len());
                if let Ok(mapping) = found.suggested_mapping()
                    && let Err(e) = build_weekly(&table, &mapping)
                {
                    explain(&e)?;
                }
            }
        },
    }
    Ok(())
}

#[test]
fn the_valid_files_load() {
    let table = read_table(&daily_semicolon(), &ReadOptions::default()).expect("read");
    let found = inspect(&table).expect("inspect");
    let built = build_weekly(&table, &found.suggested_mapping().expect("mapping")).expect("build");
    assert_eq!(built.data.len(), 21);
    assert_eq!(built.data.channel_names(), ["tv_spend"]);
    let weekly = load_weekly_csv(&weekly_comma(), &LoadOptions::default()).expect("weekly");
    assert_eq!(weekly.target()[3], 1003.5);
    assert_eq!(weekly.channel("tv").expect("tv").values[3], 3.0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes (read as UTF-8, invalid sequences replaced).
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600), read in read_options()) {
        check(&String::from_utf8_lossy(&bytes), read)?;
    }

    /// Arbitrary bytes drawn from the characters files are made of.
    #[test]
    fn arbitrary_csv_alphabet(
        text in "[0-9a-z,;\t\"\n./$€£ -]{0,400}",
        read in read_options(),
    ) {
        check(&text, read)?;
    }

    /// Up to 8 edits of a valid daily semicolon file.
    #[test]
    fn mutated_daily_file(edits in prop::collection::vec(mutation(), 1..8), read in read_options()) {
        check(&apply(&daily_semicolon(), &edits), read)?;
    }

    /// Up to 8 edits of a valid weekly comma file.
    #[test]
    fn mutated_weekly_file(edits in prop::collection::vec(mutation(), 1..8), read in read_options()) {
        check(&apply(&weekly_comma(), &edits), read)?;
    }
}
