//! Writes the simulated store's lift tests, `data_processed/lift_tests.csv`, from its truth
//! (`data_processed/ground_truth.json`): one test on each of the two largest channels by
//! total spend (paid search and display), over the 8 weeks starting at week 104
//! (2024-01-01 … 2024-02-19); `lift` = the channel's true contribution summed over those
//! weeks, exactly (no noise), `spend` its spend there, `std_error` = 10 % of the lift.
//! (`model::posterior::lift_tests_from_truth`.)
//!
//! ```text
//! cargo run --release -p mixplan-core --example lift_tests [-- OUT.csv]
//! ```

use mixplan_core::data::truth::GroundTruth;
use mixplan_core::data::{DEFAULT_TARGET, LoadOptions, load_weekly_csv_from_path};
use mixplan_core::model::posterior::{TruthLiftTests, lift_tests_from_truth, write_lift_tests};
use std::path::PathBuf;

/// The store's lift tests: which channels, which weeks, how precise.
pub const STORE_LIFT_TESTS: TruthLiftTests = TruthLiftTests {
    channels: 2,
    first_week: 104,
    weeks: 8,
    relative_std_error: 0.1,
    noise_seed: None,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data_processed");
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| dir.join("lift_tests.csv"), PathBuf::from);
    let data = load_weekly_csv_from_path(
        dir.join("mmm_data.csv"),
        &LoadOptions::new().target(DEFAULT_TARGET),
    )?;
    let truth: GroundTruth =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground_truth.json"))?)?;
    let tests = lift_tests_from_truth(&truth, &data, STORE_LIFT_TESTS);
    if tests.len() != STORE_LIFT_TESTS.channels {
        return Err(format!(
            "expected {} tests, made {}",
            STORE_LIFT_TESTS.channels,
            tests.len()
        )
        .into());
    }
    std::fs::write(&out, write_lift_tests(&tests))?;
    for t in &tests {
        println!(
            "{}: {} … {}, lift {:.2} ± {:.2}, spend {:.2} (test ROI {:.3})",
            t.channel,
            t.start,
            t.end,
            t.lift,
            t.std_error,
            t.spend,
            t.roi().unwrap_or(f64::NAN)
        );
    }
    println!("wrote {}", out.display());
    Ok(())
}
