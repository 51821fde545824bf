//! Recovery benchmark: on how many simulator seeds does the model recover the simulated
//! store's ground truth? This is the figure `docs/model.md` quotes; it is a benchmark, not a
//! test, because 100 fits take a while.
//!
//! ```text
//! cargo run --release -p mixplan-core --example recovery -- --seeds 100 [--first 1]
//! make bench-recovery
//! ```
//!
//! For each seed `first, first+1, …`: simulate the store (`data::simulate`), prepare its
//! `mmm_data.csv` (`data::prepare`) and load it as the app does, then fit three ways:
//!
//! * **default search**: `ModelParams::default()`, as the app and `mixplan fit` do;
//! * **true hyper-parameters, all weeks**: the true `(θ, K, s)` fixed, penalty `λ = 1e-9`,
//!   only the linear coefficients fitted, refitted on all weeks (the default `refit_all`);
//! * **true hyper-parameters, training weeks**: the same, fitted on the training weeks only.
//!
//! A seed passes when every channel satisfies issue #4's tolerance:
//!
//! ```text
//! |ROI_fit − ROI_true| ≤ 0.25 · ROI_true   and   |share_fit − share_true| ≤ 0.05
//! ```
//!
//! (`share`: the channel's part of the total media contribution). "Tolerance used" is the
//! larger of `|ROI error| / 0.25` and `|share error| / 0.05`: 1 is on the limit.

use mixplan_core::data::load_weekly_csv;
use mixplan_core::data::prepare::{mmm_load_options, prepare};
use mixplan_core::data::simulate::{SimulateParams, simulate};
use mixplan_core::model::{FixedHyperparameters, ModelParams};
use std::process::ExitCode;
use std::time::Instant;

/// Relative ROI error allowed per channel (issue #4).
const ROI_TOLERANCE: f64 = 0.25;
/// Error allowed on a channel's share of the media contribution, in share points (issue #4).
const SHARE_TOLERANCE: f64 = 0.05;
/// Ridge penalty of the fits with the true hyper-parameters (practically least squares).
const TRUE_FIT_PENALTY: f64 = 1e-9;

struct Args {
    seeds: u64,
    first: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seeds: 100,
        first: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let slot = match flag.as_str() {
            "--seeds" => &mut args.seeds,
            "--first" => &mut args.first,
            "-h" | "--help" => {
                return Err(
                    "usage: recovery [--seeds N (default 100)] [--first SEED (default 1)]".into(),
                );
            }
            other => return Err(format!("unknown argument `{other}`; try --help")),
        };
        let value = it.next().ok_or(format!("{flag} needs a number"))?;
        *slot = value
            .parse()
            .map_err(|_| format!("{flag} needs a whole number, got `{value}`"))?;
    }
    if args.seeds == 0 {
        return Err("--seeds must be at least 1".into());
    }
    Ok(args)
}

/// One channel's fitted ROI and media share against the truth.
#[derive(Clone, Copy)]
struct ChannelError {
    /// `(ROI_fit − ROI_true) / ROI_true`.
    roi: f64,
    /// `share_fit − share_true`.
    share: f64,
}

impl ChannelError {
    fn tolerance_used(self) -> f64 {
        (self.roi.abs() / ROI_TOLERANCE).max(self.share.abs() / SHARE_TOLERANCE)
    }
}

/// Results of one way of fitting, over all seeds.
struct Tally {
    label: &'static str,
    passed: usize,
    /// `errors[c]`: channel `c`'s error on every seed.
    errors: Vec<Vec<ChannelError>>,
    /// Seconds per fit.
    seconds: Vec<f64>,
}

impl Tally {
    fn new(label: &'static str, channels: usize) -> Self {
        Self {
            label,
            passed: 0,
            errors: vec![Vec::new(); channels],
            seconds: Vec::new(),
        }
    }

    fn record(&mut self, errors: &[ChannelError], seconds: f64) {
        if errors.iter().all(|e| e.tolerance_used() <= 1.0) {
            self.passed += 1;
        }
        for (all, &e) in self.errors.iter_mut().zip(errors) {
            all.push(e);
        }
        self.seconds.push(seconds);
    }

    fn worst(&self) -> f64 {
        self.errors
            .iter()
            .flatten()
            .map(|e| e.tolerance_used())
            .fold(0.0, f64::max)
    }

    fn misses(&self, c: usize) -> usize {
        self.errors[c]
            .iter()
            .filter(|e| e.tolerance_used() > 1.0)
            .count()
    }
}

/// The `q`-quantile (nearest rank) of `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn run(args: &Args) -> Result<(), String> {
    let channel_names: Vec<String>;
    let mut tallies: Vec<Tally>;
    {
        let first = simulate(&SimulateParams {
            seed: args.first,
            ..SimulateParams::default()
        })
        .map_err(|e| e.to_string())?;
        channel_names = first
            .truth
            .channels
            .iter()
            .map(|c| c.name.clone())
            .collect();
        let n = channel_names.len();
        tallies = vec![
            Tally::new("default search", n),
            Tally::new("true hyper-parameters, all weeks", n),
            Tally::new("true hyper-parameters, training weeks", n),
        ];
    }
    for seed in args.first..args.first + args.seeds {
        let sim = simulate(&SimulateParams {
            seed,
            ..SimulateParams::default()
        })
        .map_err(|e| format!("seed {seed}: {e}"))?;
        let star = prepare(&sim.raw, &sim.truth).map_err(|e| format!("seed {seed}: {e}"))?;
        let ids: Vec<&str> = sim.truth.channels.iter().map(|c| c.id.as_str()).collect();
        let data = load_weekly_csv(&star.mmm_data, &mmm_load_options(&ids))
            .map_err(|e| format!("seed {seed}: {e}"))?;
        let true_media: f64 = sim
            .truth
            .channels
            .iter()
            .map(|c| c.total_contribution)
            .sum();
        let fixed = FixedHyperparameters::from_truth(&sim.truth, TRUE_FIT_PENALTY);
        let fits = [
            ModelParams::default(),
            ModelParams::default().fixed(fixed.clone()),
            ModelParams::default().fixed(fixed).refit_all(false),
        ];
        for (tally, params) in tallies.iter_mut().zip(fits) {
            let start = Instant::now();
            let model = params
                .check()
                .map_err(|e| e.to_string())
                .and_then(|p| p.fit(&data, |_, _| {}).map_err(|e| e.to_string()))
                .map_err(|e| format!("seed {seed}, {}: {e}", tally.label))?;
            let seconds = start.elapsed().as_secs_f64();
            let errors: Vec<ChannelError> = sim
                .truth
                .channels
                .iter()
                .map(|truth| {
                    let fitted = model
                        .channel_index(&truth.id)
                        .map(|c| &model.channels()[c])
                        .ok_or(format!("seed {seed}: channel {} missing", truth.id))?;
                    Ok(ChannelError {
                        roi: (fitted.roi - truth.roi) / truth.roi,
                        share: fitted.contribution_share - truth.total_contribution / true_media,
                    })
                })
                .collect::<Result<_, String>>()?;
            tally.record(&errors, seconds);
        }
    }
    print_report(args, &channel_names, &tallies);
    Ok(())
}

fn print_report(args: &Args, channel_names: &[String], tallies: &[Tally]) {
    let seeds = args.seeds as usize;
    println!(
        "Recovery of the simulated store's truth, simulator seeds {}–{} ({} weeks each)",
        args.first,
        args.first + args.seeds - 1,
        SimulateParams::default().weeks
    );
    println!(
        "A seed passes when every channel's ROI is within {:.0} % of the truth and its share of \
         the media contribution within {:.0} points.\n",
        ROI_TOLERANCE * 100.0,
        SHARE_TOLERANCE * 100.0
    );
    println!("| fit | seeds passed | worst tolerance used | mean fit time |\n|---|---|---|---|");
    for t in tallies {
        println!(
            "| {} | {} of {seeds} | {:.2} | {:.1} ms |",
            t.label,
            t.passed,
            t.worst(),
            1e3 * t.seconds.iter().sum::<f64>() / t.seconds.len() as f64
        );
    }
    for t in tallies {
        println!(
            "\n{}: per channel |ROI error| (relative) and misses\n\n\
             | channel | median | p90 | max | max share error (points) | seeds missed |\n\
             |---|---|---|---|---|---|",
            t.label
        );
        for (c, name) in channel_names.iter().enumerate() {
            let roi: Vec<f64> = t.errors[c].iter().map(|e| e.roi.abs()).collect();
            let share = t.errors[c]
                .iter()
                .map(|e| e.share.abs())
                .fold(0.0, f64::max);
            println!(
                "| {name} | {:.1} % | {:.1} % | {:.1} % | {:.1} | {} |",
                100.0 * quantile(&roi, 0.5),
                100.0 * quantile(&roi, 0.9),
                100.0 * quantile(&roi, 1.0),
                100.0 * share,
                t.misses(c)
            );
        }
    }
}

fn main() -> ExitCode {
    match parse_args().and_then(|args| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("recovery: {message}");
            ExitCode::from(2)
        }
    }
}
