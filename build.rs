//! Writes the page's share of the simulated store's ground truth: the top-level sections of
//! `data_processed/ground_truth.json` that the app reads (`src/embedded.rs`), compact, to
//! `$OUT_DIR/page_truth.json`, which the app embeds instead of the whole file. The rest —
//! above all the week-by-week decomposition `weekly`, most of the file — is for the CLI and
//! the checks of `mixplan prepare`, and would only weigh on every visit (docs/size.md).
//!
//! It also writes `$OUT_DIR/search_clicks.csv`: the weekly clicks of `paid_search` from
//! `data_processed/fact_marketing.csv` (`week,clicks`, 156 rows, ~3 KB), which the
//! "Social → search" panel uses as the mediator instead of the whole facts file.
//!
//! To give the page another section (say `pricing`), add its key to [`PAGE_TRUTH_SECTIONS`]
//! and a field of the same name to `PageTruth` in `src/embedded.rs`.

use std::path::PathBuf;

/// The top-level keys of `ground_truth.json` the page reads (`PageTruth`'s fields).
const PAGE_TRUTH_SECTIONS: &[&str] = &["channels"];

/// The weekly marketing facts `mixplan prepare` writes (one row per week and channel).
const FACTS: &str = "data_processed/fact_marketing.csv";
/// The channel whose weekly clicks the page embeds (the mediation panel's mediator).
const CLICKS_CHANNEL: &str = "paid_search";

/// The file `mixplan prepare` writes.
const GROUND_TRUTH: &str = "data_processed/ground_truth.json";

fn main() {
    println!("cargo::rerun-if-changed={GROUND_TRUTH}");
    let text = std::fs::read_to_string(GROUND_TRUTH).unwrap_or_else(|e| {
        panic!("{GROUND_TRUTH}: {e}; write it with `mixplan simulate` and `mixplan prepare`")
    });
    let mut sections: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
        .unwrap_or_else(|e| {
            panic!("{GROUND_TRUTH} is not a JSON object: {e}; regenerate it with `mixplan prepare`")
        });
    if let Some(missing) = PAGE_TRUTH_SECTIONS
        .iter()
        .find(|key| !sections.contains_key(**key))
    {
        panic!("{GROUND_TRUTH} has no `{missing}`; regenerate it with `mixplan prepare`");
    }
    sections.retain(|key, _| PAGE_TRUTH_SECTIONS.contains(&key.as_str()));
    let page_truth = serde_json::to_string(&sections).expect("a JSON map serialises");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("page_truth.json"), page_truth)
        .unwrap_or_else(|e| panic!("writing page_truth.json to {}: {e}", out_dir.display()));
    std::fs::write(out_dir.join("search_clicks.csv"), search_clicks())
        .unwrap_or_else(|e| panic!("writing search_clicks.csv to {}: {e}", out_dir.display()));
}

/// `week,clicks` of [`CLICKS_CHANNEL`] from [`FACTS`], in the file's order.
fn search_clicks() -> String {
    println!("cargo::rerun-if-changed={FACTS}");
    let text = std::fs::read_to_string(FACTS)
        .unwrap_or_else(|e| panic!("{FACTS}: {e}; write it with `mixplan prepare`"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let column = |name: &str| {
        header.iter().position(|h| *h == name).unwrap_or_else(|| {
            panic!("{FACTS} has no `{name}` column; regenerate it with `mixplan prepare`")
        })
    };
    let (week, channel, clicks) = (column("week"), column("channel_id"), column("clicks"));
    let mut out = String::from("week,clicks\n");
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.get(channel) == Some(&CLICKS_CHANNEL) {
            let (Some(w), Some(c)) = (fields.get(week), fields.get(clicks)) else {
                panic!("{FACTS}: short row {line:?}; regenerate it with `mixplan prepare`");
            };
            out.push_str(&format!("{w},{c}\n"));
        }
    }
    out
}
