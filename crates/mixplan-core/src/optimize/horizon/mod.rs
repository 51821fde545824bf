//! The multi-week (horizon) optimiser: a total budget over the next `N` weeks split across
//! channels **and** weeks, through the model's carryover, with a certificate of quality; and
//! the weekly revenue forecast of a plan.
//!
//! # Problem
//!
//! For channel `c` with Hill response `f_c = β_c·hill(·; K_c, s_c)` and a plan `x_{h,c}`
//! (`h = 0 … N−1`, zero after the period), the adstock `a_{c,k}` of week `k` follows the
//! channel's carryover ([`ChannelCarryover`]):
//!
//! * **geometric** (decay `θ_c`, carry-in `a_{c,−1}`, the adstock state after the last
//!   observed week): `a_{c,h} = θ_c·a_{c,h−1} + (1 − θ_c)·x_{h,c}` for `h < N` and
//!   `a_{c,h} = θ_c·a_{c,h−1}` for `h ≥ N`; the tail is summed until its remainder is below
//!   1e-12 of a week's effect (the bound left over is added to the certificate);
//! * **finite kernel** (weights `W_{c,0} … W_{c,L−1}`, e.g. a normalised Weibull CDF or PDF
//!   kernel): `a_{c,k} = h_{c,k} + Σ_{l<L} W_{c,l}·x_{k−l,c}` where `h_{c,k}` is the observed
//!   history's part of week `k` (non-zero for `k < L − 1` only); the tail is exactly the
//!   `L − 1` weeks after the period, with nothing left over.
//!
//! Either way `a` is affine in the plan with non-negative coefficients
//! (`∂a_k/∂x_j = (1 − θ)·θ^(k−j)` or `W_{k−j}`), which is all the method below needs. The
//! optimiser solves
//!
//! ```text
//! maximise   F(x) = Σ_c Σ_{k ≥ 0} [ f_c(a_{c,k}(x)) − f_c(a_{c,k}(0)) ]
//! subject to Σ_{h,c} x_{h,c} = B,   lo_{h,c} ≤ x_{h,c} ≤ hi_{h,c}   (caps; lo = hi when fixed)
//!            Σ_c x_{h,c} ≤ W_h,      Σ_h x_{h,c} ≤ C_c
//! ```
//!
//! `F` is the media revenue the plan adds over spending nothing in the period, **the
//! carryover tail after the period included**. The baseline, trend, seasonality and controls enter the model
//! additively, so they do not depend on the plan and drop out of the optimisation: in this
//! model the season changes the forecast, not the return on media. The timing of the plan
//! comes only from the carry-in (weeks right after heavy past spend are already partly
//! saturated), from the carryover (spend late in the period earns part of its effect after
//! the period — counted, but with the saturation of those weeks) and from the caps.
//!
//! # Method
//!
//! 1. **Tighten** each cell's bounds by the budget and the week and channel caps (nothing
//!    feasible is removed, every bound becomes finite) and scale money by the budget.
//! 2. **Concave relaxation.** Each adstock `a_{c,k}` ranges over an interval `[ǎ_k, â_k]`
//!    fixed by the bounds. Replace `f_c` at time `k` by its concave envelope on that
//!    interval (chord from `ǎ_k` to the tangent point, then the curve; the curve itself when
//!    concave). `F̂ ≥ F` on the feasible set, and `F̂` is concave in `x` (a sum of concave
//!    non-decreasing functions of affine maps of `x`).
//! 3. **Barrier method** (see `barrier`): Newton steps on `t·F̂ + Σ ln(slacks)` with the
//!    budget as an equality, `t` raised ×20 until `m/t ≤ 1e-8·|F̂|`. The gradient and the
//!    Hessian of `F̂` come from backward recursions over time (geometric) or from the kernel's
//!    band (`∂²F/∂x_i∂x_j = Σ_k W_{k−i}·W_{k−j}·g_k''`, zero for `|i − j| ≥ L`; see
//!    `revenue`), so each Newton step costs one pass over the period and its tail plus one
//!    dense Cholesky factorisation. Then an **active-set polish**: the constraints whose multiplier exceeds
//!    their slack are made equalities and Newton's method solves the rest to rounding.
//! 4. **Certificate.** Because `F̂` is concave, for the final `x`:
//!    `max F ≤ max F̂ ≤ F̂(x) + max_{y feasible} ∇F̂(x)·(y − x)`, and the linear maximum is
//!    bounded by weak LP duality with cap multipliers `u ≥ 0` and the best budget
//!    multiplier. This bound holds whatever the solver did; the plan's true value `F(x)` is
//!    the lower bound. For concave curves `F̂ = F` and the gap is rounding (≈ 1e-13).
//! 5. **S-shaped curves:** the relaxation's plan is then polished by Newton ascent on the
//!    true curves (second derivative clipped to ≤ 0), kept if better; the gap to the
//!    envelope bound is reported as it is.
//!
//! # Time weights
//!
//! [`HorizonProblem::with_time_weights`] multiplies every channel's revenue of time index `k`
//! (period, then tail) by a weight `ω_k ≥ 0`: `F(x) = Σ_c Σ_k ω_k·[f_c(a_{c,k}(x)) − f_c(a_{c,k}(0))]`.
//! The method above is unchanged (`ω_k·f_c` has the concave envelope `ω_k·envelope(f_c)`, its
//! gradient and Hessian are the recursions' with `g_k` read as `ω_k·g_k`, the tail remainder is
//! multiplied by the largest weight past the summed tail), and so is the certificate, now of
//! the weighted objective. Without weights, or with all weights 1, every result is bit-identical.
//!
//! # The multiplicative form
//!
//! In the multiplicative form ([`crate::model::MultiplicativeModel`]) week `k` earns
//! `B_k·exp(Σ_c g_c(a_{c,k}))`, so the base `B_k` (season, trend, controls) multiplies every
//! channel's effect and the plan maximises `F(x) = Σ_k B_k·[exp(G_k(x)) − exp(G_k(0))]`.
//! [`MultiplicativeHorizon`] holds the log curves' dynamics and `B_k`;
//! [`HorizonOptimizer::solve_multiplicative`] runs minorise–maximise: each step solves the
//! weighted problem above with `ω_k = B_k·exp(G_k(xⁱ))` (`exp(u) ≥ exp(u₀)(1 + u − u₀)`), so `F`
//! never decreases; the result is a stationary point of `F` (not concave), and its
//! certificate is the last weighted problem's. The weighted problems share their constraints,
//! so each solve resumes the barrier from the previous one's last centre at the final barrier
//! weight (warm start; same end point, polish and certificate as a cold solve). [`MultiplicativeHorizon::forecast`] gives the
//! weekly revenue with a lognormal interval. Details on [`MultiplicativeHorizon`]'s module
//! (`multiplicative.rs`) and in `docs/optimizer.md`, "The multiplicative horizon".
//!
//! # Example
//!
//! ```
//! use mixplan_core::optimize::horizon::{ChannelDynamics, HorizonModel, HorizonOptimizer, HorizonParams};
//! use mixplan_core::response::HillResponse;
//!
//! let model = HorizonModel::new(vec![
//!     ChannelDynamics::new("search", HillResponse::new(40_000.0, 8_000.0, 0.8)?, 0.3, 6_000.0)?,
//!     ChannelDynamics::new("tv", HillResponse::new(60_000.0, 15_000.0, 1.0)?, 0.7, 9_000.0)?,
//! ])?;
//! let problem = HorizonParams::new(13, 250_000.0).cap_week(0, 10_000.0).check(&model)?;
//! let plan = HorizonOptimizer::new().solve(&problem)?;
//! assert!((plan.total_spend() - 250_000.0).abs() < 0.01);
//! let certificate = plan.certificate().unwrap();
//! assert!(certificate.relative_gap <= 1e-6);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod barrier;
mod dynamics;
mod error;
mod forecast;
mod multiplicative;
mod period_plan;
mod plan;
mod problem;
mod revenue;
mod solver;

pub use dynamics::{ChannelCarryover, ChannelDynamics, HorizonModel};
pub use error::HorizonError;
pub use forecast::{ControlAssumption, Forecast, ForecastParams, ForecastWeek};
pub use multiplicative::{
    BASE_WEEKS, MAX_MM_ITERATIONS, MM_TOLERANCE, MmReport, MultiplicativeHorizon,
    MultiplicativePlan,
};
pub use period_plan::PeriodPlan;
pub use plan::{Certificate, HorizonPlan, SpendSchedule};
pub use problem::{
    CellCap, ChannelCap, DEFAULT_WEEKS, FixedSpend, HorizonParams, HorizonProblem, MAX_WEEKS,
    WeekCap,
};
pub use solver::{HorizonOptimizer, evaluate_plan};
