//! The exact budget optimiser.
//!
//! # Problem
//!
//! Given one steady-state response curve `f_c` per channel (weekly revenue as a function of
//! a weekly spend sustained over time, see [`crate::response`]), a weekly budget `B` and
//! per-channel bounds,
//!
//! ```text
//! maximise   F(x) = Σ_c f_c(x_c)
//! subject to Σ_c x_c = B,   lo_c ≤ x_c ≤ hi_c      (hi_c may be +∞)
//! ```
//!
//! Each `f_c` is concave, or S-shaped (convex up to its inflection `p_c`, concave after);
//! the [`ResponseCurve`] trait states the contract. The model's total is baseline + `F`.
//!
//! # Algorithm
//!
//! A branch-and-bound over boxes `[a_c, b_c]` (one per channel; the root boxes are the
//! bounds), each node solved through concave envelopes and one Lagrange multiplier.
//!
//! 1. **Tighten the boxes** by the budget: `b_c ← min(b_c, a_c + B − Σ a)`, then
//!    `a_c ← max(a_c, B − Σ_{j≠c} b_j)`. Neither removes a feasible point; every box becomes
//!    finite.
//! 2. **Concave envelopes.** On `[a, b]` the concave envelope `f̂` of an S-shaped curve with
//!    `a < p` is the chord from `(a, f(a))` to `(e, f(e))` followed by the curve on
//!    `[e, b]`, where `e = min(t, b)` and `t > p` is the tangent point
//!    `f'(t)·(t − a) = f(t) − f(a)` (unique: `h(t) = f(t) − f(a) − f'(t)(t − a)` has
//!    `h' = −f''(t)(t − a) > 0` on the concave part). For `b ≤ p` it is the chord from `a` to
//!    `b`. Concave curves, and S-shaped ones with `a ≥ p`, are their own envelope. A flat
//!    curve (`β = 0`) is a straight piece of slope 0 that *is* the curve.
//! 3. **One multiplier.** `max Σ f̂_c` s.t. `Σ x = B` on the boxes is concave and
//!    separable, so the KKT conditions are necessary and sufficient: there is a level λ with
//!    every channel at its demand `x_c(λ) = argmax f̂_c(x) − λ·x` (at `a` when
//!    `f̂_c'(a) ≤ λ`, at `b` when `f̂_c'(b) ≥ λ`, else where `f_c'(x) = λ`) and
//!    `S(λ) = Σ x_c(λ) = B`. `S` is non-increasing, smooth between breakpoints — the
//!    chord slopes `σ_c`, where a channel may take any point of its chord (a jump), and the
//!    levels `f_c'(start)`, `f_c'(hi)` where a channel leaves a bound (a kink). λ is found in
//!    `ln λ` inside a bracket `S(lo) > B > S(hi)`: a Newton step (on `ln S` far from the
//!    root, where demands behave like powers of λ; on `S` near it) when it stays in the
//!    bracket and keeps halving the error; otherwise a probe at the median breakpoint inside
//!    the bracket (so no step crosses a kink or jump blind); with none left, regula falsi
//!    (Illinois) or bisection. It stops at `|S − B| ≤ 1e-10·B`, usually after 2–5
//!    evaluations of `S`. Each demand is the root of `f_c'(x) = λ` on a concave stretch;
//!    for the Hill curve it is found by Newton in logs, where the log-marginal is concave in
//!    log-spend so the iteration is monotone, started from a first-order prediction off the
//!    channel's previous inverse (one or two steps). If λ falls exactly on a chord slope, the channels on that slope
//!    share the rest of the budget: flat curves in proportion to their room (so an all-flat
//!    problem still places the whole budget, deterministically), then chords one at a time
//!    to their end, so at most one channel is left strictly inside a chord. The rounding
//!    remainder goes to channels strictly inside their concave part, last channel first,
//!    then to any channel with room; no bound is crossed.
//! 4. **Bound, incumbent, branch.** The node's envelope optimum `U = Σ f̂_c(x_c)` is an
//!    upper bound on the node's true optimum (`f̂ ≥ f`); its split is feasible, so
//!    `Σ f_c(x_c)` is a lower bound and becomes the incumbent if it is the best so far. If
//!    no channel has `f̂_c(x_c) > f_c(x_c)` the node is solved exactly. Otherwise (the
//!    channel `c` with the widest gap, inside its chord; the tie rule leaves at most one)
//!    and unless `U ≤ best + 1e-12·|best|`, the box
//!    of `c` is split at `z` into `[a, z]` and `[z, b]`, and both children are solved, depth
//!    first, the one nearer the envelope solution first. `z` is the inflection `p` when the
//!    box straddles it (the upper child is then concave: exact for `c`; the lower one is a
//!    single chord), else the envelope solution clamped to the middle three quarters of the
//!    chord.
//!
//! # Exactness
//!
//! *Nothing is lost by branching:* the children `[a, z]` and `[z, b]` cover the parent's
//! box, so every feasible point of a node lies in one of its children, and tightening
//! (step 1) removes no feasible point. *Nothing is lost by pruning* except at most the
//! tolerance: a node is discarded only when its upper bound `U` does not beat a feasible
//! value by more than `1e-12` relative. *Leaves are exact:* a node with no envelope gap at
//! its envelope optimum has `Σ f(x) = U ≥` its true optimum. *The search ends:* each
//! split either makes the channel concave on the upper child or shrinks its chord by at
//! least an eighth, and on a box of width `w` inside the convex part the gap is at most
//! `max f''·w²/8`, so finitely many splits push every bound under the tolerance. Hence the
//! returned split is feasible, places the whole budget, and is optimal to within the
//! tolerances (pruning `1e-12` relative; the budget equation is solved to `1e-10·B`
//! and the remainder placed where it moves the objective only to second order) — not a
//! local optimum.
//!
//! In the common case the optimum has every S-shaped channel at its minimum or on its
//! concave part; then the leaves have no gap and the search ends after 1–3 nodes. An
//! optimum can also put an S-shaped channel strictly inside its convex part (when another
//! channel saturates almost at once and the rest of the budget must go somewhere — see the
//! test `optimum_inside_the_convex_part_is_found`): there the boxes shrink around it, a few
//! tens of nodes. This is why the simpler split "channel at its minimum, or past its
//! tangent point" is **not** used: it excludes the open interval between them and misses
//! that optimum (by 30 % in that test).
//!
//! # Modes
//!
//! | mode | how |
//! |---|---|
//! | minimums, maximums | [`SpendBounds`] per channel |
//! | locked channel | [`SpendBounds::locked`] (`min = max`) |
//! | extra budget | [`BudgetProblem::extra_budget`]: minimums raised to the current plan, budget `Σ current + X` |
//! | target ROAS | [`RoasProblem`] + [`Optimizer::solve_roas`]: the largest budget with optimal media ROAS ≥ target; media revenue additive, or `B̄·(e^{S*} − 1)` with [`RoasProblem::with_form`] |
//! | target revenue | [`RevenueProblem`] + [`Optimizer::solve_revenue_target`]: the smallest budget with optimal media revenue ≥ target (bisection; `F*` is monotone) |
//!
//! # Example
//!
//! ```
//! use mixplan_core::optimize::{BudgetProblem, Optimizer, SpendBounds};
//! use mixplan_core::response::HillResponse;
//!
//! let curves = [
//!     HillResponse::new(40_000.0, 8_000.0, 1.0).unwrap(),  // concave
//!     HillResponse::new(60_000.0, 15_000.0, 2.5).unwrap(), // S-shaped
//! ];
//! let bounds = [SpendBounds::FREE, SpendBounds::at_most(20_000.0)];
//! let problem = BudgetProblem::new(&curves, &bounds, 25_000.0).unwrap();
//! let mut optimizer = Optimizer::new(); // keep it: reusing it avoids allocations
//! let best = optimizer.solve(&problem);
//! assert!((best.spend().iter().sum::<f64>() - 25_000.0).abs() < 1e-8);
//! println!("{:?} earns {:.0} per week", best.spend(), best.media_revenue());
//! ```

mod curve;
mod error;
pub mod horizon;
mod plan;
mod problem;
mod revenue_target;
mod solver;

pub use curve::ResponseCurve;
pub use error::OptimizeError;
pub use plan::{
    Allocation, BoundStatus, Plan, RevenueForm, RoasPlan, SolveStats, Uplift, scale_mix,
};
pub use problem::{BudgetProblem, RoasProblem, SpendBounds};
pub use revenue_target::{RevenuePlan, RevenueProblem};
pub use solver::Optimizer;

/// Convenience for one-off solves: builds the problem and solves it with a fresh
/// [`Optimizer`]. For repeated solves (a slider), keep an `Optimizer` instead.
///
/// # Errors
/// As [`BudgetProblem::new`].
pub fn optimize<C: ResponseCurve>(
    curves: &[C],
    bounds: &[SpendBounds],
    budget: f64,
) -> Result<Allocation, OptimizeError> {
    let problem = BudgetProblem::new(curves, bounds, budget)?;
    Ok(Optimizer::new().solve(&problem))
}
