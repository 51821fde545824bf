//! What the CLI's integration tests share: running the `mixplan` binary, checking that it
//! succeeds or fails as a user would see it, and where the demo store's weekly data is.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Path of the demo store's weekly data, committed in the repository.
pub fn store_csv_path() -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "data_processed",
        "mmm_data.csv",
    ]
    .iter()
    .collect();
    path.to_string_lossy().into_owned()
}

/// Runs the binary with `args`.
pub fn mixplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mixplan"))
        .args(args)
        .output()
        .expect("the mixplan binary runs")
}

/// Runs a command that must fail: its stderr, after checking the exit code is 2 and that
/// nothing went to stdout.
pub fn failure(args: &[&str]) -> String {
    let out = mixplan(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    stderr
}

/// Runs a command that must succeed and parses its JSON output.
pub fn success(args: &[&str]) -> serde_json::Value {
    let out = mixplan(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}
