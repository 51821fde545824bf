//! Native time of the posterior (issue #11, item 8: the page samples it in a worker and the
//! goal is ≤ 5 s in the browser for 156 weeks × 5 channels):
//! `cargo bench -p mixplan-core --bench posterior`.
//!
//! * `posterior/log_density_store`: one log density with its gradient (what every leapfrog
//!   step costs) on the simulated store, geometric carryover, at the chains' start;
//! * `posterior/log_density_store_weibull_pdf`: the same with the Weibull PDF carryover;
//! * `posterior/page_run_store`: the page's standard run (`RunLength::Standard`: 2 chains ×
//!   (300 warm-up + 800 kept), target acceptance 0.9, diagonal mass matrix), sampler seed 1.

use criterion::{Criterion, criterion_group, criterion_main};
use mixplan_core::data::{DEFAULT_TARGET, LoadOptions, WeeklyData, load_weekly_csv_from_path};
use mixplan_core::model::ModelParams;
use mixplan_core::model::posterior::{PosteriorModel, PriorParams, RunLength};
use mixplan_core::transform::CarryoverForm;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn store() -> WeeklyData {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data_processed/mmm_data.csv");
    load_weekly_csv_from_path(&path, &LoadOptions::new().target(DEFAULT_TARGET))
        .expect("data_processed/mmm_data.csv (the simulated store)")
}

fn posterior_model(data: &WeeklyData, carryover: CarryoverForm) -> PosteriorModel {
    let fitted = ModelParams::default()
        .carryover(carryover)
        .check()
        .expect("default parameters")
        .fit(data, |_, _| {})
        .expect("fit");
    let priors = PriorParams::default().check().expect("default priors");
    PosteriorModel::new(data, &fitted, &priors).expect("posterior model")
}

fn bench_log_density(c: &mut Criterion) {
    let data = store();
    let mut group = c.benchmark_group("posterior");
    for (name, form) in [
        ("log_density_store", CarryoverForm::Geometric),
        ("log_density_store_weibull_pdf", CarryoverForm::WeibullPdf),
    ] {
        let mut model = posterior_model(&data, form);
        let position = model.start().to_vec();
        let mut gradient = vec![0.0; model.dim()];
        group.bench_function(name, |b| {
            b.iter(|| {
                model
                    .log_density(black_box(&position), &mut gradient)
                    .expect("log density")
            })
        });
    }
    group.finish();
}

fn bench_page_run(c: &mut Criterion) {
    let data = store();
    let model = posterior_model(&data, CarryoverForm::Geometric);
    let params = RunLength::Standard
        .sampler()
        .seed(1)
        .check()
        .expect("the page's sampler settings");
    let mut group = c.benchmark_group("posterior");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("page_run_store", |b| {
        b.iter(|| {
            params
                .sample(black_box(model.clone()), |_, _| {})
                .expect("posterior")
        })
    });
    group.finish();
}

criterion_group!(benches, bench_log_density, bench_page_run);
criterion_main!(benches);
