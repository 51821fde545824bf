//! The recommendation rule (`model::posterior::recommend`) and the exact optimum of
//! posterior-mean curves (`model::posterior::mean_curve`), on hand-made draws whose answer is
//! known.

use mixplan_core::model::posterior::{
    MeanResponse, PartialStep, PosteriorCurves, RecommendError, RecommendParams, Recommendation,
    SpendSupport, Verdict, feasible_current, optimize_mean_curves,
};
use mixplan_core::optimize::{ResponseCurve, SpendBounds, optimize};
use mixplan_core::response::HillResponse;

fn hill(beta: f64, k: f64, s: f64) -> HillResponse {
    HillResponse::new(beta, k, s).expect("valid test curve")
}

/// Two channels, 100 posterior draws: in the first `favour_a` draws channel A has the strong
/// curve (β 50,000) and B the weak one (β 10,000), in the others the reverse (both K 10,000,
/// s 1). Returns the draws per channel and the point estimate (A strong, B weak).
fn disagreeing_draws(favour_a: usize) -> (Vec<Vec<HillResponse>>, [HillResponse; 2]) {
    let strong = hill(50_000.0, 10_000.0, 1.0);
    let weak = hill(10_000.0, 10_000.0, 1.0);
    let a = (0..100)
        .map(|d| if d < favour_a { strong } else { weak })
        .collect();
    let b = (0..100)
        .map(|d| if d < favour_a { weak } else { strong })
        .collect();
    (vec![a, b], [strong, weak])
}

/// The recommendation of the rule `params` (checked) with no channel locked.
fn recommend(
    params: RecommendParams,
    curves: &[Vec<HillResponse>],
    point: &[HillResponse],
    current: &[f64],
    budget: f64,
) -> Recommendation {
    params
        .check()
        .unwrap()
        .recommend_from_draws(curves, point, current, &[], budget)
        .unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

/// When every draw is the same curve, the posterior is certain: the recommendation is the
/// exact optimum of those curves, in full, with probability of gain 1 and a zero-width
/// uplift interval at the true uplift.
#[test]
fn draws_that_agree_give_the_optimum() {
    let truth = [
        hill(40_000.0, 8_000.0, 1.0),
        hill(60_000.0, 15_000.0, 2.5),
        hill(20_000.0, 3_000.0, 0.7),
    ];
    let curves: Vec<Vec<HillResponse>> = truth.iter().map(|&f| vec![f; 40]).collect();
    let budget = 30_000.0;
    let current = [20_000.0, 5_000.0, 5_000.0];
    let rec = recommend(RecommendParams::new(), &curves, &truth, &current, budget);
    let optimum = optimize(&truth, &[], budget).unwrap();
    for (x, o) in rec.allocation.iter().zip(optimum.spend()) {
        assert!(
            close(*x, *o, 1e-6),
            "{:?} vs {:?}",
            rec.allocation,
            optimum.spend()
        );
    }
    assert_eq!(rec.verdict, Verdict::Optimum);
    assert_eq!(rec.step, 1.0);
    assert_eq!(rec.probability_of_gain, 1.0);
    assert!(rec.exact);
    let true_uplift = optimum.media_revenue()
        - truth
            .iter()
            .zip(current)
            .map(|(f, x)| f.value(x))
            .sum::<f64>();
    assert!(true_uplift > 100.0, "the current split must leave room");
    assert!(close(rec.expected_uplift, true_uplift, 1e-6));
    assert!(close(rec.uplift_interval.0, true_uplift, 1e-6));
    assert!(close(rec.uplift_interval.1, true_uplift, 1e-6));
    // The point optimum of the same curves is the same split.
    assert!(close(
        rec.point_optimum.expected_uplift,
        rec.expected_uplift,
        1e-9
    ));
}

/// Draws that disagree strongly about which channel is better: 60 % say channel A, 40 % say
/// channel B, so the posterior-mean optimum shifts toward A, but any move toward it gains
/// in only 60 % of the draws (below the default 95 %): the current split is kept and the
/// text says the data cannot tell.
#[test]
fn draws_that_disagree_keep_the_current_mix() {
    let (curves, point) = disagreeing_draws(60);
    let current = [10_000.0, 10_000.0];
    let rec = recommend(RecommendParams::new(), &curves, &point, &current, 20_000.0);
    assert!(
        rec.candidate.allocation[0] > 11_000.0,
        "{:?}",
        rec.candidate
    );
    assert!(close(rec.candidate.probability_of_gain, 0.6, 1e-12));
    assert_eq!(rec.verdict, Verdict::KeepCurrent);
    assert_eq!(rec.step, 0.0);
    assert_eq!(rec.allocation, current.to_vec());
    assert_eq!(rec.expected_uplift, 0.0);
    assert_eq!(rec.probability_of_gain, 0.0);
    assert!(
        rec.verdict_text.contains("cannot tell"),
        "{}",
        rec.verdict_text
    );
    // Prepared once, the same answer.
    let prepared = PosteriorCurves::from_draws(curves.clone()).unwrap();
    let again = RecommendParams::new()
        .check()
        .unwrap()
        .recommend_prepared(&prepared, &point, &current, &[], 20_000.0)
        .unwrap();
    assert_eq!(again, rec);
    // With a confidence below 0.6 the same posterior moves all the way.
    let bold = recommend(
        RecommendParams::new().confidence(0.55),
        &curves,
        &point,
        &current,
        20_000.0,
    );
    assert_eq!(bold.verdict, Verdict::Optimum);
    assert_eq!(bold.allocation, rec.candidate.allocation);
}

/// Probability of gain, expected uplift and interval computed by hand on four draws of two
/// linear-at-the-origin Hill curves (`f(x) = β x/(x + K)`).
#[test]
fn probability_of_gain_by_hand() {
    let k = 1_000.0;
    let betas = [
        (3_000.0, 1_000.0),
        (2_000.0, 2_000.0),
        (1_500.0, 2_500.0),
        (4_000.0, 500.0),
    ];
    let curves = vec![
        betas
            .iter()
            .map(|&(a, _)| hill(a, k, 1.0))
            .collect::<Vec<_>>(),
        betas
            .iter()
            .map(|&(_, b)| hill(b, k, 1.0))
            .collect::<Vec<_>>(),
    ];
    let point = [hill(2_625.0, k, 1.0), hill(1_500.0, k, 1.0)];
    let current = [500.0, 1_500.0];
    let rec = recommend(RecommendParams::new(), &curves, &point, &current, 2_000.0);
    let x = &rec.candidate.allocation;
    let f = |beta: f64, spend: f64| beta * spend / (spend + k);
    let uplifts: Vec<f64> = betas
        .iter()
        .map(|&(a, b)| f(a, x[0]) + f(b, x[1]) - f(a, current[0]) - f(b, current[1]))
        .collect();
    let gains = uplifts.iter().filter(|&&u| u > 0.0).count() as f64;
    assert!(gains > 0.0 && gains < 4.0, "a mixed case: {uplifts:?}");
    assert!(close(rec.candidate.probability_of_gain, gains / 4.0, 1e-12));
    let mean = uplifts.iter().sum::<f64>() / 4.0;
    assert!(close(rec.candidate.expected_uplift, mean, 1e-9));
    // 90 % interval of four values: the 5 % and 95 % quantiles, interpolated at positions
    // 0.15 and 2.85 of the sorted values.
    let mut sorted = uplifts.clone();
    sorted.sort_by(f64::total_cmp);
    let low = sorted[0] + 0.15 * (sorted[1] - sorted[0]);
    let high = sorted[2] + 0.85 * (sorted[3] - sorted[2]);
    assert!(close(rec.candidate.uplift_interval.0, low, 1e-9));
    assert!(close(rec.candidate.uplift_interval.1, high, 1e-9));
    // The candidate maximises the mean curve: its marginal returns are equal.
    let mean_a: f64 = betas.iter().map(|p| p.0).sum::<f64>() / 4.0;
    let mean_b: f64 = betas.iter().map(|p| p.1).sum::<f64>() / 4.0;
    let marginal = |beta: f64, x: f64| beta * k / (x + k).powi(2);
    assert!(close(marginal(mean_a, x[0]), marginal(mean_b, x[1]), 1e-6));
}

/// Two channels, 100 draws: every draw agrees that channel A is starved at the current split
/// (500 of 20,000), but 70 say it saturates late (β 30,000, K 20,000) and 30 early (β 4,000,
/// K 1,000); B is certain (β 20,000, K 10,000). Returns the draws, the point estimate (the
/// first draw) and the current split.
fn doubtful_size_of_move() -> (Vec<Vec<HillResponse>>, [HillResponse; 2], [f64; 2]) {
    let a: Vec<HillResponse> = (0..100)
        .map(|d| {
            if d < 70 {
                hill(30_000.0, 20_000.0, 1.0)
            } else {
                hill(4_000.0, 1_000.0, 1.0)
            }
        })
        .collect();
    let b = vec![hill(20_000.0, 10_000.0, 1.0); 100];
    let point = [a[0], b[0]];
    (vec![a, b], point, [500.0, 19_500.0])
}

/// Where the full move is doubtful but the direction is not, the rule moves part of the way:
/// every draw agrees channel A is starved at the current split, but they disagree about how
/// soon it saturates.
#[test]
fn doubtful_size_of_move_takes_a_partial_step() {
    let (curves, point, current) = doubtful_size_of_move();
    let rec = recommend(RecommendParams::new(), &curves, &point, &current, 20_000.0);
    assert!(
        rec.candidate.probability_of_gain < 0.8,
        "{:?}",
        rec.candidate
    );
    assert_eq!(rec.verdict, Verdict::PartialStep, "{}", rec.verdict_text);
    assert!(rec.step > 0.05 && rec.step < 1.0);
    assert!(rec.probability_of_gain >= 0.95);
    // At 95 % the recommended step's 90 % uplift interval lies above zero.
    assert!(rec.uplift_interval.0 >= 0.0, "{:?}", rec.uplift_interval);
    assert!(rec.expected_uplift > 0.0 && rec.expected_uplift < rec.candidate.expected_uplift);
    for ((x, c), o) in rec
        .allocation
        .iter()
        .zip(current)
        .zip(&rec.candidate.allocation)
    {
        assert!(close(*x, c + rec.step * (o - c), 1e-9));
    }
    // A slightly longer step than the one taken is not supported.
    assert!(rec.verdict_text.contains("of the way"));
}

/// The uplift's `q` quantile (nearest rank) at `split` over `current`, by hand.
fn uplift_quantile(curves: &[Vec<HillResponse>], current: &[f64], split: &[f64], q: f64) -> f64 {
    let draws = curves[0].len();
    let mut uplifts: Vec<f64> = (0..draws)
        .map(|d| {
            curves
                .iter()
                .enumerate()
                .map(|(c, draw)| draw[d].value(split[c]) - draw[d].value(current[c]))
                .sum()
        })
        .collect();
    uplifts.sort_by(f64::total_cmp);
    let rank = ((q * draws as f64).ceil() as usize).clamp(1, draws) - 1;
    uplifts[rank]
}

/// With `PartialStep::HighestLowerBound` a move the data do not support in full stops where
/// its uplift's 5 % quantile is highest, not at the edge where that quantile reaches zero:
/// a shorter step than the largest supported one, still supported, with a lower bound above
/// every other step of a fine scan of the segment; a move supported in full is unchanged.
#[test]
fn a_partial_move_can_stop_at_its_highest_lower_bound() {
    let (curves, point, current) = doubtful_size_of_move();
    let largest = recommend(RecommendParams::new(), &curves, &point, &current, 20_000.0);
    let safest = recommend(
        RecommendParams::new().partial_step(PartialStep::HighestLowerBound),
        &curves,
        &point,
        &current,
        20_000.0,
    );
    assert_eq!(largest.verdict, Verdict::PartialStep);
    assert_eq!(
        safest.verdict,
        Verdict::PartialStep,
        "{}",
        safest.verdict_text
    );
    assert!(
        safest.step > 0.05 && safest.step < largest.step,
        "{} vs {}",
        safest.step,
        largest.step
    );
    assert!(safest.probability_of_gain >= 0.95);
    assert_eq!(safest.candidate.allocation, largest.candidate.allocation);
    let at = |t: f64| -> Vec<f64> {
        current
            .iter()
            .zip(&safest.candidate.allocation)
            .map(|(c, o)| c + t * (o - c))
            .collect()
    };
    let best = uplift_quantile(&curves, &current, &safest.allocation, 0.05);
    assert!(best > 0.0);
    assert!(best > uplift_quantile(&curves, &current, &largest.allocation, 0.05));
    for k in 1..1000 {
        let t = k as f64 / 1000.0;
        let q = uplift_quantile(&curves, &current, &at(t), 0.05);
        assert!(
            q <= best * (1.0 + 1e-6),
            "t = {t}: {q} > {best} at {}",
            safest.step
        );
    }
    // Draws that agree: the move is supported in full either way.
    let truth = [hill(40_000.0, 8_000.0, 1.0), hill(60_000.0, 15_000.0, 2.5)];
    let agree: Vec<Vec<HillResponse>> = truth.iter().map(|&f| vec![f; 40]).collect();
    let full = recommend(
        RecommendParams::new().partial_step(PartialStep::HighestLowerBound),
        &agree,
        &truth,
        &[15_000.0, 5_000.0],
        20_000.0,
    );
    assert_eq!(full.verdict, Verdict::Optimum);
    assert_eq!(full.step, 1.0);
}

/// With `lower_bound_share(ρ)` a step is supported only while its uplift's 5 % quantile is at
/// least `ρ` times its expected uplift: the partial move stops before the largest step with
/// `P(gain) ≥ 0.95` (where that quantile is zero), at the edge where the quantile reaches
/// `ρ·E[U]`; a move the draws agree on is still taken in full; `ρ = 0.1` is the default
/// (`ρ = 0` the rule before it), the recommendation reports it, and the verdict says the
/// margin, not the odds, held the move back; a share outside `[0, 1)` is an error.
#[test]
fn a_margin_stops_a_partial_move_where_the_lower_bound_keeps_a_share_of_the_gain() {
    assert_eq!(
        mixplan_core::model::posterior::recommend::DEFAULT_LOWER_BOUND_SHARE,
        0.1
    );
    let (curves, point, current) = doubtful_size_of_move();
    let largest = recommend(
        RecommendParams::new().lower_bound_share(0.0),
        &curves,
        &point,
        &current,
        20_000.0,
    );
    let margin = recommend(
        RecommendParams::new().lower_bound_share(0.1),
        &curves,
        &point,
        &current,
        20_000.0,
    );
    let default = recommend(RecommendParams::new(), &curves, &point, &current, 20_000.0);
    assert_eq!(default, margin);
    assert_eq!(margin.lower_bound_share, 0.1);
    assert_eq!(largest.lower_bound_share, 0.0);
    assert_eq!(
        margin.verdict,
        Verdict::PartialStep,
        "{}",
        margin.verdict_text
    );
    assert_eq!(margin.candidate.allocation, largest.candidate.allocation);
    assert!(
        margin.step > 0.05 && margin.step < largest.step,
        "{} vs {}",
        margin.step,
        largest.step
    );
    assert!(margin.probability_of_gain >= 0.95);
    // The candidate's own odds: if they meet the confidence, the sentence blames the margin.
    if margin.candidate.probability_of_gain >= 0.95 {
        assert!(
            margin
                .verdict_text
                .contains("keeps less than 10 % of its expected gain"),
            "{}",
            margin.verdict_text
        );
    } else {
        assert!(
            margin.verdict_text.contains("only (below 95 %)"),
            "{}",
            margin.verdict_text
        );
    }
    let at = |t: f64| -> Vec<f64> {
        current
            .iter()
            .zip(&margin.candidate.allocation)
            .map(|(c, o)| c + t * (o - c))
            .collect()
    };
    let mean_uplift = |split: &[f64]| -> f64 {
        let draws = curves[0].len();
        (0..draws)
            .map(|d| {
                curves
                    .iter()
                    .enumerate()
                    .map(|(c, draw)| draw[d].value(split[c]) - draw[d].value(current[c]))
                    .sum::<f64>()
            })
            .sum::<f64>()
            / draws as f64
    };
    let bound = uplift_quantile(&curves, &current, &margin.allocation, 0.05);
    assert!(bound > 0.0);
    assert!(
        bound >= 0.1 * mean_uplift(&margin.allocation),
        "{bound} vs {}",
        mean_uplift(&margin.allocation)
    );
    assert!(close(
        margin.expected_uplift,
        mean_uplift(&margin.allocation),
        1e-9
    ));
    // A step 1 % of the way longer no longer keeps the margin.
    let longer = at(margin.step + 0.01);
    assert!(uplift_quantile(&curves, &current, &longer, 0.05) < 0.1 * mean_uplift(&longer));
    // Draws that agree: the move is supported in full with any margin below 1.
    let truth = [hill(40_000.0, 8_000.0, 1.0), hill(60_000.0, 15_000.0, 2.5)];
    let agree: Vec<Vec<HillResponse>> = truth.iter().map(|&f| vec![f; 40]).collect();
    let full = recommend(
        RecommendParams::new().lower_bound_share(0.5),
        &agree,
        &truth,
        &[15_000.0, 5_000.0],
        20_000.0,
    );
    assert_eq!(full.verdict, Verdict::Optimum);
    assert_eq!(full.step, 1.0);
    for bad in [-0.1, 1.0, f64::NAN] {
        assert!(matches!(
            RecommendParams::new().lower_bound_share(bad).check(),
            Err(RecommendError::InvalidLowerBoundShare(_))
        ));
    }
}

/// When the candidate's odds meet the confidence but the margin holds the move back, the
/// sentence says the margin did, not the odds. Built by widening the doubt of a minority of
/// draws (their channel-A curve saturates sooner) until such a case appears.
#[test]
fn a_move_held_back_by_the_margin_says_so() {
    let current = [500.0, 19_500.0];
    let b = vec![hill(20_000.0, 10_000.0, 1.0); 100];
    let mut found = 0;
    for minority in [6_usize, 8] {
        for (beta, k) in [6_500.0, 7_000.0, 7_500.0]
            .into_iter()
            .flat_map(|beta| [1_000.0, 1_500.0, 2_500.0, 3_000.0].map(|k| (beta, k)))
        {
            let a: Vec<HillResponse> = (0..100)
                .map(|d| {
                    if d < 100 - minority {
                        hill(30_000.0, 20_000.0, 1.0)
                    } else {
                        hill(beta, k, 1.0)
                    }
                })
                .collect();
            let point = [a[0], b[0]];
            let curves = vec![a, b.clone()];
            let rec = recommend(RecommendParams::new(), &curves, &point, &current, 20_000.0);
            if rec.candidate.probability_of_gain >= 0.95 && rec.verdict != Verdict::Optimum {
                found += 1;
                assert!(
                    rec.verdict_text
                        .contains("keeps less than 10 % of its expected gain")
                        && !rec.verdict_text.contains("only (below"),
                    "{}",
                    rec.verdict_text
                );
                let without = recommend(
                    RecommendParams::new().lower_bound_share(0.0),
                    &curves,
                    &point,
                    &current,
                    20_000.0,
                );
                assert_eq!(
                    without.verdict,
                    Verdict::Optimum,
                    "{}",
                    without.verdict_text
                );
            }
        }
    }
    assert!(found > 0, "no case where the margin alone held a move back");
}

/// The default confidence is 0.95: a move the draws favour 9 : 1 is not taken (it would be
/// at the previous default, 0.8), because one draw in ten says it loses at every step
/// toward it; the default asks that the 90 % uplift interval of the move lie above zero.
#[test]
fn the_default_needs_the_uplift_interval_above_zero() {
    assert_eq!(
        mixplan_core::model::posterior::recommend::DEFAULT_CONFIDENCE,
        0.95
    );
    let (curves, point) = disagreeing_draws(90);
    let current = [10_000.0, 10_000.0];
    let rec = recommend(RecommendParams::new(), &curves, &point, &current, 20_000.0);
    assert!(close(rec.candidate.probability_of_gain, 0.9, 1e-12));
    assert!(rec.candidate.uplift_interval.0 < 0.0, "{:?}", rec.candidate);
    assert_eq!(rec.verdict, Verdict::KeepCurrent, "{}", rec.verdict_text);
    assert_eq!(rec.allocation, current.to_vec());
    let previous = recommend(
        RecommendParams::new().confidence(0.8),
        &curves,
        &point,
        &current,
        20_000.0,
    );
    assert_eq!(previous.verdict, Verdict::Optimum);
    assert_eq!(previous.allocation, rec.candidate.allocation);
}

/// A mean curve that is concave, then convex, then concave (a concave draw dominates near 0,
/// a large S-shaped draw later): the piece-wise optimum is at least as good as a dense grid
/// over the two-channel simplex.
#[test]
fn mean_curve_optimum_beats_a_dense_grid() {
    let first = MeanResponse::new(vec![
        hill(2_000.0, 500.0, 0.6),
        hill(60_000.0, 8_000.0, 3.5),
    ])
    .unwrap();
    let second = MeanResponse::new(vec![hill(20_000.0, 4_000.0, 1.0)]).unwrap();
    assert_eq!(first.pieces().len(), 2, "{:?}", first.pieces());
    let curves = [first, second];
    for budget in [2_000.0, 6_000.0, 10_000.0, 20_000.0] {
        let best = optimize_mean_curves(&curves, &[], budget).unwrap();
        assert!(best.exact);
        let grid = (0..=20_000)
            .map(|i| {
                let x = budget * f64::from(i) / 20_000.0;
                curves[0].value(x) + curves[1].value(budget - x)
            })
            .fold(f64::NEG_INFINITY, f64::max);
        assert!(
            best.media_revenue >= grid - 1e-9 * grid,
            "budget {budget}: {} < grid {grid}",
            best.media_revenue
        );
        assert!(close(best.spend.iter().sum(), budget, 1e-10));
    }
}

/// Bad inputs are reported with what to fix, never a panic.
#[test]
fn bad_inputs_are_errors() {
    for bad in [0.0, 1.0, -0.2, f64::NAN] {
        assert!(matches!(
            RecommendParams::new().confidence(bad).check(),
            Err(RecommendError::InvalidConfidence(_))
        ));
    }
    let f = hill(1_000.0, 100.0, 1.0);
    let rule = RecommendParams::new().check().unwrap();
    let curves = vec![vec![f; 3], vec![f; 3]];
    let err = rule
        .recommend_from_draws(&curves, &[f, f], &[10.0, 10.0], &[], 100.0)
        .unwrap_err();
    assert!(matches!(err, RecommendError::CurrentOffBudget { .. }));
    assert!(err.to_string().contains("scale the current split"));
    let locked = [SpendBounds::locked(30.0), SpendBounds::FREE];
    let err = rule
        .recommend_from_draws(&curves, &[f, f], &[50.0, 50.0], &locked, 100.0)
        .unwrap_err();
    assert!(matches!(
        err,
        RecommendError::CurrentOutOfBounds { channel: 0, .. }
    ));
    assert!(matches!(
        rule.recommend_from_draws(&[vec![], vec![]], &[f, f], &[50.0, 50.0], &[], 100.0),
        Err(RecommendError::NoDraws)
    ));
    assert!(matches!(
        rule.recommend_from_draws(&curves, &[f], &[50.0, 50.0], &[], 100.0),
        Err(RecommendError::LengthMismatch { .. })
    ));
}

/// The current mix moved into the bounds keeps the budget, the locks and the shares of the
/// free channels.
#[test]
fn feasible_current_respects_locks_and_budget() {
    let mix = [100.0, 300.0, 600.0];
    let bounds = [
        SpendBounds::locked(500.0),
        SpendBounds::FREE,
        SpendBounds::at_most(400.0),
    ];
    let x = feasible_current(&mix, &bounds, 1_000.0).unwrap();
    assert!(close(x[0], 500.0, 1e-12));
    assert!(x[2] <= 400.0 + 1e-9);
    assert!(close(x.iter().sum(), 1_000.0, 1e-12), "{x:?}");
    // The two free channels keep their 1 : 2 shares of the 500 left.
    assert!(
        close(x[1], 500.0 / 3.0, 1e-9) && close(x[2], 1_000.0 / 3.0, 1e-9),
        "{x:?}"
    );
    let plain = feasible_current(&mix, &[], 2_000.0).unwrap();
    for (x, want) in plain.iter().zip([200.0, 600.0, 1_200.0]) {
        assert!(close(*x, want, 1e-12), "{plain:?}");
    }
    // Channel 2 capped at 100: the other channels take the rest in their shares.
    let capped = feasible_current(
        &mix,
        &[
            SpendBounds::FREE,
            SpendBounds::FREE,
            SpendBounds::at_most(100.0),
        ],
        1_000.0,
    )
    .unwrap();
    assert!(
        close(capped[2], 100.0, 1e-12) && close(capped[1], 3.0 * capped[0], 1e-9),
        "{capped:?}"
    );
    // A zero-mix channel gets money only once the others are full.
    let zero = feasible_current(
        &[100.0, 0.0],
        &[SpendBounds::at_most(300.0), SpendBounds::FREE],
        1_000.0,
    )
    .unwrap();
    assert!(
        close(zero[0], 300.0, 1e-12) && close(zero[1], 700.0, 1e-9),
        "{zero:?}"
    );
    assert!(feasible_current(&mix, &bounds, 100.0).is_err());
}

/// Within the data's spend range ([`SpendSupport`]): every draw agrees that channel A pays
/// far better, so without the range the rule moves almost everything to A; with it, A stops
/// at the highest weekly spend the data cover, the budget is still placed, the verdict says
/// why, and the point-estimate optimum (for comparison) is not held back.
#[test]
fn the_candidate_stays_within_the_spend_range_the_data_cover() {
    let a = hill(100_000.0, 20_000.0, 1.0);
    let b = hill(5_000.0, 20_000.0, 1.0);
    let curves = vec![vec![a; 20], vec![b; 20]];
    let current = [5_000.0, 15_000.0];
    // A was run between 2k and 8k a week, B between 10k and 20k.
    let weeks_a: Vec<f64> = (0..=60).map(|w| 2_000.0 + 100.0 * f64::from(w)).collect();
    let weeks_b: Vec<f64> = (0..=100).map(|w| 10_000.0 + 100.0 * f64::from(w)).collect();
    let support = SpendSupport::from_spends(&[weeks_a, weeks_b], (0.0, 1.0));
    let free = recommend(RecommendParams::new(), &curves, &[a, b], &current, 20_000.0);
    assert!(free.allocation[0] > 15_000.0, "{:?}", free.allocation);
    assert_eq!(free.support_bounds, None);
    let kept = recommend(
        RecommendParams::new().within_support(support),
        &curves,
        &[a, b],
        &current,
        20_000.0,
    );
    assert_eq!(kept.verdict, Verdict::Optimum);
    assert!(
        close(kept.allocation[0], 8_000.0, 1e-9),
        "{:?}",
        kept.allocation
    );
    assert!(
        close(kept.allocation[1], 12_000.0, 1e-9),
        "{:?}",
        kept.allocation
    );
    assert_eq!(
        kept.support_bounds,
        Some(vec![(2_000.0, 8_000.0), (10_000.0, 20_000.0)])
    );
    assert!(
        kept.verdict_text.contains("spend range the data cover"),
        "{}",
        kept.verdict_text
    );
    assert!(!free.verdict_text.contains("spend range the data cover"));
    assert_eq!(kept.point_optimum.allocation, free.point_optimum.allocation);
}

/// A current spend outside the data's range is allowed to stay, never to go farther.
#[test]
fn a_channel_beyond_the_range_may_stay_but_not_go_farther() {
    let a = hill(100_000.0, 20_000.0, 1.0);
    let b = hill(5_000.0, 20_000.0, 1.0);
    let curves = vec![vec![a; 10], vec![b; 10]];
    // Both were run at 4k–6k a week; the budget is now 30k, A already at 12k.
    let weeks: Vec<f64> = (0..=20).map(|w| 4_000.0 + 100.0 * f64::from(w)).collect();
    let support = SpendSupport::from_spends(&[weeks.clone(), weeks], (0.0, 1.0));
    let rec = recommend(
        RecommendParams::new().within_support(support),
        &curves,
        &[a, b],
        &[12_000.0, 18_000.0],
        30_000.0,
    );
    // A may not go above 12k, B not below 4k; the only move that gains is none, since
    // B's cut would have to go to A.
    assert!(rec.allocation[0] <= 12_000.0 + 1e-6, "{:?}", rec.allocation);
    assert!(close(rec.allocation.iter().sum(), 30_000.0, 1e-12));
    assert_eq!(rec.support_bounds.as_ref().unwrap()[0], (4_000.0, 12_000.0));
}

proptest::proptest! {
    /// Whatever the draws, the support and the budget, the recommendation places the budget
    /// and never leaves the bounds it reports (the data's range widened to the current split).
    #[test]
    fn the_recommendation_never_leaves_its_bounds(
        betas in proptest::collection::vec((500.0f64..50_000.0, 500.0f64..50_000.0, 500.0f64..50_000.0), 5..20),
        shares in (0.05f64..1.0, 0.05f64..1.0, 0.05f64..1.0),
        ranges in proptest::collection::vec((0.0f64..10_000.0, 0.0f64..20_000.0), 3),
        budget in 1_000.0f64..40_000.0,
        confidence in 0.5f64..0.95,
    ) {
        let curves: Vec<Vec<HillResponse>> = (0..3)
            .map(|c| betas.iter().map(|t| {
                let beta = [t.0, t.1, t.2][c];
                hill(beta, 5_000.0 + 1_000.0 * c as f64, 1.0 + 0.5 * c as f64)
            }).collect())
            .collect();
        let point: Vec<HillResponse> = curves.iter().map(|c| c[0]).collect();
        let total = shares.0 + shares.1 + shares.2;
        let current = [budget * shares.0 / total, budget * shares.1 / total, budget * shares.2 / total];
        let spends: Vec<Vec<f64>> = ranges.iter().map(|&(a, w)| vec![a, a + w]).collect();
        let rec = recommend(RecommendParams::new().confidence(confidence).within_support(SpendSupport::from_spends(&spends,(0.0,1.0))), &curves, &point, &current, budget);
        let bounds = rec.support_bounds.clone().unwrap();
        for (c, (&x, &(low, high))) in rec.allocation.iter().zip(&bounds).enumerate() {
            let slack = 1e-9 * budget;
            proptest::prop_assert!(x >= low - slack && x <= high + slack, "channel {c}: {x} not in [{low}, {high}]");
            proptest::prop_assert!(current[c] >= low - slack && current[c] <= high + slack);
        }
        proptest::prop_assert!(close(rec.allocation.iter().sum(), budget, 1e-9));
        proptest::prop_assert!(rec.step == 0.0 || rec.probability_of_gain >= confidence);
    }
}

/// Settings saved before the margin existed read back with the default margin.
#[test]
fn settings_without_a_margin_read_back_with_the_default() {
    let saved = serde_json::json!({
        "confidence": 0.9,
        "interval_level": 0.9,
        "support": null,
    });
    let params: RecommendParams = serde_json::from_value(saved).expect("old settings");
    assert_eq!(
        params,
        RecommendParams::new()
            .confidence(0.9)
            .lower_bound_share(0.1)
    );
}
