//! `mixplan pricing`: price elasticity, promotion lift and their sensitivity on the demo
//! store as JSON, and the errors for missing columns and a bad price change.

mod support;

use support::{failure, store_csv_path, success};

fn interval(value: &serde_json::Value) -> (f64, f64, f64) {
    let get = |key: &str| value[key].as_f64().unwrap_or(f64::NAN);
    (get("lower"), get("estimate"), get("upper"))
}

/// The store's true elasticity at the means (`γ_price = −350,000 $` per unit of the index,
/// data_processed/ground_truth.json) lies inside the 90 % intervals of the data and of the
/// posterior's model-implied elasticity.
fn assert_true_elasticity_inside(out: &serde_json::Value) {
    let mean_price = out["mean_price"].as_f64().expect("mean price");
    let mean_revenue = out["mean_revenue"].as_f64().expect("mean revenue");
    let true_elasticity = -350_000.0 * mean_price / mean_revenue;
    for key in ["revenue_at_means", "model_implied_posterior"] {
        let (low, _, high) = interval(&out["elasticity"][key]);
        assert!(
            (low..=high).contains(&true_elasticity),
            "{key}: {true_elasticity} not in [{low}, {high}]"
        );
    }
}

#[test]
fn pricing_prints_elasticity_lift_and_sensitivity() {
    let csv = store_csv_path();
    let out = success(&[
        "pricing",
        &csv,
        "--draws",
        "100",
        "--warmup",
        "150",
        "--chains",
        "2",
        "--price-change",
        "10",
    ]);
    assert_eq!(out["price_column"], "price_index");
    assert_eq!(out["weeks"].as_u64(), Some(156));
    // The store's truth: γ_price = −350,000 $ per unit of index, γ_promo = +300,000 $ per unit
    // of depth (data_processed/ground_truth.json); both lie inside the 90 % intervals.
    assert_true_elasticity_inside(&out);
    let mean_depth = out["promotion"]["mean_depth"].as_f64().expect("depth");
    let (low, lift, high) = interval(&out["promotion"]["lift"]);
    assert!(
        (low..=high).contains(&(300_000.0 * mean_depth)),
        "{low} {high}"
    );
    let (low, _, high) = interval(&out["promotion"]["lift_posterior"]);
    assert!(
        (low..=high).contains(&(300_000.0 * mean_depth)),
        "posterior lift: {low} {high}"
    );
    let (_, share, _) = interval(&out["promotion"]["lift_share"]);
    let base = out["promotion"]["base_revenue"].as_f64().expect("base");
    assert!((share - lift / base).abs() < 1e-9);
    // Sensitivity: ±10 % price, promotion at the mean depth by default.
    assert_eq!(
        out["sensitivity"]["price_up"]["setting"].as_f64(),
        Some(0.1)
    );
    let (_, up, _) = interval(&out["sensitivity"]["price_up"]["revenue_change"]);
    let (_, down, _) = interval(&out["sensitivity"]["price_down"]["revenue_change"]);
    assert!(up < 0.0 && down > 0.0, "{up} {down}");
    let (_, on, _) = interval(&out["sensitivity"]["promotion_on"]["revenue_change"]);
    assert!((on - lift).abs() < 1e-6 * lift);
    assert_eq!(out["convergence"]["chains"].as_u64(), Some(2));
}

#[test]
fn without_posterior_the_posterior_fields_are_left_out() {
    let csv = store_csv_path();
    let out = success(&[
        "pricing",
        &csv,
        "--no-posterior",
        "--promotion-depth",
        "0.2",
    ]);
    assert!(out["elasticity"]["model_implied_posterior"].is_null());
    assert!(out["promotion"]["lift_posterior"].is_null());
    assert!(out["elasticity"]["model_implied"].as_f64().is_some());
    assert!(out.get("convergence").is_none());
    let coefficient = out["promotion"]["coefficient"]["estimate"]
        .as_f64()
        .expect("γ_promo");
    let (_, on, _) = interval(&out["sensitivity"]["promotion_on"]["revenue_change"]);
    assert!((on - 0.2 * coefficient).abs() < 1e-6 * coefficient);
}

#[test]
fn pricing_names_the_missing_column_and_the_flag() {
    let csv = store_csv_path();
    let stderr = failure(&["pricing", &csv, "--no-posterior", "--price", "avg_price"]);
    assert!(
        stderr.contains("the data have no price column 'avg_price'")
            && stderr.contains("name it with --price"),
        "{stderr}"
    );
    let stderr = failure(&["pricing", &csv, "--no-posterior", "--promotion", "discount"]);
    assert!(
        stderr.contains("the data have no promotion column 'discount'")
            && stderr.contains("name it with --promotion"),
        "{stderr}"
    );
    let stderr = failure(&["pricing", &csv, "--price-change", "150"]);
    assert!(
        stderr.contains("'150' is not a price change in percent"),
        "{stderr}"
    );
}

/// `--form multiplicative`: the output says so, the promotion is read as a lift of ln revenue
/// (`log_coefficient`), the elasticity of total revenue is `ε` itself, the sensitivities
/// scale the whole revenue, and the store's truth (linear in price and depth) lies inside
/// the intervals, the posterior's too. A short sampler run keeps the test quick.
#[test]
fn pricing_in_the_multiplicative_form() {
    let csv = store_csv_path();
    let out = success(&[
        "pricing",
        &csv,
        "--form",
        "multiplicative",
        "--draws",
        "100",
        "--warmup",
        "150",
        "--chains",
        "2",
    ]);
    assert_eq!(out["form"], "multiplicative");
    assert!(out.get("form_comparison").is_none());
    let (low, e, high) = interval(&out["elasticity"]["log_log"]);
    assert_eq!(
        interval(&out["elasticity"]["revenue_at_means"]),
        (low, e, high)
    );
    assert_true_elasticity_inside(&out);
    let mean_depth = out["promotion"]["mean_depth"].as_f64().expect("depth");
    let (_, delta, _) = interval(&out["promotion"]["log_coefficient"]);
    let base = out["promotion"]["base_revenue"].as_f64().expect("base");
    let (low, lift, high) = interval(&out["promotion"]["lift"]);
    assert!((lift - base * (delta * mean_depth).exp_m1()).abs() < 1e-6 * lift);
    let true_lift = 300_000.0 * mean_depth;
    assert!((low..=high).contains(&true_lift), "{low} {high}");
    let (low, _, high) = interval(&out["promotion"]["lift_posterior"]);
    assert!((low..=high).contains(&true_lift), "posterior {low} {high}");
    // +5 % price scales the mean weekly revenue, media included: mean(y)·(1.05^ε − 1).
    let mean_revenue = out["mean_revenue"].as_f64().expect("mean revenue");
    let (_, up, _) = interval(&out["sensitivity"]["price_up"]["revenue_change"]);
    assert!((up - mean_revenue * (1.05f64.powf(e) - 1.0)).abs() < 1e-6 * up.abs());
    let (_, on, _) = interval(&out["sensitivity"]["promotion_on"]["revenue_change"]);
    assert!((on - lift).abs() < 1e-6 * lift);
    assert_eq!(out["convergence"]["chains"].as_u64(), Some(2));
}

#[test]
fn pricing_takes_the_form_of_fit() {
    let csv = store_csv_path();
    let additive = success(&["pricing", &csv, "--no-posterior"]);
    assert_eq!(additive["form"], "additive");
    assert!(additive["promotion"]["log_coefficient"].is_null());
    let auto = success(&["pricing", &csv, "--no-posterior", "--form", "auto"]);
    assert_eq!(auto["form"], "additive");
    assert_eq!(auto["form_comparison"]["chosen"], "additive");
    assert_eq!(auto["elasticity"], additive["elasticity"]);
    let stderr = failure(&["pricing", &csv, "--no-posterior", "--form", "log"]);
    assert!(
        stderr.contains("invalid value 'log' for '--form"),
        "{stderr}"
    );
}
