//! `<LimitField>`: one typed limit of the horizon plan — an amount (a cap) or a list of
//! entries (week caps, fixed amounts) — as a labelled text field whose text the horizon
//! panel holds and parses on every input event.

use leptos::prelude::*;

/// A labelled text field bound to `text`.
#[component]
pub fn LimitField(
    /// The label's text, e.g. "Max total per week".
    #[prop(into)]
    label: String,
    /// The example shown while the field is empty, e.g. "no cap".
    #[prop(into)]
    placeholder: String,
    /// The field's `data-testid`.
    #[prop(into)]
    test_id: String,
    /// The text typed (held by the panel, which parses it).
    text: RwSignal<String>,
    /// An amount (a narrow money field with a decimal keyboard) rather than a list of
    /// entries (a wide text field).
    #[prop(optional)]
    amount: bool,
) -> impl IntoView {
    let (label_class, input_class, mode) = if amount {
        ("", "money-input small", "decimal")
    } else {
        ("horizon-fixed", "", "text")
    };
    view! {
        <label class=label_class>
            {label}
            <input
                class=input_class
                type="text"
                inputmode=mode
                placeholder=placeholder
                data-testid=test_id
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
        </label>
    }
}
