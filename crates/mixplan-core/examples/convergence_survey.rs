//! Does the default posterior converge on the reference datasets? Samples each dataset's
//! default posterior over several sampler seeds, with the native sampler (the CLI's) or the
//! page's (2 × (300 + 800), diagonal mass matrix), and counts the converged runs and the runs
//! whose chains disagree outright (max R̂ > 1.05: separate modes, not a short run).
//!
//! ```text
//! cargo run --release -p mixplan-core --example convergence_survey -- [--seeds N] [--page] [--length W+D] [--shape-sd S] [--pool-roi]
//! ```
//!
//! `--length W+D` sets the warm-up and kept draws per chain (of the page's sampler with
//! `--page`). `--shape-sd` replaces the Hill-shape prior's log-sd (default: the current default prior),
//! `--pool-roi` pools the channels' ROIs (`PriorParams::pool_roi`, spread `LogNormal(0.5,
//! 0.5)`). Datasets are read from `../shared/datasets/` beside the workspace (or
//! `$MIXPLAN_DATASETS_DIR`) and the store from `data_processed/`; a missing file is reported
//! and skipped. The results are in `docs/posterior.md` ("Why the Hill-shape prior was
//! narrowed").

use mixplan_core::data::{LoadOptions, WeeklyData, load_weekly_csv_from_path};
use mixplan_core::model::ModelParams;
use mixplan_core::model::posterior::{
    LogNormalPrior, MassMatrix, PosteriorModel, PriorParams, SamplerParams,
};
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
    page: bool,
    /// `(warmup, draws)` per chain replacing the page's (with `--page`) or the native default.
    length: Option<(usize, usize)>,
    priors: PriorParams,
}

fn settings() -> Result<Settings, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = Settings {
        seeds: 8,
        page: false,
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
            "--page" => out.page = true,
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
        .check()
        .map_err(|e| text(&e))?
        .fit(data, |_, _| {})
        .map_err(|e| text(&e))?;
    let priors = s.priors.clone().check().map_err(|e| text(&e))?;
    let model = PosteriorModel::new(data, &fitted, &priors).map_err(|e| text(&e))?;
    let (mut converged, mut disagree) = (0, 0);
    let mut worst_r_hat: f64 = 0.0;
    for seed in 1..=s.seeds {
        let mut params = SamplerParams::new().seed(seed);
        if s.page {
            params = params
                .chains(2)
                .warmup(300)
                .draws(800)
                .mass_matrix(MassMatrix::Diagonal);
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
        converged += usize::from(d.converged);
        disagree += usize::from(d.max_r_hat.is_nan() || d.max_r_hat > 1.05);
        worst_r_hat = worst_r_hat.max(d.max_r_hat);
    }
    println!(
        "| {name} | {converged} of {} | {disagree} | {worst_r_hat:.3} |",
        s.seeds
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
        if s.page {
            "the page's, 2 × (300 + 800), diagonal"
        } else {
            "native default, 4 × (500 + 750), low rank"
        },
        s.priors
    );
    println!("| dataset | converged | R̂ > 1.05 | worst R̂ |\n|---|---|---|---|");
    for (name, path, options) in datasets() {
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
