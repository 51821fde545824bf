//! How the page speaks of returns for the target in use: ROI (revenue per dollar) for
//! revenue, cost per KPI (dollars per unit) for a count KPI such as conversions.
//!
//! ```text
//! ROI            = contribution / spend          cost per KPI          = spend / contribution
//! marginal ROI   = f'(x)                         marginal cost per KPI = 1 / f'(x)
//! ```
//!
//! The root component provides the kind as a `Signal<TargetKind>` context; components read
//! it with [`target_kind`] (revenue when none is provided, e.g. in component tests).

use crate::planner::intervals::{Interval, range_text, ratio_range};
use leptos::prelude::*;

use super::choices::TargetKind;
use crate::format::{NO_VALUE, currency, decimal};

/// The target kind in use (from context; revenue when none is provided).
pub fn target_kind() -> Signal<TargetKind> {
    use_context::<Signal<TargetKind>>().unwrap_or_else(|| Signal::stored(TargetKind::Revenue))
}

/// A cost in dollars with three significant digits below $100 (`$0.00342`, `$12.5`),
/// whole dollars above; "—" when it has no finite positive value.
pub fn cost_text(cost: f64) -> String {
    if !cost.is_finite() || cost <= 0.0 {
        return NO_VALUE.to_string();
    }
    if cost >= 100.0 {
        return currency(cost);
    }
    let places = (2.0 - cost.log10().floor()).clamp(0.0, 12.0) as usize;
    format!("${cost:.places$}")
}

/// The return column's name: "ROI" or "Cost per KPI".
pub fn return_label(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Revenue => "ROI",
        TargetKind::CountKpi => "Cost per KPI",
    }
}

/// The marginal return column's name.
pub fn marginal_label(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Revenue => "Marginal ROI",
        TargetKind::CountKpi => "Marginal cost per KPI",
    }
}

/// A return as shown: ROI to two decimals, or cost per KPI (`spend / contribution`) in
/// dollars. `roi` is `contribution / spend`.
pub fn return_text(kind: TargetKind, roi: f64) -> String {
    match kind {
        TargetKind::Revenue => decimal(roi, 2),
        TargetKind::CountKpi => cost_text(1.0 / roi),
    }
}

/// A return's credible interval as shown: the ROI interval to two decimals, or for a count
/// KPI the interval of its cost per KPI (`1/ROI`, so the ends swap: `[1/high, 1/low]`).
pub fn return_range(kind: TargetKind, interval: Option<Interval>) -> String {
    match kind {
        TargetKind::Revenue => ratio_range(interval),
        TargetKind::CountKpi => range_text(
            interval.map(|i| Interval {
                low: 1.0 / i.high,
                high: 1.0 / i.low,
            }),
            cost_text,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_keep_three_significant_digits_and_refuse_what_has_no_value() {
        assert_eq!(cost_text(0.003_421), "$0.00342");
        assert_eq!(cost_text(12.54), "$12.5");
        assert_eq!(cost_text(1.0), "$1.00");
        assert_eq!(cost_text(1234.4), currency(1234.4));
        assert_eq!(cost_text(f64::INFINITY), NO_VALUE);
        assert_eq!(cost_text(0.0), NO_VALUE);
        assert_eq!(return_text(TargetKind::CountKpi, 4.0), "$0.250");
        assert_eq!(return_text(TargetKind::Revenue, 4.0), "4.00");
        assert_eq!(return_text(TargetKind::CountKpi, 0.0), NO_VALUE);
    }
}
