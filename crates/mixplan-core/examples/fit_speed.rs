//! Speed at scale (issue #10, item 8): wall time of the whole fit (hyper-parameter search
//! included, as the app and `mixplan fit` run it) on simulated worlds of 156 weeks × 5
//! channels, 520 × 10 and 1,000 × 20, and the cost per week·channel, which should not grow
//! with the size. `docs/model.md` ("Speed at scale") quotes its output.
//!
//! ```text
//! cargo run --release -p mixplan-core --example fit_speed [-- --repeat 3] [--sizes 156x5,1000x20]
//! ```
//!
//! The worlds are [`WorldFamily::world_of_size`] of family seed [`FAMILY_SEED`], world 0, so
//! the runs are repeatable. Each size is fitted `--repeat` times and the fastest run is
//! reported (the machine is shared; the fastest is the least disturbed).

use mixplan_core::data::worlds::WorldFamily;
use mixplan_core::model::ModelParams;
use std::process::ExitCode;
use std::time::Instant;

/// Family seed of the benchmark worlds.
const FAMILY_SEED: u64 = 20_261_130;

/// The sizes of issue #10, item 8: `(weeks, channels)`.
const SIZES: [(usize, usize); 3] = [(156, 5), (520, 10), (1_000, 20)];

fn parse_size(text: &str) -> Result<(usize, usize), String> {
    let (weeks, channels) = text
        .split_once('x')
        .ok_or_else(|| format!("size '{text}' is not WEEKSxCHANNELS, e.g. 520x10"))?;
    let number = |t: &str| {
        t.trim()
            .parse::<usize>()
            .map_err(|e| format!("size '{text}': '{t}' is not a whole number ({e})"))
    };
    Ok((number(weeks)?, number(channels)?))
}

const USAGE: &str =
    "usage: fit_speed [--repeat N] [--sizes 156x5,520x10] [--requests DIR] [--no-fit]";

/// What to run.
struct Args {
    /// Fits per size; the fastest is reported.
    repeat: usize,
    /// `(weeks, channels)` sizes.
    sizes: Vec<(usize, usize)>,
    /// Where to write each size's worker request (`fit_request_WEEKSxCHANNELS.json`: the
    /// weekly data and the default model parameters) for the in-browser benchmark.
    requests: Option<std::path::PathBuf>,
    /// Only write the requests.
    no_fit: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut out = Args {
        repeat: 1,
        sizes: SIZES.to_vec(),
        requests: None,
        no_fit: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--no-fit" {
            out.no_fit = true;
            continue;
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value; {USAGE}"))?;
        match flag.as_str() {
            "--repeat" => {
                out.repeat = value
                    .parse::<usize>()
                    .ok()
                    .filter(|&r| r > 0)
                    .ok_or_else(|| format!("--repeat {value}: give a whole number ≥ 1"))?
            }
            "--sizes" => out.sizes = value.split(',').map(parse_size).collect::<Result<_, _>>()?,
            "--requests" => out.requests = Some(value.into()),
            _ => return Err(format!("unknown flag {flag}; {USAGE}")),
        }
    }
    Ok(out)
}

/// Writes the worker request for one world: `{"data": WeeklyData, "params": ModelParams}`.
fn write_request(
    dir: &std::path::Path,
    weeks: usize,
    channels: usize,
    data: &mixplan_core::data::WeeklyData,
) -> Result<(), String> {
    let request = serde_json::json!({ "data": data, "params": ModelParams::default() });
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("fit_request_{weeks}x{channels}.json"));
    std::fs::write(&path, request.to_string()).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let Args {
        repeat,
        sizes,
        requests,
        no_fit,
    } = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let params = match ModelParams::default().check() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: default parameters: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "| weeks × channels | fit (s), fastest of {repeat} | µs per week·channel | evaluations | sweeps | test R² |"
    );
    println!("|---|---|---|---|---|---|");
    for (weeks, channels) in sizes {
        let world = match WorldFamily::new(FAMILY_SEED).world_of_size(0, channels, weeks) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("error: world {weeks}×{channels}: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let Some(dir) = &requests
            && let Err(message) = write_request(dir, weeks, channels, &world.data)
        {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
        if no_fit {
            continue;
        }
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..repeat {
            let start = Instant::now();
            match params.fit(&world.data, |_, _| {}) {
                Ok(model) => last = Some(model),
                Err(e) => {
                    eprintln!("error: fit {weeks}×{channels}: {e}");
                    return ExitCode::FAILURE;
                }
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        let Some(model) = last else {
            return ExitCode::FAILURE;
        };
        println!(
            "| {weeks} × {channels} | {best:.3} | {:.1} | {} | {} | {:.3} |",
            best * 1e6 / (weeks * channels) as f64,
            model.search().evaluations,
            model.search().sweeps,
            model.metrics().r2_test
        );
    }
    ExitCode::SUCCESS
}
