//! The trust benchmark's development rules beyond the segment (issue #11 item 6): risk-aware
//! choices of the recommended split over the posterior draws, tried on the development
//! families 1 and 2 only (`docs/trust.md`, "Rules beyond the segment"). The `risk_rule` rows
//! of `examples/trust.rs` run them with the settings of `TRUST_RISK`; none is the default.

use super::{Recommender, Sampled};
use mixplan_core::model::posterior::RecommendParams;
use mixplan_core::model::posterior::recommend::DEFAULT_CONFIDENCE;
use mixplan_core::optimize::SpendBounds;
use mixplan_core::response::HillResponse;
use serde_json::json;
use std::rc::Rc;

/// Development rules beyond the segment (issue #11 item 6, risk-aware choices): the
/// settings of one such rule, from `TRUST_RISK=key=value,…` for the `risk_rule` rows (any
/// subset of `lambda`, `alpha`, `segment`, `lock`, `best`, `confidence`) or fixed in a row.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RiskSettings {
    /// Weight of the uplift's CVaR in `E[U] + λ·CVaR_α(U)` (0: no penalised candidate).
    lambda: f64,
    /// Tail share of the CVaR.
    alpha: f64,
    /// `true`: move from the historical mix toward the penalised optimum only as far as
    /// `P(gain) ≥ confidence` (the adopted rule's step, on the new direction).
    segment: bool,
    /// `> 0`: lock at the historical spend every channel whose direction of move the
    /// posterior is less sure of than this (the share of draws whose marginal return at
    /// the historical mix is above, resp. below, the budget-weighted average marginal
    /// return), and re-optimise the mean curves with the others free.
    lock: f64,
    /// `true`: among the rule's candidates (the adopted rule and this one) keep the one with
    /// the highest expected uplift whose probability of gain is at least `confidence`.
    best: bool,
    /// The probability of gain a move needs.
    confidence: f64,
    /// `true`: instead of the largest supported step, the supported step `t` (a grid of
    /// 100, every `t` with `P(gain) ≥ confidence`) with the highest `E[U] + λ·tail_α(U)`.
    along: bool,
    /// `true`: the tail term is the `α` quantile of the uplift, not its CVaR.
    quantile: bool,
    /// `true` (with `along`): a full move with `P(gain) ≥ confidence` is taken as it is;
    /// only a partial move is chosen by `E[U] + λ·tail_α(U)`.
    partial_only: bool,
    /// `> 0`: a step is supported only if also its uplift's `α` quantile is at least
    /// `margin × E[U]` (a lower bound that keeps a share of the expected gain).
    margin: f64,
}

impl RiskSettings {
    const DEFAULT: Self = Self {
        lambda: 0.0,
        alpha: 0.1,
        segment: true,
        lock: 0.0,
        best: false,
        confidence: DEFAULT_CONFIDENCE,
        along: false,
        quantile: false,
        partial_only: false,
        margin: 0.0,
    };

    pub(crate) fn from_env() -> Result<Self, String> {
        let mut s = Self::DEFAULT;
        let Ok(spec) = std::env::var("TRUST_RISK") else {
            return Ok(s);
        };
        for pair in spec.split(',').filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or(format!("TRUST_RISK: `{pair}` is not key=value"))?;
            let v: f64 = value
                .parse()
                .map_err(|_| format!("TRUST_RISK: `{value}` is not a number"))?;
            match key {
                "lambda" => s.lambda = v,
                "alpha" => s.alpha = v,
                "segment" => s.segment = v > 0.0,
                "lock" => s.lock = v,
                "best" => s.best = v > 0.0,
                "confidence" => s.confidence = v,
                "along" => s.along = v > 0.0,
                "quantile" => s.quantile = v > 0.0,
                "partial_only" => s.partial_only = v > 0.0,
                "margin" => s.margin = v,
                other => return Err(format!("TRUST_RISK: unknown setting `{other}`")),
            }
        }
        Ok(s)
    }
}

/// The draws' uplifts over the historical mix `h`: `U_d(x) = Σ_c f_{d,c}(x_c) − f_{d,c}(h_c)`.
struct UpliftDraws<'a> {
    curves: &'a [Vec<HillResponse>],
    base: Vec<f64>,
}

impl<'a> UpliftDraws<'a> {
    fn new(curves: &'a [Vec<HillResponse>], historical: &[f64]) -> Self {
        let draws = curves.first().map_or(0, Vec::len);
        let mut base = vec![0.0; draws];
        for (channel, &x) in curves.iter().zip(historical) {
            for (b, f) in base.iter_mut().zip(channel) {
                *b += f.value(x);
            }
        }
        Self { curves, base }
    }

    fn uplifts(&self, x: &[f64]) -> Vec<f64> {
        let mut u: Vec<f64> = self.base.iter().map(|b| -b).collect();
        for (channel, &xc) in self.curves.iter().zip(x) {
            for (o, f) in u.iter_mut().zip(channel) {
                *o += f.value(xc);
            }
        }
        u
    }

    fn probability_of_gain(&self, x: &[f64]) -> f64 {
        let u = self.uplifts(x);
        u.iter().filter(|&&v| v > 0.0).count() as f64 / u.len() as f64
    }

    fn mean(&self, x: &[f64]) -> f64 {
        let u = self.uplifts(x);
        u.iter().sum::<f64>() / u.len() as f64
    }

    /// `E[U] + λ·CVaR_α(U)` at `x`, and the draws of its lower tail.
    fn objective(&self, x: &[f64], lambda: f64, alpha: f64) -> (f64, Vec<usize>) {
        let u = self.uplifts(x);
        let n = u.len();
        let mean = u.iter().sum::<f64>() / n as f64;
        let k = ((alpha * n as f64).ceil() as usize).clamp(1, n);
        let mut order: Vec<usize> = (0..n).collect();
        order.select_nth_unstable_by(k - 1, |&a, &b| u[a].total_cmp(&u[b]));
        let tail: Vec<usize> = order[..k].to_vec();
        let cvar = tail.iter().map(|&d| u[d]).sum::<f64>() / k as f64;
        (mean + lambda * cvar, tail)
    }

    /// `E[U] + λ·tail`, the tail being the `α` quantile (nearest rank) or CVaR of `U(x)`,
    /// and `P(gain)`.
    fn tail_objective(&self, x: &[f64], lambda: f64, alpha: f64, quantile: bool) -> (f64, f64) {
        let mut u = self.uplifts(x);
        let n = u.len();
        let p = u.iter().filter(|&&v| v > 0.0).count() as f64 / n as f64;
        let mean = u.iter().sum::<f64>() / n as f64;
        let k = ((alpha * n as f64).ceil() as usize).clamp(1, n);
        u.select_nth_unstable_by(k - 1, f64::total_cmp);
        let tail = if quantile {
            u[k - 1]
        } else {
            u[..k].iter().sum::<f64>() / k as f64
        };
        (mean + lambda * tail, p)
    }

    /// A supergradient of the objective at `x`, given its tail.
    fn gradient(&self, x: &[f64], lambda: f64, tail: &[usize]) -> Vec<f64> {
        self.curves
            .iter()
            .zip(x)
            .map(|(channel, &xc)| {
                let n = channel.len() as f64;
                let mean = channel.iter().map(|f| f.marginal(xc)).sum::<f64>() / n;
                let tail_mean =
                    tail.iter().map(|&d| channel[d].marginal(xc)).sum::<f64>() / tail.len() as f64;
                mean + lambda * tail_mean
            })
            .collect()
    }

    /// The largest `t ∈ [0, 1]` with `P(gain at h + t(target − h)) ≥ confidence` (the
    /// adopted rule's scan: 1, then 50 steps down, 20 bisections; below 0.05 → 0).
    fn largest_step(
        &self,
        h: &[f64],
        target: &[f64],
        confidence: f64,
        margin: f64,
        alpha: f64,
    ) -> f64 {
        let at =
            |t: f64| -> Vec<f64> { h.iter().zip(target).map(|(a, b)| a + t * (b - a)).collect() };
        let ok = |t: f64| {
            let x = at(t);
            if margin <= 0.0 {
                return self.probability_of_gain(&x) >= confidence;
            }
            let mut u = self.uplifts(&x);
            let n = u.len();
            let p = u.iter().filter(|&&v| v > 0.0).count() as f64 / n as f64;
            let mean = u.iter().sum::<f64>() / n as f64;
            let k = ((alpha * n as f64).ceil() as usize).clamp(1, n);
            u.select_nth_unstable_by(k - 1, f64::total_cmp);
            p >= confidence && u[k - 1] >= margin * mean
        };
        if ok(1.0) {
            return 1.0;
        }
        let grid = 50;
        for k in (1..grid).rev() {
            let mut lo = k as f64 / grid as f64;
            if ok(lo) {
                let mut hi = lo + 1.0 / grid as f64;
                for _ in 0..20 {
                    let mid = 0.5 * (lo + hi);
                    if ok(mid) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                return if lo >= 0.05 { lo } else { 0.0 };
            }
        }
        0.0
    }
}

/// Euclidean projection of `y` onto `{x ≥ 0, Σ x = budget}`.
fn project_simplex(y: &[f64], budget: f64) -> Vec<f64> {
    let mut sorted = y.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut cumulative = 0.0;
    let mut theta = 0.0;
    for (i, &v) in sorted.iter().enumerate() {
        cumulative += v;
        let t = (cumulative - budget) / (i + 1) as f64;
        if v - t > 0.0 {
            theta = t;
        }
    }
    y.iter().map(|&v| (v - theta).max(0.0)).collect()
}

/// Maximises `E[U] + λ·CVaR_α(U)` over the budget simplex from the best of `starts`: a
/// projected supergradient ascent with normalised steps (from 10 % of the budget), halved
/// whenever a step does not improve, until 1e-4 of the budget.
fn maximise_penalised(
    draws: &UpliftDraws<'_>,
    starts: &[Vec<f64>],
    budget: f64,
    lambda: f64,
    alpha: f64,
) -> Vec<f64> {
    let mut best = starts[0].clone();
    let mut best_value = f64::NEG_INFINITY;
    let mut best_tail = Vec::new();
    for s in starts {
        let (v, tail) = draws.objective(s, lambda, alpha);
        if v > best_value {
            (best, best_value, best_tail) = (s.clone(), v, tail);
        }
    }
    let mut step = 0.1 * budget;
    let mut iterations = 0;
    while step > 1e-4 * budget && iterations < 400 {
        iterations += 1;
        let g = draws.gradient(&best, lambda, &best_tail);
        let mean = g.iter().sum::<f64>() / g.len() as f64;
        let direction: Vec<f64> = g.iter().map(|v| v - mean).collect();
        let norm = direction.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm <= 0.0 || !norm.is_finite() {
            break;
        }
        let trial: Vec<f64> = best
            .iter()
            .zip(&direction)
            .map(|(x, d)| x + step * d / norm)
            .collect();
        let trial = project_simplex(&trial, budget);
        let (v, tail) = draws.objective(&trial, lambda, alpha);
        if v > best_value {
            (best, best_value, best_tail) = (trial, v, tail);
            step *= 1.2;
        } else {
            step *= 0.5;
        }
    }
    best
}

/// A risk-aware rule ([`RiskSettings`]) on the world's posterior.
pub(crate) fn risk_recommender(
    sample: Rc<Sampled>,
    settings: RiskSettings,
) -> Result<Recommender, String> {
    let rule = RecommendParams::new()
        .confidence(settings.confidence)
        .lower_bound_share(settings.margin)
        .check()
        .map_err(|e| e.to_string())?;
    Ok(Recommender {
        roi: Some(sample.roi_median.clone()),
        roi_interval: Some(sample.roi_interval.clone()),
        facts: sample.facts.clone(),
        recommend: Box::new(move |budget, historical| {
            let prepared = sample.prepared()?;
            let adopted = rule
                .recommend_prepared(&prepared, &sample.point_curves, historical, &[], budget)
                .map_err(|e| e.to_string())?;
            let draws = UpliftDraws::new(&sample.draws, historical);
            // The candidate: the mean curves' optimum, perhaps with unsure channels locked.
            let mut candidate = adopted.candidate.allocation.clone();
            let mut locked = 0;
            if settings.lock > 0.0 {
                let n = sample.draws[0].len();
                let mut above = vec![0usize; historical.len()];
                for d in 0..n {
                    let marginals: Vec<f64> = sample
                        .draws
                        .iter()
                        .zip(historical)
                        .map(|(c, &x)| c[d].marginal(x))
                        .collect();
                    let average = marginals
                        .iter()
                        .zip(historical)
                        .map(|(m, x)| m * x)
                        .sum::<f64>()
                        / budget;
                    for (a, m) in above.iter_mut().zip(&marginals) {
                        *a += usize::from(*m > average);
                    }
                }
                let bounds: Vec<SpendBounds> = historical
                    .iter()
                    .zip(&candidate)
                    .zip(&above)
                    .map(|((&h, &c), &a)| {
                        let p_up = a as f64 / n as f64;
                        let sure = if c > h { p_up } else { 1.0 - p_up };
                        if sure < settings.lock {
                            locked += 1;
                            SpendBounds::locked(h)
                        } else {
                            SpendBounds::FREE
                        }
                    })
                    .collect();
                if locked > 0 && locked < historical.len() {
                    let r = rule
                        .recommend_prepared(
                            &prepared,
                            &sample.point_curves,
                            historical,
                            &bounds,
                            budget,
                        )
                        .map_err(|e| e.to_string())?;
                    candidate = r.candidate.allocation;
                } else if locked == historical.len() {
                    candidate = historical.to_vec();
                }
            }
            if settings.lambda > 0.0 && !settings.along {
                let starts = vec![
                    historical.to_vec(),
                    candidate.clone(),
                    adopted.allocation.clone(),
                ];
                candidate =
                    maximise_penalised(&draws, &starts, budget, settings.lambda, settings.alpha);
            }
            let mut chosen = candidate.clone();
            let mut step = 1.0;
            let full_supported = settings.partial_only
                && draws.probability_of_gain(&candidate) >= settings.confidence;
            if settings.along && !full_supported {
                let mut best = (0.0, 0.0);
                for k in 1..=100 {
                    let t = k as f64 / 100.0;
                    let x: Vec<f64> = historical
                        .iter()
                        .zip(&candidate)
                        .map(|(a, b)| a + t * (b - a))
                        .collect();
                    let (v, p) = draws.tail_objective(
                        &x,
                        settings.lambda,
                        settings.alpha,
                        settings.quantile,
                    );
                    if p >= settings.confidence && v > best.1 {
                        best = (t, v);
                    }
                }
                step = if best.0 >= 0.05 { best.0 } else { 0.0 };
                chosen = historical
                    .iter()
                    .zip(&candidate)
                    .map(|(a, b)| a + step * (b - a))
                    .collect();
            } else if settings.segment {
                step = draws.largest_step(
                    historical,
                    &candidate,
                    settings.confidence,
                    settings.margin,
                    1.0 - settings.confidence,
                );
                chosen = historical
                    .iter()
                    .zip(&candidate)
                    .map(|(a, b)| a + step * (b - a))
                    .collect();
            }
            let mut source = "new";
            if settings.best {
                let p_new = draws.probability_of_gain(&chosen);
                let new_ok = p_new >= settings.confidence;
                if !new_ok || draws.mean(&adopted.allocation) > draws.mean(&chosen) {
                    chosen = adopted.allocation.clone();
                    source = "adopted";
                }
            }
            let note = json!({
                "step": step,
                "locked": locked,
                "source": source,
                "probability_of_gain": draws.probability_of_gain(&chosen),
                "expected_uplift": draws.mean(&chosen),
                "candidate": candidate,
            });
            Ok((chosen, note))
        }),
    })
}
