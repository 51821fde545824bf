//! Samples the posterior of the simulated store (`data_processed/mmm_data.csv`, 156 weeks ×
//! 5 channels, loaded as `mixplan fit` loads it) and prints the time, the convergence
//! diagnostics and the ROI intervals against `data_processed/ground_truth.json`.
//!
//! ```text
//! cargo run --release -p mixplan-core --example posterior -- [--warmup N] [--draws N] [--seed N] [--chains N]
//! ```

use mixplan_core::data::truth::GroundTruth;
use mixplan_core::data::{DEFAULT_TARGET, LoadOptions, load_weekly_csv_from_path};
use mixplan_core::model::ModelParams;
use mixplan_core::model::posterior::{PosteriorModel, PriorParams, SamplerParams};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut params = SamplerParams::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        params = match flag.as_str() {
            "--warmup" => params.warmup(value.parse()?),
            "--draws" => params.draws(value.parse()?),
            "--seed" => params.seed(value.parse()?),
            "--chains" => params.chains(value.parse()?),
            other => return Err(format!("unknown flag {other}").into()),
        };
    }
    let params = params.check()?;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data_processed");
    let data = load_weekly_csv_from_path(
        dir.join("mmm_data.csv"),
        &LoadOptions::new().target(DEFAULT_TARGET),
    )?;
    let truth: GroundTruth =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground_truth.json"))?)?;

    let clock = Instant::now();
    let fitted = ModelParams::default().check()?.fit(&data, |_, _| {})?;
    let fit_time = clock.elapsed();
    let model = PosteriorModel::new(&data, &fitted, &PriorParams::default().check()?)?;
    let clock = Instant::now();
    let posterior = params.sample(model.clone(), |_, _| {})?;
    let sample_time = clock.elapsed();
    let p = params.params();
    println!(
        "data: {} weeks x {} channels, {} parameters; point fit {:.0} ms",
        data.len(),
        data.channels().len(),
        model.dim(),
        fit_time.as_secs_f64() * 1e3
    );
    println!(
        "sampling: {:?}, {} leapfrog steps, step sizes {:?}: {:.2} s",
        p,
        posterior.leapfrog_steps(),
        posterior
            .step_sizes()
            .iter()
            .map(|s| format!("{s:.3}"))
            .collect::<Vec<_>>(),
        sample_time.as_secs_f64()
    );
    let d = posterior.diagnostics();
    println!(
        "diagnostics: divergences {}, max R-hat {:.4}, min bulk ESS {:.0} (of {} draws), converged {} \
         (thresholds R-hat <= {}, bulk ESS >= {} per chain, divergences <= {})",
        d.divergences,
        d.max_r_hat,
        d.min_bulk_ess,
        posterior.draws(),
        d.converged,
        d.thresholds.max_r_hat,
        d.thresholds.min_bulk_ess_per_chain,
        d.thresholds.max_divergences
    );
    println!("{:<28} {:>8} {:>8}", "parameter", "R-hat", "bulk ESS");
    for q in &d.parameters {
        println!("{:<28} {:>8.4} {:>8.0}", q.name, q.r_hat, q.bulk_ess);
    }
    println!(
        "\n{:<12} {:>9} {:>9} {:>19} {:>7} {:>7} {:>12} {:>12}",
        "channel",
        "fit ROI",
        "post med",
        "90 % interval",
        "true",
        "inside",
        "mean f(m)",
        "true f(m)"
    );
    let mut inside = 0;
    for (c, ch) in fitted.channels().iter().enumerate() {
        let id = &data.channels()[c].name;
        let Some(t) = truth.channels.iter().find(|t| &t.id == id || &t.name == id) else {
            println!("{id}: not in the truth");
            continue;
        };
        let (low, high) = posterior.roi_interval(c, 0.9)?;
        let (median, _) = posterior.roi_interval(c, 1e-9)?;
        let ok = (low..=high).contains(&t.roi);
        inside += usize::from(ok);
        let m = t.mean_weekly_spend;
        println!(
            "{:<12} {:>9.3} {:>9.3}     [{:>5.3}, {:>5.3}] {:>7.3} {:>7} {:>12.0} {:>12.0}",
            t.name,
            ch.roi,
            median,
            low,
            high,
            t.roi,
            if ok { "yes" } else { "NO" },
            posterior.mean_response(c, m)?,
            t.response()?.value(m)
        );
    }
    println!(
        "true ROI inside the 90 % interval: {inside} of {}",
        fitted.channels().len()
    );
    let noise = posterior.noise();
    let (noise_low, noise_high) =
        mixplan_core::model::posterior::equal_tailed_interval(noise, 0.9)?;
    println!(
        "noise sd: 90 % interval [{noise_low:.0}, {noise_high:.0}], true {:.0}",
        truth.noise_sd
    );
    Ok(())
}
