//! The simulated store: determinism, the weekly process holding exactly on the aggregates
//! (checked with an independent implementation of the formulas), realism targets from
//! issue #3, and the ground truth's optimal splits.

mod support;

use mixplan_core::data::prepare::aggregate_weekly;
use mixplan_core::data::raw::RawStore;
use mixplan_core::data::simulate::{
    SimulateError, SimulateParams, Simulation, TRUE_CHANNELS, TRUTH_BUDGETS, simulate,
};
use mixplan_core::data::truth::GroundTruth;
use mixplan_core::response::HillResponse;
use std::sync::OnceLock;
use support::by_hand::contributions_by_hand;

/// The default simulation (seed 42, 156 weeks), computed once for all tests.
fn default_sim() -> &'static Simulation {
    static SIM: OnceLock<Simulation> = OnceLock::new();
    SIM.get_or_init(|| simulate(&SimulateParams::default()).expect("default simulation"))
}

fn curves(truth: &GroundTruth) -> Vec<HillResponse> {
    truth
        .channels
        .iter()
        .map(|c| HillResponse::new(c.coefficient, c.half_saturation, c.shape).unwrap())
        .collect()
}

fn media(curves: &[HillResponse], split: &[f64]) -> f64 {
    curves.iter().zip(split).map(|(f, &x)| f.value(x)).sum()
}

#[test]
fn deterministic_for_a_seed() {
    let params = SimulateParams {
        weeks: 60,
        ..SimulateParams::default()
    };
    let a = simulate(&params).unwrap();
    let b = simulate(&params).unwrap();
    assert_eq!(a, b);
    let c = simulate(&SimulateParams { seed: 7, ..params }).unwrap();
    assert_ne!(a.raw.spend, c.raw.spend);
    assert_ne!(a.raw.sales, c.raw.sales);
}

#[test]
fn rejects_bad_parameters() {
    for weeks in [0, 19, 521] {
        let err = simulate(&SimulateParams {
            weeks,
            ..SimulateParams::default()
        })
        .unwrap_err();
        assert!(matches!(err, SimulateError::Weeks { .. }), "{err}");
        assert!(err.to_string().contains("between 20 and 520"));
    }
    let start = chrono::NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
    assert!(matches!(
        simulate(&SimulateParams {
            start,
            ..SimulateParams::default()
        })
        .unwrap_err(),
        SimulateError::Start(_)
    ));
}

#[test]
fn raw_records_are_daily_and_round_trip() {
    let sim = default_sim();
    assert_eq!(sim.raw.sales.len(), 156 * 7);
    assert_eq!(sim.raw.spend.len(), 156 * 7 * 5);
    let names: Vec<&str> = sim.raw.channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Paid Search", "Email", "Display", "Social", "Affiliate"]
    );
    let (files, truth_json) = sim.to_files().unwrap();
    assert_eq!(&RawStore::from_files(&files).unwrap(), &sim.raw);
    let truth: GroundTruth = serde_json::from_str(&truth_json).unwrap();
    assert_eq!(&truth, &sim.truth);
    // Email spend lands on send days only: some days have none, in weeks with spend.
    let email_zero_days = sim
        .raw
        .spend
        .iter()
        .filter(|s| s.channel == "Email" && s.spend_cents == 0)
        .count();
    assert!(email_zero_days > 156 * 3, "{email_zero_days}");
}

#[test]
fn weekly_aggregates_follow_the_weekly_model_exactly() {
    let sim = default_sim();
    let truth = &sim.truth;
    let agg = aggregate_weekly(&sim.raw).unwrap();
    assert_eq!(agg.weeks.len(), truth.weekly.len());
    let controls = agg.controls();
    for (c, ch) in truth.channels.iter().enumerate() {
        let x = agg.spend(c);
        let by_hand =
            contributions_by_hand(&x, ch.decay, ch.half_saturation, ch.shape, ch.coefficient);
        for (w, week) in truth.weekly.iter().enumerate() {
            let stated = week.contributions[&ch.id];
            assert!(
                (stated - by_hand[w]).abs() <= 0.0051,
                "{} week {w}: {stated} vs {}",
                ch.id,
                by_hand[w]
            );
        }
        let total: f64 = by_hand.iter().sum();
        assert!((total - ch.total_contribution).abs() < 0.01 * 156.0);
        assert!((ch.roi - total / x.iter().sum::<f64>()).abs() < 1e-4);
    }
    let revenue = agg.revenue();
    let mut noise_sq = 0.0;
    for (w, week) in truth.weekly.iter().enumerate() {
        // Observed weekly revenue = the truth's revenue, to the cent.
        assert_eq!((week.revenue * 100.0).round(), (revenue[w] * 100.0).round());
        // base and controls by hand.
        let t = w as f64;
        let x = 2.0 * std::f64::consts::PI * t / truth.base.period_weeks;
        let base = truth.base.intercept
            + truth.base.trend_per_week * t
            + truth
                .base
                .seasonality
                .iter()
                .map(|h| {
                    let k = f64::from(h.order);
                    h.sin * (k * x).sin() + h.cos * (k * x).cos()
                })
                .sum::<f64>();
        assert!((week.base - base).abs() <= 0.0051, "week {w}");
        let z: f64 = truth
            .controls
            .iter()
            .map(|c| {
                let series = controls.iter().find(|s| s.name == c.id).unwrap();
                c.coefficient * (series.values[w] - c.reference)
            })
            .sum();
        assert!((week.controls - z).abs() <= 0.0051, "week {w}");
        let sum = week.base + week.controls + week.contributions.values().sum::<f64>() + week.noise;
        assert!((sum - week.revenue).abs() < 0.02, "week {w}: {sum}");
        noise_sq += week.noise * week.noise;
    }
    // The realised noise has about the stated spread.
    let sd = (noise_sq / truth.weekly.len() as f64).sqrt();
    assert!(
        (0.8 * truth.noise_sd..1.2 * truth.noise_sd).contains(&sd),
        "{sd}"
    );
    // Realistic noise (issue #11): σ is 4.5 % of the mean noiseless revenue, and the
    // realised noise 4–5 % of the mean observed revenue.
    let noiseless: f64 = truth
        .weekly
        .iter()
        .map(|w| w.revenue - w.noise)
        .sum::<f64>()
        / truth.weekly.len() as f64;
    assert!(
        (truth.noise_sd / noiseless - 0.045).abs() < 1e-4,
        "σ {} of {noiseless}",
        truth.noise_sd
    );
    let mean_revenue = revenue.iter().sum::<f64>() / revenue.len() as f64;
    assert!(
        (0.04..=0.05).contains(&(sd / mean_revenue)),
        "noise {sd} of revenue {mean_revenue}"
    );
}

#[test]
fn realistic_scale_and_channel_economics() {
    let sim = default_sim();
    let truth = &sim.truth;
    let agg = aggregate_weekly(&sim.raw).unwrap();
    let n = agg.weeks.len();
    for w in 0..n {
        let total: f64 = (0..5).map(|c| agg.spend(c)[w]).sum();
        assert!((10_000.0..=100_000.0).contains(&total), "week {w}: {total}");
    }
    let rois: Vec<f64> = truth.channels.iter().map(|c| c.roi).collect();
    let min = rois.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = rois.iter().cloned().fold(0.0, f64::max);
    assert!(min < 1.0, "{rois:?}");
    assert!((4.0..=6.0).contains(&max), "{rois:?}");
    assert!(
        truth
            .channels
            .iter()
            .any(|c| c.saturation_at_mean_spend >= 0.7),
        "a channel near saturation"
    );
    assert!(
        truth
            .channels
            .iter()
            .any(|c| (0.7..=0.8).contains(&c.decay)),
        "a channel with long carryover"
    );
    // Revenue scale: a mid-size shop, media a third or so of revenue.
    let revenue: f64 = agg.revenue().iter().sum();
    let media_total: f64 = truth.channels.iter().map(|c| c.total_contribution).sum();
    assert!((0.2..0.5).contains(&(media_total / revenue)));
    assert_eq!(truth.channels.len(), TRUE_CHANNELS.len());
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(a), mean(b));
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// Realistic difficulty (issue #11): channels move together (pairwise correlations of
/// weekly spend up to about 0.6, none unrelated) and total spend follows the base revenue's
/// season, as real plans do; yet each channel's spend still varies widely relative to K
/// (down to nothing, up to well past K) and week to week. Prints the correlation table
/// (`--nocapture`); the same numbers are in docs/data.md.
#[test]
fn spend_moves_together_yet_varies() {
    let sim = default_sim();
    let agg = aggregate_weekly(&sim.raw).unwrap();
    let spend: Vec<Vec<f64>> = (0..5).map(|c| agg.spend(c)).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    for (c, ch) in TRUE_CHANNELS.iter().enumerate() {
        let x = &spend[c];
        let m = mean(x);
        let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
        let lo = x.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = x.iter().cloned().fold(0.0, f64::max);
        assert!(sd / m > 0.5, "{}: cv {}", ch.id, sd / m);
        assert!(hi >= 1.5 * ch.half_saturation, "{}: max {hi}", ch.id);
        assert!(lo <= 0.05 * ch.half_saturation, "{}: min {lo}", ch.id);
        // Week-to-week variation, not only slow regimes: the typical change from one week
        // to the next is a sizeable share of the channel's mean.
        let step = mean(
            &x.windows(2)
                .map(|w| (w[1] - w[0]).abs())
                .collect::<Vec<_>>(),
        );
        assert!(
            step / m > 0.3,
            "{}: mean weekly change {step} vs mean {m}",
            ch.id
        );
    }
    // The baseline's regressors, as the truth defines them on the week index.
    let controls = agg.controls();
    let period = sim.truth.base.period_weeks;
    let n = spend[0].len();
    let wave = |k: f64, sin: bool| -> Vec<f64> {
        (0..n)
            .map(|w| {
                let x = 2.0 * std::f64::consts::PI * k * w as f64 / period;
                if sin { x.sin() } else { x.cos() }
            })
            .collect()
    };
    let mut others: Vec<(String, Vec<f64>)> = TRUE_CHANNELS
        .iter()
        .zip(&spend)
        .map(|(c, x)| (c.id.to_string(), x.clone()))
        .collect();
    others.push(("trend".into(), (0..n).map(|w| w as f64).collect()));
    others.push(("sin1".into(), wave(1.0, true)));
    others.push(("cos1".into(), wave(1.0, false)));
    others.push(("sin2".into(), wave(2.0, true)));
    others.push(("cos2".into(), wave(2.0, false)));
    for c in &controls {
        others.push((c.name.clone(), c.values.clone()));
    }
    print!("{:12}", "r");
    for (name, _) in &others {
        print!(" {:>8.8}", name);
    }
    println!();
    let mut pairwise = Vec::new();
    for (i, ch) in TRUE_CHANNELS.iter().enumerate() {
        print!("{:12}", ch.id);
        for (j, (name, series)) in others.iter().enumerate() {
            let r = correlation(&spend[i], series);
            print!(" {r:8.2}");
            if j < TRUE_CHANNELS.len() && j > i {
                pairwise.push(r);
            }
            if j >= TRUE_CHANNELS.len() {
                // Spend follows the season, but no regressor of the baseline explains it.
                assert!(r.abs() < 0.5, "{} and {name}: r = {r}", ch.id);
            }
        }
        println!();
    }
    // Channels move together: every pair positively, the closest pair at about 0.5–0.6
    // (measured 0.53, median 0.31), but no pair so closely that the model cannot tell them
    // apart (the data-quality check flags 0.9).
    pairwise.sort_by(f64::total_cmp);
    let (min, max) = (pairwise[0], pairwise[pairwise.len() - 1]);
    let median = pairwise[pairwise.len() / 2];
    println!("pairwise correlation: min {min:.2}, median {median:.2}, max {max:.2}");
    assert!(min > 0.1, "every pair moves together: min {min}");
    assert!((0.45..=0.65).contains(&max), "max {max}");
    assert!((0.2..=0.45).contains(&median), "median {median}");
    // Total spend follows the base revenue's seasonal part (measured 0.25).
    let total: Vec<f64> = (0..n).map(|w| spend.iter().map(|x| x[w]).sum()).collect();
    let season: Vec<f64> = sim
        .truth
        .weekly
        .iter()
        .enumerate()
        .map(|(w, week)| {
            week.base - sim.truth.base.intercept - sim.truth.base.trend_per_week * w as f64
        })
        .collect();
    let r_season = correlation(&total, &season);
    assert!(
        r_season > 0.15,
        "total spend vs the base's season: {r_season}"
    );
    let price = &controls[0].values;
    let spread = price.iter().cloned().fold(0.0, f64::max)
        - price.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(spread >= 0.03, "price index spread {spread}");
    assert!(controls[1].values.iter().filter(|&&p| p > 0.0).count() >= 10);
    // Black Friday, Cyber Monday and Super Saturday weeks: 3 a year.
    assert_eq!(controls[2].values.iter().sum::<f64>(), 9.0);
}

#[test]
fn optimum_beats_historical_mix_by_ten_percent() {
    let truth = &default_sim().truth;
    let f = curves(truth);
    let ids: Vec<&str> = truth.channels.iter().map(|c| c.id.as_str()).collect();
    let hist: Vec<f64> = ids.iter().map(|id| truth.historical.split[*id]).collect();
    let best: Vec<f64> = ids
        .iter()
        .map(|id| truth.optimal_at_historical_budget.split[*id])
        .collect();
    let budget: f64 = hist.iter().sum();
    assert!((best.iter().sum::<f64>() - budget).abs() < 0.1);
    let uplift = (media(&f, &best) - media(&f, &hist)) / media(&f, &hist);
    assert!(uplift >= 0.10, "uplift {uplift}");
    assert!((uplift - truth.uplift_at_historical_budget).abs() < 1e-3);
    // Other seeds keep the property (the flighting, not luck, creates the gap).
    for seed in [1, 2] {
        let t = simulate(&SimulateParams {
            seed,
            ..SimulateParams::default()
        })
        .unwrap()
        .truth;
        assert!(t.uplift_at_historical_budget >= 0.10, "seed {seed}");
    }
}

#[test]
fn truth_lists_optimal_splits_at_each_budget() {
    let truth = &default_sim().truth;
    let f = curves(truth);
    assert_eq!(truth.optimal.len(), TRUTH_BUDGETS.len());
    let mut previous = 0.0;
    for (a, &b) in truth.optimal.iter().zip(&TRUTH_BUDGETS) {
        assert_eq!(a.budget, b);
        let split: Vec<f64> = truth.channels.iter().map(|c| a.split[&c.id]).collect();
        assert!((split.iter().sum::<f64>() - b).abs() < 0.1);
        assert!((media(&f, &split) - a.media_revenue).abs() < 0.1);
        assert!(a.media_revenue > previous, "more budget, more revenue");
        previous = a.media_revenue;
    }
}
