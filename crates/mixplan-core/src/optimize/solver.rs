//! The exact solver: concave envelopes, one multiplier per node, a small branch-and-bound.
//! The algorithm and its exactness argument are in the [module docs](super).
//!
//! Over 700 lines on purpose: the envelopes, the multiplier search, the residual placement
//! and the branch-and-bound are one algorithm sharing one [`Optimizer`]'s scratch lanes.

use super::curve::ResponseCurve;
use super::error::OptimizeError;
#[cfg(doc)]
use super::plan::RevenueForm;
use super::plan::{Allocation, BoundStatus, Plan, RoasPlan, SolveStats};
use super::problem::{BudgetProblem, RoasProblem, SpendBounds};

/// Relative tolerance on `|S(λ) − B|` at which the multiplier search stops; the remainder
/// is placed by [`Optimizer::absorb_residual`].
const SUM_TOLERANCE: f64 = 1e-10;
/// Relative tolerance of the bound test: a node is pruned when its envelope value is not
/// above the incumbent by more than this.
const PRUNE_TOLERANCE: f64 = 1e-12;
/// Cap on the multiplier iterations of one node (they converge in about ten).
const MAX_MULTIPLIER_ITERATIONS: usize = 200;
/// Default cap on branch-and-bound nodes (see [`Optimizer::with_max_nodes`]).
const DEFAULT_MAX_NODES: u32 = 1 << 16;
/// Relative width under which a target-ROAS search interval `[a, b]` counts as a point:
/// `b − a ≤ 1e-10·b`, or `≤ 1e-12·ceiling` (budgets a trillion times below the search
/// range are not worth resolving; searches can run down towards zero).
const ROAS_TOLERANCE: f64 = 1e-10;
/// Cap on the budget problems one target-ROAS search may solve.
const MAX_ROAS_SOLVES: u32 = 2_000;

/// The shape of a channel's envelope in the current node.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    /// No room: spend is `lo`.
    Fixed,
    /// Concave on `[lo, hi]`: the envelope is the curve.
    Concave,
    /// A straight piece of slope `sigma` from `lo` to `end`, then the (concave) curve on
    /// `[end, hi]`. `exact` when the straight piece is the curve itself (a flat curve).
    Jump { sigma: f64, end: f64, exact: bool },
}

/// Working state of one channel.
#[derive(Debug, Clone, Copy)]
struct Lane {
    /// The problem's bounds (`max` already cut to `min + B − Σ min`).
    min: f64,
    max: f64,
    /// The branch-and-bound box of the current node, `[min, max]` at the root.
    box_lo: f64,
    box_hi: f64,
    /// The inflection `p` (`NaN` for a concave curve).
    inflection: f64,
    /// Cached tangent point: `tangent = min(t(tangent_from), max)`.
    tangent_from: f64,
    tangent: f64,
    // Node state: the box tightened by the budget, and the envelope on it.
    lo: f64,
    hi: f64,
    piece: Piece,
    /// `f(lo)` and `f'(lo)`, cached for `lo = base_at`.
    base_at: f64,
    base: f64,
    m_lo: f64,
    /// Start of the concave part and `f'` at its two ends.
    start: f64,
    m_start: f64,
    m_hi: f64,
    /// `ln start` and `ln hi`, for the log-space inverse.
    log_start: f64,
    log_hi: f64,
    // Evaluation state: demand just above λ and just below λ.
    x: f64,
    x_below: f64,
    // Warm start: the last inverse solved on this lane, `u = ln x` at `ln λ`, with `φ'(u)`.
    u: f64,
    u_level: f64,
    u_slope: f64,
}

impl Lane {
    const EMPTY: Self = Self {
        min: 0.0,
        max: 0.0,
        box_lo: 0.0,
        box_hi: 0.0,
        inflection: f64::NAN,
        tangent_from: f64::NAN,
        tangent: f64::NAN,
        lo: 0.0,
        hi: 0.0,
        piece: Piece::Fixed,
        base_at: f64::NAN,
        base: 0.0,
        m_lo: 0.0,
        start: 0.0,
        m_start: 0.0,
        m_hi: 0.0,
        log_start: 0.0,
        log_hi: 0.0,
        x: 0.0,
        x_below: 0.0,
        u: f64::NAN,
        u_level: f64::NAN,
        u_slope: f64::NAN,
    };

    /// Demand on the concave part `[start, hi]` at level `λ`: the `x` with `f'(x) = λ`,
    /// clamped. Returns `(x, dx/d ln λ)`. The inverse starts from a first-order prediction
    /// off the lane's last inverse, `u + (ln λ − ln λ_last)/φ'(u)`, so that one or two
    /// Newton steps finish it.
    #[inline]
    fn concave_demand<C: ResponseCurve>(
        &mut self,
        curve: &C,
        level: f64,
        log_level: f64,
    ) -> (f64, f64) {
        if self.start >= self.hi || level >= self.m_start {
            (self.start, 0.0)
        } else if level <= self.m_hi {
            (self.hi, 0.0)
        } else {
            let hint = self.u + (log_level - self.u_level) / self.u_slope;
            let (u, slope) = curve.solve_log_marginal(log_level, self.log_start, self.log_hi, hint);
            (self.u, self.u_level, self.u_slope) = (u, log_level, slope);
            let x = u.exp().clamp(self.start, self.hi);
            (x, if slope < 0.0 { x / slope } else { 0.0 })
        }
    }

    /// Envelope value at `x`, given `f(x)`.
    fn envelope(&self, x: f64, value: f64) -> f64 {
        match self.piece {
            Piece::Jump {
                sigma,
                end,
                exact: false,
            } if x < end => self.base + sigma * (x - self.lo),
            _ => value,
        }
    }
}

/// Result of solving one node's envelope problem.
struct NodeSolution {
    /// Envelope optimum: an upper bound on the node's true optimum.
    bound: f64,
    /// True objective of the node's (feasible) split.
    value: f64,
    /// A channel left strictly inside a non-exact straight piece, if any.
    ambiguous: Option<usize>,
    level: f64,
}

/// Sums from one evaluation of the demand at a level λ.
struct Totals {
    /// `S(λ⁺)`: total demand with channels whose straight piece has slope λ at its start.
    above: f64,
    /// `S(λ⁻)`: the same with those channels at the end of the straight piece.
    below: f64,
    /// `dS/d ln λ` (≤ 0).
    slope: f64,
    /// The part of `above` that moves with λ.
    moving: f64,
}

/// The exact budget optimiser. Holds reusable scratch space, so that repeated solves (one
/// per slider move) allocate only their result; also remembers the last solution as a warm
/// start. Create once, call [`solve`](Self::solve) many times.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `max_nodes` | 65 536 | branch-and-bound node cap; reached only with dozens of S-shaped channels, and reported in [`SolveStats::proven_optimal`] |
#[derive(Debug, Clone)]
pub struct Optimizer {
    lanes: Vec<Lane>,
    breakpoints: Vec<f64>,
    best: Vec<f64>,
    best_value: f64,
    best_level: f64,
    warm_level: f64,
    budget: f64,
    stats: SolveStats,
    max_nodes: u32,
    /// Tighten node boxes by the budget (off only for [`Optimizer::envelope_line`]).
    tighten: bool,
}

impl Default for Optimizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Optimizer {
    /// A solver with default settings.
    pub fn new() -> Self {
        Self {
            lanes: Vec::new(),
            breakpoints: Vec::new(),
            best: Vec::new(),
            best_value: f64::NEG_INFINITY,
            best_level: f64::NAN,
            warm_level: f64::NAN,
            budget: 0.0,
            stats: SolveStats::default(),
            max_nodes: DEFAULT_MAX_NODES,
            tighten: true,
        }
    }

    /// Sets the branch-and-bound node cap (at least 1).
    pub fn with_max_nodes(mut self, max_nodes: u32) -> Self {
        self.max_nodes = max_nodes.max(1);
        self
    }

    /// Solves a [`BudgetProblem`] exactly: the split of `B` that maximises `Σ f_c(x_c)`
    /// within the bounds. Places the whole budget (`Σ x_c = B` to rounding, the last
    /// channels with room absorbing it) and respects every bound.
    pub fn solve<C: ResponseCurve>(&mut self, problem: &BudgetProblem<'_, C>) -> Allocation {
        let curves = problem.curves();
        self.run(curves, problem.bounds(), problem.budget());
        let spend = self.best.clone();
        let status = spend
            .iter()
            .zip(problem.bounds())
            .map(|(&x, &b)| BoundStatus::classify(x, b))
            .collect::<Vec<_>>();
        let level = if status.contains(&BoundStatus::Interior) {
            self.best_level
        } else {
            f64::NAN
        };
        Allocation::new(Plan::from_valid(curves, spend), status, level, self.stats)
    }

    /// Solves a [`RoasProblem`]: the largest budget whose optimal media ROAS is at least the
    /// target, and its split. With `S*(B)` the optimal curve sum and `φ` the form's media
    /// revenue ([`RevenueForm::media_revenue`]: `φ(S) = S` additive,
    /// `φ(S) = B̄·(e^S − 1)` multiplicative), the optimal media ROAS is `F*(B)/B` with
    /// `F* = φ(S*)`.
    ///
    /// No monotonicity is assumed: with S-shaped curves `F*(B)/B` rises again after
    /// falling, minimums can make it rise at first, and in the multiplicative form the
    /// convex `φ` can make it rise with the budget. The search keeps intervals `[a, b]` of
    /// budgets with `b` failing the target, largest first, halves them, and discards one
    /// when an upper bound on `F*` stays below `target·y` on all of it. The bounds are
    /// bounds on `S*` mapped through `φ` (which increases, so `S*(y) ≤ u` gives
    /// `F*(y) ≤ φ(u)`). Two kinds: `S*(y) ≤ S*(b)` (`S*` is non-decreasing), and, at each
    /// probed budget `x`, the line `G(x) + λ̂(x)·(y − x)`, where `G` is the optimum of the
    /// concave-envelope problem on budget-independent boxes (a concave function of the budget
    /// with `G ≥ S*`) and `λ̂` its multiplier, a supergradient. Their minimum `ℓ(y)` is
    /// concave and piecewise linear, with corners at `a`, `b` and where two of them cross;
    /// the test is
    ///
    /// ```text
    /// φ(ℓ(y)) − target·y < 0   for all y in [a, b].
    /// ```
    ///
    /// On each linear piece of `ℓ`, `φ(ℓ(y))` is a convex function (an increasing convex `φ`
    /// of an affine function; in the additive form affine itself) and `− target·y` is
    /// linear, so the left side is convex there and its maximum over the piece is at one of
    /// the piece's ends: checking the corners decides, exactly, in both forms. When the
    /// curves are concave (`G = S*`) the lines are tangents and the search needs about one
    /// probe per halving; a nearly flat ROAS (a shape-1 curve far below its
    /// half-saturation) no longer makes intervals pile up, as the monotone bound alone
    /// would. The answer is resolved to `1e-10` relative (or `1e-12` of the ceiling);
    /// `F*(B)/B ≥ target` holds at the returned budget (to rounding). The returned split is
    /// evaluated in the form (its [`Plan::roas`] is the media ROAS of the form).
    ///
    /// # Errors
    /// [`OptimizeError::TargetRoasUnreachable`] when no budget between Σ min and the ceiling
    /// reaches the target, with the best media ROAS seen (in the form).
    pub fn solve_roas<C: ResponseCurve>(
        &mut self,
        problem: &RoasProblem<'_, C>,
    ) -> Result<RoasPlan, OptimizeError> {
        let mut search = RoasSearch {
            optimizer: self,
            problem,
            solves: 0,
            best_roas: f64::NEG_INFINITY,
            best_budget: problem.floor,
            floor_width: 1e-12 * problem.ceiling.max(f64::MIN_POSITIVE),
        };
        let found = search.largest_feasible(problem.floor, problem.ceiling);
        let (solves, best_roas, best_budget) =
            (search.solves, search.best_roas, search.best_budget);
        match found {
            Some(budget) => {
                let checked = BudgetProblem::new(problem.curves, &problem.bounds, budget)?;
                let allocation = self.solve(&checked).in_form(problem.curves, problem.form);
                Ok(RoasPlan {
                    budget,
                    allocation,
                    solves: solves + 1,
                })
            }
            None => Err(OptimizeError::TargetRoasUnreachable {
                target: problem.target,
                best_roas: best_roas.max(0.0),
                best_budget,
                minimums: problem.floor,
            }),
        }
    }

    /// Resets the lanes for a new problem: bounds, boxes `[min, min(max, min + room)]` with
    /// `room = cut − Σ min`, caches.
    fn prepare<C: ResponseCurve>(
        &mut self,
        curves: &[C],
        bounds: &[SpendBounds],
        budget: f64,
        cut: f64,
    ) {
        let n = curves.len();
        if self.lanes.len() != n {
            self.lanes.clear();
            self.lanes.resize(n, Lane::EMPTY);
            self.warm_level = f64::NAN;
        }
        self.best.clear();
        self.best.resize(n, 0.0);
        self.best_value = f64::NEG_INFINITY;
        self.best_level = f64::NAN;
        self.budget = budget;
        self.stats = SolveStats {
            proven_optimal: true,
            ..SolveStats::default()
        };
        let minimums: f64 = bounds.iter().map(|b| b.min).sum();
        let room = (cut - minimums).max(0.0);
        for ((lane, curve), b) in self.lanes.iter_mut().zip(curves).zip(bounds) {
            lane.min = b.min;
            lane.max = b.max.min(b.min + room);
            lane.box_lo = lane.min;
            lane.box_hi = lane.max;
            lane.inflection = curve.inflection().unwrap_or(f64::NAN);
            lane.tangent_from = f64::NAN;
            lane.base_at = f64::NAN;
        }
    }

    /// Runs the branch-and-bound; leaves the best split in `self.best`.
    fn run<C: ResponseCurve>(&mut self, curves: &[C], bounds: &[SpendBounds], budget: f64) {
        self.prepare(curves, bounds, budget, budget);
        self.branch(curves);
        if self.best_value == f64::NEG_INFINITY {
            // Unreachable for a validated problem (the root node is feasible); keep the
            // minimums rather than panic.
            for (x, lane) in self.best.iter_mut().zip(&self.lanes) {
                *x = lane.min;
            }
        }
        if self.best_level.is_finite() {
            self.warm_level = self.best_level;
        }
    }

    /// A line `y ↦ G + λ·(y − budget)` lying above the optimal value `F*(y)` for **every**
    /// budget `y ≤ ceiling`: `G` is the optimum at `budget` of the concave-envelope problem
    /// on the boxes cut by `ceiling` (which do not depend on `y`), and λ its multiplier, a
    /// supergradient of that concave value function. `None` if λ is not finite.
    fn envelope_line<C: ResponseCurve>(
        &mut self,
        curves: &[C],
        bounds: &[SpendBounds],
        budget: f64,
        ceiling: f64,
    ) -> Option<(f64, f64)> {
        self.prepare(curves, bounds, budget, ceiling);
        self.tighten = false;
        let node = self.solve_node(curves);
        self.tighten = true;
        node.filter(|n| n.level.is_finite())
            .map(|n| (n.bound, n.level))
    }

    /// Depth-first branch-and-bound: solve the node's envelope problem, keep its split if it
    /// is the best so far, and split the box of the channel left inside a straight piece.
    fn branch<C: ResponseCurve>(&mut self, curves: &[C]) {
        if self.stats.nodes >= self.max_nodes {
            self.stats.proven_optimal = false;
            return;
        }
        self.stats.nodes += 1;
        let Some(node) = self.solve_node(curves) else {
            return;
        };
        if node.value > self.best_value {
            self.best_value = node.value;
            self.best_level = node.level;
            for (best, lane) in self.best.iter_mut().zip(&self.lanes) {
                *best = lane.x;
            }
        }
        let Some(c) = node.ambiguous else {
            return;
        };
        if node.bound <= self.best_value + PRUNE_TOLERANCE * self.best_value.abs() {
            return;
        }
        let lane = self.lanes[c];
        let Piece::Jump { end, .. } = lane.piece else {
            return;
        };
        // Split [lo, hi] at the inflection when the straight piece crosses it (the upper
        // child is then concave, the lower one a single chord), else inside the chord at the
        // envelope solution, kept an eighth of the chord away from its ends so that boxes
        // shrink geometrically.
        let split = if lane.lo < lane.inflection && lane.inflection < lane.hi {
            lane.inflection
        } else {
            let width = end - lane.lo;
            lane.x.clamp(lane.lo + 0.125 * width, end - 0.125 * width)
        };
        let upper_first = lane.x - lane.lo >= end - lane.x;
        let children = [(lane.lo, split), (split, lane.hi)];
        let order = if upper_first { [1, 0] } else { [0, 1] };
        for i in order {
            (self.lanes[c].box_lo, self.lanes[c].box_hi) = children[i];
            self.warm_level = node.level;
            self.branch(curves);
        }
        (self.lanes[c].box_lo, self.lanes[c].box_hi) = (lane.box_lo, lane.box_hi);
    }

    /// Sets up and solves the current node's envelope problem; `None` if the node is
    /// infeasible.
    fn solve_node<C: ResponseCurve>(&mut self, curves: &[C]) -> Option<NodeSolution> {
        let budget = self.budget;
        let slack = 1e-12 * budget;
        let sum_lo: f64 = self.lanes.iter().map(|l| l.box_lo).sum();
        if sum_lo > budget + slack {
            return None;
        }
        // Tighten each box by the budget: x_c ≤ lo_c + (B − Σ lo), then
        // x_c ≥ B − Σ_{j≠c} hi_j. Neither removes a feasible point. (Not for the
        // budget-independent envelope of the target-ROAS search.)
        let room = if self.tighten {
            (budget - sum_lo).max(0.0)
        } else {
            f64::INFINITY
        };
        let mut sum_hi = 0.0;
        for lane in &mut self.lanes {
            lane.lo = lane.box_lo;
            lane.hi = lane.box_hi.min(lane.lo + room).max(lane.lo);
            sum_hi += lane.hi;
        }
        if sum_hi < budget - slack {
            return None;
        }
        let mut sum_lo = 0.0;
        for lane in &mut self.lanes {
            if self.tighten {
                lane.lo = lane.lo.max(budget - (sum_hi - lane.hi)).min(lane.hi);
            }
            sum_lo += lane.lo;
        }
        let room = (budget - sum_lo).max(0.0);
        let mut concave = 0usize;
        let mut sum_hi = 0.0;
        for (lane, curve) in self.lanes.iter_mut().zip(curves) {
            lane.piece = Self::piece(lane, curve);
            sum_hi += lane.hi;
            match lane.piece {
                Piece::Fixed => {}
                Piece::Concave => concave += 1,
                Piece::Jump { .. } => {}
            }
        }

        let level = if room <= slack {
            for lane in &mut self.lanes {
                (lane.x, lane.x_below) = (lane.lo, lane.lo);
            }
            f64::INFINITY
        } else if sum_hi <= budget + slack {
            for lane in &mut self.lanes {
                (lane.x, lane.x_below) = (lane.hi, lane.hi);
            }
            0.0
        } else {
            self.find_level(curves, concave, room)
        };

        self.fill_ties();
        self.absorb_residual();
        let (mut bound, mut value) = (0.0, 0.0);
        let mut gap = 0.0;
        let mut widest = None;
        for (c, (lane, curve)) in self.lanes.iter().zip(curves).enumerate() {
            let f = curve.value(lane.x);
            let envelope = lane.envelope(lane.x, f);
            bound += envelope;
            value += f;
            if envelope - f > gap {
                gap = envelope - f;
                widest = Some(c);
            }
        }
        Some(NodeSolution {
            bound: bound.max(value),
            value,
            ambiguous: widest,
            level,
        })
    }

    /// The envelope of a lane's curve on its node box `[lo, hi]`.
    fn piece<C: ResponseCurve>(lane: &mut Lane, curve: &C) -> Piece {
        if lane.hi <= lane.lo {
            lane.hi = lane.lo;
            lane.start = lane.lo;
            return Piece::Fixed;
        }
        if lane.base_at != lane.lo {
            lane.base = curve.value(lane.lo);
            lane.m_lo = curve.marginal(lane.lo);
            lane.base_at = lane.lo;
        }
        lane.m_hi = curve.marginal(lane.hi);
        let p = lane.inflection;
        let piece = if lane.m_hi <= 0.0 && curve.value(lane.hi) <= lane.base {
            // Flat (β = 0, or saturated to the last bit): any amount is as good.
            Piece::Jump {
                sigma: 0.0,
                end: lane.hi,
                exact: true,
            }
        } else if lane.lo >= p || p.is_nan() {
            Piece::Concave
        } else {
            let end = if lane.hi <= p {
                // Convex on the whole box: the envelope is one chord.
                lane.hi
            } else {
                if lane.tangent_from != lane.lo {
                    lane.tangent = curve.tangent_from(lane.lo, lane.max);
                    lane.tangent_from = lane.lo;
                }
                lane.tangent.min(lane.hi)
            };
            Piece::Jump {
                sigma: (curve.value(end) - lane.base) / (end - lane.lo),
                end,
                exact: false,
            }
        };
        (lane.start, lane.m_start) = match piece {
            // At the tangent point f'(t) = σ; a chord to `hi` leaves no concave part.
            Piece::Jump { sigma, end, .. } => (end, if end < lane.hi { sigma } else { lane.m_hi }),
            _ => (lane.lo, lane.m_lo),
        };
        if lane.start < lane.hi {
            lane.log_start = lane.start.ln();
            lane.log_hi = lane.hi.ln();
        }
        piece
    }

    /// Demand of every lane at `level`, both one-sided limits, and `dS/d ln λ`.
    fn evaluate<C: ResponseCurve>(&mut self, curves: &[C], level: f64) -> Totals {
        self.stats.evaluations += 1;
        let log_level = level.ln();
        let mut totals = Totals {
            above: 0.0,
            below: 0.0,
            slope: 0.0,
            moving: 0.0,
        };
        for (lane, curve) in self.lanes.iter_mut().zip(curves) {
            let (above, below, slope) = match lane.piece {
                Piece::Fixed => (lane.lo, lane.lo, 0.0),
                Piece::Concave => {
                    let (x, dx) = lane.concave_demand(curve, level, log_level);
                    (x, x, dx)
                }
                Piece::Jump { sigma, .. } => {
                    if level > sigma {
                        (lane.lo, lane.lo, 0.0)
                    } else {
                        let (x, dx) = lane.concave_demand(curve, level, log_level);
                        if level < sigma {
                            (x, x, dx)
                        } else {
                            (lane.lo, x, 0.0)
                        }
                    }
                }
            };
            lane.x = above;
            lane.x_below = below;
            totals.above += above;
            totals.below += below;
            totals.slope += slope;
            if slope < 0.0 {
                totals.moving += above;
            }
        }
        totals
    }

    /// Finds the multiplier λ with `S(λ⁺) ≤ B ≤ S(λ⁻)` and leaves the demands in the lanes.
    ///
    /// `S` is non-increasing in `μ = ln λ`; it jumps at the straight-piece slopes `σ` and
    /// has kinks where a channel leaves a bound (`λ = f'(start)`, `λ = f'(hi)`); between
    /// these breakpoints it is smooth. The iteration keeps a bracket `[μ_lo, μ_hi]` with
    /// `S(μ_lo) > B > S(μ_hi)` and takes, in order of preference:
    ///
    /// 1. when the channels that do not move with λ already hold `B` (so `S > B` cannot be
    ///    fixed by the moving ones), the next breakpoint above;
    /// 2. a Newton step — on `ln S` far from the root (demands are close to powers of λ),
    ///    on `S` near it — if it stays inside the bracket and the previous step at least
    ///    halved the error;
    /// 3. otherwise the median breakpoint inside the bracket, so a step never has to cross
    ///    a kink or jump blind (a tie is found when the probe lands on a slope `σ` with
    ///    `S(σ⁺) ≤ B ≤ S(σ⁻)`);
    /// 4. with no breakpoint left inside, where `S` is smooth: regula falsi between the
    ///    bracket ends (Illinois variant), or bisection while an end's value is unknown.
    ///
    /// Stops when `|S − B| ≤ 1e-10·B` (the remainder is placed on a channel inside its
    /// concave part, which moves the objective only to second order, ~1e-20 relative) or
    /// the bracket is a few ulps wide.
    fn find_level<C: ResponseCurve>(&mut self, curves: &[C], concave: usize, room: f64) -> f64 {
        let budget = self.budget;
        let tolerance = SUM_TOLERANCE * budget;
        self.breakpoints.clear();
        let mut has_flat = false;
        let mut unbounded_start = false;
        for lane in &self.lanes {
            match lane.piece {
                Piece::Fixed => continue,
                Piece::Jump { sigma, exact, .. } => {
                    has_flat |= exact;
                    self.breakpoints.push(sigma);
                }
                Piece::Concave => unbounded_start |= !lane.m_start.is_finite(),
            }
            if lane.start < lane.hi {
                self.breakpoints.push(lane.m_start);
                self.breakpoints.push(lane.m_hi);
            }
        }
        self.breakpoints.retain(|b| b.is_finite() && *b > 0.0);
        self.breakpoints.sort_unstable_by(f64::total_cmp);
        self.breakpoints.dedup();

        // Flat channels take money only at λ = 0, when everything else is at its maximum.
        if has_flat {
            let totals = self.evaluate(curves, 0.0);
            if totals.above < budget - tolerance {
                return 0.0;
            }
        }
        // Bracket: below every breakpoint each channel is at its maximum (S ≥ B); above
        // them each is at its start, except channels with f'(start) = ∞, for which the
        // budget shared equally bounds λ (at that level no channel can take more than its
        // share, so S ≤ B).
        let (first, last) = match (self.breakpoints.first(), self.breakpoints.last()) {
            (Some(&first), Some(&last)) => (first.ln(), last.ln()),
            _ => (0.0, 0.0),
        };
        let mut mu_low = first - std::f64::consts::LN_2;
        let mut mu_high = last + std::f64::consts::LN_2;
        if unbounded_start || self.breakpoints.is_empty() {
            let share = room / concave.max(1) as f64;
            let cap = self
                .lanes
                .iter()
                .zip(curves)
                .filter(|(l, _)| l.piece == Piece::Concave)
                .map(|(l, f)| f.marginal((l.lo + share).min(l.hi)))
                .fold(0.0, f64::max);
            if cap.is_finite() && cap > 0.0 {
                mu_high = mu_high.max(cap.ln());
                if self.breakpoints.is_empty() {
                    mu_low = mu_low.min(cap.ln() - 60.0);
                }
            }
        }
        let (mut s_low, mut s_high) = (f64::NAN, f64::NAN);
        // The bracket also in λ, exactly, for comparisons with the breakpoints.
        let (mut lam_low, mut lam_high) = (mu_low.exp(), mu_high.exp());
        let warm = self.warm_level.ln();
        let mut mu = if warm > mu_low && warm < mu_high {
            warm
        } else {
            0.5 * (mu_low + mu_high)
        };
        let mut last_error = f64::INFINITY;
        let mut kept = 0i8; // Illinois: which end regula falsi kept last (−1 low, +1 high)
        // A breakpoint is probed at its exact value (ln then exp could miss a slope σ).
        let mut exact = None;
        for _ in 0..MAX_MULTIPLIER_ITERATIONS {
            let level = exact.take().unwrap_or_else(|| mu.exp());
            let totals = self.evaluate(curves, level);
            if totals.above <= budget + tolerance && totals.below >= budget - tolerance {
                return level;
            }
            if totals.above > budget {
                (mu_low, lam_low, s_low) = (mu, level, totals.above);
            } else {
                (mu_high, lam_high, s_high) = (mu, level, totals.below);
            }
            if mu_high - mu_low <= 4.0 * f64::EPSILON * mu.abs().max(1.0) {
                break;
            }
            let error = (totals.above - budget).abs();
            let fixed = totals.above - totals.moving;
            let log_ratio = if totals.moving > 0.0 && budget > fixed {
                (totals.moving / (budget - fixed)).ln()
            } else {
                0.0
            };
            let step = if log_ratio.abs() > 0.5 {
                -log_ratio * totals.moving / totals.slope
            } else {
                -(totals.above - budget) / totals.slope
            };
            let newton = mu + step;
            let improving = error < 0.5 * last_error;
            last_error = error.min(last_error);
            // The channels that do not move with λ already hold the budget: only a channel
            // leaving its maximum, at a breakpoint above μ, can bring S down to B.
            let blocked = totals.above > budget && budget <= fixed;
            let breakpoint = if blocked {
                self.next_breakpoint(level, lam_high)
            } else {
                None
            };
            mu = if let Some(next) = breakpoint {
                exact = Some(next);
                next.ln()
            } else if step.is_finite() && newton > mu_low && newton < mu_high && improving {
                kept = 0;
                newton
            } else if let Some(probe) = self.inner_breakpoint(lam_low, lam_high) {
                exact = Some(probe);
                probe.ln()
            } else if s_low.is_finite() && s_high.is_finite() {
                // Regula falsi on S − B; halve the residual of an end kept twice.
                let (mut fl, mut fh) = (s_low - budget, s_high - budget);
                if kept == -1 {
                    fl *= 0.5;
                } else if kept == 1 {
                    fh *= 0.5;
                }
                kept = if totals.above > budget { 1 } else { -1 };
                let t = (mu_low * fh - mu_high * fl) / (fh - fl);
                if t > mu_low && t < mu_high {
                    t
                } else {
                    0.5 * (mu_low + mu_high)
                }
            } else {
                0.5 * (mu_low + mu_high)
            };
        }
        // The bracket collapsed onto a rounding-level jump: take its side with S ≥ B and
        // let the residual step trim it.
        self.evaluate(curves, lam_low);
        lam_low
    }

    /// The first breakpoint strictly inside `(level, high)`, if any.
    fn next_breakpoint(&self, level: f64, high: f64) -> Option<f64> {
        let i = self.breakpoints.partition_point(|&b| b <= level);
        self.breakpoints.get(i).copied().filter(|&b| b < high)
    }

    /// The median breakpoint strictly inside `(low, high)`, if any.
    fn inner_breakpoint(&self, low: f64, high: f64) -> Option<f64> {
        let from = self.breakpoints.partition_point(|&b| b <= low);
        let to = self.breakpoints.partition_point(|&b| b < high);
        (from < to).then(|| self.breakpoints[(from + to) / 2])
    }

    /// Places the gap between `S(λ⁺)` and `B` into the lanes whose demand is set-valued at
    /// λ: exact straight pieces (flat curves) first, in proportion to their room, then the
    /// others one at a time to the end of their straight piece, so at most one is left
    /// partly filled (the only channel where the envelope can exceed the curve).
    fn fill_ties(&mut self) {
        let total: f64 = self.lanes.iter().map(|l| l.x).sum();
        let mut gap = self.budget - total;
        if gap <= 0.0 {
            return;
        }
        let exact_room: f64 = self
            .lanes
            .iter()
            .filter(|l| matches!(l.piece, Piece::Jump { exact: true, .. }))
            .map(|l| l.x_below - l.x)
            .sum();
        if exact_room > 0.0 {
            let share = (gap / exact_room).min(1.0);
            for lane in &mut self.lanes {
                if matches!(lane.piece, Piece::Jump { exact: true, .. }) {
                    let before = lane.x;
                    lane.x = (before + share * (lane.x_below - before)).min(lane.x_below);
                    gap -= lane.x - before;
                }
            }
        }
        for lane in &mut self.lanes {
            if gap <= 0.0 {
                break;
            }
            if !matches!(lane.piece, Piece::Jump { exact: false, .. }) {
                continue;
            }
            let before = lane.x;
            lane.x = (before + gap).min(lane.x_below).max(before);
            gap -= lane.x - before;
        }
    }

    /// Makes `Σ x = B` exactly (to rounding): the residual goes first to channels strictly
    /// inside their concave part (where it is first-order free), then to any channel with
    /// room, last channel first, never crossing a bound.
    fn absorb_residual(&mut self) {
        for lane in &mut self.lanes {
            lane.x = lane.x.clamp(lane.box_lo, lane.box_hi);
        }
        for pass in 0..2 {
            let total: f64 = self.lanes.iter().map(|l| l.x).sum();
            let mut residual = self.budget - total;
            if residual == 0.0 {
                return;
            }
            for lane in self.lanes.iter_mut().rev() {
                let interior = lane.x > lane.start && lane.x < lane.hi;
                if pass == 0 && !interior {
                    continue;
                }
                let moved = (lane.x + residual).clamp(lane.box_lo, lane.box_hi);
                residual -= moved - lane.x;
                lane.x = moved;
                if residual == 0.0 {
                    break;
                }
            }
        }
    }
}

/// State of one target-ROAS search.
struct RoasSearch<'s, 'p, 'a, C> {
    optimizer: &'s mut Optimizer,
    problem: &'p RoasProblem<'a, C>,
    solves: u32,
    best_roas: f64,
    best_budget: f64,
    floor_width: f64,
}

/// What the search knows at one budget `x`: the optimal curve sum `S*(x)` and a line above
/// `S*` everywhere.
#[derive(Debug, Clone, Copy)]
struct Probe {
    budget: f64,
    /// `S*(x)`.
    value: f64,
    /// `S*(y) ≤ line_value + line_slope·(y − budget)` for all `y` (`NaN`: no line).
    line_value: f64,
    line_slope: f64,
}

impl Probe {
    fn line(&self, y: f64) -> f64 {
        if self.line_slope.is_finite() {
            self.line_value + self.line_slope * (y - self.budget)
        } else {
            f64::INFINITY
        }
    }
}

impl<C: ResponseCurve> RoasSearch<'_, '_, '_, C> {
    /// Media revenue `φ(S)` of a curve sum in the problem's form.
    fn media(&self, curve_sum: f64) -> f64 {
        self.problem.form.media_revenue(curve_sum)
    }

    /// Solves at budget `x`: `S*(x)` and its envelope line.
    fn probe(&mut self, budget: f64) -> Probe {
        self.solves += 1;
        let p = self.problem;
        self.optimizer.run(p.curves, &p.bounds, budget);
        let value = self.optimizer.best_value;
        let roas = self.media(value) / budget;
        if budget > 0.0 && roas > self.best_roas {
            self.best_roas = roas;
            self.best_budget = budget;
        }
        let (line_value, line_slope) = self
            .optimizer
            .envelope_line(p.curves, &p.bounds, budget, p.ceiling)
            .map_or((f64::NAN, f64::NAN), |(g, l)| {
                // A little headroom for rounding in the envelope solve.
                (g.max(value) + 1e-12 * g.abs(), l)
            });
        Probe {
            budget,
            value,
            line_value,
            line_slope,
        }
    }

    fn meets(&self, probe: &Probe) -> bool {
        probe.budget > 0.0 && self.media(probe.value) >= self.problem.target * probe.budget
    }

    /// Whether `φ(S*(y)) < target·y` holds on all of `[a, b]`, from three upper bounds on
    /// `S*`: `S*(b)` (it is non-decreasing) and the envelope lines of `a` and `b`. Their
    /// minimum `ℓ` is concave and piecewise linear, and `φ(ℓ(y)) − target·y` is convex on
    /// each of its pieces (`φ` increasing and convex), so it is enough to check `a`, `b` and
    /// where two of the bounds cross (every corner of `ℓ` is such a crossing).
    fn nothing_between(&self, a: &Probe, b: &Probe) -> bool {
        let r = self.problem.target;
        let bound = |y: f64| self.media(b.value.min(a.line(y)).min(b.line(y))) - r * y;
        let mut points = [a.budget, b.budget, f64::NAN, f64::NAN, f64::NAN];
        // Crossings: line a with line b, each line with the constant F*(b).
        let (sa, sb) = (a.line_slope, b.line_slope);
        if sa.is_finite() && sb.is_finite() && sa != sb {
            points[2] = (b.line_value - a.line_value + sa * a.budget - sb * b.budget) / (sa - sb);
        }
        for (i, p) in [a, b].into_iter().enumerate() {
            if p.line_slope.is_finite() && p.line_slope != 0.0 {
                points[3 + i] = p.budget + (b.value - p.line_value) / p.line_slope;
            }
        }
        points
            .iter()
            .filter(|y| **y >= a.budget && **y <= b.budget)
            .all(|&y| bound(y) < 0.0)
    }

    /// The largest budget in `[floor, ceiling]` meeting the target, to the tolerance.
    fn largest_feasible(&mut self, floor: f64, ceiling: f64) -> Option<f64> {
        let top = self.probe(ceiling);
        if self.meets(&top) {
            return Some(ceiling);
        }
        let bottom = self.probe(floor);
        let bottom_ok = self.meets(&bottom);
        self.search(bottom, bottom_ok, top)
            .or(bottom_ok.then_some(floor))
    }

    /// Largest feasible budget in `(a, b)`, given `b` infeasible and whether `a` is known
    /// feasible. Right half first.
    fn search(&mut self, a: Probe, a_ok: bool, b: Probe) -> Option<f64> {
        if self.nothing_between(&a, &b) {
            return a_ok.then_some(a.budget);
        }
        let width = b.budget - a.budget;
        if width <= (ROAS_TOLERANCE * b.budget).max(self.floor_width)
            || self.solves >= MAX_ROAS_SOLVES
        {
            return a_ok.then_some(a.budget);
        }
        let m = self.probe(a.budget + 0.5 * width);
        if self.meets(&m) {
            self.search(m, true, b).or(Some(m.budget))
        } else {
            self.search(m, false, b).or_else(|| self.search(a, a_ok, m))
        }
    }
}
