//! [`HorizonOptimizer`]: the barrier method on the concave relaxation, the certificate, and
//! the evaluation of any plan ([`evaluate_plan`]).

use nalgebra::{DMatrix, DVector};

use super::barrier::{Engine, Equality, Inequality, Objective};
use super::dynamics::ChannelCarryover;
use super::error::HorizonError;
use super::plan::{Certificate, HorizonPlan, SpendSchedule};
use super::problem::HorizonProblem;
use super::revenue::{ChannelPath, Curves};
use crate::response::HillResponse;

/// The barrier is tightened until `m/t ≤ TARGET_GAP·|F|` (relative duality gap); the
/// active-set polish then solves to rounding.
const TARGET_GAP: f64 = 1e-8;
/// Growth of the barrier weight between centrings.
const BARRIER_GROWTH: f64 = 20.0;
/// Newton decrement below which a centring stops.
const CENTRE_TOLERANCE: f64 = 1e-10;
/// Widths below this share of the budget are treated as fixed.
const SNAP: f64 = 1e-13;
/// Most centrings per phase.
const MAX_CENTRINGS: usize = 40;
/// Most Newton steps of a centring.
const MAX_CENTRE_STEPS: usize = 60;
/// Most Newton steps of the warm path's centring before it gives way to the cold path
/// (measured on the store: 2–7 steps once the MM steps settle, 18 at most).
const WARM_CENTRE_STEPS: usize = 25;

/// Solves [`HorizonProblem`]s: the channel × week plan that maximises media revenue, with a
/// [`Certificate`]. Holds no state between solves; its one setting,
/// [`HorizonOptimizer::with_warm_starts`], says whether the minorise–maximise steps of
/// [`HorizonOptimizer::solve_multiplicative`] start from the step before (the default).
#[derive(Debug, Clone)]
pub struct HorizonOptimizer {
    warm_starts: bool,
}

impl Default for HorizonOptimizer {
    fn default() -> Self {
        Self { warm_starts: true }
    }
}

/// Where the barrier ended on an earlier problem with **the same constraints** (budget, caps,
/// fixed amounts and bounds; only the objective — the time weights — may differ): the start
/// of the next solve's barrier (see [`HorizonOptimizer::solve_from`]).
#[derive(Debug, Clone)]
pub(crate) struct WarmStart {
    /// The free cells of the problem it came from (the variables of `interior`).
    free: Vec<usize>,
    /// That problem's money scale (`interior` is in its units).
    money: f64,
    /// Its last envelope centre: strictly inside every inequality, on the equalities.
    interior: Vec<f64>,
}

/// The problem in scaled units (money ÷ budget, revenue ÷ Σβ), bounds tightened.
pub(crate) struct Scaled {
    pub(crate) money: f64,
    pub(crate) revenue: f64,
    pub(crate) weeks: usize,
    pub(crate) channels: usize,
    lower: Vec<f64>,
    upper: Vec<f64>,
    pub(crate) paths: Vec<ChannelPath>,
    /// Free cells (lower < upper), in variable order.
    free: Vec<usize>,
}

/// The revenue objective over the free cells.
struct Revenue<'a> {
    scaled: &'a Scaled,
    curves: Curves,
    cells: Vec<f64>,
    adstock: Vec<f64>,
    slopes: Vec<f64>,
    curvature: Vec<f64>,
    /// `variable[cell]`: the variable of a free cell.
    variable: Vec<Option<usize>>,
}

impl<'a> Revenue<'a> {
    fn new(scaled: &'a Scaled, curves: Curves) -> Self {
        let mut variable = vec![None; scaled.lower.len()];
        for (v, &cell) in scaled.free.iter().enumerate() {
            variable[cell] = Some(v);
        }
        Self {
            scaled,
            curves,
            cells: scaled.lower.clone(),
            adstock: Vec::new(),
            slopes: vec![0.0; scaled.weeks],
            // D_j for the weeks (geometric) or g_k'' over the whole path (kernel).
            curvature: vec![
                0.0;
                scaled
                    .paths
                    .iter()
                    .map(|p| p.len)
                    .fold(scaled.weeks, usize::max)
            ],
            variable,
        }
    }

    fn load(&mut self, z: &[f64]) {
        for (v, &cell) in self.scaled.free.iter().enumerate() {
            self.cells[cell] = z[v];
        }
    }

    /// True when a free cell is at zero adstock on a curve whose slope is infinite there
    /// (shape < 1): the derivatives report 0 at zero adstock, which would be wrong for it.
    fn has_zero_adstock_with_infinite_slope(&self) -> bool {
        let channels = self.scaled.channels;
        let mut adstock = Vec::new();
        self.scaled.paths.iter().enumerate().any(|(c, path)| {
            if path.response.marginal(0.0).is_finite() {
                return false;
            }
            path.adstock(self.column(c), &mut adstock);
            (0..self.scaled.weeks).any(|h| {
                self.variable[h * channels + c].is_some() && path.feeds_zero_adstock(h, &adstock)
            })
        })
    }

    fn column(&self, c: usize) -> impl Iterator<Item = f64> + '_ {
        let channels = self.scaled.channels;
        (0..self.scaled.weeks).map(move |h| self.cells[h * channels + c])
    }
}

impl Objective for Revenue<'_> {
    fn value(&mut self, z: &[f64]) -> f64 {
        self.load(z);
        let mut total = 0.0;
        let mut adstock = std::mem::take(&mut self.adstock);
        for (c, path) in self.scaled.paths.iter().enumerate() {
            path.adstock(self.column(c), &mut adstock);
            total += path.value(&adstock, self.curves);
        }
        self.adstock = adstock;
        total
    }

    fn derivatives(&mut self, z: &[f64], grad: &mut [f64], neg_hessian: &mut DMatrix<f64>) -> f64 {
        self.load(z);
        let (weeks, channels) = (self.scaled.weeks, self.scaled.channels);
        let mut total = 0.0;
        let mut adstock = std::mem::take(&mut self.adstock);
        for (c, path) in self.scaled.paths.iter().enumerate() {
            path.adstock(self.column(c), &mut adstock);
            total += path.value(&adstock, self.curves);
            path.derivatives(
                &adstock,
                self.curves,
                weeks,
                &mut self.slopes,
                &mut self.curvature,
            );
            let variable = &self.variable;
            for i in 0..weeks {
                let Some(vi) = variable[i * channels + c] else {
                    continue;
                };
                grad[vi] += self.slopes[i];
                path.hessian_row(i, weeks, &self.curvature, |j, h| {
                    if let Some(vj) = variable[j * channels + c] {
                        neg_hessian[(vi, vj)] -= h;
                        if vj != vi {
                            neg_hessian[(vj, vi)] -= h;
                        }
                    }
                });
            }
        }
        self.adstock = adstock;
        total
    }
}

/// Phase I: maximise `τ` (the last variable).
struct Feasibility;

impl Objective for Feasibility {
    fn value(&mut self, z: &[f64]) -> f64 {
        z[z.len() - 1]
    }

    fn derivatives(&mut self, z: &[f64], grad: &mut [f64], _: &mut DMatrix<f64>) -> f64 {
        let n = z.len() - 1;
        grad[n] += 1.0;
        z[n]
    }
}

/// The constraints on the free cells.
struct Constraints {
    inequalities: Vec<Inequality>,
    equalities: Vec<Equality>,
    start: Vec<f64>,
}

impl HorizonOptimizer {
    /// A new optimiser.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether each minorise–maximise step of [`HorizonOptimizer::solve_multiplicative`]
    /// after the first resumes the barrier from the previous step's (`true`, the default), or
    /// solves its weighted problem from scratch (`false`: slower, the reference the warm
    /// start is tested against). Either way every step's plan, feasibility and certificate
    /// come from the same barrier end point, active-set polish and bound; see
    /// `docs/optimizer.md`, "The multiplicative horizon".
    pub fn with_warm_starts(mut self, warm_starts: bool) -> Self {
        self.warm_starts = warm_starts;
        self
    }

    /// Whether the minorise–maximise steps are warm-started (see
    /// [`HorizonOptimizer::with_warm_starts`]).
    pub fn warm_starts(&self) -> bool {
        self.warm_starts
    }

    /// The plan that maximises the media revenue (incremental over spending nothing in the
    /// period, carryover tail included) within the budget, caps and fixed amounts, with its
    /// [`Certificate`]. See [`crate::optimize::horizon`] for the method.
    ///
    /// # Errors
    /// [`HorizonError::NoRoomInsideCaps`] when the caps admit the budget only on their
    /// boundary in a way the solver cannot start from (see the error), or admit slightly less
    /// than the budget.
    pub fn solve(&mut self, problem: &HorizonProblem) -> Result<HorizonPlan, HorizonError> {
        self.solve_from(problem, None).map(|(plan, _)| plan)
    }

    /// [`HorizonOptimizer::solve`], with the barrier resumed from `warm` when it fits
    /// `problem` (the same free cells and money scale, a strictly feasible point) and
    /// returning where this solve's barrier ended, for the next.
    ///
    /// **Warm path.** The barrier resumes from the earlier problem's last centre `z_w`
    /// (strictly feasible for this problem too: the constraints are the same) at the weight
    /// where this problem's barrier stops, instead of climbing to it from `t₀`: the first
    /// weight of the cold path's grid `t₀·20^j` (`t₀ = m/|F̂(start) − F̂(0)|`) with
    /// `m/t ≤ 1e-8·|F̂(z_w) − F̂(0)|`, and grows ×20 from there if the centre needs it, by
    /// the cold path's own rule. It thus ends at the same `t` and the same centre as the cold
    /// path (up to the centring tolerance), after one centring of a few Newton steps when the
    /// objective changed little. Everything after the barrier — the active-set polish, the
    /// Lagrangian bound, with S-shaped curves the ascent on the true curves from the
    /// centre and the choice between the two plans, the budget's restoration and checks —
    /// is the cold path's, from the same centre, so the plan and the certificate have the
    /// same guarantees. If the warm centring does not converge
    /// within [`WARM_CENTRE_STEPS`] Newton steps, the barrier starts again cold (the steps
    /// spent are counted).
    pub(crate) fn solve_from(
        &mut self,
        problem: &HorizonProblem,
        warm: Option<&WarmStart>,
    ) -> Result<(HorizonPlan, Option<WarmStart>), HorizonError> {
        let scaled = scale(problem);
        let concave = problem.model().is_concave();
        let mut steps = 0;
        let mut z = Vec::new();
        let mut upper_scaled = None;
        let mut resume = None;
        if !scaled.free.is_empty() {
            let constraints = constraints(&scaled, problem)?;
            let constraints = &constraints;
            let n = scaled.free.len();
            let mut engine = Engine {
                n,
                inequalities: &constraints.inequalities,
                equalities: &constraints.equalities,
                tau: false,
            };
            let mut envelope = Revenue::new(&scaled, Curves::Envelope);
            let m = constraints.inequalities.len() as f64;
            let reference = zero_plan_value(&scaled);
            let mut slacks = Vec::new();
            // The cold path's first barrier weight, when its start needs no phase I: the
            // grid the warm path's weights are rounded onto.
            let grid_origin = engine.slacks(&constraints.start, &mut slacks).then(|| {
                m / (envelope.value(&constraints.start) - reference)
                    .abs()
                    .max(1e-12)
            });
            let mut path = None;
            if let Some((mut warm_z, warm_t)) = warm.and_then(|w| {
                warm_barrier_start(
                    w,
                    &scaled,
                    &engine,
                    constraints,
                    &mut envelope,
                    grid_origin,
                    reference,
                )
            }) {
                let run = follow_central_path(
                    &engine,
                    &mut envelope,
                    &mut warm_z,
                    warm_t,
                    reference,
                    WARM_CENTRE_STEPS,
                );
                steps += run.steps;
                if run.converged {
                    path = Some((warm_z, run));
                }
            }
            let (centre_z, run) = match path {
                Some(warm_path) => warm_path,
                None => {
                    let mut cold_z = constraints.start.clone();
                    if !engine.slacks(&cold_z, &mut slacks) {
                        engine.tau = true;
                        steps += find_interior(&engine, &mut cold_z, problem.budget())?;
                        engine.tau = false;
                    }
                    let start_value = (envelope.value(&cold_z) - reference).abs().max(1e-12);
                    let run = follow_central_path(
                        &engine,
                        &mut envelope,
                        &mut cold_z,
                        m / start_value,
                        reference,
                        MAX_CENTRE_STEPS,
                    );
                    steps += run.steps;
                    (cold_z, run)
                }
            };
            z = centre_z;
            let (t, nu) = (run.t, run.nu);
            let multipliers = barrier_multipliers(&engine, &z, t, &nu);
            let resume_here = WarmStart {
                free: scaled.free.clone(),
                money: scaled.money,
                interior: z.clone(),
            };
            let mut bound = lagrangian_bound(&mut envelope, &z, &multipliers, constraints);
            for refined in stationary_multipliers(&mut envelope, &engine, &z, t, constraints) {
                bound = bound.min(lagrangian_bound(&mut envelope, &z, &refined, constraints));
            }
            let interior = z.clone();
            // Several guesses of the active set; each valid bound may only lower the best.
            for guess in [
                ActiveGuess::new(ActiveRule::MultiplierAboveSlack, false),
                ActiveGuess::new(ActiveRule::MultiplierAboveSlack, true),
                ActiveGuess::new(ActiveRule::SlackBelow(1e-7), false),
                ActiveGuess::new(ActiveRule::SlackBelow(1e-7), true),
                ActiveGuess::new(ActiveRule::SlackBelow(1e-10), false),
            ] {
                let value = envelope.value(&z);
                let Some((x, exact)) =
                    crossover(&mut envelope, &engine, &interior, t, constraints, guess)
                else {
                    continue;
                };
                let polished_bound = lagrangian_bound(&mut envelope, &x, &exact, constraints);
                if polished_bound.is_finite() {
                    bound = bound.min(polished_bound);
                }
                if envelope.value(&x) >= value {
                    z = clamp_to_boxes(x, &scaled);
                }
                let gap = bound - envelope.value(&z);
                if gap <= 1e-12 * envelope.value(&z).abs() {
                    break;
                }
            }
            upper_scaled = Some(bound);
            if !concave {
                // Local ascent on the true curves from the relaxation's (interior) plan; kept
                // if better.
                let mut truth = Revenue::new(&scaled, Curves::True);
                let mut polished = interior;
                let mut clipped = Revenue::new(&scaled, Curves::TrueClipped);
                let centre = engine.centre(
                    &mut clipped,
                    t,
                    &mut polished,
                    CENTRE_TOLERANCE,
                    MAX_CENTRE_STEPS,
                );
                steps += centre.steps;
                if truth.value(&polished) > truth.value(&z) {
                    z = polished;
                }
            }
            restore_equalities(&mut z, constraints, &scaled);
            resume = Some(resume_here);
        }
        let mut plan = build_plan(problem, &scaled, &z);
        // Never return a plan that misses the budget (the checks before solving should make
        // this unreachable).
        if (plan.total_spend() - problem.budget()).abs() > 1e-9 * problem.budget().max(1.0) {
            return Err(HorizonError::NoRoomInsideCaps {
                budget: problem.budget(),
            });
        }
        let lower_bound = plan.media_revenue();
        let upper_bound = match upper_scaled {
            Some(bound) => {
                let remainder: f64 = scaled.paths.iter().map(|p| p.remainder).sum();
                let reference = zero_plan_value(&scaled);
                ((bound + remainder - reference) * scaled.revenue).max(lower_bound)
            }
            None => lower_bound,
        };
        let relative_gap = if upper_bound.abs() > 0.0 {
            (upper_bound - lower_bound) / upper_bound.abs()
        } else {
            0.0
        };
        plan.certificate = Some(Certificate {
            lower_bound,
            upper_bound,
            relative_gap,
            concave,
            newton_steps: steps,
        });
        Ok((plan, resume))
    }
}

/// One run of the barrier along the central path.
struct CentralPath {
    /// Newton steps of all its centrings.
    steps: usize,
    /// The last barrier weight.
    t: f64,
    /// The equality multipliers ν of the last centring.
    nu: Vec<f64>,
    /// Whether the last centring converged (the end point is the centre at `t`).
    converged: bool,
}

/// Centres `Φ_t` from `z` (strictly feasible, updated in place) for `t`, `20·t`, `400·t`, …
/// until `m/t ≤ TARGET_GAP·|F̂(z) − F̂(0)|` (at most [`MAX_CENTRINGS`] centrings of at most
/// `max_steps` Newton steps each).
fn follow_central_path(
    engine: &Engine,
    envelope: &mut Revenue,
    z: &mut [f64],
    mut t: f64,
    reference: f64,
    max_steps: usize,
) -> CentralPath {
    let m = engine.inequalities.len() as f64;
    let mut path = CentralPath {
        steps: 0,
        t,
        nu: Vec::new(),
        converged: false,
    };
    for _ in 0..MAX_CENTRINGS {
        let centre = engine.centre(envelope, t, z, CENTRE_TOLERANCE, max_steps);
        path.steps += centre.steps;
        path.nu = centre.nu;
        path.converged = centre.converged;
        let value = (envelope.value(z) - reference).abs();
        if m / t <= TARGET_GAP * value.max(1e-300) {
            break;
        }
        t *= BARRIER_GROWTH;
    }
    path.t = t;
    path
}

/// The warm barrier's start (see [`HorizonOptimizer::solve_from`]): the earlier centre `z_w`
/// and the first weight of the cold grid `t₀·20^j` (`j ≥ 0`) at which the barrier stops at
/// `z_w`, `m/t ≤ TARGET_GAP·|F̂(z_w) − F̂(0)|` (that weight itself without a grid, when the
/// cold start needs phase I).
///
/// The barrier's Newton steps keep `A·dz = 0` only to rounding, so a centre can sit off an
/// equality (1e-7 relative seen on small ill-conditioned problems); `z_w` is put back on
/// each equality `e` (residual `r_e`) by the step of least barrier curvature,
/// `dz_i = r_e·q_i / Σ_{j∈e} q_j` with `q_i = 1 / Σ_{rows r ∋ i} s_r⁻²`, which moves each
/// variable in proportion to its squared slack and so keeps the point near the centre.
/// `None` when `z_w` does not fit this problem: other free cells or money scale, or, once
/// restored, not strictly inside every inequality or not on every equality to 1e-12.
fn warm_barrier_start(
    warm: &WarmStart,
    scaled: &Scaled,
    engine: &Engine,
    constraints: &Constraints,
    envelope: &mut Revenue,
    grid_origin: Option<f64>,
    reference: f64,
) -> Option<(Vec<f64>, f64)> {
    if warm.free != scaled.free || warm.money != scaled.money || warm.interior.len() != engine.n {
        return None;
    }
    let mut z = warm.interior.clone();
    let mut slacks = Vec::new();
    if !engine.slacks(&z, &mut slacks) {
        return None;
    }
    let mut curvature = vec![0.0; z.len()];
    for (row, &s) in constraints.inequalities.iter().zip(&slacks) {
        for &v in &row.vars {
            curvature[v] += 1.0 / (s * s);
        }
    }
    for eq in &constraints.equalities {
        let residual = eq.rhs - eq.vars.iter().map(|&v| z[v]).sum::<f64>();
        let total: f64 = eq.vars.iter().map(|&v| 1.0 / curvature[v]).sum();
        if residual != 0.0 && total > 0.0 && total.is_finite() {
            for &v in &eq.vars {
                z[v] += residual / curvature[v] / total;
            }
        }
    }
    let on_equalities = engine.equalities.iter().all(|eq| {
        let sum: f64 = eq.vars.iter().map(|&v| z[v]).sum();
        (eq.rhs - sum).abs() <= 1e-12 * (1.0 + eq.rhs.abs())
    });
    if !(on_equalities && engine.slacks(&z, &mut slacks)) {
        return None;
    }
    let m = engine.inequalities.len() as f64;
    let value = (envelope.value(&z) - reference).abs().max(1e-300);
    let stopping = m / (TARGET_GAP * value);
    let t = match grid_origin {
        Some(t0) if t0.is_finite() && t0 > 0.0 => {
            // The first grid index at or past the stopping weight (a hair of rounding does
            // not add a whole factor 20).
            let index = ((stopping / t0).ln() / BARRIER_GROWTH.ln() - 1e-9).ceil();
            t0 * BARRIER_GROWTH.powf(index.max(0.0))
        }
        _ => stopping,
    };
    (t.is_finite() && t > 0.0).then_some((z, t))
}

/// Puts back the rounding drift of the Newton steps (of order 1e-15) so that each
/// equality — the budget — holds to the last bit the arithmetic allows: the residual is
/// spread over the equality's variables in proportion to their room in its direction.
fn restore_equalities(z: &mut [f64], constraints: &Constraints, scaled: &Scaled) {
    for eq in &constraints.equalities {
        let residual = eq.rhs - eq.vars.iter().map(|&v| z[v]).sum::<f64>();
        // A cap row shared by several variables gives each an equal part of its slack, so
        // the spreading cannot push any week or channel over its cap.
        let mut cap_room = vec![f64::INFINITY; z.len()];
        if residual > 0.0 {
            for row in constraints.inequalities.iter().filter(|r| r.aggregate) {
                let slack = row.bound - row.sign * row.vars.iter().map(|&v| z[v]).sum::<f64>();
                let part = slack.max(0.0) / row.vars.len() as f64;
                for &v in &row.vars {
                    cap_room[v] = cap_room[v].min(part);
                }
            }
        }
        let rooms: Vec<f64> = eq
            .vars
            .iter()
            .map(|&v| {
                let cell = scaled.free[v];
                if residual > 0.0 {
                    (scaled.upper[cell] - z[v]).min(cap_room[v])
                } else {
                    z[v] - scaled.lower[cell]
                }
                .max(0.0)
            })
            .collect();
        let total: f64 = rooms.iter().sum();
        if total <= 0.0 {
            continue;
        }
        let share = (residual.abs() / total).min(1.0) * residual.signum();
        for (&v, room) in eq.vars.iter().zip(rooms) {
            z[v] += share * room;
        }
    }
}

/// Clamps each variable into its box (the crossover's steps may overshoot a bound by a
/// rounding error).
fn clamp_to_boxes(mut z: Vec<f64>, scaled: &Scaled) -> Vec<f64> {
    for (v, &cell) in scaled.free.iter().enumerate() {
        z[v] = z[v].clamp(scaled.lower[cell], scaled.upper[cell]);
    }
    z
}

/// Evaluates any plan (`spend`, week-major `week·C + channel`) through the problem's model:
/// revenue per week and channel, the tail and the media revenue; no certificate. The plan
/// need not respect the problem's budget or caps.
///
/// # Errors
/// [`HorizonError::LengthMismatch`] for a wrong length, [`HorizonError::InvalidFixed`] for a
/// negative or non-finite amount.
pub fn evaluate_plan(problem: &HorizonProblem, spend: &[f64]) -> Result<HorizonPlan, HorizonError> {
    let (weeks, channels) = (problem.weeks(), problem.channels());
    if spend.len() != weeks * channels {
        return Err(HorizonError::LengthMismatch {
            what: "the plan".into(),
            expected: weeks * channels,
            found: spend.len(),
            per: "week and channel",
        });
    }
    if let Some(i) = spend.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err(HorizonError::InvalidFixed {
            what: format!(
                "the spend of '{}' in week {}",
                problem.model().channels()[i % channels].name(),
                i / channels + 1
            ),
            value: spend[i],
        });
    }
    let mut fixed = problem.clone();
    fixed.lower = spend.to_vec();
    fixed.upper = spend.to_vec();
    fixed.budget = spend.iter().sum();
    let scaled = scale(&fixed);
    Ok(build_plan(&fixed, &scaled, &[]))
}

/// Scales money by the budget (or 1) and revenue by `Σβ` (or 1), tightens the bounds and
/// builds each channel's path with the envelopes over the reachable adstock.
pub(crate) fn scale(problem: &HorizonProblem) -> Scaled {
    let (weeks, channels) = (problem.weeks(), problem.channels());
    let money = if problem.budget() > 0.0 {
        problem.budget()
    } else {
        1.0
    };
    let total_beta: f64 = problem
        .model()
        .channels()
        .iter()
        .map(|c| c.response().coefficient())
        .sum();
    let mut revenue = if total_beta > 0.0 { total_beta } else { 1.0 };
    // Weighted objective: revenue scaled by Σβ·max ω too, so the scaled weights are ≤ 1.
    let weights = problem.time_weights.clone();
    if let Some(largest) = weights.as_ref().map(|w| w.max())
        && largest > 0.0
    {
        revenue *= largest;
    }
    let budget = problem.budget() / money;
    let mut lower: Vec<f64> = problem.lower.iter().map(|v| v / money).collect();
    let mut upper: Vec<f64> = problem.upper.iter().map(|v| v / money).collect();
    let week_caps: Vec<f64> = problem.week_caps.iter().map(|v| v / money).collect();
    let channel_caps: Vec<f64> = problem.channel_caps.iter().map(|v| v / money).collect();
    for _ in 0..3 {
        let spare = (budget - lower.iter().sum::<f64>()).max(0.0);
        for h in 0..weeks {
            let week_spare = (week_caps[h]
                - (0..channels).map(|c| lower[h * channels + c]).sum::<f64>())
            .max(0.0);
            for c in 0..channels {
                let channel_spare = (channel_caps[c]
                    - (0..weeks).map(|k| lower[k * channels + c]).sum::<f64>())
                .max(0.0);
                let i = h * channels + c;
                upper[i] = upper[i].min(lower[i] + spare.min(week_spare).min(channel_spare));
            }
        }
        let total_upper: f64 = upper.iter().sum();
        for i in 0..lower.len() {
            lower[i] = lower[i]
                .max(budget - (total_upper - upper[i]))
                .min(upper[i]);
            if upper[i] - lower[i] <= SNAP {
                upper[i] = lower[i];
            }
        }
    }
    fix_full_groups(
        &mut lower,
        &upper,
        budget,
        weeks,
        channels,
        &week_caps,
        &channel_caps,
    );
    let free = (0..lower.len()).filter(|&i| upper[i] > lower[i]).collect();
    let paths = problem
        .model()
        .channels()
        .iter()
        .enumerate()
        .map(|(c, ch)| {
            let r = ch.response();
            let response = HillResponse::new(
                r.coefficient() / revenue,
                r.half_saturation() / money,
                r.shape(),
            )
            .unwrap_or(*r);
            let path = match ch.carryover() {
                ChannelCarryover::Geometric { decay, carry_in } => {
                    let (theta, w) = (*decay, 1.0 - decay);
                    let carry = carry_in / money;
                    let (mut lo, mut hi) = (carry, carry);
                    let mut low = Vec::with_capacity(weeks);
                    let mut high = Vec::with_capacity(weeks);
                    for h in 0..weeks {
                        lo = theta * lo + w * lower[h * channels + c];
                        hi = theta * hi + w * upper[h * channels + c];
                        low.push(lo);
                        high.push(hi);
                    }
                    ChannelPath::geometric(response, theta, carry, &low, &high)
                }
                ChannelCarryover::Kernel { weights, carry_in } => {
                    let history = carry_in.iter().map(|v| v / money).collect();
                    let column = |bounds: &[f64]| -> Vec<f64> {
                        (0..weeks).map(|h| bounds[h * channels + c]).collect()
                    };
                    ChannelPath::finite(
                        response,
                        weights.clone(),
                        history,
                        &column(&lower),
                        &column(&upper),
                    )
                }
            };
            match &weights {
                Some(w) => path.with_weights(w.clone()),
                None => path,
            }
        })
        .collect();
    Scaled {
        money,
        revenue,
        weeks,
        channels,
        lower,
        upper,
        paths,
        free,
    }
}

/// When the week caps (or the channel caps) add up to exactly the budget left, every week
/// (channel) must reach its room; a group whose cells' widths are its whole room then has
/// every cell at its upper bound: fix them there (the barrier needs room inside each box).
fn fix_full_groups(
    lower: &mut [f64],
    upper: &[f64],
    budget: f64,
    weeks: usize,
    channels: usize,
    week_caps: &[f64],
    channel_caps: &[f64],
) {
    let groups: [(Vec<Vec<usize>>, &[f64]); 2] = [
        (
            (0..weeks)
                .map(|h| (0..channels).map(|c| h * channels + c).collect())
                .collect(),
            week_caps,
        ),
        (
            (0..channels)
                .map(|c| (0..weeks).map(|h| h * channels + c).collect())
                .collect(),
            channel_caps,
        ),
    ];
    for (cells, caps) in groups {
        let left = budget - lower.iter().sum::<f64>();
        let rooms: Vec<(f64, f64)> = cells
            .iter()
            .zip(caps)
            .map(|(cells, &cap)| {
                let low: f64 = cells.iter().map(|&i| lower[i]).sum();
                let widths: f64 = cells.iter().map(|&i| upper[i] - lower[i]).sum();
                (cap - low, widths)
            })
            .collect();
        let total: f64 = rooms.iter().map(|(spare, widths)| spare.min(*widths)).sum();
        if total > left * (1.0 + 1e-12) + 1e-15 {
            continue;
        }
        for (cells, (spare, widths)) in cells.iter().zip(rooms) {
            if widths <= spare {
                for &i in cells {
                    lower[i] = upper[i];
                }
            }
        }
    }
}

/// Media revenue (scaled) with nothing spent in the period: the carry-in alone.
fn zero_plan_value(scaled: &Scaled) -> f64 {
    let mut adstock = Vec::new();
    scaled
        .paths
        .iter()
        .map(|p| {
            p.adstock(std::iter::repeat_n(0.0, scaled.weeks), &mut adstock);
            p.value(&adstock, Curves::True)
        })
        .sum()
}

/// Box rows, binding week and channel caps, the budget (or the implied equalities when the
/// caps add up to exactly the budget) and a start point on the equalities.
fn constraints(scaled: &Scaled, problem: &HorizonProblem) -> Result<Constraints, HorizonError> {
    let (weeks, channels) = (scaled.weeks, scaled.channels);
    let money = scaled.money;
    let n = scaled.free.len();
    let mut variable = vec![None; scaled.lower.len()];
    for (v, &cell) in scaled.free.iter().enumerate() {
        variable[cell] = Some(v);
    }
    let width = |cell: usize| scaled.upper[cell] - scaled.lower[cell];
    let budget_left = problem.budget() / money - scaled.lower.iter().sum::<f64>();
    let mut inequalities = Vec::with_capacity(2 * n + weeks + channels);
    for &cell in &scaled.free {
        let v = variable[cell].unwrap_or(0);
        inequalities.push(Inequality {
            vars: vec![v],
            sign: -1.0,
            bound: -scaled.lower[cell],
            aggregate: false,
        });
        inequalities.push(Inequality {
            vars: vec![v],
            sign: 1.0,
            bound: scaled.upper[cell],
            aggregate: false,
        });
    }
    // Room of each week and channel beyond the lower bounds: the smaller of the cap's spare
    // and the cells' widths.
    let week_cells = |h: usize| (0..channels).map(move |c| h * channels + c);
    let channel_cells = |c: usize| (0..weeks).map(move |h| h * channels + c);
    let room = |cells: Vec<usize>, cap: f64| {
        let lower: f64 = cells.iter().map(|&i| scaled.lower[i]).sum();
        let widths: f64 = cells.iter().map(|&i| width(i)).sum();
        (cap / money - lower, widths, cells)
    };
    let weeks_room: Vec<_> = (0..weeks)
        .map(|h| room(week_cells(h).collect(), problem.week_caps[h]))
        .collect();
    let channels_room: Vec<_> = (0..channels)
        .map(|c| room(channel_cells(c).collect(), problem.channel_caps[c]))
        .collect();
    let tight = |rooms: &[(f64, f64, Vec<usize>)]| {
        let total: f64 = rooms
            .iter()
            .map(|(spare, widths, _)| spare.min(*widths))
            .sum();
        total <= budget_left * (1.0 + 1e-12) + 1e-15
    };
    let weeks_tight = tight(&weeks_room);
    let channels_tight = tight(&channels_room);
    if weeks_tight && channels_tight {
        return Err(HorizonError::NoRoomInsideCaps {
            budget: problem.budget(),
        });
    }
    let mut equalities = Vec::new();
    let mut start: Vec<f64> = scaled.free.iter().map(|&i| scaled.lower[i]).collect();
    let spread = |cells: &[usize], amount: f64, start: &mut Vec<f64>| {
        let widths: f64 = cells.iter().map(|&i| width(i)).sum();
        if widths > 0.0 {
            for &i in cells {
                if let Some(v) = variable[i] {
                    start[v] = scaled.lower[i] + amount * width(i) / widths;
                }
            }
        }
    };
    // The free cells' lower bounds (a row's variables are its free cells only).
    let free_lower = |cells: &[usize]| -> f64 {
        cells
            .iter()
            .filter(|&&i| variable[i].is_some())
            .map(|&i| scaled.lower[i])
            .sum()
    };
    for (rooms, is_tight) in [(&weeks_room, weeks_tight), (&channels_room, channels_tight)] {
        for (spare, widths, cells) in rooms {
            let vars: Vec<usize> = cells.iter().filter_map(|&i| variable[i]).collect();
            if vars.is_empty() {
                continue;
            }
            if is_tight {
                let amount = spare.min(*widths);
                equalities.push(Equality {
                    vars,
                    rhs: free_lower(cells) + amount,
                });
                spread(cells, amount, &mut start);
            } else if *spare < *widths {
                inequalities.push(Inequality {
                    vars,
                    sign: 1.0,
                    bound: spare + free_lower(cells),
                    aggregate: true,
                });
            }
        }
    }
    if !weeks_tight && !channels_tight {
        equalities.push(Equality {
            vars: (0..n).collect(),
            rhs: scaled.free.iter().map(|&i| scaled.lower[i]).sum::<f64>() + budget_left,
        });
        spread(&scaled.free, budget_left, &mut start);
    }
    Ok(Constraints {
        inequalities,
        equalities,
        start,
    })
}

/// Phase I: maximises `τ` with `G·z + τ ≤ h` from the start until `τ > 0`; returns the
/// Newton steps and leaves a strictly feasible `z` (without `τ`).
fn find_interior(engine: &Engine, z: &mut Vec<f64>, budget: f64) -> Result<usize, HorizonError> {
    let mut slacks = Vec::new();
    let no_room = HorizonError::NoRoomInsideCaps { budget };
    let tau_engine = Engine {
        n: engine.n,
        inequalities: engine.inequalities,
        equalities: engine.equalities,
        tau: false,
    };
    tau_engine.slacks(z, &mut slacks);
    let least = slacks.iter().copied().fold(f64::INFINITY, f64::min);
    z.push(least - 1e-3);
    let mut steps = 0;
    let mut t = 1.0;
    let m = engine.inequalities.len() as f64;
    for _ in 0..MAX_CENTRINGS {
        let centre = engine.centre(&mut Feasibility, t, z, CENTRE_TOLERANCE, MAX_CENTRE_STEPS);
        steps += centre.steps;
        let tau = z[engine.n];
        if tau > 1e-9 {
            z.pop();
            return Ok(steps);
        }
        if m / t < 1e-12 {
            break;
        }
        t *= BARRIER_GROWTH;
    }
    Err(no_room)
}

/// Multipliers for the Lagrangian bound: one per equality (`None`: choose the budget's
/// multiplier optimally, for a single equality) and one `u_r ≥ 0` per inequality (only
/// the week and channel caps are used; box rows are handled exactly).
struct Multipliers {
    equalities: Option<Vec<f64>>,
    inequalities: Vec<f64>,
}

/// An upper bound on the relaxation's optimum (scaled, absolute), valid for any multipliers:
/// for the concave `F̂`, `max F̂ ≤ F̂(z) + max_{y feasible} ∇F̂(z)·(y − z)`, and by weak LP
/// duality with `u_r ≥ 0` on the caps and any `λ_e` on the equalities
///
/// ```text
/// max ∇F̂·y ≤ Σ_e λ_e·b_e + Σ_r u_r·h_r + Σ_i max(r_i·lo_i, r_i·hi_i),
/// r_i = ∂F̂/∂z_i − Σ_e λ_e·A_ei − Σ_r u_r·G_ri
/// ```
///
/// With a single equality (the budget) its `λ` is chosen to minimise the bound: the
/// expression is convex and piecewise linear in `λ`, minimal where the cells sorted by `r_i`
/// fill the budget.
fn lagrangian_bound(
    envelope: &mut Revenue,
    z: &[f64],
    multipliers: &Multipliers,
    constraints: &Constraints,
) -> f64 {
    let n = z.len();
    let mut grad = vec![0.0; n];
    let mut scratch = DMatrix::zeros(n, n);
    let value = envelope.derivatives(z, &mut grad, &mut scratch);
    let scaled = envelope.scaled;
    let (lo, hi): (Vec<f64>, Vec<f64>) = scaled
        .free
        .iter()
        .map(|&i| (scaled.lower[i], scaled.upper[i]))
        .unzip();
    let mut reduced = grad.clone();
    let mut bound = 0.0;
    for (row, &u) in constraints
        .inequalities
        .iter()
        .zip(&multipliers.inequalities)
    {
        if row.aggregate {
            let u = u.max(0.0);
            bound += u * row.bound;
            for &i in &row.vars {
                reduced[i] -= u * row.sign;
            }
        }
    }
    let box_max = |r: &[f64]| -> f64 {
        r.iter()
            .enumerate()
            .map(|(i, &ri)| (ri * lo[i]).max(ri * hi[i]))
            .sum()
    };
    let linear_max = match &multipliers.equalities {
        None if constraints.equalities.len() == 1 && n > 0 => {
            let eq = &constraints.equalities[0];
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| reduced[b].total_cmp(&reduced[a]));
            let mut taken: f64 = lo.iter().sum();
            let mut lambda = reduced[order[n - 1]];
            for &i in &order {
                taken += hi[i] - lo[i];
                if taken >= eq.rhs {
                    lambda = reduced[i];
                    break;
                }
            }
            let shifted: Vec<f64> = reduced.iter().map(|r| r - lambda).collect();
            lambda * eq.rhs + box_max(&shifted)
        }
        given => {
            let mut shifted = reduced.clone();
            let mut total = 0.0;
            let zeros = vec![0.0; constraints.equalities.len()];
            let lambdas = given.as_deref().unwrap_or(&zeros);
            for (eq, &lambda) in constraints.equalities.iter().zip(lambdas) {
                total += lambda * eq.rhs;
                for &i in &eq.vars {
                    shifted[i] -= lambda;
                }
            }
            total + box_max(&shifted)
        }
    };
    let linear_here: f64 = grad.iter().zip(z).map(|(g, x)| g * x).sum();
    value + (bound + linear_max - linear_here).max(0.0)
}

/// Multipliers fitted to stationarity at the barrier's point `z`, for a tighter bound than
/// the barrier's own.
///
/// The barrier's `u_r = 1/(t·s_r)` is exact only at an exact centre: on a binding cap the
/// slack `s_r` is ~1e-10, so a centring error far below the Newton tolerance moves `u_r`
/// by a visible fraction, and the bound by that error times the cells' widths (1e-5
/// relative on CI instances). Here the caps and boxes whose barrier multiplier exceeds
/// their slack are taken as active, and `(λ, u)` solve, by least squares over the cells
/// not held at a box bound,
///
/// `∂F̂/∂z_i = Σ_e λ_e [i ∈ e] + Σ_{r active} u_r·sign_r [i ∈ r]`,
///
/// with caps whose `u_r` comes out negative dropped and the system solved again. Any
/// multipliers give a valid bound ([`lagrangian_bound`]); these only make it tighter. Two
/// sets are returned: with the fitted `λ`, and with `λ` left to the bound's own choice.
fn stationary_multipliers(
    envelope: &mut Revenue,
    engine: &Engine,
    z: &[f64],
    t: f64,
    constraints: &Constraints,
) -> Vec<Multipliers> {
    let n = z.len();
    let mut slacks = Vec::new();
    engine.slacks(z, &mut slacks);
    let active: Vec<bool> = slacks.iter().map(|&s| 1.0 / (t * s) > s).collect();
    let mut at_box = vec![false; n];
    for (row, &on) in constraints.inequalities.iter().zip(&active) {
        if on && !row.aggregate {
            at_box[row.vars[0]] = true;
        }
    }
    let free: Vec<usize> = (0..n).filter(|&v| !at_box[v]).collect();
    let mut grad = vec![0.0; n];
    let mut scratch = DMatrix::zeros(n, n);
    envelope.derivatives(z, &mut grad, &mut scratch);
    let mut caps: Vec<usize> = (0..constraints.inequalities.len())
        .filter(|&r| active[r] && constraints.inequalities[r].aggregate)
        .collect();
    let e = constraints.equalities.len();
    let mut position = vec![usize::MAX; n];
    for (p, &v) in free.iter().enumerate() {
        position[v] = p;
    }
    let g = DVector::from_fn(free.len(), |p, _| grad[free[p]]);
    loop {
        let columns = e + caps.len();
        if free.is_empty() || columns == 0 {
            return Vec::new();
        }
        let mut a = DMatrix::zeros(free.len(), columns);
        for (j, eq) in constraints.equalities.iter().enumerate() {
            for &v in &eq.vars {
                if position[v] != usize::MAX {
                    a[(position[v], j)] = 1.0;
                }
            }
        }
        for (k, &r) in caps.iter().enumerate() {
            let row = &constraints.inequalities[r];
            for &v in &row.vars {
                if position[v] != usize::MAX {
                    a[(position[v], e + k)] = row.sign;
                }
            }
        }
        let svd = a.svd(true, true);
        let largest = svd.singular_values.max();
        let Ok(solution) = svd.solve(&g, 1e-12 * largest.max(1e-300)) else {
            return Vec::new();
        };
        if !solution.iter().all(|v| v.is_finite()) {
            return Vec::new();
        }
        let negative: Vec<usize> = (0..caps.len()).filter(|&k| solution[e + k] < 0.0).collect();
        if !negative.is_empty() {
            caps = caps
                .iter()
                .enumerate()
                .filter(|(k, _)| !negative.contains(k))
                .map(|(_, &r)| r)
                .collect();
            continue;
        }
        let mut inequalities = vec![0.0; constraints.inequalities.len()];
        for (k, &r) in caps.iter().enumerate() {
            inequalities[r] = solution[e + k];
        }
        let equalities: Vec<f64> = (0..e).map(|j| solution[j]).collect();
        return vec![
            Multipliers {
                equalities: Some(equalities),
                inequalities: inequalities.clone(),
            },
            Multipliers {
                equalities: None,
                inequalities,
            },
        ];
    }
}

/// The barrier's multipliers at `z`: `u_r = 1/(t·s_r)` and `λ_e = −ν_e/t`.
fn barrier_multipliers(engine: &Engine, z: &[f64], t: f64, nu: &[f64]) -> Multipliers {
    let mut slacks = Vec::new();
    engine.slacks(z, &mut slacks);
    Multipliers {
        equalities: (engine.equalities.len() != 1).then(|| nu.iter().map(|v| -v / t).collect()),
        inequalities: slacks.iter().map(|s| 1.0 / (t * s)).collect(),
    }
}

/// How the crossover guesses the active constraints.
#[derive(Debug, Clone, Copy)]
enum ActiveRule {
    /// The barrier multiplier `1/(t·s)` exceeds the slack `s`.
    MultiplierAboveSlack,
    /// The slack is below a limit (scaled money).
    SlackBelow(f64),
}

/// One guess of the active set: the rule, and whether an active cap takes precedence over
/// the upper box bounds of its own variables.
///
/// Bound tightening makes a cell's upper bound equal to what its week or channel cap leaves,
/// so when the cap binds, both rows are active and linearly dependent. Fixing the cell at its
/// box then leaves the cap row with no free variable and a zero multiplier, and a sibling
/// cell held at zero sees no price for the capped money: the Lagrangian bound can be loose by
/// its slope times its width (3e-6 relative on a CI instance, against a 1e-6 promise). With
/// `caps_first` the cap row carries that price instead.
#[derive(Debug, Clone, Copy)]
struct ActiveGuess {
    rule: ActiveRule,
    caps_first: bool,
}

impl ActiveGuess {
    fn new(rule: ActiveRule, caps_first: bool) -> Self {
        Self { rule, caps_first }
    }
}

/// Active-set polish ("crossover"): the constraints whose barrier multiplier exceeds their
/// slack are taken as active — box rows fix their variable at the bound, cap rows become
/// equalities — and Newton's method solves the remaining equality-constrained problem
/// exactly (no barrier, so no ill-conditioning), giving a plan and multipliers accurate to
/// rounding. Returns `None` if a step leaves the feasible set or does not converge; the
/// caller keeps whichever candidate has the better value and bound.
fn crossover(
    envelope: &mut Revenue,
    engine: &Engine,
    z: &[f64],
    t: f64,
    constraints: &Constraints,
    guess: ActiveGuess,
) -> Option<(Vec<f64>, Multipliers)> {
    let n = z.len();
    let mut slacks = Vec::new();
    engine.slacks(z, &mut slacks);
    let mut active: Vec<bool> = slacks
        .iter()
        .map(|&s| match guess.rule {
            ActiveRule::MultiplierAboveSlack => 1.0 / (t * s) > s,
            ActiveRule::SlackBelow(limit) => s < limit,
        })
        .collect();
    if guess.caps_first {
        let mut in_active_cap = vec![false; n];
        for (row, &on) in constraints.inequalities.iter().zip(&active) {
            if on && row.aggregate {
                row.vars.iter().for_each(|&v| in_active_cap[v] = true);
            }
        }
        let mut released = false;
        for (row, on) in constraints.inequalities.iter().zip(active.iter_mut()) {
            if *on && !row.aggregate && row.sign > 0.0 && in_active_cap[row.vars[0]] {
                *on = false;
                released = true;
            }
        }
        // Nothing released: the same guess as without `caps_first`, already tried.
        if !released {
            return None;
        }
    }
    let mut x = z.to_vec();
    let mut fixed = vec![false; n];
    for (row, &on) in constraints.inequalities.iter().zip(&active) {
        if on && !row.aggregate {
            let v = row.vars[0];
            x[v] = row.sign * row.bound;
            fixed[v] = true;
        }
    }
    // The slope of a concave Hill curve is infinite at zero adstock: a variable held there
    // would make the bound infinite, so the crossover does not apply.
    let mut grad = vec![0.0; n];
    let mut hessian = DMatrix::zeros(n, n);
    envelope.derivatives(&x, &mut grad, &mut hessian);
    if envelope.has_zero_adstock_with_infinite_slope() {
        return None;
    }
    // Equalities: the original ones, then the active caps.
    let mut rows: Vec<(&[usize], f64, Option<usize>)> = constraints
        .equalities
        .iter()
        .map(|e| (e.vars.as_slice(), e.rhs, None))
        .collect();
    for (r, (row, &on)) in constraints.inequalities.iter().zip(&active).enumerate() {
        if on && row.aggregate {
            rows.push((row.vars.as_slice(), row.bound, Some(r)));
        }
    }
    let free: Vec<usize> = (0..n).filter(|&v| !fixed[v]).collect();
    let k = free.len();
    if k == 0 {
        return None;
    }
    let mut position = vec![usize::MAX; n];
    for (p, &v) in free.iter().enumerate() {
        position[v] = p;
    }
    let e = rows.len();
    let mut a = DMatrix::zeros(k, e);
    for (j, (vars, _, _)) in rows.iter().enumerate() {
        for &v in *vars {
            if position[v] != usize::MAX {
                a[(position[v], j)] = 1.0;
            }
        }
    }
    let mut nu = DVector::zeros(e);
    for _ in 0..30 {
        grad.iter_mut().for_each(|g| *g = 0.0);
        hessian.fill(0.0);
        envelope.derivatives(&x, &mut grad, &mut hessian);
        if !grad.iter().all(|g| g.is_finite()) || envelope.has_zero_adstock_with_infinite_slope() {
            return None;
        }
        let mut m = DMatrix::from_fn(k, k, |i, j| hessian[(free[i], free[j])]);
        let ridge = 1e-12 * (0..k).map(|i| m[(i, i)].abs()).fold(0.0, f64::max) + 1e-300;
        for i in 0..k {
            m[(i, i)] += ridge;
        }
        let g = DVector::from_fn(k, |i, _| grad[free[i]]);
        // Residuals of the equalities (fixed variables count at their bound).
        let residual = DVector::from_fn(e, |j, _| {
            let (vars, rhs, _) = &rows[j];
            rhs - vars.iter().map(|&v| x[v]).sum::<f64>()
        });
        let cholesky = m.cholesky()?;
        let mg = cholesky.solve(&g);
        let ma = cholesky.solve(&a);
        let schur = a.transpose() * &ma;
        let rhs = &residual - a.transpose() * &mg;
        nu = schur
            .clone()
            .cholesky()
            .map(|c| c.solve(&rhs))
            .or_else(|| {
                let svd = schur.svd(true, true);
                let largest = svd.singular_values.max();
                svd.solve(&rhs, 1e-14 * largest).ok()
            })?;
        let dz = mg + ma * &nu;
        let size = dz.amax();
        for (p, &v) in free.iter().enumerate() {
            x[v] += dz[p];
        }
        if !engine_feasible(engine, &x, 1e-12) {
            return None;
        }
        if size <= 1e-15 {
            break;
        }
    }
    // Every equality (and active cap) must hold, else the active set was wrong.
    let holds = rows.iter().all(|(vars, rhs, _)| {
        (rhs - vars.iter().map(|&v| x[v]).sum::<f64>()).abs() <= 1e-12 * (1.0 + rhs.abs())
    });
    if !holds {
        return None;
    }
    // M·dz = g + Aᵀν with dz → 0: ∇F = −Aᵀν, so the constraint multipliers are −ν.
    let mut inequalities = vec![0.0; constraints.inequalities.len()];
    let mut equalities = vec![0.0; constraints.equalities.len()];
    for (j, (_, _, origin)) in rows.iter().enumerate() {
        match origin {
            Some(r) => inequalities[*r] = -nu[j],
            None => equalities[j] = -nu[j],
        }
    }
    Some((
        x,
        Multipliers {
            equalities: Some(equalities),
            inequalities,
        },
    ))
}

/// Whether `z` keeps every inequality to `tolerance` (scaled money).
fn engine_feasible(engine: &Engine, z: &[f64], tolerance: f64) -> bool {
    engine.inequalities.iter().all(|row| {
        let sum: f64 = row.vars.iter().map(|&i| z[i]).sum();
        row.bound - row.sign * sum >= -tolerance
    })
}

/// The plan in currency from the scaled cells (fixed cells from `lower`, free ones from `z`).
fn build_plan(problem: &HorizonProblem, scaled: &Scaled, z: &[f64]) -> HorizonPlan {
    let (weeks, channels) = (scaled.weeks, scaled.channels);
    let mut cells = scaled.lower.clone();
    for (v, &cell) in scaled.free.iter().enumerate() {
        if let Some(&x) = z.get(v) {
            cells[cell] = x;
        }
    }
    // Fixed amounts exactly as given (not through the scaling's rounding).
    let spend: Vec<f64> = cells
        .iter()
        .enumerate()
        .map(|(i, x)| {
            if problem.lower[i] == problem.upper[i] {
                problem.lower[i]
            } else {
                x * scaled.money
            }
        })
        .collect();
    let mut contributions = vec![0.0; weeks * channels];
    let mut tail = vec![0.0; channels];
    let mut carry_in_only = vec![0.0; channels];
    let mut gain = vec![0.0; channels];
    let (mut adstock, mut without) = (Vec::new(), Vec::new());
    for (c, path) in scaled.paths.iter().enumerate() {
        path.adstock((0..weeks).map(|h| cells[h * channels + c]), &mut adstock);
        path.adstock(std::iter::repeat_n(0.0, weeks), &mut without);
        for (k, (&a, &a0)) in adstock.iter().zip(&without).enumerate() {
            let revenue = path.curve(k, a, Curves::True).0;
            let before = path.curve(k, a0, Curves::True).0;
            gain[c] += revenue - before;
            carry_in_only[c] += before * scaled.revenue;
            if k < weeks {
                contributions[k * channels + c] = revenue * scaled.revenue;
            } else {
                tail[c] += revenue * scaled.revenue;
            }
        }
        gain[c] *= scaled.revenue;
    }
    HorizonPlan {
        schedule: SpendSchedule {
            channel_names: problem
                .model()
                .channels()
                .iter()
                .map(|c| c.name().to_string())
                .collect(),
            weeks,
            spend,
        },
        contributions,
        tail,
        carry_in_only,
        gain,
        certificate: None,
    }
}
