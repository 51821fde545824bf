//! [`TransformError`]: why a transform could not be built or applied, and the finiteness
//! check every transform runs on its input.

use thiserror::Error;

/// Why a transform could not be built or applied.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TransformError {
    /// Geometric decay `θ` must be finite with `0 ≤ θ < 1`.
    #[error("adstock decay must be finite and in [0, 1), got {0}")]
    InvalidDecay(f64),
    /// Weibull shape `k` must be finite and > 0.
    #[error("Weibull adstock shape must be finite and > 0, got {0}")]
    InvalidWeibullShape(f64),
    /// Weibull scale `λ` (in weeks) must be finite and > 0.
    #[error("Weibull adstock scale must be finite and > 0 (weeks), got {0}")]
    InvalidWeibullScale(f64),
    /// The longest lag of a finite adstock kernel must be ≥ 1 week.
    #[error("adstock maximum lag must be at least 1 week, got {0}")]
    InvalidMaxLag(usize),
    /// All kernel weights underflowed to zero, so they cannot be normalised to sum to one.
    #[error(
        "Weibull adstock weights are all zero for shape {shape} and scale {scale}; use a larger scale or a longer maximum lag"
    )]
    DegenerateWeights {
        /// The Weibull shape `k`.
        shape: f64,
        /// The Weibull scale `λ`.
        scale: f64,
    },
    /// A carryover form name that is not one of the known forms.
    #[error("unknown carryover form `{0}`: choose one of geometric, weibull-cdf, weibull-pdf")]
    UnknownCarryover(String),
    /// A Weibull search grid without shapes or without scales.
    #[error("the Weibull carryover grid needs at least one shape and one scale")]
    EmptyWeibullGrid,
    /// Hill half-saturation `K` must be finite and > 0.
    #[error("Hill half-saturation must be finite and > 0, got {0}")]
    InvalidHalfSaturation(f64),
    /// Hill shape `s` must be finite and > 0.
    #[error("Hill shape must be finite and > 0, got {0}")]
    InvalidShape(f64),
    /// An input value is NaN or infinite.
    #[error("transform input at index {index} is not finite ({value})")]
    NonFiniteInput {
        /// Position in the input series.
        index: usize,
        /// The offending value.
        value: f64,
    },
}

/// Checks that every value of `x` is finite.
pub(crate) fn check_finite(x: &[f64]) -> Result<(), TransformError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(TransformError::NonFiniteInput {
            index,
            value: x[index],
        }),
        None => Ok(()),
    }
}
