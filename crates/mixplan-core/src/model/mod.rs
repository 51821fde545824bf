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
//! # Two forms
//!
//! The model above is **additive**: each channel adds revenue ([`FittedModel`]). The
//! **multiplicative** form ([`multiplicative`], [`MultiplicativeModel`]) is the same model of
//! `ln y`, so channels and base multiply; [`form`] chooses between the two by a rolling-origin
//! evaluation of the whole procedure inside the training weeks
//! ([`ValidParams::compare_forms`]).
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
//! # let data = WeeklyData::new(weeks, "revenue".into(), target,
//! #     vec![Series { name: "search".into(), values: spend }], vec![])?;
//! let model = ModelParams::default()
//!     .seed(7)
//!     .check()?
//!     .fit(&data, |done, total| { let _ = (done, total); })?;
//! let search = &model.channels()[0];
//! println!("{}: ROI {:.2}, test R² {:.2}", search.name, search.roi, model.metrics().r2_test);
//! let plan = model.predict_steady_state(&[250.0])?;
//! assert!(plan.revenue > plan.baseline);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod cv;
pub mod decompose;
pub mod design;
mod error;
mod fitted;
pub mod fitter;
pub mod form;
pub mod metrics;
pub mod multiplicative;
mod params;
pub mod planning;
pub mod posterior;
pub mod ridge;
pub mod search;

pub use decompose::Decomposition;
pub use design::{ControlScaling, Scaling, Term};
pub use error::{FitError, ParamsError, PredictError};
pub use fitted::{
    ChosenWeibull, FittedChannel, FittedControl, FittedModel, SearchReport, SteadyStatePrediction,
};
pub use fitter::Fitter;
pub use form::{FormComparison, FormScore, ModelForm};
pub use metrics::Metrics;
pub use multiplicative::{MultiplicativeChannel, MultiplicativeModel, MultiplicativePosterior};
pub use params::{ChannelHyperparameters, FixedHyperparameters, ModelParams, ValidParams};
pub use planning::{ChannelRevenue, PlanningModel};
pub use ridge::RidgeError;
