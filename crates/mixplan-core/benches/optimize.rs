//! Optimiser speed: five channels, a mix of concave and S-shaped curves, as the planner sees
//! them on every slider move. Goal: ≤ 20 µs per solve natively.
//!
//! Run: `cargo bench -p mixplan-core --bench optimize`.

use criterion::{Criterion, criterion_group, criterion_main};
use mixplan_core::optimize::{BudgetProblem, Optimizer, RoasProblem, SpendBounds};
use mixplan_core::response::HillResponse;
use std::hint::black_box;

/// Five channels in the simulated store's range: weekly budgets of $10k–$100k.
fn curves() -> Vec<HillResponse> {
    [
        (90_000.0, 14_000.0, 0.8), // paid search: concave
        (30_000.0, 3_000.0, 1.0),  // email: concave
        (70_000.0, 20_000.0, 2.5), // display: S-shaped
        (60_000.0, 12_000.0, 3.0), // social: S-shaped
        (25_000.0, 5_000.0, 0.6),  // affiliate: concave
    ]
    .into_iter()
    .map(|(b, k, s)| HillResponse::new(b, k, s).expect("valid curve"))
    .collect()
}

fn bench(c: &mut Criterion) {
    let curves = curves();
    let free = vec![SpendBounds::FREE; curves.len()];

    let problem = BudgetProblem::new(&curves, &free, 50_000.0).expect("feasible");
    let mut optimizer = Optimizer::new();
    c.bench_function("optimize/5ch/reused", |b| {
        b.iter(|| optimizer.solve(black_box(&problem)))
    });
    c.bench_function("optimize/5ch/cold", |b| {
        b.iter(|| Optimizer::new().solve(black_box(&problem)))
    });

    // A slider being dragged: the budget changes on every call.
    let mut budget = 10_000.0;
    c.bench_function("optimize/5ch/slider", |b| {
        b.iter(|| {
            budget = if budget >= 100_000.0 {
                10_000.0
            } else {
                budget + 500.0
            };
            let p = BudgetProblem::new(&curves, &free, black_box(budget)).expect("feasible");
            optimizer.solve(&p)
        })
    });

    // Minimums, a maximum and a lock: S-shaped channels need their tangent from a
    // non-zero minimum.
    let bounds = [
        SpendBounds::at_least(5_000.0),
        SpendBounds::locked(4_000.0),
        SpendBounds::new(2_000.0, 25_000.0),
        SpendBounds::at_least(1_000.0),
        SpendBounds::at_most(8_000.0),
    ];
    let constrained = BudgetProblem::new(&curves, &bounds, 50_000.0).expect("feasible");
    c.bench_function("optimize/5ch/bounds", |b| {
        b.iter(|| optimizer.solve(black_box(&constrained)))
    });

    let roas = RoasProblem::new(&curves, &free, 2.0, None).expect("valid");
    c.bench_function("optimize/5ch/target-roas", |b| {
        b.iter(|| optimizer.solve_roas(black_box(&roas)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
