//! The design matrix: which columns the model has, how each is built, and how it is scaled.
//!
//! Columns, in order (`p = 1 + [trend] + 2·order + controls + channels`):
//!
//! | term | column (week `t`, date `d_t`) | coefficient sign |
//! |---|---|---|
//! | intercept | `1` | free, unpenalised |
//! | trend | `t / n_train` | free |
//! | Fourier `k = 1…order` | `sin(2πk·d_t/365.25)`, `cos(2πk·d_t/365.25)`, `d_t` in days since 1970-01-01 | free |
//! | control `j` | binary (0/1) controls as they are; others `(z_t − mean_j)/sd_j` | free |
//! | channel `c` | `hill(adstock_θ(x_c/m_c); K/m_c, s)` | `≥ 0` |
//!
//! Scaling (all from the training weeks only, recorded in [`Scaling`]): the target is divided
//! by `y_scale = mean |y|`; channel `c`'s spend by `m_c` = its mean weekly spend, so a
//! half-saturation searched as `k·m_c` is `K = k·m_c` in currency; media coefficients are
//! converted back as `β = β̃ · y_scale` (currency per week at saturation). Every number the
//! model reports is in currency.

use super::error::FitError;
use super::params::Hyper;
use crate::data::WeeklyData;
use crate::transform::CarryoverKernels;
use crate::transform::hill::hill_value;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Days per year used by the Fourier terms.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// What a design column stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Term {
    /// The constant.
    Intercept,
    /// Linear trend.
    Trend,
    /// `sin(2πk·d/365.25)`.
    Sin(usize),
    /// `cos(2πk·d/365.25)`.
    Cos(usize),
    /// Control number `j` (index into [`WeeklyData::controls`]).
    Control(usize),
    /// Channel number `c` (index into [`WeeklyData::channels`]).
    Channel(usize),
}

/// How one control column was scaled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlScaling {
    /// Control name.
    pub name: String,
    /// `true` if the control only takes the values 0 and 1 (kept as is).
    pub binary: bool,
    /// Subtracted before dividing (0 for binary controls).
    pub center: f64,
    /// Divisor (1 for binary controls).
    pub scale: f64,
}

/// Everything needed to map model units back to currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// The target is modelled as `y / target`.
    pub target: f64,
    /// Channel `c`'s spend is modelled as `x_c / spend[c]` (its mean weekly training spend).
    pub spend: Vec<f64>,
    /// The trend column is `t / trend_weeks` (the number of training weeks).
    pub trend_weeks: f64,
    /// Per-control scaling.
    pub controls: Vec<ControlScaling>,
}

/// The non-media part of the design and the scaled inputs, built once per fit.
#[derive(Debug, Clone)]
pub(crate) struct Design {
    /// Weeks in the data.
    pub n: usize,
    /// Training weeks (the first `n_train`).
    pub n_train: usize,
    /// Columns before the media columns (`n × q`).
    pub fixed: DMatrix<f64>,
    /// Term of each fixed column.
    pub fixed_terms: Vec<Term>,
    /// Scaled spend per channel (`x_c / m_c`), all weeks.
    pub spend: Vec<Vec<f64>>,
    /// Scaled target, all weeks.
    pub y: Vec<f64>,
    /// The scaling record.
    pub scaling: Scaling,
    /// The carryover family: `Hyper::decay` is the geometric `θ`, or the index of a Weibull
    /// kernel ([`CarryoverKernels`]). Geometric unless the fit sets it.
    pub carryover: CarryoverKernels,
    /// Whether the ridge penalty also applies to the trend, Fourier and control
    /// coefficients (`true`), or to the media coefficients only (`false`). The intercept
    /// is never penalised. `true` unless the fit sets it.
    pub penalise_baseline: bool,
}

/// Options that shape the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DesignSpec {
    pub fourier_order: usize,
    pub trend: bool,
}

impl DesignSpec {
    /// Number of fixed (non-media) columns for `controls` controls.
    pub fn fixed_columns(&self, controls: usize) -> usize {
        1 + usize::from(self.trend) + 2 * self.fourier_order + controls
    }
}

/// Fourier phase of a date: `2π · (days since 1970-01-01) / 365.25`.
pub(crate) fn yearly_phase(date: chrono::NaiveDate) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days = (date - epoch).num_days() as f64;
    std::f64::consts::TAU * days / DAYS_PER_YEAR
}

impl Design {
    /// Builds the fixed columns and scales the inputs (`data` is valid by construction,
    /// see [`WeeklyData::new`]).
    pub fn new(data: &WeeklyData, spec: DesignSpec, n_train: usize) -> Result<Self, FitError> {
        let n = data.len();
        let train = 0..n_train;

        let y_scale = data.target()[train.clone()]
            .iter()
            .map(|v| v.abs())
            .sum::<f64>()
            / n_train as f64;
        if !(y_scale.is_finite() && y_scale > 0.0) {
            return Err(FitError::ConstantTarget);
        }
        let y: Vec<f64> = data.target().iter().map(|v| v / y_scale).collect();

        let mut spend_scale = Vec::with_capacity(data.channels().len());
        let mut spend = Vec::with_capacity(data.channels().len());
        for ch in data.channels() {
            let m = ch.values[train.clone()].iter().sum::<f64>() / n_train as f64;
            if !(m.is_finite() && m > 0.0) {
                return Err(FitError::ZeroSpendChannel {
                    channel: ch.name.clone(),
                });
            }
            spend_scale.push(m);
            spend.push(ch.values.iter().map(|v| v / m).collect());
        }

        let mut controls = Vec::with_capacity(data.controls().len());
        for ctl in data.controls() {
            let tr = &ctl.values[train.clone()];
            let binary = ctl.values.iter().all(|&v| v == 0.0 || v == 1.0);
            let mean = tr.iter().sum::<f64>() / n_train as f64;
            let var = tr.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n_train as f64;
            let sd = var.sqrt();
            if !(sd.is_finite() && sd > 1e-9 * mean.abs()) || sd == 0.0 {
                return Err(FitError::ConstantControl {
                    control: ctl.name.clone(),
                });
            }
            controls.push(if binary {
                ControlScaling {
                    name: ctl.name.clone(),
                    binary,
                    center: 0.0,
                    scale: 1.0,
                }
            } else {
                ControlScaling {
                    name: ctl.name.clone(),
                    binary,
                    center: mean,
                    scale: sd,
                }
            });
        }

        let mut fixed_terms = vec![Term::Intercept];
        if spec.trend {
            fixed_terms.push(Term::Trend);
        }
        for k in 1..=spec.fourier_order {
            fixed_terms.push(Term::Sin(k));
            fixed_terms.push(Term::Cos(k));
        }
        fixed_terms.extend((0..data.controls().len()).map(Term::Control));

        let phases: Vec<f64> = data.weeks().iter().map(|&d| yearly_phase(d)).collect();
        let fixed = DMatrix::from_fn(n, fixed_terms.len(), |t, j| match fixed_terms[j] {
            Term::Intercept => 1.0,
            Term::Trend => t as f64 / n_train as f64,
            Term::Sin(k) => (k as f64 * phases[t]).sin(),
            Term::Cos(k) => (k as f64 * phases[t]).cos(),
            Term::Control(i) => {
                (data.controls()[i].values[t] - controls[i].center) / controls[i].scale
            }
            Term::Channel(_) => 0.0,
        });

        Ok(Self {
            n,
            n_train,
            fixed,
            fixed_terms,
            spend,
            y,
            scaling: Scaling {
                target: y_scale,
                spend: spend_scale,
                trend_weeks: n_train as f64,
                controls,
            },
            carryover: CarryoverKernels::Geometric,
            penalise_baseline: true,
        })
    }

    /// Number of fixed columns.
    pub fn q(&self) -> usize {
        self.fixed.ncols()
    }

    /// The ridge penalty of each of the `p = q + channels` coefficients for penalty `λ`:
    /// `0` for the intercept, `λ` for the media columns, and `λ` or `0` for the trend,
    /// Fourier and control columns ([`Design::penalise_baseline`]).
    pub fn penalties(&self, channels: usize, penalty: f64) -> Vec<f64> {
        let q = self.q();
        (0..q + channels)
            .map(|j| {
                if j == 0 || (j < q && !self.penalise_baseline) {
                    0.0
                } else {
                    penalty
                }
            })
            .collect()
    }

    /// The media column of channel `c` over all weeks for carryover coordinate `θ` (the
    /// decay, or a Weibull kernel's index: [`Design::carryover`]), scaled half-saturation
    /// `k` (in units of the channel's mean spend) and shape `s`:
    /// `hill(adstock_θ(x_c/m_c)_t; k, s)`.
    pub fn media_column(&self, c: usize, hyper: Hyper) -> Vec<f64> {
        let mut a = vec![0.0; self.n];
        self.carryover
            .apply_into(hyper.decay, &self.spend[c], &mut a);
        a.iter_mut()
            .for_each(|v| *v = hill_value(*v, hyper.k, hyper.s));
        a
    }

    /// The full `n × p` design for the given per-channel hyper-parameters.
    pub fn matrix(&self, hyper: &[Hyper]) -> DMatrix<f64> {
        let q = self.q();
        let mut x = DMatrix::zeros(self.n, q + hyper.len());
        x.columns_mut(0, q).copy_from(&self.fixed);
        for (c, &h) in hyper.iter().enumerate() {
            let col = self.media_column(c, h);
            x.column_mut(q + c).copy_from_slice(&col);
        }
        x
    }
}
