//! Mediation (issue #14 items 3 and 7): exact recovery of a known indirect share on
//! constructed data without noise, the interval's coverage with noise, the splits, the
//! errors, and the simulated store's truth (once its clicks exist).

mod support;

use mixplan_core::data::{Series, WeeklyData};
use mixplan_core::mediation::{
    MediationError, MediationParams, MediatorMetric, Stage1Curve, estimate_mediation_with,
};
use mixplan_core::response::HillResponse;
use support::mediation_world::{
    CLICKS_AT_SATURATION, CLICKS_PER_DOLLAR, Inputs, TERMS, TRANSFORMS, WEEKS, normal, saturate,
};

/// `δ`: revenue per click.
const VALUE_PER_CLICK: f64 = 2.0;
/// `β_social`: direct weekly revenue at saturation.
const DIRECT_AT_SATURATION: f64 = 28_000.0;
/// `δπ/(β + δπ)` = 12,000 / 40,000.
const TRUE_SHARE: f64 = 0.3;

/// A constructed store: spend of three channels (fixed, seed 1), clicks caused by paid
/// search's spend and by social, revenue caused by email, social's direct path and every
/// click; noise of standard deviation `click_noise` and `revenue_noise` from `noise_seed`.
/// Returns the data, the clicks and the saturated columns.
fn world(
    noise_seed: u64,
    click_noise: f64,
    revenue_noise: f64,
) -> (WeeklyData, Vec<f64>, Vec<Vec<f64>>) {
    let mut inputs = Inputs::new(noise_seed, click_noise);
    let Inputs {
        saturated,
        phase,
        price,
        clicks,
        noise,
        ..
    } = &mut inputs;
    let revenue: Vec<f64> = (0..WEEKS)
        .map(|t| {
            let trend = t as f64 / WEEKS as f64;
            100_000.0 + 8_000.0 * trend + 6_000.0 * phase[t].sin()
                - 3_000.0 * phase[t].cos()
                - 50_000.0 * (price[t] - 1.0)
                + 30_000.0 * saturated[1][t]
                + DIRECT_AT_SATURATION * saturated[2][t]
                + VALUE_PER_CLICK * clicks[t]
                + revenue_noise * normal(noise)
        })
        .collect();
    let data = inputs.data(revenue);
    (data, inputs.clicks, inputs.saturated)
}

#[test]
fn the_indirect_share_is_recovered_exactly_without_noise() {
    let (data, clicks, saturated) = world(0, 0.0, 0.0);
    let params = MediationParams::default()
        .check(&data, Some(&clicks))
        .expect("valid settings");
    let report = estimate_mediation_with(&data, &saturated, &TERMS, &params).expect("estimate");
    let social = &report.sources[0];
    assert_eq!(social.channel, "social");
    let h: f64 = saturated[2].iter().sum();
    let close = |found: f64, expected: f64| {
        assert!(
            (found - expected).abs() <= 1e-6 * expected.abs().max(1.0),
            "{found} vs {expected}"
        );
    };
    close(report.value_per_unit.estimate, VALUE_PER_CLICK);
    close(report.own_coefficient.expect("clicks"), CLICKS_PER_DOLLAR);
    close(social.mediator_coefficient, CLICKS_AT_SATURATION);
    close(social.direct_coefficient, DIRECT_AT_SATURATION);
    close(social.indirect_share.estimate, TRUE_SHARE);
    close(social.direct.estimate, DIRECT_AT_SATURATION * h);
    close(
        social.indirect.estimate,
        VALUE_PER_CLICK * CLICKS_AT_SATURATION * h,
    );
    close(
        social.total.estimate,
        social.direct.estimate + social.indirect.estimate,
    );
    close(
        social.total_roi.estimate,
        social.total.estimate / social.spend,
    );
    // Every resample of exact data gives the same answer.
    assert!(social.indirect_share.upper - social.indirect_share.lower < 1e-6);
    assert!(report.stage1_r2 > 1.0 - 1e-9 && report.stage2_r2 > 1.0 - 1e-9);
}

/// The world of [`world`] without noise, but paid search's own clicks saturate in its
/// spend: `12,000·hill(adstock(x; 0.3); 15,000, 1.5)` clicks a week instead of `0.8·x`
/// (revenue follows the clicks). Returns the data, the clicks, the saturated columns and
/// the own curve.
fn world_with_saturating_search() -> (WeeklyData, Vec<f64>, Vec<Vec<f64>>, Vec<f64>) {
    let (data, clicks, saturated) = world(0, 0.0, 0.0);
    let search = &data.channels()[0].values;
    let own = saturate(search, (0.3, 15_000.0, 1.5));
    let new_clicks: Vec<f64> = (0..WEEKS)
        .map(|t| clicks[t] - CLICKS_PER_DOLLAR * search[t] + 12_000.0 * own[t])
        .collect();
    let revenue: Vec<f64> = (0..WEEKS)
        .map(|t| data.target()[t] + VALUE_PER_CLICK * (new_clicks[t] - clicks[t]))
        .collect();
    let data = WeeklyData::new(
        data.weeks().to_vec(),
        "revenue".into(),
        revenue,
        data.channels().to_vec(),
        data.controls().to_vec(),
    )
    .expect("valid weekly data");
    (data, new_clicks, saturated, own)
}

/// Stage 1 estimates paid search's own curve from the clicks: a saturating own response is
/// found (not fitted as a straight line, which would push part of it onto social), and the
/// share is recovered.
#[test]
fn stage_one_finds_a_saturating_own_curve() {
    let (data, clicks, saturated, _) = world_with_saturating_search();
    let params = MediationParams::default()
        .check(&data, Some(&clicks))
        .expect("valid settings");
    let report = estimate_mediation_with(&data, &saturated, &TERMS, &params).expect("estimate");
    let Some(Stage1Curve::Grid { decay, shape, .. }) = report.own_curve else {
        panic!("a grid curve: {:?}", report.own_curve);
    };
    assert!(
        (decay - 0.3).abs() < 0.1 && (shape - 1.5).abs() < 0.5,
        "{:?}",
        report.own_curve
    );
    assert!(report.stage1_r2 > 0.999, "{}", report.stage1_r2);
    let share = report.sources[0].indirect_share.estimate;
    assert!((share - TRUE_SHARE).abs() < 0.01, "share {share}");
    assert_eq!(report.sources[0].stage1_curve, Stage1Curve::Model);
}

/// When the model's curve for social is wrong (here: no carryover, where the clicks follow
/// a decay of 0.7), stage 1 estimates social's own curve from the clicks, and the extra
/// clicks are recovered; stage 2 keeps the model's curve for the direct path.
#[test]
fn stage_one_corrects_a_wrong_source_curve() {
    let (data, clicks, mut saturated) = world(0, 0.0, 0.0);
    let truth: f64 = CLICKS_AT_SATURATION * saturated[2].iter().sum::<f64>();
    saturated[2] = saturate(&data.channels()[2].values, (0.0, 9_000.0, 1.2));
    let params = MediationParams::default()
        .check(&data, Some(&clicks))
        .expect("valid settings");
    let report = estimate_mediation_with(&data, &saturated, &TERMS, &params).expect("estimate");
    let social = &report.sources[0];
    let Stage1Curve::Grid { decay, .. } = social.stage1_curve else {
        panic!("a grid curve: {:?}", social.stage1_curve);
    };
    assert!((decay - 0.7).abs() < 0.05, "{:?}", social.stage1_curve);
    let extra = social.extra_mediator.estimate;
    assert!(
        (extra / truth - 1.0).abs() < 0.02,
        "extra {extra} vs {truth}"
    );
    assert_eq!(report.own_curve, Some(Stage1Curve::Linear));
}

/// One noisy world: the estimate is near the truth and the interval has width. Whether the
/// truth is inside a 90 % interval is a matter of chance in one world (this world, noise
/// seed 7, misses it by 0.009); how often it is inside is the next test's business.
#[test]
fn with_noise_the_estimate_is_near_the_truth_with_a_real_interval() {
    let (data, clicks, saturated) = world(7, 400.0, 4_000.0);
    let params = MediationParams::default()
        .check(&data, Some(&clicks))
        .expect("valid settings");
    let report = estimate_mediation_with(&data, &saturated, &TERMS, &params).expect("estimate");
    let share = report.sources[0].indirect_share;
    assert!((share.estimate - TRUE_SHARE).abs() < 0.1, "{share:?}");
    assert!(
        share.lower <= share.estimate && share.estimate <= share.upper,
        "{share:?}"
    );
    assert!(share.upper - share.lower > 0.01, "{share:?}");
    assert_eq!(report.fitted_draws, report.draws);
}

/// The block bootstrap's 90 % intervals of the share, of `δ` and of the total effect cover
/// the truth in about 90 % of 100 independent noisy worlds (binomial sd 3 points; the bounds allow a slight
/// under-coverage, usual for percentile intervals, and fail a broken interval).
#[test]
fn the_share_interval_covers_the_truth_about_as_often_as_it_says() {
    let mut covered = [0usize; 3];
    let replications = 100;
    for seed in 0..replications {
        let (data, clicks, saturated) = world(1_000 + seed, 400.0, 4_000.0);
        let params = MediationParams {
            draws: 200,
            seed,
            ..MediationParams::default()
        }
        .check(&data, Some(&clicks))
        .expect("valid settings");
        let report = estimate_mediation_with(&data, &saturated, &TERMS, &params).expect("estimate");
        let social = &report.sources[0];
        let h: f64 = saturated[2].iter().sum();
        let total = (DIRECT_AT_SATURATION + VALUE_PER_CLICK * CLICKS_AT_SATURATION) * h;
        covered[0] += usize::from(social.indirect_share.contains(TRUE_SHARE));
        covered[1] += usize::from(report.value_per_unit.contains(VALUE_PER_CLICK));
        covered[2] += usize::from(social.total.contains(total));
    }
    let coverage = covered.map(|c| c as f64 / replications as f64);
    println!("coverage (share, value per click, total): {coverage:?}");
    for c in coverage {
        assert!((0.8..=0.98).contains(&c), "coverage {coverage:?}");
    }
}

#[test]
fn the_mediation_aware_split_gives_social_more_and_values_it_at_its_total() {
    let (data, clicks, saturated) = world(0, 0.0, 0.0);
    let params = MediationParams::default()
        .check(&data, Some(&clicks))
        .expect("valid settings");
    let report = estimate_mediation_with(&data, &saturated, &TERMS, &params).expect("estimate");
    let curves: Vec<HillResponse> = TRANSFORMS
        .iter()
        .zip([36_000.0, 30_000.0, 40_000.0])
        .map(|(&(_, k, s), beta)| HillResponse::new(beta, k, s).expect("curve"))
        .collect();
    let aware = report.curves(&curves, true).expect("curves");
    let plain = report.curves(&curves, false).expect("curves");
    assert!((aware[2].coefficient() - 40_000.0).abs() < 1e-3);
    assert!((plain[2].coefficient() - 28_000.0).abs() < 1e-3);
    assert_eq!((aware[0], aware[1]), (curves[0], curves[1]));
    let names: Vec<String> = ["paid_search", "email", "social"].map(String::from).into();
    let splits = report.splits(&curves, &names, 30_000.0).expect("splits");
    let social = &splits.channels[2];
    assert!(social.mediation_aware > social.plain + 100.0, "{social:?}");
    for split in [
        splits.channels.iter().map(|c| c.plain).sum::<f64>(),
        splits
            .channels
            .iter()
            .map(|c| c.mediation_aware)
            .sum::<f64>(),
    ] {
        assert!((split - 30_000.0).abs() < 1e-6);
    }
    // Under the total-effect valuation the aware split earns at least as much as the plain.
    assert!(splits.mediation_aware_revenue >= splits.plain_revenue_at_total_effect - 1e-6);
    assert!(splits.mediation_aware_revenue > splits.plain_revenue);
}

#[test]
fn missing_pieces_are_named() {
    let (data, clicks, _) = world(0, 0.0, 0.0);
    let no_clicks = MediationParams::default().check(&data, None);
    let Err(error) = no_clicks else {
        panic!("clicks are needed")
    };
    assert!(
        error.to_string().starts_with("no clicks for paid_search: "),
        "{error}"
    );
    let no_social = MediationParams {
        sources: vec!["facebook".into()],
        ..MediationParams::default()
    }
    .check(&data, Some(&clicks));
    assert!(matches!(
        no_social,
        Err(MediationError::UnknownChannel { .. })
    ));
    let wrong_mediator = MediationParams {
        mediator: "email".into(),
        sources: vec!["email".into()],
        ..MediationParams::default()
    }
    .check(&data, Some(&clicks));
    assert!(matches!(
        wrong_mediator,
        Err(MediationError::SourceIsMediator(_))
    ));
    let short = MediationParams::default().check(&data, Some(&clicks[..10]));
    assert!(matches!(short, Err(MediationError::MediatorLength { .. })));
    // Spend as the mediator needs no clicks.
    let spend = MediationParams {
        metric: MediatorMetric::Spend,
        ..MediationParams::default()
    }
    .check(&data, None);
    assert!(spend.is_ok());
}

#[test]
fn data_without_a_social_channel_say_so() {
    let (data, clicks, _) = world(0, 0.0, 0.0);
    let renamed = WeeklyData::new(
        data.weeks().to_vec(),
        "revenue".into(),
        data.target().to_vec(),
        data.channels()
            .iter()
            .map(|c| Series {
                name: c.name.replace("social", "tv"),
                values: c.values.clone(),
            })
            .collect(),
        data.controls().to_vec(),
    )
    .expect("valid data");
    let Err(error) = MediationParams::default().check(&renamed, Some(&clicks)) else {
        panic!("no social channel")
    };
    assert!(
        error
            .to_string()
            .starts_with("no social channel in the data (channels: paid_search, email, tv): name one with --source"),
        "{error}"
    );
}

/// The store's truth (issue #14 item 1, `data_processed/ground_truth.json` → `mediation`):
/// social's indirect share through paid-search clicks is 0.30, each click worth $2, about
/// 463 k extra clicks over the three years. Measured with stage 1's curve search (this
/// session's estimator; before it, stage 1 fitted search's own clicks linearly and found a
/// share of 0.034, −0.10–0.16): share 0.312 (0.229–0.376), extra clicks 519 k (412–654 k),
/// value per click $2.15 (1.77–2.41). The tolerance is the interval itself: the truth must
/// be inside the 90 % intervals of the share, the extra clicks and the value per click, and
/// the estimate within 0.1 of 0.30. The estimator was not tuned to the store (its grid is the
/// model's; docs/mediation.md).
#[test]
fn the_store_truth_is_inside_the_interval() {
    use mixplan_core::mediation::estimate_mediation;
    use mixplan_core::model::ModelParams;
    use support::mediation_world::Store;

    let Store {
        data,
        clicks,
        truth,
    } = Store::read();
    let source = &truth["mediation"]["sources"][0];
    assert_eq!(source["channel"], "social");
    let true_share = source["indirect_share"].as_f64().expect("true share");

    let model = ModelParams::new()
        .check()
        .expect("params")
        .fit(&data, |_, _| {})
        .expect("fit");
    let params = MediationParams::default()
        .check(&data, Some(&clicks))
        .expect("settings");
    let report = estimate_mediation(&data, &model, &params).expect("estimate");
    let share = report.sources[0].indirect_share;
    let extra = report.sources[0].extra_mediator;
    let true_extra = source["extra_clicks"].as_f64().expect("true extra clicks");
    let true_value = truth["mediation"]["value_per_click"]
        .as_f64()
        .expect("value per click");
    println!(
        "store: indirect share {share:?} (truth {true_share}), extra clicks {extra:?} (truth {true_extra})"
    );
    assert!(share.contains(true_share), "{true_share} not in {share:?}");
    assert!((share.estimate - true_share).abs() < 0.1, "{share:?}");
    assert!(extra.contains(true_extra), "{true_extra} not in {extra:?}");
    assert!(
        report.value_per_unit.contains(true_value),
        "{true_value} not in {:?}",
        report.value_per_unit
    );
}
