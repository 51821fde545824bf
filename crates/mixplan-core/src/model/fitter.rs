//! The stepping driver of a fit: [`ValidParams::start`] checks the data against the
//! parameters and cuts the work into units; a [`Fitter`] runs them one [`Fitter::step`] at a
//! time (so a UI loop can show progress) through its stages
//!
//! ```text
//! Start (random starts) → Sweep × max_sweeps (one unit per channel grid, one for the
//! penalty; stops early when a sweep gains nothing) → Refine (LM polish, penalty, LM polish)
//! → Order (the Fourier order chosen by CV) [→ Sweep × max_sweeps → Refine, once, at the
//! chosen order] → Final (the ridge fit on the chosen hyper-parameters) → Done
//! ```
//!
//! **The Fourier order** (`fourier_order`, `fourier_alternatives`): the search runs at
//! `fourier_order`; then each alternative order `o` is scored by the same rolling-origin CV
//! on the training weeks, with the channels' hyper-parameters just found and its own
//! penalty grid: objective `(N_val/2)·ln(MSE_cv) + Σ_c prior(h_c)` (the folds, `N_val` and
//! the hyper-prior are the same for every order, so the objectives compare; the CV is out
//! of sample, so more Fourier columns pay for themselves only if they predict later weeks).
//! The order with the lowest objective wins; when it is not `fourier_order` the sweeps and
//! the refinement run once more at that order from that point (they can only lower its
//! objective further). The held-out weeks play no part.
//!
//! and [`Fitter::finish`] assembles the [`FittedModel`]. With fixed hyper-parameters only
//! the final fit runs.

use super::cv::{enough_weeks, fold_weeks, training_weeks, weeks_needed};
use super::design::{Design, DesignSpec};
use super::error::FitError;
use super::fitted::{self, FittedModel, SearchReport};
use super::params::{Hyper, ValidParams};
use super::search::SearchState;
use crate::data::WeeklyData;

/// Refinement units: LM polish, penalty pattern search, LM polish.
const REFINE_UNITS: usize = 3;
/// Iteration cap of one LM polish.
const POLISH_ITERATIONS: usize = 30;

/// Where a [`Fitter`] is in its work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The random starts.
    Start,
    /// Coordinate sweep `sweep`: unit `c < channels` is channel `c`'s grid, the last unit
    /// the penalty grid.
    Sweep { sweep: usize, unit: usize },
    /// Refinement unit: LM polish, penalty pattern search, LM polish.
    Refine { unit: usize },
    /// Scoring the alternative Fourier orders (once).
    Order,
    /// Only the final fit is left.
    Final,
    /// Nothing is left but [`Fitter::finish`].
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
    /// The Fourier order of `design`.
    fourier_order: usize,
    /// True once the alternative orders were scored.
    order_chosen: bool,
    done: usize,
    total: usize,
}

impl Fitter {
    /// Units of one search pass after the starts: the sweeps and the refinement.
    fn pass_units(params: &ValidParams, channels: usize) -> usize {
        let p_ = &params.0;
        p_.max_sweeps * (channels + 1) + if p_.refine { REFINE_UNITS } else { 0 }
    }

    /// The design of `data` at Fourier order `order`, with the parameters' carryover and
    /// penalty scope.
    fn design(
        params: &ValidParams,
        data: &WeeklyData,
        order: usize,
        n_train: usize,
    ) -> Result<Design, FitError> {
        let spec = DesignSpec {
            fourier_order: order,
            trend: params.0.trend,
        };
        let mut design = Design::new(data, spec, n_train)?;
        design.carryover = params.carryover_kernels()?;
        design.penalise_baseline = params.0.penalise_baseline;
        Ok(design)
    }

    /// Scores each alternative Fourier order at the current hyper-parameters (its penalty
    /// re-chosen on the grid) and moves to the best one if it beats the current order.
    /// Returns `true` when the order changed.
    fn choose_order(&mut self) -> bool {
        let Some(current) = self.state.as_ref() else {
            return false;
        };
        let evaluations = current.cv.evaluations;
        let hyper = current.hyper.clone();
        let penalty = current.penalty;
        let mut best: Option<(f64, usize, Design, SearchState)> = None;
        let mut best_score = current.score;
        let p_ = &self.params.0;
        let n = self.data.len();
        for &order in &p_.fourier_alternatives {
            let spec = DesignSpec {
                fourier_order: order,
                trend: p_.trend,
            };
            let p = spec.fixed_columns(self.data.controls().len()) + hyper.len();
            if !enough_weeks(n, p, p_.cv_folds, p_.holdout, true) {
                continue;
            }
            let Ok(design) = Self::design(&self.params, &self.data, order, self.design.n_train)
            else {
                continue;
            };
            let Some(mut state) = SearchState::new(&design, &self.params) else {
                continue;
            };
            state.move_to(&hyper, penalty);
            state.grid_penalty();
            if state.score < best_score {
                best_score = state.score;
                best = Some((state.score, order, design, state));
            }
        }
        let Some((score, order, design, mut state)) = best else {
            return false;
        };
        state.sweep_start = score;
        state.cv.evaluations += evaluations;
        self.design = design;
        self.state = Some(state);
        self.fourier_order = order;
        true
    }
}

impl ValidParams {
    /// Checks the training weeks of `data` (valid by construction) against these parameters
    /// and prepares a step-wise fit.
    ///
    /// # Errors
    /// [`FitError::TooFewWeeks`], [`FitError::ConstantTarget`],
    /// [`FitError::ZeroSpendChannel`], [`FitError::ConstantChannel`],
    /// [`FitError::ConstantControl`] or [`FitError::HyperparameterCount`].
    pub fn start(&self, data: &WeeklyData) -> Result<Fitter, FitError> {
        let p_ = &self.0;
        let channels = data.channels().len();
        if let Some(fixed) = &p_.fixed
            && fixed.channels.len() != channels
        {
            return Err(FitError::HyperparameterCount {
                expected: channels,
                found: fixed.channels.len(),
            });
        }
        let spec = DesignSpec {
            fourier_order: p_.fourier_order,
            trend: p_.trend,
        };
        let p = spec.fixed_columns(data.controls().len()) + channels;
        let search = p_.fixed.is_none();
        let n = data.len();
        if !enough_weeks(n, p, p_.cv_folds, p_.holdout, search) {
            return Err(FitError::TooFewWeeks {
                weeks: n,
                required: weeks_needed(n, p, p_.cv_folds, p_.holdout, search),
            });
        }
        let n_train = training_weeks(n, p_.holdout);
        validate_training(data, n_train)?;
        let design = Fitter::design(self, data, p_.fourier_order, n_train)?;
        let state = if search {
            let state = SearchState::new(&design, self).ok_or(FitError::TooFewWeeks {
                weeks: n,
                required: weeks_needed(n, p, p_.cv_folds, p_.holdout, true),
            })?;
            Some(state)
        } else {
            None
        };
        let choose = !p_.fourier_alternatives.is_empty();
        let pass = Fitter::pass_units(self, channels);
        let total = if search {
            1 + pass + if choose { 1 + pass } else { 0 } + 1
        } else {
            1
        };
        Ok(Fitter {
            params: self.clone(),
            data: data.clone(),
            design,
            state,
            stage: if search { Stage::Start } else { Stage::Final },
            fourier_order: p_.fourier_order,
            order_chosen: !search || !choose,
            done: 0,
            total,
        })
    }

    /// Checks the training weeks, searches the hyper-parameters (unless fixed) and fits the model.
    /// `progress(done, total)` is called after each unit of work; `total` is fixed for the
    /// fit and `done` reaches it at the end (it may jump when the search converges early).
    ///
    /// # Errors
    /// As [`ValidParams::start`] and [`Fitter::finish`].
    pub fn fit(
        &self,
        data: &WeeklyData,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<FittedModel, FitError> {
        let mut fitter = self.start(data)?;
        while !fitter.is_finished() {
            let (done, total) = fitter.step();
            progress(done, total);
        }
        fitter.finish()
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
        let channels = self.data.channels().len();
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
                        } else if self.order_chosen {
                            Stage::Final
                        } else {
                            Stage::Order
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
                } else if self.order_chosen {
                    Stage::Final
                } else {
                    Stage::Order
                };
            }
            Stage::Order => {
                self.order_chosen = true;
                self.done += 1;
                if self.choose_order() {
                    self.stage = Stage::Sweep { sweep: 0, unit: 0 };
                } else {
                    self.done += Self::pass_units(&self.params, channels);
                    self.stage = Stage::Final;
                }
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
    /// [`FitError::NoValidCandidate`] if no configuration had a finite CV error,
    /// [`FitError::Ridge`] if the final solve fails, [`FitError::Response`] if a fitted
    /// curve is invalid.
    pub fn finish(mut self) -> Result<FittedModel, FitError> {
        while !self.is_finished() {
            self.step();
        }
        let p = &self.params.0;
        let n_train = self.design.n_train;
        let (hyper, penalty, report) = match &self.state {
            Some(st) => {
                if !st.mse.is_finite() {
                    return Err(FitError::NoValidCandidate);
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
                        fourier_order: self.fourier_order,
                    },
                )
            }
            None => {
                let fixed = p.fixed.as_ref().ok_or(FitError::NoValidCandidate)?;
                let hyper = fixed
                    .channels
                    .iter()
                    .zip(&self.design.scaling.spend)
                    .map(|(h, &m)| Hyper::from_currency(h, m))
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
                        fourier_order: self.fourier_order,
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

/// Checks channels and target over the training weeks.
pub(crate) fn validate_training(data: &WeeklyData, n_train: usize) -> Result<(), FitError> {
    let y = &data.target()[..n_train];
    let (lo, hi) = min_max(y);
    if hi - lo <= 1e-12 * hi.abs().max(lo.abs()) {
        return Err(FitError::ConstantTarget);
    }
    for ch in data.channels() {
        let (lo, hi) = min_max(&ch.values[..n_train]);
        if hi <= 0.0 {
            return Err(FitError::ZeroSpendChannel {
                channel: ch.name.clone(),
            });
        }
        if hi - lo <= 1e-12 * hi {
            return Err(FitError::ConstantChannel {
                channel: ch.name.clone(),
            });
        }
    }
    Ok(())
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}
