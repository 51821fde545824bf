//! The default posterior on real and third-party data converges: its chains agree.
//!
//! With the Hill-shape prior `LogNormal(ln 1.3, 0.5²)` (until December 1) the posterior of
//! the real Conjura series had a second mode: a Google shopping/PMax curve that is a step
//! (shape ≈ 9.6, half-saturation ≈ 44k) beside a smooth one (shape ≈ 1.3, ≈ 12k), only
//! about 2 nats lower in log density. One chain in four fell into it in 4 of 8 sampler
//! seeds, R̂ reached 1.53 and the page said "not converged". The prior
//! `LogNormal(ln 1.3, 0.3²)` keeps 99 % of the shape within 0.6 … 2.8, about Robyn's bounds
//! for the Hill shape (0.5 … 3); then 8 of 8 seeds converge on Conjura
//! (`docs/posterior.md`, "Why the Hill-shape prior was narrowed"). This file keeps that, and
//! the same on the Robyn and PyMC-Marketing example datasets (5 of 8 and 2 of 8 seeds
//! converged before, 8 of 8 after; `examples/convergence_survey.rs`). On Robyn's data a
//! run may still meet one or two divergent transitions (see the test), so there this file
//! asserts that the chains agree and divergences stay rare.
//!
//! A missing dataset skips its test visibly, or fails it under CI
//! (`MIXPLAN_REQUIRE_DATASETS=1`; see `support/datasets.rs`).

mod support;

#[path = "../examples/support/reference_datasets.rs"]
#[allow(dead_code)]
mod reference_datasets;

use mixplan_core::data::WeeklyData;
use mixplan_core::model::ModelParams;
use mixplan_core::model::posterior::{
    Posterior, PosteriorModel, PriorParams, RunLength, SamplerParams, equal_tailed_interval,
};
use support::datasets::{self, CONJURA_FILE, conjura_options};

/// The default model and the default posterior (native sampler) for each seed.
fn posteriors(data: &WeeklyData, seeds: std::ops::RangeInclusive<u64>) -> Vec<Posterior> {
    posteriors_with(data, seeds, SamplerParams::new())
}

/// The default model and its default posterior sampled with `sampler` for each seed.
fn posteriors_with(
    data: &WeeklyData,
    seeds: std::ops::RangeInclusive<u64>,
    sampler: SamplerParams,
) -> Vec<Posterior> {
    let fitted = ModelParams::default()
        .check()
        .unwrap()
        .fit(data, |_, _| {})
        .unwrap();
    let priors = PriorParams::default().check().unwrap();
    let model = PosteriorModel::new(data, &fitted, &priors).unwrap();
    seeds
        .map(|seed| {
            sampler
                .clone()
                .seed(seed)
                .check()
                .unwrap()
                .sample(model.clone(), |_, _| {})
                .unwrap()
        })
        .collect()
}

/// Asserts that every posterior converged, naming the worst parameter otherwise.
fn assert_all_converged(name: &str, posteriors: &[Posterior]) {
    for (k, p) in posteriors.iter().enumerate() {
        let d = p.diagnostics();
        let worst = d
            .parameters
            .iter()
            .max_by(|a, b| a.r_hat.total_cmp(&b.r_hat))
            .map(|w| format!("{} R̂ {:.3}", w.name, w.r_hat))
            .unwrap_or_default();
        println!(
            "{name}, sampler seed {}: converged {}, max R̂ {:.4}, min bulk ESS {:.0}, divergences {}, worst {worst}",
            k + 1,
            d.converged,
            d.max_r_hat,
            d.min_bulk_ess,
            d.divergences
        );
        assert!(
            d.converged,
            "{name}, sampler seed {}: not converged (worst {worst})",
            k + 1
        );
    }
}

#[test]
fn conjura_posterior_has_one_mode_and_converges() {
    const TEST: &str = "conjura_posterior_has_one_mode_and_converges";
    let Some(csv) = datasets::shared_file(TEST, CONJURA_FILE) else {
        return;
    };
    let data = datasets::load(&csv, &conjura_options());
    let posteriors = posteriors(&data, 1..=4);
    assert_all_converged("Conjura", &posteriors);
    // The step-shaped mode is gone: no draw-set puts the PMax curve's shape near 9.6.
    let pmax = data
        .channels()
        .iter()
        .position(|c| c.name == "spend_google_shopping_pmax")
        .unwrap();
    for p in &posteriors {
        let shapes: Vec<f64> = p
            .responses(pmax)
            .unwrap()
            .iter()
            .map(|r| r.shape())
            .collect();
        let (_, high) = equal_tailed_interval(&shapes, 0.98).unwrap();
        println!("  PMax Hill shape, 99th percentile {high:.2}");
        assert!(
            high < 3.5,
            "PMax shape reaches {high:.2}: the step mode is back"
        );
    }
}

/// Asserts that every posterior's chains agree (R̂ and bulk ESS within the convergence
/// thresholds) and that at most `max_divergences` of each run's transitions diverged.
fn assert_chains_agree(name: &str, posteriors: &[Posterior], max_divergences: usize) {
    for (k, p) in posteriors.iter().enumerate() {
        let d = p.diagnostics();
        let t = &d.thresholds;
        println!(
            "{name}, sampler seed {}: max R̂ {:.4}, min bulk ESS {:.0}, divergences {}",
            k + 1,
            d.max_r_hat,
            d.min_bulk_ess,
            d.divergences
        );
        assert!(
            d.max_r_hat <= t.max_r_hat
                && d.min_bulk_ess >= t.min_bulk_ess_per_chain * d.chains as f64,
            "{name}, sampler seed {}: chains disagree (max R̂ {:.4}, min bulk ESS {:.0})",
            k + 1,
            d.max_r_hat,
            d.min_bulk_ess
        );
        assert!(
            d.divergences <= max_divergences,
            "{name}, sampler seed {}: {} divergent transitions (at most {max_divergences})",
            k + 1,
            d.divergences
        );
    }
}

/// On Robyn's simulated data the native default sampler (4 × (500 + 750), low rank) meets
/// one or two divergent transitions of its 3,000 in about one run in five (seeds 1 – 32:
/// 9 runs of 32 with December 2's rounding of the Hill slope, 5 of 32 with the earlier
/// one; R̂ ≤ 1.009 in every run), so the flag `converged`, which allows none, is a coin
/// with those odds there; what this test keeps is that the chains agree (the two-mode
/// failure of the wider shape prior put R̂ at 1.05 – 1.5) and that divergences stay rare.
#[test]
fn robyn_and_pymc_example_posteriors_converge() {
    const TEST: &str = "robyn_and_pymc_example_posteriors_converge";
    let sets = reference_datasets::third_party()
        .into_iter()
        .filter(|(name, _, _)| !name.starts_with("Meridian"));
    for (name, file, options) in sets {
        let Some(csv) = datasets::shared_file(TEST, file) else {
            return;
        };
        let data = datasets::load(&csv, &options);
        assert_chains_agree(name, &posteriors(&data, 1..=3), 2);
    }
}

/// The page's "Sample longer" run (`RunLength::Longer`: 2 × (500 + 1,600) at target
/// acceptance 0.95, diagonal mass matrix) converges on Conjura, where the page's standard run
/// (2 × (300 + 800) at 0.9) converges for about half the sampler seeds (10 of 20, each
/// failure a borderline R̂ of 1.010–1.024 or a bulk ESS just short; the longer run: 20 of 20).
#[test]
fn the_pages_longer_run_converges_on_conjura() {
    const TEST: &str = "the_pages_longer_run_converges_on_conjura";
    let Some(csv) = datasets::shared_file(TEST, CONJURA_FILE) else {
        return;
    };
    let data = datasets::load(&csv, &conjura_options());
    assert_all_converged(
        "Conjura, the page's longer run",
        &posteriors_with(&data, 1..=6, RunLength::Longer.sampler()),
    );
}

/// On Meridian's national data the standard run fails for a few divergent transitions (2 of
/// 20 sampler seeds converge; R̂ and ESS are fine), and so does 2 × (500 + 1,600) at target
/// acceptance 0.9 (2 of 20); the longer preset's smaller steps (0.95) cure them (16 of 20).
#[test]
fn the_pages_longer_run_converges_on_meridians_national_data() {
    const TEST: &str = "the_pages_longer_run_converges_on_meridians_national_data";
    let Some((name, file, options)) = reference_datasets::third_party()
        .into_iter()
        .find(|(name, _, _)| name.starts_with("Meridian"))
    else {
        panic!("the reference datasets name Meridian's national data");
    };
    let Some(csv) = datasets::shared_file(TEST, file) else {
        return;
    };
    let data = datasets::load(&csv, &options);
    assert_all_converged(
        name,
        &posteriors_with(&data, 1..=3, RunLength::Longer.sampler()),
    );
}
