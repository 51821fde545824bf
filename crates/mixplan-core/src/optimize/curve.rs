//! The shape contract the optimiser relies on: [`ResponseCurve`], implemented for
//! [`HillResponse`].

use crate::response::HillResponse;

/// Relative step below which the tangent-point iteration stops.
const STEP_TOLERANCE: f64 = 1e-14;
/// Step in `ln x` below which the log-space Newton iterations stop. Newton converges
/// quadratically, so after a step of `1e-9` the remaining error is of order `1e-18`.
const LOG_STEP_TOLERANCE: f64 = 1e-9;
/// Iteration cap of the one-dimensional solves (they converge in far fewer).
const MAX_ITERATIONS: usize = 200;

/// What the optimiser needs to know about one channel's response `f(x)` (weekly revenue as a
/// function of weekly spend `x ≥ 0`).
///
/// # Contract
///
/// On `x ≥ 0`, `f` is continuous, non-decreasing and twice differentiable on `x > 0`, and
/// either
///
/// * **concave** (`inflection()` is `None`), or
/// * **S-shaped**: convex on `[0, p]` and concave on `[p, ∞)` with `p = inflection()`,
///
/// with `f'` strictly decreasing on the concave part unless `f` is constant there. The
/// optimiser's exactness argument (see [`crate::optimize`]) holds for every curve that keeps
/// this contract; curves that break it get a feasible split that may not be optimal.
///
/// Only [`value`](Self::value), [`marginal`](Self::marginal),
/// [`curvature`](Self::curvature) and [`inflection`](Self::inflection) are required; the
/// others have safeguarded defaults that a curve may replace with something faster (the
/// Hill curve does).
pub trait ResponseCurve {
    /// `f(x)`, currency per week.
    fn value(&self, spend: f64) -> f64;

    /// `f'(x)`, the marginal return (revenue per extra unit of spend).
    fn marginal(&self, spend: f64) -> f64;

    /// `f''(x)`.
    fn curvature(&self, spend: f64) -> f64;

    /// The spend `p` where the curve turns from convex to concave, `None` when it is concave
    /// everywhere.
    fn inflection(&self) -> Option<f64>;

    /// The least upper bound of `f` (`+∞` if unknown); lets the target-ROAS search bound the
    /// budget when the spend maximums do not.
    fn supremum(&self) -> f64 {
        f64::INFINITY
    }

    /// The log-marginal in log-spend: `φ(u) = ln f'(eᵘ)` and `φ'(u) = x·f''(x)/f'(x)` at
    /// `x = eᵘ`. The default computes it from [`marginal`](Self::marginal) and
    /// [`curvature`](Self::curvature).
    fn log_marginal(&self, log_spend: f64) -> (f64, f64) {
        let x = log_spend.exp();
        let m = self.marginal(x);
        (m.ln(), x * self.curvature(x) / m)
    }

    /// Solves `φ(u) = log_level` for `u = ln x` in `[log_from, log_to]`, where the curve is
    /// concave and `f'(e^log_from) > e^log_level > f'(e^log_to)`, starting from `log_hint`.
    /// Returns `(u, φ'(u))`; the optimiser turns `φ'` into `dx/d ln λ = x/φ'(u)` for its
    /// outer Newton step.
    ///
    /// Working in logs makes the inverse nearly linear for the usual saturating curves (a
    /// power law is a straight line), and lets the optimiser compute `ln λ`, `ln from` and
    /// `ln to` once instead of once per channel and step. The default is a safeguarded
    /// Newton–bisection on [`log_marginal`](Self::log_marginal); `log_from` may be `−∞`.
    fn solve_log_marginal(
        &self,
        log_level: f64,
        log_from: f64,
        log_to: f64,
        log_hint: f64,
    ) -> (f64, f64) {
        // A finite left end: e^-700 of the right end is zero spend for any purpose.
        let (left, right) = (log_from.max(log_to - 700.0), log_to);
        let u = newton_start(log_hint, (left, right));
        // φ decreases on the concave part: a positive excess means the root is to the right.
        bracketed_newton(
            u,
            (left, right),
            false,
            |u| {
                let (phi, d) = self.log_marginal(u);
                (phi - log_level, d)
            },
            |step, _, (left, right)| {
                step <= LOG_STEP_TOLERANCE || right - left <= LOG_STEP_TOLERANCE
            },
        )
    }

    /// The end `e = min(t, limit)` of the concave envelope's straight piece from `(from,
    /// f(from))`, where `from < p` and `t > p` is the tangent point:
    /// `f'(t)·(t − from) = f(t) − f(from)`.
    ///
    /// On `[from, limit]` the concave envelope of an S-shaped curve is the chord from
    /// `(from, f(from))` to `(e, f(e))` followed by the curve itself. The defining function
    /// `h(t) = f(t) − f(from) − f'(t)·(t − from)` has `h' = −f''(t)·(t − from) > 0` on the
    /// concave part and `h(p) ≤ 0` (convexity on `[from, p]`), so the root is unique and a
    /// bracketed Newton–bisection finds it.
    fn tangent_from(&self, from: f64, limit: f64) -> f64 {
        let p = self.inflection().unwrap_or(from).max(from);
        if limit <= p {
            return limit;
        }
        let base = self.value(from);
        let h = |t: f64| self.value(t) - base - self.marginal(t) * (t - from);
        if h(limit) <= 0.0 {
            return limit;
        }
        // h increases on the concave part: a positive value means the root is to the left.
        let (t, _) = bracketed_newton(
            limit,
            (p, limit),
            true,
            |t| (h(t), -self.curvature(t) * (t - from)),
            |step, t, (left, right)| {
                step <= STEP_TOLERANCE * t || right - left <= STEP_TOLERANCE * right
            },
        );
        t.min(limit)
    }
}

/// Safeguarded Newton–bisection for the root of a monotone `g` inside `bracket`.
///
/// From `x`, each iteration evaluates `(g(x), g'(x))`, shrinks the bracket to the side that
/// holds the root (`g` increasing or not), then takes the Newton step `x − g/g'` if it lands
/// strictly inside the bracket, else bisects. Stops when `converged(|step|, x, bracket)` or
/// after `MAX_ITERATIONS`. Returns the last `x` and the last `g'`.
#[inline]
fn bracketed_newton(
    mut x: f64,
    (mut left, mut right): (f64, f64),
    increasing: bool,
    mut g: impl FnMut(f64) -> (f64, f64),
    converged: impl Fn(f64, f64, (f64, f64)) -> bool,
) -> (f64, f64) {
    let mut slope = -1.0;
    for _ in 0..MAX_ITERATIONS {
        let (value, derivative) = g(x);
        slope = derivative;
        if (value > 0.0) == increasing {
            right = x;
        } else {
            left = x;
        }
        let newton = x - value / derivative;
        let next = if newton.is_finite() && newton > left && newton < right {
            newton
        } else {
            0.5 * (left + right)
        };
        let step = (next - x).abs();
        x = next;
        if converged(step, x, (left, right)) {
            break;
        }
    }
    (x, slope)
}

/// Where the log-space Newton iterations start: the hint when it lies strictly inside
/// `(left, right)`, else the right end.
#[inline]
fn newton_start(hint: f64, (left, right): (f64, f64)) -> f64 {
    if hint > left && hint < right {
        hint
    } else {
        right
    }
}

/// `ln(1 + e^w)` without overflow, and the logistic `e^w / (1 + e^w)`, from one `exp`.
#[inline]
fn softplus_and_logistic(w: f64) -> (f64, f64) {
    let z = (-w.abs()).exp();
    let softplus = w.max(0.0) + z.ln_1p();
    let logistic = if w >= 0.0 {
        1.0 / (1.0 + z)
    } else {
        z / (1.0 + z)
    };
    (softplus, logistic)
}

/// The Hill curve `f(x) = β·x^s/(x^s + K^s)`.
///
/// Its marginal is best handled in logs: with `u = ln x`, `w = s·(ln K − u)` and
/// `q = e^w/(1 + e^w)`,
///
/// ```text
/// φ(u) = ln f'(eᵘ) = ln(β·s) + w − u − 2·ln(1 + e^w)
/// φ'(u) = s·(2q − 1) − 1
/// φ''(u) = −2·s²·q·(1 − q) < 0
/// ```
///
/// so the log-marginal is **concave in log-spend**, and decreasing right of the inflection.
/// Newton's method on `φ(u) = ln λ` therefore converges monotonically from the right of the
/// root (each tangent lies above `φ`), and any start left of the root is thrown to its right
/// in one step. `φ` is nearly linear at both ends (slopes `s − 1` and `−(1 + s)`), so a few
/// steps suffice, one or two from a warm start.
impl ResponseCurve for HillResponse {
    fn value(&self, spend: f64) -> f64 {
        HillResponse::value(self, spend)
    }

    fn marginal(&self, spend: f64) -> f64 {
        HillResponse::marginal(self, spend)
    }

    /// `f''(x) = f'(x)·φ'(ln x)/x`; at `x = 0` the one-sided limit (`−∞`, `0` or `+∞`).
    fn curvature(&self, spend: f64) -> f64 {
        let s = self.shape();
        if spend <= 0.0 {
            // f''(x) ≈ β·s·(s − 1)·K^(−s)·x^(s−2) as x → 0 (exact for s = 1: −2β/K²).
            let (beta, k) = (self.coefficient(), self.half_saturation());
            return if beta == 0.0 || s > 2.0 {
                0.0
            } else if s < 1.0 {
                f64::NEG_INFINITY
            } else if s == 1.0 {
                -2.0 * beta / (k * k)
            } else if s < 2.0 {
                f64::INFINITY
            } else {
                2.0 * beta / (k * k)
            };
        }
        let w = s * (self.half_saturation() / spend).ln();
        let (_, q) = softplus_and_logistic(w);
        HillResponse::marginal(self, spend) * (s * (2.0 * q - 1.0) - 1.0) / spend
    }

    fn inflection(&self) -> Option<f64> {
        HillResponse::inflection(self)
    }

    fn supremum(&self) -> f64 {
        self.coefficient()
    }

    fn log_marginal(&self, log_spend: f64) -> (f64, f64) {
        let s = self.shape();
        let w = s * (self.half_saturation().ln() - log_spend);
        let (softplus, q) = softplus_and_logistic(w);
        (
            (self.coefficient() * s).ln() + w - log_spend - 2.0 * softplus,
            s * (2.0 * q - 1.0) - 1.0,
        )
    }

    /// Newton on the concave log-marginal `φ(u) = ln λ` (see the impl docs), clamped to
    /// `[log_from, log_to]`: monotone from the right of the root, so no bracketing needed.
    fn solve_log_marginal(
        &self,
        log_level: f64,
        log_from: f64,
        log_to: f64,
        log_hint: f64,
    ) -> (f64, f64) {
        let s = self.shape();
        let ln_k = self.half_saturation().ln();
        let target = log_level - (self.coefficient() * s).ln();
        let mut u = newton_start(log_hint, (log_from, log_to));
        let mut slope = -1.0;
        for _ in 0..MAX_ITERATIONS {
            let w = s * (ln_k - u);
            let (softplus, q) = softplus_and_logistic(w);
            let phi = w - u - 2.0 * softplus;
            slope = s * (2.0 * q - 1.0) - 1.0;
            let step = (target - phi) / slope;
            let next = if step.is_finite() && slope < 0.0 {
                (u + step).clamp(log_from, log_to)
            } else {
                log_to
            };
            let moved = (next - u).abs();
            u = next;
            // Newton's error after a step h is about |φ''/(2φ')|·h²: stop once that is
            // below rounding, saving the confirming iteration.
            let curvature = 2.0 * s * s * q * (1.0 - q);
            if moved <= LOG_STEP_TOLERANCE || curvature * moved * moved <= 1e-16 * -slope {
                break;
            }
        }
        (u, slope)
    }

    /// Closed form from the origin: `f'(t)·t = f(t)` gives `(K/t)^s = 1/(s − 1)`, so
    /// `t = K·(s − 1)^(1/s)`; otherwise the default bracketed Newton–bisection.
    fn tangent_from(&self, from: f64, limit: f64) -> f64 {
        let s = self.shape();
        if from <= 0.0 && s > 1.0 {
            return (self.half_saturation() * (s - 1.0).powf(1.0 / s)).min(limit);
        }
        default_tangent(self, from, limit)
    }
}

/// Calls the trait's default [`ResponseCurve::tangent_from`] for a type that overrides it.
fn default_tangent<C: ResponseCurve>(curve: &C, from: f64, limit: f64) -> f64 {
    struct Plain<'a, C>(&'a C);
    impl<C: ResponseCurve> ResponseCurve for Plain<'_, C> {
        fn value(&self, spend: f64) -> f64 {
            self.0.value(spend)
        }
        fn marginal(&self, spend: f64) -> f64 {
            self.0.marginal(spend)
        }
        fn curvature(&self, spend: f64) -> f64 {
            self.0.curvature(spend)
        }
        fn inflection(&self) -> Option<f64> {
            self.0.inflection()
        }
    }
    Plain(curve).tangent_from(from, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hill(beta: f64, k: f64, s: f64) -> HillResponse {
        HillResponse::new(beta, k, s).expect("valid test curve")
    }

    #[test]
    fn curvature_matches_finite_difference() {
        for &(s, x) in &[
            (0.6, 3.0),
            (1.0, 10.0),
            (2.0, 40.0),
            (3.5, 80.0),
            (3.5, 20.0),
        ] {
            let f = hill(1000.0, 50.0, s);
            let h = 1e-4 * x;
            let numeric = (f.marginal(x + h) - f.marginal(x - h)) / (2.0 * h);
            let exact = ResponseCurve::curvature(&f, x);
            assert!(
                (numeric - exact).abs() < 1e-5 * (1e-3 + exact.abs()),
                "s={s} x={x}: {numeric} vs {exact}"
            );
        }
    }

    /// Only the required methods: every provided one takes its default.
    struct Plain<'a>(&'a HillResponse);

    impl ResponseCurve for Plain<'_> {
        fn value(&self, spend: f64) -> f64 {
            self.0.value(spend)
        }
        fn marginal(&self, spend: f64) -> f64 {
            self.0.marginal(spend)
        }
        fn curvature(&self, spend: f64) -> f64 {
            ResponseCurve::curvature(self.0, spend)
        }
        fn inflection(&self) -> Option<f64> {
            self.0.inflection()
        }
    }

    #[test]
    fn log_marginal_matches_its_definition() {
        for &(s, x) in &[(0.5, 3.0), (1.0, 80.0), (2.5, 40.0), (4.0, 300.0)] {
            let f = hill(1000.0, 50.0, s);
            let (phi, d) = f.log_marginal(f64::ln(x));
            let (phi0, d0) = Plain(&f).log_marginal(f64::ln(x));
            assert!((phi - f.marginal(x).ln()).abs() < 1e-12, "s={s} x={x}");
            assert!(
                (phi - phi0).abs() < 1e-12 && (d - d0).abs() < 1e-9,
                "s={s} x={x}"
            );
        }
    }

    #[test]
    fn hill_inverse_marginal_inverts_and_agrees_with_default() {
        for &(s, from) in &[(0.5, 0.0), (1.0, 0.0), (2.5, 40.0), (4.0, 60.0)] {
            let f = hill(1000.0, 50.0, s);
            let to = 5000.0;
            let (m_from, m_to) = (f.marginal(from), f.marginal(to));
            for i in 1..20 {
                let level = m_to + (m_from.min(100.0) - m_to) * f64::from(i) / 20.0;
                for hint in [f64::NAN, from, 0.5 * (from + to), to, 1.0] {
                    let args = (level.ln(), from.ln(), to.ln(), hint.ln());
                    let (u, d) = f.solve_log_marginal(args.0, args.1, args.2, args.3);
                    let x = u.exp();
                    assert!(
                        (f.marginal(x) - level).abs() <= 1e-10 * level,
                        "s={s} level={level} hint={hint} x={x}"
                    );
                    let (v, d0) = Plain(&f).solve_log_marginal(args.0, args.1, args.2, args.3);
                    assert!((u - v).abs() <= 1e-9, "{u} vs {v}");
                    assert!((d - d0).abs() <= 1e-6 * d.abs(), "{d} vs {d0}");
                }
            }
        }
    }

    #[test]
    fn tangent_touches_the_curve() {
        for &(s, from) in &[(2.0, 0.0), (3.0, 0.0), (3.0, 10.0), (6.0, 30.0)] {
            let f = hill(1000.0, 50.0, s);
            let t = f.tangent_from(from, 1e6);
            let chord = (f.value(t) - f.value(from)) / (t - from);
            assert!(
                (chord - f.marginal(t)).abs() < 1e-9 * chord,
                "s={s} from={from}"
            );
            assert!(t > f.inflection().unwrap_or(0.0));
            // The chord lies above the curve on [from, t].
            for i in 1..50 {
                let x = from + (t - from) * f64::from(i) / 50.0;
                assert!(f.value(from) + chord * (x - from) >= f.value(x) - 1e-9);
            }
            assert_eq!(f.tangent_from(from, 0.5 * t), 0.5 * t);
        }
        let closed = hill(1000.0, 50.0, 3.0).tangent_from(0.0, 1e6);
        let numeric = default_tangent(&hill(1000.0, 50.0, 3.0), 0.0, 1e6);
        assert!((closed - numeric).abs() < 1e-9 * closed);
    }
}
