//! Price elasticity and promotion lift (issue #14 items 4 and 7): exact recovery on
//! constructed data without noise, recovery of the simulated store's truth within stated
//! tolerances, the sensitivity functions, and the errors for missing columns.

use chrono::{Duration, NaiveDate};
use mixplan_core::data::{Series, WeeklyData, load_weekly_csv};
use mixplan_core::model::posterior::{
    PosteriorModel, PriorParams, SamplerParams, equal_tailed_interval,
};
use mixplan_core::model::{ModelParams, Term};
use mixplan_core::pricing::{PricingError, PricingParams, estimate_pricing, estimate_pricing_with};

/// Price, promotion depth and holiday of week `t`: deterministic, not collinear with the
/// trend or the yearly season.
fn controls(n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let price = (0..n)
        .map(|t| 1.0 + 0.05 * (1.7 * t as f64).sin() + 0.01 * ((t % 5) as f64 - 2.0))
        .collect();
    let depth = (0..n)
        .map(|t| match t % 7 {
            3 => 0.2,
            5 => 0.1,
            _ => 0.0,
        })
        .collect();
    let holiday = (0..n).map(|t| f64::from(t % 13 == 0)).collect();
    (price, depth, holiday)
}

/// A weekly matrix whose revenue is `media + base(t)`.
fn world(base: impl Fn(usize, f64, f64, f64, f64) -> f64, media: &[f64]) -> WeeklyData {
    let n = media.len();
    let start = NaiveDate::from_ymd_opt(2022, 1, 3).expect("date");
    let weeks: Vec<NaiveDate> = (0..n).map(|t| start + Duration::weeks(t as i64)).collect();
    let (price, depth, holiday) = controls(n);
    let phase = |t: usize| {
        let days = (weeks[t] - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days();
        std::f64::consts::TAU * days as f64 / 365.25
    };
    let revenue = (0..n)
        .map(|t| media[t] + base(t, phase(t), price[t], depth[t], holiday[t]))
        .collect();
    WeeklyData::new(
        weeks,
        "revenue".into(),
        revenue,
        vec![Series {
            name: "search".into(),
            values: media.iter().map(|m| m / 3.0).collect(),
        }],
        vec![
            Series {
                name: "price_index".into(),
                values: price,
            },
            Series {
                name: "promotion".into(),
                values: depth,
            },
            Series {
                name: "holiday".into(),
                values: holiday,
            },
        ],
    )
    .expect("constructed data are valid")
}

fn media(n: usize) -> Vec<f64> {
    (0..n)
        .map(|t| 20_000.0 + 5_000.0 * (0.3 * t as f64).cos())
        .collect()
}

const TERMS: [Term; 4] = [Term::Intercept, Term::Trend, Term::Sin(1), Term::Cos(1)];

#[test]
fn a_constant_elasticity_is_recovered_exactly_without_noise() {
    let n = 120;
    let elasticity = -1.8;
    let m = media(n);
    let data = world(
        |t, phase, price, depth, holiday| {
            (12.0
                + elasticity * price.ln()
                + 0.4 * depth
                + 0.05 * holiday
                + 0.1 * t as f64 / n as f64
                + 0.08 * phase.sin()
                - 0.03 * phase.cos())
            .exp()
        },
        &m,
    );
    let params = PricingParams::default()
        .check(&data)
        .expect("columns exist");
    let report = estimate_pricing_with(&data, &m, &TERMS, &params).expect("estimate");
    let e = report.elasticity.log_log;
    assert!((e.estimate - elasticity).abs() < 1e-6, "{e:?}");
    assert!(e.upper - e.lower < 1e-6, "no noise, no width: {e:?}");
    let scale = report.mean_base_revenue / report.mean_revenue;
    assert!((report.elasticity.revenue_at_means.estimate - elasticity * scale).abs() < 1e-6);
    assert!(report.elasticity.model_implied.is_none());

    // +5 % price: the base revenue falls by mean(b)·(1 − 1.05^ε).
    let change = report.price_change(0.05).expect("change");
    let expected = report.mean_base_revenue * (1.05f64.powf(elasticity) - 1.0);
    assert!((change.estimate - expected).abs() < 1e-6 * report.mean_base_revenue);
    assert!(change.estimate < 0.0);
}

#[test]
fn a_linear_promotion_effect_is_recovered_exactly_without_noise() {
    let n = 120;
    let gamma = 300_000.0;
    let m = media(n);
    let data = world(
        |t, phase, price, depth, holiday| {
            400_000.0 - 350_000.0 * (price - 1.0)
                + gamma * depth
                + 40_000.0 * holiday
                + 20_000.0 * t as f64 / n as f64
                + 15_000.0 * phase.sin()
        },
        &m,
    );
    let params = PricingParams::default()
        .check(&data)
        .expect("columns exist");
    let report = estimate_pricing_with(&data, &m, &TERMS, &params).expect("estimate");
    let lift = &report.promotion;
    assert!(
        (lift.coefficient.estimate - gamma).abs() < 1e-6 * gamma,
        "{lift:?}"
    );
    let (_, depth, _) = controls(n);
    let promoted: Vec<f64> = depth.iter().copied().filter(|d| *d > 0.0).collect();
    let mean_depth = promoted.iter().sum::<f64>() / promoted.len() as f64;
    assert_eq!(lift.promotion_weeks, promoted.len());
    assert!((lift.mean_depth - mean_depth).abs() < 1e-12);
    assert!((lift.lift.estimate - gamma * mean_depth).abs() < 1e-6 * gamma);
    assert!((lift.lift_share.estimate - lift.lift.estimate / lift.base_revenue).abs() < 1e-12);
    let on = report.promotion_effect(0.25).expect("effect");
    assert!((on.estimate - 0.25 * gamma).abs() < 1e-6 * gamma);
    assert!(report.promotion_effect(-0.1).is_err());
    assert!(report.price_change(-1.0).is_err());
}

#[test]
fn missing_columns_are_named_with_the_flag_that_fixes_them() {
    let m = media(60);
    let data = world(|_, _, _, _, _| 100_000.0, &m);
    let no_price = PricingParams {
        price: "avg_price".into(),
        ..PricingParams::default()
    };
    let error = no_price.check(&data).expect_err("no such column");
    assert!(matches!(error, PricingError::MissingPrice { .. }));
    let text = error.to_string();
    assert!(
        text.contains("the data have no price column 'avg_price'"),
        "{text}"
    );
    assert!(text.contains("name it with --price"), "{text}");
    assert!(text.contains("price_index, promotion, holiday"), "{text}");

    let no_promotion = PricingParams {
        promotion: "discount".into(),
        ..PricingParams::default()
    };
    let text = no_promotion
        .check(&data)
        .expect_err("no such column")
        .to_string();
    assert!(
        text.contains("the data have no promotion column 'discount'"),
        "{text}"
    );
    assert!(text.contains("name it with --promotion"), "{text}");

    let same = PricingParams {
        promotion: "price_index".into(),
        ..PricingParams::default()
    };
    assert!(matches!(same.check(&data), Err(PricingError::Setting(_))));
    let holiday_as_price = PricingParams {
        price: "holiday".into(),
        ..PricingParams::default()
    };
    assert!(matches!(
        holiday_as_price.check(&data),
        Err(PricingError::NonPositivePrice { week: 1, .. })
    ));
}

#[test]
fn the_store_truth_is_recovered() {
    let text = include_str!("../../../data_processed/mmm_data.csv");
    let truth: serde_json::Value =
        serde_json::from_str(include_str!("../../../data_processed/ground_truth.json"))
            .expect("truth");
    let coefficient = |id: &str| {
        truth["controls"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["id"] == id))
            .and_then(|c| c["coefficient"].as_f64())
            .expect("true coefficient")
    };
    let data = load_weekly_csv(text, &Default::default()).expect("store");
    let model = ModelParams::new()
        .check()
        .expect("params")
        .fit(&data, |_, _| {})
        .expect("fit");
    let params = PricingParams::default().check(&data).expect("columns");
    let report = estimate_pricing(&data, &model, None, &params).expect("estimate");

    // The truth is linear: revenue moves by γ_price per unit of price index, so its elasticity
    // at the means is γ_price · mean(p) / mean(y).
    let true_elasticity = coefficient("price_index") * report.mean_price / report.mean_revenue;
    let e = report.elasticity.revenue_at_means;
    assert!(
        e.contains(true_elasticity),
        "{true_elasticity} not in {e:?}"
    );
    assert_eq!(e.level, 0.9);
    // Measured: −1.385 against the true −1.397 (0.9 % off; the 90 % interval's half-width is
    // 14 %). 5 % leaves room for a refit without admitting a wrong sign or scale.
    let relative = |a: f64, b: f64| (a - b).abs() / b.abs();
    assert!(
        relative(e.estimate, true_elasticity) < 0.05,
        "{e:?} vs {true_elasticity}"
    );
    // The ridge fit's γ̂_price gives −1.378 (1.4 % off): the same tolerance.
    let implied = report.elasticity.model_implied.expect("model given");
    assert!(
        relative(implied, true_elasticity) < 0.05,
        "{implied} vs {true_elasticity}"
    );

    // The average promotion week: γ_promo × mean depth over weeks with promotion.
    let true_lift = coefficient("promotion") * report.promotion.mean_depth;
    let lift = report.promotion.lift;
    assert!(lift.contains(true_lift), "{true_lift} not in {lift:?}");
    // Measured: 19,861 $ against the true 18,243 $ (8.9 % off; the interval's half-width is
    // 14 %): 15 %, one half-width, is the tolerance.
    assert!(
        relative(lift.estimate, true_lift) < 0.15,
        "{lift:?} vs {true_lift}"
    );
    assert_eq!(report.promotion.promotion_weeks, 39);

    // Sensitivity: +5 % price costs revenue, −5 % gains it; a promotion at the mean depth
    // adds the lift.
    let up = report.price_change(0.05).expect("up");
    let down = report.price_change(-0.05).expect("down");
    assert!(up.upper < 0.0 && down.lower > 0.0, "{up:?} {down:?}");
    let on = report
        .promotion_effect(report.promotion.mean_depth)
        .expect("on");
    assert!((on.estimate - lift.estimate).abs() < 1e-6 * lift.estimate);
}

/// A short posterior run on the store (2 chains × 150 warm-up + 100 draws): the draws of
/// `γ_price` give the model-implied elasticity an interval.
#[test]
fn the_posterior_gives_the_elasticity_and_the_lift_intervals() {
    let text = include_str!("../../../data_processed/mmm_data.csv");
    let data = load_weekly_csv(text, &Default::default()).expect("store");
    let model = ModelParams::new()
        .check()
        .expect("params")
        .fit(&data, |_, _| {})
        .expect("fit");
    let priors = PriorParams::default().check().expect("priors");
    let density = PosteriorModel::new(&data, &model, &priors).expect("density");
    let posterior = SamplerParams::new()
        .chains(2)
        .warmup(150)
        .draws(100)
        .seed(3)
        .check()
        .expect("sampler")
        .sample(density, |_, _| {})
        .expect("sampling");
    let names: Vec<&str> = posterior
        .controls()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["price_index", "promotion", "holiday"]);
    assert!(
        posterior
            .controls()
            .iter()
            .all(|c| c.coefficient.len() == 200)
    );
    let params = PricingParams::default().check(&data).expect("columns");
    let report = estimate_pricing(&data, &model, Some(&posterior), &params).expect("estimate");
    let interval = report
        .elasticity
        .model_implied_posterior
        .expect("posterior given");
    // Measured (seed 3): median −1.421, 90 % [−1.642, −1.208]; truth −1.397.
    let truth: serde_json::Value =
        serde_json::from_str(include_str!("../../../data_processed/ground_truth.json"))
            .expect("truth");
    let gamma = truth["controls"][0]["coefficient"]
        .as_f64()
        .expect("γ_price");
    let true_elasticity = gamma * report.mean_price / report.mean_revenue;
    assert!(
        interval.contains(true_elasticity),
        "{true_elasticity} not in {interval:?}"
    );
    // 1.7 % off measured; 5 % as for the point estimates.
    assert!((interval.estimate - true_elasticity).abs() < 0.05 * true_elasticity.abs());
    // The promotion lift over the draws of γ_promo: the truth γ_promo · d̄ lies inside it,
    // and its median within 15 % as for the OLS lift.
    let lift = report.promotion.lift_posterior.expect("posterior given");
    let gamma_promo = truth["controls"][1]["coefficient"]
        .as_f64()
        .expect("γ_promo");
    let true_lift = gamma_promo * report.promotion.mean_depth;
    assert!(lift.contains(true_lift), "{true_lift} not in {lift:?}");
    assert!((lift.estimate - true_lift).abs() < 0.15 * true_lift);
    assert!(lift.lower < lift.estimate && lift.estimate < lift.upper);
    // The draws are in the same units as the ridge fit's coefficients (currency per unit of
    // the control): each ridge coefficient lies inside its draws' 90 % interval.
    for (draws, fitted) in posterior.controls().iter().zip(model.controls()) {
        let (low, high) = equal_tailed_interval(&draws.coefficient, 0.9).expect("interval");
        assert!(
            (low..=high).contains(&fitted.coefficient),
            "{}: {} not in [{low}, {high}]",
            draws.name,
            fitted.coefficient
        );
    }
}
