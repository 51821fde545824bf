//! Speed at scale (issue #10, item 8): wall time of the whole fit (hyper-parameter search
//! included, as the app and `mixplan fit` run it) on simulated worlds of 156 weeks × 5
//! channels, 520 × 10 and 1,000 × 20, and the cost per week·channel, which should not grow
//! with the size. `docs/model.md` ("Speed at scale") quotes its output.
//!
//! ```text
//! cargo run --release -p mixplan-core --example fit_speed [-- --repeat 3] [--sizes 156x5,1000x20] [--stages]
//! ```
//!
//! The worlds are [`WorldFamily::world_of_size`] of family seed [`FAMILY_SEED`], world 0, so
//! the runs are repeatable. Each size is fitted `--repeat` times and the fastest run is
//! reported (the machine is shared; the fastest is the least disturbed), in wall time and in
//! CPU time of the fitting thread (Linux `/proc/thread-self/schedstat`; what other programs
//! on a loaded machine cannot inflate). The last column is the log-log slope of the CPU time
//! against weeks × channels from the previous size to this one (1 = linear), and the last
//! line the least-squares slope of `ln CPU` on `ln(weeks × channels)` over all sizes.
//!
//! `--stages` also prints, per size, the CPU time of each stage of the fit (random starts,
//! each coordinate sweep, the refinement units, the final fit), stepping the
//! [`mixplan_core::model::Fitter`] as the app's worker does.

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
    "usage: fit_speed [--repeat N] [--sizes 156x5,520x10] [--requests DIR] [--no-fit] [--stages]";

/// CPU time of the calling thread in seconds (`/proc/thread-self/schedstat`, Linux), or
/// `None` where the kernel does not report it.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos * 1e-9)
}

/// `after − before` of two [`thread_cpu_seconds`] readings.
fn cpu_between(before: Option<f64>, after: Option<f64>) -> f64 {
    match (before, after) {
        (Some(b), Some(a)) => a - b,
        _ => f64::NAN,
    }
}

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
    /// Print the CPU time of each stage of the fit.
    stages: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut out = Args {
        repeat: 1,
        sizes: SIZES.to_vec(),
        requests: None,
        no_fit: false,
        stages: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--no-fit" {
            out.no_fit = true;
            continue;
        }
        if flag == "--stages" {
            out.stages = true;
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
        stages,
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
        "| weeks × channels | wall (s), fastest of {repeat} | CPU (s), fastest of {repeat} | CPU µs per week·channel | evaluations | sweeps | test R² | CV RMSE | log-log slope of CPU vs weeks·channels, from the previous size |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut points: Vec<(f64, f64)> = Vec::new();
    let mut stage_reports = Vec::new();
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
        let mut best_cpu = f64::INFINITY;
        let mut last = None;
        for _ in 0..repeat {
            let start = Instant::now();
            let cpu_start = thread_cpu_seconds();
            match params.fit(&world.data, |_, _| {}) {
                Ok(model) => last = Some(model),
                Err(e) => {
                    eprintln!("error: fit {weeks}×{channels}: {e}");
                    return ExitCode::FAILURE;
                }
            }
            best_cpu = best_cpu.min(cpu_between(cpu_start, thread_cpu_seconds()));
            best = best.min(start.elapsed().as_secs_f64());
        }
        let Some(model) = last else {
            return ExitCode::FAILURE;
        };
        let size = (weeks * channels) as f64;
        let slope = match points.last() {
            Some(&(size0, cpu0)) if size > size0 => {
                format!("{:.2}", (best_cpu / cpu0).ln() / (size / size0).ln())
            }
            _ => "—".to_string(),
        };
        points.push((size, best_cpu));
        println!(
            "| {weeks} × {channels} | {best:.3} | {best_cpu:.3} | {:.1} | {} | {} | {:.3} | {:.2} | {slope} |",
            best_cpu * 1e6 / size,
            model.search().evaluations,
            model.search().sweeps,
            model.metrics().r2_test,
            model.search().cv_rmse,
        );
        if stages {
            match stage_times(&params, &world.data, channels) {
                Ok(report) => stage_reports.push(format!("{weeks} × {channels}: {report}")),
                Err(e) => {
                    eprintln!("error: fit {weeks}×{channels}: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    if let Some(slope) = log_log_slope(&points) {
        println!(
            "least-squares slope of ln CPU on ln(weeks × channels) over {} sizes: {slope:.2} (1 = linear)",
            points.len()
        );
    }
    for report in stage_reports {
        println!("{report}");
    }
    ExitCode::SUCCESS
}

/// Least-squares slope of `ln y` on `ln x` over `(x, y)` points:
/// `Σ(u − ū)(v − v̄) / Σ(u − ū)²` with `u = ln x`, `v = ln y`; `None` for fewer than two
/// distinct sizes or a time that is not positive.
fn log_log_slope(points: &[(f64, f64)]) -> Option<f64> {
    if points.iter().any(|&(x, y)| !(x > 0.0 && y > 0.0)) {
        return None;
    }
    let logs: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x.ln(), y.ln())).collect();
    let n = logs.len() as f64;
    let (mean_u, mean_v) = logs
        .iter()
        .fold((0.0, 0.0), |(a, b), &(u, v)| (a + u / n, b + v / n));
    let (num, den) = logs.iter().fold((0.0, 0.0), |(num, den), &(u, v)| {
        (
            num + (u - mean_u) * (v - mean_v),
            den + (u - mean_u).powi(2),
        )
    });
    (den > 0.0).then(|| num / den)
}

/// CPU milliseconds of each stage of one fit with the default parameters: the random
/// starts, each coordinate sweep (`channels` grids and the penalty grid), the three
/// refinement units (LM polish, penalty, LM polish), the final fit.
fn stage_times(
    params: &mixplan_core::model::ValidParams,
    data: &mixplan_core::data::WeeklyData,
    channels: usize,
) -> Result<String, mixplan_core::model::FitError> {
    const REFINE: [&str; 3] = ["polish", "penalty", "polish"];
    let mut fitter = params.start(data)?;
    let (_, total) = fitter.progress();
    // Units after the sweeps: three refinement units and the final fit.
    let sweeps_end = total.saturating_sub(REFINE.len() + 1);
    let units = channels + 1;
    let mut parts: Vec<(String, f64)> = Vec::new();
    let mut refined = 0;
    while !fitter.is_finished() {
        let before = thread_cpu_seconds();
        let (done_before, _) = fitter.progress();
        fitter.step();
        let cpu = cpu_between(before, thread_cpu_seconds()) * 1e3;
        let name = if done_before == 0 {
            "starts".to_string()
        } else if done_before < sweeps_end {
            format!("sweep {}", (done_before - 1) / units + 1)
        } else if refined < REFINE.len() {
            refined += 1;
            REFINE[refined - 1].to_string()
        } else {
            "final".to_string()
        };
        match parts.last_mut() {
            Some((last, ms)) if *last == name => *ms += cpu,
            _ => parts.push((name, cpu)),
        }
    }
    let before = thread_cpu_seconds();
    fitter.finish()?;
    parts.push((
        "finish".to_string(),
        cpu_between(before, thread_cpu_seconds()) * 1e3,
    ));
    Ok(parts
        .iter()
        .map(|(name, ms)| format!("{name} {ms:.0} ms"))
        .collect::<Vec<_>>()
        .join(", "))
}
