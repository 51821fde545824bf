//! Model diagnostics with plain-language verdicts (issue #14 item 5): is the fitted model
//! believable?
//!
//! | module | what it holds |
//! |---|---|
//! | [`residuals`] | ACF, Ljung–Box (autocorrelation), Jarque–Bera (normality), Breusch–Pagan (heteroscedasticity) |
//! | [`collinearity`] | variance inflation factors between channels |
//! | [`stability`] | each channel's ROI refitted on rolling windows |
//! | [`report`] | [`diagnose`]: every check on a fitted model, with its [`Verdict`] |
//! | `error` | [`DiagnoseError`] |
//!
//! p-values come from `statrs`'s χ² distribution, never a hand-written one.

pub mod collinearity;
mod error;
mod ols;
pub mod report;
pub mod residuals;
pub mod stability;

pub use collinearity::{VarianceInflation, variance_inflation};
pub use error::DiagnoseError;
pub use report::{Diagnosis, DiagnosisParams, Verdict, diagnose, diagnose_planning};
pub use residuals::{ChiSquaredTest, autocorrelation, breusch_pagan, jarque_bera, ljung_box};
pub use stability::{
    ChannelStability, MIN_WINDOW_WEEKS, RoiStability, RollingWindows, model_roi_stability,
    roi_stability,
};
