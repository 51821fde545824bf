//! The shop's daily business figures beyond revenue and orders (issue #14), from their own
//! random stream (so revenue, orders and spend are unchanged for a seed). For day `d` with
//! price index `p_d`, discount depth `δ_d` (0 … 1), revenue `y_d` and orders `o_d`:
//!
//! ```text
//! average_price_d = p_d · LIST_PRICE                                   (to the cent)
//! customers_d     = min(o_d, round(o_d · CUSTOMERS_PER_ORDER · e^{0.03 ξ}))
//! cogs_d          = round(y_d · min(0.95, COGS_SHARE / (p_d · (1 − δ_d)) · e^{0.04 ξ'}))
//! promotion_d     = 1 if δ_d > 0 else 0                                ξ, ξ' ~ N(0, 1)
//! ```
//!
//! The cost of goods is a share of revenue at list price; a higher price raises the margin
//! and a discount lowers it (a unit costs the same whatever it sells for), so the gross
//! margin is about 50 % on ordinary days and about 30 % on Black Friday.

use super::flighting::{normal, rng_for, round_to};
use crate::data::raw::DailySales;
use crate::data::truth::BusinessTruth;

/// List price of the average item, cents ($39.00).
pub const LIST_PRICE_CENTS: i64 = 3_900;
/// Cost of goods as a share of revenue at list price and no discount.
pub const COGS_SHARE: f64 = 0.50;
/// Mean distinct customers per order.
pub const CUSTOMERS_PER_ORDER: f64 = 0.9;
/// The random stream of the business figures.
const STREAM: u64 = 50;

/// Fills `customers`, `cogs_cents`, `average_price_cents` and `promotion` of every day and
/// returns the business truth.
pub(super) fn add_business_figures(seed: u64, sales: &mut [DailySales]) -> BusinessTruth {
    let mut rng = rng_for(seed, STREAM);
    for s in sales.iter_mut() {
        let price = f64::from(s.price_index_bp) / 10_000.0;
        let discount = f64::from(s.discount_pct) / 100.0;
        s.average_price_cents = (LIST_PRICE_CENTS as f64 * price).round() as i64;
        let customers =
            (f64::from(s.orders) * CUSTOMERS_PER_ORDER * (0.03 * normal(&mut rng)).exp())
                .round()
                .max(0.0) as u32;
        s.customers = customers.min(s.orders);
        let share = (COGS_SHARE / (price * (1.0 - discount)).max(0.05)
            * (0.04 * normal(&mut rng)).exp())
        .min(0.95);
        s.cogs_cents = (s.revenue_cents as f64 * share).round() as i64;
        s.promotion = u8::from(s.discount_pct > 0);
    }
    let revenue: i64 = sales.iter().map(|s| s.revenue_cents).sum();
    let cogs: i64 = sales.iter().map(|s| s.cogs_cents).sum();
    let orders: u64 = sales.iter().map(|s| u64::from(s.orders)).sum();
    BusinessTruth {
        list_price: LIST_PRICE_CENTS as f64 / 100.0,
        cogs_share: COGS_SHARE,
        gross_margin: if revenue > 0 {
            round_to(1.0 - cogs as f64 / revenue as f64, 4)
        } else {
            0.0
        },
        average_order_value: if orders > 0 {
            round_to(revenue as f64 / 100.0 / orders as f64, 2)
        } else {
            0.0
        },
        customers_per_order: CUSTOMERS_PER_ORDER,
    }
}
