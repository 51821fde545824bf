//! Writes the page's share of the simulated store's ground truth: the top-level sections of
//! `data_processed/ground_truth.json` that the app reads (`src/embedded.rs`), compact, to
//! `$OUT_DIR/page_truth.json`, which the app embeds instead of the whole file. The rest —
//! above all the week-by-week decomposition `weekly`, most of the file — is for the CLI and
//! the checks of `mixplan prepare`, and would only weigh on every visit (docs/size.md).
//!
//! To give the page another section (say `pricing`), add its key to [`PAGE_TRUTH_SECTIONS`]
//! and a field of the same name to `PageTruth` in `src/embedded.rs`.

use std::path::PathBuf;

/// The top-level keys of `ground_truth.json` the page reads (`PageTruth`'s fields).
const PAGE_TRUTH_SECTIONS: &[&str] = &["channels"];

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
}
