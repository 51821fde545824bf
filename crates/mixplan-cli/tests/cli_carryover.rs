//! `mixplan fit --carryover` and `mixplan optimize --carryover` (issue #11, item 1): the
//! Weibull forms are searched and reported per channel, and their posterior (which samples
//! each channel's Weibull shape and scale) gives intervals, convergence, lift-test
//! calibration and the recommendation rule as for geometric; bad forms are errors that say
//! what to do. A short sampler run (4 chains × (200 + 100)) keeps the tests quick.

mod support;

use support::{failure, store_csv_path, success};

/// Short sampler settings for the tests.
const SHORT: [&str; 4] = ["--warmup", "200", "--draws", "100"];

fn pair(value: &serde_json::Value) -> (f64, f64) {
    let low = value[0].as_f64().expect("a low end");
    let high = value[1].as_f64().expect("a high end");
    (low, high)
}

#[test]
fn weibull_forms_report_their_kernels_intervals_and_convergence() {
    let csv = store_csv_path();
    let lift = csv.replace("mmm_data.csv", "lift_tests.csv");
    for form in ["weibull-cdf", "weibull-pdf"] {
        let fit = success(
            &[
                &[
                    "fit",
                    csv.as_str(),
                    "--carryover",
                    form,
                    "--lift-tests",
                    &lift,
                ][..],
                &SHORT,
            ]
            .concat(),
        );
        let channels = fit["channels"].as_array().expect("channels");
        assert_eq!(channels.len(), 5);
        for channel in channels {
            assert_eq!(channel["carryover"], form, "{channel}");
            assert!(channel.get("decay").is_none(), "{channel}");
            let shape = channel["weibull_shape"].as_f64().expect("a shape");
            let scale = channel["weibull_scale"].as_f64().expect("a scale");
            assert!([0.5, 1.0, 2.0, 4.0].contains(&shape), "{channel}");
            assert!([0.5, 1.0, 2.0, 4.0, 8.0].contains(&scale), "{channel}");
            assert_eq!(channel["weibull_window"], 13);
            assert!(channel["roi"].as_f64().unwrap() > 0.0);
            let (low, high) = pair(&channel["roi_interval"]);
            assert!(0.0 < low && low < high, "{form}: {channel}");
            // The contribution interval is the ROI interval times the channel's total spend.
            let (c_low, c_high) = pair(&channel["contribution_interval"]);
            let spend =
                channel["contribution"].as_f64().unwrap() / channel["roi"].as_f64().unwrap();
            assert!((c_low / spend - low).abs() < 1e-6 * low, "{channel}");
            assert!((c_high / spend - high).abs() < 1e-6 * high, "{channel}");
        }
        let convergence = &fit["convergence"];
        assert_eq!(convergence["lift_tests"], 2, "{form}");
        assert_eq!(convergence["draws"], 400);
        assert_eq!(convergence["chains"], 4);
        assert!(convergence["max_r_hat"].as_f64().unwrap() >= 1.0 - 1e-3);
        assert!(convergence["min_bulk_ess"].as_f64().unwrap() > 0.0);
        assert!(convergence["converged"].is_boolean());
        assert!(convergence["divergences"].is_u64());
        assert!(fit.get("posterior").is_none(), "{fit}");
        assert!(fit["metrics"]["r2_test"].as_f64().unwrap() > 0.5, "{fit}");
    }
}

#[test]
fn optimize_with_a_weibull_carryover_recommends_by_the_rule() {
    let csv = store_csv_path();
    for form in ["weibull-cdf", "weibull-pdf"] {
        let args = [
            "optimize",
            csv.as_str(),
            "--budget",
            "50000",
            "--carryover",
            form,
        ];
        let out = success(&[&args[..], &SHORT].concat());
        assert_eq!(out["method"], "posterior_rule", "{form}");
        let total: f64 = out["allocation"]
            .as_object()
            .expect("an allocation")
            .values()
            .map(|x| x.as_f64().unwrap())
            .sum();
        assert!((total - 50_000.0).abs() < 1e-6 * 50_000.0, "{out}");
        let p = out["probability_of_gain"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{out}");
        let expected = out["expected_uplift"].as_f64().unwrap();
        let (low, high) = pair(&out["uplift_interval"]);
        assert!(low <= expected && expected <= high, "{out}");
        assert!(out["point_optimum"]["allocation"].is_object());
        assert!(out["convergence"]["converged"].is_boolean());
        // The point fit is the Weibull one: its optimum differs from the geometric one.
        let geometric = success(&["optimize", &csv, "--budget", "50000", "--no-posterior"]);
        assert_ne!(
            geometric["point_optimum"]["allocation"], out["point_optimum"]["allocation"],
            "{form}"
        );
    }
}

#[test]
fn geometric_is_the_default_and_reports_its_decay() {
    let csv = store_csv_path();
    let fit = success(&["fit", &csv, "--carryover", "geometric", "--no-posterior"]);
    let default = success(&["fit", &csv, "--no-posterior"]);
    for (a, b) in fit["channels"]
        .as_array()
        .unwrap()
        .iter()
        .zip(default["channels"].as_array().unwrap())
    {
        assert_eq!(a["carryover"], "geometric");
        assert!(a["decay"].is_number(), "{a}");
        assert!(a.get("weibull_shape").is_none());
        assert_eq!(a["roi"], b["roi"]);
        assert_eq!(a["decay"], b["decay"]);
    }
}

#[test]
fn bad_forms_are_errors_that_name_the_choices() {
    let csv = store_csv_path();
    let stderr = failure(&["fit", &csv, "--carryover", "weibull"]);
    assert!(
        stderr.contains("choose one of geometric, weibull-cdf, weibull-pdf"),
        "{stderr}"
    );
}
