//! The hyper-parameter search strategy: per-channel decay `θ`, half-saturation `K`, shape
//! `s`, and the ridge penalty `λ`, minimising the rolling-origin cross-validation error of
//! [`super::cv`] plus a weak hyper-prior.
//!
//! # Objective
//!
//! `(N_val/2)·ln(MSE_cv) + Σ_c prior(h_c)`: the Gaussian negative log-likelihood of the
//! `N_val` validation errors plus the weak hyper-prior
//! `w·½[((θ − 0.3)/0.3)² + (ln k)² + (ln s / 0.5)²]` per channel (`w` = `prior_weight`).
//!
//! # Strategy (fast enough for start-up in the browser)
//!
//! * `ln(adstock)` is cached per channel and decay, so a Hill candidate costs one `exp` per
//!   week: `hill = 1 / (1 + exp(s · (ln k − ln a)))`, and one candidate column costs one
//!   update of the CV blocks (`cv::Cv`).
//! * Seeded random starts (ChaCha8, `random_starts` joint grid points, plus a central
//!   point), then coordinate descent: for each channel the full `θ × K × s` grid with the
//!   other channels fixed, then the penalty grid; repeated until a sweep gains nothing or
//!   `max_sweeps` is reached.
//! * Finally (`refine`) a joint Levenberg–Marquardt polish of every channel's continuous
//!   `(θ, ln k, ln s)` within the grid ranges on the CV residuals, a pattern search on
//!   `ln λ` halving its steps, and a second LM polish.
//!
//! Everything is deterministic for a given seed, and the core does no timing (no
//! `std::time`, which does not exist in WebAssembly). The stepping is driven by
//! [`super::fitter::Fitter`].

use super::cv::{Cv, fold_weeks, segments};
use super::design::Design;
use super::params::{Hyper, ValidParams};
use crate::transform::CarryoverKernels;
use nalgebra::{DMatrix, DVector};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// `ln(adstock)` over the training weeks (`−∞` where adstock is 0); `decay` is the
/// carryover coordinate of `carryover` (the geometric `θ` or a Weibull kernel's index).
fn log_adstock(carryover: &CarryoverKernels, spend: &[f64], decay: f64) -> Vec<f64> {
    let mut a = vec![0.0; spend.len()];
    carryover.apply_into(decay, spend, &mut a);
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

/// Mutable search state: the CV blocks at the current point and what the search knows.
#[derive(Debug, Clone)]
pub(crate) struct SearchState {
    pub(crate) cv: Cv,
    q: usize,
    train_spend: Vec<Vec<f64>>,
    /// The carryover family; for Weibull, `decay_grid` holds kernel indices.
    carryover: CarryoverKernels,
    decay_grid: Vec<f64>,
    k_grid: Vec<f64>,
    s_grid: Vec<f64>,
    penalty_grid: Vec<f64>,
    log_cache: Vec<Vec<Option<Vec<f64>>>>,
    pub(crate) hyper: Vec<Hyper>,
    pub(crate) penalty: f64,
    /// Mean squared CV error of the current point.
    pub(crate) mse: f64,
    /// Σ_c prior(h_c) of the current point.
    prior_sum: f64,
    /// Objective of the current point, [`SearchState::objective`].
    pub(crate) score: f64,
    pub(crate) sweep_start: f64,
    pub(crate) sweeps: usize,
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
    /// The search over `design`'s training weeks with `params`' grids, folds and prior;
    /// `None` when the training weeks cannot be cut into the folds.
    pub(crate) fn new(design: &Design, params: &ValidParams) -> Option<Self> {
        let p_ = &params.0;
        let n_train = design.n_train;
        let channels = design.spend.len();
        let segs = segments(n_train, p_.cv_folds)?;
        let cv = Cv::new(design, channels, segs);
        let g = |v: &[f64]| v.to_vec();
        let decay_grid = design.carryover.search_grid(&p_.decay_grid);
        Some(SearchState {
            cv,
            q: design.q(),
            train_spend: design.spend.iter().map(|s| s[..n_train].to_vec()).collect(),
            log_cache: vec![vec![None; decay_grid.len()]; channels],
            carryover: design.carryover.clone(),
            decay_grid,
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
            n_val: (p_.cv_folds * fold_weeks(n_train)) as f64,
            prior_weight: p_.prior_weight,
            sweeps: 0,
            seed: p_.seed,
            random_starts: p_.random_starts,
            col: Vec::new(),
        })
    }

    /// Weak hyper-prior, as a negative log density up to a constant:
    /// `½((θ − 0.3)/0.3)² + ½(ln k / 1)² + ½(ln s / 0.5)²`, times the prior weight.
    /// (No decay term for a Weibull kernel index: its grid is flat.)
    fn prior(&self, h: Hyper) -> f64 {
        let d = if self.carryover.is_geometric() {
            (h.decay - PRIOR_DECAY.0) / PRIOR_DECAY.1
        } else {
            0.0
        };
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
            self.log_cache[c][di] = Some(log_adstock(
                &self.carryover,
                &self.train_spend[c],
                self.decay_grid[di],
            ));
        }
        self.log_cache[c][di].as_deref().unwrap_or(&[])
    }

    fn column(&self, c: usize, h: Hyper) -> Vec<f64> {
        let la = log_adstock(&self.carryover, &self.train_spend[c], h.decay);
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

    /// Moves to `hyper` and `penalty` (the objective is then [`SearchState::score`]).
    pub(crate) fn move_to(&mut self, hyper: &[Hyper], penalty: f64) {
        self.set_all(hyper, penalty);
    }

    /// Central start plus seeded random joint grid points; keeps the best.
    pub(crate) fn starts(&mut self) {
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

    /// Full `θ × K × s` grid for channel `c`, others fixed. Per decay, the `K × s`
    /// candidate columns share one `ln(adstock)`, and their cross-products with the design
    /// are one matrix product ([`Cv::cross_many`]).
    pub(crate) fn grid_channel(&mut self, c: usize) {
        let m = self.q + c;
        let mut best = (self.score, self.hyper[c]);
        self.cv.prepare_candidates(m, self.penalty);
        let n = self.train_spend[c].len();
        let per_decay = self.k_grid.len() * self.s_grid.len();
        let mut columns = DMatrix::zeros(n, per_decay);
        let mut col = std::mem::take(&mut self.col);
        let others = self.prior_sum - self.prior(self.hyper[c]);
        for di in 0..self.decay_grid.len() {
            let decay = self.decay_grid[di];
            let la = self.log_a(c, di).to_vec();
            let mut candidates = Vec::with_capacity(per_decay);
            for &k in &self.k_grid {
                for &s in &self.s_grid {
                    hill_from_log(&la, k, s, &mut col);
                    columns.column_mut(candidates.len()).copy_from_slice(&col);
                    candidates.push(Hyper { decay, k, s });
                }
            }
            let crossed = self.cv.cross_many(m, &columns);
            for (cand, (v, r)) in candidates.into_iter().zip(crossed) {
                let mse = self.cv.score_crossed(m, &v, &r, self.penalty);
                let sc = self.objective(mse, others + self.prior(cand));
                if sc < best.0 {
                    best = (sc, cand);
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

    /// The penalty grid, other hyper-parameters fixed.
    pub(crate) fn grid_penalty(&mut self) {
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
        let geometric = self.carryover.is_geometric();
        for h in &self.hyper {
            out.push(if geometric {
                w * (h.decay - PRIOR_DECAY.0) / PRIOR_DECAY.1
            } else {
                0.0
            });
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
    pub(crate) fn polish(&mut self, iterations: usize) {
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

    /// Pattern search on `ln λ` within the penalty grid's range: steps of `ln 2`, halved
    /// three times, at most 8 moves per step size.
    pub(crate) fn refine_penalty(&mut self) {
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
