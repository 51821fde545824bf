//! The recommended split with its confidence setting: the core's recommendation rule over
//! the posterior draws, beside the point-estimate optimum for comparison.

use leptos::prelude::*;
use mixplan_core::model::posterior::recommend::DEFAULT_LOWER_BOUND_SHARE;
use mixplan_core::model::posterior::{Recommendation, Verdict};

use crate::fitting::PosteriorState;
use crate::format::{NO_VALUE, currency, signed_currency};
use crate::planner::budget::BudgetState;
use crate::planner::convergence::convergence_warning;
use crate::planner::intervals::{Interval, level_text, signed_currency_range};
use crate::planner::scenario::ChannelInfo;

use super::results_summary::probability_text;

/// Step of the confidence control.
pub const CONFIDENCE_STEP: f64 = 0.05;

/// The verdict as the page's `data-verdict`.
pub fn verdict_id(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Optimum => "optimum",
        Verdict::PartialStep => "partial_step",
        Verdict::KeepCurrent => "keep_current",
    }
}

/// The headline of a recommendation, in plain words.
pub fn verdict_heading(recommendation: &Recommendation) -> String {
    match recommendation.verdict {
        Verdict::Optimum => "Move to the split with the highest expected revenue".to_string(),
        Verdict::PartialStep => format!(
            "Move {:.0}% of the way to the split with the highest expected revenue",
            100.0 * recommendation.step
        ),
        Verdict::KeepCurrent => "The data cannot tell — keep the current mix".to_string(),
    }
}

/// The margin a move needs besides its odds, in words (`share` of the expected gain kept by
/// the uplift's `1 − confidence` quantile).
pub fn margin_text(confidence: f64, share: f64) -> String {
    format!(
        "A move also needs its plausible worst outcome (the {:.0}% quantile of its gain) to keep at least {:.0}% of its expected gain; otherwise it moves only part of the way.",
        100.0 * (1.0 - confidence),
        100.0 * share
    )
}

/// The recommendation's odds: `"Expected +$1,200 per week (90% interval −$300 – +$2,500);
/// 87% chance it beats your split"`, or nothing to gain when it keeps the current split.
pub fn recommendation_odds(recommendation: &Recommendation) -> String {
    if recommendation.verdict == Verdict::KeepCurrent {
        return "No change recommended, so no gain or loss is expected.".to_string();
    }
    let (low, high) = recommendation.uplift_interval;
    format!(
        "Expected {} per week ({} interval {}); {} chance it beats your split",
        signed_currency(recommendation.expected_uplift),
        level_text(recommendation.interval_level),
        signed_currency_range(Some(Interval { low, high })),
        probability_text(recommendation.probability_of_gain)
    )
}

/// The recommendation panel: a confidence control (`data-testid="confidence"`, the
/// probability of gain a move needs), the rule's verdict in plain words, its expected gain
/// with interval and odds, the recommended spend per channel beside the current spend and
/// the point-estimate optimum (judged by the same draws), and a button that applies it.
/// Until the posterior is sampled it says so; while the plan does not add up it says why.
#[component]
pub fn RecommendationPanel(
    /// Channels in model order.
    channels: Vec<ChannelInfo>,
    /// The recommendation for the current plan (`None` while there is none: no draws yet or
    /// a plan that does not add up; `Err` with why the rule could not run).
    #[prop(into)]
    recommendation: Signal<Option<Result<Recommendation, String>>>,
    /// The confidence setting (the control writes it).
    confidence: RwSignal<f64>,
    /// The posterior's state (what to say until there is a recommendation).
    #[prop(into)]
    posterior: Signal<PosteriorState>,
    /// The budget being edited (the apply button writes it).
    budget: RwSignal<BudgetState>,
    /// The plan changed since the recommendation was computed (it follows once the plan
    /// stays still): applying is disabled meanwhile.
    #[prop(optional, into)]
    updating: Signal<bool>,
) -> impl IntoView {
    let ok = move || recommendation.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).cloned());
    let verdict = move || ok().map(|r| verdict_id(r.verdict)).unwrap_or_default();
    let status = move || {
        recommendation.with(|r| match r {
            Some(Ok(r)) => r.verdict_text.clone(),
            Some(Err(message)) => message.clone(),
            None => posterior.with(|p| match p {
                PosteriorState::Ready { .. } => {
                    "No recommendation while the plan does not add up to its total.".to_string()
                }
                PosteriorState::Sampling { .. } => {
                    "The recommendation needs the model's uncertainty: computing uncertainty…"
                        .to_string()
                }
                PosteriorState::Failed(message) => message.clone(),
            }),
        })
    };
    let convergence = move || {
        posterior.with(|p| match p {
            PosteriorState::Ready { draws, .. } => convergence_warning(draws.diagnostics()),
            _ => None,
        })
    };
    let apply = move |_| {
        if let Some(r) = ok() {
            budget.update(|b| b.apply(&r.allocation));
        }
    };
    let rows = channels
        .into_iter()
        .enumerate()
        .map(|(c, channel)| {
            let pick = move |f: fn(&Recommendation, usize) -> Option<f64>| {
                move || ok().and_then(|r| f(&r, c)).map(currency).unwrap_or_else(|| NO_VALUE.to_string())
            };
            view! {
                <tr>
                    <th scope="row">{channel.name}</th>
                    <td data-label="Current">{pick(|r, c| r.current.allocation.get(c).copied())}</td>
                    <td data-label="Recommended" data-testid=format!("recommended-spend-{}", channel.id)>{pick(|r, c| r.allocation.get(c).copied())}</td>
                    <td data-label="Point estimate's best">{pick(|r, c| r.point_optimum.allocation.get(c).copied())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card recommendation" aria-labelledby="recommendation-heading" data-testid="recommendation" data-verdict=verdict>
            <h2 id="recommendation-heading">"Recommendation"</h2>
            <label class="confidence-control">
                <span>{move || format!("Move only when the model gives it at least a {:.0}% chance to beat your split", 100.0 * confidence.get())}</span>
                <input
                    type="range"
                    data-testid="confidence"
                    aria-valuetext=move || format!("{:.0}%", 100.0 * confidence.get())
                    min=crate::planner::recommendation::MIN_CONFIDENCE
                    max=crate::planner::recommendation::MAX_CONFIDENCE
                    step=CONFIDENCE_STEP
                    prop:value=move || confidence.get()
                    on:input=move |ev| {
                        if let Ok(value) = event_target_value(&ev).parse::<f64>() {
                            confidence.set(value);
                        }
                    }
                />
            </label>
            <p class="footnote" data-testid="recommendation-margin">
                {move || margin_text(confidence.get(), DEFAULT_LOWER_BOUND_SHARE)}
            </p>
            <p class="verdict" data-testid="recommendation-heading">{move || ok().map(|r| verdict_heading(&r)).unwrap_or_default()}</p>
            <p data-testid="recommendation-text" class:updating=move || updating.get()>{status}</p>
            <p class="warning" class:hidden=move || convergence().is_none() role="status">{convergence}</p>
            <p
                class="kpi-range"
                data-testid="recommendation-odds"
                data-probability=move || ok().map(|r| r.probability_of_gain.to_string()).unwrap_or_default()
                data-step=move || ok().map(|r| r.step.to_string()).unwrap_or_default()
                data-expected=move || ok().map(|r| r.expected_uplift.to_string()).unwrap_or_default()
                data-point-probability=move || ok().map(|r| r.point_optimum.probability_of_gain.to_string()).unwrap_or_default()
            >
                {move || ok().map(|r| recommendation_odds(&r)).unwrap_or_default()}
            </p>
            <p class="footnote" data-testid="point-optimum-odds">
                {move || ok().map(|r| {
                    let p = &r.point_optimum;
                    format!(
                        "For comparison, the best split under the point estimate alone: expected {} per week, {} chance it beats your split.",
                        signed_currency(p.expected_uplift),
                        probability_text(p.probability_of_gain)
                    )
                }).unwrap_or_default()}
            </p>
            <div class="table-scroll">
                <table class="recommendation-table">
                    <thead>
                        <tr>
                            <th scope="col">"Channel"</th>
                            <th scope="col">"Current"</th>
                            <th scope="col">"Recommended"</th>
                            <th scope="col" title="The best split of one fitted model, ignoring its uncertainty">"Point estimate's best"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <button
                class="apply"
                data-testid="apply-recommended"
                on:click=apply
                prop:disabled=move || updating.get() || !ok().is_some_and(|r| r.verdict != Verdict::KeepCurrent)
            >
                "Apply the recommended split"
            </button>
        </section>
    }
}
