//! Hyper-parameter search: per-channel decay `θ`, half-saturation `K`, shape `s`, and the
//! ridge penalty `λ`, by rolling-origin time-series cross-validation.
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
//! # Strategy (fast enough for start-up in the browser)
//!
//! * Every fold's normal equations are sums of per-segment Gram blocks `S_j = X_jᵀX_j`,
//!   `r_j = X_jᵀy_j`; a fold's validation error is `y_kᵀy_k − 2βᵀr_k + βᵀS_kβ`, so no row is
//!   touched after the blocks are built. Changing one channel's column only changes one row
//!   and column of each block: `O(p · n)` work, then three `p × p` constrained solves
//!   (`p ≈ 12`), warm-started from the previous active sets.
//! * `ln(adstock)` is cached per channel and decay, so a Hill candidate costs one `exp` per
//!   week: `hill = 1 / (1 + exp(s · (ln K − ln a)))`.
//! * Seeded random starts (ChaCha8, `random_starts` joint grid points, plus a central
//!   point), then coordinate descent: for each channel the full `θ × K × s` grid with the
//!   other channels fixed, then the penalty grid; repeated until a sweep gains nothing or
//!   `max_sweeps` is reached. Finally (`refine`) a compass/pattern search on continuous
//!   `(θ, ln K, s)` per channel and `ln λ`, halving its steps, within the grid ranges.
//!
//! Everything is deterministic for a given seed, and the core does no timing (no
//! `std::time`, which does not exist in WebAssembly). The work is cut into units so that a
//! [`Fitter`] can be stepped from a UI loop and report progress.

use super::design::{Design, DesignSpec};
use super::fitted::{self, FittedModel};
use super::params::ValidParams;
use super::{ModelError, ridge, validate_data, validate_training};
use crate::data::WeeklyData;
use crate::transform::adstock::geometric_into;
use nalgebra::{DMatrix, DVector};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What the search did and found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchReport {
    /// `false` when fixed hyper-parameters were used.
    pub searched: bool,
    /// Candidate configurations scored.
    pub evaluations: usize,
    /// Coordinate sweeps run.
    pub sweeps: usize,
    /// Root of the best mean squared CV error, in currency (NaN without a search).
    pub cv_rmse: f64,
    /// Chosen ridge penalty `λ`.
    pub penalty: f64,
    /// Number of CV folds.
    pub folds: usize,
    /// Weeks per validation block.
    pub fold_weeks: usize,
    /// Training weeks (the first ones); the rest are held out.
    pub training_weeks: usize,
}

/// Number of training weeks for `n` weeks and a holdout share.
pub(crate) fn training_weeks(n: usize, holdout: f64) -> usize {
    let n_test = ((n as f64) * holdout).round().max(1.0) as usize;
    n.saturating_sub(n_test)
}

/// Validation block length for `n_train` training weeks.
pub(crate) fn fold_weeks(n_train: usize) -> usize {
    ((n_train as f64) / 10.0).round().max(2.0) as usize
}

/// Segment bounds `[start, end)`: the leading block then `folds` validation blocks.
fn segments(n_train: usize, folds: usize) -> Option<Vec<(usize, usize)>> {
    let h = fold_weeks(n_train);
    let first = n_train.checked_sub(folds * h)?;
    let mut segs = vec![(0, first)];
    segs.extend((0..folds).map(|k| (first + k * h, first + (k + 1) * h)));
    Some(segs)
}

/// Whether `n` weeks suffice for `p` coefficients.
fn enough_weeks(n: usize, p: usize, folds: usize, holdout: f64, search: bool) -> bool {
    let n_train = training_weeks(n, holdout);
    if n_train < p + 2 {
        return false;
    }
    !search || segments(n_train, folds).is_some_and(|s| s[0].1 >= p + 2)
}

/// The smallest number of weeks that [`enough_weeks`] accepts.
fn required_weeks(p: usize, folds: usize, holdout: f64, search: bool) -> usize {
    (1..100_000)
        .find(|&n| enough_weeks(n, p, folds, holdout, search))
        .unwrap_or(100_000)
}

/// Per-channel hyper-parameters in model units (`k = K / m_c`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hyper {
    pub decay: f64,
    pub k: f64,
    pub s: f64,
}

/// A candidate column `m`: its per-segment cross-products and `Xᵀy` entries.
type Patch<'a> = (usize, &'a [DVector<f64>], &'a [f64]);

/// The per-segment normal-equation blocks of the training weeks.
#[derive(Debug, Clone)]
struct Cv {
    segs: Vec<(usize, usize)>,
    x: DMatrix<f64>,
    y: DVector<f64>,
    grams: Vec<DMatrix<f64>>,
    rhs: Vec<DVector<f64>>,
    yy: Vec<f64>,
    nonneg: Vec<bool>,
    hints: Vec<Vec<bool>>,
    evaluations: usize,
    /// Score the fit on all training weeks instead of the CV folds.
    in_sample: bool,
}

impl Cv {
    fn new(design: &Design, channels: usize, segs: Vec<(usize, usize)>) -> Self {
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
        let hints = vec![vec![true; p]; segs.len()];
        Self {
            segs,
            x,
            y,
            grams,
            rhs,
            yy,
            nonneg,
            hints,
            evaluations: 0,
            in_sample: false,
        }
    }

    fn p(&self) -> usize {
        self.x.ncols()
    }

    /// Cross-products of a candidate column with every design column, per segment; the
    /// entry at `m` is the candidate's own sum of squares.
    fn cross(&self, m: usize, col: &[f64]) -> (Vec<DVector<f64>>, Vec<f64>) {
        let p = self.p();
        let mut v = Vec::with_capacity(self.segs.len());
        let mut r = Vec::with_capacity(self.segs.len());
        for &(a, b) in &self.segs {
            let c = &col[a..b];
            let mut vj = DVector::zeros(p);
            for i in 0..p {
                vj[i] = if i == m {
                    c.iter().map(|z| z * z).sum()
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

    /// Replaces design column `m` by `col` and updates the blocks.
    fn set_column(&mut self, m: usize, col: &[f64]) {
        self.x.column_mut(m).copy_from_slice(col);
        let (v, r) = self.cross(m, col);
        for (j, (vj, rj)) in v.into_iter().zip(r).enumerate() {
            self.grams[j].row_mut(m).copy_from(&vj.transpose());
            self.grams[j].column_mut(m).copy_from(&vj);
            self.rhs[j][m] = rj;
        }
    }

    /// Mean squared validation error for penalty `λ`, with column `m` optionally replaced
    /// by a candidate (its cross-products from [`Cv::cross`]). `+∞` if a fold fails.
    fn score(&mut self, penalty: f64, patch: Option<Patch<'_>>) -> f64 {
        self.evaluations += 1;
        let p = self.p();
        let mut penalties = vec![penalty; p];
        penalties[0] = 0.0;
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
            if j >= 1 && !self.in_sample {
                let inv = 1.0 / n_acc as f64;
                let g = &g_acc * inv;
                let rhs = &b_acc * inv;
                let sol = match ridge::solve_normal_equations(
                    &g,
                    &rhs,
                    &penalties,
                    &self.nonneg,
                    Some(&self.hints[j]),
                ) {
                    Ok(sol) => sol,
                    Err(_) => return f64::INFINITY,
                };
                let beta = &sol.coefficients;
                let fold_sse = self.yy[j] - 2.0 * beta.dot(&r) + (&s * beta).dot(beta);
                sse += fold_sse.max(0.0);
                count += b - a;
                self.hints[j] = sol.passive;
            }
            g_acc += &s;
            b_acc += &r;
            n_acc += b - a;
        }
        if self.in_sample {
            let inv = 1.0 / n_acc as f64;
            let Ok(sol) = ridge::solve_normal_equations(
                &(&g_acc * inv),
                &(&b_acc * inv),
                &penalties,
                &self.nonneg,
                Some(&self.hints[0]),
            ) else {
                return f64::INFINITY;
            };
            let beta = &sol.coefficients;
            let yy: f64 = self.yy.iter().sum();
            sse = (yy - 2.0 * beta.dot(&b_acc) + (&g_acc * beta).dot(beta)).max(0.0);
            count = n_acc;
            self.hints[0] = sol.passive;
        }
        if count == 0 || !sse.is_finite() {
            f64::INFINITY
        } else {
            sse / count as f64
        }
    }

    /// Score of replacing column `m` by `col`.
    fn score_candidate(&mut self, m: usize, col: &[f64], penalty: f64) -> f64 {
        let (v, r) = self.cross(m, col);
        self.score(penalty, Some((m, &v, &r)))
    }

    /// Validation residuals `y_t − x_tβ_k` of every fold `k`, in order, into `out`.
    /// `false` if a fold cannot be solved.
    fn residuals(&mut self, penalty: f64, out: &mut Vec<f64>) -> bool {
        self.evaluations += 1;
        out.clear();
        let p = self.p();
        let nr = self.x.nrows();
        let mut penalties = vec![penalty; p];
        penalties[0] = 0.0;
        let mut g_acc = DMatrix::zeros(p, p);
        let mut b_acc = DVector::zeros(p);
        let mut n_acc = 0usize;
        let last = self.segs.len();
        for j in 0..=last {
            let (a, b) = if j < last {
                self.segs[j]
            } else {
                (0, self.segs[last - 1].1)
            };
            let validate = if self.in_sample {
                j == last
            } else {
                j >= 1 && j < last
            };
            if validate {
                let hint = j.min(last - 1);
                let inv = 1.0 / n_acc as f64;
                let Ok(sol) = ridge::solve_normal_equations(
                    &(&g_acc * inv),
                    &(&b_acc * inv),
                    &penalties,
                    &self.nonneg,
                    Some(&self.hints[hint]),
                ) else {
                    return false;
                };
                let start = out.len();
                out.extend_from_slice(&self.y.as_slice()[a..b]);
                let xs = self.x.as_slice();
                for i in 0..p {
                    let bi = sol.coefficients[i];
                    if bi != 0.0 {
                        let col = &xs[i * nr + a..i * nr + b];
                        for (e, x) in out[start..].iter_mut().zip(col) {
                            *e -= x * bi;
                        }
                    }
                }
                self.hints[hint] = sol.passive;
            }
            if j < last {
                g_acc += &self.grams[j];
                b_acc += &self.rhs[j];
                n_acc += b - a;
            }
        }
        out.iter().all(|e| e.is_finite())
    }
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `ln(adstock)` over the training weeks (`−∞` where adstock is 0).
fn log_adstock(spend: &[f64], decay: f64) -> Vec<f64> {
    let mut a = vec![0.0; spend.len()];
    geometric_into(decay, spend, &mut a);
    a.iter_mut()
        .for_each(|v| *v = if *v > 0.0 { v.ln() } else { f64::NEG_INFINITY });
    a
}

/// Hill column from cached `ln a`: `1 / (1 + exp(s (ln k − ln a)))`.
fn hill_from_log(log_a: &[f64], k: f64, s: f64, out: &mut Vec<f64>) {
    let lk = k.ln();
    out.clear();
    out.extend(log_a.iter().map(|&la| {
        if la == f64::NEG_INFINITY {
            0.0
        } else {
            1.0 / (1.0 + (s * (lk - la)).exp())
        }
    }));
}

/// Mutable search state.
#[derive(Debug, Clone)]
struct SearchState {
    cv: Cv,
    q: usize,
    train_spend: Vec<Vec<f64>>,
    decay_grid: Vec<f64>,
    k_grid: Vec<f64>,
    s_grid: Vec<f64>,
    penalty_grid: Vec<f64>,
    log_cache: Vec<Vec<Option<Vec<f64>>>>,
    hyper: Vec<Hyper>,
    penalty: f64,
    /// Mean squared CV error of the current point.
    mse: f64,
    /// Σ_c prior(h_c) of the current point.
    prior_sum: f64,
    /// Objective of the current point, [`SearchState::objective`].
    score: f64,
    sweep_start: f64,
    sweeps: usize,
    seed: u64,
    random_starts: usize,
    /// Validation weeks (N_val).
    n_val: f64,
    /// Weight of the hyper-prior (0 disables it).
    prior_weight: f64,
    col: Vec<f64>,
}

fn nearest(grid: &[f64], v: f64) -> f64 {
    grid.iter()
        .copied()
        .min_by(|a, b| (a - v).abs().total_cmp(&(b - v).abs()))
        .unwrap_or(v)
}

/// Centre and spread of the weak hyper-prior (see [`SearchState::prior`]).
const PRIOR_DECAY: (f64, f64) = (0.3, 0.3);
const PRIOR_LN_K_SD: f64 = 1.0;
const PRIOR_LN_S_SD: f64 = 0.5;

impl SearchState {
    /// Weak hyper-prior, as a negative log density up to a constant:
    /// `½((θ − 0.3)/0.3)² + ½(ln k / 1)² + ½(ln s / 0.5)²`, times the prior weight.
    fn prior(&self, h: Hyper) -> f64 {
        let d = (h.decay - PRIOR_DECAY.0) / PRIOR_DECAY.1;
        let k = h.k.ln() / PRIOR_LN_K_SD;
        let s = h.s.ln() / PRIOR_LN_S_SD;
        self.prior_weight * 0.5 * (d * d + k * k + s * s)
    }

    /// The search objective `(N_val/2)·ln(MSE_cv) + Σ_c prior(h_c)`: the Gaussian negative
    /// log-likelihood of the validation errors plus the hyper-prior.
    fn objective(&self, mse: f64, prior_sum: f64) -> f64 {
        if mse.is_finite() {
            0.5 * self.n_val * mse.max(1e-300).ln() + prior_sum
        } else {
            f64::INFINITY
        }
    }

    fn log_a(&mut self, c: usize, di: usize) -> &[f64] {
        if self.log_cache[c][di].is_none() {
            self.log_cache[c][di] = Some(log_adstock(&self.train_spend[c], self.decay_grid[di]));
        }
        self.log_cache[c][di].as_deref().unwrap_or(&[])
    }

    fn column(&self, c: usize, h: Hyper) -> Vec<f64> {
        let la = log_adstock(&self.train_spend[c], h.decay);
        let mut out = Vec::new();
        hill_from_log(&la, h.k, h.s, &mut out);
        out
    }

    /// Moves to a point and returns its objective.
    fn set_all(&mut self, hyper: &[Hyper], penalty: f64) -> f64 {
        for (c, &h) in hyper.iter().enumerate() {
            let col = self.column(c, h);
            self.cv.set_column(self.q + c, &col);
        }
        self.hyper = hyper.to_vec();
        self.penalty = penalty;
        self.mse = self.cv.score(penalty, None);
        self.prior_sum = hyper.iter().map(|&h| self.prior(h)).sum();
        self.score = self.objective(self.mse, self.prior_sum);
        self.score
    }

    /// Central start plus seeded random joint grid points; keeps the best.
    fn starts(&mut self) {
        let channels = self.hyper.len();
        let centre: Vec<Hyper> = (0..channels)
            .map(|_| Hyper {
                decay: nearest(&self.decay_grid, PRIOR_DECAY.0),
                k: nearest(&self.k_grid, 1.0),
                s: nearest(&self.s_grid, 1.0),
            })
            .collect();
        let mid_penalty = self.penalty_grid[self.penalty_grid.len() / 2];
        let mut best = (self.set_all(&centre, mid_penalty), centre, mid_penalty);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let pick = |rng: &mut ChaCha8Rng, g: &[f64]| g[(rng.next_u64() % g.len() as u64) as usize];
        for _ in 0..self.random_starts {
            let hyper: Vec<Hyper> = (0..channels)
                .map(|_| Hyper {
                    decay: pick(&mut rng, &self.decay_grid),
                    k: pick(&mut rng, &self.k_grid),
                    s: pick(&mut rng, &self.s_grid),
                })
                .collect();
            let penalty = pick(&mut rng, &self.penalty_grid);
            let score = self.set_all(&hyper, penalty);
            if score < best.0 {
                best = (score, hyper, penalty);
            }
        }
        self.set_all(&best.1, best.2);
        self.sweep_start = self.score;
    }

    /// Objective of replacing channel `c`'s hyper-parameters by `cand` whose column is `col`.
    fn try_channel(&mut self, c: usize, cand: Hyper, col: &[f64]) -> f64 {
        let mse = self.cv.score_candidate(self.q + c, col, self.penalty);
        let prior = self.prior_sum - self.prior(self.hyper[c]) + self.prior(cand);
        self.objective(mse, prior)
    }

    /// Full `θ × K × s` grid for channel `c`, others fixed.
    fn grid_channel(&mut self, c: usize) {
        let mut best = (self.score, self.hyper[c]);
        let mut col = std::mem::take(&mut self.col);
        for di in 0..self.decay_grid.len() {
            let decay = self.decay_grid[di];
            let la = self.log_a(c, di).to_vec();
            for ki in 0..self.k_grid.len() {
                let k = self.k_grid[ki];
                for si in 0..self.s_grid.len() {
                    let s = self.s_grid[si];
                    hill_from_log(&la, k, s, &mut col);
                    let cand = Hyper { decay, k, s };
                    let sc = self.try_channel(c, cand, &col);
                    if sc < best.0 {
                        best = (sc, cand);
                    }
                }
            }
        }
        self.col = col;
        self.accept(c, best);
    }

    fn accept(&mut self, c: usize, best: (f64, Hyper)) {
        if best.0 < self.score {
            let col = self.column(c, best.1);
            self.cv.set_column(self.q + c, &col);
            self.prior_sum += self.prior(best.1) - self.prior(self.hyper[c]);
            self.hyper[c] = best.1;
            self.score = best.0;
            self.mse = self.cv.score(self.penalty, None);
        }
    }

    fn try_penalty(&mut self, penalty: f64) {
        let mse = self.cv.score(penalty, None);
        let sc = self.objective(mse, self.prior_sum);
        if sc < self.score {
            self.score = sc;
            self.mse = mse;
            self.penalty = penalty;
        }
    }

    fn grid_penalty(&mut self) {
        if self.cv.in_sample {
            // The in-sample error always prefers the smallest penalty: choose it by CV.
            self.cv.in_sample = false;
            let mut best = (f64::INFINITY, self.penalty);
            for i in 0..self.penalty_grid.len() {
                let mse = self.cv.score(self.penalty_grid[i], None);
                if mse < best.0 {
                    best = (mse, self.penalty_grid[i]);
                }
            }
            self.cv.in_sample = true;
            self.penalty = best.1;
            self.mse = self.cv.score(self.penalty, None);
            self.score = self.objective(self.mse, self.prior_sum);
            return;
        }
        for i in 0..self.penalty_grid.len() {
            self.try_penalty(self.penalty_grid[i]);
        }
    }

    /// Maps unconstrained `φ` to per-channel hyper-parameters within the grid ranges:
    /// `θ = lo + (hi − lo)·σ(u)`, `ln k`, `ln s` likewise in log space.
    fn hyper_of_phi(&self, phi: &[f64]) -> Vec<Hyper> {
        let (dlo, dhi) = bounds(&self.decay_grid);
        let (klo, khi) = bounds(&self.k_grid);
        let (slo, shi) = bounds(&self.s_grid);
        let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
        phi.chunks(3)
            .map(|f| Hyper {
                decay: dlo + (dhi - dlo) * sig(f[0]),
                k: (klo.ln() + (khi.ln() - klo.ln()) * sig(f[1])).exp(),
                s: (slo.ln() + (shi.ln() - slo.ln()) * sig(f[2])).exp(),
            })
            .collect()
    }

    fn to_phi(&self, hyper: &[Hyper]) -> Vec<f64> {
        let (dlo, dhi) = bounds(&self.decay_grid);
        let (klo, khi) = bounds(&self.k_grid);
        let (slo, shi) = bounds(&self.s_grid);
        let logit = |v: f64, lo: f64, hi: f64| {
            if hi > lo {
                let z = ((v - lo) / (hi - lo)).clamp(1e-3, 1.0 - 1e-3);
                (z / (1.0 - z)).ln()
            } else {
                0.0
            }
        };
        hyper
            .iter()
            .flat_map(|h| {
                [
                    logit(h.decay, dlo, dhi),
                    logit(h.k.ln(), klo.ln(), khi.ln()),
                    logit(h.s.ln(), slo.ln(), shi.ln()),
                ]
            })
            .collect()
    }

    /// Residual vector of the LM polish at the current columns: validation errors divided
    /// by `sigma`, then the prior as residuals `√w·(θ − 0.3)/0.3, √w·ln k, √w·ln s/0.5`, so
    /// that `½‖r‖² = SSE_cv/(2σ²) + Σ prior`.
    fn lm_residuals(&mut self, sigma: f64, out: &mut Vec<f64>) -> bool {
        if !self.cv.residuals(self.penalty, out) {
            return false;
        }
        out.iter_mut().for_each(|e| *e /= sigma);
        let w = self.prior_weight.sqrt();
        for h in &self.hyper {
            out.push(w * (h.decay - PRIOR_DECAY.0) / PRIOR_DECAY.1);
            out.push(w * h.k.ln() / PRIOR_LN_K_SD);
            out.push(w * h.s.ln() / PRIOR_LN_S_SD);
        }
        true
    }

    /// Sets every channel's column from `hyper` without scoring.
    fn set_columns(&mut self, hyper: &[Hyper]) {
        for (c, &h) in hyper.iter().enumerate() {
            if self.hyper[c] != h {
                let col = self.column(c, h);
                self.cv.set_column(self.q + c, &col);
                self.hyper[c] = h;
            }
        }
    }

    /// Joint Levenberg–Marquardt polish of all channels' `(θ, k, s)` on the CV residuals
    /// (forward-difference Jacobian, Marquardt scaling). Keeps the result only if it lowers
    /// the objective.
    fn polish(&mut self, iterations: usize) {
        let start_hyper = self.hyper.clone();
        let start_score = self.score;
        let sigma = self.mse.sqrt().max(1e-12);
        let mut phi = self.to_phi(&self.hyper);
        let hyper0 = self.hyper_of_phi(&phi);
        self.set_columns(&hyper0);
        let d = phi.len();
        let mut r = Vec::new();
        if !self.lm_residuals(sigma, &mut r) {
            self.set_columns(&start_hyper);
            return;
        }
        let mut cost = r.iter().map(|e| e * e).sum::<f64>();
        let mut mu = 1e-3;
        let mut r_try = Vec::new();
        let h = 1e-4;
        'outer: for _ in 0..iterations {
            // Jacobian by forward differences, one channel column at a time.
            let nres = r.len();
            let mut jac = DMatrix::zeros(nres, d);
            let base = self.hyper.clone();
            for j in 0..d {
                let c = j / 3;
                let mut phj = phi.clone();
                phj[j] += h;
                let hy = self.hyper_of_phi(&phj[3 * c..3 * c + 3])[0];
                let mut trial = base.clone();
                trial[c] = hy;
                self.set_columns(&trial);
                let ok = self.lm_residuals(sigma, &mut r_try);
                self.set_columns(&base);
                if !ok || r_try.len() != nres {
                    break 'outer;
                }
                for i in 0..nres {
                    jac[(i, j)] = (r_try[i] - r[i]) / h;
                }
            }
            let jtj = jac.tr_mul(&jac);
            let rv = DVector::from_column_slice(&r);
            let g = jac.tr_mul(&rv);
            loop {
                let mut a = jtj.clone();
                for j in 0..d {
                    a[(j, j)] += mu * (jtj[(j, j)] + 1e-9);
                }
                let Some(chol) = a.cholesky() else {
                    mu *= 10.0;
                    if mu > 1e8 {
                        break 'outer;
                    }
                    continue;
                };
                let delta = chol.solve(&(-&g));
                let phi_new: Vec<f64> = phi.iter().zip(delta.iter()).map(|(p, d)| p + d).collect();
                let hy = self.hyper_of_phi(&phi_new);
                self.set_columns(&hy);
                let ok = self.lm_residuals(sigma, &mut r_try);
                let new_cost = if ok {
                    r_try.iter().map(|e| e * e).sum::<f64>()
                } else {
                    f64::INFINITY
                };
                if new_cost < cost {
                    let gain = (cost - new_cost) / cost.max(1e-300);
                    phi = phi_new;
                    std::mem::swap(&mut r, &mut r_try);
                    cost = new_cost;
                    mu = (mu / 3.0).max(1e-12);
                    if gain < 1e-6 {
                        break 'outer;
                    }
                    break;
                }
                self.set_columns(&base);
                mu *= 4.0;
                if mu > 1e8 {
                    break 'outer;
                }
            }
        }
        let hyper = self.hyper_of_phi(&phi);
        let penalty = self.penalty;
        self.set_all(&hyper, penalty);
        if self.score.is_nan() || self.score >= start_score {
            self.set_all(&start_hyper, penalty);
        }
    }

    fn refine_penalty(&mut self) {
        if self.cv.in_sample {
            self.grid_penalty();
            return;
        }
        let (lo, hi) = bounds(&self.penalty_grid);
        let mut step = 2.0f64.ln();
        for _ in 0..3 {
            for _ in 0..8 {
                let cur = self.penalty;
                for sign in [1.0, -1.0] {
                    let l = (cur.ln() + sign * step).exp().clamp(lo, hi);
                    if l != cur {
                        self.try_penalty(l);
                    }
                }
                if self.penalty == cur {
                    break;
                }
            }
            step /= 2.0;
        }
    }
}

fn bounds(grid: &[f64]) -> (f64, f64) {
    (
        grid.iter().copied().fold(f64::INFINITY, f64::min),
        grid.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    )
}

/// Refinement units: LM polish, penalty pattern search, LM polish.
const REFINE_UNITS: usize = 3;
/// Iteration cap of one LM polish.
const POLISH_ITERATIONS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Start,
    Sweep { sweep: usize, unit: usize },
    Refine { unit: usize },
    Final,
    Done,
}

/// A fit in progress, for callers that want to interleave the work with other tasks (a UI
/// event loop): call [`Fitter::step`] until [`Fitter::is_finished`], then
/// [`Fitter::finish`]. [`ValidParams::fit`] does exactly that, calling its progress hook
/// after every step.
#[derive(Debug, Clone)]
pub struct Fitter {
    params: ValidParams,
    data: WeeklyData,
    design: Design,
    state: Option<SearchState>,
    stage: Stage,
    done: usize,
    total: usize,
}

impl ValidParams {
    /// Validates the data and prepares a step-wise fit.
    ///
    /// # Errors
    /// Data errors ([`ModelError::NoChannels`], [`ModelError::LengthMismatch`],
    /// [`ModelError::NonFinite`], [`ModelError::NegativeSpend`],
    /// [`ModelError::IrregularWeeks`], [`ModelError::TooFewWeeks`],
    /// [`ModelError::ConstantTarget`], [`ModelError::ZeroSpendChannel`],
    /// [`ModelError::ConstantChannel`], [`ModelError::ConstantControl`]) or
    /// [`ModelError::HyperparameterCount`].
    pub fn start(&self, data: &WeeklyData) -> Result<Fitter, ModelError> {
        validate_data(data)?;
        let p_ = &self.0;
        let channels = data.channels.len();
        if let Some(fixed) = &p_.fixed
            && fixed.channels.len() != channels
        {
            return Err(ModelError::HyperparameterCount {
                expected: channels,
                found: fixed.channels.len(),
            });
        }
        let spec = DesignSpec {
            fourier_order: p_.fourier_order,
            trend: p_.trend,
        };
        let p = spec.fixed_columns(data.controls.len()) + channels;
        let search = p_.fixed.is_none();
        let n = data.len();
        if !enough_weeks(n, p, p_.cv_folds, p_.holdout, search) {
            return Err(ModelError::TooFewWeeks {
                weeks: n,
                required: required_weeks(p, p_.cv_folds, p_.holdout, search),
            });
        }
        let n_train = training_weeks(n, p_.holdout);
        validate_training(data, n_train)?;
        let design = Design::new(data, spec, n_train)?;
        let state = if search {
            let segs = segments(n_train, p_.cv_folds).ok_or(ModelError::TooFewWeeks {
                weeks: n,
                required: required_weeks(p, p_.cv_folds, p_.holdout, true),
            })?;
            let mut cv = Cv::new(&design, channels, segs);
            cv.in_sample = p_.in_sample;
            let g = |v: &[f64]| v.to_vec();
            Some(SearchState {
                cv,
                q: design.q(),
                train_spend: design.spend.iter().map(|s| s[..n_train].to_vec()).collect(),
                log_cache: vec![vec![None; p_.decay_grid.len()]; channels],
                decay_grid: g(&p_.decay_grid),
                k_grid: g(&p_.half_saturation_grid),
                s_grid: g(&p_.shape_grid),
                penalty_grid: g(&p_.penalty_grid),
                hyper: vec![
                    Hyper {
                        decay: 0.0,
                        k: 1.0,
                        s: 1.0
                    };
                    channels
                ],
                penalty: p_.penalty_grid[0],
                mse: f64::INFINITY,
                prior_sum: 0.0,
                score: f64::INFINITY,
                sweep_start: f64::INFINITY,
                n_val: if p_.in_sample {
                    n_train as f64
                } else {
                    (p_.cv_folds * fold_weeks(n_train)) as f64
                },
                prior_weight: p_.prior_weight,
                sweeps: 0,
                seed: p_.seed,
                random_starts: p_.random_starts,
                col: Vec::new(),
            })
        } else {
            None
        };
        let units = channels + 1;
        let total = if search {
            1 + p_.max_sweeps * units + if p_.refine { REFINE_UNITS } else { 0 } + 1
        } else {
            1
        };
        Ok(Fitter {
            params: self.clone(),
            data: data.clone(),
            design,
            state,
            stage: if search { Stage::Start } else { Stage::Final },
            done: 0,
            total,
        })
    }

    /// Validates the data, searches the hyper-parameters (unless fixed) and fits the model.
    /// `progress(done, total)` is called after each unit of work; `total` is fixed for the
    /// fit and `done` reaches it at the end (it may jump when the search converges early).
    ///
    /// # Errors
    /// As [`ValidParams::start`] and [`Fitter::finish`].
    pub fn fit(
        &self,
        data: &WeeklyData,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<FittedModel, ModelError> {
        let mut fitter = self.start(data)?;
        while !fitter.is_finished() {
            let (done, total) = fitter.step();
            progress(done, total);
        }
        fitter.finish()
    }
}

impl ValidParams {
    /// Rolling-origin cross-validation error of given hyper-parameters on `data`, as the
    /// root mean squared validation error in currency (the quantity the search minimises),
    /// using this configuration's design, holdout and folds.
    ///
    /// # Errors
    /// As [`ValidParams::start`], plus [`ModelError::Transform`] for invalid
    /// hyper-parameters and [`ModelError::NoValidCandidate`] if a fold cannot be solved.
    pub fn cross_validate(
        &self,
        data: &WeeklyData,
        hyperparameters: &super::params::FixedHyperparameters,
    ) -> Result<f64, ModelError> {
        let mut params = self.0.clone();
        params.fixed = None;
        let fitter = ValidParams(params).start(data)?;
        if hyperparameters.channels.len() != data.channels.len() {
            return Err(ModelError::HyperparameterCount {
                expected: data.channels.len(),
                found: hyperparameters.channels.len(),
            });
        }
        let mut st = fitter.state.ok_or(ModelError::NoValidCandidate)?;
        let mut hyper = Vec::with_capacity(hyperparameters.channels.len());
        for (h, m) in hyperparameters
            .channels
            .iter()
            .zip(&fitter.design.scaling.spend)
        {
            crate::transform::GeometricAdstock::new(h.decay)?;
            crate::transform::Hill::new(h.half_saturation, h.shape)?;
            hyper.push(Hyper {
                decay: h.decay,
                k: h.half_saturation / m,
                s: h.shape,
            });
        }
        st.set_all(&hyper, hyperparameters.penalty);
        if st.mse.is_finite() {
            Ok(st.mse.sqrt() * fitter.design.scaling.target)
        } else {
            Err(ModelError::NoValidCandidate)
        }
    }
}

impl Fitter {
    /// `(done, total)` units of work.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.total)
    }

    /// True when only [`Fitter::finish`] is left.
    pub fn is_finished(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Runs one unit of work (a set of starts, one channel's grid or refinement, the
    /// penalty, or the final fit) and returns the progress.
    pub fn step(&mut self) -> (usize, usize) {
        let p = &self.params.0;
        let channels = self.data.channels.len();
        let units = channels + 1;
        let Some(st) = self.state.as_mut() else {
            self.stage = Stage::Done;
            self.done = self.total;
            return self.progress();
        };
        match self.stage {
            Stage::Start => {
                st.starts();
                self.done += 1;
                self.stage = Stage::Sweep { sweep: 0, unit: 0 };
            }
            Stage::Sweep { sweep, unit } => {
                if unit < channels {
                    st.grid_channel(unit);
                } else {
                    st.grid_penalty();
                }
                self.done += 1;
                self.stage = if unit + 1 < units {
                    Stage::Sweep {
                        sweep,
                        unit: unit + 1,
                    }
                } else {
                    st.sweeps = sweep + 1;
                    let gained = st.score < st.sweep_start - 1e-6;
                    st.sweep_start = st.score;
                    if gained && sweep + 1 < p.max_sweeps {
                        Stage::Sweep {
                            sweep: sweep + 1,
                            unit: 0,
                        }
                    } else {
                        self.done += (p.max_sweeps - sweep - 1) * units;
                        if p.refine {
                            Stage::Refine { unit: 0 }
                        } else {
                            Stage::Final
                        }
                    }
                };
            }
            Stage::Refine { unit } => {
                match unit {
                    0 => st.polish(POLISH_ITERATIONS),
                    1 => st.refine_penalty(),
                    _ => st.polish(POLISH_ITERATIONS),
                }
                self.done += 1;
                self.stage = if unit + 1 < REFINE_UNITS {
                    Stage::Refine { unit: unit + 1 }
                } else {
                    Stage::Final
                };
            }
            Stage::Final | Stage::Done => {
                self.done = self.total;
                self.stage = Stage::Done;
            }
        }
        self.progress()
    }

    /// Finishes any remaining search and fits the final model on the training weeks.
    ///
    /// # Errors
    /// [`ModelError::NoValidCandidate`] if no configuration had a finite CV error,
    /// [`ModelError::Ridge`] if the final solve fails, [`ModelError::Response`] if a fitted
    /// curve is invalid.
    pub fn finish(mut self) -> Result<FittedModel, ModelError> {
        while !self.is_finished() {
            self.step();
        }
        let p = &self.params.0;
        let n_train = self.design.n_train;
        let (hyper, penalty, report) = match &self.state {
            Some(st) => {
                if !st.mse.is_finite() {
                    return Err(ModelError::NoValidCandidate);
                }
                (
                    st.hyper.clone(),
                    st.penalty,
                    SearchReport {
                        searched: true,
                        evaluations: st.cv.evaluations,
                        sweeps: st.sweeps,
                        cv_rmse: st.mse.sqrt() * self.design.scaling.target,
                        penalty: st.penalty,
                        folds: p.cv_folds,
                        fold_weeks: fold_weeks(n_train),
                        training_weeks: n_train,
                    },
                )
            }
            None => {
                let fixed = p.fixed.as_ref().ok_or(ModelError::NoValidCandidate)?;
                let hyper = fixed
                    .channels
                    .iter()
                    .zip(&self.design.scaling.spend)
                    .map(|(h, m)| Hyper {
                        decay: h.decay,
                        k: h.half_saturation / m,
                        s: h.shape,
                    })
                    .collect();
                (
                    hyper,
                    fixed.penalty,
                    SearchReport {
                        searched: false,
                        evaluations: 0,
                        sweeps: 0,
                        cv_rmse: f64::NAN,
                        penalty: fixed.penalty,
                        folds: p.cv_folds,
                        fold_weeks: fold_weeks(n_train),
                        training_weeks: n_train,
                    },
                )
            }
        };
        fitted::build(
            &self.data,
            &self.design,
            &hyper,
            penalty,
            report,
            p.refit_all,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_training_weeks_in_order() {
        let segs = segments(125, 3).unwrap();
        assert_eq!(segs, vec![(0, 86), (86, 99), (99, 112), (112, 125)]);
        assert_eq!(training_weeks(156, 0.2), 125);
        assert!(segments(5, 3).is_none());
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
        let data = WeeklyData {
            weeks,
            target_name: "revenue".into(),
            target: y,
            channels: vec![
                Series {
                    name: "a".into(),
                    values: a,
                },
                Series {
                    name: "b".into(),
                    values: b,
                },
            ],
            controls: vec![],
        };
        let spec = DesignSpec {
            fourier_order: 1,
            trend: true,
        };
        let n_train = training_weeks(data.len(), 0.2);
        let design = Design::new(&data, spec, n_train).unwrap();
        let segs = segments(n_train, 3).unwrap();
        let mut cv = Cv::new(&design, 2, segs.clone());
        let hyper = [(0.4, 0.8, 1.5), (0.2, 1.3, 1.0)];
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
        for &(va, vb) in &segs[1..] {
            let xt = full.rows(0, va).into_owned();
            let yt = DVector::from_column_slice(&design.y[..va]);
            let sol = ridge::fit(&xt, &yt, &pen, &nonneg).unwrap();
            for t in va..vb {
                let pred = full.row(t).transpose().dot(&sol.coefficients);
                sse += (design.y[t] - pred).powi(2);
                count += 1;
            }
        }
        let direct = sse / count as f64;
        assert!(
            (fast - direct).abs() < 1e-9 * direct.max(1e-12),
            "{fast} vs {direct}"
        );
        // A patched candidate scores like setting the column.
        let cand = design.media_column(0, 0.7, 0.5, 2.0)[..n_train].to_vec();
        let patched = cv.score_candidate(q, &cand, lambda);
        cv.set_column(q, &cand);
        let set = cv.score(lambda, None);
        assert!((patched - set).abs() < 1e-12 * set.max(1e-12));
    }
}
