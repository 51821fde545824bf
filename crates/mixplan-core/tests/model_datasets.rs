//! The model on real and simulated datasets: the simulated store's ground truth
//! (`data_processed/`: predicted, ranked, and inside the posterior intervals), of the PyMC-Marketing example's documented truth, and what a model
//! must do on the real Conjura series (no truth there: beat simpler models on the holdout,
//! and rank the channels the same whatever the search seed). A missing file skips its test
//! visibly, or fails it under CI (`MIXPLAN_REQUIRE_DATASETS=1`; see `support/datasets.rs`).
//!
//! Run in release for speed: `cargo test --release -p mixplan-core --test model_datasets -- --nocapture`.

mod support;

use mixplan_core::data::{LoadOptions, WeeklyData};
use mixplan_core::model::metrics::r2;
use mixplan_core::model::posterior::{PosteriorModel, PriorParams, SamplerParams, read_lift_tests};
use mixplan_core::model::{FittedModel, ModelParams};
use nalgebra::{DMatrix, DVector};
use serde_json::Value;
use support::datasets::{self, CONJURA_FILE, conjura_options};

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

/// The simulated store (`data_processed/`) and its truth, or `None` (after saying why).
fn store(test: &str) -> Option<(WeeklyData, Value)> {
    let csv = datasets::workspace_file(test, "data_processed/mmm_data.csv")?;
    let truth = datasets::workspace_file(test, "data_processed/ground_truth.json")?;
    let data = datasets::load(
        &csv,
        &LoadOptions::new()
            .target("revenue")
            .controls(["price_index", "promotion", "holiday"]),
    );
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(&truth).unwrap()).unwrap();
    Some((data, truth))
}

/// The simulated store at realistic difficulty (issue #11, item 5: revenue noise 4.5 % of
/// revenue, spend that follows the season and moves together across channels). The point
/// fit no longer recovers every ROI within 25 % of the truth (measured −34 % … +45 %,
/// docs/model.md); the test asserts what it still does: it predicts the holdout well (R²
/// 0.866 measured), beats the seed baseline, and ranks the channels as the truth does where
/// it matters for a plan: the two channels with the highest true ROI are its top two, the
/// lowest is its lowest. Whether the truth sits inside the posterior intervals is
/// `simulated_store_truth_sits_inside_the_posterior_intervals`.
#[test]
fn simulated_store_point_fit_predicts_and_ranks() {
    let Some((data, truth)) = store("simulated_store_point_fit_predicts_and_ranks") else {
        return;
    };
    let model = fit(&data);
    report("simulated store", &model);
    let channels = truth["channels"].as_array().unwrap();
    let true_media: f64 = channels
        .iter()
        .map(|c| c["total_contribution"].as_f64().unwrap())
        .sum();
    let mut true_rois = Vec::new();
    let mut fitted_rois = Vec::new();
    for t in channels {
        let id = t["id"].as_str().unwrap();
        let c = model
            .channel_index(id)
            .unwrap_or_else(|| panic!("channel {id} missing"));
        let ch = &model.channels()[c];
        let roi = t["roi"].as_f64().unwrap();
        let share = t["total_contribution"].as_f64().unwrap() / true_media;
        println!(
            "  {id:12} θ {:.2} ({:.2})  K {:7.0} ({:7.0})  s {:.2} ({:.2})  β {:7.0} ({:7.0})  ROI {:.3} ({:.3}, {:+.0} %)  share {:.3} ({:.3})  mROI@mean {:.3} ({:.3})",
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
            100.0 * (ch.roi / roi - 1.0),
            ch.contribution_share,
            share,
            ch.marginal_roi,
            t["marginal_roi_at_mean_spend"].as_f64().unwrap(),
        );
        true_rois.push((roi, id));
        fitted_rois.push((ch.roi, id));
    }
    let ranked = |mut v: Vec<(f64, &str)>| -> Vec<String> {
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        v.iter().map(|x| x.1.to_string()).collect()
    };
    let true_rank = ranked(true_rois);
    let fitted_rank = ranked(fitted_rois);
    let mut top_true = true_rank[..2].to_vec();
    let mut top_fitted = fitted_rank[..2].to_vec();
    top_true.sort_unstable();
    top_fitted.sort_unstable();
    assert_eq!(
        top_fitted, top_true,
        "fitted {fitted_rank:?}, true {true_rank:?}"
    );
    assert_eq!(
        fitted_rank.last(),
        true_rank.last(),
        "fitted {fitted_rank:?}"
    );
    assert!(model.metrics().r2_test > 0.8, "{}", model.metrics().r2_test);
    assert!(model.metrics().r2_test > model.baseline_metrics().r2_test);
}

/// The store's posterior (default sampler settings, as `mixplan fit`): the true ROI is
/// inside the 90 % interval for at least 3 of the 5 channels (measured 3: paid search,
/// social, affiliate), and for at least 4 with the store's two lift tests
/// (`data_processed/lift_tests.csv`; measured 4: display joins, email is just above its
/// interval). Issue #11 item 5: the truth sits inside the intervals, not on the point
/// estimates.
#[test]
fn simulated_store_truth_sits_inside_the_posterior_intervals() {
    const TEST: &str = "simulated_store_truth_sits_inside_the_posterior_intervals";
    let Some((data, truth)) = store(TEST) else {
        return;
    };
    let Some(lift) = datasets::workspace_file(TEST, "data_processed/lift_tests.csv") else {
        return;
    };
    let tests = read_lift_tests(std::fs::read(&lift).unwrap().as_slice()).unwrap();
    assert_eq!(tests.len(), 2);
    let model = fit(&data);
    let priors = PriorParams::default().check().unwrap();
    let sampler = SamplerParams::new().check().unwrap();
    let density = PosteriorModel::new(&data, &model, &priors).unwrap();
    for (tests, at_least) in [(&[][..], 3), (&tests[..], 4)] {
        let posterior = sampler
            .sample(
                density.clone().with_lift_tests(&data, tests).unwrap(),
                |_, _| {},
            )
            .unwrap();
        let mut inside = 0;
        for t in truth["channels"].as_array().unwrap() {
            let id = t["id"].as_str().unwrap();
            let c = model.channel_index(id).unwrap();
            let (low, high) = posterior.roi_interval(c, 0.9).unwrap();
            let roi = t["roi"].as_f64().unwrap();
            let ok = (low..=high).contains(&roi);
            inside += usize::from(ok);
            println!(
                "  {} lift tests: {id:12} 90 % ROI [{low:.3}, {high:.3}], true {roi:.3}{}",
                tests.len(),
                if ok { "" } else { "  OUTSIDE" }
            );
        }
        assert!(
            inside >= at_least,
            "{} lift tests: truth inside {inside} of 5 intervals",
            tests.len()
        );
    }
}

#[test]
fn pymc_marketing_example_truth() {
    let Some(csv) = datasets::shared_file(
        "pymc_marketing_example_truth",
        "pymc_marketing_mmm_example/mmm_example.csv",
    ) else {
        return;
    };
    let data = datasets::load(
        &csv,
        &LoadOptions::new()
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

/// The Conjura series, or `None` (after saying why) when the file is missing.
fn conjura(test: &str) -> Option<WeeklyData> {
    let csv = datasets::shared_file(test, CONJURA_FILE)?;
    Some(datasets::load(&csv, &conjura_options()))
}

fn print_channels(model: &FittedModel) {
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
    }
}

/// The model without media: ordinary least squares of the target on an intercept, a linear
/// trend, the yearly Fourier pairs `sin/cos(2πk·d/365.25)`, `k = 1…order` (`d`: days since
/// 1970-01-01, as the model's design) and the controls as they are, fitted on the first
/// `n_train` weeks. Returns its predictions for every week.
fn trend_and_seasonality_predictions(
    data: &WeeklyData,
    fourier_order: usize,
    n_train: usize,
) -> Vec<f64> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let columns = 2 + 2 * fourier_order + data.controls().len();
    let x = DMatrix::from_fn(data.len(), columns, |t, j| {
        let phase = std::f64::consts::TAU * (data.weeks()[t] - epoch).num_days() as f64 / 365.25;
        match j {
            0 => 1.0,
            1 => t as f64,
            j if j < 2 + 2 * fourier_order => {
                let k = ((j - 2) / 2 + 1) as f64;
                if (j - 2) % 2 == 0 {
                    (k * phase).sin()
                } else {
                    (k * phase).cos()
                }
            }
            j => data.controls()[j - 2 - 2 * fourier_order].values[t],
        }
    });
    let train = x.rows(0, n_train).into_owned();
    let y = DVector::from_column_slice(&data.target()[..n_train]);
    let beta = train
        .svd(true, true)
        .solve(&y, 1e-12)
        .expect("least squares on the trend and seasonality columns");
    (&x * beta).iter().copied().collect()
}

/// Real data has no truth, but a model of media must explain the holdout weeks better than
/// the seed baseline (ridge on raw spend) and better than trend, seasonality and controls
/// alone (the same non-media columns as the model, at the Fourier order the model chose,
/// least squares on the same training weeks, scored on the same holdout weeks).
///
/// Issue #11 item 9: with the Fourier order chosen by the rolling-origin CV inside the
/// training weeks (order 0 here: no yearly terms; before, order 2 fixed gave holdout R²
/// 0.267), the holdout R² is 0.389 (docs/model.md, "Real data: the Conjura gap"). The bound
/// 0.36 sits a little under it, to allow for rounding differences between machines, and
/// far above the 0.267 of the fixed order, so a return to it fails here.
#[test]
fn conjura_model_beats_simpler_models_on_the_holdout() {
    let Some(data) = conjura("conjura_model_beats_simpler_models_on_the_holdout") else {
        return;
    };
    let params = ModelParams::default().check().unwrap();
    let model = params.fit(&data, |_, _| {}).unwrap();
    report("Conjura Food & Drink US (real)", &model);
    print_channels(&model);
    let n_train = model.holdout_start();
    let order = model.search().fourier_order;
    let trend_only = trend_and_seasonality_predictions(&data, order, n_train);
    let trend_only_r2_train = r2(&data.target()[..n_train], &trend_only[..n_train]);
    let trend_only_r2_test = r2(&data.target()[n_train..], &trend_only[n_train..]);
    let model_r2_test = model.metrics().r2_test;
    let seed_r2_test = model.baseline_metrics().r2_test;
    println!(
        "holdout R² ({} weeks): model {model_r2_test:.3}, seed baseline {seed_r2_test:.3}, \
         trend + seasonality + controls {trend_only_r2_test:.3} (train {trend_only_r2_train:.3}), \
         Fourier order {order} (chosen by CV)",
        data.len() - n_train
    );
    for ch in model.channels() {
        assert!(
            ch.roi.is_finite() && ch.roi >= 0.0,
            "{}: ROI {}",
            ch.name,
            ch.roi
        );
    }
    assert!(
        model.metrics().r2_train > 0.5,
        "{}",
        model.metrics().r2_train
    );
    assert!(
        model_r2_test > seed_r2_test,
        "holdout R² {model_r2_test:.3} is not above the seed baseline's {seed_r2_test:.3}"
    );
    assert!(
        model_r2_test > trend_only_r2_test,
        "holdout R² {model_r2_test:.3} is not above trend + seasonality + controls alone \
         ({trend_only_r2_test:.3})"
    );
    assert!(
        model_r2_test >= 0.36,
        "holdout R² {model_r2_test:.3} is below 0.36 (0.389 measured with the Fourier order \
         chosen by CV, docs/model.md)"
    );
}

/// Which channel earns most per unit of spend must not depend on the search's random
/// starts: the channels ranked by ROI come out the same for at least 4 of 5 seeds.
#[test]
fn conjura_roi_ranking_is_stable_across_search_seeds() {
    let Some(data) = conjura("conjura_roi_ranking_is_stable_across_search_seeds") else {
        return;
    };
    let seeds = [1, 2, 3, 4, 5];
    let mut rankings: Vec<Vec<String>> = Vec::new();
    for seed in seeds {
        let model = ModelParams::default()
            .seed(seed)
            .check()
            .unwrap()
            .fit(&data, |_, _| {})
            .unwrap();
        let mut channels: Vec<_> = model.channels().iter().collect();
        channels.sort_by(|a, b| b.roi.total_cmp(&a.roi));
        println!(
            "seed {seed}: {}",
            channels
                .iter()
                .map(|c| format!("{} {:.2}", c.name, c.roi))
                .collect::<Vec<_>>()
                .join(" > ")
        );
        rankings.push(channels.iter().map(|c| c.name.clone()).collect());
    }
    let agreeing = rankings
        .iter()
        .map(|r| rankings.iter().filter(|other| *other == r).count())
        .max()
        .unwrap_or(0);
    assert!(
        agreeing >= 4,
        "the most common ROI ranking holds for only {agreeing} of {} seeds: {rankings:?}",
        seeds.len()
    );
}

/// The default level model credits media with more than all of Conjura's revenue: its
/// planning baseline (intercept, trend, seasonality and controls over the last 52 weeks) is
/// below zero (−6,338 a week measured), and `negative_baseline` flags it; the simulated
/// store's baseline is well above zero (its truth: most revenue is base) and is not flagged.
#[test]
fn a_baseline_below_zero_is_flagged_on_conjura_and_not_on_the_store() {
    const TEST: &str = "a_baseline_below_zero_is_flagged_on_conjura_and_not_on_the_store";
    let (Some(data), Some((store, _))) = (conjura(TEST), store(TEST)) else {
        return;
    };
    let model = fit(&data);
    let mean_revenue = data.target().iter().sum::<f64>() / data.len() as f64;
    println!(
        "Conjura: planning baseline {:.0}, mean weekly revenue {mean_revenue:.0}",
        model.baseline_level()
    );
    assert_eq!(model.negative_baseline(), Some(model.baseline_level()));
    let store_model = fit(&store);
    println!(
        "store: planning baseline {:.0}",
        store_model.baseline_level()
    );
    assert!(store_model.baseline_level() > 0.0);
    assert_eq!(store_model.negative_baseline(), None);
}
