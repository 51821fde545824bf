//! `mixplan fit --carryover` (issue #11, item 1): the Weibull forms are searched and
//! reported per channel; the posterior says it is available for the geometric carryover only;
//! bad forms and lift tests with a Weibull form are errors that say what to do.

mod support;

use support::{failure, mixplan, store_csv_path, success};

#[test]
fn weibull_forms_report_their_kernels_and_no_posterior() {
    let csv = store_csv_path();
    for form in ["weibull-cdf", "weibull-pdf"] {
        let fit = success(&["fit", &csv, "--carryover", form]);
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
            assert!(channel.get("roi_interval").is_none(), "{channel}");
            assert!(channel["roi"].as_f64().unwrap() > 0.0);
        }
        assert!(fit.get("convergence").is_none());
        assert!(
            fit["posterior"]
                .as_str()
                .unwrap()
                .contains("available for the geometric carryover only"),
            "{fit}"
        );
        assert!(fit["metrics"]["r2_test"].as_f64().unwrap() > 0.5, "{fit}");
    }
    // The note is on stderr too.
    let out = mixplan(&["fit", &csv, "--carryover", "weibull-cdf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: the posterior is available for the geometric carryover only"),
        "{stderr}"
    );
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
fn bad_forms_and_lift_tests_with_weibull_are_errors() {
    let csv = store_csv_path();
    let stderr = failure(&["fit", &csv, "--carryover", "weibull"]);
    assert!(
        stderr.contains("choose one of geometric, weibull-cdf, weibull-pdf"),
        "{stderr}"
    );
    let lift = csv.replace("mmm_data.csv", "lift_tests.csv");
    let stderr = failure(&[
        "fit",
        &csv,
        "--carryover",
        "weibull-pdf",
        "--lift-tests",
        &lift,
    ]);
    assert!(
        stderr.contains("available for the geometric carryover only"),
        "{stderr}"
    );
    assert!(stderr.contains("drop --carryover"), "{stderr}");
}
