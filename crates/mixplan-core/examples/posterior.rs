//! Samples the posterior of the simulated store (`data_processed/mmm_data.csv`, 156 weeks ×
//! 5 channels, loaded as `mixplan fit` loads it) and prints the time, the convergence
//! diagnostics and the ROI intervals against `data_processed/ground_truth.json`.
//!
//! With `--worlds N` it also samples worlds `0 … N−1` of the trust benchmark's family
//! (`data::worlds`, seed 20261130) and counts how often the 90 % ROI interval holds the true
//! ROI (a calibrated posterior holds it about 90 % of the time).
//!
//! ```text
//! cargo run --release -p mixplan-core --example posterior -- [--warmup N] [--draws N] [--seed N] [--chains N] [--target-accept P] [--jitter J] [--mass-matrix diagonal|low-rank] [--worlds N] [--carryover geometric|weibull-cdf|weibull-pdf]
//! ```
//!
//! The page's sampler is `--chains 2 --warmup 300 --draws 800 --mass-matrix diagonal` (it keeps 400 draws)
//! (`src/fitting.rs`; the low-rank adaptation is not built for wasm32).
//!
//! `--carryover` fits the store (not the worlds) with that carryover form, so the posterior
//! samples its parameters (geometric `θ`, or Weibull `k`, `λ`).

use mixplan_core::data::truth::GroundTruth;
use mixplan_core::data::worlds::WorldFamily;
use mixplan_core::data::{DEFAULT_TARGET, LoadOptions, load_weekly_csv_from_path};
use mixplan_core::model::ModelParams;
use mixplan_core::model::posterior::{
    MassMatrix, PosteriorModel, PriorParams, SamplerParams, ValidSamplerParams,
};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut params = SamplerParams::new();
    let mut worlds = 0;
    let mut carryover = mixplan_core::transform::CarryoverForm::Geometric;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        if flag == "--worlds" {
            worlds = value.parse()?;
            continue;
        }
        if flag == "--carryover" {
            carryover = value.parse()?;
            continue;
        }
        params = match flag.as_str() {
            "--warmup" => params.warmup(value.parse()?),
            "--draws" => params.draws(value.parse()?),
            "--seed" => params.seed(value.parse()?),
            "--chains" => params.chains(value.parse()?),
            "--target-accept" => params.target_accept(value.parse()?),
            "--jitter" => params.jitter(value.parse()?),
            "--mass-matrix" => params.mass_matrix(match value.as_str() {
                "diagonal" => MassMatrix::Diagonal,
                "low-rank" => MassMatrix::LowRank,
                other => return Err(format!("unknown mass matrix {other}").into()),
            }),
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
    let fitted = ModelParams::default()
        .carryover(carryover)
        .check()?
        .fit(&data, |_, _| {})?;
    let fit_time = clock.elapsed();
    let model = PosteriorModel::new(&data, &fitted, &PriorParams::default().check()?)?;
    let clock = Instant::now();
    let posterior = params.sample(model.clone(), |_, _| {})?;
    let sample_time = clock.elapsed();
    let p = params.params();
    println!(
        "data: {} weeks x {} channels, {} parameters, carryover {carryover}; point fit {:.0} ms",
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
    recommend_on_the_store(&posterior, &fitted, &truth)?;
    if worlds > 0 {
        calibrate(&params, worlds)?;
    }
    Ok(())
}

/// The recommendation rule on the store at its historical budget: the answer, judged under
/// the truth, and its time with all draws and with 200 (a slider's budget).
fn recommend_on_the_store(
    posterior: &mixplan_core::model::posterior::Posterior,
    fitted: &mixplan_core::model::FittedModel,
    truth: &GroundTruth,
) -> Result<(), Box<dyn std::error::Error>> {
    use mixplan_core::model::posterior::{RecommendParams, feasible_current};
    let mix: Vec<f64> = fitted.channels().iter().map(|c| c.mean_spend).collect();
    let budget: f64 = mix.iter().sum();
    let current = feasible_current(&mix, &[], budget)?;
    let rule = RecommendParams::new().check()?;
    let true_curves = truth
        .channels
        .iter()
        .map(|t| t.response())
        .collect::<Result<Vec<_>, _>>()?;
    let true_revenue =
        |x: &[f64]| -> f64 { true_curves.iter().zip(x).map(|(f, &v)| f.value(v)).sum() };
    for draws in [posterior.draws(), 200] {
        let thinned = posterior.thinned(draws);
        let clock = Instant::now();
        let r = rule.recommend(&thinned, &fitted.responses(), &current, &[], budget)?;
        let ms = clock.elapsed().as_secs_f64() * 1e3;
        let prepared = mixplan_core::model::posterior::PosteriorCurves::new(&thinned)?;
        let clock = Instant::now();
        let again =
            rule.recommend_prepared(&prepared, &fitted.responses(), &current, &[], budget)?;
        println!(
            "\nprepared curves ({draws} draws): rule in {:.1} ms, same answer {}",
            clock.elapsed().as_secs_f64() * 1e3,
            again == r
        );
        println!(
            "\nrule with {draws} draws at the historical budget {budget:.0}: {ms:.1} ms; verdict {:?}, \
             step {:.3}, P(gain) {:.3}, expected uplift {:.0} (90 % [{:.0}, {:.0}]), exact {}",
            r.verdict,
            r.step,
            r.probability_of_gain,
            r.expected_uplift,
            r.uplift_interval.0,
            r.uplift_interval.1,
            r.exact
        );
        println!("  {}", r.verdict_text);
        println!(
            "  true uplift over the historical mix: recommended {:.0}, candidate {:.0}, point optimum {:.0} \
             (P(gain) {:.3})",
            true_revenue(&r.allocation) - true_revenue(&current),
            true_revenue(&r.candidate.allocation) - true_revenue(&current),
            true_revenue(&r.point_optimum.allocation) - true_revenue(&current),
            r.point_optimum.probability_of_gain
        );
    }
    Ok(())
}

/// Samples worlds `0 … count−1` of the trust family and prints, per world, the ROI coverage
/// and the diagnostics, then the totals.
fn calibrate(params: &ValidSamplerParams, count: usize) -> Result<(), Box<dyn std::error::Error>> {
    let family = WorldFamily::new(20261130);
    let priors = PriorParams::default().check()?;
    println!(
        "\n{:>5} {:>5} {:>8} {:>7} {:>8} {:>9} {:>9} {:>8}",
        "world", "weeks", "channels", "inside", "R-hat", "min ESS", "diverg.", "time s"
    );
    let (mut inside_total, mut channels_total, mut converged) = (0, 0, 0);
    let (mut point_inside, mut seconds) = (0, 0.0);
    for index in 0..count {
        let world = family.world(index)?;
        let fitted = ModelParams::default()
            .check()?
            .fit(&world.data, |_, _| {})?;
        let model = PosteriorModel::new(&world.data, &fitted, &priors)?;
        let clock = Instant::now();
        let posterior = params.sample(model, |_, _| {})?;
        let elapsed = clock.elapsed().as_secs_f64();
        seconds += elapsed;
        let mut inside = 0;
        for (c, t) in world.truth.channels.iter().enumerate() {
            let (low, high) = posterior.roi_interval(c, 0.9)?;
            inside += usize::from((low..=high).contains(&t.roi));
            let fitted_roi = fitted.channels()[c].roi;
            point_inside += usize::from((fitted_roi / t.roi - 1.0).abs() <= 0.1);
        }
        let n = world.truth.channels.len();
        let d = posterior.diagnostics();
        inside_total += inside;
        channels_total += n;
        converged += usize::from(d.converged);
        println!(
            "{index:>5} {:>5} {n:>8} {inside:>7} {:>8.4} {:>9.0} {:>9} {elapsed:>8.2}",
            world.data.len(),
            d.max_r_hat,
            d.min_bulk_ess,
            d.divergences
        );
    }
    println!(
        "90 % ROI intervals holding the truth: {inside_total} of {channels_total} ({:.0} %); \
         converged runs {converged} of {count}; mean sampling time {:.2} s; \
         point-estimate ROI within 10 % of the truth: {point_inside} of {channels_total}",
        100.0 * inside_total as f64 / channels_total.max(1) as f64,
        seconds / count.max(1) as f64
    );
    Ok(())
}
