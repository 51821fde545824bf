//! The simulated store's ground truth (`ground_truth.json`): the true parameters, the
//! week-by-week decomposition and the true optimal splits, written by
//! [`super::simulate`], checked by [`super::prepare`] and read by the app.
//!
//! ```text
//! revenue[w] = base[w] + controls[w] + Σ_c m[c,w] + noise[w]
//! base[w]    = μ + τ·w + Σ_k [S_k sin(2πk·w/P) + C_k cos(2πk·w/P)]
//! controls[w] = Σ_j γ_j · (z_j[w] − reference_j)
//! m[c,w]     = β_c · a^s / (a^s + K_c^s),   a = a[c,w] = θ_c a[c,w−1] + (1 − θ_c) x[c,w]
//! ```

mod store;

pub use store::{
    BusinessTruth, MediatedSource, MediationTruth, PlatformAnomaly, PlatformChannelTruth,
    PlatformTruth, PricingTruth,
};

use crate::response::{HillResponse, ResponseError};
use crate::transform::{GeometricAdstock, Hill, TransformError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::f64::consts::PI;

/// The ground truth file (`ground_truth.json`). Money in currency rounded to cents; ratios to
/// 4 decimals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroundTruth {
    /// What this is.
    pub description: String,
    /// The generating process (formulas, as in the module docs).
    pub model: Vec<String>,
    /// The seed.
    pub seed: u64,
    /// First week's start date.
    pub first_week: NaiveDate,
    /// Per-channel truth.
    pub channels: Vec<ChannelTruth>,
    /// Base demand.
    pub base: BaseTruth,
    /// Control effects.
    pub controls: Vec<ControlTruth>,
    /// σ of the weekly noise ε.
    pub noise_sd: f64,
    /// Week-by-week decomposition of revenue.
    pub weekly: Vec<WeekTruth>,
    /// The historical mix: mean weekly spend per channel and its steady-state media revenue.
    pub historical: Allocation,
    /// The optimal split at the historical budget.
    pub optimal_at_historical_budget: Allocation,
    /// `(optimal − historical) / historical` steady-state media revenue at the historical
    /// budget.
    pub uplift_at_historical_budget: f64,
    /// Optimal splits at [`super::simulate::TRUTH_BUDGETS`].
    pub optimal: Vec<Allocation>,
    /// Social → paid search → revenue (the demo store only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mediation: Option<MediationTruth>,
    /// What the ad platforms report (the demo store only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformTruth>,
    /// Business figures (the demo store only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business: Option<BusinessTruth>,
    /// Price and promotion effects at the means (the demo store only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<PricingTruth>,
}

/// True parameters and realised totals of one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelTruth {
    /// Snake_case id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Broad kind.
    pub kind: String,
    /// Adstock decay θ.
    pub decay: f64,
    /// Hill K, weekly currency.
    pub half_saturation: f64,
    /// Hill s.
    pub shape: f64,
    /// β, weekly revenue at saturation.
    pub coefficient: f64,
    /// Σ_w x_{c,w}.
    pub total_spend: f64,
    /// Σ_w m_{c,w}.
    pub total_contribution: f64,
    /// True ROI: total contribution / total spend (revenue per unit of spend).
    pub roi: f64,
    /// Mean weekly spend.
    pub mean_weekly_spend: f64,
    /// `hill(mean weekly spend)`: how saturated the channel is at its usual spend, 0 … 1.
    pub saturation_at_mean_spend: f64,
    /// Marginal ROI `f'(x)` of the steady-state curve at the mean weekly spend.
    pub marginal_roi_at_mean_spend: f64,
}

/// The generating process shared by the demo store and the trust-benchmark worlds, one
/// formula a line (what [`GroundTruth::model`] holds). `noise_sd_rule` follows the revenue
/// formula: empty where σ is a constant, otherwise how σ is set (starting with `", "`).
pub(super) fn model_formulas(noise_sd_rule: &str) -> Vec<String> {
    vec![
        "a[c,w] = decay*a[c,w-1] + (1-decay)*x[c,w], a[c,-1] = 0 (normalised geometric adstock, x = weekly spend)".into(),
        "m[c,w] = coefficient * a^shape / (a^shape + half_saturation^shape)".into(),
        "base[w] = intercept + trend_per_week*w + sum_k (sin_k*sin(2*pi*k*w/P) + cos_k*cos(2*pi*k*w/P)), P = period_weeks".into(),
        "controls[w] = sum_j coefficient_j * (control_j[w] - reference_j)".into(),
        format!("revenue[w] = base[w] + controls[w] + sum_c m[c,w] + noise[w], noise ~ N(0, noise_sd^2){noise_sd_rule}"),
    ]
}

impl ChannelTruth {
    /// A channel's true parameters with every realised total and statistic still 0 (they
    /// are filled in once its spend and contributions are simulated).
    pub(super) fn before_simulation(
        id: String,
        name: String,
        kind: String,
        decay: f64,
        half_saturation: f64,
        shape: f64,
        coefficient: f64,
    ) -> Self {
        Self {
            id,
            name,
            kind,
            decay,
            half_saturation,
            shape,
            coefficient,
            total_spend: 0.0,
            total_contribution: 0.0,
            roi: 0.0,
            mean_weekly_spend: 0.0,
            saturation_at_mean_spend: 0.0,
            marginal_roi_at_mean_spend: 0.0,
        }
    }

    /// The steady-state response curve `β · hill(x)`.
    pub fn response(&self) -> Result<HillResponse, ResponseError> {
        HillResponse::new(self.coefficient, self.half_saturation, self.shape)
    }
}

/// Base demand `μ + τ·w + Σ_k [S_k sin(2πk·w/P) + C_k cos(2πk·w/P)]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseTruth {
    /// μ, weekly revenue at week 0 without seasonality, controls or media.
    pub intercept: f64,
    /// τ, growth per week.
    pub trend_per_week: f64,
    /// P = 365.25 / 7 weeks.
    pub period_weeks: f64,
    /// Fourier terms.
    pub seasonality: Vec<Harmonic>,
}

/// One Fourier term of the yearly seasonality, in the week index `w`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Harmonic {
    /// k.
    pub order: u32,
    /// S_k, coefficient of `sin(2πk·w/P)`.
    pub sin: f64,
    /// C_k, coefficient of `cos(2πk·w/P)`.
    pub cos: f64,
}

/// Effect `γ · (value − reference)` of one control column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlTruth {
    /// Column name in `mmm_data.csv`.
    pub id: String,
    /// γ, revenue per unit of the control.
    pub coefficient: f64,
    /// Reference value (no effect).
    pub reference: f64,
}

/// One week's true decomposition: `revenue = base + controls + Σ contributions + noise`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekTruth {
    /// Week start.
    pub week: NaiveDate,
    /// Observed revenue y_w.
    pub revenue: f64,
    /// b_w.
    pub base: f64,
    /// z_w.
    pub controls: f64,
    /// m_{c,w} per channel id.
    pub contributions: BTreeMap<String, f64>,
    /// ε_w (including rounding to the cent).
    pub noise: f64,
}

/// A weekly budget split and its steady-state revenue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    /// Total weekly budget.
    pub budget: f64,
    /// Weekly spend per channel id.
    pub split: BTreeMap<String, f64>,
    /// Σ_c β_c · hill_c(x_c): steady-state weekly media revenue.
    pub media_revenue: f64,
    /// Predicted weekly revenue: mean (base + controls) over the data plus `media_revenue`.
    pub revenue: f64,
}

impl GroundTruth {
    /// The true weekly contributions `m_{c,w}` for weekly spend `spend[c][w]` (channels in
    /// the order of [`GroundTruth::channels`]).
    pub fn contributions(&self, spend: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, TransformError> {
        self.channels
            .iter()
            .zip(spend)
            .map(|(c, x)| {
                let a = GeometricAdstock::new(c.decay)?.apply(x)?;
                let hill = Hill::new(c.half_saturation, c.shape)?;
                Ok(a.iter().map(|&v| c.coefficient * hill.value(v)).collect())
            })
            .collect()
    }
}

impl BaseTruth {
    /// b_w.
    pub fn value(&self, w: usize) -> f64 {
        let x = 2.0 * PI * w as f64 / self.period_weeks;
        self.intercept
            + self.trend_per_week * w as f64
            + self
                .seasonality
                .iter()
                .map(|h| {
                    let k = f64::from(h.order);
                    h.sin * (k * x).sin() + h.cos * (k * x).cos()
                })
                .sum::<f64>()
    }
}

impl Allocation {
    /// An empty split of `budget` (filled in later).
    pub(crate) fn default_for(budget: f64) -> Self {
        Self {
            budget,
            split: BTreeMap::new(),
            media_revenue: 0.0,
            revenue: 0.0,
        }
    }
}
