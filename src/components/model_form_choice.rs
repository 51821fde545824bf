//! `<ModelFormChoice>`: whether the model's channels add to revenue (the default) or
//! multiply it (`mixplan_core::model::ModelForm`, the forms `mixplan fit --form` offers).

use leptos::prelude::*;
use mixplan_core::model::ModelForm;

/// The page's model-form setting, provided as context by the root component: the form
/// chosen, and the action that chooses another (and refits the data in use with it).
#[derive(Clone, Copy)]
pub struct ModelFormSetting {
    /// The form chosen (the model on screen may still be the previous form's while the new
    /// fit runs).
    pub chosen: Signal<ModelForm>,
    /// Chooses a form and refits.
    pub choose: Callback<ModelForm>,
}

/// Both forms, in the order the control lists them.
pub const FORMS: [ModelForm; 2] = [ModelForm::Additive, ModelForm::Multiplicative];

/// The words the control shows for `form`.
pub fn form_label(form: ModelForm) -> &'static str {
    match form {
        ModelForm::Additive => "Additive (channels add revenue)",
        ModelForm::Multiplicative => "Multiplicative (channels multiply revenue)",
    }
}

/// The form the control's option value `value` names (`additive`, `multiplicative`).
pub fn parse_form(value: &str) -> Option<ModelForm> {
    FORMS.into_iter().find(|form| form.to_string() == value)
}

/// A labelled `<select data-testid="model-form-choice">` whose option values are the forms'
/// names (`additive`, `multiplicative`). Choosing one calls `on_choose` with it.
#[component]
pub fn ModelFormChoice(
    /// The form chosen.
    #[prop(into)]
    chosen: Signal<ModelForm>,
    /// Called with the form the user picks.
    on_choose: Callback<ModelForm>,
) -> impl IntoView {
    let options = FORMS
        .into_iter()
        .map(|form| view! { <option value=form.to_string()>{form_label(form)}</option> })
        .collect_view();
    view! {
        <label class="carryover-choice" title="Additive: each channel adds revenue on top of the base. Multiplicative: channels and the base multiply (the model is fitted to ln revenue), so a channel earns more in big weeks; the model checks compare the two. Changing it fits the model again; your data and plan stay.">
            "Model form "
            <select
                data-testid="model-form-choice"
                prop:value=move || chosen.get().to_string()
                on:change=move |ev| {
                    if let Some(form) = parse_form(&event_target_value(&ev)) {
                        on_choose.run(form);
                    }
                }
            >
                {options}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_round_trips_through_its_option_value() {
        for form in FORMS {
            assert_eq!(parse_form(&form.to_string()), Some(form));
        }
        assert_eq!(parse_form("log"), None);
    }
}
