//! The root component.

use leptos::prelude::*;

use crate::components::smoke_panel::SmokePanel;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="app-header">
            <h1>"mixplan"</h1>
            <p class="tagline">"Marketing-mix budget planner, running entirely in your browser."</p>
        </header>
        <main class="app-main">
            <SmokePanel />
        </main>
    }
}
