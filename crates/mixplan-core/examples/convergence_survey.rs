//! Does the default posterior converge on the reference datasets? Samples each dataset's
//! default posterior over several sampler seeds, with the native sampler (the CLI's) or the
//! page's (2 × (300 + 800), diagonal mass matrix), and counts the converged runs and the runs
//! whose chains disagree outright (max R̂ > 1.05: separate modes, not a short run).
//!
//! ```text
//! cargo run --release -p mixplan-core --example convergence_survey -- [--seeds N] [--first-seed F] [--page | --page-longer] [--length W+D] [--shape-sd S] [--pool-roi] [--only NAME] [--verbose] [--target-accept P] [--carryover FORM]
//! ```
//!
//! `--carryover geometric|weibull-cdf|weibull-pdf` fits (and samples) that carryover form.
//! `--only NAME` samples only the datasets whose name contains `NAME`; `--verbose` prints each
//! run's divergences and its worst parameters by R̂ and by bulk ESS.
//!
//! Sampler seeds `F … F + N − 1` (default 1 … 8). `--page` and `--page-longer` sample with the
//! page's presets (`RunLength::Standard` and `RunLength::Longer`); `--length W+D` sets the
//! warm-up and kept draws per chain (of the page's sampler with `--page`). `--shape-sd` replaces the Hill-shape prior's log-sd (default: the current default prior),
//! `--pool-roi` pools the channels' ROIs (`PriorParams::pool_roi`, spread `LogNormal(0.5,
//! 0.5)`). Datasets are read from `../shared/datasets/` beside the workspace (or
//! `$MIXPLAN_DATASETS_DIR`) and the store from `data_processed/`; a missing file is reported
//! and skipped. The results are in `docs/posterior.md` ("Why the Hill-shape prior was
//! narrowed").

use mixplan_core::data::{LoadOptions, WeeklyData, load_weekly_csv_from_path};
use mixplan_core::model::ModelParams;
use mixplan_core::model::posterior::{
    LogNormalPrior, PosteriorModel, PriorParams, RunLength, SamplerParams,
};
use mixplan_core::transform::CarryoverForm;
use std::path::PathBuf;

#[path = "support/reference_datasets.rs"]
mod reference_datasets;

use reference_datasets::{shared, workspace};

fn datasets() -> Vec<(&'static str, PathBuf, LoadOptions)> {
    let mut sets = vec![(
        "Conjura Food & Drink US (real)",
        shared(reference_datasets::CONJURA),
        reference_datasets::conjura_options(&reference_datasets::CONJURA_CONTROLS),
    )];
    for (name, file, options) in reference_datasets::third_party() {
        sets.push((name, shared(file), options));
    }
    sets.push((
        "simulated store",
        workspace().join(reference_datasets::STORE),
        reference_datasets::store_options(),
    ));
    sets
}

struct Settings {
    seeds: u64,
    first_seed: u64,
    only: Option<String>,
    verbose: bool,
    target_accept: Option<f64>,
    carryover: CarryoverForm,
    /// The page's preset, if sampling as the page does.
    page: Option<RunLength>,
    /// `(warmup, draws)` per chain replacing the page's (with `--page`) or the native default.
    length: Option<(usize, usize)>,
    priors: PriorParams,
}

fn settings() -> Result<Settings, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = Settings {
        seeds: 8,
        first_seed: 1,
        only: None,
        verbose: false,
        target_accept: None,
        carryover: CarryoverForm::Geometric,
        page: None,
        length: None,
        priors: PriorParams::default(),
    };
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| {
            args.get(i + 1)
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or(format!("{} needs a number", args[i]))
        };
        match args[i].as_str() {
            "--seeds" => {
                out.seeds = value(i)? as u64;
                i += 1;
            }
            "--shape-sd" => {
                let median = PriorParams::default()
                    .check()
                    .map_err(|e| e.to_string())?
                    .shape()
                    .median;
                out.priors = out.priors.shape(LogNormalPrior::new(median, value(i)?));
                i += 1;
            }
            "--first-seed" => {
                out.first_seed = value(i)? as u64;
                i += 1;
            }
            "--only" => {
                out.only = Some(args.get(i + 1).ok_or("--only needs a name")?.clone());
                i += 1;
            }
            "--verbose" => out.verbose = true,
            "--carryover" => {
                out.carryover = args
                    .get(i + 1)
                    .ok_or("--carryover needs a form")?
                    .parse()
                    .map_err(|e| format!("--carryover: {e}"))?;
                i += 1;
            }
            "--target-accept" => {
                out.target_accept = Some(value(i)?);
                i += 1;
            }
            "--page" => out.page = Some(RunLength::Standard),
            "--page-longer" => out.page = Some(RunLength::Longer),
            "--length" => {
                let (w, d) = args
                    .get(i + 1)
                    .and_then(|v| v.split_once('+'))
                    .and_then(|(w, d)| Some((w.parse().ok()?, d.parse().ok()?)))
                    .ok_or("--length needs WARMUP+DRAWS, e.g. 600+2400")?;
                out.length = Some((w, d));
                i += 1;
            }
            "--pool-roi" => {
                out.priors = out.priors.pool_roi(Some(LogNormalPrior::new(0.5, 0.5)));
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
        i += 1;
    }
    Ok(out)
}

fn survey(name: &str, data: &WeeklyData, s: &Settings) -> Result<(), String> {
    let text = |e: &dyn std::fmt::Display| e.to_string();
    let fitted = ModelParams::default()
        .carryover(s.carryover)
        .check()
        .map_err(|e| text(&e))?
        .fit(data, |_, _| {})
        .map_err(|e| text(&e))?;
    let priors = s.priors.clone().check().map_err(|e| text(&e))?;
    let model = PosteriorModel::new(data, &fitted, &priors).map_err(|e| text(&e))?;
    let (mut converged, mut disagree) = (0, 0);
    let mut worst_r_hat: f64 = 0.0;
    let started = std::time::Instant::now();
    for seed in s.first_seed..s.first_seed + s.seeds {
        let mut params = match s.page {
            Some(length) => length.sampler(),
            None => SamplerParams::new(),
        }
        .seed(seed);
        if let Some(p) = s.target_accept {
            params = params.target_accept(p);
        }
        if let Some((warmup, draws)) = s.length {
            params = params.warmup(warmup).draws(draws);
        }
        let posterior = params
            .check()
            .map_err(|e| text(&e))?
            .sample(model.clone(), |_, _| {})
            .map_err(|e| text(&e))?;
        let d = posterior.diagnostics();
        if s.verbose {
            let worst_r_hat = d
                .parameters
                .iter()
                .max_by(|a, b| a.r_hat.total_cmp(&b.r_hat));
            let worst_ess = d
                .parameters
                .iter()
                .min_by(|a, b| a.bulk_ess.total_cmp(&b.bulk_ess));
            println!(
                "  {name}, seed {seed}: converged {}, divergences {}, worst R̂ {}, lowest bulk ESS {}",
                d.converged,
                d.divergences,
                worst_r_hat.map_or(String::new(), |p| format!("{:.3} ({})", p.r_hat, p.name)),
                worst_ess.map_or(String::new(), |p| format!("{:.0} ({})", p.bulk_ess, p.name)),
            );
        }
        converged += usize::from(d.converged);
        disagree += usize::from(d.max_r_hat.is_nan() || d.max_r_hat > 1.05);
        worst_r_hat = worst_r_hat.max(d.max_r_hat);
    }
    println!(
        "| {name} | {converged} of {} | {disagree} | {worst_r_hat:.3} | {:.2} |",
        s.seeds,
        started.elapsed().as_secs_f64() / s.seeds as f64
    );
    Ok(())
}

fn main() {
    let s = match settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    println!(
        "sampler: {}; priors: {:?}\n",
        match s.page {
            Some(length) => {
                let (warmup, draws) = length.iterations();
                format!(
                    "the page's, {} × ({warmup} + {draws}), diagonal",
                    RunLength::CHAINS
                )
            }
            None => "native default, 4 × (500 + 750), low rank".to_string(),
        },
        s.priors
    );
    println!(
        "| dataset | converged | R̂ > 1.05 | worst R̂ | seconds per run |\n|---|---|---|---|---|"
    );
    for (name, path, options) in datasets() {
        if s.only
            .as_ref()
            .is_some_and(|only| !name.contains(only.as_str()))
        {
            continue;
        }
        match load_weekly_csv_from_path(&path, &options) {
            Ok(data) => {
                if let Err(e) = survey(name, &data, &s) {
                    println!("| {name} | failed: {e} | | |");
                }
            }
            Err(e) => eprintln!("skipped {}: {e}", path.display()),
        }
    }
}
