//! The exact solver: concave envelopes, one multiplier per node, a small branch-and-bound.
//! The algorithm and its exactness argument are in the [module docs](super).

use super::curve::ResponseCurve;
use super::error::OptimizeError;
use super::plan::{Allocation, BoundStatus, Plan, RoasPlan, SolveStats};
use super::problem::{BudgetProblem, RoasProblem};

/// Relative tolerance on `|S(λ) − B|` at which the multiplier search stops; the remainder
/// is placed by [`Optimizer::absorb_residual`].
const SUM_TOLERANCE: f64 = 1e-13;
/// Relative tolerance of the bound test: a node is pruned when its envelope value is not
/// above the incumbent by more than this.
const PRUNE_TOLERANCE: f64 = 1e-12;
/// Cap on the multiplier iterations of one node (they converge in about ten).
const MAX_MULTIPLIER_ITERATIONS: usize = 200;
/// Default cap on branch-and-bound nodes (see [`Optimizer::with_max_nodes`]).
const DEFAULT_MAX_NODES: u32 = 1 << 16;
/// Relative width under which a target-ROAS search interval counts as a point.
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
    jumps: Vec<f64>,
    best: Vec<f64>,
    best_value: f64,
    best_level: f64,
    warm_level: f64,
    budget: f64,
    stats: SolveStats,
    max_nodes: u32,
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
            jumps: Vec::new(),
            best: Vec::new(),
            best_value: f64::NEG_INFINITY,
            best_level: f64::NAN,
            warm_level: f64::NAN,
            budget: 0.0,
            stats: SolveStats::default(),
            max_nodes: DEFAULT_MAX_NODES,
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

    /// Solves a [`RoasProblem`]: the largest budget whose optimal media ROAS `F*(B)/B` is at
    /// least the target, and its split.
    ///
    /// No monotonicity is assumed (with S-shaped curves or minimums, `F*(B)/B` can rise
    /// again after falling). The search keeps intervals `[a, b]` of budgets, largest first,
    /// and discards one when `F*(b) < target·a`: `F*` is non-decreasing, so then
    /// `F*(x) ≤ F*(b) < target·a ≤ target·x` on all of it. Where `F*(B)/B` is decreasing
    /// (all curves concave and no minimums), this is plain bisection.
    ///
    /// # Errors
    /// [`OptimizeError::TargetRoasUnreachable`] when no budget between Σ min and the ceiling
    /// reaches the target, with the best ROAS seen.
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
            tolerance: ROAS_TOLERANCE * problem.ceiling.max(f64::MIN_POSITIVE),
        };
        let found = search.largest_feasible(problem.floor, problem.ceiling);
        let (solves, best_roas, best_budget) =
            (search.solves, search.best_roas, search.best_budget);
        match found {
            Some(budget) => {
                let checked = BudgetProblem::new(problem.curves, &problem.bounds, budget)?;
                let allocation = self.solve(&checked);
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

    /// Runs the branch-and-bound; leaves the best split in `self.best`.
    fn run<C: ResponseCurve>(&mut self, curves: &[C], bounds: &[super::SpendBounds], budget: f64) {
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
        let room = (budget - minimums).max(0.0);
        for ((lane, curve), b) in self.lanes.iter_mut().zip(curves).zip(bounds) {
            lane.min = b.min;
            lane.max = b.max.min(b.min + room);
            lane.box_lo = lane.min;
            lane.box_hi = lane.max;
            lane.inflection = curve.inflection().unwrap_or(f64::NAN);
            lane.tangent_from = f64::NAN;
            lane.base_at = f64::NAN;
        }
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
        // x_c ≥ B − Σ_{j≠c} hi_j. Neither removes a feasible point.
        let room = (budget - sum_lo).max(0.0);
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
            lane.lo = lane.lo.max(budget - (sum_hi - lane.hi)).min(lane.hi);
            sum_lo += lane.lo;
        }
        let room = (budget - sum_lo).max(0.0);
        self.jumps.clear();
        let mut concave = 0usize;
        let mut sum_hi = 0.0;
        for (lane, curve) in self.lanes.iter_mut().zip(curves) {
            lane.piece = Self::piece(lane, curve);
            sum_hi += lane.hi;
            match lane.piece {
                Piece::Fixed => {}
                Piece::Concave => concave += 1,
                Piece::Jump { sigma, .. } => self.jumps.push(sigma),
            }
        }
        self.jumps.sort_unstable_by(|a, b| b.total_cmp(a));
        self.jumps.dedup();

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
    /// `S` is non-increasing and jumps only at the straight-piece slopes `σ`; a binary
    /// search over the sorted slopes finds the first with `S(σ⁻) ≥ B`. Either `S(σ⁺) ≤ B`
    /// (λ = σ, a tie to fill) or λ lies in the open interval above `σ`, where `S` is
    /// continuous and a safeguarded Newton iteration on `ln S` against `ln λ` finds it.
    fn find_level<C: ResponseCurve>(&mut self, curves: &[C], concave: usize, room: f64) -> f64 {
        let budget = self.budget;
        let tolerance = SUM_TOLERANCE * budget;
        let k = self.jumps.len();
        let (mut left, mut right) = (0usize, k);
        while left < right {
            let mid = (left + right) / 2;
            let sigma = self.jumps[mid];
            let totals = self.evaluate(curves, sigma);
            if totals.below >= budget - tolerance {
                if totals.above <= budget + tolerance {
                    return sigma;
                }
                right = mid;
            } else {
                left = mid + 1;
            }
        }
        let g = left;
        // Bracket of the continuous stretch (σ_g, σ_{g−1}).
        let mut low = if g < k {
            self.jumps[g]
        } else {
            self.lanes
                .iter()
                .filter(|l| l.piece != Piece::Fixed && l.start < l.hi)
                .map(|l| l.m_hi)
                .fold(f64::INFINITY, f64::min)
        };
        let high = if g > 0 {
            self.jumps[g - 1]
        } else {
            let share = room / concave.max(1) as f64;
            self.lanes
                .iter()
                .zip(curves)
                .filter(|(l, _)| l.piece == Piece::Concave)
                .map(|(l, f)| f.marginal((l.lo + share).min(l.hi)))
                .fold(0.0, f64::max)
        };
        let high = if high.is_finite() && high > 0.0 {
            high
        } else {
            f64::MAX
        };
        if !(low.is_finite() && low > 0.0 && low < high) {
            low = f64::MIN_POSITIVE;
        }
        let (mut mu_low, mut mu_high) = (low.ln(), high.ln());
        let warm = self.warm_level.ln();
        let mut mu = if warm > mu_low && warm < mu_high {
            warm
        } else {
            0.5 * (mu_low + mu_high)
        };
        let mut last_error = f64::INFINITY;
        for _ in 0..MAX_MULTIPLIER_ITERATIONS {
            let level = mu.exp();
            let totals = self.evaluate(curves, level);
            if totals.above <= budget + tolerance && totals.below >= budget - tolerance {
                return level;
            }
            if totals.above > budget {
                mu_low = mu;
            } else {
                mu_high = mu;
            }
            if mu_high - mu_low <= 4.0 * f64::EPSILON * mu.abs().max(1.0) {
                break;
            }
            let error = (totals.above - budget).abs();
            let fixed = totals.above - totals.moving;
            let step = if totals.moving > 0.0 && budget > fixed {
                // Newton on ln(moving demand): each free channel's demand is close to a
                // power of λ, so this is nearly linear in ln λ.
                -(totals.moving / (budget - fixed)).ln() * totals.moving / totals.slope
            } else {
                -(totals.above - budget) / totals.slope
            };
            let next = mu + step;
            mu = if step.is_finite() && next > mu_low && next < mu_high && error < 0.5 * last_error
            {
                next
            } else {
                0.5 * (mu_low + mu_high)
            };
            last_error = error.min(last_error);
        }
        // The bracket collapsed onto a rounding-level jump: take its side with S ≥ B and
        // let the residual step trim it.
        let level = mu_low.exp();
        self.evaluate(curves, level);
        level
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
    tolerance: f64,
}

impl<C: ResponseCurve> RoasSearch<'_, '_, '_, C> {
    /// `F*(B)`, the optimal media revenue at budget `B`.
    fn optimum(&mut self, budget: f64) -> f64 {
        self.solves += 1;
        let p = self.problem;
        self.optimizer.run(p.curves, &p.bounds, budget);
        let value = self.optimizer.best_value;
        if budget > 0.0 && value / budget > self.best_roas {
            self.best_roas = value / budget;
            self.best_budget = budget;
        }
        value
    }

    fn meets(&self, value: f64, budget: f64) -> bool {
        budget > 0.0 && value >= self.problem.target * budget
    }

    /// The largest budget in `[floor, ceiling]` meeting the target, to the tolerance.
    fn largest_feasible(&mut self, floor: f64, ceiling: f64) -> Option<f64> {
        let top = self.optimum(ceiling);
        if self.meets(top, ceiling) {
            return Some(ceiling);
        }
        let bottom_ok = floor > 0.0 && {
            let v = self.optimum(floor);
            self.meets(v, floor)
        };
        self.search(floor, bottom_ok, ceiling, top)
            .or(bottom_ok.then_some(floor))
    }

    /// Largest feasible budget in `(a, b)`, given `b` infeasible with `F*(b) = value_b` and
    /// whether `a` is known feasible. Right half first.
    fn search(&mut self, a: f64, a_ok: bool, b: f64, value_b: f64) -> Option<f64> {
        if value_b < self.problem.target * a {
            return None;
        }
        if b - a <= self.tolerance || self.solves >= MAX_ROAS_SOLVES {
            return a_ok.then_some(a);
        }
        let m = 0.5 * (a + b);
        let value_m = self.optimum(m);
        if self.meets(value_m, m) {
            self.search(m, true, b, value_b).or(Some(m))
        } else {
            self.search(m, false, b, value_b)
                .or_else(|| self.search(a, a_ok, m, value_m))
        }
    }
}
