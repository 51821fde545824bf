//! Native time of the full model fit (hyper-parameter search included):
//! `cargo bench -p mixplan-core --bench fit`.
//!
//! * `fit/simulated_store_156x5`: the simulated store, 156 weeks × 5 channels + 3 controls;
//! * `fit_scale/WEEKSxCHANNELS`: simulated worlds of 156 × 5, 520 × 10 and 1,000 × 20
//!   (issue #10, item 8; [`WorldFamily::world_of_size`], family seed 20261130, world 0, the
//!   worlds of the `fit_speed` example). The cost should grow no faster than weeks × channels.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mixplan_core::data::worlds::WorldFamily;
use mixplan_core::data::{LoadOptions, load_weekly_csv_from_path};
use mixplan_core::model::ModelParams;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

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

fn bench_fit_scale(c: &mut Criterion) {
    let params = ModelParams::default().check().expect("default parameters");
    let family = WorldFamily::new(20_261_130);
    let mut group = c.benchmark_group("fit_scale");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (weeks, channels) in [(156, 5), (520, 10), (1_000, 20)] {
        let world = family
            .world_of_size(0, channels, weeks)
            .expect("a simulated world");
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{weeks}x{channels}")),
            &world.data,
            |b, data| b.iter(|| params.fit(black_box(data), |_, _| {}).expect("fit")),
        );
    }
    group.finish();
}

criterion_group!(benches, bench_fit, bench_fit_scale);
criterion_main!(benches);
