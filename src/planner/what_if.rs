//! What-if: "+X % on one channel, everything else unchanged". The channel's weekly spend
//! goes from `x` to `x' = x·(1 + X/100)`, so the total grows by `x' − x`; the revenue change
//! is `R(x with x') − R(x)` in the model's form ([`Planner::evaluate`]): `f_c(x') − f_c(x)`
//! when channels add revenue (the others' contributions do not move),
//! `R(x)·(exp(g_c(x') − g_c(x)) − 1)` when they multiply it (every channel's removal effect
//! moves with `R`). The media ROAS of the new plan is its media revenue over its spend,
//! `(R' − baseline) / (Σ_{j≠c} x_j + x')`.

use mixplan_core::optimize::Plan;
use thiserror::Error;

use super::scenario::Planner;
use crate::format::percent;

/// The largest change the form accepts, in percent (ten times the spend).
pub const MAX_PERCENT: f64 = 1_000.0;

/// Why a what-if cannot be answered. Each message says what to type instead.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum WhatIfError {
    /// The change is not a number between −100 % and [`MAX_PERCENT`].
    #[error("Type a change between -100 and +1000 (percent), e.g. 30; got {0}.")]
    PercentOutOfRange(String),
    /// The channel has no spend, so a percentage of it is nothing.
    #[error("{0} has no spend in this plan, so +{1} of it is nothing: give it some spend first.")]
    NoSpend(String, String),
    /// The channel index is not one of the planner's.
    #[error("There is no channel number {0}: choose one from the list.")]
    UnknownChannel(usize),
}

/// The answer to one what-if.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIfOutcome {
    /// The channel's weekly spend now.
    pub spend_before: f64,
    /// Its weekly spend after the change.
    pub spend_after: f64,
    /// Weekly revenue change, `R' − R` (`f_c(x') − f_c(x)` additive).
    pub revenue_change: f64,
    /// Predicted weekly revenue after the change (baseline included).
    pub revenue_after: f64,
    /// Media ROAS of the plan now.
    pub roas_before: f64,
    /// Media ROAS of the plan after the change.
    pub roas_after: f64,
}

impl WhatIfOutcome {
    /// Revenue change per dollar of spend change (`None` when the spend does not change).
    pub fn incremental_roas(&self) -> Option<f64> {
        let delta = self.spend_after - self.spend_before;
        (delta != 0.0).then(|| self.revenue_change / delta)
    }
}

/// Evaluates "+`percent` % on `channel`" against the current split `current` (a plan the
/// planner evaluated, e.g. the scenario's).
///
/// # Errors
/// [`WhatIfError::PercentOutOfRange`], [`WhatIfError::NoSpend`] (for a change ≠ 0),
/// [`WhatIfError::UnknownChannel`].
pub fn what_if(
    planner: &Planner,
    current: &Plan,
    channel: usize,
    percent_change: f64,
) -> Result<WhatIfOutcome, WhatIfError> {
    if !(percent_change.is_finite() && (-100.0..=MAX_PERCENT).contains(&percent_change)) {
        return Err(WhatIfError::PercentOutOfRange(format!("{percent_change}")));
    }
    let name = planner
        .channels()
        .get(channel)
        .map(|c| c.name.clone())
        .ok_or(WhatIfError::UnknownChannel(channel))?;
    let spend_before = *current
        .spend()
        .get(channel)
        .ok_or(WhatIfError::UnknownChannel(channel))?;
    if spend_before <= 0.0 && percent_change != 0.0 {
        return Err(WhatIfError::NoSpend(name, percent(percent_change / 100.0)));
    }
    let spend_after = spend_before * (1.0 + percent_change / 100.0);
    let mut spend = current.spend().to_vec();
    spend[channel] = spend_after;
    let changed = planner.evaluate(&spend);
    let revenue_change = if planner.revenue_form().is_multiplicative() {
        changed.media_revenue() - current.media_revenue()
    } else {
        // The one contribution that moves: exact, without the others' rounding.
        changed.contributions()[channel] - current.contributions()[channel]
    };
    Ok(WhatIfOutcome {
        spend_before,
        spend_after,
        revenue_change,
        revenue_after: planner.baseline() + changed.media_revenue(),
        roas_before: current.roas(),
        roas_after: changed.roas(),
    })
}

/// Reads the percentage typed in the form: `30`, `+30`, `30%`, `-12.5 %`.
///
/// # Errors
/// [`WhatIfError::PercentOutOfRange`] for text that is not such a number or is out of range.
pub fn parse_percent(text: &str) -> Result<f64, WhatIfError> {
    let cleaned = text.trim().trim_end_matches('%').trim();
    let cleaned = cleaned.strip_prefix('+').unwrap_or(cleaned);
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|p| p.is_finite() && (-100.0..=MAX_PERCENT).contains(p))
        .ok_or_else(|| WhatIfError::PercentOutOfRange(format!("\"{}\"", text.trim())))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

    #[test]
    fn a_multiplicative_what_if_changes_revenue_as_the_model_predicts() {
        let p = fitted_multiplicative_planner();
        let s = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        let now = p.model().predict(s.current.spend()).unwrap().revenue;
        for c in 0..p.channels().len() {
            let zero = what_if(p, &s.current, c, 0.0).unwrap();
            assert_eq!(zero.revenue_change, 0.0);
            for change in [30.0, -50.0] {
                let up = what_if(p, &s.current, c, change).unwrap();
                let mut spend = s.current.spend().to_vec();
                spend[c] = up.spend_after;
                let after = p.model().predict(&spend).unwrap().revenue;
                assert!(
                    (up.revenue_after - after).abs() < 1e-9 * after,
                    "channel {c}"
                );
                let by_hand = after - now;
                assert!(
                    (up.revenue_change - by_hand).abs() < 1e-6 * (1.0 + by_hand.abs()),
                    "channel {c}: {} vs {by_hand}",
                    up.revenue_change
                );
                assert_eq!(up.revenue_change > 0.0, change > 0.0, "channel {c}");
                let roas = (after - p.baseline()) / spend.iter().sum::<f64>();
                assert!((up.roas_after - roas).abs() < 1e-9 * roas);
            }
        }
    }

    #[test]
    fn zero_percent_changes_nothing_and_more_spend_earns_more() {
        let p = fitted_planner();
        let s = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        for c in 0..p.channels().len() {
            let zero = what_if(p, &s.current, c, 0.0).unwrap();
            assert_eq!(zero.revenue_change, 0.0);
            assert_eq!(zero.revenue_after, s.revenue);
            assert_eq!(zero.roas_after, zero.roas_before);
            let up = what_if(p, &s.current, c, 30.0).unwrap();
            assert!((up.spend_after - 1.3 * up.spend_before).abs() < 1e-9 * up.spend_after);
            assert!(up.revenue_change > 0.0, "channel {c}");
            assert!((up.revenue_after - (s.revenue + up.revenue_change)).abs() < 1e-6);
            // Everything else unchanged: the change is this channel's contribution change.
            let by_hand = p.curves()[c].value(up.spend_after) - s.current.contributions()[c];
            assert!((up.revenue_change - by_hand).abs() < 1e-9 * (1.0 + by_hand.abs()));
            let down = what_if(p, &s.current, c, -100.0).unwrap();
            assert_eq!(down.spend_after, 0.0);
            assert!((down.revenue_change + s.current.contributions()[c]).abs() < 1e-9);
        }
    }

    #[test]
    fn bad_changes_say_what_to_type() {
        let p = fitted_planner();
        let s = p.scenario(&BudgetState::from_mix(40_000.0, &[1.0, 0.0, 1.0, 1.0, 1.0]));
        let e = what_if(p, &s.current, 1, 30.0).unwrap_err();
        assert!(e.to_string().ends_with("give it some spend first."), "{e}");
        assert!(matches!(
            what_if(p, &s.current, 0, -150.0),
            Err(WhatIfError::PercentOutOfRange(_))
        ));
        assert!(matches!(
            what_if(p, &s.current, 9, 1.0),
            Err(WhatIfError::UnknownChannel(9))
        ));
        assert_eq!(parse_percent(" +30 %").unwrap(), 30.0);
        assert_eq!(parse_percent("-12.5").unwrap(), -12.5);
        for bad in ["", "abc", "-101", "2000", "NaN"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
    }
}
