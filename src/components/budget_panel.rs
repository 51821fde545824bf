//! The budget panel: the weekly total, one control per channel, and the balance indicator.

use leptos::prelude::*;

use super::channel_control::ChannelControl;
use crate::format::{currency, parse_money};
use crate::planner::budget::BudgetState;
use crate::planner::scenario::ChannelInfo;

/// Smallest weekly total the planner offers.
pub const MIN_TOTAL: f64 = 10_000.0;
/// Largest weekly total the planner offers.
pub const MAX_TOTAL: f64 = 100_000.0;
/// Step of the total slider.
pub const TOTAL_STEP: f64 = 500.0;

/// Parses a total typed by the user: a number in `[MIN_TOTAL, MAX_TOTAL]`, `$` and `,`
/// allowed. The error says what to enter.
pub fn parse_total(text: &str) -> Result<f64, String> {
    match parse_money(text) {
        Some(v) if (MIN_TOTAL..=MAX_TOTAL).contains(&v) => Ok(v),
        _ => Err(format!(
            "Enter a weekly budget between {} and {} (you typed \"{}\").",
            currency(MIN_TOTAL),
            currency(MAX_TOTAL),
            text.trim()
        )),
    }
}

/// Total budget slider and field, channel controls that always sum to the total, and a
/// ✓ balanced indicator (or why the locks prevent balance).
#[component]
pub fn BudgetPanel(
    /// The budget being edited.
    budget: RwSignal<BudgetState>,
    /// Channels in model order.
    channels: Vec<ChannelInfo>,
) -> impl IntoView {
    let total = move || budget.with(|b| b.total());
    let (total_error, set_total_error) = signal(None::<String>);
    let balance = move || budget.with(|b| b.balance());

    let rows = channels
        .into_iter()
        .enumerate()
        .map(|(index, channel)| view! { <ChannelControl index channel budget /> })
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
                    data-testid="total-budget-number"
                    prop:value=move || currency(total())
                    on:change=move |ev| match parse_total(&event_target_value(&ev)) {
                        Ok(v) => {
                            set_total_error.set(None);
                            budget.update(|b| b.set_total(v));
                        }
                        Err(message) => {
                            set_total_error.set(Some(message));
                            // Show the value that still holds.
                            budget.update(|_| {});
                        }
                    }
                />
            </div>
            <input
                id="total-budget"
                type="range"
                min=MIN_TOTAL
                max=MAX_TOTAL
                step=TOTAL_STEP
                data-testid="total-budget"
                aria-valuetext=move || currency(total())
                prop:value=move || total().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        set_total_error.set(None);
                        budget.update(|b| b.set_total(v));
                    }
                }
            />
            <p class="field-error" role="alert" data-testid="total-budget-error">{move || total_error.get()}</p>
            <div class="channel-controls">{rows}</div>
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
        assert_eq!(parse_total("$45,500"), Ok(45_500.0));
        assert_eq!(parse_total(" 10000 "), Ok(10_000.0));
        let error = parse_total("5000").unwrap_err();
        assert!(error.contains("between $10,000 and $100,000"), "{error}");
        assert!(parse_total("abc").unwrap_err().contains("\"abc\""));
        assert!(parse_total("NaN").is_err());
    }
}
