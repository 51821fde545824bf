//! `mixplan diagnose`: the diagnostics of the model fitted to the demo store, as JSON with a
//! verdict per check, and its argument errors.

mod support;

use support::{failure, store_csv_path, success};

#[test]
fn diagnose_prints_every_check_with_a_verdict() {
    let csv = store_csv_path();
    let out = success(&["diagnose", &csv, "--lags", "8"]);
    assert_eq!(out["acf"].as_array().map(Vec::len), Some(8));
    assert_eq!(out["residuals"].as_array().map(Vec::len), Some(156));
    for test in ["ljung_box", "jarque_bera", "breusch_pagan"] {
        let p = out[test]["p_value"].as_f64().expect("p-value");
        assert!((0.0..=1.0).contains(&p), "{test}: {p}");
    }
    assert_eq!(out["ljung_box"]["degrees_of_freedom"].as_f64(), Some(8.0));
    let names: Vec<&str> = out["collinearity"]
        .as_array()
        .expect("collinearity")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["paid_search", "email", "display", "social", "affiliate"]
    );
    let verdicts = out["verdicts"].as_array().expect("verdicts");
    assert_eq!(verdicts.len(), 6);
    for verdict in verdicts {
        assert!(verdict["passed"].is_boolean());
        assert!(verdict["message"].as_str().is_some_and(|m| m.len() > 40));
    }
    assert_eq!(
        out["stability"]["channels"][0]["roi"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
}

#[test]
fn diagnose_refuses_an_alpha_that_is_not_a_probability() {
    let csv = store_csv_path();
    let stderr = failure(&["diagnose", &csv, "--alpha", "5"]);
    assert!(
        stderr.contains(
            "'5' is not a significance level; give a number strictly between 0 and 1, e.g. 0.05"
        ),
        "{stderr}"
    );
}
