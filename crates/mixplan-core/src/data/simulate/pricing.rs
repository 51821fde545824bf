//! The price and promotion effects implied by the weekly truth's linear controls (issue
//! #14), for the pricing view to be checked against:
//!
//! ```text
//! price_elasticity_at_means     = γ_price · mean_w(price_index_w) / mean_w(revenue_w)
//! promotion_lift_per_promo_week = mean_{w: promotion_w > 0} γ_promo · promotion_w
//! ```
//!
//! (`revenue = … + γ_price · (price_index − 1) + …`, so `∂ revenue / ∂ price_index = γ_price`
//! and the elasticity at the means is `γ_price · p̄ / ȳ`.)

use super::flighting::round_to;
use crate::data::truth::PricingTruth;

/// The pricing truth from the weekly price index, promotion depth and revenue, and the
/// true coefficients `γ_price`, `γ_promo`.
pub(super) fn pricing_truth(
    price_index: &[f64],
    promotion: &[f64],
    revenue: &[f64],
    gamma_price: f64,
    gamma_promo: f64,
) -> PricingTruth {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let mean_revenue = mean(revenue);
    let promo: Vec<f64> = promotion
        .iter()
        .filter(|&&p| p > 0.0)
        .map(|p| gamma_promo * p)
        .collect();
    PricingTruth {
        price_elasticity_at_means: if mean_revenue > 0.0 {
            round_to(gamma_price * mean(price_index) / mean_revenue, 4)
        } else {
            0.0
        },
        promotion_lift_per_promo_week: round_to(mean(&promo), 2),
        promo_weeks: promo.len(),
    }
}
