//! Collinearity between channels: variance inflation factors.

use super::ols::least_squares_r2;
use crate::data::Series;
use serde::{Deserialize, Serialize};

/// One column's variance inflation factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VarianceInflation {
    /// The column (channel) name.
    pub name: String,
    /// `R_j²` of the column regressed on every other column (with an intercept); `None`
    /// when the column is constant, so that R² is undefined.
    pub r_squared: Option<f64>,
    /// `VIF_j = 1 / (1 − R_j²)`: how much the variance of the column's coefficient is
    /// inflated by its overlap with the others (1 = none; above 10 the coefficient is poorly
    /// identified). `None` when the column is constant or is (numerically) an exact linear
    /// combination of the others (`R_j² > 1 − 10⁻¹⁰`).
    pub vif: Option<f64>,
}

/// Variance inflation factors of every column against all the others:
///
/// ```text
/// VIF_j = 1 / (1 − R_j²),   R_j² from  x_j ~ 1 + Σ_{i≠j} x_i
/// ```
///
/// With a single column every VIF is 1. Columns must have equal lengths (a
/// [`crate::data::WeeklyData`]'s do).
pub fn variance_inflation(columns: &[Series]) -> Vec<VarianceInflation> {
    columns
        .iter()
        .enumerate()
        .map(|(j, column)| {
            let others: Vec<Vec<f64>> = columns
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != j)
                .map(|(_, s)| s.values.clone())
                .collect();
            let r_squared = if others.is_empty() {
                let n = column.values.len() as f64;
                let mean = column.values.iter().sum::<f64>() / n;
                let constant = column
                    .values
                    .iter()
                    .all(|v| (v - mean).abs() <= f64::EPSILON);
                (!constant).then_some(0.0)
            } else {
                least_squares_r2(&column.values, &others)
            };
            let vif = r_squared.and_then(|r2| (r2 <= 1.0 - 1e-10).then(|| 1.0 / (1.0 - r2)));
            VarianceInflation {
                name: column.name.clone(),
                r_squared,
                vif,
            }
        })
        .collect()
}
