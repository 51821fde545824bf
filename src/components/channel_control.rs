//! One channel's slider, amount field and lock.

use leptos::prelude::*;

use crate::format::{currency, parse_money, percent};
use crate::planner::budget::BudgetState;
use crate::planner::scenario::ChannelInfo;

/// Step of the channel sliders (keyboard arrows move by this much).
pub const CHANNEL_STEP: f64 = 100.0;

/// Parses an amount typed for a channel: a non-negative number, `$` and `,` allowed.
pub fn parse_amount(text: &str) -> Result<f64, String> {
    match parse_money(text) {
        Some(v) if v >= 0.0 => Ok(v),
        _ => Err(format!(
            "Enter a weekly amount of $0 or more (you typed \"{}\").",
            text.trim()
        )),
    }
}

/// A channel's weekly spend: slider (0 to the total), amount field and lock. Moving it
/// rebalances the other unlocked channels; a locked channel's controls are disabled.
#[component]
pub fn ChannelControl(
    /// The channel's position in the model.
    index: usize,
    /// Its id (for test ids) and display name.
    channel: ChannelInfo,
    /// The budget being edited.
    budget: RwSignal<BudgetState>,
) -> impl IntoView {
    let spend = move || budget.with(|b| b.spend().get(index).copied().unwrap_or(0.0));
    let locked = move || budget.with(|b| b.locked().get(index).copied().unwrap_or(false));
    let share = move || {
        budget.with(|b| {
            if b.total() > 0.0 {
                spend() / b.total()
            } else {
                0.0
            }
        })
    };
    let total = move || budget.with(|b| b.total());
    let (error, set_error) = signal(None::<String>);
    let slider_id = format!("channel-slider-{}", channel.id);
    let name = channel.name.clone();

    view! {
        <div class="channel-control" class:locked=locked data-channel=channel.id.clone() data-spend=move || spend().to_string()>
            <div class="channel-head">
                <label for=slider_id.clone()>{channel.name.clone()}</label>
                <span class="share">{move || percent(share())}</span>
                <input
                    class="money-input small"
                    type="text"
                    inputmode="decimal"
                    aria-label=format!("{name} weekly spend in dollars")
                    data-testid=format!("channel-amount-{}", channel.id)
                    prop:value=move || currency(spend())
                    prop:disabled=locked
                    on:change=move |ev| match parse_amount(&event_target_value(&ev)) {
                        Ok(v) => {
                            set_error.set(None);
                            budget.update(|b| b.set_channel(index, v));
                        }
                        Err(message) => {
                            set_error.set(Some(message));
                            budget.update(|_| {});
                        }
                    }
                />
                <label class="lock">
                    <input
                        type="checkbox"
                        data-testid=format!("channel-lock-{}", channel.id)
                        aria-label=format!("Lock {}", channel.name)
                        prop:checked=locked
                        on:change=move |ev| budget.update(|b| b.set_locked(index, event_target_checked(&ev)))
                    />
                    "lock"
                </label>
            </div>
            <input
                id=slider_id
                type="range"
                min="0"
                max=move || total().to_string()
                step=CHANNEL_STEP
                data-testid=format!("channel-slider-{}", channel.id)
                aria-valuetext=move || currency(spend())
                prop:value=move || spend().to_string()
                prop:disabled=locked
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        set_error.set(None);
                        budget.update(|b| b.set_channel(index, v));
                    }
                }
            />
            <p class="field-error" role="alert">{move || error.get()}</p>
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
}
