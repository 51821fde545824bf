//! Rolling-origin time-series cross-validation as block algebra on the normal equations.
//!
//! # Splits (no look-ahead)
//!
//! The last `round(n · holdout)` weeks (at least one) are held out and never seen by the
//! search or the fit. The first `n_train` weeks are cut into a leading block and `F` validation
//! blocks of `h = max(2, round(n_train/10))` weeks each:
//!
//! ```text
//! |------ seg 0 ------|- seg 1 -|- seg 2 -|- seg 3 -|==== holdout ====|
//! fold 1: fit on seg 0,            validate on seg 1
//! fold 2: fit on seg 0–1,          validate on seg 2
//! fold 3: fit on seg 0–2,          validate on seg 3
//! ```
//!
//! The CV score is the mean squared validation error over all validation weeks (target
//! scaled by its mean). Adstock is a causal filter, so transformed columns never use future
//! spend.
//!
//! # Blocks
//!
//! Every fold's normal equations are sums of per-segment Gram blocks `S_j = X_jᵀX_j`,
//! `r_j = X_jᵀy_j`; fold `k` fits on `G = Σ_{j<k} S_j / n_k`, `b = Σ_{j<k} r_j / n_k`
//! (`n_k` weeks) and its validation error is `y_kᵀy_k − 2βᵀr_k + βᵀS_kβ`, so no row is
//! touched after the blocks are built. Changing one channel's column only changes one row
//! and column of each block: `O(p · n)` work, then one `p × p` constrained solve per fold,
//! warm-started from the previous active sets.
//!
//! # Scoring many candidates for one column (bordering)
//!
//! A channel's grid scores hundreds of candidate columns `c` for one column `m` with
//! everything else fixed. [`Cv::prepare_candidates`] solves each fold's problem without
//! column `m` once: `β⁰` with passive set `P` (constrained coefficients at 0 outside it),
//! gradient `w⁰ = b − Aβ⁰` and the Cholesky factor of `A_PP` (`A = G/n + diag(λ)`). A
//! candidate then borders `A_PP` with its cross-products `v = X_{·P}ᵀc/n`,
//! `d = cᵀc/n + λ` and `r = cᵀy/n` (Schur complement):
//!
//! ```text
//! g = r − vᵀβ⁰_P                       gradient of the candidate at γ = 0
//! g ≤ tol:  γ = 0, β = β⁰              (the candidate stays at its bound)
//! else:     u = A_PP⁻¹ v,  γ = g / (d − vᵀu),  β_P = β⁰_P − γ·u
//!           w_i = w⁰_i + γ·(A_iP u − A_im)   for the constrained i held at 0
//! ```
//!
//! This is the constrained optimum (the KKT conditions hold) when `β_P ≥ 0` on the
//! constrained entries and every `w_i ≤ tol`. Otherwise the Lawson–Hanson iterations go on
//! from there ([`ridge::active_set`]): the start `β⁰` (with `γ = 0`) is feasible, and the
//! factor of `A_PP` bordered by the candidate is updated as coefficients leave or enter
//! (`O(p²)` each) instead of being refactorised. Each fold costs `O(p²)` per change of its
//! active set instead of an `O(p³)` factorisation, with the same optimum up to rounding.

use super::design::Design;
use super::ridge;
use super::ridge::PassiveFactor;
use nalgebra::{DMatrix, DVector};

/// Number of training weeks for `n` weeks and a holdout share:
/// `n − max(1, round(n · holdout))`.
pub(crate) fn training_weeks(n: usize, holdout: f64) -> usize {
    let n_test = ((n as f64) * holdout).round().max(1.0) as usize;
    n.saturating_sub(n_test)
}

/// Validation block length for `n_train` training weeks: `max(2, round(n_train / 10))`.
pub(crate) fn fold_weeks(n_train: usize) -> usize {
    ((n_train as f64) / 10.0).round().max(2.0) as usize
}

/// Segment bounds `[start, end)`: the leading block then `folds` validation blocks.
pub(crate) fn segments(n_train: usize, folds: usize) -> Option<Vec<(usize, usize)>> {
    let h = fold_weeks(n_train);
    let first = n_train.checked_sub(folds * h)?;
    let mut segs = vec![(0, first)];
    segs.extend((0..folds).map(|k| (first + k * h, first + (k + 1) * h)));
    Some(segs)
}

/// Whether `n` weeks suffice for `p` coefficients: at least `p + 2` training weeks and,
/// with a search, at least `p + 2` weeks in the leading block.
pub(crate) fn enough_weeks(n: usize, p: usize, folds: usize, holdout: f64, search: bool) -> bool {
    let n_train = training_weeks(n, holdout);
    if n_train < p + 2 {
        return false;
    }
    !search || segments(n_train, folds).is_some_and(|s| s[0].1 >= p + 2)
}

/// The smallest number of weeks that [`enough_weeks`] accepts.
#[cfg(test)]
pub(crate) fn required_weeks(p: usize, folds: usize, holdout: f64, search: bool) -> usize {
    weeks_needed(1, p, folds, holdout, search)
}

/// The smallest number of weeks from `n` on that [`enough_weeks`] accepts: what to tell a
/// user whose `n` weeks were refused. Not always [`required_weeks`]: the validation blocks
/// grow by a week at a time as `n` grows (`fold_weeks`), so a few lengths above the
/// smallest accepted one leave the leading block one week short (on the store's 14
/// coefficients, 42 weeks are accepted and 56 are not: 6 blocks of 5 weeks leave 15 of its 45
/// training weeks, one short of 16; 57 weeks are accepted again).
pub(crate) fn weeks_needed(n: usize, p: usize, folds: usize, holdout: f64, search: bool) -> usize {
    (n.max(1)..100_000)
        .find(|&n| enough_weeks(n, p, folds, holdout, search))
        .unwrap_or(100_000)
}

/// A candidate column `m`: its per-segment cross-products and `Xᵀy` entries.
pub(crate) type Patch<'a> = (usize, &'a [DVector<f64>], &'a [f64]);

/// The per-segment normal-equation blocks of the training weeks.
#[derive(Debug, Clone)]
pub(crate) struct Cv {
    segs: Vec<(usize, usize)>,
    x: DMatrix<f64>,
    y: DVector<f64>,
    grams: Vec<DMatrix<f64>>,
    rhs: Vec<DVector<f64>>,
    yy: Vec<f64>,
    nonneg: Vec<bool>,
    /// Which coefficients the ridge penalty applies to ([`Design::penalties`]).
    penalised: Vec<bool>,
    hints: Vec<Vec<bool>>,
    /// The folds solved without one column, for [`Cv::score_candidate`]; cleared by
    /// [`Cv::set_column`].
    bordered: Option<Bordered>,
    /// Candidate configurations scored so far.
    pub(crate) evaluations: usize,
}

/// Every fold's problem solved without column `m` at one penalty (see the module docs).
#[derive(Debug, Clone)]
struct Bordered {
    m: usize,
    penalty: f64,
    /// One per validation segment `1…F`; `None` when that fold's reduced problem could not
    /// be solved (the candidate then takes the full solve).
    folds: Vec<Option<BorderedFold>>,
}

/// One fold without column `m`.
#[derive(Debug, Clone)]
struct BorderedFold {
    /// Weeks fitted on, `n`.
    weeks: usize,
    /// `Σ_{j<k} S_j` with the current column `m` (patched for a candidate that needs the
    /// full solve).
    gram: DMatrix<f64>,
    /// `Σ_{j<k} r_j`, likewise.
    rhs: DVector<f64>,
    /// Passive coefficients `P` (column indices, `m` excluded).
    passive: Vec<usize>,
    /// Constrained coefficients held at 0 (column indices, `m` excluded).
    bound: Vec<usize>,
    /// `β⁰` on `P`.
    beta: DVector<f64>,
    /// Cholesky factor of `A_PP`, `P` in increasing order (the order of `passive`).
    factor: PassiveFactor,
    /// `A = G/n + diag(λ) + jitter` of the reduced problem, all `p` rows and columns (those
    /// of `m` are patched for a candidate that leaves the bordered solution).
    matrix: DMatrix<f64>,
    /// `b/n` of the reduced problem, all `p` entries (`m`'s patched likewise).
    rhs_scaled: DVector<f64>,
    /// `A_iP` for the bound `i`, one row each.
    bound_rows: DMatrix<f64>,
    /// `w⁰_i` for the bound `i`.
    bound_gradient: Vec<f64>,
    /// `max |b|` of the reduced problem, for the gradient tolerance.
    rhs_max: f64,
    /// The diagonal added to the candidate's `cᵀc/n`: `λ` and the reduced problem's jitter.
    diagonal_shift: f64,
}

impl Cv {
    /// Blocks of the fixed design columns; the `channels` media columns start at zero.
    pub(crate) fn new(design: &Design, channels: usize, segs: Vec<(usize, usize)>) -> Self {
        let n_train = design.n_train;
        let q = design.q();
        let p = q + channels;
        let mut x = DMatrix::zeros(n_train, p);
        x.columns_mut(0, q)
            .copy_from(&design.fixed.rows(0, n_train));
        let y = DVector::from_column_slice(&design.y[..n_train]);
        let grams = segs
            .iter()
            .map(|&(a, b)| {
                let xs = x.rows(a, b - a);
                xs.tr_mul(&xs)
            })
            .collect();
        let rhs = segs
            .iter()
            .map(|&(a, b)| x.rows(a, b - a).tr_mul(&y.rows(a, b - a)))
            .collect();
        let yy = segs
            .iter()
            .map(|&(a, b)| y.rows(a, b - a).norm_squared())
            .collect();
        let nonneg = (0..p).map(|j| j >= q).collect();
        let penalised = design
            .penalties(channels, 1.0)
            .iter()
            .map(|&l| l > 0.0)
            .collect();
        let hints = vec![vec![true; p]; segs.len()];
        Self {
            segs,
            x,
            y,
            grams,
            rhs,
            yy,
            nonneg,
            penalised,
            hints,
            bordered: None,
            evaluations: 0,
        }
    }

    fn p(&self) -> usize {
        self.x.ncols()
    }

    /// Cross-products of a candidate column with every design column, per segment; the
    /// entry at `m` is the candidate's own sum of squares.
    pub(crate) fn cross(&self, m: usize, col: &[f64]) -> (Vec<DVector<f64>>, Vec<f64>) {
        let p = self.p();
        let mut v = Vec::with_capacity(self.segs.len());
        let mut r = Vec::with_capacity(self.segs.len());
        for &(a, b) in &self.segs {
            let c = &col[a..b];
            let mut vj = DVector::zeros(p);
            for i in 0..p {
                vj[i] = if i == m {
                    dot(c, c)
                } else {
                    dot(
                        &self.x.as_slice()[i * self.x.nrows() + a..i * self.x.nrows() + b],
                        c,
                    )
                };
            }
            v.push(vj);
            r.push(dot(&self.y.as_slice()[a..b], c));
        }
        (v, r)
    }

    /// [`Cv::cross`] of many candidate columns for column `m` at once (the columns of
    /// `candidates`, `n_train` rows each): per segment `j` the product `[X_j y_j]ᵀ C_j`,
    /// `(p + 1) × K`, by [`cross_products`] (the same sums as [`Cv::cross`], computed in
    /// blocks so that each number loaded is used four times). One entry per candidate.
    pub(crate) fn cross_many(
        &self,
        m: usize,
        candidates: &DMatrix<f64>,
    ) -> Vec<(Vec<DVector<f64>>, Vec<f64>)> {
        let p = self.p();
        let count = candidates.ncols();
        let mut out: Vec<(Vec<DVector<f64>>, Vec<f64>)> = (0..count)
            .map(|_| {
                (
                    Vec::with_capacity(self.segs.len()),
                    Vec::with_capacity(self.segs.len()),
                )
            })
            .collect();
        let nr = self.x.nrows();
        let xs = self.x.as_slice();
        let cs = candidates.as_slice();
        let mut products = DMatrix::zeros(p + 1, count);
        for &(a, b) in &self.segs {
            let design: Vec<&[f64]> = (0..p)
                .map(|i| &xs[i * nr + a..i * nr + b])
                .chain(std::iter::once(&self.y.as_slice()[a..b]))
                .collect();
            let block: Vec<&[f64]> = (0..count).map(|k| &cs[k * nr + a..k * nr + b]).collect();
            cross_products(&design, &block, &mut products);
            for (k, (v, r)) in out.iter_mut().enumerate() {
                let mut vj = products.column(k).rows(0, p).into_owned();
                vj[m] = dot(block[k], block[k]);
                v.push(vj);
                r.push(products[(p, k)]);
            }
        }
        out
    }

    /// Replaces design column `m` by `col` and updates the blocks.
    pub(crate) fn set_column(&mut self, m: usize, col: &[f64]) {
        self.bordered = None;
        self.x.column_mut(m).copy_from_slice(col);
        let (v, r) = self.cross(m, col);
        for (j, (vj, rj)) in v.into_iter().zip(r).enumerate() {
            self.grams[j].row_mut(m).copy_from(&vj.transpose());
            self.grams[j].column_mut(m).copy_from(&vj);
            self.rhs[j][m] = rj;
        }
    }

    /// Solves one fold's ridge normal equations from the blocks accumulated before it:
    /// `β = argmin βᵀ(G/n)β − 2βᵀ(b/n) + Σ_j λ_j β_j²` with the media coefficients `≥ 0`,
    /// warm-started from (and updating) the active set remembered for segment `segment`.
    /// `None` if the solve fails.
    fn solve_fold(
        &mut self,
        gram: &DMatrix<f64>,
        rhs: &DVector<f64>,
        weeks: usize,
        penalties: &[f64],
        segment: usize,
    ) -> Option<DVector<f64>> {
        let inv = 1.0 / weeks as f64;
        let g = gram * inv;
        let b = rhs * inv;
        let sol = ridge::solve_normal_equations(
            &g,
            &b,
            penalties,
            &self.nonneg,
            Some(&self.hints[segment]),
        )
        .ok()?;
        self.hints[segment] = sol.passive;
        Some(sol.coefficients)
    }

    /// The ridge penalty per coefficient: `λ` for the penalised ones, 0 for the others
    /// (the intercept always; see [`Design::penalties`]).
    fn penalties(&self, penalty: f64) -> Vec<f64> {
        self.penalised
            .iter()
            .map(|&on| if on { penalty } else { 0.0 })
            .collect()
    }

    /// Mean squared validation error for penalty `λ`, with column `m` optionally replaced
    /// by a candidate (its cross-products from [`Cv::cross`]). `+∞` if a fold fails.
    pub(crate) fn score(&mut self, penalty: f64, patch: Option<Patch<'_>>) -> f64 {
        self.evaluations += 1;
        let p = self.p();
        let penalties = self.penalties(penalty);
        let mut g_acc = DMatrix::zeros(p, p);
        let mut b_acc = DVector::zeros(p);
        let mut n_acc = 0usize;
        let (mut sse, mut count) = (0.0, 0usize);
        for j in 0..self.segs.len() {
            let (a, b) = self.segs[j];
            let mut s = self.grams[j].clone();
            let mut r = self.rhs[j].clone();
            if let Some((m, v, rm)) = patch {
                s.row_mut(m).copy_from(&v[j].transpose());
                s.column_mut(m).copy_from(&v[j]);
                r[m] = rm[j];
            }
            if j >= 1 {
                let Some(beta) = self.solve_fold(&g_acc, &b_acc, n_acc, &penalties, j) else {
                    return f64::INFINITY;
                };
                let fold_sse = self.yy[j] - 2.0 * beta.dot(&r) + (&s * &beta).dot(&beta);
                sse += fold_sse.max(0.0);
                count += b - a;
            }
            g_acc += &s;
            b_acc += &r;
            n_acc += b - a;
        }
        if count == 0 || !sse.is_finite() {
            f64::INFINITY
        } else {
            sse / count as f64
        }
    }

    /// Score of replacing column `m` by `col`: by bordering when
    /// [`Cv::prepare_candidates`] was called for `m` and `penalty` since the last
    /// [`Cv::set_column`], else by the full solves. The same up to rounding.
    #[cfg(test)]
    pub(crate) fn score_candidate(&mut self, m: usize, col: &[f64], penalty: f64) -> f64 {
        let (v, r) = self.cross(m, col);
        self.score_crossed(m, &v, &r, penalty)
    }

    /// [`Cv::score_candidate`] of a candidate for column `m` given its cross-products
    /// (from [`Cv::cross`] or [`Cv::cross_many`]).
    pub(crate) fn score_crossed(
        &mut self,
        m: usize,
        v: &[DVector<f64>],
        r: &[f64],
        penalty: f64,
    ) -> f64 {
        let prepared = self
            .bordered
            .as_ref()
            .is_some_and(|b| b.m == m && b.penalty == penalty);
        if prepared && let Some(mse) = self.score_bordered(v, r) {
            self.evaluations += 1;
            return mse;
        }
        self.score(penalty, Some((m, v, r)))
    }

    /// Solves every fold without column `m` at `penalty`, so that the candidates for `m`
    /// that follow are scored by bordering (see the module docs).
    pub(crate) fn prepare_candidates(&mut self, m: usize, penalty: f64) {
        let p = self.p();
        let kept: Vec<usize> = (0..p).filter(|&i| i != m).collect();
        let penalties_all = self.penalties(penalty);
        let penalties: Vec<f64> = kept.iter().map(|&i| penalties_all[i]).collect();
        let nonneg: Vec<bool> = kept.iter().map(|&i| self.nonneg[i]).collect();
        let mut g_acc = DMatrix::zeros(p, p);
        let mut b_acc = DVector::zeros(p);
        let mut n_acc = 0usize;
        let mut folds = Vec::with_capacity(self.segs.len().saturating_sub(1));
        for j in 0..self.segs.len() {
            let (a, b) = self.segs[j];
            if j >= 1 {
                let inv = 1.0 / n_acc as f64;
                let gram = g_acc.select_rows(&kept).select_columns(&kept) * inv;
                let rhs = b_acc.select_rows(&kept) * inv;
                let hint: Vec<bool> = kept.iter().map(|&i| self.hints[j][i]).collect();
                folds.push(
                    ridge::solve_normal_equations(&gram, &rhs, &penalties, &nonneg, Some(&hint))
                        .ok()
                        .and_then(|sol| {
                            let matrix = ridge::penalised_gram(&gram, &penalties);
                            let jitter = ridge::jitter(&gram);
                            let at = |r: usize| kept[r];
                            let passive_r: Vec<usize> =
                                (0..kept.len()).filter(|&r| sol.passive[r]).collect();
                            let bound_r: Vec<usize> = (0..kept.len())
                                .filter(|&r| nonneg[r] && !sol.passive[r])
                                .collect();
                            let mut factor = PassiveFactor::new(p);
                            for &r in &passive_r {
                                factor.push(&matrix, r).ok()?;
                            }
                            let factor = factor.with_order(passive_r.iter().map(|&r| at(r)));
                            let gradient = &rhs - &matrix * &sol.coefficients;
                            // The reduced problem in the full problem's indices.
                            let mut full_matrix = DMatrix::zeros(p, p);
                            let mut rhs_scaled = DVector::zeros(p);
                            for (r, &i) in kept.iter().enumerate() {
                                rhs_scaled[i] = rhs[r];
                                for (r2, &i2) in kept.iter().enumerate() {
                                    full_matrix[(i, i2)] = matrix[(r, r2)];
                                }
                            }
                            Some(BorderedFold {
                                weeks: n_acc,
                                gram: g_acc.clone(),
                                rhs: b_acc.clone(),
                                passive: passive_r.iter().map(|&r| at(r)).collect(),
                                bound: bound_r.iter().map(|&r| at(r)).collect(),
                                beta: sol.coefficients.select_rows(&passive_r),
                                factor,
                                matrix: full_matrix,
                                rhs_scaled,
                                bound_rows: matrix.select_rows(&bound_r).select_columns(&passive_r),
                                bound_gradient: bound_r.iter().map(|&r| gradient[r]).collect(),
                                rhs_max: rhs.amax(),
                                diagonal_shift: penalties_all[m] + jitter,
                            })
                        }),
                );
            }
            g_acc += &self.grams[j];
            b_acc += &self.rhs[j];
            n_acc += b - a;
        }
        self.bordered = Some(Bordered { m, penalty, folds });
    }

    /// The mean squared validation error of the prepared column's candidate with
    /// per-segment cross-products `v` and `r` (from [`Cv::cross`]): by bordering, each fold
    /// whose bordered solution breaks a constraint by the full solve. `None` when a fold's
    /// reduced problem could not be prepared; `+∞` if a fold fails (as [`Cv::score`]).
    fn score_bordered(&self, v: &[DVector<f64>], r: &[f64]) -> Option<f64> {
        let bordered = self.bordered.as_ref()?;
        let m = bordered.m;
        let p = self.p();
        let mut v_acc = DVector::<f64>::zeros(p);
        let mut r_acc = 0.0;
        let (mut sse, mut count) = (0.0, 0usize);
        let mut nonzero = Vec::with_capacity(p);
        for j in 0..self.segs.len() {
            let (a, b) = self.segs[j];
            if j >= 1 {
                let fold = bordered.folds[j - 1].as_ref()?;
                let beta = match Self::bordered_solution(fold, m, &self.nonneg, &v_acc, r_acc)
                    .or_else(|| Self::continued_solution(fold, m, &self.nonneg, &v_acc, r_acc))
                    .or_else(|| self.full_solution(fold, bordered, &v_acc, r_acc))
                {
                    Some(beta) => beta,
                    None => return Some(f64::INFINITY),
                };
                // Validation error y_jᵀy_j − 2βᵀr_j + βᵀS_jβ with column m patched.
                let gram = &self.grams[j];
                let rhs = &self.rhs[j];
                nonzero.clear();
                nonzero.extend((0..p).filter(|&i| i != m && beta[i] != 0.0));
                let gamma = beta[m];
                let mut beta_r = gamma * r[j];
                let mut quad = gamma * gamma * v[j][m];
                for &i in &nonzero {
                    let bi = beta[i];
                    beta_r += bi * rhs[i];
                    quad += 2.0 * gamma * v[j][i] * bi;
                    // Column i of the symmetric block (contiguous) is its row i.
                    let column = gram.column(i);
                    let mut row = 0.0;
                    for &i2 in &nonzero {
                        row += column[i2] * beta[i2];
                    }
                    quad += bi * row;
                }
                let fold_sse = self.yy[j] - 2.0 * beta_r + quad;
                sse += fold_sse.max(0.0);
                count += b - a;
            }
            v_acc += &v[j];
            r_acc += r[j];
        }
        Some(if count > 0 && sse.is_finite() {
            sse / count as f64
        } else {
            f64::INFINITY
        })
    }

    /// A fold's coefficients (all `p`) for the candidate with accumulated cross-products
    /// `v_acc`, `r_acc`, by bordering the reduced solution; `None` when they break a
    /// constraint (see the module docs).
    fn bordered_solution(
        fold: &BorderedFold,
        m: usize,
        nonneg: &[bool],
        v_acc: &DVector<f64>,
        r_acc: f64,
    ) -> Option<DVector<f64>> {
        let inv = 1.0 / fold.weeks as f64;
        let v_p = DVector::from_iterator(
            fold.passive.len(),
            fold.passive.iter().map(|&i| v_acc[i] * inv),
        );
        let r_m = r_acc * inv;
        let tol = ridge::gradient_tolerance(fold.rhs_max.max(r_m.abs()));
        let g = r_m - v_p.dot(&fold.beta);
        let mut beta = DVector::zeros(v_acc.len());
        if g <= tol {
            for (k, &i) in fold.passive.iter().enumerate() {
                beta[i] = fold.beta[k];
            }
            return Some(beta);
        }
        let mut u = Vec::with_capacity(fold.passive.len());
        fold.factor.solve(v_acc, &mut u);
        u.iter_mut().for_each(|x| *x *= inv);
        let u = DVector::from_vec(u);
        let schur = v_acc[m] * inv + fold.diagonal_shift - v_p.dot(&u);
        // Not positive (or NaN): the bordered matrix is not positive definite.
        if schur.is_nan() || schur <= 0.0 {
            return None;
        }
        let gamma = g / schur;
        for (k, &i) in fold.passive.iter().enumerate() {
            let value = fold.beta[k] - gamma * u[k];
            if nonneg[i] && value <= tol {
                return None;
            }
            beta[i] = value;
        }
        let a_u = &fold.bound_rows * &u;
        let dual_infeasible = fold
            .bound
            .iter()
            .enumerate()
            .any(|(k, &i)| fold.bound_gradient[k] + gamma * (a_u[k] - v_acc[i] * inv) > tol);
        if dual_infeasible {
            return None;
        }
        beta[m] = gamma;
        Some(beta)
    }

    /// A fold's coefficients for the candidate when its bordered solution breaks a
    /// constraint: the Lawson–Hanson iterations from the feasible start `β⁰` (`γ = 0`) with
    /// the reduced factor bordered by the candidate, updated as coefficients leave or enter
    /// ([`ridge::active_set`]). `None` when that fails (the bordered matrix is not positive
    /// definite, or the iterations do not converge).
    fn continued_solution(
        fold: &BorderedFold,
        m: usize,
        nonneg: &[bool],
        v_acc: &DVector<f64>,
        r_acc: f64,
    ) -> Option<DVector<f64>> {
        let inv = 1.0 / fold.weeks as f64;
        let mut matrix = fold.matrix.clone();
        for i in 0..matrix.nrows() {
            matrix[(i, m)] = v_acc[i] * inv;
            matrix[(m, i)] = v_acc[i] * inv;
        }
        matrix[(m, m)] = v_acc[m] * inv + fold.diagonal_shift;
        let mut rhs = fold.rhs_scaled.clone();
        rhs[m] = r_acc * inv;
        let tol = ridge::gradient_tolerance(fold.rhs_max.max(rhs[m].abs()));
        let mut factor = fold.factor.clone();
        factor
            .push_column(m, |k| v_acc[fold.passive[k]] * inv, matrix[(m, m)])
            .ok()?;
        let mut beta = DVector::zeros(matrix.nrows());
        for (k, &i) in fold.passive.iter().enumerate() {
            beta[i] = fold.beta[k];
        }
        ridge::active_set(&matrix, &rhs, nonneg, tol, &mut factor, &mut beta).ok()?;
        Some(beta)
    }

    /// A fold's coefficients for the candidate by the full active-set solve on the fold's
    /// accumulated blocks with column `m` patched, warm-started from the reduced solution's
    /// passive set plus `m`. `None` if the solve fails.
    fn full_solution(
        &self,
        fold: &BorderedFold,
        bordered: &Bordered,
        v_acc: &DVector<f64>,
        r_acc: f64,
    ) -> Option<DVector<f64>> {
        let m = bordered.m;
        let inv = 1.0 / fold.weeks as f64;
        let mut gram = fold.gram.clone();
        gram.row_mut(m).copy_from(&v_acc.transpose());
        gram.column_mut(m).copy_from(v_acc);
        gram *= inv;
        let mut rhs = fold.rhs.clone();
        rhs[m] = r_acc;
        rhs *= inv;
        let mut hint = vec![false; self.p()];
        fold.passive.iter().for_each(|&i| hint[i] = true);
        hint[m] = true;
        ridge::solve_normal_equations(
            &gram,
            &rhs,
            &self.penalties(bordered.penalty),
            &self.nonneg,
            Some(&hint),
        )
        .ok()
        .map(|sol| sol.coefficients)
    }

    /// Validation residuals `y_t − x_tβ_k` of every fold `k`, in order, into `out`.
    /// `false` if a fold cannot be solved.
    pub(crate) fn residuals(&mut self, penalty: f64, out: &mut Vec<f64>) -> bool {
        self.evaluations += 1;
        out.clear();
        let p = self.p();
        let nr = self.x.nrows();
        let penalties = self.penalties(penalty);
        let mut g_acc = DMatrix::zeros(p, p);
        let mut b_acc = DVector::zeros(p);
        let mut n_acc = 0usize;
        for j in 0..self.segs.len() {
            let (a, b) = self.segs[j];
            if j >= 1 {
                let Some(beta) = self.solve_fold(&g_acc, &b_acc, n_acc, &penalties, j) else {
                    return false;
                };
                let start = out.len();
                out.extend_from_slice(&self.y.as_slice()[a..b]);
                let xs = self.x.as_slice();
                for i in 0..p {
                    let bi = beta[i];
                    if bi != 0.0 {
                        let col = &xs[i * nr + a..i * nr + b];
                        for (e, x) in out[start..].iter_mut().zip(col) {
                            *e -= x * bi;
                        }
                    }
                }
            }
            g_acc += &self.grams[j];
            b_acc += &self.rhs[j];
            n_acc += b - a;
        }
        out.iter().all(|e| e.is_finite())
    }
}

/// `out[(i, k)] = Σ_t a_i[t]·b_k[t]` for every column `a_i` and `b_k` (slices of one length;
/// `out` is `a.len() × b.len()`). Four columns of `a` by two of `b` at a time: eight running
/// sums fed by six loads (where one dot product at a time loads two numbers per product),
/// few enough to stay in registers.
fn cross_products(a: &[&[f64]], b: &[&[f64]], out: &mut DMatrix<f64>) {
    let len = a.first().map_or(0, |c| c.len());
    let (na, nb) = (a.len(), b.len());
    let mut i0 = 0;
    while i0 < na {
        let mut k0 = 0;
        while k0 < nb {
            if i0 + 4 <= na && k0 + 2 <= nb {
                let (a0, a1, a2, a3) = (
                    &a[i0][..len],
                    &a[i0 + 1][..len],
                    &a[i0 + 2][..len],
                    &a[i0 + 3][..len],
                );
                let (b0, b1) = (&b[k0][..len], &b[k0 + 1][..len]);
                let mut acc = [[0.0f64; 2]; 4];
                for t in 0..len {
                    let (y0, y1) = (b0[t], b1[t]);
                    for (row, x) in acc.iter_mut().zip([a0[t], a1[t], a2[t], a3[t]]) {
                        row[0] += x * y0;
                        row[1] += x * y1;
                    }
                }
                for (di, row) in acc.iter().enumerate() {
                    out[(i0 + di, k0)] = row[0];
                    out[(i0 + di, k0 + 1)] = row[1];
                }
            } else {
                for i in i0..(i0 + 4).min(na) {
                    for k in k0..(k0 + 2).min(nb) {
                        out[(i, k)] = dot(a[i], b[k]);
                    }
                }
            }
            k0 += 2;
        }
        i0 += 4;
    }
}

/// `Σ a_i b_i`, in four interleaved partial sums (independent additions the processor can
/// overlap, where one running sum waits for each addition in turn).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 4];
    let mut chunks_a = a.chunks_exact(4);
    let mut chunks_b = b.chunks_exact(4);
    for (x, y) in chunks_a.by_ref().zip(chunks_b.by_ref()) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        acc[2] += x[2] * y[2];
        acc[3] += x[3] * y[3];
    }
    let tail: f64 = chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .map(|(x, y)| x * y)
        .sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::design::DesignSpec;
    use crate::model::params::Hyper;

    #[test]
    fn segments_cover_training_weeks_in_order() {
        let segs = segments(125, 3).unwrap();
        assert_eq!(segs, vec![(0, 86), (86, 99), (99, 112), (112, 125)]);
        assert_eq!(training_weeks(156, 0.2), 125);
        assert!(segments(5, 3).is_none());
    }

    #[test]
    fn the_weeks_needed_from_a_refused_length_are_accepted_and_none_between() {
        for p in [3, 8, 14, 20] {
            for n in 1..200 {
                let needed = weeks_needed(n, p, 6, 0.2, true);
                assert!(needed >= n);
                assert!(enough_weeks(needed, p, 6, 0.2, true), "p {p}, n {n}");
                assert!(
                    (n..needed).all(|m| !enough_weeks(m, p, 6, 0.2, true)),
                    "p {p}, n {n}"
                );
            }
        }
        // The store's case: accepted at 42, refused at 56, accepted again at 57.
        assert!(enough_weeks(42, 14, 6, 0.2, true));
        assert!(!enough_weeks(56, 14, 6, 0.2, true));
        assert_eq!(weeks_needed(56, 14, 6, 0.2, true), 57);
    }

    #[test]
    fn required_weeks_is_consistent() {
        for p in [3, 8, 12, 20] {
            let r = required_weeks(p, 3, 0.2, true);
            assert!(enough_weeks(r, p, 3, 0.2, true));
            assert!(!enough_weeks(r - 1, p, 3, 0.2, true));
        }
    }

    #[test]
    fn cv_score_matches_direct_computation() {
        // The block formulas must equal refitting each fold on its rows.
        use crate::data::{Series, WeeklyData};
        let n = 80;
        let weeks = (0..n)
            .map(|i| {
                chrono::NaiveDate::from_ymd_opt(2021, 1, 4).unwrap() + chrono::Duration::weeks(i)
            })
            .collect();
        let a: Vec<f64> = (0..n)
            .map(|i| 50.0 + ((i * 37) % 23) as f64 * 5.0)
            .collect();
        let b: Vec<f64> = (0..n)
            .map(|i| {
                if i % 4 == 0 {
                    0.0
                } else {
                    30.0 + (i % 7) as f64 * 9.0
                }
            })
            .collect();
        let y: Vec<f64> = (0..n as usize)
            .map(|t| 500.0 + 2.0 * a[t] + 1.0 * b[t] + ((t * 13) % 11) as f64 * 10.0)
            .collect();
        let data = WeeklyData::new(
            weeks,
            "revenue".into(),
            y,
            vec![
                Series {
                    name: "a".into(),
                    values: a,
                },
                Series {
                    name: "b".into(),
                    values: b,
                },
            ],
            vec![],
        )
        .unwrap();
        let spec = DesignSpec {
            fourier_order: 1,
            trend: true,
        };
        let n_train = training_weeks(data.len(), 0.2);
        let design = Design::new(&data, spec, n_train).unwrap();
        let segs = segments(n_train, 3).unwrap();
        let mut cv = Cv::new(&design, 2, segs.clone());
        let hyper = [
            Hyper {
                decay: 0.4,
                k: 0.8,
                s: 1.5,
            },
            Hyper {
                decay: 0.2,
                k: 1.3,
                s: 1.0,
            },
        ];
        let full = design.matrix(&hyper);
        let q = design.q();
        for c in 0..2 {
            let col: Vec<f64> = full
                .column(q + c)
                .rows(0, n_train)
                .iter()
                .copied()
                .collect();
            cv.set_column(q + c, &col);
        }
        let lambda = 1e-3;
        let fast = cv.score(lambda, None);
        let p = full.ncols();
        let mut pen = vec![lambda; p];
        pen[0] = 0.0;
        let nonneg: Vec<bool> = (0..p).map(|j| j >= q).collect();
        let (mut sse, mut count) = (0.0, 0);
        let mut residuals = Vec::new();
        for &(va, vb) in &segs[1..] {
            let xt = full.rows(0, va).into_owned();
            let yt = DVector::from_column_slice(&design.y[..va]);
            let sol = ridge::fit(&xt, &yt, &pen, &nonneg).unwrap();
            for t in va..vb {
                let pred = full.row(t).transpose().dot(&sol.coefficients);
                sse += (design.y[t] - pred).powi(2);
                residuals.push(design.y[t] - pred);
                count += 1;
            }
        }
        let direct = sse / count as f64;
        assert!(
            (fast - direct).abs() < 1e-9 * direct.max(1e-12),
            "{fast} vs {direct}"
        );
        // The residuals are the same folds' validation errors, one by one.
        let mut fast_residuals = Vec::new();
        assert!(cv.residuals(lambda, &mut fast_residuals));
        assert_eq!(fast_residuals.len(), residuals.len());
        for (f, d) in fast_residuals.iter().zip(&residuals) {
            assert!((f - d).abs() < 1e-9, "{f} vs {d}");
        }
        // A patched candidate scores like setting the column.
        let cand = design.media_column(
            0,
            Hyper {
                decay: 0.7,
                k: 0.5,
                s: 2.0,
            },
        )[..n_train]
            .to_vec();
        let patched = cv.score_candidate(q, &cand, lambda);
        // Bordering gives the same score as the full solves, for candidates that enter the
        // model and for one that stays at its bound (a column the target falls with).
        let falling: Vec<f64> = (0..n_train).map(|t| -design.y[t]).collect();
        let full_falling = cv.score_candidate(q + 1, &falling, lambda);
        cv.prepare_candidates(q, lambda);
        let bordered = cv.score_candidate(q, &cand, lambda);
        assert!(
            (patched - bordered).abs() < 1e-10 * patched.max(1e-12),
            "{patched} vs {bordered}"
        );
        let (v, r) = cv.cross(q, &cand);
        assert!(
            cv.score_bordered(&v, &r).is_some(),
            "the bordered path was taken"
        );
        cv.prepare_candidates(q + 1, lambda);
        let (v, r) = cv.cross(q + 1, &falling);
        let bordered_falling = cv.score_bordered(&v, &r).expect("the bordered path");
        assert!(
            (full_falling - bordered_falling).abs() < 1e-10 * full_falling.max(1e-12),
            "{full_falling} vs {bordered_falling}"
        );
        cv.set_column(q, &cand);
        let set = cv.score(lambda, None);
        assert!((patched - set).abs() < 1e-12 * set.max(1e-12));
    }
    #[test]
    fn a_candidate_that_changes_the_active_set_is_scored_as_the_full_solve_scores_it() {
        use crate::data::worlds::WorldFamily;
        let world = WorldFamily::new(20_261_130)
            .world_of_size(0, 8, 260)
            .unwrap();
        let data = &world.data;
        let n_train = training_weeks(data.len(), 0.2);
        let spec = DesignSpec {
            fourier_order: 2,
            trend: true,
        };
        let design = Design::new(data, spec, n_train).unwrap();
        let segs = segments(n_train, 6).unwrap();
        let channels = data.channels().len();
        let mut cv = Cv::new(&design, channels, segs.clone());
        let q = design.q();
        let start = Hyper {
            decay: 0.3,
            k: 1.0,
            s: 1.0,
        };
        for c in 0..channels {
            cv.set_column(q + c, &design.media_column(c, start)[..n_train]);
        }
        let lambda = 1e-4;
        let (mut continued, mut candidates) = (0, 0);
        for c in 0..channels {
            let m = q + c;
            cv.prepare_candidates(m, lambda);
            // Grid columns, and columns that explain the target so well that other media
            // coefficients leave the model (the target itself; half of it plus the next
            // channel's column).
            let mut columns: Vec<Vec<f64>> = Vec::new();
            for decay in [0.0, 0.5, 0.9] {
                for k in [0.2, 1.0, 5.0] {
                    for s in [0.6, 1.5, 3.0] {
                        columns.push(
                            design.media_column(c, Hyper { decay, k, s })[..n_train].to_vec(),
                        );
                    }
                }
            }
            let next = design.media_column((c + 1) % channels, start);
            columns.push(design.y[..n_train].to_vec());
            columns.push((0..n_train).map(|t| 0.5 * design.y[t] + next[t]).collect());
            for cand in columns {
                let (v, r) = cv.cross(m, &cand);
                let bordered = cv.bordered.as_ref().unwrap();
                let mut v_acc = DVector::zeros(cv.p());
                let mut r_acc = 0.0;
                for j in 0..segs.len() {
                    if j >= 1 {
                        let fold = bordered.folds[j - 1].as_ref().unwrap();
                        if Cv::bordered_solution(fold, m, &cv.nonneg, &v_acc, r_acc).is_none() {
                            let ours = Cv::continued_solution(fold, m, &cv.nonneg, &v_acc, r_acc)
                                .expect("the iterations go on from the reduced solution");
                            let full = cv.full_solution(fold, bordered, &v_acc, r_acc).unwrap();
                            assert!(
                                (&ours - &full).amax() <= 1e-8 * full.amax().max(1.0),
                                "{ours} vs {full}"
                            );
                            continued += 1;
                        }
                    }
                    v_acc += &v[j];
                    r_acc += r[j];
                }
                let fast = cv.score_candidate(m, &cand, lambda);
                let full = cv.score(lambda, Some((m, &v, &r)));
                assert!(
                    (fast - full).abs() <= 1e-9 * full,
                    "channel {c}: {fast} vs {full}"
                );
                candidates += 1;
            }
        }
        assert!(
            continued > 0,
            "no fold of the {candidates} candidates changed its active set: the test proves nothing"
        );
    }
}
