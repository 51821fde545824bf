//! The posterior-mean response of one channel, `f̄(x) = (1/D) Σ_d f_d(x)`, as a
//! [`ResponseCurve`] the exact optimiser can use, and the exact optimiser over such curves
//! ([`optimize_mean_curves`]).
//!
//! # Why it needs care
//!
//! Each draw's Hill curve `f_d(x) = β_d x^{s_d}/(x^{s_d} + K_d^{s_d})` keeps the optimiser's
//! contract (concave, or convex on `[0, p_d]` then concave). Their mean need not: with
//! `f̄'' = (1/D) Σ_d f_d''`,
//!
//! * near `x = 0` the draw with the smallest shape dominates (`f_d'' ∝ x^{s_d − 2}`), so
//!   `f̄` starts **concave** as soon as one draw has `s_d < 1`, even when most draws are
//!   S-shaped: the common case "concave, then convex, then concave";
//! * draws with very different `K_d` can give several convex stretches.
//!
//! Beyond `max_d p_d` every draw is concave, so `f̄` is too. The sign of `f̄''` is scanned on
//! a grid of [`GRID_POINTS_PER_DECADE`] log-spaced points per decade over
//! `[GRID_DECADES` decades below `max_d p_d`, `max_d p_d]` and every sign change is refined by
//! bisection. (Two sign changes closer than one grid step, about 8 % in spend, would be
//! missed; the sign below the grid is taken to extend to 0.) The curve is then cut into
//! **pieces** `[q_i, q_{i+1}]` at each point where it turns from concave to convex; on each
//! piece it is convex then concave (or concave throughout), which is the optimiser's
//! contract on that piece.
//!
//! # Exact optimum of a sum of mean curves
//!
//! A split lies in one piece per channel. For every combination of pieces the optimiser
//! solves the problem with each channel's bounds intersected with its piece (a
//! [`PieceCurve`] declares the piece's own inflection), and the best of these optima is the
//! optimum: the pieces cover every channel's range, and each restricted problem is solved
//! exactly. With at most [`MAX_PIECE_COMBINATIONS`] combinations (`Π_c pieces_c`; one piece
//! per channel is by far the usual case) this is exact; above it, each channel keeps only
//! its last piece's inflection over its whole range, a feasible split that may not be
//! optimal, and [`MeanOptimum::exact`] says so.

use crate::optimize::{BudgetProblem, Optimizer, ResponseCurve, SpendBounds};
use crate::response::HillResponse;

/// Log-spaced grid points per decade of spend for the sign scan of `f̄''`.
pub const GRID_POINTS_PER_DECADE: usize = 30;
/// Decades below the largest draw inflection that the scan covers.
pub const GRID_DECADES: usize = 9;
/// Bisection steps refining each sign change (the bracket shrinks by `2^-60`).
const BISECTION_STEPS: usize = 60;
/// Largest number of piece combinations solved for an exact optimum.
pub const MAX_PIECE_COMBINATIONS: usize = 4096;

/// One stretch `[start, end]` of a mean curve on which it is convex on `[start,
/// inflection]` and concave after (`inflection = None`: concave throughout).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePiece {
    /// First spend of the piece (0 for the first).
    pub start: f64,
    /// Last spend of the piece (`+∞` for the last).
    pub end: f64,
    /// Where the piece turns from convex to concave, if it starts convex.
    pub inflection: Option<f64>,
}

/// The posterior-mean steady-state response of one channel, `f̄(x) = (1/D) Σ_d f_d(x)`,
/// with its convex/concave pieces. Its [`ResponseCurve::inflection`] is the last piece's
/// (exact when there is one piece); use [`optimize_mean_curves`] for an exact optimum.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanResponse {
    draws: Vec<HillResponse>,
    pieces: Vec<CurvePiece>,
}

impl MeanResponse {
    /// The mean of `draws` (one curve per posterior draw). `None` when `draws` is empty.
    pub fn new(draws: Vec<HillResponse>) -> Option<Self> {
        if draws.is_empty() {
            return None;
        }
        let pieces = find_pieces(&draws);
        Some(Self { draws, pieces })
    }

    /// The per-draw curves.
    pub fn draws(&self) -> &[HillResponse] {
        &self.draws
    }

    /// The convex/concave pieces, from spend 0 upwards.
    pub fn pieces(&self) -> &[CurvePiece] {
        &self.pieces
    }

    fn mean(&self, term: impl Fn(&HillResponse) -> f64) -> f64 {
        self.draws.iter().map(term).sum::<f64>() / self.draws.len() as f64
    }
}

/// `f̄''(x)`.
fn mean_curvature(draws: &[HillResponse], x: f64) -> f64 {
    draws
        .iter()
        .map(|d| ResponseCurve::curvature(d, x))
        .sum::<f64>()
}

/// The pieces of the mean of `draws` (module docs).
fn find_pieces(draws: &[HillResponse]) -> Vec<CurvePiece> {
    let top = draws
        .iter()
        .filter(|d| d.coefficient() > 0.0)
        .filter_map(HillResponse::inflection)
        .fold(0.0_f64, f64::max);
    let concave = vec![CurvePiece {
        start: 0.0,
        end: f64::INFINITY,
        inflection: None,
    }];
    if !(top > 0.0 && top.is_finite()) {
        return concave;
    }
    let convex = |x: f64| mean_curvature(draws, x) > 0.0;
    let points = GRID_POINTS_PER_DECADE * GRID_DECADES;
    let grid: Vec<f64> = (0..=points)
        .map(|i| top * 10f64.powf(-(GRID_DECADES as f64) * (1.0 - i as f64 / points as f64)))
        .collect();
    // Sign changes of f̄'' as (spend, turns convex?).
    let mut changes = Vec::new();
    let mut previous = convex(grid[0]);
    let first_convex = previous;
    for pair in grid.windows(2) {
        let now = convex(pair[1]);
        if now != previous {
            let (mut lo, mut hi) = (pair[0], pair[1]);
            for _ in 0..BISECTION_STEPS {
                let mid = 0.5 * (lo + hi);
                if convex(mid) == previous {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            changes.push((0.5 * (lo + hi), now));
            previous = now;
        }
    }
    // Above `top` every draw is concave: a last convex stretch ends at most there.
    if previous {
        changes.push((top, false));
    }
    let mut pieces = Vec::new();
    let mut current = CurvePiece {
        start: 0.0,
        end: f64::INFINITY,
        inflection: None,
    };
    let mut in_convex = first_convex;
    for (x, turns_convex) in changes {
        if turns_convex {
            // Concave → convex: a new piece starts here.
            current.end = x;
            pieces.push(current);
            current = CurvePiece {
                start: x,
                end: f64::INFINITY,
                inflection: None,
            };
        } else if in_convex {
            current.inflection = Some(x);
        }
        in_convex = turns_convex;
    }
    pieces.push(current);
    pieces
}

/// `f̄ = (1/D) Σ_d f_d` and its derivatives; the inflection is the last piece's.
impl ResponseCurve for MeanResponse {
    fn value(&self, spend: f64) -> f64 {
        self.mean(|d| d.value(spend))
    }

    fn marginal(&self, spend: f64) -> f64 {
        self.mean(|d| d.marginal(spend))
    }

    fn curvature(&self, spend: f64) -> f64 {
        self.mean(|d| ResponseCurve::curvature(d, spend))
    }

    fn inflection(&self) -> Option<f64> {
        self.pieces.last().and_then(|p| p.inflection)
    }

    fn supremum(&self) -> f64 {
        self.mean(HillResponse::coefficient)
    }
}

/// A mean curve seen on one of its pieces: the same function, with that piece's inflection,
/// so the optimiser's contract holds on the piece (the bounds keep it there).
#[derive(Debug, Clone, Copy)]
pub struct PieceCurve<'a> {
    curve: &'a MeanResponse,
    inflection: Option<f64>,
}

impl ResponseCurve for PieceCurve<'_> {
    fn value(&self, spend: f64) -> f64 {
        self.curve.value(spend)
    }

    fn marginal(&self, spend: f64) -> f64 {
        self.curve.marginal(spend)
    }

    fn curvature(&self, spend: f64) -> f64 {
        self.curve.curvature(spend)
    }

    fn inflection(&self) -> Option<f64> {
        self.inflection
    }

    fn supremum(&self) -> f64 {
        self.curve.supremum()
    }
}

/// The optimum of `Σ_c f̄_c(x_c)` over `Σ x = budget` within `bounds`.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanOptimum {
    /// The split.
    pub spend: Vec<f64>,
    /// `Σ_c f̄_c(x_c)`: posterior-expected weekly media revenue.
    pub media_revenue: f64,
    /// `true` when every piece combination was solved (the optimum is exact to the
    /// optimiser's tolerances); `false` past [`MAX_PIECE_COMBINATIONS`].
    pub exact: bool,
    /// Budget problems solved.
    pub solves: usize,
}

/// The exact optimum of a sum of posterior-mean curves (module docs): every combination of
/// pieces, each solved by the exact optimiser on the bounds cut to the pieces.
///
/// # Errors
/// As [`BudgetProblem::new`] on the full bounds (no channels, mismatched lengths, invalid
/// bounds or budget, bounds that cannot meet the budget).
pub fn optimize_mean_curves(
    curves: &[MeanResponse],
    bounds: &[SpendBounds],
    budget: f64,
) -> Result<MeanOptimum, crate::optimize::OptimizeError> {
    // Validates everything once; also the fallback problem.
    let whole = BudgetProblem::new(curves, bounds, budget)?;
    let bounds: Vec<SpendBounds> = if bounds.is_empty() {
        vec![SpendBounds::FREE; curves.len()]
    } else {
        bounds.to_vec()
    };
    let mut optimizer = Optimizer::new();
    // Each channel's pieces that meet its bounds, as (curve, cut bounds).
    let options: Vec<Vec<(PieceCurve<'_>, SpendBounds)>> = curves
        .iter()
        .zip(&bounds)
        .map(|(curve, b)| {
            curve
                .pieces
                .iter()
                .filter_map(|p| {
                    let min = b.min.max(p.start);
                    let max = b.max.min(p.end).min(budget.max(b.min));
                    (min <= max && min <= budget).then_some((
                        PieceCurve {
                            curve,
                            inflection: p.inflection,
                        },
                        SpendBounds::new(min, max),
                    ))
                })
                .collect()
        })
        .collect();
    let combinations = options
        .iter()
        .try_fold(1usize, |n, o| n.checked_mul(o.len().max(1)))
        .unwrap_or(usize::MAX);
    if combinations > MAX_PIECE_COMBINATIONS || options.iter().any(Vec::is_empty) {
        let best = optimizer.solve(&whole);
        return Ok(MeanOptimum {
            media_revenue: best.media_revenue(),
            spend: best.spend().to_vec(),
            exact: false,
            solves: 1,
        });
    }
    let mut choice = vec![0usize; curves.len()];
    let mut best: Option<(f64, Vec<f64>)> = None;
    let mut solves = 0;
    let mut piece_curves = Vec::with_capacity(curves.len());
    let mut piece_bounds = Vec::with_capacity(curves.len());
    loop {
        piece_curves.clear();
        piece_bounds.clear();
        for (o, &i) in options.iter().zip(&choice) {
            piece_curves.push(o[i].0);
            piece_bounds.push(o[i].1);
        }
        if let Ok(problem) = BudgetProblem::new(&piece_curves, &piece_bounds, budget) {
            let solved = optimizer.solve(&problem);
            solves += 1;
            let value: f64 = curves
                .iter()
                .zip(solved.spend())
                .map(|(f, &x)| f.value(x))
                .sum();
            if best.as_ref().is_none_or(|(v, _)| value > *v) {
                best = Some((value, solved.spend().to_vec()));
            }
        }
        // Next combination (odometer).
        let mut c = 0;
        loop {
            if c == choice.len() {
                let (media_revenue, spend) = match best {
                    Some(found) => found,
                    None => {
                        // No combination admits the budget (cannot happen: the pieces
                        // cover the bounds); fall back to the whole problem.
                        let solved = optimizer.solve(&whole);
                        (solved.media_revenue(), solved.spend().to_vec())
                    }
                };
                return Ok(MeanOptimum {
                    spend,
                    media_revenue,
                    exact: true,
                    solves,
                });
            }
            choice[c] += 1;
            if choice[c] < options[c].len() {
                break;
            }
            choice[c] = 0;
            c += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hill(beta: f64, k: f64, s: f64) -> HillResponse {
        HillResponse::new(beta, k, s).expect("valid test curve")
    }

    #[test]
    fn one_hill_curve_keeps_its_inflection() {
        let f = hill(1000.0, 50.0, 2.5);
        let mean = MeanResponse::new(vec![f; 3]).expect("draws");
        assert_eq!(mean.pieces().len(), 1);
        let (found, exact) = (
            mean.inflection().expect("S-shaped"),
            f.inflection().unwrap(),
        );
        assert!((found - exact).abs() < 1e-9 * exact, "{found} vs {exact}");
        let concave = MeanResponse::new(vec![hill(1000.0, 50.0, 0.8)]).expect("draws");
        assert_eq!(concave.pieces().len(), 1);
        assert_eq!(concave.inflection(), None);
    }

    #[test]
    fn concave_start_then_s_shape_gives_two_pieces() {
        // A small concave draw dominates near 0; a large S-shaped one dominates later.
        let mean = MeanResponse::new(vec![hill(100.0, 5.0, 0.7), hill(5000.0, 500.0, 3.0)])
            .expect("draws");
        let pieces = mean.pieces();
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0].inflection, None);
        let (q, p) = (pieces[1].start, pieces[1].inflection.expect("convex start"));
        assert!(q < p && q > 0.0);
        assert!(mean.curvature(0.5 * pieces[0].end) < 0.0);
        assert!(mean.curvature(q * 1.01) > 0.0 && mean.curvature(p * 0.99) > 0.0);
        assert!(mean.curvature(p * 1.01) < 0.0);
    }
}
