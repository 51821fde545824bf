//! Where the dataset files live, what happens when one is missing, and the column mappings
//! that more than one test uses.
//!
//! The third-party datasets live outside the repository, in `../shared/datasets/` beside
//! the workspace (`MIXPLAN_DATASETS_DIR` points elsewhere). When a file is missing:
//!
//! * with `MIXPLAN_REQUIRE_DATASETS=1` (set by `.ci/run`) the test fails and says which
//!   file and how to provide it;
//! * otherwise the test returns early after writing `SKIPPED <test>: <file> is missing` to
//!   the real stderr, past the test harness's output capture, so the line shows in every
//!   `cargo test` run and `scripts/test.sh` counts it into its summary.

use mixplan_core::data::{LoadOptions, WeeklyData, load_weekly_csv_from_path};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Set to `1` to turn a missing dataset file into a test failure (CI sets it).
pub const REQUIRE_DATASETS: &str = "MIXPLAN_REQUIRE_DATASETS";

/// Overrides the location of the shared datasets directory.
pub const DATASETS_DIR: &str = "MIXPLAN_DATASETS_DIR";

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared datasets directory: `$MIXPLAN_DATASETS_DIR` (a relative path is taken from the
/// workspace root, as `scripts/test.sh` does), else `../shared/datasets` beside the workspace.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os(DATASETS_DIR) {
        Some(dir) if !dir.is_empty() => workspace().join(dir),
        _ => workspace().join("../shared/datasets"),
    }
}

/// True when missing datasets must fail the test (`MIXPLAN_REQUIRE_DATASETS=1`).
pub fn datasets_required() -> bool {
    std::env::var(REQUIRE_DATASETS).is_ok_and(|v| v == "1")
}

/// `path` if it is a file. Otherwise panics when datasets are required, or reports the
/// skip (see the module docs) and returns `None`.
pub fn require_file(test: &str, path: PathBuf) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path);
    }
    if datasets_required() {
        panic!(
            "{test}: {} is missing, and {REQUIRE_DATASETS}=1 requires every dataset; \
             put the shared datasets at ../shared/datasets beside the workspace \
             (or set {DATASETS_DIR})",
            path.display()
        );
    }
    // Straight to the process's stderr: libtest captures only the print macros.
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIPPED {test}: {} is missing",
        path.display()
    );
    None
}

/// `shared_dir()/relative`, see [`require_file`].
pub fn shared_file(test: &str, relative: &str) -> Option<PathBuf> {
    require_file(test, shared_dir().join(relative))
}

/// `<workspace>/relative` (files committed to the repository), see [`require_file`].
pub fn workspace_file(test: &str, relative: &str) -> Option<PathBuf> {
    require_file(test, workspace().join(relative))
}

/// Loads `path`; a load error is a test failure naming the file.
pub fn load(path: &Path, options: &LoadOptions) -> WeeklyData {
    load_weekly_csv_from_path(path, options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The Conjura Food & Drink US series (real data, see its PROVENANCE.md).
pub const CONJURA_FILE: &str = "conjura_weekly_food_drink_us/mmm_weekly_data.csv";

/// Conjura's four spend columns, in the order the tests use.
pub const CONJURA_CHANNELS: [&str; 4] = [
    "spend_google_search",
    "spend_google_shopping_pmax",
    "spend_meta",
    "spend_tiktok",
];

/// Conjura's calendar controls. The file's own `trend` and Fourier columns are left out:
/// the model builds its own trend and seasonality from the dates.
pub const CONJURA_CONTROLS: [&str; 2] = ["us_federal_holiday_week", "bfcm_week"];

/// How the Conjura file maps onto a weekly matrix: revenue against the four spend columns,
/// with the holiday and Black-Friday weeks as controls.
pub fn conjura_options() -> LoadOptions {
    LoadOptions::new()
        .date_column("week_start")
        .target("revenue")
        .channels(CONJURA_CHANNELS)
        .controls(CONJURA_CONTROLS)
}
