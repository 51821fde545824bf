//! A small dense barrier (interior-point) Newton method for
//!
//! ```text
//! maximise F(z)   subject to   A·z = b,   G·z ≤ h
//! ```
//!
//! with `F` concave (or a concave model of it for the Newton steps) and every row of `A`
//! and `G` a sum of variables with coefficient ±1. For a barrier weight `t` it centres
//! `Φ_t(z) = t·F(z) + Σ_r ln s_r(z)`, `s_r = h_r − G_r·z`, by Newton steps on the equality
//! constraints:
//!
//! ```text
//! M = −∇²Φ = −t·∇²F + Σ_r G_rᵀG_r / s_r²,   g = ∇Φ = t·∇F − Σ_r G_rᵀ / s_r
//! M·dz = g + Aᵀν,   A·dz = 0   ⇒   (A M⁻¹ Aᵀ)·ν = −A M⁻¹ g
//! ```
//!
//! with a backtracking line search that keeps every `s_r > 0` and raises `Φ`. At the centre,
//! `∇F = Σ_r u_r·G_r − Aᵀν/t` with `u_r = 1/(t·s_r) ≥ 0`: the multipliers the certificate
//! uses.

use nalgebra::{DMatrix, DVector};

/// One inequality `sign·Σ_{i∈vars} z_i ≤ bound` (plus `τ` in phase I).
#[derive(Debug, Clone)]
pub(crate) struct Inequality {
    pub vars: Vec<usize>,
    pub sign: f64,
    pub bound: f64,
    /// A week or channel cap (not a single variable's box bound).
    pub aggregate: bool,
}

/// One equality `Σ_{i∈vars} z_i = rhs`.
#[derive(Debug, Clone)]
pub(crate) struct Equality {
    pub vars: Vec<usize>,
    pub rhs: f64,
}

/// What the engine needs from the objective at a point.
pub(crate) trait Objective {
    /// `F(z)`.
    fn value(&mut self, z: &[f64]) -> f64;
    /// `F(z)`, `∇F(z)` into `grad`, and `−∇²F(z)` added to `neg_hessian`.
    fn derivatives(&mut self, z: &[f64], grad: &mut [f64], neg_hessian: &mut DMatrix<f64>) -> f64;
}

/// The constraints and the phase-I flag: with `tau`, variable `n` is `τ` and every
/// inequality reads `G_r·z + τ ≤ h_r`.
pub(crate) struct Engine<'a> {
    pub n: usize,
    pub inequalities: &'a [Inequality],
    pub equalities: &'a [Equality],
    pub tau: bool,
}

/// Result of one centring.
pub(crate) struct Centre {
    /// Newton steps taken.
    pub steps: usize,
    /// Equality multipliers ν of the last Newton system.
    pub nu: Vec<f64>,
    /// True when the Newton decrement fell below the tolerance (the point is the centre);
    /// false when the steps ran out, the line search or the factorisation failed, or the
    /// start was not strictly feasible.
    pub converged: bool,
}

const LINE_SEARCH_SLOPE: f64 = 0.25;

impl Engine<'_> {
    fn dim(&self) -> usize {
        self.n + usize::from(self.tau)
    }

    /// Slacks `s_r`; false if any is `≤ 0` or not finite.
    pub fn slacks(&self, z: &[f64], out: &mut Vec<f64>) -> bool {
        out.clear();
        let mut ok = true;
        for row in self.inequalities {
            let sum: f64 = row.vars.iter().map(|&i| z[i]).sum();
            let mut s = row.bound - row.sign * sum;
            if self.tau {
                s -= z[self.n];
            }
            ok &= s > 0.0 && s.is_finite();
            out.push(s);
        }
        ok
    }

    fn barrier_value(
        &self,
        objective: &mut dyn Objective,
        t: f64,
        z: &[f64],
        slacks: &mut Vec<f64>,
    ) -> f64 {
        if !self.slacks(z, slacks) {
            return f64::NEG_INFINITY;
        }
        let f = objective.value(z);
        if !f.is_finite() {
            return f64::NEG_INFINITY;
        }
        t * f + slacks.iter().map(|s| s.ln()).sum::<f64>()
    }

    /// Centres `Φ_t` from a strictly feasible `z` (updated in place), in at most `max_steps`
    /// Newton steps.
    pub fn centre(
        &self,
        objective: &mut dyn Objective,
        t: f64,
        z: &mut [f64],
        tolerance: f64,
        max_steps: usize,
    ) -> Centre {
        let d = self.dim();
        let mut slacks = Vec::with_capacity(self.inequalities.len());
        let mut grad = vec![0.0; d];
        let mut m = DMatrix::zeros(d, d);
        let mut trial = vec![0.0; d];
        let mut nu = vec![0.0; self.equalities.len()];
        let mut steps = 0;
        let mut converged = false;
        let mut current = self.barrier_value(objective, t, z, &mut slacks);
        if !current.is_finite() {
            // Not strictly feasible: nothing to centre from.
            return Centre {
                steps,
                nu,
                converged: false,
            };
        }
        while steps < max_steps {
            m.fill(0.0);
            grad.iter_mut().for_each(|g| *g = 0.0);
            objective.derivatives(z, &mut grad, &mut m);
            m.scale_mut(t);
            grad.iter_mut().for_each(|g| *g *= t);
            self.slacks(z, &mut slacks);
            for (row, &s) in self.inequalities.iter().zip(&slacks) {
                let (inv, inv2) = (1.0 / s, 1.0 / (s * s));
                // ∂s/∂z_i = −sign (and −1 for τ).
                for &i in &row.vars {
                    grad[i] -= row.sign * inv;
                    for &j in &row.vars {
                        m[(i, j)] += inv2;
                    }
                }
                if self.tau {
                    let n = self.n;
                    grad[n] -= inv;
                    m[(n, n)] += inv2;
                    for &i in &row.vars {
                        m[(i, n)] += row.sign * inv2;
                        m[(n, i)] += row.sign * inv2;
                    }
                }
            }
            let Some((dz, multipliers)) = self.newton_direction(&m, &grad) else {
                break;
            };
            nu = multipliers;
            let decrement: f64 = grad.iter().zip(dz.iter()).map(|(g, s)| g * s).sum();
            steps += 1;
            if !(decrement.is_finite() && decrement > 0.0) || decrement <= 2.0 * tolerance {
                // A zero or negative decrement is rounding at the centre.
                converged = decrement.is_finite() && decrement <= 2.0 * tolerance;
                break;
            }
            let mut step = 1.0;
            let mut accepted = false;
            while step > 1e-14 {
                for ((tr, &zi), &di) in trial.iter_mut().zip(z.iter()).zip(dz.iter()) {
                    *tr = zi + step * di;
                }
                let value = self.barrier_value(objective, t, &trial, &mut slacks);
                if value.is_finite() && value >= current + LINE_SEARCH_SLOPE * step * decrement {
                    z.copy_from_slice(&trial);
                    current = value;
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if !accepted {
                break;
            }
        }
        Centre {
            steps,
            nu,
            converged,
        }
    }

    /// Solves the equality-constrained Newton system; `None` if `M` cannot be factored.
    fn newton_direction(&self, m: &DMatrix<f64>, grad: &[f64]) -> Option<(DVector<f64>, Vec<f64>)> {
        let d = self.dim();
        let mut m = m.clone();
        let scale = (0..d)
            .map(|i| m[(i, i)].abs())
            .fold(0.0, f64::max)
            .max(1e-300);
        let cholesky = match m.clone().cholesky() {
            Some(c) => c,
            None => {
                for i in 0..d {
                    m[(i, i)] += 1e-12 * scale;
                }
                m.cholesky()?
            }
        };
        let g = DVector::from_column_slice(grad);
        let mg = cholesky.solve(&g);
        let e = self.equalities.len();
        if e == 0 {
            return Some((mg, Vec::new()));
        }
        let mut a = DMatrix::zeros(d, e);
        for (k, eq) in self.equalities.iter().enumerate() {
            for &i in &eq.vars {
                a[(i, k)] = 1.0;
            }
        }
        let ma = cholesky.solve(&a);
        let schur = a.transpose() * &ma;
        let rhs = -(a.transpose() * &mg);
        // A M⁻¹ Aᵀ is positive definite when the equalities are independent; its entries can
        // be tiny (M is huge near the bounds), so no absolute threshold: Cholesky, else a
        // pseudo-inverse with a threshold relative to its largest singular value.
        let nu = match schur.clone().cholesky() {
            Some(c) => c.solve(&rhs),
            None => {
                let svd = schur.svd(true, true);
                let largest = svd.singular_values.max();
                svd.solve(&rhs, 1e-14 * largest).ok()?
            }
        };
        let dz = mg + ma * &nu;
        if dz.iter().all(|v| v.is_finite()) {
            Some((dz, nu.iter().copied().collect()))
        } else {
            None
        }
    }
}
