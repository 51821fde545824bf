//! `<CarryoverChoice>`: which carryover form the model is fitted with — geometric (the
//! default), Weibull CDF or Weibull PDF (`mixplan_core::transform::CarryoverForm`, the
//! forms `mixplan fit --carryover` offers).

use leptos::prelude::*;
use mixplan_core::transform::CarryoverForm;

/// The page's carryover setting, provided as context by the root component: the form
/// chosen, and the action that chooses another (and refits the data in use with it).
#[derive(Clone, Copy)]
pub struct CarryoverSetting {
    /// The form chosen (the model on screen may still be the previous form's while the
    /// new fit runs).
    pub chosen: Signal<CarryoverForm>,
    /// Chooses a form and refits.
    pub choose: Callback<CarryoverForm>,
}

/// The words the control shows for `form`.
pub fn form_label(form: CarryoverForm) -> &'static str {
    match form {
        CarryoverForm::Geometric => "Geometric (decay θ)",
        CarryoverForm::WeibullCdf => "Weibull CDF (shape k, scale λ)",
        CarryoverForm::WeibullPdf => "Weibull PDF (shape k, scale λ; can peak after a delay)",
    }
}

/// A labelled `<select data-testid="carryover-form">` whose option values are the forms'
/// names (`geometric`, `weibull-cdf`, `weibull-pdf`). Choosing one calls `on_choose` with it.
#[component]
pub fn CarryoverChoice(
    /// The form chosen.
    #[prop(into)]
    chosen: Signal<CarryoverForm>,
    /// Called with the form the user picks.
    on_choose: Callback<CarryoverForm>,
) -> impl IntoView {
    let options = CarryoverForm::ALL
        .into_iter()
        .map(|form| view! { <option value=form.name()>{form_label(form)}</option> })
        .collect_view();
    view! {
        <label class="carryover-choice" title="How a week's spend keeps working in the following weeks. Changing it fits the model again (the point fit, then its uncertainty); your data and plan stay.">
            "Carryover "
            <select
                data-testid="carryover-form"
                prop:value=move || chosen.get().name()
                on:change=move |ev| {
                    if let Ok(form) = event_target_value(&ev).parse::<CarryoverForm>() {
                        on_choose.run(form);
                    }
                }
            >
                {options}
            </select>
        </label>
    }
}
