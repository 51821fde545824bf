//! Weekly decomposition of the fitted values into baseline, trend, seasonality, controls and
//! channels.
//!
//! With fitted coefficients `β` (currency per unit of each design column) and design row `x_t`:
//!
//! ```text
//! fitted_t = baseline_t + trend_t + seasonality_t + Σ_j control_{j,t} + Σ_c channel_{c,t}
//! baseline_t    = β₀                                  (the intercept)
//! trend_t       = β_T · t / n_train
//! seasonality_t = Σ_k a_k sin(2πk·d_t/365.25) + b_k cos(2πk·d_t/365.25)
//! control_{j,t} = γ_j · z̃_{j,t}                         (z̃: the scaled control, see design)
//! channel_{c,t} = β_c · hill(adstock_{θ_c}(x_c)_t; K_c, s_c)
//! ```
//!
//! `fitted` is defined as that sum, so the parts add up to it exactly; it equals `X·β` to
//! rounding.

use super::design::Term;
use crate::data::Series;
use chrono::NaiveDate;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// Weekly contributions, all in currency, one value per week of the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decomposition {
    /// Week start dates.
    pub weeks: Vec<NaiveDate>,
    /// The intercept, every week.
    pub baseline: Vec<f64>,
    /// Linear trend (zero if the model has none).
    pub trend: Vec<f64>,
    /// Sum of the yearly Fourier terms.
    pub seasonality: Vec<f64>,
    /// One series per control, in the data's order.
    pub controls: Vec<Series>,
    /// One series per channel, in the data's order.
    pub channels: Vec<Series>,
    /// The fitted values: the sum of all parts above.
    pub fitted: Vec<f64>,
}

impl Decomposition {
    /// Builds the decomposition from the design `x` (`n × p`), its terms and coefficients in
    /// currency per design unit.
    pub(crate) fn new(
        weeks: &[NaiveDate],
        x: &DMatrix<f64>,
        terms: &[Term],
        beta: &DVector<f64>,
        control_names: &[String],
        channel_names: &[String],
    ) -> Self {
        let n = x.nrows();
        let mut baseline = vec![0.0; n];
        let mut trend = vec![0.0; n];
        let mut seasonality = vec![0.0; n];
        let mut controls: Vec<Series> = control_names
            .iter()
            .map(|name| Series {
                name: name.clone(),
                values: vec![0.0; n],
            })
            .collect();
        let mut channels: Vec<Series> = channel_names
            .iter()
            .map(|name| Series {
                name: name.clone(),
                values: vec![0.0; n],
            })
            .collect();
        for (j, term) in terms.iter().enumerate() {
            for t in 0..n {
                let v = beta[j] * x[(t, j)];
                match *term {
                    Term::Intercept => baseline[t] += v,
                    Term::Trend => trend[t] += v,
                    Term::Sin(_) | Term::Cos(_) => seasonality[t] += v,
                    Term::Control(i) => controls[i].values[t] += v,
                    Term::Channel(c) => channels[c].values[t] += v,
                }
            }
        }
        let fitted = (0..n)
            .map(|t| {
                baseline[t]
                    + trend[t]
                    + seasonality[t]
                    + controls.iter().map(|s| s.values[t]).sum::<f64>()
                    + channels.iter().map(|s| s.values[t]).sum::<f64>()
            })
            .collect();
        Self {
            weeks: weeks.to_vec(),
            baseline,
            trend,
            seasonality,
            controls,
            channels,
            fitted,
        }
    }

    /// Non-media part of week `t`: baseline + trend + seasonality + controls.
    pub fn non_media(&self, t: usize) -> f64 {
        self.baseline[t]
            + self.trend[t]
            + self.seasonality[t]
            + self.controls.iter().map(|s| s.values[t]).sum::<f64>()
    }

    /// Total contribution of each channel over all weeks.
    pub fn channel_totals(&self) -> Vec<f64> {
        self.channels
            .iter()
            .map(|s| s.values.iter().sum())
            .collect()
    }
}
