//! The horizon planner for the **multiplicative** form of the model
//! ([`crate::model::multiplicative`]): [`MultiplicativeHorizon`], solved by
//! [`HorizonOptimizer::solve_multiplicative`] into a [`MultiplicativePlan`], forecast by
//! [`MultiplicativeHorizon::forecast`].
//!
//! # Problem
//!
//! In the multiplicative form week `k`'s mean revenue is `B_k·exp(G_k)` with
//!
//! ```text
//! B_k   = exp(b_k + σ²/2)              the base of week k (b_k: the log model's intercept,
//!                                       trend, seasonality and controls that week; σ² its
//!                                       mean squared residual of ln y)
//! G_k   = Σ_c g_c(a_{c,k}(x))          the log curves g_c at the adstock of week k
//! ```
//!
//! and the plan maximises the media revenue it adds over spending nothing in the period,
//! carryover tail included,
//!
//! ```text
//! F(x) = Σ_{k ≥ 0} B_k·[exp(G_k(x)) − exp(G_k(0))]
//! ```
//!
//! under the constraints of [`HorizonProblem`] (budget, caps, fixed amounts). The channels
//! are coupled week by week: a week with a large base multiplies every channel's effect, so
//! the season (and the trend and the controls) changes the return on media — unlike the
//! additive form, where the base drops out of the optimisation.
//!
//! # Method: minorise–maximise
//!
//! `exp(u) ≥ exp(u₀)·(1 + u − u₀)`, so with weights `w_k = B_k·exp(G_k(xⁱ))`
//!
//! ```text
//! F(x) ≥ M_i(x) = F(xⁱ) + Σ_k w_k·[G_k(x) − G_k(xⁱ)],     M_i(xⁱ) = F(xⁱ)
//! ```
//!
//! and maximising `M_i` is the **weighted additive horizon problem**
//! `max Σ_k w_k Σ_c [g_c(a_{c,k}(x)) − g_c(a_{c,k}(0))]` (time weights of
//! [`HorizonProblem::with_time_weights`]) under the same constraints, solved by
//! [`HorizonOptimizer::solve`] with its certificate. Its maximiser `x^{i+1}` has
//! `F(x^{i+1}) ≥ M_i(x^{i+1}) ≥ M_i(xⁱ) = F(xⁱ)`: `F` never decreases. The iteration stops when
//! the relative change of `F` is below [`MM_TOLERANCE`], after [`MAX_MM_ITERATIONS`], or if a
//! step would lower `F` (the weighted solve is exact only to its tolerance — or, with
//! S-shaped curves, only as good as its certificate; the better plan is kept).
//!
//! **Warm starts.** The weighted problems differ only in their weights (the budget, caps,
//! fixed amounts and so the barrier's constraints are the same), so every weighted solve (the
//! step from `x = 0` after the unweighted start included) resumes the barrier from the
//! centre where the solve of the current plan `xⁱ` ended, at the barrier weight `t` where the cold solve would stop (the first `t₀·20^j`
//! with `m/t ≤ 1e-8·|F̂ − F̂(0)|`), instead of climbing there from `t₀`:
//!
//! ```text
//! cold:  z₀ (spread budget), t₀ → centre(t₀) → centre(20·t₀) → … → centre(t_J)
//! warm:  z = centre_{i−1}(t_J), t_J → centre_i(t_J)          (a few Newton steps)
//! ```
//!
//! It ends at the same `t` and the same centre as the cold solve (to the centring tolerance),
//! and everything after it — the active-set polish, the Lagrangian bound, the ascent on the
//! true curves, the budget's restoration — is the cold solve's, so the plan, its feasibility
//! and its certificate have the same guarantees (the bound holds for any point and any
//! multipliers). A warm centring that does not converge within 25 Newton steps gives way to
//! the cold solve. [`HorizonOptimizer::with_warm_starts`]`(false)` solves every step cold.
//!
//! **Start.** Two candidates, the better (by `F`) kept: the additive plan on the unweighted
//! log curves (`w_k = 1`: maximises `Σ_k G_k`, which is what the steady-state optimiser of the
//! multiplicative form does week by week), and one MM step from `x = 0` (`w_k = B_k·exp(G_k(0))`:
//! the base and the carry-in only). So the result is never worse than the additive plan on the
//! log curves.
//!
//! **What the result is.** `F` is not concave in `x` (an exponential of a concave function), so
//! the MM limit is a **stationary point** of `F` on the feasible set — improved monotonically
//! from the start — not a certified global maximum. The reported [`Certificate`] is that of
//! the **last weighted problem**, re-based at the returned plan: `lower_bound` is the
//! linearised gain `Σ_k w_k·[G_k(x) − G_k(0)]` of the returned plan, `upper_bound` an upper
//! bound on the linearised gain of every feasible plan (both in revenue, as `w_k` is). A gap
//! near 0 says no feasible plan improves `F` to first order from the returned one (the plan is
//! stationary: the KKT conditions of `F` hold to that tolerance); it does not bound `max F`.
//!
//! # The base `B_k`
//!
//! `b_k` for the period and the tail is the log model's non-media prediction, computed as
//! [`super::Forecast`] computes the additive model's (the same code): intercept, the trend
//! continued linearly, the yearly Fourier terms at week `k`'s date, the controls at their
//! given or assumed values (the same week of the latest observed year by default). This
//! formula is used for the [`BASE_WEEKS`] weeks after the data (two years: any period of at
//! most 52 weeks and at least a year of its tail keep their season). After them — only a
//! long geometric tail reaches so far, carrying a vanishing share of the plan's effect —
//! `B_k` is the mean of the last 52 of those weeks' bases: the season averages out, and the
//! trend is not extrapolated further (an exponential trend continued for decades would make
//! the far tail dominate the plan).
//!
//! # Forecast
//!
//! [`MultiplicativeHorizon::forecast`]: week `h`'s mean revenue `B_h·exp(G_h)` (carry-in
//! included), split into layers as [`MultiplicativeModel::revenue_decomposition`] splits the
//! fit (base, trend, seasonality, controls, media), with the lognormal interval
//! `[exp(b_h + G_h − z·σ_out), exp(b_h + G_h + z·σ_out)]` (`z` the normal quantile of the
//! level, `σ_out` the log model's out-of-sample residual RMSE of ln revenue, as `Forecast`
//! uses the additive model's). The period total's interval is the normal approximation
//! `total ± z·√(Σ_h ŷ_h²·(exp(σ_out²) − 1))` (weeks independent).
//!
//! # Example
//!
//! ```no_run
//! use mixplan_core::data::WeeklyData;
//! use mixplan_core::model::MultiplicativeModel;
//! use mixplan_core::optimize::horizon::{
//!     ForecastParams, HorizonOptimizer, HorizonParams, MultiplicativeHorizon,
//! };
//!
//! fn plan(model: &MultiplicativeModel, data: &WeeklyData) -> Result<(), Box<dyn std::error::Error>> {
//!     let horizon = MultiplicativeHorizon::new(model, data, 13, &ForecastParams::new())?;
//!     let problem = HorizonParams::new(13, 600_000.0).check(horizon.dynamics())?;
//!     let plan = HorizonOptimizer::new().solve_multiplicative(&horizon, &problem)?;
//!     let forecast = horizon.forecast(&plan);
//!     println!("{} in {} MM steps, {}", plan.media_revenue(), plan.mm().map_or(0, |m| m.iterations), forecast.total_revenue);
//!     Ok(())
//! }
//! ```

use serde::{Deserialize, Serialize};

use super::dynamics::HorizonModel;
use super::error::HorizonError;
use super::forecast::{
    BaseWeek, ControlAssumption, Forecast, ForecastParams, ForecastWeek, future_base,
    out_of_sample_sd,
};
use super::plan::{Certificate, SpendSchedule};
use super::problem::{HorizonProblem, MAX_WEEKS};
use super::revenue::Curves;
use super::solver::{HorizonOptimizer, Scaled, WarmStart, scale};
use crate::data::WeeklyData;
use crate::model::MultiplicativeModel;
use crate::model::posterior::diagnostics::inverse_normal_cdf;

/// Weeks after the data whose base `B_k` follows the forecast formula; later weeks use the
/// mean base of the last 52 of them (see the module docs).
pub const BASE_WEEKS: usize = 104;
/// The MM iteration stops when `|F(x^{i+1}) − F(xⁱ)| ≤ MM_TOLERANCE·|F(x^{i+1})|`.
pub const MM_TOLERANCE: f64 = 1e-10;
/// Most MM steps (weighted solves after the start).
pub const MAX_MM_ITERATIONS: usize = 100;

/// What the multiplicative horizon plans with: the channels' dynamics on the log curves, the
/// base `B_k` of every week after the data, the residual variances, and the forecast's
/// settings. Build with [`MultiplicativeHorizon::new`] for a plan period of `N` weeks.
///
/// ```text
/// F(x)  = Σ_{k ≥ 0} B_k·[exp(G_k(x)) − exp(G_k(0))],   G_k = Σ_c g_c(a_{c,k}),  B_k = exp(b_k + σ²/2)
/// step  x^{i+1} = argmax_x Σ_k w_k·Σ_c [g_c(a_{c,k}(x)) − g_c(a_{c,k}(0))],  w_k = B_k·exp(G_k(xⁱ))
/// ```
///
/// * **Method** (minorise–maximise): `exp(u) ≥ exp(u₀)(1 + u − u₀)` makes each step's weighted
///   additive horizon problem a minoriser of `F` that touches it at `xⁱ`, so
///   `F(x^{i+1}) ≥ F(xⁱ)`; the steps stop at a relative change below [`MM_TOLERANCE`] or after
///   [`MAX_MM_ITERATIONS`]. The start is the better of the additive plan on the unweighted log
///   curves and the step from `x = 0`. `F` is not concave: the result is a stationary point,
///   improved monotonically from the start.
/// * **Certificate**: the last weighted problem's, at the returned plan (the linearised gain
///   and a bound on every feasible plan's linearised gain, in revenue): a stationarity
///   measure, not a bound on `max F`.
/// * **Base** `b_k`: the log model's non-media prediction as [`super::Forecast`] computes the
///   additive one (intercept, linear trend, Fourier season at the date, controls as assumed),
///   for the [`BASE_WEEKS`] weeks after the data; after them the mean `B` of the last 52 of
///   those weeks (the season averages out, the trend is not extrapolated for decades).
/// * **Forecast**: `B_h·exp(G_h)` per week with the lognormal interval
///   `exp(b_h + G_h ± z·σ_out)` (`σ_out` the log model's out-of-sample RMSE of ln revenue).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiplicativeHorizon {
    dynamics: HorizonModel,
    weeks: usize,
    /// The log model's non-media terms for the [`BASE_WEEKS`] weeks after the data.
    base: Vec<BaseWeek>,
    /// `ln B_k = b_k + σ²/2`, `k < BASE_WEEKS`.
    log_base: Vec<f64>,
    /// `B_k` for `k ≥ BASE_WEEKS`.
    base_beyond: f64,
    noise_variance: f64,
    noise_sd: f64,
    level: f64,
    controls: ControlAssumption,
}

/// The MM iteration's facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MmReport {
    /// Weighted problems solved (the step from `x = 0` included; the unweighted start not).
    pub iterations: usize,
    /// `(F(x^{i+1}) − F(xⁱ)) / |F(x^{i+1})|` of the last step (negative: the step was
    /// rejected, the previous plan kept).
    pub last_relative_change: f64,
    /// True when the last relative change is within [`MM_TOLERANCE`] (or a step was
    /// rejected at the solver's tolerance); false when [`MAX_MM_ITERATIONS`] ran out.
    pub converged: bool,
    /// `F` (revenue) of the start and of every accepted step: non-decreasing.
    pub objective_history: Vec<f64>,
    /// True when the start was the additive plan on the unweighted log curves, false when it
    /// was the step from `x = 0`.
    pub started_from_log_curves: bool,
}

/// A channel × week plan for the multiplicative form, with its revenue figures **in
/// revenue**. Weeks `k < N` are the period, later ones the carryover tail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiplicativePlan {
    /// The spend (its methods are the plan's, by `Deref`).
    #[serde(flatten)]
    schedule: SpendSchedule,
    /// `B_h`, `h < N`.
    base: Vec<f64>,
    /// `G_h(x)`, `h < N` (carry-in included).
    log_media: Vec<f64>,
    /// `G_h(0)`, `h < N`.
    log_carry_in: Vec<f64>,
    /// Week-major removal effect carry-in included, `B_h·e^{G_h}·(1 − e^{−g_{c,h}})`.
    contributions: Vec<f64>,
    /// Per channel: incremental removal effect over the tail weeks.
    tail: Vec<f64>,
    /// Per channel: incremental removal effect over the period and the tail.
    gain: Vec<f64>,
    /// `F`.
    media_revenue: f64,
    /// `Σ_{k ≥ N} B_k·(e^{G_k(x)} − e^{G_k(0)})`.
    tail_media: f64,
    /// `Σ_k B_k·(e^{G_k(0)} − 1)`.
    carry_in_revenue: f64,
    mm: Option<MmReport>,
    certificate: Option<Certificate>,
}

impl std::ops::Deref for MultiplicativePlan {
    type Target = SpendSchedule;

    fn deref(&self) -> &SpendSchedule {
        &self.schedule
    }
}

impl MultiplicativePlan {
    /// `B_h`, the base revenue of `week` (`exp(b_h + σ²/2)`).
    pub fn base(&self, week: usize) -> f64 {
        self.base[week]
    }

    /// `G_h(x) = Σ_c g_c(a_{c,h})`, ln revenue, carry-in included.
    pub fn log_media(&self, week: usize) -> f64 {
        self.log_media[week]
    }

    /// Channel `channel`'s removal effect in `week`, carry-in included:
    /// `B_h·e^{G_h}·(1 − e^{−g_{c,h}})`, what revenue would lose that week without the
    /// channel's adstock. The channels' effects do not add up to the week's media revenue
    /// (the product's cross terms belong to no channel alone).
    pub fn contribution(&self, week: usize, channel: usize) -> f64 {
        self.contributions[week * self.channel_names.len() + channel]
    }

    /// Media revenue of each week of the period, carry-in included: `B_h·(e^{G_h} − 1)`,
    /// what the forecast adds to the base.
    pub fn weekly_media(&self) -> Vec<f64> {
        self.base
            .iter()
            .zip(&self.log_media)
            .map(|(b, g)| b * g.exp_m1())
            .collect()
    }

    /// The plan's media revenue of each week of the period, incremental over spending
    /// nothing in the period: `B_h·(e^{G_h(x)} − e^{G_h(0)})`.
    pub fn weekly_gain(&self) -> Vec<f64> {
        self.base
            .iter()
            .zip(self.log_media.iter().zip(&self.log_carry_in))
            .map(|(b, (g, g0))| b * g0.exp() * (g - g0).exp_m1())
            .collect()
    }

    /// Per channel: the incremental removal effect after the period (what removing the
    /// channel's planned spend would cost in the tail weeks).
    pub fn tail_revenue(&self) -> &[f64] {
        &self.tail
    }

    /// `Σ_{k ≥ N} B_k·(e^{G_k(x)} − e^{G_k(0)})`: the plan's media revenue after the period.
    pub fn tail_media(&self) -> f64 {
        self.tail_media
    }

    /// Media revenue over the period and its tail had nothing been spent in the period:
    /// `Σ_k B_k·(e^{G_k(0)} − 1)`.
    pub fn carry_in_revenue(&self) -> f64 {
        self.carry_in_revenue
    }

    /// Channel `channel`'s incremental removal effect over the period and the tail:
    /// `F(x) − F(x without the channel's planned spend)`. These do not add up to
    /// [`MultiplicativePlan::media_revenue`].
    pub fn channel_revenue(&self, channel: usize) -> f64 {
        self.gain[channel]
    }

    /// `F(x) = Σ_k B_k·(e^{G_k(x)} − e^{G_k(0)})`: the plan's media revenue, incremental over
    /// spending nothing in the period, tail included. What the planner maximises.
    pub fn media_revenue(&self) -> f64 {
        self.media_revenue
    }

    /// `media_revenue / total_spend` (NaN for a plan that spends nothing).
    pub fn roas(&self) -> f64 {
        let spend = self.total_spend();
        if spend > 0.0 {
            self.media_revenue / spend
        } else {
            f64::NAN
        }
    }

    /// The MM iteration's facts; `None` for a plan that was only evaluated.
    pub fn mm(&self) -> Option<&MmReport> {
        self.mm.as_ref()
    }

    /// The certificate of the last weighted problem, re-based at this plan (see the module
    /// docs: a stationarity measure of `F`, in revenue; not a bound on `max F`). `None` for
    /// a plan that was only evaluated.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref()
    }
}

/// `g_{c,k}` of a plan over the path (both in scaled units' paths, values in ln revenue).
struct Evaluation {
    /// Per channel, `g_{c,k}(a_{c,k})` for `k < len_c`.
    g: Vec<Vec<f64>>,
    /// `G_k = Σ_c g_{c,k}` for `k < L = max_c len_c`.
    total: Vec<f64>,
}

impl MultiplicativeHorizon {
    /// The horizon of `model` fitted to `data`, for a plan period of `weeks` weeks: the
    /// dynamics on the log curves ([`HorizonModel::from_multiplicative`]) and the base of
    /// every week after the data (see the module docs), with `params`' control values and
    /// assumption (given values: one per planned week or one for all) and its interval level
    /// for [`MultiplicativeHorizon::forecast`].
    ///
    /// # Errors
    /// [`HorizonError::InvalidWeeks`]; as [`HorizonModel::from_fitted`] and
    /// [`Forecast::new`]; [`HorizonError::InvalidBase`] when a base overflows.
    pub fn new(
        model: &MultiplicativeModel,
        data: &WeeklyData,
        weeks: usize,
        params: &ForecastParams,
    ) -> Result<Self, HorizonError> {
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(HorizonError::InvalidWeeks(weeks));
        }
        let dynamics = HorizonModel::from_multiplicative(model, data)?;
        let log_model = model.log_model();
        let base = future_base(log_model, data, weeks, BASE_WEEKS, params)?;
        let half = model.noise_variance() / 2.0;
        let log_base: Vec<f64> = base.iter().map(|b| b.total() + half).collect();
        if let Some(week) = log_base.iter().position(|b| !b.exp().is_finite()) {
            return Err(HorizonError::InvalidBase {
                week,
                value: log_base[week].exp(),
            });
        }
        let last_year = &log_base[BASE_WEEKS - 52..];
        let base_beyond = last_year.iter().map(|b| b.exp()).sum::<f64>() / last_year.len() as f64;
        Ok(Self {
            dynamics,
            weeks,
            base,
            log_base,
            base_beyond,
            noise_variance: model.noise_variance(),
            noise_sd: out_of_sample_sd(log_model, data.len()),
            level: params.level,
            controls: params.controls,
        })
    }

    /// The channels' dynamics on the log curves: check [`super::HorizonParams`] against it.
    pub fn dynamics(&self) -> &HorizonModel {
        &self.dynamics
    }

    /// The plan period N, weeks.
    pub fn weeks(&self) -> usize {
        self.weeks
    }

    /// `B_k`, the base revenue of week `k` after the data (period, then tail).
    pub fn base(&self, k: usize) -> f64 {
        self.log_base.get(k).map_or(self.base_beyond, |b| b.exp())
    }

    /// `σ²` of ln revenue (the mean prediction is `exp(μ + σ²/2)`).
    pub fn noise_variance(&self) -> f64 {
        self.noise_variance
    }

    /// Checks that `problem` was checked against [`MultiplicativeHorizon::dynamics`] for
    /// this horizon's period, and returns it without time weights.
    fn matching(&self, problem: &HorizonProblem) -> Result<HorizonProblem, HorizonError> {
        if problem.weeks() != self.weeks {
            return Err(HorizonError::DataMismatch(format!(
                "the problem plans {} weeks, the multiplicative horizon was built for {}",
                problem.weeks(),
                self.weeks
            )));
        }
        if problem.model() != &self.dynamics {
            return Err(HorizonError::DataMismatch(
                "the problem was not checked against this horizon's dynamics".into(),
            ));
        }
        let mut plain = problem.clone();
        plain.time_weights = None;
        Ok(plain)
    }

    /// `g_{c,k}` and `G_k` of the plan `spend` (currency, week-major) on `scaled`'s paths.
    fn evaluate_paths(&self, scaled: &Scaled, spend: &[f64]) -> Evaluation {
        let (weeks, channels) = (scaled.weeks, scaled.channels);
        let longest = scaled.paths.iter().map(|p| p.len).max().unwrap_or(weeks);
        let mut total = vec![0.0; longest];
        let mut adstock = Vec::new();
        let g = scaled
            .paths
            .iter()
            .enumerate()
            .map(|(c, path)| {
                path.adstock(
                    (0..weeks).map(|h| spend[h * channels + c] / scaled.money),
                    &mut adstock,
                );
                adstock
                    .iter()
                    .enumerate()
                    .map(|(k, &a)| {
                        let value = path.curve(k, a, Curves::True).0 * scaled.revenue;
                        total[k] += value;
                        value
                    })
                    .collect()
            })
            .collect();
        Evaluation { g, total }
    }

    /// `F(x) = Σ_k B_k·e^{G_k(0)}·(e^{G_k(x) − G_k(0)} − 1)`.
    fn objective(&self, at: &Evaluation, zero: &Evaluation) -> f64 {
        at.total
            .iter()
            .zip(&zero.total)
            .enumerate()
            .map(|(k, (g, g0))| self.base(k) * g0.exp() * (g - g0).exp_m1())
            .sum()
    }

    /// The MM weights `w_k = B_k·exp(G_k)` over the path and after it (`G = 0` there).
    fn weights(&self, at: &Evaluation) -> (Vec<f64>, f64) {
        let values = at
            .total
            .iter()
            .enumerate()
            .map(|(k, g)| self.base(k) * g.exp())
            .collect();
        (values, self.base(at.total.len()).max(self.base_beyond))
    }

    /// Evaluates any plan (`spend`, week-major `week·C + channel`, currency) for `problem`
    /// (checked against [`MultiplicativeHorizon::dynamics`]): its revenue figures in revenue,
    /// no MM report and no certificate. The plan need not respect the budget or the caps.
    ///
    /// # Errors
    /// [`HorizonError::DataMismatch`] for a problem of another horizon;
    /// [`HorizonError::LengthMismatch`] / [`HorizonError::InvalidFixed`] as
    /// [`super::evaluate_plan`].
    pub fn evaluate(
        &self,
        problem: &HorizonProblem,
        spend: &[f64],
    ) -> Result<MultiplicativePlan, HorizonError> {
        let plain = self.matching(problem)?;
        // Validates the plan's length and amounts.
        super::evaluate_plan(&plain, spend)?;
        let scaled = scale(&plain);
        Ok(self.build(&scaled, spend, None, None))
    }

    /// The plan's figures (see [`MultiplicativePlan`]).
    fn build(
        &self,
        scaled: &Scaled,
        spend: &[f64],
        mm: Option<MmReport>,
        certificate: Option<Certificate>,
    ) -> MultiplicativePlan {
        let (weeks, channels) = (scaled.weeks, scaled.channels);
        let at = self.evaluate_paths(scaled, spend);
        let zero = self.evaluate_paths(scaled, &vec![0.0; spend.len()]);
        let media_revenue = self.objective(&at, &zero);
        let mut contributions = vec![0.0; weeks * channels];
        let mut tail = vec![0.0; channels];
        let mut gain = vec![0.0; channels];
        let (mut tail_media, mut carry_in_revenue) = (0.0, 0.0);
        for (k, (&g, &g0)) in at.total.iter().zip(&zero.total).enumerate() {
            let base = self.base(k);
            let revenue = base * g.exp();
            carry_in_revenue += base * g0.exp_m1();
            if k >= weeks {
                tail_media += base * g0.exp() * (g - g0).exp_m1();
            }
            for c in 0..channels {
                let (own, own0) = (
                    at.g[c].get(k).copied().unwrap_or(0.0),
                    zero.g[c].get(k).copied().unwrap_or(0.0),
                );
                // B_k·(e^{G_k} − e^{G_k − g_ck + g_ck(0)})
                let removal = -revenue * (own0 - own).exp_m1();
                gain[c] += removal;
                if k < weeks {
                    contributions[k * channels + c] = -revenue * (-own).exp_m1();
                } else {
                    tail[c] += removal;
                }
            }
        }
        MultiplicativePlan {
            schedule: SpendSchedule {
                channel_names: self
                    .dynamics
                    .channel_names()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                weeks,
                spend: spend.to_vec(),
            },
            base: (0..weeks).map(|h| self.base(h)).collect(),
            log_media: at.total[..weeks].to_vec(),
            log_carry_in: zero.total[..weeks].to_vec(),
            contributions,
            tail,
            gain,
            media_revenue,
            tail_media,
            carry_in_revenue,
            mm,
            certificate,
        }
    }

    /// The weekly revenue forecast of `plan` (see the module docs): per week the layers
    /// base, trend, seasonality, controls and media in revenue, adding up to the mean
    /// `B_h·e^{G_h}`, with the lognormal interval; `noise_sd` is `σ_out` of **ln revenue**.
    pub fn forecast(&self, plan: &MultiplicativePlan) -> Forecast {
        let z = inverse_normal_cdf(0.5 + self.level / 2.0);
        let half = self.noise_variance / 2.0;
        let sd = self.noise_sd;
        let mut weeks = Vec::with_capacity(plan.weeks);
        let mut variance = 0.0;
        for (b, &g) in self.base.iter().zip(&plan.log_media) {
            let level = (b.baseline + b.trend + half).exp();
            let intercept_only = (b.baseline + half).exp();
            let seasonal = level * b.seasonality.exp();
            let with_controls = seasonal * b.controls.exp();
            let revenue = with_controls * g.exp();
            let centre = b.total() + g;
            variance += revenue * revenue * (sd * sd).exp_m1();
            weeks.push(ForecastWeek {
                date: b.date,
                baseline: intercept_only,
                trend: level - intercept_only,
                seasonality: seasonal - level,
                controls: with_controls - seasonal,
                media: revenue - with_controls,
                revenue,
                lower: (centre - z * sd).exp(),
                upper: (centre + z * sd).exp(),
            });
        }
        let total_revenue: f64 = weeks.iter().map(|w| w.revenue).sum();
        let spread = z * variance.sqrt();
        Forecast {
            weeks,
            level: self.level,
            noise_sd: sd,
            controls: self.controls,
            total_revenue,
            total_lower: total_revenue - spread,
            total_upper: total_revenue + spread,
        }
    }
}

impl HorizonOptimizer {
    /// The plan that maximises the multiplicative form's media revenue
    /// `F(x) = Σ_k B_k·[e^{G_k(x)} − e^{G_k(0)}]` (period and tail) under `problem`'s budget,
    /// caps and fixed amounts, by minorise–maximise over weighted horizon problems (see
    /// [`MultiplicativeHorizon`] and the [module docs](crate::optimize::horizon)):
    /// a stationary point of `F`, improved monotonically from the better of the additive plan
    /// on the log curves and the step from `x = 0`. Each weighted solve after the unweighted
    /// start resumes the barrier from the previous one's end point unless
    /// [`HorizonOptimizer::with_warm_starts`]`(false)` (see the module docs: same plan and
    /// certificate to the solver's tolerance, ≈ 3.5× fewer Newton steps on the store).
    /// `problem` must be checked against [`MultiplicativeHorizon::dynamics`]; time weights on
    /// it are ignored.
    ///
    /// # Errors
    /// [`HorizonError::DataMismatch`] for a problem of another horizon; as
    /// [`HorizonOptimizer::solve`].
    pub fn solve_multiplicative(
        &mut self,
        horizon: &MultiplicativeHorizon,
        problem: &HorizonProblem,
    ) -> Result<MultiplicativePlan, HorizonError> {
        let plain = horizon.matching(problem)?;
        let scaled = scale(&plain);
        let zero = horizon.evaluate_paths(&scaled, &vec![0.0; plain.lower.len()]);
        let mut steps = 0;
        let warm_starts = self.warm_starts();
        // Every weighted problem has `plain`'s constraints, so a solve's barrier end point
        // is a valid (strictly feasible) start for the next; see `solve_from`.
        let solve_weighted = |optimizer: &mut HorizonOptimizer,
                              at: &Evaluation,
                              warm: Option<&WarmStart>| {
            let (values, beyond) = horizon.weights(at);
            let weighted = plain.clone().with_time_weights(values.clone(), beyond)?;
            let (plan, resume) = optimizer.solve_from(&weighted, warm.filter(|_| warm_starts))?;
            let certificate = plan.certificate().copied();
            Ok::<_, HorizonError>((
                plan.spend_matrix().to_vec(),
                values,
                beyond,
                certificate,
                resume,
            ))
        };

        // The two starts.
        let (unweighted, unweighted_resume) = self.solve_from(&plain, None)?;
        if let Some(c) = unweighted.certificate() {
            steps += c.newton_steps;
        }
        let log_curves_plan = unweighted.spend_matrix().to_vec();
        let log_curves_value =
            horizon.objective(&horizon.evaluate_paths(&scaled, &log_curves_plan), &zero);
        let (from_zero, mut weights, mut beyond, mut certificate, from_zero_resume) =
            solve_weighted(self, &zero, unweighted_resume.as_ref())?;
        let mut iterations = 1;
        if let Some(c) = certificate {
            steps += c.newton_steps;
        }
        let from_zero_value =
            horizon.objective(&horizon.evaluate_paths(&scaled, &from_zero), &zero);
        let started_from_log_curves = log_curves_value > from_zero_value;
        // The barrier end point of the solve whose plan is x.
        let (mut x, mut value, mut resume) = if started_from_log_curves {
            (log_curves_plan, log_curves_value, unweighted_resume)
        } else {
            (from_zero, from_zero_value, from_zero_resume)
        };
        let mut history = vec![value];
        let mut last_change = f64::NAN;
        let mut converged = false;
        for _ in 0..MAX_MM_ITERATIONS {
            let at = horizon.evaluate_paths(&scaled, &x);
            let (next, w, b, cert, next_resume) = solve_weighted(self, &at, resume.as_ref())?;
            iterations += 1;
            if let Some(c) = cert {
                steps += c.newton_steps;
            }
            let next_value = horizon.objective(&horizon.evaluate_paths(&scaled, &next), &zero);
            last_change = (next_value - value) / next_value.abs().max(f64::MIN_POSITIVE);
            // The weights (and the certificate) of the minoriser at the plan returned.
            (weights, beyond, certificate) = (w, b, cert);
            if next_value < value {
                // The weighted solve's tolerance: keep the better plan.
                converged = last_change.abs() <= 1e-8;
                break;
            }
            x = next;
            value = next_value;
            resume = next_resume;
            history.push(value);
            if last_change.abs() <= MM_TOLERANCE {
                converged = true;
                break;
            }
        }
        // The last weighted problem's certificate, re-based at the returned plan: the
        // linearised gain Σ_k w_k·(G_k(x) − G_k(0)) and the bound on every feasible plan's.
        let at = horizon.evaluate_paths(&scaled, &x);
        let linear: f64 = at
            .total
            .iter()
            .zip(&zero.total)
            .enumerate()
            .map(|(k, (g, g0))| weights.get(k).copied().unwrap_or(beyond) * (g - g0))
            .sum();
        let certificate = certificate.map(|c| {
            let upper = c.upper_bound.max(linear);
            Certificate {
                lower_bound: linear,
                upper_bound: upper,
                relative_gap: if upper.abs() > 0.0 {
                    (upper - linear) / upper.abs()
                } else {
                    0.0
                },
                concave: c.concave,
                newton_steps: steps,
            }
        });
        let mm = MmReport {
            iterations,
            last_relative_change: last_change,
            converged,
            objective_history: history,
            started_from_log_curves,
        };
        Ok(horizon.build(&scaled, &x, Some(mm), certificate))
    }
}
