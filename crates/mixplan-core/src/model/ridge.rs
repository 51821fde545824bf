//! Ridge regression with sign constraints, solved exactly on the normal equations.
//!
//! The problem, for a design `X` (`n × p`), a target `y` and per-coefficient penalties
//! `λ_j ≥ 0` (zero for the intercept):
//!
//! ```text
//! minimise   (1/n)·‖y − Xβ‖² + Σ_j λ_j β_j²      subject to   β_j ≥ 0  for j ∈ N
//! ```
//!
//! where `N` is the set of constrained (media) coefficients; the others are free-signed. With
//! `G = XᵀX/n + diag(λ)` and `b = Xᵀy/n` this is the strictly convex quadratic programme
//! `min ½βᵀGβ − bᵀβ, β_N ≥ 0`, solved by a Lawson–Hanson active-set method: free
//! coefficients are always in the passive set, constrained ones enter while their gradient
//! `w = b − Gβ` is positive and leave when an interpolation step would make them negative.
//! Each passive-set subproblem is solved by a Cholesky factorisation (nalgebra). The method
//! is exact (the KKT conditions hold on return) and deterministic.

use nalgebra::{DMatrix, DVector};
use thiserror::Error;

/// Why a constrained ridge problem could not be solved.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RidgeError {
    /// Dimensions of the Gram matrix, right-hand side, penalties and constraint mask differ.
    #[error(
        "ridge problem shapes disagree: gram {gram_rows}×{gram_cols}, rhs {rhs}, penalties {penalties}, constraints {constraints}"
    )]
    ShapeMismatch {
        /// Rows of the Gram matrix.
        gram_rows: usize,
        /// Columns of the Gram matrix.
        gram_cols: usize,
        /// Length of the right-hand side.
        rhs: usize,
        /// Number of penalties.
        penalties: usize,
        /// Length of the constraint mask.
        constraints: usize,
    },
    /// A penalty is negative or not finite.
    #[error("ridge penalty must be finite and >= 0, got {0}")]
    InvalidPenalty(f64),
    /// The Gram matrix or right-hand side contains NaN or infinity.
    #[error("ridge problem contains non-finite values")]
    NonFinite,
    /// The penalised Gram matrix restricted to the passive set is not positive definite
    /// (collinear columns with no penalty on them).
    #[error("ridge normal equations are singular: collinear unpenalised columns")]
    NotPositiveDefinite,
    /// The active-set loop exceeded its iteration budget (cycling through degeneracy).
    #[error("constrained ridge did not converge in {0} iterations")]
    NotConverged(usize),
}

/// The solution of a constrained ridge problem.
#[derive(Debug, Clone, PartialEq)]
pub struct RidgeSolution {
    /// `β`, in the units of the design.
    pub coefficients: DVector<f64>,
    /// Passive set at the optimum: `true` where the coefficient is not held at its bound.
    pub passive: Vec<bool>,
    /// Number of passive-set subproblems solved.
    pub iterations: usize,
}

/// Diagonal jitter relative to the mean diagonal of `G`, so that exactly collinear
/// unpenalised columns (e.g. an intercept and a constant control) still factorise.
const JITTER: f64 = 1e-12;

/// Solves `min ½βᵀ(G + diag(λ))β − bᵀβ` subject to `β_j ≥ 0` where `nonneg[j]`.
///
/// `gram` is `XᵀX/n` (symmetric positive semi-definite), `rhs` is `Xᵀy/n`. `hint`, when
/// given, is a passive set to start from (for warm starts across similar problems); any
/// value is valid and only changes the number of iterations.
///
/// # Errors
/// [`RidgeError::ShapeMismatch`], [`RidgeError::InvalidPenalty`], [`RidgeError::NonFinite`],
/// [`RidgeError::NotPositiveDefinite`] or [`RidgeError::NotConverged`].
pub fn solve_normal_equations(
    gram: &DMatrix<f64>,
    rhs: &DVector<f64>,
    penalties: &[f64],
    nonneg: &[bool],
    hint: Option<&[bool]>,
) -> Result<RidgeSolution, RidgeError> {
    let p = rhs.len();
    if gram.nrows() != p || gram.ncols() != p || penalties.len() != p || nonneg.len() != p {
        return Err(RidgeError::ShapeMismatch {
            gram_rows: gram.nrows(),
            gram_cols: gram.ncols(),
            rhs: p,
            penalties: penalties.len(),
            constraints: nonneg.len(),
        });
    }
    if let Some(&bad) = penalties.iter().find(|l| !(l.is_finite() && **l >= 0.0)) {
        return Err(RidgeError::InvalidPenalty(bad));
    }
    if gram.iter().chain(rhs.iter()).any(|v| !v.is_finite()) {
        return Err(RidgeError::NonFinite);
    }
    if p == 0 {
        return Ok(RidgeSolution {
            coefficients: DVector::zeros(0),
            passive: Vec::new(),
            iterations: 0,
        });
    }
    let a = penalised_gram(gram, penalties);
    let tol = gradient_tolerance(rhs.amax());

    let mut passive: Vec<bool> = (0..p)
        .map(|j| !nonneg[j] || hint.is_some_and(|h| h.get(j).copied().unwrap_or(false)))
        .collect();
    let mut beta = DVector::zeros(p);
    let max_iter = 10 * p + 20;
    let mut iterations = 0;

    loop {
        // Inner loop: from a feasible β, move towards the passive-set optimum, dropping
        // constrained coefficients that would turn negative.
        loop {
            iterations += 1;
            if iterations > max_iter {
                return Err(RidgeError::NotConverged(max_iter));
            }
            let z = solve_passive(&a, rhs, &passive)?;
            let mut step = 1.0f64;
            let mut blocked = false;
            for j in 0..p {
                if passive[j] && nonneg[j] && z[j] <= 0.0 {
                    blocked = true;
                    let denom = beta[j] - z[j];
                    let s = if denom > 0.0 { beta[j] / denom } else { 0.0 };
                    step = step.min(s);
                }
            }
            if !blocked {
                beta = z;
                break;
            }
            beta += (z - &beta) * step;
            for j in 0..p {
                if passive[j] && nonneg[j] && beta[j] <= tol {
                    passive[j] = false;
                    beta[j] = 0.0;
                }
            }
        }
        // Outer loop: add the constrained coefficient with the most positive gradient.
        let w = rhs - &a * &beta;
        let entering = (0..p)
            .filter(|&j| nonneg[j] && !passive[j] && w[j] > tol)
            .max_by(|&i, &j| w[i].total_cmp(&w[j]));
        match entering {
            Some(j) => passive[j] = true,
            None => {
                return Ok(RidgeSolution {
                    coefficients: beta,
                    passive,
                    iterations,
                });
            }
        }
    }
}

/// `A = G + diag(λ) + jitter·I`, the matrix of the quadratic programme, with the jitter
/// [`JITTER`] times the mean diagonal of `G` (so exactly collinear unpenalised columns still
/// factorise). `gram` is square and `penalties` as long as its side.
pub(crate) fn penalised_gram(gram: &DMatrix<f64>, penalties: &[f64]) -> DMatrix<f64> {
    let p = gram.nrows();
    let jitter = jitter(gram);
    let mut a = gram.clone();
    for j in 0..p {
        a[(j, j)] += penalties[j] + jitter;
    }
    a
}

/// The jitter of [`penalised_gram`]: [`JITTER`] times the mean diagonal of `gram`.
pub(crate) fn jitter(gram: &DMatrix<f64>) -> f64 {
    let p = gram.nrows();
    let mean_diag = (0..p).map(|j| gram[(j, j)]).sum::<f64>() / p.max(1) as f64;
    JITTER * mean_diag.max(f64::MIN_POSITIVE)
}

/// The gradient below which a constrained coefficient at its bound stays there (and at or
/// below which a passive one is dropped): `1e-11 · max_j |b_j|`.
pub(crate) fn gradient_tolerance(rhs_max_abs: f64) -> f64 {
    1e-11 * rhs_max_abs.max(1e-300)
}

/// Solves `A_PP z_P = b_P` with `z` zero outside the passive set.
fn solve_passive(
    a: &DMatrix<f64>,
    b: &DVector<f64>,
    passive: &[bool],
) -> Result<DVector<f64>, RidgeError> {
    let idx: Vec<usize> = (0..passive.len()).filter(|&j| passive[j]).collect();
    let mut z = DVector::zeros(passive.len());
    if idx.is_empty() {
        return Ok(z);
    }
    let m = idx.len();
    let sub = DMatrix::from_fn(m, m, |r, c| a[(idx[r], idx[c])]);
    let rhs = DVector::from_fn(m, |r, _| b[idx[r]]);
    let chol = sub.cholesky().ok_or(RidgeError::NotPositiveDefinite)?;
    let sol = chol.solve(&rhs);
    if sol.iter().any(|v| !v.is_finite()) {
        return Err(RidgeError::NotPositiveDefinite);
    }
    for (r, &j) in idx.iter().enumerate() {
        z[j] = sol[r];
    }
    Ok(z)
}

/// Fits `min (1/n)‖y − Xβ‖² + Σ λ_j β_j²` with `β_j ≥ 0` where `nonneg[j]`, from the design
/// itself (builds `G = XᵀX/n`, `b = Xᵀy/n` and calls [`solve_normal_equations`]).
///
/// # Errors
/// As [`solve_normal_equations`]; [`RidgeError::ShapeMismatch`] also when `y` and `X`
/// disagree on `n`.
pub fn fit(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    penalties: &[f64],
    nonneg: &[bool],
) -> Result<RidgeSolution, RidgeError> {
    if x.nrows() != y.len() || x.nrows() == 0 {
        return Err(RidgeError::ShapeMismatch {
            gram_rows: x.nrows(),
            gram_cols: x.ncols(),
            rhs: y.len(),
            penalties: penalties.len(),
            constraints: nonneg.len(),
        });
    }
    let n = x.nrows() as f64;
    let gram = x.tr_mul(x) / n;
    let rhs = x.tr_mul(y) / n;
    solve_normal_equations(&gram, &rhs, penalties, nonneg, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kkt_holds(
        g: &DMatrix<f64>,
        b: &DVector<f64>,
        lam: &[f64],
        nn: &[bool],
        beta: &DVector<f64>,
    ) {
        let mut a = g.clone();
        for j in 0..lam.len() {
            a[(j, j)] += lam[j];
        }
        let w = b - &a * beta;
        for j in 0..beta.len() {
            if nn[j] {
                assert!(beta[j] >= 0.0);
                assert!(w[j] <= 1e-8, "gradient {j} = {}", w[j]);
                if beta[j] > 1e-10 {
                    assert!(w[j].abs() < 1e-8, "stationarity {j}");
                }
            } else {
                assert!(w[j].abs() < 1e-8, "free stationarity {j}");
            }
        }
    }

    #[test]
    fn unconstrained_matches_closed_form() {
        let x = DMatrix::from_row_slice(5, 2, &[1.0, 0.5, 1.0, 1.5, 1.0, 2.0, 1.0, 3.5, 1.0, 4.0]);
        let y = DVector::from_vec(vec![1.0, 2.0, 2.5, 4.0, 4.6]);
        let sol = fit(&x, &y, &[0.0, 0.1], &[false, false]).unwrap();
        let mut a = x.tr_mul(&x) / 5.0;
        a[(1, 1)] += 0.1;
        let direct = a.cholesky().unwrap().solve(&(x.tr_mul(&y) / 5.0));
        assert!((sol.coefficients - direct).amax() < 1e-9);
    }

    #[test]
    fn negative_media_coefficient_is_clamped_and_kkt_holds() {
        // y falls with the second column: its constrained coefficient must sit at 0.
        let n = 30;
        let x = DMatrix::from_fn(n, 3, |i, j| match j {
            0 => 1.0,
            1 => ((i * 7) % 11) as f64 / 10.0,
            _ => ((i * 5) % 13) as f64 / 12.0,
        });
        let y = DVector::from_fn(n, |i, _| 3.0 - 2.0 * x[(i, 1)] + 3.0 * x[(i, 2)]);
        let lam = [0.0, 1e-3, 1e-3];
        let nn = [false, true, true];
        let sol = fit(&x, &y, &lam, &nn).unwrap();
        assert_eq!(sol.coefficients[1], 0.0);
        assert!(sol.coefficients[2] > 0.0);
        let g = x.tr_mul(&x) / n as f64;
        let b = x.tr_mul(&y) / n as f64;
        kkt_holds(&g, &b, &lam, &nn, &sol.coefficients);
        // Any warm start reaches the same optimum.
        let warm = solve_normal_equations(&g, &b, &lam, &nn, Some(&[true, true, true])).unwrap();
        assert!((warm.coefficients - &sol.coefficients).amax() < 1e-10);
    }

    #[test]
    fn rejects_bad_input() {
        let g = DMatrix::identity(2, 2);
        let b = DVector::from_vec(vec![1.0, 1.0]);
        assert!(matches!(
            solve_normal_equations(&g, &b, &[0.0], &[false, false], None),
            Err(RidgeError::ShapeMismatch { .. })
        ));
        assert!(matches!(
            solve_normal_equations(&g, &b, &[0.0, -1.0], &[false, false], None),
            Err(RidgeError::InvalidPenalty(_))
        ));
        let nan = DVector::from_vec(vec![f64::NAN, 1.0]);
        assert_eq!(
            solve_normal_equations(&g, &nan, &[0.0, 0.0], &[false, false], None),
            Err(RidgeError::NonFinite)
        );
        let zero = DMatrix::zeros(2, 2);
        assert_eq!(
            solve_normal_equations(&zero, &b, &[0.0, 0.0], &[false, false], None),
            Err(RidgeError::NotPositiveDefinite)
        );
    }
}
