//! The recommendation rule (issue #11, item 3): a split that maximises posterior expected
//! revenue, moved only as far from the current split as the data support.
//!
//! # The rule
//!
//! Given posterior draws `d = 1 … D` of every channel's steady-state curve `f_{d,c}`, the
//! current split `x⁰` (summing to the budget `B`), the bounds and a confidence level `P`:
//!
//! 1. **Candidate** `x*` = argmax `Σ_c f̄_c(x_c)` s.t. `Σ x = B`, bounds, where
//!    `f̄_c = (1/D) Σ_d f_{d,c}` is the posterior-mean curve: this maximises the posterior
//!    expected revenue `E[Σ_c f_c(x_c)]`, and the problem stays separable, so the exact
//!    optimiser applies ([`super::mean_curve`]).
//! 2. **Uplift per draw** of a split `x` over `x⁰`: `u_d(x) = Σ_c f_{d,c}(x_c) − f_{d,c}(x⁰_c)`.
//!    From the `u_d`: the expected uplift (their mean), its equal-tailed interval at
//!    `interval_level` (default 90 %), and the **probability of gain**
//!    `P(gain) = #{d : u_d(x) > 0} / D`.
//! 3. **Step.** Along the segment `x(t) = x⁰ + t (x* − x⁰)`, `t ∈ [0, 1]` (every point is
//!    feasible: the bounds are a box and the budget a plane, both convex), take the largest
//!    `t` with `P(gain at x(t)) ≥ P`: first `t = 1`; otherwise a scan of
//!    [`STEP_GRID`] steps downwards, refined by [`STEP_BISECTIONS`] bisections between the
//!    last grid step that meets `P` and the one above it. If no `t ≥` [`MIN_STEP`] meets `P`,
//!    keep `x⁰` and say that the data cannot tell.
//!
//! Why the segment: the expected revenue `Σ f̄_c` is concave along it wherever the curves
//! are (it rises from `x⁰` to `x*`), so the largest supported step is also the supported
//! step with the largest expected gain; and a partial move keeps the direction the whole
//! posterior prefers, rather than re-optimising against a different objective. A move
//! shorter than [`MIN_STEP`] of the way is too small to act on, and is reported as "keep".
//!
//! # Default confidence 0.95: the 90 % uplift interval above zero
//!
//! A move is recommended only as far as at least 95 % of the draws gain, which is, in
//! effect, as far as the lower end of its 90 % uplift interval stays above zero (the
//! interval's 5 % quantile ≥ 0) — a bet the model gives 19 : 1 odds. The previous default,
//! 0.8 (4 : 1 odds), was chosen a priori; the trust benchmark (`docs/trust.md`) showed the
//! posterior's probability of gain is over-confident on realistic data: on the development
//! family (seed 1, 20 worlds × 3 budgets) the moves it made were stated to gain with
//! probability 0.956 on average and truly gained in 88 %, because the uplift depends on the
//! curves' shapes away from the historical spends, which the data pin down less than the
//! posterior says (few of those runs meet every convergence threshold). Asking for 0.95
//! absorbs that gap. On the development worlds it kept the median capture (the posterior
//! is sure of most good moves) and removed nearly all losses; 0.9, a per-chain check and
//! bounds on the spend range the data cover ([`super::support`]) were tried there too and
//! did less (`docs/posterior.md`). The step rule makes the cost of a wrong bet small: where
//! the odds are poor it moves only part of the way.
//!
//! # Default margin 0.1: the plausible worst outcome keeps a tenth of the expected gain
//!
//! A step `t` is supported only if, besides `P(gain) ≥ P`, the `(1 − P)` quantile of its
//! uplift `q_{1−P}(u(x(t)))` (the lower end of the 90 % uplift interval at the default `P`) is
//! at least `ρ·E[u(x(t))]`, `ρ =` [`DEFAULT_LOWER_BOUND_SHARE`] (`ρ = 0` is the previous
//! rule). Chosen on the trust benchmark's development families as the knee of the trade
//! between losing moves and median capture (losing world-budgets 6 → 2, and 8 → 4 with lift
//! tests, medians down by up to 0.07), then run once on each of the two evaluation families
//! (world-budgets losing money 20 → 12 over four rows, medians within ±0.04) and adopted on
//! that evidence; a third family, never run before, was kept to test the adopted rule
//! (`docs/trust.md`).
//!
//! The **point-estimate optimum** (the optimum of one fitted model's curves) is judged by the
//! same posterior ([`Recommendation::point_optimum`]) for comparison.

use super::draws::{Posterior, equal_tailed_interval};
use super::log_revenue_optimum::{
    LogRevenueDraw, LogRevenueOptimumError, MinoriseMaximise, optimize_log_revenue_mean,
};
use super::mean_curve::{MeanResponse, optimize_mean_curves};
use super::support::SpendSupport;
use crate::optimize::{OptimizeError, SpendBounds, optimize};
use crate::response::HillResponse;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Default confidence level `P` (see the module docs).
pub const DEFAULT_CONFIDENCE: f64 = 0.95;
/// Default level of the uplift interval.
pub const DEFAULT_INTERVAL_LEVEL: f64 = 0.9;
/// Default margin `ρ` on a step: its uplift's `(1 − P)` quantile must be at least `ρ` times
/// its expected uplift (see the module docs; 0 is the rule without a margin).
pub const DEFAULT_LOWER_BOUND_SHARE: f64 = 0.1;
/// Steps of the downward scan of `t`.
pub const STEP_GRID: usize = 50;
/// Bisections refining the supported step.
pub const STEP_BISECTIONS: usize = 20;
/// The smallest step worth recommending; below it the current split is kept.
pub const MIN_STEP: f64 = 0.05;
/// Added to the verdict when the data's spend range held a channel back.
pub const SUPPORT_NOTE: &str = " Kept within the spend range the data cover: the model \
     cannot tell what a channel earns far beyond the weekly spends it has seen.";
/// Relative tolerance on `Σ current = budget`.
const BUDGET_TOLERANCE: f64 = 1e-6;

/// What can be wrong with the inputs of the recommendation rule.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RecommendError {
    /// The confidence level is not in `(0, 1)`.
    #[error(
        "the confidence level must be between 0 and 1 (exclusive), got {0}; use e.g. 0.95 for \
         a move the model gives 19 : 1 odds"
    )]
    InvalidConfidence(f64),
    /// The interval level is not in `(0, 1)`.
    #[error("the interval level must be between 0 and 1 (exclusive), got {0}; use e.g. 0.9")]
    InvalidIntervalLevel(f64),
    /// The lower-bound share is not in `[0, 1)`.
    #[error(
        "the share of the expected uplift the lower bound must keep must be in [0, 1), got \
         {0}; use 0 for none or e.g. 0.1"
    )]
    InvalidLowerBoundShare(f64),
    /// No posterior draws.
    #[error("the posterior has no draws; sample it first")]
    NoDraws,
    /// Channels disagree in number or draws disagree in count.
    #[error("{what}: expected {expected}, got {found}")]
    LengthMismatch {
        /// What was counted.
        what: &'static str,
        /// Expected count.
        expected: usize,
        /// Count given.
        found: usize,
    },
    /// The current split does not place the budget.
    #[error(
        "the current split places {placed:.2} but the budget is {budget:.2}; scale the \
         current split to the budget (e.g. `feasible_current`)"
    )]
    CurrentOffBudget {
        /// `Σ current`.
        placed: f64,
        /// The budget.
        budget: f64,
    },
    /// The current split breaks a bound (or is negative or not finite).
    #[error(
        "the current split gives channel {channel} {spend:.2}, outside its bounds \
         [{min:.2}, {max:.2}]; project the current split onto the bounds first (e.g. \
         `feasible_current`)"
    )]
    CurrentOutOfBounds {
        /// Channel index.
        channel: usize,
        /// Its current spend.
        spend: f64,
        /// Its minimum.
        min: f64,
        /// Its maximum.
        max: f64,
    },
    /// The budget problem is invalid (bounds, budget).
    #[error(transparent)]
    Optimize(#[from] OptimizeError),
    /// The multiplicative candidate could not be found (a draw's base revenue is not a
    /// positive finite number, or a weighted curve overflowed).
    #[error("the split with the highest expected revenue could not be found: {0}")]
    Candidate(String),
}

/// Unchecked settings of the rule; a builder. [`RecommendParams::check`] validates them.
///
/// | setting | default | meaning | range |
/// |---|---|---|---|
/// | `confidence` | 0.95 | the probability of gain a move needs | `(0, 1)` |
/// | `interval_level` | 0.9 | level of the uplift interval | `(0, 1)` |
/// | `within_support` | none | keep the candidate within the data's spend range ([`SpendSupport`]) | — |
/// | `partial_step` | [`PartialStep::LargestSupported`] | where a move the data do not support in full stops | — |
/// | `lower_bound_share` | [`DEFAULT_LOWER_BOUND_SHARE`] (0.1) | a step must also keep its uplift's `(1 − P)` quantile at least this share of its expected uplift | `[0, 1)` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendParams {
    confidence: f64,
    interval_level: f64,
    support: Option<SpendSupport>,
    #[serde(default)]
    partial_step: PartialStep,
    #[serde(default = "default_lower_bound_share")]
    lower_bound_share: f64,
}

/// The serde default of [`RecommendParams::lower_bound_share`].
fn default_lower_bound_share() -> f64 {
    DEFAULT_LOWER_BOUND_SHARE
}

/// Where a partial move stops when the candidate in full is not supported (its probability
/// of gain is below the confidence `P`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartialStep {
    /// The largest step with `P(gain) ≥ P`: there the uplift's `(1 − P)` quantile is 0.
    #[default]
    LargestSupported,
    /// The supported step whose uplift has the highest `(1 − P)` quantile
    /// `q_{1−P}(u(x(t)))`: the move whose plausible worst outcome is best (a pessimistic,
    /// lower-confidence-bound choice), found on the [`STEP_GRID`] and refined by a
    /// golden-section search of [`STEP_BISECTIONS`] steps around the best grid step.
    HighestLowerBound,
}

impl Default for RecommendParams {
    fn default() -> Self {
        Self {
            confidence: DEFAULT_CONFIDENCE,
            interval_level: DEFAULT_INTERVAL_LEVEL,
            support: None,
            partial_step: PartialStep::default(),
            lower_bound_share: DEFAULT_LOWER_BOUND_SHARE,
        }
    }
}

impl RecommendParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The probability of gain a move needs.
    pub fn confidence(mut self, confidence: f64) -> Self {
        self.confidence = confidence;
        self
    }

    /// The level of the uplift interval.
    pub fn interval_level(mut self, level: f64) -> Self {
        self.interval_level = level;
        self
    }

    /// Keeps the candidate within the spend range the data cover ([`SpendSupport`], module
    /// [`super::support`]): each channel between the quantiles of its weekly spend, or no
    /// farther from them than its current spend. The point-estimate optimum is not bounded
    /// by it (it is shown for comparison).
    pub fn within_support(mut self, support: SpendSupport) -> Self {
        self.support = Some(support);
        self
    }

    /// Where a move the data do not support in full stops ([`PartialStep`]).
    pub fn partial_step(mut self, partial_step: PartialStep) -> Self {
        self.partial_step = partial_step;
        self
    }

    /// The margin on the step ([`DEFAULT_LOWER_BOUND_SHARE`] by default; 0 for none, the
    /// rule before the margin was adopted). With a share `ρ > 0`, a step
    /// `t` is supported only if, besides `P(gain) ≥ P`, the `(1 − P)` quantile of its uplift
    /// (the lower end of the 90 % uplift interval at the default `P`) is at least `ρ` times
    /// its expected uplift: the move's plausible worst outcome keeps a share of what it is
    /// expected to earn, rather than only staying at or above zero. The full move must meet it
    /// too; a partial move stops at the largest step that does (or, with
    /// [`PartialStep::HighestLowerBound`], at the highest lower bound among the steps with
    /// `P(gain) ≥ P`). Measured on the trust benchmark (`docs/trust.md`): at `ρ = 0.1` it
    /// removed most of the partial steps' losses at a small cost in median capture.
    pub fn lower_bound_share(mut self, share: f64) -> Self {
        self.lower_bound_share = share;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`RecommendError::InvalidConfidence`], [`RecommendError::InvalidIntervalLevel`],
    /// [`RecommendError::InvalidLowerBoundShare`].
    pub fn check(self) -> Result<ValidRecommendParams, RecommendError> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(RecommendError::InvalidConfidence(self.confidence));
        }
        if !(self.interval_level > 0.0 && self.interval_level < 1.0) {
            return Err(RecommendError::InvalidIntervalLevel(self.interval_level));
        }
        if !(self.lower_bound_share >= 0.0 && self.lower_bound_share < 1.0) {
            return Err(RecommendError::InvalidLowerBoundShare(
                self.lower_bound_share,
            ));
        }
        Ok(ValidRecommendParams(self))
    }
}

/// Validated settings ([`RecommendParams::check`]); runs the rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidRecommendParams(RecommendParams);

/// What the rule concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The posterior-expected optimum itself meets the confidence level.
    Optimum,
    /// Only part of the move meets it ([`Recommendation::step`] of the way).
    PartialStep,
    /// No worthwhile move meets it: keep the current split; the data cannot tell.
    KeepCurrent,
}

/// A split judged by the posterior against the current split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitAssessment {
    /// Weekly spend per channel.
    pub allocation: Vec<f64>,
    /// Posterior-expected weekly media revenue `Σ_c f̄_c(x_c)`.
    pub expected_media_revenue: f64,
    /// Mean over draws of the weekly uplift over the current split.
    pub expected_uplift: f64,
    /// Equal-tailed interval of the uplift at [`Recommendation::interval_level`].
    pub uplift_interval: (f64, f64),
    /// Share of draws in which this split earns more than the current one.
    pub probability_of_gain: f64,
}

/// The recommendation: what to spend, what it is expected to earn over the current split,
/// how sure the model is, and what it would have said without the rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The recommended weekly split.
    pub allocation: Vec<f64>,
    /// Mean over draws of its weekly uplift over the current split (currency per week).
    pub expected_uplift: f64,
    /// Equal-tailed interval of that uplift at `interval_level`.
    pub uplift_interval: (f64, f64),
    /// Share of draws in which it earns more than the current split.
    pub probability_of_gain: f64,
    /// How far along current → candidate it moved, `t ∈ [0, 1]`.
    pub step: f64,
    /// What the rule concluded.
    pub verdict: Verdict,
    /// The conclusion in a sentence, for a person.
    pub verdict_text: String,
    /// The confidence level used.
    pub confidence: f64,
    /// The interval level used.
    pub interval_level: f64,
    /// The margin `ρ` used: a step's uplift's `(1 − P)` quantile had to be at least `ρ` times
    /// its expected uplift (0: no margin).
    #[serde(default)]
    pub lower_bound_share: f64,
    /// The current split and its expected media revenue (uplift 0 by definition).
    pub current: SplitAssessment,
    /// The recommended split, assessed (the same numbers as the fields above, plus its
    /// expected media revenue).
    pub recommended: SplitAssessment,
    /// The posterior-expected optimum `x*` (the full move).
    pub candidate: SplitAssessment,
    /// The point-estimate optimum, judged by the same posterior.
    pub point_optimum: SplitAssessment,
    /// `true` when the candidate is the exact optimum of the mean curves (every piece
    /// combination solved, see [`super::mean_curve`]).
    pub exact: bool,
    /// Posterior draws used.
    pub draws: usize,
    /// The per-channel `(min, max)` the candidate was kept within when the rule was given
    /// the data's spend range ([`RecommendParams::within_support`]): that range widened to
    /// the current spend, within the user's bounds. `None` without it.
    #[serde(default)]
    pub support_bounds: Option<Vec<(f64, f64)>>,
}

/// The per-draw curves of every channel, draw-aligned: `curves[c][d]` is draw `d` of
/// channel `c` (the same joint draw across channels), in the model form of `form`.
struct DrawCurves<'a> {
    curves: &'a [Vec<HillResponse>],
    form: DrawForm<'a>,
    draws: usize,
}

/// How the draws' curves make revenue, with what each form's rule needs beside the curves.
#[derive(Clone, Copy)]
enum DrawForm<'a> {
    /// Media revenue `Σ_c f_{d,c}(x_c)`; the posterior-mean curve of every channel.
    Additive(&'a [MeanResponse]),
    /// Revenue `B̄_d·exp(Σ_c g_{d,c}(x_c))`, curves in units of `ln y`; `B̄_d` per draw.
    Multiplicative(&'a [f64]),
}

impl DrawCurves<'_> {
    /// Each draw's weekly revenue of `split` that depends on it, into `out`: the media
    /// revenue `Σ_c f_{d,c}(x_c)` (additive), or the whole revenue `B̄_d·exp(Σ_c g_{d,c}(x_c))`
    /// (multiplicative). Differences between splits are uplifts either way.
    fn revenue(&self, split: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        for (channel, &x) in self.curves.iter().zip(split) {
            for (o, f) in out.iter_mut().zip(channel) {
                *o += f.value(x);
            }
        }
        if let DrawForm::Multiplicative(bases) = self.form {
            for (o, base) in out.iter_mut().zip(bases) {
                *o = base * o.exp();
            }
        }
    }
}

/// The share of `uplifts` above zero: the probability of gain over the draws.
fn share_of_gains(uplifts: &[f64]) -> f64 {
    uplifts.iter().filter(|&&u| u > 0.0).count() as f64 / uplifts.len() as f64
}

/// Per-draw uplift and its summaries, reusing buffers.
struct Judge<'a> {
    draws: DrawCurves<'a>,
    current_revenue: Vec<f64>,
    scratch: Vec<f64>,
    interval_level: f64,
}

impl Judge<'_> {
    /// `u_d(x)` into `self.scratch`.
    fn uplifts(&mut self, split: &[f64]) -> &[f64] {
        self.draws.revenue(split, &mut self.scratch);
        for (u, r0) in self.scratch.iter_mut().zip(&self.current_revenue) {
            *u -= r0;
        }
        &self.scratch
    }

    /// The `q` quantile of `u_d(x)` (nearest rank) where `P(gain at x) ≥ confidence`, else
    /// `−∞`: both from one evaluation of the draws (the quantile is selected in place in
    /// the scratch buffer, which the next evaluation overwrites).
    fn supported_lower_bound(&mut self, split: &[f64], confidence: f64, q: f64) -> f64 {
        if self.probability_of_gain(split) < confidence {
            return f64::NEG_INFINITY;
        }
        let draws = self.draws.draws;
        let rank = ((q * draws as f64).ceil() as usize).clamp(1, draws) - 1;
        *self.scratch.select_nth_unstable_by(rank, f64::total_cmp).1
    }

    /// Whether `x` is a supported step: `P(gain at x) ≥ confidence` and, when `share > 0`,
    /// the `1 − confidence` quantile of `u_d(x)` (nearest rank) at least `share` times their
    /// mean. With `share = 0` exactly the probability-of-gain check.
    fn supported(&mut self, split: &[f64], confidence: f64, share: f64) -> bool {
        if self.probability_of_gain(split) < confidence {
            return false;
        }
        if share <= 0.0 {
            return true;
        }
        let draws = self.draws.draws;
        let mean = self.scratch.iter().sum::<f64>() / draws as f64;
        let rank = (((1.0 - confidence) * draws as f64).ceil() as usize).clamp(1, draws) - 1;
        let bound = *self.scratch.select_nth_unstable_by(rank, f64::total_cmp).1;
        bound >= share * mean
    }

    /// `P(gain at x)`, the share of draws with `u_d(x) > 0` (leaves `u_d(x)` in the scratch
    /// buffer).
    fn probability_of_gain(&mut self, split: &[f64]) -> f64 {
        share_of_gains(self.uplifts(split))
    }

    fn assess(&mut self, split: &[f64]) -> SplitAssessment {
        let level = self.interval_level;
        let draws = self.draws.draws as f64;
        let expected_media_revenue = match self.draws.form {
            DrawForm::Additive(means) => means
                .iter()
                .zip(split)
                .map(|(f, &x)| crate::optimize::ResponseCurve::value(f, x))
                .sum(),
            DrawForm::Multiplicative(bases) => {
                self.draws.revenue(split, &mut self.scratch);
                self.scratch
                    .iter()
                    .zip(bases)
                    .map(|(r, b)| r - b)
                    .sum::<f64>()
                    / draws
            }
        };
        let uplifts = self.uplifts(split);
        let expected_uplift = uplifts.iter().sum::<f64>() / draws;
        let probability_of_gain = share_of_gains(uplifts);
        let uplift_interval = equal_tailed_interval(uplifts, level).unwrap_or((f64::NAN, f64::NAN));
        SplitAssessment {
            allocation: split.to_vec(),
            expected_media_revenue,
            expected_uplift,
            uplift_interval,
            probability_of_gain,
        }
    }
}

/// The step `t ∈ (0, 1)` with the highest `bound(t)` (`−∞` where a step is not supported):
/// the best of the grid `k/`[`STEP_GRID`], then a golden-section search between its
/// neighbours; `0` when no grid step is supported.
fn highest_lower_bound(mut bound: impl FnMut(f64) -> f64) -> f64 {
    let h = 1.0 / STEP_GRID as f64;
    let mut best = (0.0, f64::NEG_INFINITY);
    for k in 1..STEP_GRID {
        let t = k as f64 * h;
        let b = bound(t);
        if b > best.1 {
            best = (t, b);
        }
    }
    if best.1 == f64::NEG_INFINITY {
        return 0.0;
    }
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut lo, mut hi) = ((best.0 - h).max(0.0), (best.0 + h).min(1.0));
    let mut a = hi - ratio * (hi - lo);
    let mut b = lo + ratio * (hi - lo);
    let (mut fa, mut fb) = (bound(a), bound(b));
    for _ in 0..STEP_BISECTIONS {
        if fa >= fb {
            hi = b;
            (b, fb) = (a, fa);
            a = hi - ratio * (hi - lo);
            fa = bound(a);
        } else {
            lo = a;
            (a, fa) = (b, fb);
            b = lo + ratio * (hi - lo);
            fb = bound(b);
        }
    }
    [(a, fa), (b, fb), best]
        .into_iter()
        .fold(best, |acc, x| if x.1 > acc.1 { x } else { acc })
        .0
}

/// A flat curve, to validate bounds and a budget with [`crate::optimize::BudgetProblem`].
#[derive(Debug, Clone, Copy)]
struct Flat;

impl crate::optimize::ResponseCurve for Flat {
    fn value(&self, _spend: f64) -> f64 {
        0.0
    }
    fn marginal(&self, _spend: f64) -> f64 {
        0.0
    }
    fn curvature(&self, _spend: f64) -> f64 {
        0.0
    }
    fn inflection(&self) -> Option<f64> {
        None
    }
}

/// The rule's candidate `x*` and whether it is exact.
struct Candidate {
    spend: Vec<f64>,
    exact: bool,
}

/// `x⁰ + t (x* − x⁰)`, into `out`.
fn along(current: &[f64], candidate: &[f64], t: f64, out: &mut [f64]) {
    for ((o, &a), &b) in out.iter_mut().zip(current).zip(candidate) {
        *o = a + t * (b - a);
    }
}

impl ValidRecommendParams {
    /// The settings.
    pub fn params(&self) -> &RecommendParams {
        &self.0
    }

    /// The rule on a sampled [`Posterior`]; `point_curves` are the point estimate's curves
    /// (`FittedModel::responses`), `current` the current split of `budget` (e.g.
    /// [`feasible_current`]), `bounds` one per channel or empty for none.
    ///
    /// # Errors
    /// As [`ValidRecommendParams::recommend_from_draws`].
    pub fn recommend(
        &self,
        posterior: &Posterior,
        point_curves: &[HillResponse],
        current: &[f64],
        bounds: &[SpendBounds],
        budget: f64,
    ) -> Result<Recommendation, RecommendError> {
        let curves: Vec<Vec<HillResponse>> = posterior
            .channels()
            .iter()
            .map(|c| c.responses.clone())
            .collect();
        self.recommend_from_draws(&curves, point_curves, current, bounds, budget)
    }

    /// The rule on draw-aligned curves: `curves[c][d]` is draw `d` of channel `c`.
    ///
    /// # Errors
    /// [`RecommendError::NoDraws`]; [`RecommendError::LengthMismatch`] when the channels,
    /// point curves, current split or bounds disagree in number or the channels in draws;
    /// [`RecommendError::Optimize`] for invalid bounds or budget;
    /// [`RecommendError::CurrentOffBudget`], [`RecommendError::CurrentOutOfBounds`].
    pub fn recommend_from_draws(
        &self,
        curves: &[Vec<HillResponse>],
        point_curves: &[HillResponse],
        current: &[f64],
        bounds: &[SpendBounds],
        budget: f64,
    ) -> Result<Recommendation, RecommendError> {
        let means = mean_curves(curves)?;
        self.recommend_with_means(curves, &means, point_curves, current, bounds, budget)
    }

    /// The rule with the posterior-mean curves prepared once ([`PosteriorCurves`]): for
    /// repeated calls on one posterior (a budget slider), this skips finding every mean
    /// curve's pieces again.
    ///
    /// # Errors
    /// As [`ValidRecommendParams::recommend_from_draws`].
    pub fn recommend_prepared(
        &self,
        prepared: &PosteriorCurves,
        point_curves: &[HillResponse],
        current: &[f64],
        bounds: &[SpendBounds],
        budget: f64,
    ) -> Result<Recommendation, RecommendError> {
        self.recommend_with_means(
            &prepared.draws,
            &prepared.means,
            point_curves,
            current,
            bounds,
            budget,
        )
    }

    /// The rule on the draws of a **multiplicative** model (`crate::model::multiplicative`):
    /// `curves[c][d]` is draw `d` of channel `c`'s curve `g_{c,d}` in units of `ln y`, `bases[d]`
    /// the draw's weekly revenue without media `B̄_d`, `point_curves` the point fit's log
    /// curves. Each draw's revenue of a split is `R_d(x) = B̄_d·exp(Σ_c g_{c,d}(x_c))`; the
    /// candidate maximises `(1/D) Σ_d R_d(x)` ([`super::optimize_log_revenue_mean`], exact at
    /// each step of a monotone minorise–maximise iteration); uplifts, the probability of gain
    /// and the step are those of the [module docs](self) with `R_d` in place of `Σ_c f_{d,c}`;
    /// `expected_media_revenue` is `(1/D) Σ_d (R_d(x) − B̄_d)`. The point-estimate optimum
    /// maximises `Σ_c g_c`, the point model's revenue.
    ///
    /// # Errors
    /// As [`ValidRecommendParams::recommend_from_draws`], and
    /// [`RecommendError::LengthMismatch`] when `bases` is not one per draw;
    /// [`RecommendError::Candidate`] when a base is not positive and finite.
    pub fn recommend_multiplicative(
        &self,
        curves: &[Vec<HillResponse>],
        bases: &[f64],
        point_curves: &[HillResponse],
        current: &[f64],
        bounds: &[SpendBounds],
        budget: f64,
    ) -> Result<Recommendation, RecommendError> {
        let draws = curves.first().map_or(0, Vec::len);
        if bases.len() != draws {
            return Err(RecommendError::LengthMismatch {
                what: "base revenues (one per draw)",
                expected: draws,
                found: bases.len(),
            });
        }
        self.recommend_inner(
            curves,
            DrawForm::Multiplicative(bases),
            point_curves,
            current,
            bounds,
            budget,
        )
    }

    fn recommend_with_means(
        &self,
        curves: &[Vec<HillResponse>],
        means: &[MeanResponse],
        point_curves: &[HillResponse],
        current: &[f64],
        bounds: &[SpendBounds],
        budget: f64,
    ) -> Result<Recommendation, RecommendError> {
        self.recommend_inner(
            curves,
            DrawForm::Additive(means),
            point_curves,
            current,
            bounds,
            budget,
        )
    }

    /// The rule on draws of either form.
    fn recommend_inner(
        &self,
        curves: &[Vec<HillResponse>],
        form: DrawForm<'_>,
        point_curves: &[HillResponse],
        current: &[f64],
        bounds: &[SpendBounds],
        budget: f64,
    ) -> Result<Recommendation, RecommendError> {
        let channels = curves.len();
        let draws = curves.first().map_or(0, Vec::len);
        if channels == 0 || draws == 0 {
            return Err(RecommendError::NoDraws);
        }
        let mismatch = |what, found| RecommendError::LengthMismatch {
            what,
            expected: channels,
            found,
        };
        if let Some(c) = curves.iter().find(|c| c.len() != draws) {
            return Err(RecommendError::LengthMismatch {
                what: "draws of a channel",
                expected: draws,
                found: c.len(),
            });
        }
        if point_curves.len() != channels {
            return Err(mismatch("point-estimate curves", point_curves.len()));
        }
        if current.len() != channels {
            return Err(mismatch("channels in the current split", current.len()));
        }
        if !bounds.is_empty() && bounds.len() != channels {
            return Err(mismatch("bounds", bounds.len()));
        }
        if let DrawForm::Additive(means) = form
            && means.len() != channels
        {
            return Err(mismatch("posterior-mean curves", means.len()));
        }
        // Validates the bounds and the budget first (the curves play no part).
        crate::optimize::BudgetProblem::new(&vec![Flat; channels], bounds, budget)?;
        check_current(current, bounds, budget)?;
        let supported_bounds = self
            .0
            .support
            .as_ref()
            .map(|support| support.bounds(current, bounds));
        let candidate_bounds = supported_bounds.as_deref().unwrap_or(bounds);
        let candidate = match form {
            DrawForm::Additive(means) => {
                let best = optimize_mean_curves(means, candidate_bounds, budget)?;
                Candidate {
                    spend: best.spend,
                    exact: best.exact,
                }
            }
            DrawForm::Multiplicative(bases) => {
                let log_draws: Vec<LogRevenueDraw> = (0..draws)
                    .map(|d| LogRevenueDraw {
                        base: bases[d],
                        curves: curves.iter().map(|c| c[d]).collect(),
                    })
                    .collect();
                let best = optimize_log_revenue_mean(
                    &log_draws,
                    candidate_bounds,
                    budget,
                    MinoriseMaximise::default(),
                )
                .map_err(|e| match e {
                    LogRevenueOptimumError::Optimize(e) => RecommendError::Optimize(e),
                    other => RecommendError::Candidate(other.to_string()),
                })?;
                Candidate {
                    spend: best.spend,
                    exact: best.exact,
                }
            }
        };
        let point = optimize(point_curves, bounds, budget)?;

        let confidence = self.0.confidence;
        let draw_curves = DrawCurves {
            curves,
            form,
            draws,
        };
        let mut current_revenue = vec![0.0; draws];
        draw_curves.revenue(current, &mut current_revenue);
        let mut judge = Judge {
            draws: draw_curves,
            current_revenue,
            scratch: vec![0.0; draws],
            interval_level: self.0.interval_level,
        };

        let mut split = vec![0.0; channels];
        let share = self.0.lower_bound_share;
        let supported = |t: f64, split: &mut [f64], judge: &mut Judge<'_>| {
            along(current, &candidate.spend, t, split);
            judge.supported(split, confidence, share)
        };
        let step = if supported(1.0, &mut split, &mut judge) {
            1.0
        } else if self.0.partial_step == PartialStep::HighestLowerBound {
            let quantile = 1.0 - confidence;
            highest_lower_bound(|t| {
                along(current, &candidate.spend, t, &mut split);
                judge.supported_lower_bound(&split, confidence, quantile)
            })
        } else {
            let mut found = None;
            for k in (1..STEP_GRID).rev() {
                let t = k as f64 / STEP_GRID as f64;
                if supported(t, &mut split, &mut judge) {
                    found = Some(t);
                    break;
                }
            }
            match found {
                Some(mut lo) => {
                    let mut hi = lo + 1.0 / STEP_GRID as f64;
                    for _ in 0..STEP_BISECTIONS {
                        let mid = 0.5 * (lo + hi);
                        if supported(mid, &mut split, &mut judge) {
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
        let step = if step >= MIN_STEP { step } else { 0.0 };
        along(current, &candidate.spend, step, &mut split);

        let current_assessment = judge.assess(current);
        let recommended = if step > 0.0 {
            judge.assess(&split)
        } else {
            current_assessment.clone()
        };
        let candidate_assessment = judge.assess(&candidate.spend);
        let point_assessment = judge.assess(point.spend());
        let verdict = if step >= 1.0 {
            Verdict::Optimum
        } else if step > 0.0 {
            Verdict::PartialStep
        } else {
            Verdict::KeepCurrent
        };
        let support_binds = supported_bounds.as_ref().is_some_and(|kept| {
            kept.iter()
                .zip(&candidate.spend)
                .enumerate()
                .any(|(c, (b, &x))| {
                    let user = bounds.get(c).copied().unwrap_or(SpendBounds::FREE);
                    let tolerance = 1e-9 * budget.max(1.0);
                    (x >= b.max - tolerance && b.max < user.max)
                        || (x <= b.min + tolerance && b.min > user.min)
                })
        });
        let mut verdict_text = verdict_text(
            verdict,
            step,
            confidence,
            self.0.lower_bound_share,
            &candidate_assessment,
        );
        if support_binds {
            verdict_text.push_str(SUPPORT_NOTE);
        }
        Ok(Recommendation {
            allocation: recommended.allocation.clone(),
            expected_uplift: recommended.expected_uplift,
            uplift_interval: recommended.uplift_interval,
            probability_of_gain: recommended.probability_of_gain,
            step,
            verdict,
            verdict_text,
            confidence,
            interval_level: self.0.interval_level,
            lower_bound_share: self.0.lower_bound_share,
            current: current_assessment,
            recommended,
            candidate: candidate_assessment,
            point_optimum: point_assessment,
            exact: candidate.exact,
            draws,
            support_bounds: supported_bounds
                .map(|kept| kept.iter().map(|b| (b.min, b.max)).collect()),
        })
    }
}

/// The draws' curves of every channel and their posterior-mean curves with their pieces,
/// prepared once for repeated recommendations on one posterior.
#[derive(Debug, Clone, PartialEq)]
pub struct PosteriorCurves {
    draws: Vec<Vec<HillResponse>>,
    means: Vec<MeanResponse>,
}

impl PosteriorCurves {
    /// From a sampled posterior (use [`Posterior::thinned`] first for speed).
    ///
    /// # Errors
    /// [`RecommendError::NoDraws`].
    pub fn new(posterior: &Posterior) -> Result<Self, RecommendError> {
        Self::from_draws(
            posterior
                .channels()
                .iter()
                .map(|c| c.responses.clone())
                .collect(),
        )
    }

    /// From draw-aligned curves, `draws[c][d]`.
    ///
    /// # Errors
    /// [`RecommendError::NoDraws`]; [`RecommendError::LengthMismatch`] when channels differ
    /// in draws.
    pub fn from_draws(draws: Vec<Vec<HillResponse>>) -> Result<Self, RecommendError> {
        let means = mean_curves(&draws)?;
        Ok(Self { draws, means })
    }

    /// The posterior-mean curve of every channel.
    pub fn means(&self) -> &[MeanResponse] {
        &self.means
    }
}

/// The posterior-mean curve of every channel of draw-aligned `curves`.
fn mean_curves(curves: &[Vec<HillResponse>]) -> Result<Vec<MeanResponse>, RecommendError> {
    let draws = curves.first().map_or(0, Vec::len);
    if let Some(c) = curves.iter().find(|c| c.len() != draws) {
        return Err(RecommendError::LengthMismatch {
            what: "draws of a channel",
            expected: draws,
            found: c.len(),
        });
    }
    curves
        .iter()
        .map(|c| MeanResponse::new(c.clone()).ok_or(RecommendError::NoDraws))
        .collect()
}

/// The verdict as a sentence. A candidate whose probability of gain reaches the confidence
/// but which is not recommended in full failed the margin `share`: the sentence says so
/// rather than blaming its odds.
fn verdict_text(
    verdict: Verdict,
    step: f64,
    confidence: f64,
    share: f64,
    candidate: &SplitAssessment,
) -> String {
    let percent = |p: f64| format!("{:.0} %", 100.0 * p);
    let odds_met = candidate.probability_of_gain >= confidence;
    let margin = || {
        format!(
            "its plausible worst outcome (the {} quantile of its uplift) keeps less than {} of \
             its expected gain",
            percent(1.0 - confidence),
            percent(share)
        )
    };
    match verdict {
        Verdict::Optimum => format!(
            "The split with the highest expected revenue beats the current one with \
             probability {} (at least {} needed): recommended in full.",
            percent(candidate.probability_of_gain),
            percent(confidence)
        ),
        Verdict::PartialStep if odds_met => format!(
            "The split with the highest expected revenue beats the current one with \
             probability {}, but {}; the data support moving {} of the way to it.",
            percent(candidate.probability_of_gain),
            margin(),
            percent(step)
        ),
        Verdict::PartialStep => format!(
            "The split with the highest expected revenue beats the current one with \
             probability {} only (below {}); the data support moving {} of the way to it.",
            percent(candidate.probability_of_gain),
            percent(confidence),
            percent(step)
        ),
        Verdict::KeepCurrent if odds_met => format!(
            "The data cannot tell: the split with the highest expected revenue beats the \
             current one with probability {}, but {}, and so does every worthwhile part of \
             the move. Keep the current split.",
            percent(candidate.probability_of_gain),
            margin()
        ),
        Verdict::KeepCurrent => format!(
            "The data cannot tell: the split with the highest expected revenue beats the \
             current one with probability {} only, and no worthwhile part of the move reaches \
             {}. Keep the current split.",
            percent(candidate.probability_of_gain),
            percent(confidence)
        ),
    }
}

/// Checks that `current` places `budget` within the bounds.
fn check_current(
    current: &[f64],
    bounds: &[SpendBounds],
    budget: f64,
) -> Result<(), RecommendError> {
    for (channel, &spend) in current.iter().enumerate() {
        let b = bounds.get(channel).copied().unwrap_or(SpendBounds::FREE);
        let slack = BUDGET_TOLERANCE * budget.max(1.0);
        if !(spend.is_finite() && spend >= b.min - slack && spend <= b.max + slack) {
            return Err(RecommendError::CurrentOutOfBounds {
                channel,
                spend,
                min: b.min,
                max: b.max,
            });
        }
    }
    let placed: f64 = current.iter().sum();
    if (placed - budget).abs() > BUDGET_TOLERANCE * budget.max(1.0) {
        return Err(RecommendError::CurrentOffBudget { placed, budget });
    }
    Ok(())
}

/// The current mix scaled to `budget` and moved into `bounds`, keeping the mix's shares
/// among the channels no bound holds: `x_c = clamp(λ·m_c, min_c, max_c)` with the `λ` for
/// which `Σ x = B` (a bisection; `Σ x` is non-decreasing in `λ`). When the channels with
/// spend in the mix reach their maximums first, the rest is shared equally among the others,
/// `x_c = min(min_c + μ, max_c)`. An all-zero mix counts as equal shares. A channel locked
/// at `v` gets `v`.
///
/// # Errors
/// [`RecommendError::Optimize`] when the bounds or budget are invalid or cannot meet
/// (`Σ min > B` or `Σ max < B`); [`RecommendError::LengthMismatch`].
pub fn feasible_current(
    mix: &[f64],
    bounds: &[SpendBounds],
    budget: f64,
) -> Result<Vec<f64>, RecommendError> {
    if !bounds.is_empty() && bounds.len() != mix.len() {
        return Err(RecommendError::LengthMismatch {
            what: "bounds",
            expected: mix.len(),
            found: bounds.len(),
        });
    }
    // Validates the bounds and the budget against them (the curves play no part).
    let flat = vec![Flat; mix.len()];
    crate::optimize::BudgetProblem::new(&flat, bounds, budget)?;
    let bounds: Vec<SpendBounds> = if bounds.is_empty() {
        vec![SpendBounds::FREE; mix.len()]
    } else {
        bounds.to_vec()
    };
    let clean: Vec<f64> = mix
        .iter()
        .map(|&m| if m.is_finite() && m > 0.0 { m } else { 0.0 })
        .collect();
    let weights = if clean.iter().sum::<f64>() > 0.0 {
        clean
    } else {
        vec![1.0; mix.len()]
    };
    let scaled = |lambda: f64| -> Vec<f64> {
        weights
            .iter()
            .zip(&bounds)
            .map(|(&w, b)| (lambda * w).clamp(b.min, b.max))
            .collect()
    };
    let with_others = |mu: f64, base: &[f64]| -> Vec<f64> {
        base.iter()
            .zip(&weights)
            .zip(&bounds)
            .map(|((&x, &w), b)| if w > 0.0 { x } else { (b.min + mu).min(b.max) })
            .collect()
    };
    let total = |x: &[f64]| x.iter().sum::<f64>();
    let saturated = scaled(f64::INFINITY);
    Ok(if total(&saturated) >= budget {
        bisect_level(budget, |lambda| total(&scaled(lambda))).map_or(saturated, &scaled)
    } else {
        let base: Vec<f64> = saturated
            .iter()
            .zip(&weights)
            .zip(&bounds)
            .map(|((&x, &w), b)| if w > 0.0 { x } else { b.min })
            .collect();
        bisect_level(budget, |mu| total(&with_others(mu, &base)))
            .map_or(base.clone(), |mu| with_others(mu, &base))
    })
}

/// The level `λ ≥ 0` where the non-decreasing `placed(λ)` reaches `budget` (doubling, then
/// bisection to the last bit); `None` if no finite level reaches it.
fn bisect_level(budget: f64, placed: impl Fn(f64) -> f64) -> Option<f64> {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    let mut doublings = 0;
    while placed(hi) < budget {
        lo = hi;
        hi *= 2.0;
        doublings += 1;
        if doublings > 2_000 || !hi.is_finite() {
            return None;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if placed(mid) < budget {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}
