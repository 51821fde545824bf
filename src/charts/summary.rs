//! Text alternatives of the planner's charts: what each figure shows, in words and the
//! page's own number formats, for screen readers (each chart's `aria-describedby`) and for
//! anyone who cannot tell its colours apart. Plain Rust, tested natively.
//!
//! Each function mirrors one builder in [`super::figures`] and reads the same planner and
//! scenario, so the words always say what the chart draws.

use std::cmp::Ordering;

use super::response::channel_responses;
use crate::format::{NO_VALUE, change_sign, currency, decimal, percent, signed_currency};
use crate::planner::scenario::{Planner, Scenario};
use crate::planner::validity::no_split_message;

/// How a change shows in words: `gain` above $0, `loss` below, `no change` when it rounds to
/// $0 (the same rule as its sign, [`change_sign`]).
pub fn change_word(change: f64) -> &'static str {
    match change_sign(change) {
        Ordering::Greater => "gain",
        Ordering::Less => "loss",
        Ordering::Equal => "no change",
    }
}

/// `+$1,234 (gain)`, `-$300 (loss)`, `$0 (no change)`: a change with its sign and its word.
pub fn labelled_change(change: f64) -> String {
    format!("{} ({})", signed_currency(change), change_word(change))
}

fn channel_names(planner: &Planner) -> impl Iterator<Item = &str> {
    planner.channels().iter().map(|c| c.name.as_str())
}

/// The contribution chart: each channel's weekly revenue contribution and its change against
/// the historical mix at the same total, e.g. `Paid Search $12,345 per week, +$234 (gain)`.
/// When channels multiply revenue the contributions are removal effects (what revenue would
/// lose without the channel), which the text says, with their sum beside the media revenue
/// `R(x) − B̄` they exceed.
pub fn contribution_summary(planner: &Planner, scenario: &Scenario) -> String {
    let items: Vec<String> = scenario
        .rows
        .iter()
        .zip(channel_names(planner))
        .map(|(row, name)| {
            format!(
                "{name} {} per week, {}",
                currency(row.contribution),
                labelled_change(row.contribution - row.historical_contribution)
            )
        })
        .collect();
    if !planner.revenue_form().is_multiplicative() {
        return format!(
            "Weekly revenue contribution by channel, against the historical mix at the same total: {}.",
            items.join("; ")
        );
    }
    let overlap: f64 = scenario.current.contributions().iter().sum();
    format!(
        "Weekly revenue lost without each channel, against the historical mix at the same total: {}. In this model channels multiply revenue, so these amounts overlap: together they come to {}, more than the {} of media revenue.",
        items.join("; "),
        currency(overlap),
        currency(scenario.media())
    )
}

/// The split chart: current and optimal weekly spend per channel (or why there is no
/// optimal split).
pub fn split_summary(planner: &Planner, scenario: &Scenario) -> String {
    let items: Vec<String> = scenario
        .rows
        .iter()
        .zip(channel_names(planner))
        .map(|(row, name)| match row.optimal_spend {
            Some(optimal) => format!(
                "{name} {} now, {} best under the model",
                currency(row.spend),
                currency(optimal)
            ),
            None => format!("{name} {} now", currency(row.spend)),
        })
        .collect();
    let tail = match &scenario.optimal {
        Ok(_) => String::new(),
        Err(reason) => format!(
            " No best split under the model: {}",
            no_split_message(reason)
        ),
    };
    format!(
        "Current and best weekly spend per channel under the model: {}.{tail}",
        items.join("; ")
    )
}

/// The donut: the recommended split's amount and share per channel, or why there is none.
pub fn donut_summary(planner: &Planner, scenario: &Scenario) -> String {
    match &scenario.optimal {
        Err(reason) => format!("No recommended split: {}", no_split_message(reason)),
        Ok(optimal) if optimal.budget() <= 0.0 => {
            "No recommended split: there is no budget to split; raise the total.".to_string()
        }
        Ok(optimal) => {
            let budget = optimal.budget();
            let items: Vec<String> = optimal
                .spend()
                .iter()
                .zip(channel_names(planner))
                .map(|(&spend, name)| {
                    format!("{name} {} ({})", currency(spend), percent(spend / budget))
                })
                .collect();
            format!(
                "Recommended split of {} per week: {}.",
                currency(budget),
                items.join("; ")
            )
        }
    }
}

/// The response curves: for each channel, the weekly revenue its current and optimal spend
/// earn on its curve ([`super::response::ChannelResponse`]: `f_c(x)`, or when channels multiply revenue
/// `R(x, x_{−c}) − R(0, x_{−c})` with the others at the current split), and the spend at
/// half saturation (where the revenue it adds reaches half its most:
/// [`super::response::ChannelResponse::half_saturation`]).
pub fn response_summary(planner: &Planner, scenario: &Scenario) -> String {
    let half = if planner.revenue_form().is_multiplicative() {
        "adds half its most at"
    } else {
        "half saturation at"
    };
    let items: Vec<String> = channel_responses(planner, scenario.current.spend())
        .iter()
        .zip(&scenario.rows)
        .zip(channel_names(planner))
        .map(|((curve, row), name)| {
            let optimal = row
                .optimal_spend
                .map(|x| format!(", best {} earns {}", currency(x), currency(curve.value(x))))
                .unwrap_or_default();
            format!(
                "{name}: current {} earns {}{optimal}; {half} {}",
                currency(row.spend),
                currency(curve.value(row.spend)),
                currency(curve.half_saturation())
            )
        })
        .collect();
    if planner.revenue_form().is_multiplicative() {
        return format!(
            "Weekly revenue each channel adds against its weekly spend, with the other channels at the current split (channels multiply revenue in this model, so a channel earns more when the others spend more), rising with diminishing returns. {}.",
            items.join(". ")
        );
    }
    format!(
        "Weekly revenue against weekly spend per channel, rising with diminishing returns. {}.",
        items.join(". ")
    )
}

/// The fit chart: the weeks shown, the range of actual revenue, and how well the model
/// predicts the holdout weeks.
pub fn fit_summary(planner: &Planner) -> String {
    let model = planner.model();
    let weeks = model.weeks();
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return "No weeks to show.".to_string();
    };
    let actual = model.actual();
    let low = actual.iter().copied().fold(f64::INFINITY, f64::min);
    let high = actual.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let holdout = weeks.len() - model.holdout_start();
    let holdout_from = weeks
        .get(model.holdout_start())
        .map(|w| w.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| NO_VALUE.into());
    let metrics = model.metrics();
    format!(
        "Actual and modelled weekly revenue for {} weeks, {} to {}; actual revenue ranged from {} to {}. The last {holdout} weeks, from {holdout_from}, are held out and predicted out of sample: test R² {}, mean absolute percentage error {}.",
        weeks.len(),
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d"),
        currency(low),
        currency(high),
        decimal(metrics.r2_test, 2),
        percent(metrics.mape_test)
    )
}

/// The decomposition chart: the average weekly revenue of each source over the data (and,
/// when channels multiply revenue, how media revenue is split between them; see
/// [`super::figures::decomposition_figure`]).
pub fn decomposition_summary(planner: &Planner) -> String {
    let d = planner.model().revenue_decomposition();
    let n = d.baseline.len();
    if n == 0 {
        return "No weeks to show.".to_string();
    }
    let mean = |values: &mut dyn Iterator<Item = f64>| values.sum::<f64>() / n as f64;
    let mut items = vec![
        format!(
            "base and trend {}",
            currency(mean(
                &mut d.baseline.iter().zip(&d.trend).map(|(b, t)| b + t)
            ))
        ),
        format!(
            "seasonality {}",
            currency(mean(&mut d.seasonality.iter().copied()))
        ),
        format!(
            "controls {}",
            currency(mean(
                &mut (0..n).map(|t| d.controls.iter().map(|c| c.values[t]).sum::<f64>())
            ))
        ),
    ];
    for (c, series) in d.channels.iter().enumerate() {
        let name = planner
            .channels()
            .get(c)
            .map_or(series.name.as_str(), |ch| ch.name.as_str());
        items.push(format!(
            "{name} {}",
            currency(mean(&mut series.values.iter().copied()))
        ));
    }
    let text = format!(
        "Modelled weekly revenue stacked by source over {n} weeks; average per week: {}.",
        items.join("; ")
    );
    if planner.revenue_form().is_multiplicative() {
        format!(
            "{text} Channels multiply revenue in this model: each week's media revenue is split between the channels in proportion to their effect on ln revenue, so a channel's part is its share of media revenue, not what revenue would lose without it."
        )
    } else {
        text
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

    #[test]
    fn changes_carry_a_sign_and_a_word() {
        assert_eq!(labelled_change(1_234.4), "+$1,234 (gain)");
        assert_eq!(labelled_change(-300.0), "-$300 (loss)");
        assert_eq!(labelled_change(0.4), "$0 (no change)");
        assert_eq!(labelled_change(-0.4), "$0 (no change)");
        assert_eq!(change_word(f64::NAN), "no change");
    }

    #[test]
    fn the_contribution_summary_names_every_channel_with_its_change() {
        let planner = fitted_planner();
        let mut budget =
            BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        // Move spend to the last channel: it gains, the others lose.
        let last = planner.channels().len() - 1;
        budget.set_channel(last, budget.spend()[last] + 2_000.0);
        let scenario = planner.scenario(&budget);
        let text = contribution_summary(planner, &scenario);
        for (row, channel) in scenario.rows.iter().zip(planner.channels()) {
            let change = row.contribution - row.historical_contribution;
            let expected = format!(
                "{} {} per week, {}",
                channel.name,
                currency(row.contribution),
                labelled_change(change)
            );
            assert!(text.contains(&expected), "{expected} in {text}");
        }
        assert!(text.contains("(gain)") && text.contains("(loss)"), "{text}");
    }

    #[test]
    fn split_and_donut_summaries_say_the_amounts_or_why_there_is_no_split() {
        let planner = fitted_planner();
        let scenario = planner.scenario(&BudgetState::from_mix(
            planner.historical_total(),
            planner.historical_mix(),
        ));
        let split = split_summary(planner, &scenario);
        let donut = donut_summary(planner, &scenario);
        let optimal = scenario.optimal.as_ref().expect("a split");
        for ((row, channel), &best) in scenario
            .rows
            .iter()
            .zip(planner.channels())
            .zip(optimal.spend())
        {
            assert!(
                split.contains(&format!(
                    "{} {} now, {} best under the model",
                    channel.name,
                    currency(row.spend),
                    currency(best)
                )),
                "{split}"
            );
            assert!(
                donut.contains(&format!("{} {} (", channel.name, currency(best))),
                "{donut}"
            );
        }

        let mut locked = BudgetState::from_mix(30_000.0, planner.historical_mix());
        locked.set_locked(0, true);
        locked.set_locked(1, true);
        locked.set_total(1_000.0);
        let scenario = planner.scenario(&locked);
        let reason = no_split_message(scenario.optimal.as_ref().unwrap_err());
        assert!(split_summary(planner, &scenario).ends_with(&reason));
        assert_eq!(
            donut_summary(planner, &scenario),
            format!("No recommended split: {reason}")
        );
    }

    #[test]
    fn response_fit_and_decomposition_summaries_carry_their_numbers() {
        let planner = fitted_planner();
        let scenario = planner.scenario(&BudgetState::from_mix(
            planner.historical_total(),
            planner.historical_mix(),
        ));
        let response = response_summary(planner, &scenario);
        for ((curve, row), channel) in planner
            .curves()
            .iter()
            .zip(&scenario.rows)
            .zip(planner.channels())
        {
            assert!(
                response.contains(&format!(
                    "{}: current {} earns {}",
                    channel.name,
                    currency(row.spend),
                    currency(curve.value(row.spend))
                )),
                "{response}"
            );
        }

        let model = planner.model();
        let fit = fit_summary(planner);
        assert!(
            fit.contains(&format!("for {} weeks", model.weeks().len())),
            "{fit}"
        );
        assert!(
            fit.contains(&format!("test R² {}", decimal(model.metrics().r2_test, 2))),
            "{fit}"
        );

        let decomposition = decomposition_summary(planner);
        for channel in planner.channels() {
            assert!(
                decomposition.contains(&format!("{} $", channel.name)),
                "{decomposition}"
            );
        }
        assert!(!decomposition.contains("NaN") && !fit.contains("NaN"));
    }

    #[test]
    fn multiplicative_summaries_say_what_their_numbers_mean() {
        let planner = fitted_multiplicative_planner();
        let scenario = planner.scenario(&BudgetState::from_mix(
            planner.historical_total(),
            planner.historical_mix(),
        ));
        let spend = scenario.current.spend().to_vec();

        let contribution = contribution_summary(planner, &scenario);
        assert!(
            contribution.starts_with("Weekly revenue lost without each channel"),
            "{contribution}"
        );
        let overlap: f64 = scenario.rows.iter().map(|r| r.contribution).sum();
        assert!(overlap > scenario.media(), "removal effects overlap");
        assert!(
            contribution.ends_with(&format!(
                "together they come to {}, more than the {} of media revenue.",
                currency(overlap),
                currency(scenario.media())
            )),
            "{contribution}"
        );

        // The response summary's amounts are revenue the channel adds, from the model.
        let response = response_summary(planner, &scenario);
        assert!(response.contains("with the other channels at the current split"));
        let model = planner.model();
        for (c, (row, channel)) in scenario.rows.iter().zip(planner.channels()).enumerate() {
            let mut without = spend.clone();
            without[c] = 0.0;
            let added =
                model.predict(&spend).unwrap().revenue - model.predict(&without).unwrap().revenue;
            assert!(
                response.contains(&format!(
                    "{}: current {} earns {}",
                    channel.name,
                    currency(row.spend),
                    currency(added)
                )),
                "{} earns {} in {response}",
                channel.name,
                currency(added)
            );
        }

        let decomposition = decomposition_summary(planner);
        assert!(
            decomposition
                .contains("its share of media revenue, not what revenue would lose without it"),
            "{decomposition}"
        );
        assert!(!decomposition.contains("NaN"));

        // The additive texts do not carry the multiplicative words.
        let additive = fitted_planner();
        let at_history = additive.scenario(&BudgetState::from_mix(
            additive.historical_total(),
            additive.historical_mix(),
        ));
        assert!(
            contribution_summary(additive, &at_history)
                .starts_with("Weekly revenue contribution by channel")
        );
        assert!(!response_summary(additive, &at_history).contains("current split"));
        assert!(!decomposition_summary(additive).contains("share of media revenue"));
    }
}
