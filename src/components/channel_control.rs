//! One channel's slider, amount field and lock.

use leptos::prelude::*;

use super::budget_panel::{ChangeNote, StateMessage};
use crate::format::{MoneyError, currency, parse_money, percent};
use crate::planner::budget::BudgetState;
use crate::planner::scenario::ChannelInfo;

/// Parses an amount typed for a channel: a non-negative number, `$` and `,` allowed;
/// ambiguous separators (`1.500`, `12,5`) are refused, not guessed.
pub fn parse_amount(text: &str) -> Result<f64, String> {
    match parse_money(text) {
        Ok(v) if v >= 0.0 => Ok(v),
        Err(error @ MoneyError::Ambiguous { .. }) => Err(error.to_string()),
        _ => Err(format!(
            "Enter a weekly amount of $0 or more (you typed \"{}\").",
            text.trim()
        )),
    }
}

/// Why the only unlocked channel's controls are disabled.
pub const ONLY_UNLOCKED_HINT: &str =
    "The only unlocked channel takes what is left of the total: unlock another channel to move it.";

/// A channel's weekly spend: slider (0 to the total), amount field and lock. Moving it
/// rebalances the other unlocked channels; a locked channel's controls are disabled, and so
/// are those of the only unlocked channel (with the reason). A typed amount that does not
/// fit is refused with a message tied to the field; the old amount stays.
#[component]
pub fn ChannelControl(
    /// The channel's position in the model.
    index: usize,
    /// Its id (for test ids) and display name.
    channel: ChannelInfo,
    /// The budget being edited.
    budget: RwSignal<BudgetState>,
    /// The panel's note on what the last change did to the other channels.
    note: ChangeNote,
    /// Step of the slider (keyboard arrows move by this much), from the data's budget
    /// range: [`crate::planner::budget::BudgetRange::channel_step`].
    step: f64,
) -> impl IntoView {
    let spend = move || budget.with(|b| b.spend().get(index).copied().unwrap_or(0.0));
    let locked = move || budget.with(|b| b.locked().get(index).copied().unwrap_or(false));
    let only_unlocked = move || budget.with(|b| b.only_unlocked(index));
    // Share of what is actually placed, so the shares add up to 100 % even when locks
    // put more than the total.
    let share = move || {
        budget.with(|b| {
            let placed = b.allocated();
            if placed > 0.0 {
                percent(spend() / placed)
            } else {
                percent(0.0)
            }
        })
    };
    let total = move || budget.with(|b| b.total());
    let error = StateMessage::new(budget);
    let id = channel.id.clone();
    let slider_id = format!("channel-slider-{id}");
    let error_id = format!("channel-error-{id}");
    let hint_id = format!("channel-hint-{id}");
    let name = channel.name.clone();
    let note_name = name.clone();
    let typed_name = name.clone();

    view! {
        <div class="channel-control" class:locked=locked data-channel=id.clone() data-spend=move || spend().to_string()>
            <div class="channel-head">
                <label for=slider_id.clone()>{name.clone()}</label>
                <span class="share">{share}</span>
                <input
                    class="money-input small"
                    type="text"
                    inputmode="decimal"
                    aria-label=format!("{name} weekly spend in dollars")
                    aria-describedby=format!("{error_id} {hint_id}")
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    data-testid=format!("channel-amount-{id}")
                    prop:value=move || currency(spend())
                    prop:disabled=move || locked() || only_unlocked()
                    on:change=move |ev| {
                        let outcome = parse_amount(&event_target_value(&ev)).and_then(|v| {
                            budget
                                .try_update(|b| b.try_set_channel(index, v))
                                .unwrap_or(Ok(crate::planner::budget::Adjustment::Unchanged))
                                .map_err(|refused| refused.to_string())
                        });
                        match outcome {
                            Ok(adjustment) => {
                                error.set(None);
                                note.record(Some(index), adjustment.note(Some(&typed_name)));
                            }
                            Err(message) => {
                                // Show the amount that still holds.
                                budget.notify();
                                error.set(Some(message));
                            }
                        }
                    }
                />
                <label class="lock">
                    <input
                        type="checkbox"
                        data-testid=format!("channel-lock-{id}")
                        aria-label=format!("Lock {name}")
                        prop:checked=locked
                        on:change=move |ev| {
                            budget.update(|b| b.set_locked(index, event_target_checked(&ev)));
                            note.clear();
                        }
                    />
                    "lock"
                </label>
            </div>
            <input
                id=slider_id
                type="range"
                min="0"
                max=move || total().to_string()
                step=step
                data-testid=format!("channel-slider-{id}")
                aria-valuetext=move || currency(spend())
                aria-describedby=hint_id.clone()
                prop:value=move || spend().to_string()
                prop:disabled=move || locked() || only_unlocked()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        let adjustment = budget.try_update(|b| b.set_channel(index, v));
                        error.set(None);
                        note.record(Some(index), adjustment.and_then(|a| a.note(Some(&note_name))));
                    }
                }
            />
            <p id=hint_id class="field-hint" data-testid=format!("channel-hint-{id}")>
                {move || only_unlocked().then_some(ONLY_UNLOCKED_HINT)}
            </p>
            <p id=error_id class="field-error" role="alert" data-testid=format!("channel-amount-error-{id}")>
                {move || error.get()}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_and_negative_ones_explain() {
        assert_eq!(parse_amount("$1,250"), Ok(1_250.0));
        assert!(parse_amount("-5").unwrap_err().contains("$0 or more"));
    }

    #[test]
    fn ambiguous_amounts_ask_for_an_unambiguous_form() {
        let error = parse_amount("12,5").unwrap_err();
        assert!(error.contains("could mean 12.5 or 125"), "{error}");
        let error = parse_amount("1.500").unwrap_err();
        assert!(error.contains("could mean 1500 or 1.5"), "{error}");
    }
}
