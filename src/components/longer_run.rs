//! `<LongerRun>`: sampling the posterior again for longer (`RunLength::Longer`, 2 chains ×
//! (500 + 1,600) iterations, about twice the work of the page's standard run) — the remedy
//! the convergence warning offers, and a check of the intervals with twice the draws when it
//! converged.

use leptos::prelude::*;
use mixplan_core::model::posterior::{Diagnostics, RunLength};

use crate::fitting::PosteriorState;
use crate::format::count;
use crate::planner::convergence::convergence_warning;

/// The action that samples the data in use again with the longer run (keeping its lift
/// tests and beliefs), provided as context by the root component.
#[derive(Clone, Copy)]
pub struct LongerRunAction(pub Callback<()>);

/// What the page offers for the posterior on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongerRunOffer {
    /// Nothing: no draws yet, or the longer run converged.
    Nothing,
    /// The standard run did not converge: the longer run is the remedy.
    Remedy,
    /// The standard run converged: the longer run would check its intervals with twice the
    /// draws (the page still keeps 400 of them, so the edges firm up only a little).
    Check,
    /// The longer run did not converge either.
    StillNotConverged,
}

impl LongerRunOffer {
    /// The offer for a run with these diagnostics (a run of another length than the page's
    /// presets counts as a standard one).
    pub fn for_run(diagnostics: &Diagnostics) -> Self {
        let longer =
            RunLength::of_draws_per_chain(diagnostics.draws_per_chain) == Some(RunLength::Longer);
        match (longer, convergence_warning(diagnostics).is_some()) {
            (false, true) => Self::Remedy,
            (false, false) => Self::Check,
            (true, true) => Self::StillNotConverged,
            (true, false) => Self::Nothing,
        }
    }

    /// The offer for the posterior's state.
    pub fn for_state(posterior: &PosteriorState) -> Self {
        match posterior {
            PosteriorState::Ready { draws, .. } => Self::for_run(draws.diagnostics()),
            _ => Self::Nothing,
        }
    }

    /// The sentence beside the button (or alone, for [`LongerRunOffer::StillNotConverged`]).
    pub fn text(self) -> String {
        let (warmup, draws) = RunLength::Longer.iterations();
        let run = format!(
            "{} chains × ({} warm-up + {} draws)",
            RunLength::CHAINS,
            count(warmup),
            count(draws)
        );
        match self {
            Self::Nothing => String::new(),
            Self::Remedy => format!(
                "A longer run ({run}, about twice the time) often converges where this one did not; the model and your plan stay on screen meanwhile."
            ),
            Self::Check => format!(
                "The sampler converged; a longer run ({run}, about twice the time) would check these intervals with twice the draws."
            ),
            Self::StillNotConverged => format!(
                "Even the longer run ({run}) did not converge: these data cannot pin down some of the model's parameters."
            ),
        }
    }
}

/// The "Sample longer" button (`data-testid="sample-longer"`) and its sentence
/// (`data-testid="longer-run-text"`, with `data-offer` = `remedy`, `check`,
/// `still-not-converged` or empty). Hidden while sampling and once a longer run converged.
#[component]
pub fn LongerRun(
    /// The posterior's state.
    #[prop(into)]
    posterior: Signal<PosteriorState>,
    /// Asks for the longer run.
    on_sample_longer: Callback<()>,
) -> impl IntoView {
    let offer = Memo::new(move |_| posterior.with(LongerRunOffer::for_state));
    let offer_name = move || match offer.get() {
        LongerRunOffer::Nothing => "",
        LongerRunOffer::Remedy => "remedy",
        LongerRunOffer::Check => "check",
        LongerRunOffer::StillNotConverged => "still-not-converged",
    };
    let can_sample = move || matches!(offer.get(), LongerRunOffer::Remedy | LongerRunOffer::Check);
    view! {
        <p class="longer-run" class:hidden=move || offer.get() == LongerRunOffer::Nothing>
            <button
                type="button"
                data-testid="sample-longer"
                class:hidden=move || !can_sample()
                on:click=move |_| on_sample_longer.run(())
            >
                "Sample longer"
            </button>
            " "
            <span data-testid="longer-run-text" data-offer=offer_name>
                {move || offer.get().text()}
            </span>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planner::draws::tests::diagnostics;

    fn run(draws_per_chain: usize, converged: bool) -> Diagnostics {
        let mut d = diagnostics(0, converged);
        d.draws_per_chain = draws_per_chain;
        if !converged {
            d.max_r_hat = 1.02;
        }
        d
    }

    #[test]
    fn the_offer_follows_the_run_length_and_its_convergence() {
        let (_, standard) = RunLength::Standard.iterations();
        let (_, longer) = RunLength::Longer.iterations();
        assert_eq!(
            LongerRunOffer::for_run(&run(standard, false)),
            LongerRunOffer::Remedy
        );
        assert_eq!(
            LongerRunOffer::for_run(&run(standard, true)),
            LongerRunOffer::Check
        );
        assert_eq!(
            LongerRunOffer::for_run(&run(longer, false)),
            LongerRunOffer::StillNotConverged
        );
        assert_eq!(
            LongerRunOffer::for_run(&run(longer, true)),
            LongerRunOffer::Nothing
        );
        assert_eq!(
            LongerRunOffer::for_state(&PosteriorState::Sampling { done: 1, total: 9 }),
            LongerRunOffer::Nothing
        );
    }

    #[test]
    fn each_offer_says_how_long_the_longer_run_is() {
        for offer in [
            LongerRunOffer::Remedy,
            LongerRunOffer::Check,
            LongerRunOffer::StillNotConverged,
        ] {
            assert!(
                offer
                    .text()
                    .contains("2 chains × (500 warm-up + 1,600 draws)"),
                "{offer:?}: {}",
                offer.text()
            );
        }
        assert_eq!(LongerRunOffer::Nothing.text(), "");
    }
}
