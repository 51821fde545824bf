//! The marketing-mix model: design, sign-constrained ridge, time-series CV search, metrics,
//! decomposition and the steady-state planning response.
//!
//! # The model
//!
//! For week `t`, with channel spends `x_{c,t}` and controls `z_{j,t}`:
//!
//! ```text
//! ŷ_t = β₀ + β_T · t/n_train + Σ_k [a_k sin(2πk·d_t/365.25) + b_k cos(2πk·d_t/365.25)]
//!       + Σ_j γ_j z̃_{j,t} + Σ_c β_c · hill(adstock_{θ_c}(x_c)_t; K_c, s_c),      β_c ≥ 0
//! ```
//!
//! with normalised geometric adstock `a_t = θ a_{t−1} + (1 − θ) x_t` (see
//! [`crate::transform`]) and Hill saturation `hill(a) = a^s/(a^s + K^s)`. The linear
//! coefficients are fitted by ridge regression with the media coefficients constrained
//! non-negative ([`ridge`]); the per-channel `(θ_c, K_c, s_c)` and the penalty `λ` are chosen
//! by rolling-origin time-series cross-validation ([`cv`], searched by [`search`], stepped by
//! [`fitter`]) on the first
//! `(1 − holdout)` share of weeks; the last weeks are held out for reporting ([`Metrics`]).
//!
//! # Usage
//!
//! ```
//! use mixplan_core::model::ModelParams;
//! # use mixplan_core::data::{Series, WeeklyData};
//! # let weeks: Vec<_> = (0..104).map(|i| chrono::NaiveDate::from_ymd_opt(2022, 1, 3).unwrap()
//! #     + chrono::Duration::weeks(i)).collect();
//! # let spend: Vec<f64> = (0..104).map(|i| 100.0 + ((i * 37) % 17) as f64 * 10.0).collect();
//! # let target = spend.iter().enumerate().map(|(i, x)| 1000.0 + 2.0 * x + (i % 5) as f64).collect();
//! # let data = WeeklyData { weeks, target_name: "revenue".into(), target,
//! #     channels: vec![Series { name: "search".into(), values: spend }], controls: vec![] };
//! let model = ModelParams::default()
//!     .seed(7)
//!     .check()?
//!     .fit(&data, |done, total| { let _ = (done, total); })?;
//! let search = &model.channels()[0];
//! println!("{}: ROI {:.2}, test R² {:.2}", search.name, search.roi, model.metrics().r2_test);
//! let plan = model.predict_steady_state(&[250.0])?;
//! assert!(plan.revenue > plan.baseline);
//! # Ok::<(), mixplan_core::model::ModelError>(())
//! ```

pub mod cv;
pub mod decompose;
pub mod design;
mod fitted;
pub mod fitter;
pub mod metrics;
mod params;
pub mod ridge;
pub mod search;

pub use decompose::Decomposition;
pub use design::{ControlScaling, Scaling, Term};
pub use fitted::{FittedChannel, FittedControl, FittedModel, SearchReport, SteadyStatePrediction};
pub use fitter::Fitter;
pub use metrics::Metrics;
pub use params::{ChannelHyperparameters, FixedHyperparameters, ModelParams, ValidParams};
pub use ridge::RidgeError;

use crate::data::WeeklyData;
use crate::response::ResponseError;
use crate::transform::TransformError;
use thiserror::Error;

/// Why a model could not be configured, fitted or queried.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// Fourier order above the supported maximum.
    #[error("Fourier order must be at most {max}, got {order}")]
    InvalidFourierOrder {
        /// Requested order.
        order: usize,
        /// Largest supported order.
        max: usize,
    },
    /// Holdout share outside `(0, 0.5]`.
    #[error(
        "holdout share must be in (0, 0.5], got {0}; e.g. --holdout 0.2 keeps the last 20 % of weeks for testing"
    )]
    InvalidHoldout(f64),
    /// Number of CV folds outside `1..=10`.
    #[error("number of cross-validation folds must be between 1 and 10, got {0}")]
    InvalidFolds(usize),
    /// A search grid is empty.
    #[error("the {0} grid is empty; give it at least one value")]
    EmptyGrid(&'static str),
    /// A search grid value is out of range.
    #[error("the {grid} grid holds {value}, which is out of range ({range})")]
    InvalidGridValue {
        /// Which grid.
        grid: &'static str,
        /// The offending value.
        value: f64,
        /// The valid range.
        range: &'static str,
    },
    /// `max_sweeps` is zero.
    #[error("the search needs at least one coordinate sweep")]
    InvalidSweeps,
    /// Fixed hyper-parameters given for a different number of channels.
    #[error("fixed hyper-parameters are given for {found} channels but the data has {expected}")]
    HyperparameterCount {
        /// Channels in the data.
        expected: usize,
        /// Hyper-parameter sets given.
        found: usize,
    },
    /// The data has no media channel.
    #[error("the data has no media channel; name at least one spend column")]
    NoChannels,
    /// A series does not have one value per week.
    #[error("series `{series}` has {found} values but there are {expected} weeks")]
    LengthMismatch {
        /// Series name.
        series: String,
        /// Number of weeks.
        expected: usize,
        /// Number of values.
        found: usize,
    },
    /// A value is NaN or infinite.
    #[error(
        "series `{series}` is not a finite number at week {week} (0-based); fill or drop that week"
    )]
    NonFinite {
        /// Series name.
        series: String,
        /// 0-based week index.
        week: usize,
    },
    /// A channel has negative spend.
    #[error(
        "channel `{channel}` has negative spend {value} at week {week} (0-based); spend must be >= 0"
    )]
    NegativeSpend {
        /// Channel name.
        channel: String,
        /// 0-based week index.
        week: usize,
        /// The value.
        value: f64,
    },
    /// Weeks are not consecutive, 7 days apart.
    #[error("weeks must be consecutive and 7 days apart; week {index} (0-based) is not")]
    IrregularWeeks {
        /// 0-based index of the first offending week.
        index: usize,
    },
    /// Too few weeks for the number of parameters, folds and holdout.
    #[error(
        "{weeks} weeks are too few: this model needs at least {required} (fewer channels, controls or Fourier terms need fewer)"
    )]
    TooFewWeeks {
        /// Weeks in the data.
        weeks: usize,
        /// Weeks required.
        required: usize,
    },
    /// The target is constant (or zero) over the training weeks.
    #[error("the target is constant over the training weeks; nothing to explain")]
    ConstantTarget,
    /// A channel has no spend in the training weeks.
    #[error(
        "channel `{channel}` has no spend in the training weeks; drop it or supply more history"
    )]
    ZeroSpendChannel {
        /// Channel name.
        channel: String,
    },
    /// A channel spends the same every training week, so its effect cannot be told apart
    /// from the baseline.
    #[error(
        "channel `{channel}` spends the same amount every training week, so its effect cannot be separated from the baseline; drop it or merge it into another channel"
    )]
    ConstantChannel {
        /// Channel name.
        channel: String,
    },
    /// A control is constant over the training weeks.
    #[error("control `{control}` is constant over the training weeks; drop it")]
    ConstantControl {
        /// Control name.
        control: String,
    },
    /// A transform parameter is invalid.
    #[error(transparent)]
    Transform(#[from] TransformError),
    /// The ridge solver failed.
    #[error("ridge fit failed: {0}")]
    Ridge(#[from] RidgeError),
    /// A fitted response curve is invalid.
    #[error(transparent)]
    Response(#[from] ResponseError),
    /// No hyper-parameter candidate gave a finite cross-validation error.
    #[error("the hyper-parameter search found no candidate with a finite cross-validation error")]
    NoValidCandidate,
    /// A spend vector has the wrong number of channels.
    #[error("expected one spend per channel ({expected}), got {found}")]
    SpendLength {
        /// Channels in the model.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// A planned spend is negative or not finite.
    #[error("spend for channel `{channel}` must be finite and >= 0, got {value}")]
    InvalidSpend {
        /// Channel name.
        channel: String,
        /// The value.
        value: f64,
    },
    /// A channel index is out of range.
    #[error("channel index {index} is out of range (the model has {channels} channels)")]
    UnknownChannel {
        /// Requested index.
        index: usize,
        /// Channels in the model.
        channels: usize,
    },
}

/// Checks the invariants the model relies on, whoever built the [`WeeklyData`].
pub(crate) fn validate_data(data: &WeeklyData) -> Result<(), ModelError> {
    if data.channels.is_empty() {
        return Err(ModelError::NoChannels);
    }
    let n = data.len();
    let all = std::iter::once((&data.target_name, &data.target))
        .chain(data.channels.iter().map(|s| (&s.name, &s.values)))
        .chain(data.controls.iter().map(|s| (&s.name, &s.values)));
    for (name, values) in all {
        if values.len() != n {
            return Err(ModelError::LengthMismatch {
                series: name.clone(),
                expected: n,
                found: values.len(),
            });
        }
        if let Some(week) = values.iter().position(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite {
                series: name.clone(),
                week,
            });
        }
    }
    for ch in &data.channels {
        if let Some(week) = ch.values.iter().position(|&v| v < 0.0) {
            return Err(ModelError::NegativeSpend {
                channel: ch.name.clone(),
                week,
                value: ch.values[week],
            });
        }
    }
    if let Some(i) = data
        .weeks
        .windows(2)
        .position(|w| (w[1] - w[0]).num_days() != 7)
    {
        return Err(ModelError::IrregularWeeks { index: i + 1 });
    }
    Ok(())
}

/// Checks channels and target over the training weeks.
pub(crate) fn validate_training(data: &WeeklyData, n_train: usize) -> Result<(), ModelError> {
    let y = &data.target[..n_train];
    let (lo, hi) = min_max(y);
    if hi - lo <= 1e-12 * hi.abs().max(lo.abs()) {
        return Err(ModelError::ConstantTarget);
    }
    for ch in &data.channels {
        let (lo, hi) = min_max(&ch.values[..n_train]);
        if hi <= 0.0 {
            return Err(ModelError::ZeroSpendChannel {
                channel: ch.name.clone(),
            });
        }
        if hi - lo <= 1e-12 * hi {
            return Err(ModelError::ConstantChannel {
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
