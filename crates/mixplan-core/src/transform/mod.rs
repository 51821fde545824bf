//! Media transforms: carryover (adstock) and diminishing returns (Hill saturation).
//!
//! Every transform is a small value type whose constructor validates its parameters and
//! returns a typed [`TransformError`] (statrs style: `GeometricAdstock::new(1.2)` is
//! `Err(TransformError::InvalidDecay(1.2))`). Applying a transform to a series checks that
//! every value is finite.
//!
//! # Conventions (fixed for the whole project)
//!
//! **Adstock is normalised**: its lag weights sum to one. For geometric adstock with decay
//! `θ ∈ [0, 1)`:
//!
//! ```text
//! a_t = θ · a_{t−1} + (1 − θ) · x_t,      a_{−1} = 0
//!     = Σ_{l ≥ 0} (1 − θ) θ^l · x_{t−l}
//! ```
//!
//! so a weekly spend `x` sustained over time has steady-state adstock exactly `x`, and the
//! Hill half-saturation `K` is a weekly spend in currency. The same convention is used in
//! fitting ([`crate::model`]), prediction and optimisation ([`crate::response`]). Weeks
//! before the data start are taken as zero spend (`a_{−1} = 0`).
//!
//! **Hill saturation** maps adstocked weekly spend to `[0, 1)`:
//!
//! ```text
//! hill(a) = a^s / (a^s + K^s) = 1 / (1 + (K/a)^s)   (a > 0),     hill(a) = 0   (a ≤ 0)
//! ```
//!
//! A channel's weekly contribution is `β · hill(adstock(x))_t` with `β ≥ 0` in currency.
//!
//! **Carryover forms** ([`carryover`]): a fit uses geometric adstock by default, or a
//! normalised Weibull kernel (CDF or PDF weights over a finite window, as Robyn offers)
//! searched over a `(shape, scale)` grid ([`CarryoverForm`], [`WeibullGrid`]).

pub(crate) mod adstock;
pub mod carryover;
mod error;
pub(crate) mod hill;

pub use adstock::{Adstock, GeometricAdstock, WeibullAdstock, WeibullForm};
pub use carryover::{CarryoverForm, CarryoverKernels, WeibullGrid};
pub use error::TransformError;
pub use hill::Hill;
