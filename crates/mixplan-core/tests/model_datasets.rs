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
    ModelParams::default()
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
    // Issue #4: every channel's ROI within 25 % of the truth and its share of the media
    // contribution within 5 points, no exceptions.
    assert!(failures.is_empty(), "{failures:?}");
    assert!(model.metrics().r2_test > 0.9, "{}", model.metrics().r2_test);
    assert!(model.metrics().r2_test > model.baseline_metrics().r2_test);
}

#[test]
fn pymc_marketing_example_truth() {
    let Some(csv) = shared("pymc_marketing_mmm_example", "mmm_example.csv") else {
        return;
    };
    let data = load(
        &csv,
        LoadOptions::new()
            .date_column("date_week")
            .target("y")
            .channels(["x1", "x2"])
            .controls(["event_1", "event_2"]),
    );
    let model = fit(&data);
    report("PyMC-Marketing example", &model);
    // Documented truth (PROVENANCE.md): contribution per unit of spend x1 ≈ 4,968 (274,848
    // over 55.33), x2 ≈ 2,275 (65,906 over 28.97); media shares 80.7 % / 19.3 %.
    // The DGP uses logistic saturation and a power-law trend, which this model only
    // approximates with Hill curves and a linear trend, so the tolerance is 20 % on ROI and
    // 5 points on share (measured: x1 −12 %, x2 +4 %; shares within 3 points).
    let truth = [("x1", 4_968.0, 274_848.0), ("x2", 2_275.0, 65_906.0)];
    let media: f64 = truth.iter().map(|t| t.2).sum();
    for (name, roi, contribution) in truth {
        let ch = &model.channels()[model.channel_index(name).unwrap()];
        println!(
            "  {name}: θ {:.2} (true {}), ROI {:.0} (true {roi:.0}), share {:.3} (true {:.3})",
            ch.decay,
            if name == "x1" { 0.4 } else { 0.2 },
            ch.roi,
            ch.contribution_share,
            contribution / media
        );
        assert!((ch.roi - roi).abs() <= 0.20 * roi, "{name} ROI {}", ch.roi);
        assert!((ch.contribution_share - contribution / media).abs() <= 0.05);
    }
    assert!(model.metrics().r2_test > 0.5);
}

#[test]
fn conjura_real_series_report() {
    let Some(csv) = shared("conjura_weekly_food_drink_us", "mmm_weekly_data.csv") else {
        return;
    };
    let data = load(
        &csv,
        LoadOptions::new()
            .date_column("week_start")
            .target("revenue")
            .channels([
                "spend_google_search",
                "spend_google_shopping_pmax",
                "spend_meta",
                "spend_tiktok",
            ])
            .controls(["us_federal_holiday_week", "bfcm_week"]),
    );
    let model = fit(&data);
    report("Conjura Food & Drink US (real)", &model);
    for ch in model.channels() {
        println!(
            "  {:28} θ {:.2}  K {:8.0}  s {:.2}  ROI {:.2}  mROI {:.2}  share {:.3}",
            ch.name,
            ch.decay,
            ch.half_saturation,
            ch.shape,
            ch.roi,
            ch.marginal_roi,
            ch.contribution_share
        );
        assert!(ch.roi.is_finite() && ch.roi >= 0.0);
    }
    // Real data, no ground truth: only sanity. The fit must beat predicting the mean in
    // training; the holdout R² is reported, not asserted.
    assert!(model.metrics().r2_train > 0.5);
    assert!(model.metrics().r2_test.is_finite());
}
