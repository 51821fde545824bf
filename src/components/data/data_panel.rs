//! The "Your data" section above the planner.

use leptos::prelude::*;

use super::data_in_use::DataInUse;
use super::load_bar::LoadBar;
use super::mapping_step::MappingStep;
use super::session::DataSession;

/// Load a file, map its columns, see the data in use. The message area
/// (`data-testid="data-error"`, `role="alert"`) holds the last problem with the user's data
/// or their fit; it is empty when there is none.
#[component]
pub fn DataPanel(
    /// The page's data-source state.
    session: DataSession,
) -> impl IntoView {
    view! {
        <section class="data-panel" aria-labelledby="data-panel-title">
            <h2 id="data-panel-title" class="visually-hidden">"Data"</h2>
            <DataInUse session />
            <LoadBar session />
            <p class="warning data-error" role="alert" data-testid="data-error"
                class:hidden=move || session.error_text().is_none()>
                {move || session.error_text().unwrap_or_default()}
            </p>
            {move || session.source.with(Option::is_some).then(|| view! { <MappingStep session /> })}
        </section>
    }
}
