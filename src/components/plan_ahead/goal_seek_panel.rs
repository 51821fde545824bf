//! `<GoalSeekPanel>`: the three goal-seek questions — the smallest budget reaching a revenue
//! target, the largest whose media ROAS stays above a target, and where the next dollars
//! should go. Each is an exact optimum of the core, under the page's locks, in the model's
//! form (additive or multiplicative: media revenue and ROAS are the form's).

use std::sync::Arc;

use leptos::prelude::*;

use super::goal_form::{GoalAnswer, GoalForm};
use crate::format::{currency, parse_money};
use crate::planner::budget::{BudgetRange, BudgetState};
use crate::planner::goal_seek::{
    budget_for_revenue, budget_for_roas, next_dollars, next_dollars_sentence, revenue_sentence,
    roas_sentence,
};
use crate::planner::scenario::Planner;

/// The amount "where should the next dollars go" starts at, in steps of the total slider.
const NEXT_DOLLARS_STEPS: f64 = 20.0;

/// Reads a ROAS typed as `2.5`, `2.5x` or `2.5×`.
fn parse_roas(text: &str) -> Result<f64, String> {
    let cleaned = text.trim().trim_end_matches(['x', 'X', '×']).trim();
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|r| r.is_finite() && *r > 0.0)
        .ok_or_else(|| {
            format!(
                "\"{}\" is not a ROAS: type a number above 0, e.g. 2.5.",
                text.trim()
            )
        })
}

/// The goal-seek card. Answers follow the plan: a lock or a move re-answers at once.
#[component]
pub fn GoalSeekPanel(
    /// The fitted model and its channels.
    planner: Arc<Planner>,
    /// The budget being edited (for the locks and the current split).
    budget: RwSignal<BudgetState>,
    /// The weekly totals the planner offers: budgets are searched up to its top, and "where
    /// should the next dollars go" starts at twenty of its steps ($10,000 for the store).
    range: BudgetRange,
) -> impl IntoView {
    let max_budget = range.max();
    // To the cent: no float noise in the field.
    let next_default = format!(
        "{}",
        (range.step() * NEXT_DOLLARS_STEPS * 100.0).round() / 100.0
    );
    let p = planner.clone();
    let revenue = move |text: &str| {
        let target = parse_money(text).map_err(|e| e.to_string())?;
        let bounds = budget.with(BudgetState::bounds);
        budget_for_revenue(&p, &bounds, target, max_budget)
            .map(|answer| GoalAnswer {
                sentence: revenue_sentence(&p, target, &answer),
                value: answer.budget,
            })
            .map_err(|e| e.to_string())
    };
    let p = planner.clone();
    let roas = move |text: &str| {
        let target = parse_roas(text)?;
        let bounds = budget.with(BudgetState::bounds);
        budget_for_roas(&p, &bounds, target, max_budget)
            .map(|answer| GoalAnswer {
                sentence: roas_sentence(&p, target, &answer, &range),
                value: answer.budget,
            })
            .map_err(|e| e.to_string())
    };
    let p = planner;
    let next = move |text: &str| {
        let extra = parse_money(text).map_err(|e| e.to_string())?;
        budget
            .with(|b| next_dollars(&p, b, extra))
            .map(|next| GoalAnswer {
                sentence: next_dollars_sentence(&p, &next),
                value: next.revenue_gain,
            })
            .map_err(|e| e.to_string())
    };
    view! {
        <section class="card goal-seek" aria-labelledby="goal-seek-heading" data-testid="goal-seek">
            <h3 id="goal-seek-heading">"Goal-seek"</h3>
            <GoalForm
                label="Smallest weekly budget that reaches a weekly revenue of"
                test_id="goal-revenue"
                placeholder="e.g. 150000"
                answer=revenue
            />
            <GoalForm
                label="Largest weekly budget that keeps the media ROAS at or above"
                test_id="goal-roas"
                placeholder="e.g. 2.5"
                answer=roas
            />
            <GoalForm
                label="Where should this much more per week go?"
                test_id="goal-next"
                placeholder=format!("e.g. {next_default}")
                initial=next_default
                answer=next
            />
            <p class="footnote">{format!("Locked channels stay at their spend. Budgets are searched up to the planner's largest, {} per week.", currency(max_budget))}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roas_targets_parse_with_or_without_the_times_sign() {
        assert_eq!(parse_roas("2.5"), Ok(2.5));
        assert_eq!(parse_roas(" 3x "), Ok(3.0));
        assert_eq!(parse_roas("1.5×"), Ok(1.5));
        for bad in ["", "0", "-1", "abc", "inf"] {
            assert!(
                parse_roas(bad)
                    .unwrap_err()
                    .contains("type a number above 0"),
                "{bad}"
            );
        }
    }
}
