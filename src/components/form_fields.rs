//! Small form pieces the calibration cards (lift tests, ROI beliefs) share: a labelled text
//! field and a channel picker, both bound to a string signal.

use leptos::prelude::*;

use crate::planner::scenario::ChannelInfo;

/// A labelled text input writing every keystroke to `value`. `test_id` is its
/// `data-testid`; `placeholder` an example of what to type.
pub fn text_field(
    value: RwSignal<String>,
    test_id: &'static str,
    placeholder: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <label class="lift-field">
            <span>{label}</span>
            <input type="text" data-testid=test_id placeholder=placeholder prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

/// A labelled picker of the data's channels (by name), writing the chosen channel's id to
/// `chosen`.
pub fn channel_select(
    channels: &[ChannelInfo],
    chosen: RwSignal<String>,
    test_id: &'static str,
) -> impl IntoView + use<> {
    let options = channels
        .iter()
        .map(|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> })
        .collect_view();
    view! {
        <label class="lift-field">
            <span>"Channel"</span>
            <select data-testid=test_id on:change=move |ev| chosen.set(event_target_value(&ev)) prop:value=move || chosen.get()>{options}</select>
        </label>
    }
}
