//! Property tests: transforms and fitting never panic, and degenerate input gives typed
//! errors.

use chrono::{Duration, NaiveDate};
use mixplan_core::data::{DataError, Series, WeeklyData};
use mixplan_core::model::{FitError, ModelParams, ParamsError, ridge};
use mixplan_core::transform::{
    GeometricAdstock, Hill, TransformError, WeibullAdstock, WeibullForm,
};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        -10.0..10.0f64,
        0.0..1e6f64,
        Just(0.0),
        Just(1.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-f64::INFINITY),
        Just(f64::MIN_POSITIVE),
    ]
}

fn weekly(
    target: Vec<f64>,
    channels: Vec<Vec<f64>>,
    controls: Vec<Vec<f64>>,
) -> Result<WeeklyData, DataError> {
    let start = NaiveDate::from_ymd_opt(2022, 1, 3).unwrap();
    let weeks = (0..target.len())
        .map(|i| start + Duration::weeks(i as i64))
        .collect();
    weekly_at(weeks, target, channels, controls)
}

fn weekly_at(
    weeks: Vec<NaiveDate>,
    target: Vec<f64>,
    channels: Vec<Vec<f64>>,
    controls: Vec<Vec<f64>>,
) -> Result<WeeklyData, DataError> {
    WeeklyData::new(
        weeks,
        "revenue".into(),
        target,
        channels
            .into_iter()
            .enumerate()
            .map(|(i, values)| Series {
                name: format!("c{i}"),
                values,
            })
            .collect(),
        controls
            .into_iter()
            .enumerate()
            .map(|(i, values)| Series {
                name: format!("z{i}"),
                values,
            })
            .collect(),
    )
}

/// A small, fast search so that many random fits run quickly.
fn quick() -> ModelParams {
    ModelParams::default()
        .decay_grid(vec![0.0, 0.5])
        .half_saturation_grid(vec![0.5, 2.0])
        .shape_grid(vec![1.0])
        .penalty_grid(vec![1e-3])
        .max_sweeps(1)
        .random_starts(2)
        .cv_folds(2)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn transforms_never_panic(
        decay in any_f64(), k in any_f64(), s in any_f64(), scale in any_f64(), lag in 0usize..20,
        x in prop::collection::vec(any_f64(), 0..40),
    ) {
        match GeometricAdstock::new(decay) {
            Ok(g) => match g.apply(&x) {
                Ok(a) => prop_assert!(a.iter().all(|v| v.is_finite())),
                Err(e) => {
                    let typed = matches!(e, TransformError::NonFiniteInput { .. });
                    prop_assert!(typed);
                }
            },
            Err(e) => {
                let typed = matches!(e, TransformError::InvalidDecay(_));
                prop_assert!(typed);
                prop_assert!(!(decay.is_finite() && (0.0..1.0).contains(&decay)));
            }
        }
        if let Ok(h) = Hill::new(k, s) {
            if let Ok(v) = h.apply(&x) {
                prop_assert!(v.iter().all(|y| (0.0..=1.0).contains(y)));
            }
        } else {
            prop_assert!(!(k.is_finite() && k > 0.0 && s.is_finite() && s > 0.0));
        }
        for form in [WeibullForm::Cdf, WeibullForm::Pdf] {
            if let Ok(w) = WeibullAdstock::new(s, scale, lag, form) {
                let total: f64 = w.weights().iter().sum();
                prop_assert!((total - 1.0).abs() < 1e-9);
                let _ = w.apply(&x);
            }
        }
    }

    #[test]
    fn fitting_random_data_never_panics(
        n in 0usize..60,
        channels in 0usize..3,
        controls in 0usize..2,
        seed in prop::collection::vec(any_f64(), 1..8),
    ) {
        let pick = |i: usize, j: usize| seed[(i * 7 + j * 3) % seed.len()].abs() * (1.0 + ((i * 31 + j * 17) % 11) as f64);
        let target = (0..n).map(|i| pick(i, 99) + (i % 5) as f64).collect();
        let chans = (0..channels).map(|j| (0..n).map(|i| pick(i, j)).collect()).collect();
        let ctls = (0..controls).map(|j| (0..n).map(|i| ((i + j) % 3) as f64).collect()).collect();
        // Any outcome is fine as long as it is a value, not a panic; a model must be sane.
        if let Ok(data) = weekly(target, chans, ctls)
            && let Ok(model) = quick().check().unwrap().fit(&data, |_, _| {})
        {
            prop_assert_eq!(model.fitted().len(), n);
            for ch in model.channels() {
                prop_assert!(ch.coefficient >= 0.0 && ch.coefficient.is_finite());
            }
        }
    }

    #[test]
    fn ridge_never_panics_and_respects_signs(
        rows in 1usize..20, cols in 1usize..6, vals in prop::collection::vec(-5.0..5.0f64, 120),
        lambda in 0.0..1.0f64,
    ) {
        let x = DMatrix::from_fn(rows, cols, |i, j| vals[(i * cols + j) % vals.len()]);
        let y = DVector::from_fn(rows, |i, _| vals[(i * 13 + 5) % vals.len()]);
        let nonneg: Vec<bool> = (0..cols).map(|j| j % 2 == 1).collect();
        let pen: Vec<f64> = (0..cols).map(|j| if j == 0 { 0.0 } else { lambda }).collect();
        if let Ok(sol) = ridge::fit(&x, &y, &pen, &nonneg) {
            for (j, &constrained) in nonneg.iter().enumerate() {
                if constrained {
                    prop_assert!(sol.coefficients[j] >= 0.0);
                }
            }
        }
    }
}

fn ramp(n: usize, f: impl Fn(usize) -> f64) -> Vec<f64> {
    (0..n).map(f).collect()
}

#[test]
fn degenerate_inputs_give_typed_errors() {
    let params = quick().check().unwrap();
    let n = 80;
    let y = ramp(n, |i| 100.0 + (i % 7) as f64 * 3.0);
    let x = ramp(n, |i| 10.0 + (i % 5) as f64);
    let fit = |d: &WeeklyData| params.fit(d, |_, _| {});

    // Broken data cannot even be built.
    assert!(matches!(
        weekly(y.clone(), vec![], vec![]),
        Err(DataError::NoChannels { .. })
    ));
    let mut nan = x.clone();
    nan[7] = f64::NAN;
    assert!(matches!(
        weekly(y.clone(), vec![nan], vec![]),
        Err(DataError::NonFinite { week: 7, .. })
    ));
    let mut neg = x.clone();
    neg[3] = -1.0;
    assert!(matches!(
        weekly(y.clone(), vec![neg], vec![]),
        Err(DataError::NegativeSpend { week: 3, .. })
    ));
    assert!(matches!(
        weekly(y.clone(), vec![x[..10].to_vec()], vec![]),
        Err(DataError::LengthMismatch { .. })
    ));
    let mut gap = weekly(y.clone(), vec![x.clone()], vec![])
        .unwrap()
        .weeks()
        .to_vec();
    gap[5] += Duration::days(1);
    assert!(matches!(
        weekly_at(gap, y.clone(), vec![x.clone()], vec![]),
        Err(DataError::IrregularWeeks { week: 5, .. })
    ));

    // Valid data the model cannot use fails in the fit.
    let valid = |y: Vec<f64>, channels: Vec<Vec<f64>>, controls: Vec<Vec<f64>>| {
        weekly(y, channels, controls).unwrap()
    };
    assert!(matches!(
        fit(&valid(y.clone(), vec![vec![0.0; n]], vec![])),
        Err(FitError::ZeroSpendChannel { .. })
    ));
    assert!(matches!(
        fit(&valid(y.clone(), vec![vec![5.0; n]], vec![])),
        Err(FitError::ConstantChannel { .. })
    ));
    assert_eq!(
        fit(&valid(vec![3.0; n], vec![x.clone()], vec![])),
        Err(FitError::ConstantTarget)
    );
    assert!(matches!(
        fit(&valid(y.clone(), vec![x.clone()], vec![vec![1.0; n]])),
        Err(FitError::ConstantControl { .. })
    ));
    assert!(matches!(
        fit(&valid(y[..6].to_vec(), vec![x[..6].to_vec()], vec![])),
        Err(FitError::TooFewWeeks { weeks: 6, .. })
    ));

    // Invalid parameters fail in check(), before any work.
    assert_eq!(
        ModelParams::default().holdout(0.0).check(),
        Err(ParamsError::InvalidHoldout(0.0))
    );
    assert_eq!(
        ModelParams::default().cv_folds(0).check(),
        Err(ParamsError::InvalidFolds(0))
    );
    assert_eq!(
        ModelParams::default().max_sweeps(0).check(),
        Err(ParamsError::InvalidSweeps)
    );
    assert!(matches!(
        ModelParams::default().decay_grid(vec![]).check(),
        Err(ParamsError::EmptyGrid(_))
    ));
    assert!(matches!(
        ModelParams::default().decay_grid(vec![1.0]).check(),
        Err(ParamsError::InvalidGridValue { .. })
    ));
    assert!(matches!(
        ModelParams::default().fourier_order(11).check(),
        Err(ParamsError::InvalidFourierOrder { .. })
    ));
    // Every error says what to fix in its message.
    let e = fit(&valid(y, vec![vec![0.0; n]], vec![])).unwrap_err();
    assert!(e.to_string().contains("c0"), "{e}");
}
