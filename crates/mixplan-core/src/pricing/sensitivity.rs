//! What a price change or a promotion does to weekly revenue, with its interval.
//!
//! How it works depends on the model form ([`PricingReport::form`]), that is on how media
//! combine with the rest of revenue:
//!
//! | | additive (`y = b + m`) | multiplicative (`y = b·exp(G)`) |
//! |---|---|---|
//! | price change `x` | `Δy = mean(b)·((1 + x)^ε − 1)`: only the non-media revenue moves | `Δy = R·((1 + x)^ε − 1)`: the whole revenue `R` moves, media included |
//! | promotion at depth `D` | `Δy = γ_d·D` | `Δy = R·(exp(δ·D) − 1)` |
//! | both | the sum (ends added: separate regressions, the conservative range) | `Δy = R·((1 + x)^ε·exp(δ·D) − 1)` (lower ends together, upper ends together) |
//!
//! `R` is the weekly revenue the change is made in: a plan's forecast
//! ([`PricingReport::price_change_at`] and the other `_at` functions), or by default the data's
//! mean weekly revenue `mean(y)` for a price change and the promotion weeks' revenue without
//! the promotion ([`super::PromotionLift::base_revenue`]) for a promotion, so that a
//! promotion at the mean depth adds [`super::PromotionLift::lift`] in both forms.

use super::error::PricingError;
use super::{Interval, PricingReport};
use crate::model::ModelForm;

impl PricingReport {
    /// Change in average weekly revenue when prices change by the fraction `change`
    /// (0.05 = +5 %, −0.05 = −5 %), media held fixed, from the log-log elasticity:
    ///
    /// ```text
    /// additive:        Δy = mean(y − m) · ((1 + change)^ε − 1)
    /// multiplicative:  Δy = mean(y) · ((1 + change)^ε − 1)
    /// ```
    ///
    /// The interval evaluates the formula at the ends of `ε`'s interval (it is monotone in ε).
    ///
    /// # Errors
    /// [`PricingError::Setting`] when `change` is not finite or ≤ −1 (a price of 0 or below).
    pub fn price_change(&self, change: f64) -> Result<Interval, PricingError> {
        match self.form {
            ModelForm::Additive => self.price_change_of(change, self.mean_base_revenue),
            ModelForm::Multiplicative => self.price_change_of(change, self.mean_revenue),
        }
    }

    /// [`PricingReport::price_change`] in weeks whose forecast revenue (media included) is
    /// `revenue`, e.g. a media plan's: in the multiplicative form the price change scales
    /// it, `Δy = revenue · ((1 + change)^ε − 1)`; in the additive form it moves only the
    /// non-media revenue, which a media plan does not change, so `revenue` is not used and
    /// the result is [`PricingReport::price_change`]'s.
    ///
    /// # Errors
    /// As [`PricingReport::price_change`]; [`PricingError::Setting`] when `revenue` is not
    /// finite and above zero.
    pub fn price_change_at(&self, change: f64, revenue: f64) -> Result<Interval, PricingError> {
        match self.form {
            ModelForm::Additive => self.price_change(change),
            ModelForm::Multiplicative => self.price_change_of(change, check_revenue(revenue)?),
        }
    }

    /// `revenue · ((1 + change)^ε − 1)` with the interval at `ε`'s ends.
    fn price_change_of(&self, change: f64, revenue: f64) -> Result<Interval, PricingError> {
        if !(change.is_finite() && change > -1.0) {
            return Err(PricingError::Setting(format!(
                "a price change of {change} is not possible; give a fraction above -1, e.g. 0.05 for +5 %"
            )));
        }
        let at = |elasticity: f64| revenue * ((1.0 + change).powf(elasticity) - 1.0);
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
    ///
    /// ```text
    /// additive:        Δy = γ_d · depth                           (γ_d's interval times depth)
    /// multiplicative:  Δy = base_revenue · (exp(δ · depth) − 1)   (at δ's ends)
    /// ```
    ///
    /// with `base_revenue` the promotion weeks' revenue without the promotion, so that
    /// `promotion_effect(d̄)` is the lift of the average promotion week in both forms.
    ///
    /// # Errors
    /// [`PricingError::Setting`] when `depth` is not finite or negative.
    pub fn promotion_effect(&self, depth: f64) -> Result<Interval, PricingError> {
        match self.form {
            ModelForm::Additive => {
                self.check_depth(depth)?;
                Ok(self.promotion.coefficient.scaled(depth))
            }
            ModelForm::Multiplicative => Ok(self
                .promotion_growth(depth)?
                .scaled(self.promotion.base_revenue)),
        }
    }

    /// [`PricingReport::promotion_effect`] in a week whose forecast revenue without the
    /// promotion (media included) is `revenue`, e.g. a media plan's: in the multiplicative form
    /// `Δy = revenue · (exp(δ · depth) − 1)`; in the additive form a promotion adds `γ_d · depth`
    /// whatever the week's revenue, so `revenue` is not used.
    ///
    /// # Errors
    /// As [`PricingReport::promotion_effect`]; [`PricingError::Setting`] when `revenue` is not
    /// finite and above zero.
    pub fn promotion_effect_at(&self, depth: f64, revenue: f64) -> Result<Interval, PricingError> {
        match self.form {
            ModelForm::Additive => self.promotion_effect(depth),
            ModelForm::Multiplicative => {
                let revenue = check_revenue(revenue)?;
                Ok(self.promotion_growth(depth)?.scaled(revenue))
            }
        }
    }

    /// Change in weekly revenue of a price change by `change` and a promotion at `depth`
    /// together (`depth` 0 for none), in weeks whose forecast revenue without either is
    /// `revenue`:
    ///
    /// ```text
    /// additive:        Δy = Δy_price + Δy_promotion                       (ends added)
    /// multiplicative:  Δy = revenue · ((1 + change)^ε · exp(δ · depth) − 1)
    /// ```
    ///
    /// In the additive form the estimates add, and so do the ends (the two intervals come from
    /// separate regressions, so adding ends is the conservative range). In the multiplicative
    /// form the two factors multiply; the lower end takes both factors at their lower ends, the
    /// upper end both at their upper ends (the same conservative range).
    ///
    /// # Errors
    /// As [`PricingReport::price_change_at`] and [`PricingReport::promotion_effect_at`].
    pub fn combined_effect_at(
        &self,
        change: f64,
        depth: f64,
        revenue: f64,
    ) -> Result<Interval, PricingError> {
        match self.form {
            ModelForm::Additive => {
                let price = self.price_change_at(change, revenue)?;
                let promotion = self.promotion_effect_at(depth, revenue)?;
                Ok(Interval {
                    estimate: price.estimate + promotion.estimate,
                    lower: price.lower + promotion.lower,
                    upper: price.upper + promotion.upper,
                    level: price.level,
                })
            }
            ModelForm::Multiplicative => {
                let revenue = check_revenue(revenue)?;
                // Growth factors minus one, both intervals in order (each factor is above 0).
                let price = self.price_change_of(change, 1.0)?;
                let promotion = self.promotion_growth(depth)?;
                let both = |p: f64, d: f64| revenue * ((1.0 + p) * (1.0 + d) - 1.0);
                Ok(Interval {
                    estimate: both(price.estimate, promotion.estimate),
                    lower: both(price.lower, promotion.lower),
                    upper: both(price.upper, promotion.upper),
                    level: price.level,
                })
            }
        }
    }

    /// `exp(δ · depth) − 1` at `δ`'s estimate and ends (increasing in δ for depth ≥ 0).
    fn promotion_growth(&self, depth: f64) -> Result<Interval, PricingError> {
        self.check_depth(depth)?;
        let delta = self.promotion.log_coefficient.ok_or_else(|| {
            PricingError::Setting(
                "the multiplicative report has no promotion log coefficient δ; estimate it with estimate_pricing_multiplicative".into(),
            )
        })?;
        let growth = |d: f64| (d * depth).exp_m1();
        Ok(Interval {
            estimate: growth(delta.estimate),
            lower: growth(delta.lower),
            upper: growth(delta.upper),
            level: delta.level,
        })
    }

    /// A promotion depth is finite and ≥ 0.
    fn check_depth(&self, depth: f64) -> Result<(), PricingError> {
        if depth.is_finite() && depth >= 0.0 {
            Ok(())
        } else {
            Err(PricingError::Setting(format!(
                "a promotion depth of {depth} is not possible; give a number ≥ 0 in the promotion column's units, e.g. {:.2}",
                self.promotion.mean_depth
            )))
        }
    }
}

/// A forecast weekly revenue the multiplicative sensitivities scale: finite and above zero.
fn check_revenue(revenue: f64) -> Result<f64, PricingError> {
    if revenue.is_finite() && revenue > 0.0 {
        Ok(revenue)
    } else {
        Err(PricingError::Setting(format!(
            "a forecast weekly revenue of {revenue} cannot be scaled by a price change or a promotion; give the revenue of the weeks the change is made in (above 0)"
        )))
    }
}
