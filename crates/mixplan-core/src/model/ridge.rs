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
//! Each passive-set subproblem is solved with a Cholesky factor of `A_PP` that is updated,
//! not recomputed, when the passive set changes ([`PassiveFactor`]: bordering when a
//! coefficient enters, a row deletion and Givens rotations when one leaves, `O(m²)` each).
//! The method is exact (the KKT conditions hold on return) and deterministic.

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
    let mut factor = PassiveFactor::new(p);
    for (j, &constrained) in nonneg.iter().enumerate() {
        if !constrained || hint.is_some_and(|h| h.get(j).copied().unwrap_or(false)) {
            factor.push(&a, j)?;
        }
    }
    let mut beta = DVector::zeros(p);
    let iterations = active_set(&a, rhs, nonneg, tol, &mut factor, &mut beta)?;
    let mut passive = vec![false; p];
    factor.order().iter().for_each(|&j| passive[j] = true);
    Ok(RidgeSolution {
        coefficients: beta,
        passive,
        iterations,
    })
}

/// The Lawson–Hanson iterations of [`solve_normal_equations`] on `A = matrix`, `b = rhs`,
/// from a feasible `beta` (zero outside the passive set, `≥ 0` on its constrained
/// coefficients) whose passive set is `factor`'s. On return `beta` is the optimum (the KKT
/// conditions hold to the gradient tolerance `tol`) and `factor` holds its passive set.
/// Returns the number of passive-set subproblems solved.
///
/// Every change of the passive set updates the factor (a coefficient enters: bordering,
/// `O(m²)`; one leaves: a row deletion, `O(m²)`), so an iteration costs `O(p·m)`, not the
/// `O(m³)` of a new factorisation.
///
/// # Errors
/// [`RidgeError::NotPositiveDefinite`] when an entering coefficient's column makes `A_PP`
/// singular or a solve is not finite; [`RidgeError::NotConverged`] after `10p + 20`
/// subproblems.
pub(crate) fn active_set(
    matrix: &DMatrix<f64>,
    rhs: &DVector<f64>,
    nonneg: &[bool],
    tol: f64,
    factor: &mut PassiveFactor,
    beta: &mut DVector<f64>,
) -> Result<usize, RidgeError> {
    let p = rhs.len();
    let max_iter = 10 * p + 20;
    let mut iterations = 0;
    let mut z = Vec::with_capacity(p);
    loop {
        // Inner loop: from a feasible β, move towards the passive-set optimum, dropping
        // constrained coefficients that would turn negative.
        loop {
            iterations += 1;
            if iterations > max_iter {
                return Err(RidgeError::NotConverged(max_iter));
            }
            factor.solve(rhs, &mut z);
            if z.iter().any(|v| !v.is_finite()) {
                return Err(RidgeError::NotPositiveDefinite);
            }
            let mut step = 1.0f64;
            let mut blocked = false;
            for (&j, &zj) in factor.order().iter().zip(&z) {
                if nonneg[j] && zj <= 0.0 {
                    blocked = true;
                    let denom = beta[j] - zj;
                    let s = if denom > 0.0 { beta[j] / denom } else { 0.0 };
                    step = step.min(s);
                }
            }
            if !blocked {
                beta.fill(0.0);
                for (&j, &zj) in factor.order().iter().zip(&z) {
                    beta[j] = zj;
                }
                break;
            }
            for (&j, &zj) in factor.order().iter().zip(&z) {
                beta[j] += (zj - beta[j]) * step;
            }
            for pos in (0..factor.len()).rev() {
                let j = factor.order()[pos];
                if nonneg[j] && beta[j] <= tol {
                    beta[j] = 0.0;
                    factor.remove(pos);
                }
            }
        }
        // Outer loop: add the constrained coefficient with the most positive gradient
        // `w_j = b_j − A_j·β` (β is zero outside the passive set).
        let mut passive = vec![false; p];
        factor.order().iter().for_each(|&j| passive[j] = true);
        let mut entering: Option<(usize, f64)> = None;
        for j in (0..p).filter(|&j| nonneg[j] && !passive[j]) {
            let w = rhs[j]
                - factor
                    .order()
                    .iter()
                    .map(|&k| matrix[(j, k)] * beta[k])
                    .sum::<f64>();
            if w > tol && entering.is_none_or(|(_, best)| w > best) {
                entering = Some((j, w));
            }
        }
        match entering {
            Some((j, _)) => factor.push(matrix, j)?,
            None => return Ok(iterations),
        }
    }
}

/// The Cholesky factor `L` of `A_PP = L·Lᵀ`, the penalised Gram matrix restricted to an
/// ordered passive set `P`, kept up to date as coefficients enter and leave:
///
/// * **enter** `j` (bordering): `L r = A_{P j}`, `d = A_jj − ‖r‖²`, new last row `[rᵀ, √d]`
///   (`A_PP` stays positive definite iff `d > 0`);
/// * **leave** position `k`: delete row `k` of `L`; the rows below then reach one column past
///   the diagonal, and Givens rotations of columns `(i, i+1)`, `i = k, k+1, …`, zero those
///   entries (`L Q Qᵀ Lᵀ = L Lᵀ`), leaving a triangular factor of the smaller matrix.
///
/// Both cost `O(m²)` for `m = |P|`; a solve `A_PP z = b_P` is two triangular solves.
#[derive(Debug, Clone)]
pub(crate) struct PassiveFactor {
    /// Column indices of the passive set, in factor order.
    order: Vec<usize>,
    /// Row `i` of `L` in `l[i·stride .. i·stride + i + 1]` (one more slot during a deletion).
    l: Vec<f64>,
    /// Row stride: the largest passive set, `p`.
    stride: usize,
}

impl PassiveFactor {
    /// The factor of an empty passive set, for at most `p` coefficients.
    pub(crate) fn new(p: usize) -> Self {
        Self {
            order: Vec::with_capacity(p),
            l: vec![0.0; p * p],
            stride: p,
        }
    }

    /// Number of passive coefficients `m`.
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    /// The passive coefficients' column indices, in factor order.
    pub(crate) fn order(&self) -> &[usize] {
        &self.order
    }

    /// The same factor with its coefficients renamed: the `k`-th of `names` becomes
    /// `order[k]` (for a factor built on a sub-matrix, in the full problem's indices).
    pub(crate) fn with_order(mut self, names: impl IntoIterator<Item = usize>) -> Self {
        let renamed: Vec<usize> = names.into_iter().collect();
        if renamed.len() == self.order.len() {
            self.order = renamed;
        }
        self
    }

    /// Adds column `j` of `matrix` (symmetric) to the passive set.
    ///
    /// # Errors
    /// [`RidgeError::NotPositiveDefinite`] when `A_PP` with `j` is not positive definite
    /// (the factor is then unchanged).
    pub(crate) fn push(&mut self, matrix: &DMatrix<f64>, j: usize) -> Result<(), RidgeError> {
        let order = &self.order;
        border(
            &mut self.l,
            self.stride,
            order.len(),
            |k| matrix[(order[k], j)],
            matrix[(j, j)],
        )?;
        self.order.push(j);
        Ok(())
    }

    /// Adds coefficient `j` whose cross entries are `column(k) = A_{order[k], j}` and whose
    /// diagonal is `diagonal = A_jj`; as [`PassiveFactor::push`].
    pub(crate) fn push_column(
        &mut self,
        j: usize,
        column: impl Fn(usize) -> f64,
        diagonal: f64,
    ) -> Result<(), RidgeError> {
        border(&mut self.l, self.stride, self.order.len(), column, diagonal)?;
        self.order.push(j);
        Ok(())
    }

    /// Removes the coefficient at position `pos` of [`PassiveFactor::order`].
    pub(crate) fn remove(&mut self, pos: usize) {
        let m = self.order.len();
        if pos >= m {
            return;
        }
        let s = self.stride;
        // Shift rows pos+1.. up by one; row i (was i+1) now has entries 0..=i+1.
        for i in pos..m - 1 {
            let (dst, src) = self.l.split_at_mut((i + 1) * s);
            dst[i * s..i * s + i + 2].copy_from_slice(&src[..i + 2]);
        }
        // Rotate columns (k, k+1) to zero the entry just above the diagonal of row k.
        for k in pos..m - 1 {
            let a = self.l[k * s + k];
            let b = self.l[k * s + k + 1];
            let r = a.hypot(b);
            if r == 0.0 {
                continue;
            }
            let (c, sn) = (a / r, b / r);
            for i in k..m - 1 {
                let x = self.l[i * s + k];
                let y = self.l[i * s + k + 1];
                self.l[i * s + k] = c * x + sn * y;
                self.l[i * s + k + 1] = -sn * x + c * y;
            }
            self.l[k * s + k + 1] = 0.0;
        }
        self.order.remove(pos);
    }

    /// Solves `A_PP z = b_P` into `z` (in factor order): `L y = b_P`, then `Lᵀ z = y`.
    pub(crate) fn solve(&self, b: &DVector<f64>, z: &mut Vec<f64>) {
        let m = self.order.len();
        let s = self.stride;
        z.clear();
        for (i, &j) in self.order.iter().enumerate() {
            let row = &self.l[i * s..i * s + i];
            let v = b[j] - row.iter().zip(z.iter()).map(|(a, b)| a * b).sum::<f64>();
            z.push(v / self.l[i * s + i]);
        }
        // Lᵀ z = y by columns of Lᵀ (rows of L, contiguous): once z_i is known, take
        // its part L_ik·z_i out of every earlier y_k.
        for i in (0..m).rev() {
            let zi = z[i] / self.l[i * s + i];
            z[i] = zi;
            let row = &self.l[i * s..i * s + i];
            for (zk, &lik) in z[..i].iter_mut().zip(row) {
                *zk -= lik * zi;
            }
        }
    }
}

/// Writes row `m` of the factor `l` (row stride `stride`) for a coefficient with cross
/// entries `column(k)`, `k < m`, and diagonal `diagonal`: `L r = column`,
/// `d = diagonal − ‖r‖²`, row `[rᵀ, √d]`.
///
/// # Errors
/// [`RidgeError::NotPositiveDefinite`] when `d ≤ 0` or not finite, or the factor is full.
fn border(
    l: &mut [f64],
    stride: usize,
    m: usize,
    column: impl Fn(usize) -> f64,
    diagonal: f64,
) -> Result<(), RidgeError> {
    if m >= stride {
        return Err(RidgeError::NotPositiveDefinite);
    }
    let s = stride;
    let (above, new_row) = l.split_at_mut(m * s);
    let mut norm = 0.0;
    for k in 0..m {
        let row_k = &above[k * s..k * s + k];
        let v = column(k)
            - row_k
                .iter()
                .zip(&new_row[..k])
                .map(|(a, b)| a * b)
                .sum::<f64>();
        let r = v / above[k * s + k];
        new_row[k] = r;
        norm += r * r;
    }
    let d = diagonal - norm;
    if !(d > 0.0 && d.is_finite()) {
        return Err(RidgeError::NotPositiveDefinite);
    }
    new_row[m] = d.sqrt();
    Ok(())
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
    /// A symmetric positive definite `p × p` matrix from a seeded generator:
    /// `BᵀB/p + 0.05·I` with `B` uniform in `[−1, 1)`.
    fn spd(p: usize, seed: u64) -> DMatrix<f64> {
        let b = DMatrix::from_fn(p, p, |i, j| uniform(seed, (i * p + j) as u64));
        b.tr_mul(&b) / p as f64 + DMatrix::identity(p, p) * 0.05
    }

    /// A number in `[−1, 1)` from `(seed, index)` (SplitMix64).
    fn uniform(seed: u64, index: u64) -> f64 {
        let mut z = seed
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .wrapping_add(index.wrapping_mul(0xbf58_476d_1ce4_e5b9))
            .wrapping_add(1);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }

    #[test]
    fn the_updated_factor_solves_like_a_fresh_factorisation_of_the_remaining_set() {
        let p = 9;
        let a = spd(p, 3);
        let b = DVector::from_fn(p, |i, _| (i as f64 * 0.7).sin());
        let mut factor = PassiveFactor::new(p);
        for j in [4, 0, 7, 2, 8, 5, 1] {
            factor.push(&a, j).unwrap();
        }
        factor.remove(1);
        factor.remove(3);
        factor.push(&a, 3).unwrap();
        factor.remove(0);
        factor.remove(4);
        factor.push(&a, 6).unwrap();
        let order = factor.order().to_vec();
        assert_eq!(order, vec![7, 2, 5, 1, 6]);
        let m = order.len();
        let sub = DMatrix::from_fn(m, m, |r, c| a[(order[r], order[c])]);
        let direct = sub
            .cholesky()
            .unwrap()
            .solve(&DVector::from_fn(m, |r, _| b[order[r]]));
        let mut z = Vec::new();
        factor.solve(&b, &mut z);
        for (x, y) in z.iter().zip(direct.iter()) {
            assert!(
                (x - y).abs() <= 1e-12 * y.abs().max(1.0),
                "{z:?} vs {direct}"
            );
        }
    }

    #[test]
    fn a_column_that_makes_the_passive_matrix_singular_is_refused_and_the_factor_kept() {
        let p = 5;
        let mut a = spd(p, 11);
        // Column 3 repeats column 1: A restricted to {1, 3} is singular.
        for i in 0..p {
            a[(i, 3)] = a[(i, 1)];
            a[(3, i)] = a[(1, i)];
        }
        a[(3, 3)] = a[(1, 1)];
        let mut factor = PassiveFactor::new(p);
        factor.push(&a, 0).unwrap();
        factor.push(&a, 1).unwrap();
        assert_eq!(factor.push(&a, 3), Err(RidgeError::NotPositiveDefinite));
        assert_eq!(factor.order(), &[0, 1]);
        factor.push(&a, 2).unwrap();
        let b = DVector::from_vec(vec![1.0, -2.0, 0.5, 3.0, 1.0]);
        let mut z = Vec::new();
        factor.solve(&b, &mut z);
        let sub = DMatrix::from_fn(3, 3, |r, c| a[(r, c)]);
        let direct = sub.cholesky().unwrap().solve(&b.rows(0, 3).into_owned());
        assert!((DVector::from_vec(z) - direct).amax() < 1e-12);
    }

    #[test]
    fn random_constrained_problems_meet_the_kkt_conditions_from_any_warm_start() {
        for seed in 0..60u64 {
            let p = 4 + (seed % 9) as usize;
            let g = spd(p, seed);
            // Right-hand sides of both signs, so that some constraints bind.
            let b = DVector::from_fn(p, |i, _| uniform(seed + 1000, i as u64));
            let lam: Vec<f64> = (0..p).map(|j| if j == 0 { 0.0 } else { 1e-3 }).collect();
            let nn: Vec<bool> = (0..p).map(|j| j >= 2).collect();
            let cold = solve_normal_equations(&g, &b, &lam, &nn, None).unwrap();
            kkt_holds(&g, &b, &lam, &nn, &cold.coefficients);
            let hints = [
                vec![true; p],
                (0..p).map(|j| j % 2 == 1).collect::<Vec<_>>(),
                cold.passive.iter().map(|x| !x).collect(),
            ];
            for hint in &hints {
                let warm = solve_normal_equations(&g, &b, &lam, &nn, Some(hint)).unwrap();
                kkt_holds(&g, &b, &lam, &nn, &warm.coefficients);
                assert!(
                    (&warm.coefficients - &cold.coefficients).amax() < 1e-9,
                    "seed {seed}: {} vs {}",
                    warm.coefficients,
                    cold.coefficients
                );
            }
        }
    }
}
