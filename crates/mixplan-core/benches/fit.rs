//! Native time of the full model fit (hyper-parameter search included) on the simulated
//! store, 156 weeks × 5 channels + 3 controls: `cargo bench -p mixplan-core --bench fit`.

use criterion::{Criterion, criterion_group, criterion_main};
use mixplan_core::data::{LoadOptions, load_weekly_csv_from_path};
use mixplan_core::model::ModelParams;
use std::hint::black_box;
use std::path::PathBuf;

fn bench_fit(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data_processed/mmm_data.csv");
    let data = load_weekly_csv_from_path(
        &path,
        &LoadOptions::new()
            .target("revenue")
            .controls(["price_index", "promotion", "holiday"]),
    )
    .expect("data_processed/mmm_data.csv (the simulated store)");
    let params = ModelParams::default().check().expect("default parameters");
    let mut group = c.benchmark_group("fit");
    group.sample_size(20);
    group.bench_function("simulated_store_156x5", |b| {
        b.iter(|| params.fit(black_box(&data), |_, _| {}).expect("fit"))
    });
    group.finish();
}

criterion_group!(benches, bench_fit);
criterion_main!(benches);
