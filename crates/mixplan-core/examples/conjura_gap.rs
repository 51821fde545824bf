//! Why is the holdout R² on the real Conjura series low? Measures the holdout R² of model
//! variants (issue #11, item 9) and the default fit on every reference dataset.
//!
//! ```text
//! cargo run --release -p mixplan-core --example conjura_gap            # Conjura variants
//! cargo run --release -p mixplan-core --example conjura_gap -- --all   # + the other datasets
//! cargo run --release -p mixplan-core --example conjura_gap -- --posterior  # the posterior's forecast
//! ```
//!
//! Every variant is fitted exactly as the app fits (search on the first 80 % of weeks,
//! rolling-origin CV inside them) and scored on the last 20 % of weeks. The holdout column
//! is a **diagnosis**: no default may be chosen by it. The `CV RMSE` column is the honest
//! criterion (the search's own validation error inside the training weeks; comparable
//! between variants with the same folds), and `objective` adds the search's hyper-prior.
//!
//! Datasets are read from `../shared/datasets/` beside the workspace (or
//! `$MIXPLAN_DATASETS_DIR`); a missing file is reported and skipped.

use mixplan_core::data::{LoadOptions, Series, WeeklyData, load_weekly_csv_from_path};
#[path = "support/reference_datasets.rs"]
#[allow(dead_code)]
mod reference_datasets;
use mixplan_core::model::metrics::r2;
use mixplan_core::model::posterior::{PosteriorModel, PriorParams, SamplerParams};
use mixplan_core::model::{FittedModel, ModelParams};
use std::path::PathBuf;

use reference_datasets::{shared, workspace};

fn load(path: PathBuf, options: &LoadOptions) -> Option<WeeklyData> {
    match load_weekly_csv_from_path(&path, options) {
        Ok(d) => Some(d),
        Err(e) => {
            eprintln!("skipped {}: {e}", path.display());
            None
        }
    }
}

fn conjura(controls: &[&str]) -> Option<WeeklyData> {
    load(
        shared(reference_datasets::CONJURA),
        &reference_datasets::conjura_options(controls),
    )
}

/// The same data with the target replaced by `f(target)`.
fn with_target(data: &WeeklyData, f: impl Fn(f64) -> f64) -> WeeklyData {
    WeeklyData::new(
        data.weeks().to_vec(),
        data.target_name().to_string(),
        data.target().iter().map(|&y| f(y)).collect(),
        data.channels().to_vec(),
        data.controls().to_vec(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The same data with extra controls appended.
fn with_controls(data: &WeeklyData, extra: Vec<Series>) -> WeeklyData {
    let mut controls = data.controls().to_vec();
    controls.extend(extra);
    WeeklyData::new(
        data.weeks().to_vec(),
        data.target_name().to_string(),
        data.target().to_vec(),
        data.channels().to_vec(),
        controls,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

struct Row {
    r2_train: f64,
    r2_test: f64,
    cv_rmse: f64,
    penalty: f64,
    order: usize,
}

fn fit(data: &WeeklyData, params: ModelParams) -> Option<FittedModel> {
    let params = match params.check() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("  invalid parameters: {e}");
            return None;
        }
    };
    match params.fit(data, |_, _| {}) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("  fit failed: {e}");
            None
        }
    }
}

fn row(model: &FittedModel) -> Row {
    let m = model.metrics();
    Row {
        r2_train: m.r2_train,
        r2_test: m.r2_test,
        cv_rmse: model.search().cv_rmse,
        penalty: model.penalty(),
        order: model.search().fourier_order,
    }
}

/// Scores a model of `ln y` on the level: `exp(prediction)` against `y`.
fn row_log(model: &FittedModel, level: &[f64]) -> Row {
    let n_train = model.holdout_start();
    let pred: Vec<f64> = model
        .validation_predictions()
        .iter()
        .map(|v| v.exp())
        .collect();
    Row {
        r2_train: r2(&level[..n_train], &pred[..n_train]),
        r2_test: r2(&level[n_train..], &pred[n_train..]),
        cv_rmse: f64::NAN,
        penalty: model.penalty(),
        order: model.search().fourier_order,
    }
}

fn print(name: &str, r: &Row) {
    println!(
        "| {name:58} | {:6.3} | {:6.3} | {:>9.0} | {:8.1e} | {} |",
        r.r2_train, r.r2_test, r.cv_rmse, r.penalty, r.order
    );
}

fn variant(name: &str, data: &WeeklyData, params: ModelParams) {
    if let Some(m) = fit(data, params) {
        print(name, &row(&m));
    }
}

/// `series` times the trend `t/n` (`t` = 0 … n−1), named `<name>_x_trend`: with `series`
/// itself, the two linear columns of an effect that grows with the level.
fn times_trend(series: &Series) -> Series {
    let n = series.values.len() as f64;
    Series {
        name: format!("{}_x_trend", series.name),
        values: series
            .values
            .iter()
            .enumerate()
            .map(|(t, v)| v * t as f64 / n)
            .collect(),
    }
}

/// Weeks since the first week, as a step at `from` (0 before, 1 from it on).
fn step(data: &WeeklyData, name: &str, from: usize) -> Series {
    Series {
        name: name.into(),
        values: (0..data.len()).map(|t| f64::from(t >= from)).collect(),
    }
}

fn conjura_variants() {
    let Some(base) = conjura(&reference_datasets::CONJURA_CONTROLS) else {
        return;
    };
    println!("\n## Conjura Food & Drink US (117 weeks, holdout the last 23)\n");
    println!(
        "| variant | R² train | R² holdout | CV RMSE | λ | Fourier order |\n|---|---|---|---|---|---|"
    );
    let d = ModelParams::default;
    variant("default", &base, d());
    variant(
        "order fixed at 2 (before: no CV choice of the order)",
        &base,
        d().fourier_order(2),
    );
    for order in [0, 1, 3, 4, 6] {
        variant(
            &format!("Fourier order {order}"),
            &base,
            d().fourier_order(order),
        );
    }
    variant("no trend", &base, d().trend(false));
    variant(
        "no trend, Fourier 1",
        &base,
        d().trend(false).fourier_order(1),
    );
    for (label, controls) in [
        ("controls: none", &[][..]),
        ("controls: BFCM only", &["bfcm_week"][..]),
        ("controls: holiday only", &["us_federal_holiday_week"][..]),
    ] {
        if let Some(data) = conjura(controls) {
            variant(label, &data, d());
        }
    }
    // Level shifts: a step at the start of each year of data (weeks 52 and 104; the second
    // lies in the holdout, so only the first can be estimated).
    variant(
        "level shift at week 52 (control)",
        &with_controls(&base, vec![step(&base, "year_2", 52)]),
        d(),
    );
    variant(
        "level shift at week 52, no trend",
        &with_controls(&base, vec![step(&base, "year_2", 52)]),
        d().trend(false),
    );
    // Controls whose effect grows with the level: z_t and z_t·t/T (a multiplicative base
    // (μ + τt)(1 + δ z_t) expands into these two linear columns).
    let scaled: Vec<Series> = base.controls().iter().map(times_trend).collect();
    let scaled_data = with_controls(&base, scaled);
    variant(
        "controls × trend (multiplicative holiday effect)",
        &scaled_data,
        d(),
    );
    for order in [1, 2] {
        variant(
            &format!("controls × trend, Fourier order {order}"),
            &scaled_data,
            d().fourier_order(order),
        );
    }
    for (label, names) in [
        (
            "seasonality × trend, order 1 (as controls)",
            &["yearly_sin_1", "yearly_cos_1"][..],
        ),
        (
            "seasonality × trend, order 2 (as controls)",
            &[
                "yearly_sin_1",
                "yearly_cos_1",
                "yearly_sin_2",
                "yearly_cos_2",
            ][..],
        ),
    ] {
        let mut all: Vec<&str> = vec!["us_federal_holiday_week", "bfcm_week"];
        all.extend(names.iter().copied());
        let Some(with_season) = conjura(&all) else {
            continue;
        };
        let products: Vec<Series> = with_season
            .controls()
            .iter()
            .skip(2)
            .chain(with_season.controls().iter().take(2))
            .map(times_trend)
            .collect();
        variant(
            label,
            &with_controls(&with_season, products),
            d().fourier_order(0),
        );
    }
    for w in [0.0, 1.0, 10.0, 30.0] {
        variant(&format!("prior weight {w}"), &base, d().prior_weight(w));
    }
    for folds in [3, 4, 8, 10] {
        variant(&format!("CV folds {folds}"), &base, d().cv_folds(folds));
    }
    for l in [1e-4, 1e-3, 1e-2, 0.1, 1.0] {
        variant(
            &format!("penalty fixed at {l:.0e}"),
            &base,
            d().penalty_grid(vec![l]),
        );
    }
    variant(
        "penalty grid up to 10",
        &base,
        d().penalty_grid(vec![
            1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0,
        ]),
    );
    variant("no carryover (θ = 0)", &base, d().decay_grid(vec![0.0]));
    variant(
        "carryover θ ≤ 0.5",
        &base,
        d().decay_grid(vec![0.0, 0.1, 0.2, 0.3, 0.4, 0.5]),
    );
    variant("shape s = 1 only", &base, d().shape_grid(vec![1.0]));
    variant(
        "half-saturation K ≥ 2×mean (little saturation)",
        &base,
        d().half_saturation_grid(vec![2.0, 3.0, 5.0, 8.0, 12.0, 20.0]),
    );
    variant(
        "K grid up to 20×mean",
        &base,
        d().half_saturation_grid(vec![
            0.2, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0,
        ]),
    );
    variant(
        "nearly linear media (K = 20×mean, s = 1)",
        &base,
        d().half_saturation_grid(vec![20.0]).shape_grid(vec![1.0]),
    );
    variant("penalty on media only", &base, d().penalise_baseline(false));
    for order in [0, 1, 3] {
        variant(
            &format!("penalty on media only, Fourier order {order}"),
            &base,
            d().penalise_baseline(false).fourier_order(order),
        );
    }
    variant(
        "penalty on media only, no trend",
        &base,
        d().penalise_baseline(false).trend(false),
    );
    variant("no random starts", &base, d().random_starts(0));
    variant("no refinement", &base, d().refine(false));
    for seed in [1, 2, 3] {
        variant(&format!("seed {seed}"), &base, d().seed(seed));
    }
    // log revenue: the model of ln y, scored on y.
    let logged = with_target(&base, f64::ln);
    for (label, params) in [
        ("log revenue", d()),
        ("log revenue, Fourier 1", d().fourier_order(1)),
    ] {
        if let Some(m) = fit(&logged, params) {
            print(label, &row_log(&m, base.target()));
        }
    }
    if let Some(m) = fit(&base, d()) {
        println!("\nDefault fit, holdout weeks (actual, predicted):");
        let n_train = m.holdout_start();
        for t in n_train..base.len() {
            println!(
                "  {} {:9.0} {:9.0}",
                base.weeks()[t],
                base.target()[t],
                m.validation_predictions()[t]
            );
        }
        for ch in m.channels() {
            println!(
                "  {:28} θ {:.2}  K {:8.0}  s {:.2}  ROI {:.2}",
                ch.name, ch.decay, ch.half_saturation, ch.shape, ch.roi
            );
        }
        let (terms, beta) = m.coefficients();
        for (t, b) in terms.iter().zip(beta) {
            println!("  {t:?} {b:.0}");
        }
    }
}

fn other_datasets() {
    println!("\n## Other datasets, default fit\n");
    println!(
        "| dataset | R² train | R² holdout | CV RMSE | λ | Fourier order |\n|---|---|---|---|---|---|"
    );
    for (name, path, options) in dataset_list() {
        let Some(data) = load(path, &options) else {
            continue;
        };
        other_dataset_rows(name, &data);
    }
}

/// The reference datasets beside Conjura: name, path, how to load them.
fn dataset_list() -> Vec<(&'static str, PathBuf, LoadOptions)> {
    let mut sets = vec![(
        "simulated store",
        workspace().join(reference_datasets::STORE),
        reference_datasets::store_options(),
    )];
    for (name, file, options) in reference_datasets::third_party() {
        sets.push((name, shared(file), options));
    }
    sets
}

fn other_dataset_rows(name: &str, data: &WeeklyData) {
    let data = data.clone();
    {
        variant(name, &data, ModelParams::default());
        variant(
            &format!("{name}, order fixed at 2 (before)"),
            &data,
            ModelParams::default().fourier_order(2),
        );
        if std::env::args().any(|a| a == "--orders") {
            for order in [0, 1, 3] {
                variant(
                    &format!("{name}, Fourier order {order}"),
                    &data,
                    ModelParams::default().fourier_order(order),
                );
            }
        }
    }
}

/// The posterior's out-of-sample prediction: the default model searched on the training
/// weeks only (no refit on all weeks), the posterior with the default priors and sampler
/// conditioned on the training weeks, and `E[μ_t | y_train]` scored on the holdout weeks, as
/// PyMC-Marketing scores its posterior-mean prediction. Prints R² train and holdout of the
/// posterior mean beside the point fit's, and the convergence flag.
fn posterior_holdout(name: &str, data: &WeeklyData, seed: u64) {
    let Some(point) = fit(data, ModelParams::default().refit_all(false)) else {
        return;
    };
    let n_train = point.holdout_start();
    let run = || -> Result<(Vec<f64>, bool, f64), Box<dyn std::error::Error>> {
        let priors = PriorParams::new().check()?;
        let model = PosteriorModel::observing_first(data, &point, &priors, n_train)?;
        let mut sampler = SamplerParams::new().seed(seed).check()?.start(model);
        while !sampler.is_finished() {
            sampler.step()?;
        }
        let mean = sampler.mean_prediction()?;
        let posterior = sampler.finish()?;
        let d = posterior.diagnostics();
        Ok((mean, d.converged, d.max_r_hat))
    };
    let started = std::time::Instant::now();
    match run() {
        Ok((mean, converged, r_hat)) => {
            let y = data.target();
            let v = point.validation_predictions();
            println!(
                "| {name:40} | {seed} | {:6.3} | {:6.3} | {:6.3} | {:6.3} | {converged} (R̂ {r_hat:.3}) | {:.1} s |",
                r2(&y[..n_train], &v[..n_train]),
                r2(&y[n_train..], &v[n_train..]),
                r2(&y[..n_train], &mean[..n_train]),
                r2(&y[n_train..], &mean[n_train..]),
                started.elapsed().as_secs_f64()
            );
        }
        Err(e) => println!("| {name:40} | {seed} | posterior failed: {e} |"),
    }
}

fn posterior_rows() {
    println!("\n## The posterior's holdout prediction (default priors and sampler)\n");
    println!(
        "| dataset | seed | point R² train | point R² holdout | posterior R² train | posterior R² holdout | converged | time |\n|---|---|---|---|---|---|---|---|"
    );
    if let Some(base) = conjura(&reference_datasets::CONJURA_CONTROLS) {
        for seed in [1, 2, 3] {
            posterior_holdout("Conjura Food & Drink US", &base, seed);
        }
    }
}

/// A rolling-origin evaluation of the whole fitting procedure, for each model form, inside
/// the training weeks only (the holdout is never touched): from each origin `o`, the default
/// search runs on the weeks before `o` and forecasts the next `block` weeks; errors are in
/// revenue (the log form's forecast is `exp` of its prediction). Returns the RMSE per form
/// and per origin.
fn form_errors(data: &WeeklyData, origins: &[usize], block: usize) -> Option<[(f64, Vec<f64>); 2]> {
    let mut out = [(0.0, Vec::new()), (0.0, Vec::new())];
    for (form, slot) in out.iter_mut().enumerate() {
        let mut total = 0.0;
        let mut count = 0usize;
        for &origin in origins {
            let window = data
                .first_weeks(origin + block)
                .unwrap_or_else(|e| panic!("{e}"));
            let window = if form == 1 {
                with_target(&window, f64::ln)
            } else {
                window
            };
            let params = ModelParams::default()
                .refit_all(false)
                .holdout(block as f64 / (origin + block) as f64 + 1e-9);
            let m = fit(&window, params)?;
            let start = m.holdout_start();
            let mut sq = 0.0;
            for t in start..origin + block {
                let p = m.validation_predictions()[t];
                let p = if form == 1 { p.exp() } else { p };
                sq += (data.target()[t] - p).powi(2);
            }
            slot.1.push((sq / (origin + block - start) as f64).sqrt());
            total += sq;
            count += origin + block - start;
        }
        slot.0 = (total / count as f64).sqrt();
    }
    Some(out)
}

fn forms_rows() {
    println!("\n## Model form chosen by a rolling-origin evaluation inside the training weeks\n");
    println!(
        "| dataset | training weeks | origins (block) | level RMSE | log RMSE | per origin level / log | holdout R² level / log |\n|---|---|---|---|---|---|---|"
    );
    let mut sets: Vec<(String, WeeklyData)> = Vec::new();
    if let Some(base) = conjura(&reference_datasets::CONJURA_CONTROLS) {
        sets.push(("Conjura Food & Drink US".into(), base));
    }
    for (name, path, options) in dataset_list() {
        if let Some(d) = load(path, &options) {
            sets.push((name.into(), d));
        }
    }
    for (name, data) in sets {
        let n = data.len();
        let Some(level_fit) = fit(&data, ModelParams::default()) else {
            continue;
        };
        let n_train = level_fit.holdout_start();
        let folds: usize = std::env::var("FORM_FOLDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4);
        let block = (n_train / (2 * folds)).max(4);
        let origins: Vec<usize> = (1..=folds).rev().map(|k| n_train - k * block).collect();
        let Some([level, log]) = form_errors(&data, &origins, block) else {
            continue;
        };
        let logged = with_target(&data, f64::ln);
        let log_fit = fit(&logged, ModelParams::default());
        let log_r2 = log_fit.map_or(f64::NAN, |m| row_log(&m, data.target()).r2_test);
        let per: Vec<String> = level
            .1
            .iter()
            .zip(&log.1)
            .map(|(a, b)| format!("{a:.0}/{b:.0}"))
            .collect();
        println!(
            "| {name} | {n_train} of {n} | {origins:?} ({block}) | {:.0} | {:.0} | {} | {:.3} / {:.3} |",
            level.0,
            log.0,
            per.join(", "),
            level_fit.metrics().r2_test,
            log_r2
        );
    }
}

/// Does the model form change the decision? (`--plan`.) The level and the log-revenue model of
/// Conjura (all weeks, default search), each one's point-estimate optimum of the historical
/// weekly budget, and each split's steady-state weekly revenue under both models: level
/// `baseline_level + Σ_c f_c(x_c)`; log `B̄·exp(Σ_c g_c(x_c))` with
/// `B̄ = mean_t exp(b_t + σ²/2)` over the last 52 weeks (`b_t`: the fitted log base, `σ²`: the
/// training residual variance of `ln y`). The log model's optimum maximises `Σ_c g_c`: the
/// exact optimiser on its log curves.
fn plan_rows() {
    let Some(base) = conjura(&reference_datasets::CONJURA_CONTROLS) else {
        return;
    };
    let (Some(level), Some(log)) = (
        fit(&base, ModelParams::default()),
        fit(&with_target(&base, f64::ln), ModelParams::default()),
    ) else {
        return;
    };
    let names: Vec<&str> = base.channels().iter().map(|c| c.name.as_str()).collect();
    let mix: Vec<f64> = base
        .channels()
        .iter()
        .map(|c| c.values.iter().sum::<f64>() / c.values.len() as f64)
        .collect();
    let budget: f64 = mix.iter().sum();
    let f = level.responses();
    let g = log.responses();
    // The log model's base, its residual variance and the planning level B̄.
    let d = log.decomposition();
    let n = d.fitted.len();
    let base_log: Vec<f64> = (0..n)
        .map(|t| d.fitted[t] - d.channels.iter().map(|c| c.values[t]).sum::<f64>())
        .collect();
    let n_train = log.holdout_start();
    let sigma2 = (0..n_train)
        .map(|t| (base.target()[t].ln() - d.fitted[t]).powi(2))
        .sum::<f64>()
        / n_train as f64;
    let last = n.saturating_sub(52);
    let b_bar = base_log[last..]
        .iter()
        .map(|b| (b + sigma2 / 2.0).exp())
        .sum::<f64>()
        / (n - last) as f64;
    let level_revenue =
        |x: &[f64]| level.baseline_level() + f.iter().zip(x).map(|(c, x)| c.value(*x)).sum::<f64>();
    let log_revenue =
        |x: &[f64]| b_bar * g.iter().zip(x).map(|(c, x)| c.value(*x)).sum::<f64>().exp();
    let optimum = |curves: &[mixplan_core::response::HillResponse]| {
        mixplan_core::optimize::optimize(curves, &[], budget)
            .map(|a| a.plan().spend().to_vec())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    println!(
        "Conjura, historical weekly budget {budget:.0}; level model baseline {:.0}, log model B̄ {b_bar:.0} (σ² {sigma2:.4})\n",
        level.baseline_level()
    );
    println!(
        "| split | {} | weekly revenue, level model | weekly revenue, log model |",
        names.join(" | ")
    );
    println!("|---|{}---|---|", "---|".repeat(names.len()));
    let (h_level, h_log) = (level_revenue(&mix), log_revenue(&mix));
    for (label, x) in [
        ("historical mix", mix.clone()),
        ("level model's optimum", optimum(&f)),
        ("log model's optimum", optimum(&g)),
    ] {
        let shares: Vec<String> = x
            .iter()
            .map(|v| format!("{:.0} ({:.0} %)", v, 100.0 * v / budget))
            .collect();
        println!(
            "| {label} | {} | {:.0} ({:+.0}) | {:.0} ({:+.0}) |",
            shares.join(" | "),
            level_revenue(&x),
            level_revenue(&x) - h_level,
            log_revenue(&x),
            log_revenue(&x) - h_log
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--forms") {
        forms_rows();
        return;
    }
    if std::env::args().any(|a| a == "--plan") {
        plan_rows();
        return;
    }
    if std::env::args().any(|a| a == "--posterior") {
        posterior_rows();
        return;
    }
    let all = std::env::args().any(|a| a == "--all");
    if !std::env::args().any(|a| a == "--only-others") {
        conjura_variants();
    }
    if all {
        other_datasets();
    }
}
