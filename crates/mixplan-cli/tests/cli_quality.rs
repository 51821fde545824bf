//! The data-quality report in `mixplan fit`'s output (issue #10, item 4): the JSON's
//! `quality` and one stderr line per finding.

// Only `mixplan` and `store_csv_path` are used here.
#[allow(dead_code)]
mod support;

use support::{mixplan, store_csv_path};

/// Runs `mixplan fit FILE`, which must succeed: its JSON and its stderr.
fn fit(file: &str) -> (serde_json::Value, String) {
    let out = mixplan(&["fit", "--no-posterior", file]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (
        serde_json::from_slice(&out.stdout).expect("stdout is JSON"),
        stderr,
    )
}

/// The findings' `kind`s.
fn kinds(json: &serde_json::Value) -> Vec<String> {
    json["quality"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["kind"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_demo_store_has_no_problem_and_a_copied_channel_is_one() {
    let (store, _) = fit(&store_csv_path());
    assert_eq!(store["quality"]["weeks"], 156);
    assert_eq!(store["quality"]["channels"], 5);
    let problems = store["quality"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "problem")
        .count();
    assert_eq!(problems, 0, "{}", store["quality"]);

    // The store with a `radio` column that is always half of paid search.
    let text = std::fs::read_to_string(store_csv_path()).expect("the demo data");
    let copied: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let cells: Vec<&str> = line.split(',').collect();
            let radio = if i == 0 {
                "radio".to_string()
            } else {
                format!("{:.2}", 0.5 * cells[1].parse::<f64>().expect("paid_search"))
            };
            let mut out: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            out.insert(6, radio);
            out.join(",") + "\n"
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("mixplan-cli-quality-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("copied.csv");
    std::fs::write(&file, copied).expect("written");
    let (json, stderr) = fit(&file.to_string_lossy());
    assert_eq!(json["quality"]["channels"], 6);
    assert!(
        kinds(&json).contains(&"correlated_channels".to_string()),
        "{}",
        json["quality"]
    );
    let finding = &json["quality"]["findings"][0];
    assert_eq!(finding["severity"], "problem");
    assert_eq!(finding["first"], "paid_search");
    assert_eq!(finding["second"], "radio");
    assert!(
        stderr.contains(
            "quality problem: `paid_search` and `radio` move together (correlation 1.00): the model cannot tell them apart"
        ),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
