//! The start-up fit's progress, and its outcome.

use leptos::prelude::*;

use crate::fitting::FitState;

/// A progress bar while the model fits in the browser; `ready` once it has, or the error.
/// `data-testid="fit-status"` holds exactly `fitting`, `ready` or `failed`.
#[component]
pub fn FitStatus(
    /// The start-up fit's state.
    #[prop(into)]
    state: Signal<FitState>,
) -> impl IntoView {
    let status = move || match state.get() {
        FitState::Fitting { .. } => "fitting",
        FitState::Ready { .. } => "ready",
        FitState::Failed(_) => "failed",
    };
    let percent = move || (state.get().fraction() * 100.0).round();
    view! {
        <div class="fit-status" class:done=move || status() == "ready" role="status" aria-live="polite">
            <span class="fit-label">
                {move || match state.get() {
                    FitState::Fitting { .. } => format!("Fitting the model in your browser… {}%", percent()),
                    FitState::Ready { fit_ms, .. } => format!("Model fitted in your browser in {fit_ms:.0} ms"),
                    FitState::Failed(message) => message,
                }}
            </span>
            <progress max="100" value=percent aria-label="Model fit progress" class:hidden=move || status() != "fitting"></progress>
            <span
                class="visually-hidden"
                data-testid="fit-status"
                data-fit-ms=move || match state.get() {
                    FitState::Ready { fit_ms, .. } => fit_ms.to_string(),
                    _ => String::new(),
                }
            >
                {status}
            </span>
        </div>
    }
}
