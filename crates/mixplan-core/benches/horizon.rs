//! Criterion benchmark of the horizon optimiser: re-planning 13 weeks × 5 channels (the
//! page's default plan period), as on a budget slider move, with geometric carryover and
//! with Weibull CDF kernels over 13 weeks. The browser goal is ≤ 20 ms; this measures
//! native code (the page measures wasm). And the multiplicative form's plan of 52 weeks on
//! the store (`data_processed/mmm_data.csv`), with warm-started MM steps (the default) and
//! cold ones (every weighted problem from scratch).
//!
//! `cargo bench -p mixplan-core --bench horizon`

use criterion::{Criterion, criterion_group, criterion_main};
use mixplan_core::data::{LoadOptions, load_weekly_csv};
use mixplan_core::model::ModelParams;
use mixplan_core::optimize::horizon::{
    ForecastParams, HorizonModel, HorizonOptimizer, HorizonParams, MultiplicativeHorizon,
};
use std::hint::black_box;

// The store-like models the tests use too.
#[path = "../tests/support/horizon_models.rs"]
mod horizon_models;

/// Five channels shaped like the simulated store's (search, email, display, social,
/// affiliate), with carryover and carry-in from recent spend.
fn store(shapes: [f64; 5]) -> HorizonModel {
    let spec = [
        ("paid_search", 60_000.0, 9_000.0, 0.2, 8_000.0),
        ("email", 12_000.0, 1_500.0, 0.1, 1_500.0),
        ("display", 15_000.0, 6_000.0, 0.5, 5_000.0),
        ("social", 40_000.0, 8_000.0, 0.7, 7_000.0),
        ("affiliate", 10_000.0, 4_000.0, 0.3, 3_000.0),
    ];
    let channels: Vec<_> = spec
        .iter()
        .zip(shapes)
        .map(|(&(name, beta, k, decay, carry), s)| (name, beta, k, s, decay, carry))
        .collect();
    horizon_models::geometric(&channels)
}

/// The same channels and curves with Weibull CDF kernels over 13 weeks (the shapes and scales
/// the store's Weibull CDF fit chooses) after 52 weeks of uneven spend around the carry-in.
fn store_weibull(shapes: [f64; 5]) -> HorizonModel {
    let spec = [
        ("paid_search", 60_000.0, 9_000.0, (1.0, 1.0), 8_000.0),
        ("email", 12_000.0, 1_500.0, (4.0, 4.0), 1_500.0),
        ("display", 15_000.0, 6_000.0, (2.0, 0.5), 5_000.0),
        ("social", 40_000.0, 8_000.0, (1.0, 4.0), 7_000.0),
        ("affiliate", 10_000.0, 4_000.0, (4.0, 0.5), 3_000.0),
    ];
    let channels: Vec<_> = spec
        .iter()
        .zip(shapes)
        .map(|(&(name, beta, k, kernel, level), s)| (name, beta, k, s, kernel, level))
        .collect();
    horizon_models::weibull_cdf(&channels)
}

fn bench(c: &mut Criterion) {
    let concave = store([0.8, 1.0, 0.9, 0.95, 0.6]);
    let s_shaped = store([0.8, 1.0, 2.5, 3.0, 0.6]);
    let mut optimizer = HorizonOptimizer::new();
    let plan =
        |model: &HorizonModel, budget: f64| HorizonParams::new(13, budget).check(model).unwrap();
    let problem = plan(&concave, 13.0 * 25_000.0);
    c.bench_function("horizon 13x5 concave, budget 325k", |b| {
        b.iter(|| optimizer.solve(black_box(&problem)).unwrap())
    });
    let capped = HorizonParams::new(13, 13.0 * 25_000.0)
        .cap_channel_weekly(0, 15_000.0)
        .cap_week(0, 5_000.0)
        .cap_channel(3, 40_000.0)
        .fix(2, 1, 2_500.0)
        .check(&concave)
        .unwrap();
    c.bench_function("horizon 13x5 concave, caps and a fixed amount", |b| {
        b.iter(|| optimizer.solve(black_box(&capped)).unwrap())
    });
    let problem = plan(&s_shaped, 13.0 * 25_000.0);
    c.bench_function("horizon 13x5 two S-shaped channels", |b| {
        b.iter(|| optimizer.solve(black_box(&problem)).unwrap())
    });
    let weibull = store_weibull([0.8, 1.0, 0.9, 0.95, 0.6]);
    let problem = plan(&weibull, 13.0 * 25_000.0);
    c.bench_function(
        "horizon 13x5 concave, Weibull CDF kernels (13 weeks), budget 325k",
        |b| b.iter(|| optimizer.solve(black_box(&problem)).unwrap()),
    );
    let weibull_s = store_weibull([0.8, 1.0, 2.5, 3.0, 0.6]);
    let problem = plan(&weibull_s, 13.0 * 25_000.0);
    c.bench_function(
        "horizon 13x5 Weibull CDF kernels, two S-shaped channels",
        |b| b.iter(|| optimizer.solve(black_box(&problem)).unwrap()),
    );
    let budgets: Vec<_> = (0..20)
        .map(|i| plan(&concave, 13.0 * (10_000.0 + 5_000.0 * i as f64)))
        .collect();
    c.bench_function(
        "horizon 13x5 slider: 20 budgets 130k..1.37M (per solve)",
        |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % budgets.len();
                optimizer.solve(black_box(&budgets[i])).unwrap()
            })
        },
    );
}

/// The store's multiplicative plan over 52 weeks, 25,000 a week, no limits (about 0.3 s warm,
/// 0.9 s cold natively: 10 samples).
fn bench_multiplicative(c: &mut Criterion) {
    let text = include_str!("../../../data_processed/mmm_data.csv");
    let data = load_weekly_csv(text, &LoadOptions::default()).expect("store");
    let model = ModelParams::default()
        .check()
        .expect("params")
        .fit_multiplicative(&data, |_, _| {})
        .expect("multiplicative fit");
    let horizon =
        MultiplicativeHorizon::new(&model, &data, 52, &ForecastParams::new()).expect("horizon");
    let problem = HorizonParams::new(52, 52.0 * 25_000.0)
        .check(horizon.dynamics())
        .expect("problem");
    let mut group = c.benchmark_group("horizon multiplicative store 52x5");
    group.sample_size(10);
    for warm in [true, false] {
        let mut optimizer = HorizonOptimizer::new().with_warm_starts(warm);
        let name = if warm {
            "warm MM steps"
        } else {
            "cold MM steps"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                optimizer
                    .solve_multiplicative(black_box(&horizon), black_box(&problem))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_multiplicative);
criterion_main!(benches);
