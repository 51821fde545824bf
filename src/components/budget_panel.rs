//! The budget panel: the weekly total, one control per channel, the note on what the last
//! change did to the other channels, and the balance indicator.

use leptos::prelude::*;

use super::channel_control::ChannelControl;
use crate::format::{currency, parse_money};
use crate::planner::budget::{BudgetRange, BudgetState};
use crate::planner::scenario::ChannelInfo;

/// Parses a total typed by the user: a number in the planner's `range`, `$` and `,`
/// allowed. The error says what to enter; ambiguous separators (`1.500`) are refused, not
/// guessed.
pub fn parse_total(text: &str, range: &BudgetRange) -> Result<f64, String> {
    let outside = || {
        format!(
            "Enter a weekly budget between {} and {} (you typed \"{}\").",
            currency(range.min()),
            currency(range.max()),
            text.trim()
        )
    };
    match parse_money(text) {
        Ok(v) if range.contains(v) => Ok(v),
        Err(error @ crate::format::MoneyError::Ambiguous { .. }) => Err(error.to_string()),
        _ => Err(outside()),
    }
}

/// A message about the budget as it was when the message was set (a refused amount, what a
/// move did to the other channels). It shows only while the budget is unchanged, so it
/// clears by itself after any valid change elsewhere.
#[derive(Debug, Clone, Copy)]
pub struct StateMessage {
    message: RwSignal<Option<(String, BudgetState)>>,
    budget: RwSignal<BudgetState>,
}

impl StateMessage {
    /// No message yet, about `budget`.
    pub fn new(budget: RwSignal<BudgetState>) -> Self {
        Self {
            message: RwSignal::new(None),
            budget,
        }
    }

    /// Sets (or with `None` clears) the message for the budget as it is now. Clearing no
    /// message notifies no one (every slider move clears its control's message).
    pub fn set(&self, message: Option<String>) {
        if message.is_none() && self.message.with_untracked(Option::is_none) {
            return;
        }
        let now = self.budget.get_untracked();
        self.message.set(message.map(|m| (m, now)));
    }

    /// The message, while the budget is still the one it was set for (reactive).
    pub fn get(&self) -> Option<String> {
        self.message.with(|current| {
            current
                .as_ref()
                .filter(|(_, at)| self.budget.with(|b| b == at))
                .map(|(m, _)| m.clone())
        })
    }
}

/// The note on what the last change did to the other channels. A drag fires many `input`
/// events, so the note stays while the same control keeps moving; an ordinary change by
/// another control (or a lock) clears it.
#[derive(Debug, Clone, Copy)]
pub struct ChangeNote {
    /// The control that wrote the note (`None`: the total) and the note.
    note: RwSignal<Option<(Option<usize>, String)>>,
}

impl ChangeNote {
    /// No note yet.
    pub fn new() -> Self {
        Self {
            note: RwSignal::new(None),
        }
    }

    /// Records what a change by `source` (a channel index, or `None` for the total) did.
    pub fn record(&self, source: Option<usize>, note: Option<String>) {
        match note {
            Some(text) => self.note.set(Some((source, text))),
            None => {
                if self
                    .note
                    .with_untracked(|n| n.as_ref().is_some_and(|(by, _)| *by != source))
                {
                    self.note.set(None);
                }
            }
        }
    }

    /// Clears the note.
    pub fn clear(&self) {
        self.note.set(None);
    }

    /// The note (reactive).
    pub fn get(&self) -> Option<String> {
        self.note.with(|n| n.as_ref().map(|(_, text)| text.clone()))
    }
}

impl Default for ChangeNote {
    fn default() -> Self {
        Self::new()
    }
}

/// Total budget slider and field, channel controls that always sum to the total, a note on
/// what the last change did to the other channels, and a ✓ balanced indicator (or why the
/// locks prevent balance).
#[component]
pub fn BudgetPanel(
    /// The budget being edited.
    budget: RwSignal<BudgetState>,
    /// Channels in model order.
    channels: Vec<ChannelInfo>,
    /// The weekly totals offered (the slider's ends and step, what a typed total may be),
    /// from the data: [`crate::planner::scenario::Planner::budget_range`].
    range: BudgetRange,
) -> impl IntoView {
    let total = move || budget.with(|b| b.total());
    let total_error = StateMessage::new(budget);
    let note = ChangeNote::new();
    let balance = move || budget.with(|b| b.balance());
    let set_total = move |v: f64| {
        let adjustment = budget.try_update(|b| b.set_total(v));
        total_error.set(None);
        note.record(None, adjustment.and_then(|a| a.note(None)));
    };

    let rows = channels
        .into_iter()
        .enumerate()
        .map(|(index, channel)| view! { <ChannelControl index channel budget note step=range.channel_step() /> })
        .collect_view();

    view! {
        <section class="card budget-panel" aria-labelledby="budget-heading">
            <h2 id="budget-heading">"Weekly budget"</h2>
            <div class="total-row">
                <label for="total-budget">"Total"</label>
                <input
                    id="total-budget-number"
                    class="money-input"
                    type="text"
                    inputmode="decimal"
                    aria-label="Total weekly budget in dollars"
                    aria-describedby="total-budget-error"
                    aria-invalid=move || if total_error.get().is_some() { "true" } else { "false" }
                    data-testid="total-budget-number"
                    prop:value=move || currency(total())
                    on:change=move |ev| match parse_total(&event_target_value(&ev), &range) {
                        Ok(v) => set_total(v),
                        Err(message) => {
                            // Show the value that still holds.
                            budget.notify();
                            total_error.set(Some(message));
                        }
                    }
                />
            </div>
            <input
                id="total-budget"
                type="range"
                min=range.min()
                max=range.max()
                step=range.step()
                data-testid="total-budget"
                aria-valuetext=move || currency(total())
                prop:value=move || total().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        set_total(v);
                    }
                }
            />
            <p id="total-budget-error" class="field-error" role="alert" data-testid="total-budget-error">{move || total_error.get()}</p>
            <div class="channel-controls">{rows}</div>
            <p class="balance-note" data-testid="balance-note" aria-live="polite">{move || note.get()}</p>
            <p class="balance" class:ok=move || balance().is_balanced() data-testid="balanced" aria-live="polite">
                {move || match balance().message() {
                    None => "✓ balanced: channels add up to the total".to_string(),
                    Some(message) => format!("✗ not balanced. {message}"),
                }}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_parse_with_currency_marks_and_bad_ones_explain() {
        let range = BudgetRange::FALLBACK;
        assert_eq!(parse_total("$45,500", &range), Ok(45_500.0));
        assert_eq!(parse_total(" 10000 ", &range), Ok(10_000.0));
        let error = parse_total("5000", &range).unwrap_err();
        assert!(error.contains("between $10,000 and $100,000"), "{error}");
        assert!(parse_total("abc", &range).unwrap_err().contains("\"abc\""));
        assert!(parse_total("NaN", &range).is_err());
    }

    #[test]
    fn the_range_of_typed_totals_follows_the_data() {
        let tiny = BudgetRange::around(300.0);
        assert_eq!(parse_total("$450", &tiny), Ok(450.0));
        let error = parse_total("10,000", &tiny).unwrap_err();
        assert!(error.contains("between $60 and $900"), "{error}");
        let huge = BudgetRange::around(3_000_000.0);
        assert_eq!(parse_total("2,500,000", &huge), Ok(2_500_000.0));
        assert!(
            parse_total("45,500", &huge)
                .unwrap_err()
                .contains("between $600,000 and $9,000,000")
        );
    }

    #[test]
    fn an_ambiguous_total_asks_for_an_unambiguous_form() {
        let error = parse_total("45.500", &BudgetRange::FALLBACK).unwrap_err();
        assert!(error.contains("could mean 45500 or 45.5"), "{error}");
    }
}
