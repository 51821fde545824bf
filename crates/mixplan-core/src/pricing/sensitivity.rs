//! What a price change or a promotion does to weekly revenue, with its interval.

use super::error::PricingError;
use super::{Interval, PricingReport};

impl PricingReport {
    /// Change in average weekly revenue when prices change by the fraction `change`
    /// (0.05 = +5 %, −0.05 = −5 %), media held fixed, from the log-log elasticity:
    ///
    /// ```text
    /// Δy = mean(y − m) · ((1 + change)^ε − 1)
    /// ```
    ///
    /// The interval evaluates the formula at the ends of `ε`'s interval (it is monotone in ε).
    ///
    /// # Errors
    /// [`PricingError::Setting`] when `change` is not finite or ≤ −1 (a price of 0 or below).
    pub fn price_change(&self, change: f64) -> Result<Interval, PricingError> {
        if !(change.is_finite() && change > -1.0) {
            return Err(PricingError::Setting(format!(
                "a price change of {change} is not possible; give a fraction above -1, e.g. 0.05 for +5 %"
            )));
        }
        let at = |elasticity: f64| self.mean_base_revenue * ((1.0 + change).powf(elasticity) - 1.0);
        let e = &self.elasticity.log_log;
        let (a, b) = (at(e.lower), at(e.upper));
        Ok(Interval {
            estimate: at(e.estimate),
            lower: a.min(b),
            upper: a.max(b),
            level: e.level,
        })
    }

    /// Change in weekly revenue of a week with promotion at `depth` against one without:
    /// `Δy = γ_d · depth`, with `γ_d`'s interval times `depth`.
    ///
    /// # Errors
    /// [`PricingError::Setting`] when `depth` is not finite or negative.
    pub fn promotion_effect(&self, depth: f64) -> Result<Interval, PricingError> {
        if !(depth.is_finite() && depth >= 0.0) {
            return Err(PricingError::Setting(format!(
                "a promotion depth of {depth} is not possible; give a number ≥ 0 in the promotion column's units, e.g. {:.2}",
                self.promotion.mean_depth
            )));
        }
        Ok(self.promotion.coefficient.scaled(depth))
    }
}
