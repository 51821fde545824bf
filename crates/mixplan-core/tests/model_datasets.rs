//! The model on real and simulated datasets: recovery of the simulated store's ground truth
//! (`data_processed/`), of the PyMC-Marketing example's documented truth, and a report on the
//! real Conjura series. Dataset tests skip, with a printed reason, when the files are absent.
//!
//! Run in release for speed: `cargo test --release -p mixplan-core --test model_datasets -- --nocapture`.

use mixplan_core::data::{LoadOptions, WeeklyData, load_weekly_csv_from_path};
use mixplan_core::model::{FittedModel, ModelParams};
use serde_json::Value;
use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared(dataset: &str, file: &str) -> Option<PathBuf> {
    let path = workspace()
        .join("../shared/datasets")
        .join(dataset)
        .join(file);
    if path.exists() {
        Some(path)
    } else {
        println!("SKIP: {} is absent", path.display());
        None
    }
}

fn load(path: &PathBuf, options: LoadOptions) -> WeeklyData {
    load_weekly_csv_from_path(path, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fit(data: &WeeklyData) -> FittedModel {
    let env = |k: &str, d: f64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    ModelParams::default()
        .in_sample(env("INSAMPLE", 0.0) > 0.0)
        .prior_weight(env("PRIOR", 1.0))
        .max_sweeps(env("SWEEPS", 3.0) as usize)
        .refine(env("REFINE", 1.0) > 0.0)
        .cv_folds(env("FOLDS", 3.0) as usize)
        .check()
        .unwrap()
        .fit(data, |_, _| {})
        .unwrap()
}

fn report(name: &str, model: &FittedModel) {
    let m = model.metrics();
    let b = model.baseline_metrics();
    println!(
        "{name}: R² train {:.3} test {:.3} | MAPE test {:.3} | NRMSE test {:.3} | seed baseline R² train {:.3} test {:.3} | CV RMSE {:.0}, λ {:.2e}, {} evaluations",
        m.r2_train,
        m.r2_test,
        m.mape_test,
        m.nrmse_test,
        b.r2_train,
        b.r2_test,
        model.search().cv_rmse,
        model.penalty(),
        model.search().evaluations
    );
}

#[test]
fn simulated_store_truth_is_recovered() {
    let dir = workspace().join("data_processed");
    let (csv, truth) = (dir.join("mmm_data.csv"), dir.join("ground_truth.json"));
    if !(csv.exists() && truth.exists()) {
        println!("SKIP: data_processed/mmm_data.csv or ground_truth.json is absent");
        return;
    }
    let data = load(
        &csv,
        LoadOptions::new()
            .target("revenue")
            .controls(["price_index", "promotion", "holiday"]),
    );
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(&truth).unwrap()).unwrap();
    let model = fit(&data);
    report("simulated store", &model);
    let channels = truth["channels"].as_array().unwrap();
    let true_media: f64 = channels
        .iter()
        .map(|c| c["total_contribution"].as_f64().unwrap())
        .sum();
    let mut failures = Vec::new();
    for t in channels {
        let id = t["id"].as_str().unwrap();
        let c = model
            .channel_index(id)
            .unwrap_or_else(|| panic!("channel {id} missing"));
        let ch = &model.channels()[c];
        let roi = t["roi"].as_f64().unwrap();
        let share = t["total_contribution"].as_f64().unwrap() / true_media;
        println!(
            "  {id:12} θ {:.2} ({:.2})  K {:7.0} ({:7.0})  s {:.2} ({:.2})  β {:7.0} ({:7.0})  ROI {:.3} ({:.3})  share {:.3} ({:.3})  mROI@mean {:.3} ({:.3})",
            ch.decay,
            t["decay"].as_f64().unwrap(),
            ch.half_saturation,
            t["half_saturation"].as_f64().unwrap(),
            ch.shape,
            t["shape"].as_f64().unwrap(),
            ch.coefficient,
            t["coefficient"].as_f64().unwrap(),
            ch.roi,
            roi,
            ch.contribution_share,
            share,
            ch.marginal_roi,
            t["marginal_roi_at_mean_spend"].as_f64().unwrap(),
        );
        if (ch.roi - roi).abs() > 0.25 * roi {
            failures.push(format!("{id}: ROI {:.3} vs true {roi:.3}", ch.roi));
        }
        if (ch.contribution_share - share).abs() > 0.05 {
            failures.push(format!(
                "{id}: share {:.3} vs true {share:.3}",
                ch.contribution_share
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
    assert!(model.metrics().r2_test > 0.7);
}

#[test]
fn diag_store_truth_cv() {
    use mixplan_core::model::{ChannelHyperparameters, FixedHyperparameters};
    let dir = workspace().join("data_processed");
    let data = load(
        &dir.join("mmm_data.csv"),
        LoadOptions::new()
            .target("revenue")
            .controls(["price_index", "promotion", "holiday"]),
    );
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground_truth.json")).unwrap())
            .unwrap();
    let hyper: Vec<ChannelHyperparameters> = data
        .channels
        .iter()
        .map(|s| {
            let t = truth["channels"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == s.name.as_str())
                .unwrap();
            ChannelHyperparameters {
                decay: t["decay"].as_f64().unwrap(),
                half_saturation: t["half_saturation"].as_f64().unwrap(),
                shape: t["shape"].as_f64().unwrap(),
            }
        })
        .collect();
    for holdout in [0.2, 0.01] {
        for lambda in [1e-8, 1e-4] {
            let params = ModelParams::default().holdout(holdout).check().unwrap();
            let fixed = FixedHyperparameters {
                channels: hyper.clone(),
                penalty: lambda,
            };
            let cv = params.cross_validate(&data, &fixed).unwrap();
            let m = ModelParams::default()
                .holdout(holdout)
                .fixed(fixed)
                .check()
                .unwrap()
                .fit(&data, |_, _| {})
                .unwrap();
            println!(
                "holdout {holdout} truth λ {lambda:e}: CV RMSE {cv:.0}, R² test {:.3}, ROIs {:?}",
                m.metrics().r2_test,
                m.channels()
                    .iter()
                    .map(|c| (c.roi * 100.0).round() / 100.0)
                    .collect::<Vec<_>>()
            );
        }
    }
}
