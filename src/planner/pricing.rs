//! What the "Price and promotions" panel shows, in plain Rust: the core's price elasticity
//! and promotion lift of the fitted model ([`mixplan_core::pricing`], the numbers `mixplan
//! pricing --no-posterior` prints for the same data), and the change in forecast weekly
//! revenue for a price change and a promotion in the plan period. Cheap (two least-squares
//! fits on the weekly data), so the page derives it with `Memo`s, no worker.

use mixplan_core::data::WeeklyData;
use mixplan_core::pricing::{Interval, PricingParams, PricingReport, estimate_pricing};

use super::scenario::{Planner, additive_only};

/// Smallest price change the panel offers, percent.
pub const MIN_PRICE_CHANGE_PCT: i32 = -20;
/// Largest price change the panel offers, percent.
pub const MAX_PRICE_CHANGE_PCT: i32 = 20;

/// The columns of `params` that `data` lacks, each as `'name' (what it holds)`.
fn missing_columns(data: &WeeklyData, params: &PricingParams) -> Vec<String> {
    let has = |name: &str| data.controls().iter().any(|c| c.name == name);
    let wanted = [
        (
            &params.price,
            "the price index: 1.00 at the usual price, 0.95 five per cent below; every week above 0",
        ),
        (
            &params.promotion,
            "the promotion depth: 0 in weeks without a promotion, 0.2 for 20 % off",
        ),
    ];
    wanted
        .iter()
        .filter(|(name, _)| !has(name))
        .map(|(name, what)| format!("'{name}' ({what})"))
        .collect()
}

/// The panel's message when the data lack a column: which and how to add it.
pub fn missing_message(missing: &[String]) -> String {
    let (columns, pronoun) = match missing {
        [one] => (format!("a weekly column {one}"), "it"),
        _ => (format!("weekly columns {}", missing.join(" and ")), "them"),
    };
    format!(
        "Price and promotion effects need {columns}, which your data lack. Add {pronoun} to your file and give {pronoun} the role “control” when you map its columns."
    )
}

/// The price elasticity and promotion lift of the planner's model and data (ordinary least
/// squares, no posterior: as `mixplan pricing --no-posterior`), or the message saying why
/// there are none.
///
/// # Errors
/// The missing-column message ([`missing_message`]), or the core's error in words.
pub fn pricing_report(planner: &Planner) -> Result<PricingReport, String> {
    let data = planner.data();
    let params = PricingParams::default();
    let missing = missing_columns(data, &params);
    if !missing.is_empty() {
        return Err(missing_message(&missing));
    }
    let model = planner
        .additive_model()
        .ok_or_else(|| additive_only("The price and promotion estimate"))?;
    params
        .check(data)
        .and_then(|valid| estimate_pricing(data, model, None, &valid))
        .map_err(|e| format!("Price and promotion effects could not be estimated: {e}."))
}

/// The sensitivity settings: a price change and whether the plan period has a promotion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricingSetting {
    /// Price change, whole percent in [`MIN_PRICE_CHANGE_PCT`, `MAX_PRICE_CHANGE_PCT`].
    pub price_change_pct: i32,
    /// A promotion in every week of the plan period, at `depth`.
    pub promotion: bool,
    /// Promotion depth, in the promotion column's units.
    pub depth: f64,
}

/// The change in forecast weekly revenue of a setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricingEffect {
    /// From the price change ([`PricingReport::price_change`]).
    pub price: Interval,
    /// From the promotion ([`PricingReport::promotion_effect`]; 0 when off).
    pub promotion: Interval,
    /// Both: the estimates add, and so do the ends (the two intervals come from separate
    /// regressions, so adding ends is the conservative range).
    pub total: Interval,
}

impl PricingEffect {
    /// The effect of `setting` on weekly revenue under `report`.
    ///
    /// # Errors
    /// A message when the price change or the depth is out of range.
    pub fn of(report: &PricingReport, setting: PricingSetting) -> Result<Self, String> {
        if !(MIN_PRICE_CHANGE_PCT..=MAX_PRICE_CHANGE_PCT).contains(&setting.price_change_pct) {
            return Err(format!(
                "A price change of {} % is outside the range offered; give {MIN_PRICE_CHANGE_PCT} to +{MAX_PRICE_CHANGE_PCT} %.",
                setting.price_change_pct
            ));
        }
        let price = report
            .price_change(f64::from(setting.price_change_pct) / 100.0)
            .map_err(|e| format!("{e}."))?;
        let promotion = report
            .promotion_effect(if setting.promotion {
                setting.depth
            } else {
                0.0
            })
            .map_err(|e| format!("{e}."))?;
        let total = Interval {
            estimate: price.estimate + promotion.estimate,
            lower: price.lower + promotion.lower,
            upper: price.upper + promotion.upper,
            level: price.level,
        };
        Ok(Self {
            price,
            promotion,
            total,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::fitted_planner;

    #[test]
    fn the_effect_adds_the_price_change_and_the_promotion() {
        let report = pricing_report(fitted_planner()).expect("store has both columns");
        let depth = report.promotion.mean_depth;
        let off = PricingEffect::of(
            &report,
            PricingSetting {
                price_change_pct: -10,
                promotion: false,
                depth,
            },
        )
        .expect("in range");
        // A price cut raises revenue when the elasticity is negative, by mean(b)·(0.9^ε − 1).
        assert!(report.elasticity.log_log.estimate < 0.0);
        let expected =
            report.mean_base_revenue * (0.9f64.powf(report.elasticity.log_log.estimate) - 1.0);
        assert!((off.price.estimate - expected).abs() < 1e-9 * expected.abs());
        assert_eq!(off.promotion.estimate, 0.0);
        assert_eq!(
            off.total,
            Interval {
                level: off.price.level,
                ..off.price
            }
        );
        let on = PricingEffect::of(
            &report,
            PricingSetting {
                promotion: true,
                ..PricingSetting {
                    price_change_pct: -10,
                    promotion: false,
                    depth,
                }
            },
        )
        .expect("in range");
        assert!(
            (on.promotion.estimate - report.promotion.lift.estimate).abs()
                < 1e-6 * report.promotion.lift.estimate
        );
        assert!((on.total.estimate - off.price.estimate - on.promotion.estimate).abs() < 1e-6);
        assert!(on.total.lower < on.total.estimate && on.total.estimate < on.total.upper);
        let outside = PricingSetting {
            price_change_pct: 25,
            promotion: false,
            depth,
        };
        assert!(PricingEffect::of(&report, outside).is_err());
    }

    #[test]
    fn missing_columns_are_named_with_how_to_add_them() {
        let one = missing_message(&["'promotion' (the depth)".to_string()]);
        assert!(one.contains("a weekly column 'promotion'"), "{one}");
        assert!(one.contains("role “control”"), "{one}");
        let both = missing_message(&["'price_index' (p)".into(), "'promotion' (d)".into()]);
        assert!(
            both.contains("weekly columns 'price_index' (p) and 'promotion' (d)"),
            "{both}"
        );
        assert!(both.contains("Add them"), "{both}");
    }
}
