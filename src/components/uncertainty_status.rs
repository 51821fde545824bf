//! Where the posterior is: "computing uncertainty…" with progress, then how it was computed.

use leptos::prelude::*;

use crate::fitting::PosteriorState;
use crate::format::{count, decimal};
use crate::planner::convergence::convergence_warning;

/// The status line of the uncertainty: while sampling, "Computing uncertainty… n%" and a
/// progress bar (the numbers beside it are point estimates until it is done); then the
/// draws and time it took, or why it failed. `data-testid="posterior-status"` holds exactly
/// `sampling`, `ready` or `failed`, with `data-sampling-ms` (the worker's sampling time),
/// `data-leapfrog-steps` (the run's gradient evaluations, warm-up included) and
/// `data-converged` and `data-draws-per-chain` (the whole run's) once ready.
#[component]
pub fn UncertaintyStatus(
    /// The posterior's state.
    #[prop(into)]
    posterior: Signal<PosteriorState>,
) -> impl IntoView {
    let status = move || match posterior.get() {
        PosteriorState::Sampling { .. } => "sampling",
        PosteriorState::Ready { .. } => "ready",
        PosteriorState::Failed(_) => "failed",
    };
    let percent = move || (posterior.get().fraction() * 100.0).round();
    let text = move || match posterior.get() {
        PosteriorState::Sampling { .. } => format!(
            "Computing uncertainty… {}% — until then the figures are point estimates without their ranges.",
            percent()
        ),
        PosteriorState::Ready { draws, sampling_ms } => {
            let d = draws.diagnostics();
            let quality = if convergence_warning(d).is_some() {
                "did not converge well (see the model panel)"
            } else {
                "converged"
            };
            format!(
                "Ranges are 90% credible intervals over {} posterior draws (of {} chains × {}, computed in {} s in your browser; the sampler {quality}).",
                draws.draws(),
                d.chains,
                count(d.draws_per_chain),
                decimal(sampling_ms / 1000.0, 1)
            )
        }
        PosteriorState::Failed(message) => message,
    };
    view! {
        <div class="uncertainty-status" class:warning=move || status() == "failed" role="status" aria-live="polite">
            <span class="uncertainty-label" data-testid="posterior-text">{text}</span>
            <progress max="100" value=percent aria-label="Uncertainty sampling progress" class:hidden=move || status() != "sampling"></progress>
            <span
                class="visually-hidden"
                data-testid="posterior-status"
                data-sampling-ms=move || match posterior.get() {
                    PosteriorState::Ready { sampling_ms, .. } => sampling_ms.to_string(),
                    _ => String::new(),
                }
                data-leapfrog-steps=move || posterior.with(|p| match p {
                    PosteriorState::Ready { draws, .. } => draws.leapfrog_steps().to_string(),
                    _ => String::new(),
                })
                data-converged=move || posterior.with(|p| match p {
                    PosteriorState::Ready { draws, .. } => draws.diagnostics().converged.to_string(),
                    _ => String::new(),
                })
                data-draws-per-chain=move || posterior.with(|p| match p {
                    PosteriorState::Ready { draws, .. } => draws.diagnostics().draws_per_chain.to_string(),
                    _ => String::new(),
                })
            >
                {status}
            </span>
        </div>
    }
}
