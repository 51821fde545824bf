//! The trust benchmark's time-stability veto (development; issue #11 item 6): information the
//! posterior does not use — whether the rule's move also gains under point fits on different
//! stretches of the weeks.
//!
//! For each world the default point model (`ModelParams::default()`, the search of the
//! point-estimate row) is fitted on `K` overlapping sub-periods of the weeks, each
//! `⌈share · n⌉` weeks long (default share 2/3: at least 70 of the family's 104 … 260 weeks,
//! more than a year, so the yearly Fourier terms and the holiday flag are seen at least once
//! in full in every window):
//!
//! ```text
//! K = 2   the first and the last ⌈2n/3⌉ weeks (they share the middle third)
//! K = 3   the same and the middle ⌈2n/3⌉ weeks (from ⌊(n − w)/2⌋)
//! ```
//!
//! The rule ([`RecommendParams`], default confidence, optionally the margin
//! `lower_bound_share`) gives the candidate `x*` and searches the segment `h → x*`. The veto
//! searches the same segment in the same way (`t = 1`, then the grid `k/50` from the top, 20
//! bisections, below `MIN_STEP` keep the mix) for the largest `t` that the rule supports AND
//! at which sub-fit `j`'s steady-state curves `g_j` predict
//!
//! ```text
//! U_j(t) = Σ_c g_{j,c}(x_c(t)) − g_{j,c}(h_c)  ≥  margin · E[U(x(t))]      (margin 0: a gain)
//! ```
//!
//! for every voting sub-fit but at most `dissent` of them. Where the rule's own step already
//! passes, it is kept as it is (the veto only shrinks). A sub-fit that fails (too few
//! weeks, a constant channel in its window, …) does not vote: the veto uses the others, and
//! with none left it is the rule itself. With `posterior=1` each sub-period's default
//! posterior votes by its posterior-mean uplift instead (seconds per window; kept in
//! `TRUST_STABILITY_CACHE=DIR` if set). Settings from `TRUST_STABILITY=windows=2|3,\
//! dissent=N,margin=M,share=S,posterior=0|1` (default: [`StabilitySettings::DEFAULT`]); the
//! `stability_rule*` rows of `examples/trust.rs` run it and run only when `TRUST_ROWS` names
//! them.

use super::{Recommender, Sampled};
use mixplan_core::data::{Series, WeeklyData};
use mixplan_core::model::ModelParams;
use mixplan_core::model::posterior::recommend::{
    DEFAULT_CONFIDENCE, MIN_STEP, STEP_BISECTIONS, STEP_GRID,
};
use mixplan_core::model::posterior::{PosteriorModel, PriorParams, RecommendParams, SamplerParams};
use mixplan_core::response::HillResponse;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;

/// The settings of the veto.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct StabilitySettings {
    /// Sub-periods `K`: 2 (first, last) or 3 (first, middle, last).
    windows: usize,
    /// Length of each sub-period, share of the weeks.
    share: f64,
    /// How many voting sub-fits may predict less than the threshold (0: every one must agree).
    dissent: usize,
    /// A sub-fit's uplift must be at least `margin · E[U]` (the posterior's expected uplift
    /// at the same step); 0: at least zero.
    margin: f64,
    /// `true`: each sub-period's default posterior (default priors and sampler, seconds per
    /// window) judges by its posterior-mean uplift instead of the point fit's curves.
    posterior: bool,
}

impl StabilitySettings {
    /// Variant A, the first fixed before any run: the first and last 2/3 of the weeks, both
    /// must predict a gain. On the development families 1 and 2 no variant (A; B = three
    /// windows, one may dissent; C = A with a margin of 0.1·E[U]; D = A with sub-period
    /// posteriors) caught any of the rule's losing world-budgets, so none is proposed.
    pub(crate) const DEFAULT: Self = Self {
        windows: 2,
        share: 2.0 / 3.0,
        dissent: 0,
        margin: 0.0,
        posterior: false,
    };

    /// The settings of `TRUST_STABILITY=windows=…,share=…,dissent=…,margin=…` (any subset)
    /// on top of [`Self::DEFAULT`].
    pub(crate) fn from_env() -> Result<Self, String> {
        let mut s = Self::DEFAULT;
        let Ok(spec) = std::env::var("TRUST_STABILITY") else {
            return Ok(s);
        };
        for pair in spec.split(',').filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or(format!("TRUST_STABILITY: `{pair}` is not key=value"))?;
            let v: f64 = value
                .parse()
                .map_err(|_| format!("TRUST_STABILITY: `{value}` is not a number"))?;
            match key {
                "windows" => s.windows = v as usize,
                "share" => s.share = v,
                "dissent" => s.dissent = v as usize,
                "margin" => s.margin = v,
                "posterior" => s.posterior = v > 0.0,
                other => return Err(format!("TRUST_STABILITY: unknown setting `{other}`")),
            }
        }
        if !(2..=3).contains(&s.windows) {
            return Err("TRUST_STABILITY: windows must be 2 or 3".into());
        }
        if !(s.share > 0.0 && s.share <= 1.0) {
            return Err("TRUST_STABILITY: share must be in (0, 1]".into());
        }
        Ok(s)
    }
}

/// The weeks `[start, start + len)` of `data` (the metrics are not carried).
fn window(data: &WeeklyData, start: usize, len: usize) -> Result<WeeklyData, String> {
    let cut = |s: &Series| Series {
        name: s.name.clone(),
        values: s.values[start..start + len].to_vec(),
    };
    WeeklyData::new(
        data.weeks()[start..start + len].to_vec(),
        data.target_name().to_string(),
        data.target()[start..start + len].to_vec(),
        data.channels().iter().map(cut).collect(),
        data.controls().iter().map(cut).collect(),
    )
    .map_err(|e| e.to_string())
}

/// The sub-periods' `(first week, weeks)`.
fn windows(n: usize, settings: StabilitySettings) -> Vec<(usize, usize)> {
    let len = ((settings.share * n as f64).ceil() as usize).clamp(1, n);
    let mut w = vec![(0, len), (n - len, len)];
    if settings.windows == 3 {
        w.insert(1, ((n - len) / 2, len));
    }
    w
}

/// One sub-fit: its window and its curves `curves[c][d]` (one draw for a point fit; `None`:
/// the fit failed and does not vote).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SubFit {
    first_week: usize,
    weeks: usize,
    curves: Option<Vec<Vec<HillResponse>>>,
    error: Option<String>,
}

/// Sub-fits kept per `(family seed, world, windows, share, posterior)`, so the rows share
/// them.
type SubFitCache = Vec<((u64, usize, usize, u64, bool), Rc<Vec<SubFit>>)>;

thread_local! {
    static SUB_FITS: RefCell<SubFitCache> = const { RefCell::new(Vec::new()) };
}

/// The default point model fitted on each sub-period of `data` (cached per world).
pub(crate) fn sub_fits(
    family_seed: u64,
    world: usize,
    data: &WeeklyData,
    settings: StabilitySettings,
) -> Rc<Vec<SubFit>> {
    let key = (
        family_seed,
        world,
        settings.windows,
        settings.share.to_bits(),
        settings.posterior,
    );
    if let Some(found) = SUB_FITS.with(|s| {
        s.borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| Rc::clone(v))
    }) {
        return found;
    }
    let fits: Vec<SubFit> = windows(data.len(), settings)
        .into_iter()
        .map(|(first_week, weeks)| {
            // `TRUST_STABILITY_CACHE=DIR` keeps the sub-period posteriors between runs.
            let file = std::env::var("TRUST_STABILITY_CACHE").ok().map(|dir| {
                std::path::PathBuf::from(dir).join(format!(
                    "seed{family_seed}-world{world}-{first_week}+{weeks}-{}.json",
                    if settings.posterior {
                        "posterior"
                    } else {
                        "point"
                    }
                ))
            });
            if let Some(found) = file
                .as_ref()
                .and_then(|f| std::fs::read_to_string(f).ok())
                .and_then(|t| serde_json::from_str::<SubFit>(&t).ok())
            {
                return found;
            }
            let fitted = window(data, first_week, weeks).and_then(|d| {
                let model = ModelParams::default()
                    .check()
                    .map_err(|e| e.to_string())?
                    .fit(&d, |_, _| {})
                    .map_err(|e| e.to_string())?;
                if !settings.posterior {
                    return Ok(model.responses().into_iter().map(|c| vec![c]).collect());
                }
                let priors = PriorParams::default().check().map_err(|e| e.to_string())?;
                let posterior_model =
                    PosteriorModel::new(&d, &model, &priors).map_err(|e| e.to_string())?;
                let posterior = SamplerParams::new()
                    .check()
                    .map_err(|e| e.to_string())?
                    .sample(posterior_model, |_, _| {})
                    .map_err(|e| e.to_string())?;
                Ok(posterior
                    .channels()
                    .iter()
                    .map(|c| c.responses.clone())
                    .collect::<Vec<_>>())
            });
            let fit = match fitted {
                Ok(curves) => SubFit {
                    first_week,
                    weeks,
                    curves: Some(curves),
                    error: None,
                },
                Err(e) => SubFit {
                    first_week,
                    weeks,
                    curves: None,
                    error: Some(e),
                },
            };
            if let (Some(f), Ok(text)) = (&file, serde_json::to_string(&fit)) {
                if let Some(dir) = f.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                let _ = std::fs::write(f, text);
            }
            fit
        })
        .collect();
    let fits = Rc::new(fits);
    SUB_FITS.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|((seed, index, _, _, _), _)| *seed == family_seed && *index == world);
        s.push((key, Rc::clone(&fits)));
    });
    fits
}

/// `U(x) = Σ_c g_c(x_c) − g_c(h_c)` under a sub-fit's curves `curves[c][d]`, averaged over
/// its draws (one for a point fit): the uplift under its (posterior-mean) curves.
fn uplift(curves: &[Vec<HillResponse>], x: &[f64], h: &[f64]) -> f64 {
    curves
        .iter()
        .zip(x.iter().zip(h))
        .map(|(g, (&a, &b))| {
            g.iter().map(|f| f.value(a) - f.value(b)).sum::<f64>() / g.len().max(1) as f64
        })
        .sum()
}

/// The rule with the time-stability veto on the world's posterior `sample`; the rule's
/// margin is `lower_bound_share` (0: the adopted rule).
pub(crate) fn stability_recommender(
    sample: Rc<Sampled>,
    fits: Rc<Vec<SubFit>>,
    settings: StabilitySettings,
    lower_bound_share: f64,
) -> Result<Recommender, String> {
    let rule = RecommendParams::new()
        .lower_bound_share(lower_bound_share)
        .check()
        .map_err(|e| e.to_string())?;
    let level = DEFAULT_CONFIDENCE;
    Ok(Recommender {
        roi: Some(sample.roi_median.clone()),
        roi_interval: Some(sample.roi_interval.clone()),
        facts: sample.facts.clone(),
        recommend: Box::new(move |budget, historical| {
            let prepared = sample.prepared()?;
            let adopted = rule
                .recommend_prepared(&prepared, &sample.point_curves, historical, &[], budget)
                .map_err(|e| e.to_string())?;
            let candidate = adopted.candidate.allocation.clone();
            let draws = &sample.draws;
            let n_draws = draws.first().map_or(0, Vec::len);
            let mut base = vec![0.0; n_draws];
            for (channel, &x) in draws.iter().zip(historical) {
                for (b, f) in base.iter_mut().zip(channel) {
                    *b += f.value(x);
                }
            }
            let at = |t: f64| -> Vec<f64> {
                historical
                    .iter()
                    .zip(&candidate)
                    .map(|(a, b)| a + t * (b - a))
                    .collect()
            };
            // The draws' uplifts at x: P(gain), mean, and the (1 − P) quantile (nearest rank).
            let summary = |x: &[f64]| -> (f64, f64, f64) {
                let mut u: Vec<f64> = base.iter().map(|b| -b).collect();
                for (channel, &xc) in draws.iter().zip(x) {
                    for (o, f) in u.iter_mut().zip(channel) {
                        *o += f.value(xc);
                    }
                }
                let n = u.len();
                let p = u.iter().filter(|&&v| v > 0.0).count() as f64 / n as f64;
                let mean = u.iter().sum::<f64>() / n as f64;
                let rank = (((1.0 - level) * n as f64).ceil() as usize).clamp(1, n) - 1;
                let q = *u.select_nth_unstable_by(rank, f64::total_cmp).1;
                (p, mean, q)
            };
            let rule_ok = |p: f64, mean: f64, q: f64| {
                p >= level && (lower_bound_share <= 0.0 || q >= lower_bound_share * mean)
            };
            let voting: Vec<&Vec<Vec<HillResponse>>> =
                fits.iter().filter_map(|f| f.curves.as_ref()).collect();
            let dissenters = |x: &[f64], mean: f64| {
                voting
                    .iter()
                    .filter(|g| uplift(g, x, historical) < settings.margin * mean)
                    .count()
            };
            // The same search as the rule's (`t = 1`, grid from the top, bisections).
            let search = |with_veto: bool| -> f64 {
                let ok = |t: f64| {
                    let x = at(t);
                    let (p, mean, q) = summary(&x);
                    rule_ok(p, mean, q) && (!with_veto || dissenters(&x, mean) <= settings.dissent)
                };
                let step = if ok(1.0) {
                    1.0
                } else {
                    let mut found = None;
                    for k in (1..STEP_GRID).rev() {
                        let t = k as f64 / STEP_GRID as f64;
                        if ok(t) {
                            found = Some(t);
                            break;
                        }
                    }
                    match found {
                        Some(mut lo) => {
                            let mut hi = lo + 1.0 / STEP_GRID as f64;
                            for _ in 0..STEP_BISECTIONS {
                                let mid = 0.5 * (lo + hi);
                                if ok(mid) {
                                    lo = mid;
                                } else {
                                    hi = mid;
                                }
                            }
                            lo
                        }
                        None => 0.0,
                    }
                };
                if step >= MIN_STEP { step } else { 0.0 }
            };
            // Only searched again where the veto binds: at the rule's own step.
            let rule_x = at(adopted.step);
            let rule_mean = adopted.expected_uplift;
            let binds = adopted.step > 0.0 && dissenters(&rule_x, rule_mean) > settings.dissent;
            let step = if binds { search(true) } else { adopted.step };
            let chosen = if step > 0.0 {
                at(step)
            } else {
                historical.to_vec()
            };
            let (p, mean, _) = summary(&chosen);
            let note = json!({
                "rule_step": adopted.step,
                "step": step,
                "vetoed": binds,
                "rule_verdict": adopted.verdict,
                "probability_of_gain": p,
                "expected_uplift": mean,
                "rule_expected_uplift": rule_mean,
                "sub_fit_uplift_at_rule_step": fits
                    .iter()
                    .map(|f| f.curves.as_ref().map(|g| uplift(g, &rule_x, historical)))
                    .collect::<Vec<_>>(),
                "sub_fit_uplift_at_step": fits
                    .iter()
                    .map(|f| f.curves.as_ref().map(|g| uplift(g, &chosen, historical)))
                    .collect::<Vec<_>>(),
                "sub_fit_windows": fits
                    .iter()
                    .map(|f| (f.first_week, f.weeks))
                    .collect::<Vec<_>>(),
                "sub_fit_errors": fits.iter().map(|f| f.error.clone()).collect::<Vec<_>>(),
                "voting": voting.len(),
                // Without the veto the same search must give the rule's step (a check).
                "replica_step": if binds { Some(search(false)) } else { None },
            });
            Ok((chosen, note))
        }),
    })
}
