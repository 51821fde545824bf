//! `<WhatIfForm>`: "+X % on one channel, everything else unchanged" → the revenue change.

use std::sync::Arc;

use leptos::prelude::*;

use crate::format::{currency, decimal, signed_currency, signed_percent};
use crate::planner::scenario::{Planner, Scenario};
use crate::planner::what_if::{WhatIfOutcome, parse_percent, what_if};

/// The what-if answer in words.
pub fn what_if_sentence(
    name: &str,
    percent: f64,
    outcome: &WhatIfOutcome,
    revenue_before: f64,
) -> String {
    let per_dollar = outcome
        .incremental_roas()
        .map(|r| format!(" ({} per extra dollar)", format_args!("${}", decimal(r, 2))))
        .unwrap_or_default();
    format!(
        "{} on {name} ({} → {} per week, everything else unchanged) changes predicted revenue by {} per week ({}){per_dollar}. Media ROAS: {}× → {}×.",
        signed_percent(percent / 100.0),
        currency(outcome.spend_before),
        currency(outcome.spend_after),
        signed_currency(outcome.revenue_change),
        signed_percent(outcome.revenue_change / revenue_before),
        decimal(outcome.roas_before, 2),
        decimal(outcome.roas_after, 2),
    )
}

/// A channel picker and a percentage; the answer follows the plan as it changes.
#[component]
pub fn WhatIfForm(
    /// The fitted model and its channels.
    planner: Arc<Planner>,
    /// The evaluated current plan.
    #[prop(into)]
    scenario: Signal<Scenario>,
) -> impl IntoView {
    let channel = RwSignal::new(0usize);
    let text = RwSignal::new("30".to_string());
    let p = planner.clone();
    let result = Memo::new(move |_| {
        let percent = text.with(|t| parse_percent(t)).map_err(|e| e.to_string())?;
        let c = channel.get();
        scenario.with(|s| {
            what_if(&p, &s.current, c, percent)
                .map(|o| {
                    let name = p
                        .channels()
                        .get(c)
                        .map(|ch| ch.name.as_str())
                        .unwrap_or_default();
                    (
                        what_if_sentence(name, percent, &o, s.revenue),
                        o.revenue_change,
                    )
                })
                .map_err(|e| e.to_string())
        })
    });
    let options = planner
        .channels()
        .iter()
        .enumerate()
        .map(|(i, c)| view! { <option value=i.to_string()>{c.name.clone()}</option> })
        .collect_view();
    view! {
        <section class="card what-if" aria-labelledby="what-if-heading" data-testid="what-if">
            <h3 id="what-if-heading">"What if…"</h3>
            <div class="what-if-row">
                <label for="what-if-percent">"Change"</label>
                <input
                    id="what-if-percent"
                    class="money-input small"
                    type="text"
                    inputmode="decimal"
                    data-testid="what-if-percent"
                    aria-describedby="what-if-error"
                    aria-invalid=move || result.with(|r| r.is_err()).to_string()
                    prop:value=move || text.get()
                    on:change=move |ev| text.set(event_target_value(&ev))
                />
                <span>"% on"</span>
                <select
                    aria-label="Channel"
                    data-testid="what-if-channel"
                    on:change=move |ev| {
                        if let Ok(c) = event_target_value(&ev).parse::<usize>() {
                            channel.set(c);
                        }
                    }
                >
                    {options}
                </select>
            </div>
            <p
                class="goal-answer"
                aria-live="polite"
                data-testid="what-if-answer"
                data-value=move || result.with(|r| r.as_ref().map(|(_, v)| v.to_string()).unwrap_or_default())
            >
                {move || result.with(|r| r.as_ref().map(|(s, _)| s.clone()).unwrap_or_default())}
            </p>
            <p id="what-if-error" class="field-error" role="alert" data-testid="what-if-error">
                {move || result.with(|r| r.as_ref().err().cloned().unwrap_or_default())}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_states_the_change_and_its_price() {
        let outcome = WhatIfOutcome {
            spend_before: 10_000.0,
            spend_after: 13_000.0,
            revenue_change: 1_500.0,
            revenue_after: 101_500.0,
            roas_before: 2.0,
            roas_after: 1.9,
        };
        assert_eq!(
            what_if_sentence("Paid Search", 30.0, &outcome, 100_000.0),
            "+30.0% on Paid Search ($10,000 → $13,000 per week, everything else unchanged) changes predicted revenue by +$1,500 per week (+1.5%) ($0.50 per extra dollar). Media ROAS: 2.00× → 1.90×."
        );
    }
}
