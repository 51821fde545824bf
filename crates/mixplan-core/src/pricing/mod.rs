//! Price elasticity and promotion lift with intervals, and the sensitivity of weekly revenue
//! to a price change or a promotion (issue #14 item 4). Method and measured numbers:
//! `docs/pricing.md`.
//!
//! Both estimates come from ordinary least squares on the revenue the media do not explain,
//! `b_t = y_t − m_t` (`m_t` the fitted media contribution of week `t`), with the model's other
//! fixed terms `F_t` (intercept, trend, Fourier season) and the other controls `z_t`:
//!
//! ```text
//! elasticity (log-log):  ln b_t = F_t·a + ε · ln p_t + δ · d_t + z_t·c + u_t
//! promotion (levels):       b_t = F_t·a + γ_p · p_t + γ_d · d_t + z_t·c + u_t
//! ```
//!
//! with Student-t intervals. `ε` is the elasticity of the non-media revenue; the elasticity of
//! total revenue (media held fixed) at the means is `ε · mean(b)/mean(y)`. The ridge point fit
//! gives a third, model-implied figure `γ̂_price · mean(p)/mean(y)`; the ridge fit has no
//! standard errors, so its interval comes from the posterior draws of `γ_price` when a
//! posterior is given.
//!
//! **In the multiplicative form** ([`estimate_pricing_multiplicative`]; the model of
//! `ln y_t = b_t + G_t + ε_t`, `G_t = Σ_c g_{c,t}` the media's log lift) media multiply revenue,
//! so the revenue without media is `b_t = y_t · exp(−G_t)` (`m_t = y_t · (1 − exp(−G_t))`) and
//! `F_t` are the log model's fixed terms. The log-log regression is the same; its coefficient
//! of the depth, `δ`, is the promotion's lift of ln revenue (the form's own promotion effect,
//! so the levels regression is not run):
//!
//! ```text
//! elasticity of total revenue at the means:  ε                       (∂ln y/∂ln p = ∂ln b/∂ln p)
//! model-implied:                             γ̂_price · mean(p)       (γ̂: ln revenue per unit of price)
//! lift of the average promotion week:        B_d · (exp(δ·d̄) − 1),   B_d = mean_{d_t>0} y_t·exp(−δ̂·d_t)
//! ```
//!
//! and the sensitivities scale the whole revenue ([`PricingReport::price_change_at`]).

mod error;
mod estimate;
mod ols;
mod sensitivity;

pub use error::PricingError;
pub use estimate::{
    PriceElasticity, PricingReport, PromotionLift, estimate_pricing, estimate_pricing_for,
    estimate_pricing_multiplicative, estimate_pricing_with,
};

use crate::data::WeeklyData;
use serde::{Deserialize, Serialize};

/// A point estimate with its two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The point estimate.
    pub estimate: f64,
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
    /// Coverage of the interval (0.9 for 90 %).
    pub level: f64,
}

impl Interval {
    /// Every figure multiplied by `factor` (the ends swap when it is negative).
    pub fn scaled(&self, factor: f64) -> Self {
        let (a, b) = (self.lower * factor, self.upper * factor);
        Self {
            estimate: self.estimate * factor,
            lower: a.min(b),
            upper: a.max(b),
            level: self.level,
        }
    }

    /// Whether `value` lies in `[lower, upper]`.
    pub fn contains(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }
}

/// Settings of the price and promotion estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricingParams {
    /// The control holding the price index (default `price_index`).
    pub price: String,
    /// The control holding the promotion depth, 0 in weeks without promotion (default
    /// `promotion`).
    pub promotion: String,
    /// Coverage of the intervals, in (0, 1) (default 0.9).
    pub level: f64,
}

impl Default for PricingParams {
    fn default() -> Self {
        Self {
            price: "price_index".into(),
            promotion: "promotion".into(),
            level: 0.9,
        }
    }
}

/// [`PricingParams`] checked against the data: the columns exist, the prices are positive.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidPricingParams {
    pub(crate) price: usize,
    pub(crate) promotion: usize,
    pub(crate) level: f64,
}

impl PricingParams {
    /// Checks the settings against `data`.
    ///
    /// # Errors
    /// [`PricingError::MissingPrice`], [`PricingError::MissingPromotion`],
    /// [`PricingError::NonPositivePrice`], [`PricingError::NoPromotionWeeks`], or
    /// [`PricingError::Setting`] for a level outside (0, 1).
    pub fn check(&self, data: &WeeklyData) -> Result<ValidPricingParams, PricingError> {
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(PricingError::Setting(format!(
                "the interval level {} is not in (0, 1); give e.g. 0.9 for 90 %",
                self.level
            )));
        }
        let available = || {
            let names: Vec<&str> = data.controls().iter().map(|c| c.name.as_str()).collect();
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        };
        let find = |name: &str| data.controls().iter().position(|c| c.name == name);
        let price = find(&self.price).ok_or_else(|| PricingError::MissingPrice {
            name: self.price.clone(),
            available: available(),
        })?;
        let promotion = find(&self.promotion).ok_or_else(|| PricingError::MissingPromotion {
            name: self.promotion.clone(),
            available: available(),
        })?;
        if price == promotion {
            return Err(PricingError::Setting(format!(
                "'{}' is given as both the price and the promotion column; name two different columns",
                self.price
            )));
        }
        if let Some((week, &value)) = data.controls()[price]
            .values
            .iter()
            .enumerate()
            .find(|(_, v)| **v <= 0.0)
        {
            return Err(PricingError::NonPositivePrice {
                name: self.price.clone(),
                week,
                value,
            });
        }
        if !data.controls()[promotion].values.iter().any(|v| *v > 0.0) {
            return Err(PricingError::NoPromotionWeeks {
                name: self.promotion.clone(),
            });
        }
        Ok(ValidPricingParams {
            price,
            promotion,
            level: self.level,
        })
    }
}
