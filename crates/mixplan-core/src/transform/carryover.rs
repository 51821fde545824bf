//! The carryover forms a fit can select ([`CarryoverForm`]) and the family of kernels its
//! search runs over ([`CarryoverKernels`]).
//!
//! | form | kernel | searched parameters |
//! |---|---|---|
//! | [`CarryoverForm::Geometric`] (default) | `a_t = θ·a_{t−1} + (1 − θ)·x_t` ([`super::GeometricAdstock`]) | `θ` on the decay grid, then polished continuously |
//! | [`CarryoverForm::WeibullCdf`] | `a_t = Σ_{l<L} W_l x_{t−l}`, `W_l ∝ exp(−(l/λ)^k)` (survival) | `(k, λ)` on a grid ([`WeibullGrid`]) |
//! | [`CarryoverForm::WeibullPdf`] | `a_t = Σ_{l<L} W_l x_{t−l}`, `W_l ∝ (k/λ)((l+1)/λ)^{k−1} exp(−((l+1)/λ)^k)` (density) | `(k, λ)` on a grid |
//!
//! Every kernel is normalised (`Σ_l W_l = 1`, the project's convention), so a sustained
//! weekly spend `x` has steady-state adstock `x` whatever the form, and the steady-state
//! response curves (`β·hill(x)`) and the optimiser are the same for all three.
//!
//! Robyn (`R/transformation.R`, `adstock_weibull`) offers the same two Weibull forms with
//! three differences: its scale is a quantile of the window (`0 … 0.1` recommended) where
//! here `λ` is in weeks; its CDF weights are the running product of the survival
//! probabilities at each lag (here: the survival at each lag); and its weights are not
//! normalised (the CDF form starts at 1, the PDF form is scaled to peak at 1), so its
//! adstock is not in units of weekly spend.

use super::adstock::{WeibullAdstock, WeibullForm, geometric_into};
use super::error::TransformError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Weibull shapes `k` a grid may hold: `(0, 10]` (Robyn's widest recommended bounds).
pub const WEIBULL_SHAPE_RANGE: (f64, f64) = (0.0, 10.0);
/// Longest Weibull window `L`, weeks (a year).
pub const MAX_WEIBULL_WINDOW: usize = 52;

/// Which carryover a fit uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CarryoverForm {
    /// Normalised geometric adstock (the default).
    #[default]
    Geometric,
    /// Weibull survival weights over a finite window (Robyn's `weibull_cdf`).
    WeibullCdf,
    /// Weibull density weights over a finite window: can peak after a delay (Robyn's
    /// `weibull_pdf`).
    WeibullPdf,
}

impl CarryoverForm {
    /// Every form, in the order of the table above.
    pub const ALL: [CarryoverForm; 3] = [Self::Geometric, Self::WeibullCdf, Self::WeibullPdf];

    /// The name used by the CLI and in JSON: `geometric`, `weibull-cdf`, `weibull-pdf`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Geometric => "geometric",
            Self::WeibullCdf => "weibull-cdf",
            Self::WeibullPdf => "weibull-pdf",
        }
    }

    /// The Weibull weights of a Weibull form, `None` for geometric.
    pub fn weibull(self) -> Option<WeibullForm> {
        match self {
            Self::Geometric => None,
            Self::WeibullCdf => Some(WeibullForm::Cdf),
            Self::WeibullPdf => Some(WeibullForm::Pdf),
        }
    }
}

impl fmt::Display for CarryoverForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CarryoverForm {
    type Err = TransformError;

    /// Parses [`CarryoverForm::name`] (case-insensitive; `_` for `-` accepted).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|form| form.name() == wanted)
            .ok_or_else(|| TransformError::UnknownCarryover(s.to_string()))
    }
}

/// The `(k, λ)` grid a Weibull fit searches, and its window `L`.
///
/// | field | default | range |
/// |---|---|---|
/// | `shapes` (k) | 0.5, 1, 2, 4 | `(0, 10]` |
/// | `scales` (λ, weeks) | 0.5, 1, 2, 4, 8 | `(0, L]` |
/// | `window` (L, weeks) | 13 | `1 ≤ L ≤ 52` |
///
/// Every `(k, λ)` pair must give weights that can be normalised
/// ([`TransformError::DegenerateWeights`] otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeibullGrid {
    /// Candidate shapes `k`.
    pub shapes: Vec<f64>,
    /// Candidate scales `λ`, weeks.
    pub scales: Vec<f64>,
    /// Window `L`, weeks.
    pub window: usize,
}

impl Default for WeibullGrid {
    fn default() -> Self {
        Self {
            shapes: vec![0.5, 1.0, 2.0, 4.0],
            scales: vec![0.5, 1.0, 2.0, 4.0, 8.0],
            window: 13,
        }
    }
}

impl WeibullGrid {
    /// The kernels of every `(k, λ)` pair of the grid in `form`, shapes outermost.
    ///
    /// # Errors
    /// [`TransformError::InvalidMaxLag`] for a window outside `1 … 52`,
    /// [`TransformError::EmptyWeibullGrid`] for no shape or no scale,
    /// [`TransformError::InvalidWeibullShape`] for `k` outside `(0, 10]`,
    /// [`TransformError::InvalidWeibullScale`] for `λ` outside `(0, L]`, and
    /// [`TransformError::DegenerateWeights`].
    pub fn kernels(&self, form: WeibullForm) -> Result<Vec<WeibullAdstock>, TransformError> {
        if !(1..=MAX_WEIBULL_WINDOW).contains(&self.window) {
            return Err(TransformError::InvalidMaxLag(self.window));
        }
        if self.shapes.is_empty() || self.scales.is_empty() {
            return Err(TransformError::EmptyWeibullGrid);
        }
        let (low, high) = WEIBULL_SHAPE_RANGE;
        if let Some(&k) = self
            .shapes
            .iter()
            .find(|&&k| !(k.is_finite() && k > low && k <= high))
        {
            return Err(TransformError::InvalidWeibullShape(k));
        }
        let window = self.window as f64;
        if let Some(&scale) = self
            .scales
            .iter()
            .find(|&&l| !(l.is_finite() && l > 0.0 && l <= window))
        {
            return Err(TransformError::InvalidWeibullScale(scale));
        }
        let mut kernels = Vec::with_capacity(self.shapes.len() * self.scales.len());
        for &k in &self.shapes {
            for &scale in &self.scales {
                kernels.push(WeibullAdstock::new(k, scale, self.window, form)?);
            }
        }
        Ok(kernels)
    }
}

/// The family of kernels a fit's search runs over, addressed by one number per channel
/// (the search's carryover coordinate, `Hyper::decay` in the model):
///
/// * [`CarryoverKernels::Geometric`]: the number is the decay `θ ∈ [0, 1)`;
/// * [`CarryoverKernels::Weibull`]: the number is the index of a kernel in `kernels`,
///   rounded to the nearest and clamped to the list (so a continuous polish moves between
///   whole kernels only).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CarryoverKernels {
    /// Normalised geometric adstock.
    #[default]
    Geometric,
    /// A grid of Weibull kernels ([`WeibullGrid::kernels`]).
    Weibull {
        /// The form of every kernel.
        form: WeibullForm,
        /// The kernels, in the grid's order.
        kernels: Vec<WeibullAdstock>,
    },
}

impl CarryoverKernels {
    /// The family of `form` (the grid is used by the Weibull forms only).
    ///
    /// # Errors
    /// As [`WeibullGrid::kernels`].
    pub fn new(form: CarryoverForm, grid: &WeibullGrid) -> Result<Self, TransformError> {
        Ok(match form.weibull() {
            None => Self::Geometric,
            Some(weibull) => Self::Weibull {
                form: weibull,
                kernels: grid.kernels(weibull)?,
            },
        })
    }

    /// Whether this is the geometric family.
    pub fn is_geometric(&self) -> bool {
        matches!(self, Self::Geometric)
    }

    /// The Weibull kernel that carryover coordinate `parameter` addresses (`None` for the
    /// geometric family).
    pub fn weibull(&self, parameter: f64) -> Option<&WeibullAdstock> {
        match self {
            Self::Geometric => None,
            Self::Weibull { kernels, .. } => {
                let last = kernels.len().saturating_sub(1) as f64;
                let index = if parameter.is_finite() {
                    parameter.round().clamp(0.0, last)
                } else {
                    0.0
                };
                kernels.get(index as usize)
            }
        }
    }

    /// The search's grid of carryover coordinates: `decay_grid` for the geometric family,
    /// every kernel index `0, 1, …` for Weibull.
    pub fn search_grid(&self, decay_grid: &[f64]) -> Vec<f64> {
        match self {
            Self::Geometric => decay_grid.to_vec(),
            Self::Weibull { kernels, .. } => (0..kernels.len()).map(|i| i as f64).collect(),
        }
    }

    /// Adstock of `x` into `out` (same length) with the kernel `parameter` addresses,
    /// without checks: `θ·out_{t−1} + (1 − θ)·x_t`, or `Σ_{l ≤ min(t, L−1)} W_l x_{t−l}`.
    pub fn apply_into(&self, parameter: f64, x: &[f64], out: &mut [f64]) {
        match self.weibull(parameter) {
            None => geometric_into(parameter, x, out),
            Some(kernel) => {
                let w = kernel.weights();
                for (t, o) in out.iter_mut().enumerate() {
                    *o = w
                        .iter()
                        .take(t + 1)
                        .enumerate()
                        .map(|(l, w)| w * x[t - l])
                        .sum();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_parse_from_their_names() {
        for form in CarryoverForm::ALL {
            assert_eq!(form.name().parse::<CarryoverForm>().unwrap(), form);
            assert_eq!(form.to_string(), form.name());
        }
        assert_eq!(
            "Weibull_CDF".parse::<CarryoverForm>().unwrap(),
            CarryoverForm::WeibullCdf
        );
        let err = "weibull".parse::<CarryoverForm>().unwrap_err();
        assert!(
            err.to_string()
                .contains("geometric, weibull-cdf, weibull-pdf")
        );
        assert_eq!(CarryoverForm::default(), CarryoverForm::Geometric);
    }

    #[test]
    fn grid_is_validated() {
        let grid = WeibullGrid::default();
        assert_eq!(grid.kernels(WeibullForm::Cdf).unwrap().len(), 20);
        let bad = |g: WeibullGrid| g.kernels(WeibullForm::Pdf).unwrap_err();
        assert!(matches!(
            bad(WeibullGrid {
                window: 0,
                ..WeibullGrid::default()
            }),
            TransformError::InvalidMaxLag(0)
        ));
        assert!(matches!(
            bad(WeibullGrid {
                window: 53,
                ..WeibullGrid::default()
            }),
            TransformError::InvalidMaxLag(53)
        ));
        assert!(matches!(
            bad(WeibullGrid {
                shapes: vec![],
                ..WeibullGrid::default()
            }),
            TransformError::EmptyWeibullGrid
        ));
        assert!(matches!(
            bad(WeibullGrid {
                shapes: vec![1.0, 11.0],
                ..WeibullGrid::default()
            }),
            TransformError::InvalidWeibullShape(v) if v == 11.0
        ));
        assert!(matches!(
            bad(WeibullGrid {
                scales: vec![14.0],
                ..WeibullGrid::default()
            }),
            TransformError::InvalidWeibullScale(v) if v == 14.0
        ));
    }

    #[test]
    fn kernels_are_addressed_by_rounded_clamped_index() {
        let family =
            CarryoverKernels::new(CarryoverForm::WeibullPdf, &WeibullGrid::default()).unwrap();
        assert_eq!(family.search_grid(&[0.1, 0.5]).len(), 20);
        let first = family.weibull(0.0).unwrap();
        assert_eq!(family.weibull(-3.0).unwrap(), first);
        assert_eq!(family.weibull(0.4).unwrap(), first);
        assert_eq!(family.weibull(f64::NAN).unwrap(), first);
        let last = family.weibull(19.0).unwrap();
        assert_eq!(family.weibull(99.0).unwrap(), last);
        assert_eq!((last.shape(), last.scale()), (4.0, 8.0));
        assert_eq!(
            family.weibull(5.6).unwrap().shape(),
            1.0,
            "index 6: second shape"
        );
        let geometric = CarryoverKernels::new(CarryoverForm::Geometric, &WeibullGrid::default());
        assert_eq!(geometric.unwrap().search_grid(&[0.1, 0.5]), vec![0.1, 0.5]);
    }

    #[test]
    fn apply_into_matches_the_transforms() {
        let x = [3.0, 0.0, 5.0, 1.0, 0.0, 2.0, 7.0];
        let mut out = [0.0; 7];
        CarryoverKernels::Geometric.apply_into(0.6, &x, &mut out);
        let geometric = super::super::GeometricAdstock::new(0.6)
            .unwrap()
            .apply(&x)
            .unwrap();
        assert_eq!(out.to_vec(), geometric);
        let family =
            CarryoverKernels::new(CarryoverForm::WeibullCdf, &WeibullGrid::default()).unwrap();
        family.apply_into(7.0, &x, &mut out);
        let direct = family.weibull(7.0).unwrap().apply(&x).unwrap();
        for (a, b) in out.iter().zip(&direct) {
            assert!((a - b).abs() < 1e-12);
        }
    }
}
