//! The horizon plan as the page asks for it: a plan period, a total budget over it, an
//! optional weekly cap per channel and fixed amounts typed as `week:channel=amount`; the
//! answer is the core's channel × week plan ([`HorizonOptimizer`], with its certificate)
//! and the forecast of total weekly revenue ([`Forecast`], with its interval).

use mixplan_core::optimize::horizon::{
    Forecast, ForecastParams, HorizonModel, HorizonOptimizer, HorizonParams, HorizonPlan, MAX_WEEKS,
};

use super::scenario::{ChannelInfo, Planner};
use crate::format::{currency, parse_money};

/// What the horizon form holds, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonInputs {
    /// Plan period, weeks (1–52).
    pub weeks: usize,
    /// Total budget over the period.
    pub budget: f64,
    /// Per channel, the most it may get in any one week (`None`: no cap).
    pub weekly_caps: Vec<Option<f64>>,
    /// Fixed amounts: (week, 0-based; channel; amount).
    pub fixed: Vec<(usize, usize, f64)>,
}

/// A plan and its forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonOutcome {
    /// The channel × week plan, with the optimiser's certificate.
    pub plan: HorizonPlan,
    /// Total weekly revenue over the period, with its interval.
    pub forecast: Forecast,
}

/// Reads the plan period: a whole number of weeks from 1 to 52.
///
/// # Errors
/// What to type instead.
pub fn parse_weeks(text: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|w| (1..=MAX_WEEKS).contains(w))
        .ok_or_else(|| {
            format!(
                "Type a plan period of 1 to {MAX_WEEKS} weeks (you typed \"{}\").",
                text.trim()
            )
        })
}

/// Reads an optional cap: empty means none, else an amount ≥ 0.
///
/// # Errors
/// What to type instead.
pub fn parse_cap(text: &str) -> Result<Option<f64>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match parse_money(text) {
        Ok(v) if v >= 0.0 => Ok(Some(v)),
        Ok(_) => {
            Err("A cap cannot be negative: type an amount of $0 or more, or leave it empty.".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Reads fixed amounts typed as `week:channel=amount`, separated by `;` or new lines, e.g.
/// `1:email=5000; 2:email=5000`. Weeks are numbered from 1; a channel is its id or name
/// (case-insensitive).
///
/// # Errors
/// Which entry is wrong and how to write it.
pub fn parse_fixed(
    text: &str,
    channels: &[ChannelInfo],
    weeks: usize,
) -> Result<Vec<(usize, usize, f64)>, String> {
    let example = "write them as week:channel=amount, e.g. 1:email=5000; 2:email=5000";
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let bad = || format!("\"{entry}\" is not a fixed amount: {example}.");
            let (cell, amount) = entry.split_once('=').ok_or_else(bad)?;
            let (week, channel) = cell.split_once(':').ok_or_else(bad)?;
            let week: usize = week.trim().parse().map_err(|_| bad())?;
            if !(1..=weeks).contains(&week) {
                return Err(format!(
                    "\"{entry}\": week {week} is outside the plan period of {weeks} weeks; weeks are numbered 1 to {weeks}."
                ));
            }
            let wanted = channel.trim().to_lowercase();
            let channel = channels
                .iter()
                .position(|c| c.id.to_lowercase() == wanted || c.name.to_lowercase() == wanted)
                .ok_or_else(|| {
                    let known: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
                    format!(
                        "\"{entry}\": there is no channel \"{}\"; use one of {}.",
                        channel.trim(),
                        known.join(", ")
                    )
                })?;
            let amount = parse_money(amount)
                .ok()
                .filter(|a| *a >= 0.0)
                .ok_or_else(|| format!("\"{entry}\": the amount must be $0 or more; {example}."))?;
            Ok((week - 1, channel, amount))
        })
        .collect()
}

/// The channel dynamics of the planner's model (carry-in from its data).
///
/// # Errors
/// Why the model and its data do not fit together, in words.
pub fn horizon_model(planner: &Planner) -> Result<HorizonModel, String> {
    HorizonModel::from_fitted(planner.model(), planner.data())
        .map_err(|e| format!("Planning ahead is not available for this model: {e}."))
}

/// Plans the period and forecasts it.
///
/// # Errors
/// What to change, from the core's error (caps below the budget, fixed amounts above it, …).
pub fn plan_period(
    planner: &Planner,
    model: &HorizonModel,
    optimizer: &mut HorizonOptimizer,
    inputs: &HorizonInputs,
) -> Result<HorizonOutcome, String> {
    let mut params = HorizonParams::new(inputs.weeks, inputs.budget);
    for (channel, cap) in inputs.weekly_caps.iter().enumerate() {
        if let Some(max) = cap {
            params = params.cap_channel_weekly(channel, *max);
        }
    }
    for &(week, channel, amount) in &inputs.fixed {
        params = params.fix(week, channel, amount);
    }
    let sentence = |e: &dyn std::fmt::Display| {
        let text = e.to_string();
        let mut chars = text.chars();
        let first = chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default();
        format!("{first}{}.", chars.as_str())
    };
    let problem = params.check(model).map_err(|e| sentence(&e))?;
    let plan = optimizer.solve(&problem).map_err(|e| sentence(&e))?;
    let forecast = Forecast::new(
        planner.model(),
        planner.data(),
        &plan,
        &ForecastParams::new(),
    )
    .map_err(|e| sentence(&e))?;
    Ok(HorizonOutcome { plan, forecast })
}

/// The certificate in words: what the plan earns, the bound no plan can beat, and the gap.
pub fn certificate_text(plan: &HorizonPlan) -> String {
    let Some(c) = plan.certificate() else {
        return "This plan was evaluated, not optimised: it has no certificate.".to_string();
    };
    let why = if c.concave {
        "every response curve is concave, so the gap is only the solver's tolerance"
    } else {
        "some response curves are S-shaped, so the bound comes from their concave envelopes and the true best lies somewhere in the gap"
    };
    format!(
        "Certificate: this plan adds {} of media revenue (carryover after the period included); no plan within these limits adds more than {}. Gap {} ({} relative): {why}.",
        currency(c.lower_bound),
        currency(c.upper_bound),
        currency(c.gap()),
        format_args!("{:.1e}", c.relative_gap)
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::fitted_planner;

    fn inputs(weeks: usize, budget: f64) -> HorizonInputs {
        HorizonInputs {
            weeks,
            budget,
            weekly_caps: vec![None; 5],
            fixed: Vec::new(),
        }
    }

    #[test]
    fn a_quarter_plan_places_the_budget_within_the_caps_and_is_forecast() {
        let p = fitted_planner();
        let model = horizon_model(p).unwrap();
        let mut optimizer = HorizonOptimizer::new();
        let mut asked = inputs(13, 13.0 * 40_000.0);
        asked.weekly_caps[0] = Some(5_000.0);
        asked.fixed = parse_fixed("1:email=3000; 2:Email=0", p.channels(), 13).unwrap();
        let outcome = plan_period(p, &model, &mut optimizer, &asked).unwrap();
        let plan = &outcome.plan;
        assert_eq!(plan.weeks(), 13);
        assert!(
            (plan.total_spend() - 520_000.0).abs() < 0.01,
            "{}",
            plan.total_spend()
        );
        for week in 0..13 {
            assert!(plan.spend(week, 0) <= 5_000.0 + 1e-6, "week {week}");
        }
        assert!((plan.spend(0, 1) - 3_000.0).abs() < 1e-6);
        assert!(plan.spend(1, 1).abs() < 1e-6);
        let certificate = plan.certificate().unwrap();
        assert!(certificate.upper_bound >= certificate.lower_bound - 1e-6);
        let text = certificate_text(plan);
        assert!(text.starts_with("Certificate: this plan adds $"), "{text}");
        assert_eq!(outcome.forecast.weeks.len(), 13);
        let total: f64 = outcome.forecast.weeks.iter().map(|w| w.revenue).sum();
        assert!((total - outcome.forecast.total_revenue).abs() < 1e-6 * total);
        assert!(outcome.forecast.total_lower < total && total < outcome.forecast.total_upper);
    }

    #[test]
    fn impossible_plans_say_what_to_change() {
        let p = fitted_planner();
        let model = horizon_model(p).unwrap();
        let mut optimizer = HorizonOptimizer::new();
        let mut asked = inputs(4, 100_000.0);
        asked.weekly_caps = vec![Some(1_000.0); 5];
        let e = plan_period(p, &model, &mut optimizer, &asked).unwrap_err();
        assert!(e.starts_with("The caps allow at most"), "{e}");
        assert!(e.ends_with("lower the budget."), "{e}");
    }

    #[test]
    fn typed_inputs_are_read_or_explained() {
        let channels = fitted_planner().channels();
        assert_eq!(parse_weeks(" 13 "), Ok(13));
        for bad in ["0", "53", "x", "1.5"] {
            assert!(
                parse_weeks(bad)
                    .unwrap_err()
                    .starts_with("Type a plan period of 1 to 52 weeks")
            );
        }
        assert_eq!(parse_cap(""), Ok(None));
        assert_eq!(parse_cap("$5,000"), Ok(Some(5_000.0)));
        assert!(parse_cap("-1").is_err());
        assert_eq!(parse_fixed("", channels, 13), Ok(vec![]));
        assert_eq!(
            parse_fixed("3:paid_search=1,000", channels, 13),
            Ok(vec![(2, 0, 1_000.0)])
        );
        assert!(
            parse_fixed("14:email=1", channels, 13)
                .unwrap_err()
                .contains("outside the plan period")
        );
        assert!(
            parse_fixed("1:tv=1", channels, 13)
                .unwrap_err()
                .contains("there is no channel \"tv\"")
        );
        assert!(
            parse_fixed("email 5000", channels, 13)
                .unwrap_err()
                .contains("week:channel=amount")
        );
    }
}
