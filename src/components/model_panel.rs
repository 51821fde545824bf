//! How good the model is, what it learned about each channel, and how sure it is (the
//! posterior's ROI intervals and convergence, in plain language).

use leptos::prelude::*;

use mixplan_core::model::FittedChannel;
use mixplan_core::transform::CarryoverForm;

use super::carryover_choice::{CarryoverChoice, CarryoverSetting, form_label};
use super::longer_run::{LongerRun, LongerRunAction};
use crate::embedded::TrueChannel;
use crate::fitting::PosteriorState;
use crate::format::{currency, decimal, percent};
use crate::planner::convergence::convergence_warning;
use crate::planner::intervals::{DEFAULT_LEVEL, Interval, level_text, ratio_range};
use crate::planner::scenario::Planner;

/// Below this holdout R² the split is only directional.
pub const WEAK_FIT_R2: f64 = 0.5;

/// The whole-history ROI interval of channel `c` at `level` over the draws, if sampled.
fn roi_interval(posterior: &PosteriorState, channel: usize, level: f64) -> Option<Interval> {
    match posterior {
        PosteriorState::Ready { draws, .. } => Interval::of(draws.roi(channel), level),
        _ => None,
    }
}

/// The carryover cells of a channel: `θ` for geometric; the Weibull shape `k`, scale `λ`
/// and mean lag `Σ_l l·W_l` (weeks) for a Weibull kernel. Each `<td>` carries its value at
/// full precision in `data-value`; `true_decay` (the simulator's geometric `θ`) is shown in
/// brackets as `θ`, or as its mean lag `θ / (1 − θ)` beside a Weibull kernel's.
fn carryover_cells(c: usize, channel: &FittedChannel, true_decay: Option<f64>) -> AnyView {
    let truth = |value: Option<f64>| {
        value
            .map(|v| format!(" ({})", decimal(v, 2)))
            .unwrap_or_default()
    };
    match channel.weibull.map(|w| (w, w.kernel())) {
        Some((weibull, kernel)) => {
            let mean_lag = kernel.map(|k| k.mean_lag()).unwrap_or(f64::NAN);
            let true_lag = true_decay.map(|d| d / (1.0 - d));
            view! {
                <td data-testid=format!("weibull-shape-{c}") data-value=weibull.shape.to_string()>{decimal(weibull.shape, 2)}</td>
                <td data-testid=format!("weibull-scale-{c}") data-value=weibull.scale.to_string()>{decimal(weibull.scale, 2)}</td>
                <td data-testid=format!("mean-lag-{c}") data-value=mean_lag.to_string()>{decimal(mean_lag, 2)}<span class="truth">{truth(true_lag)}</span></td>
            }
            .into_any()
        }
        None => view! {
            <td data-testid=format!("decay-{c}") data-value=channel.decay.to_string()>{decimal(channel.decay, 2)}<span class="truth">{truth(true_decay)}</span></td>
        }
        .into_any(),
    }
}

/// The carryover columns' headers for `form`, with their tooltips.
fn carryover_headers(form: CarryoverForm) -> AnyView {
    match form {
        CarryoverForm::Geometric => view! {
            <th scope="col" title="Share of an effect carried to the next week">"Carryover θ"</th>
        }
        .into_any(),
        CarryoverForm::WeibullCdf | CarryoverForm::WeibullPdf => view! {
            <th scope="col" title="Weibull shape of the carryover kernel: below 1 the effect fades fast then lingers; above 1 (PDF) it builds up before it fades">"Carryover k"</th>
            <th scope="col" title="Weibull scale of the carryover kernel, in weeks: how long the effect lasts">"Scale λ (weeks)"</th>
            <th scope="col" title="Average delay between a week's spend and its effect, in weeks (the kernel's weighted mean lag over its 13-week window); in brackets for the simulated store, the mean lag θ/(1 − θ) of its true geometric carryover">"Mean lag (weeks)"</th>
        }
        .into_any(),
    }
}

/// The warning for a model whose non-media baseline over the last 52 weeks is `level < 0`
/// ([`mixplan_core::model::FittedModel::negative_baseline`]): what it means, and what helps.
pub fn negative_baseline_warning(level: f64) -> String {
    format!(
        "The model's baseline without media is below zero ({} a week over the last 52 weeks): it credits media with more than all of your revenue, which cannot be. Media has absorbed growth or seasonality that belongs to the base, so the ROIs and the recommended split are likely overstated. Treat them as directional; lift tests or what you know about a channel's ROI would correct them.",
        currency(level)
    )
}

/// Fit quality beside the seed baseline, fitted carryover and saturation per channel (with
/// the simulator's true values, when the data is simulated), each channel's ROI with its
/// 90% credible interval, a warning when the fit is weak, one when the non-media baseline
/// is below zero, one when the posterior sampler did not converge, and the offer to sample
/// longer (`<LongerRun>`, where the root component provides [`LongerRunAction`]).
#[component]
pub fn ModelPanel(
    /// The fitted model and its channels.
    planner: std::sync::Arc<Planner>,
    /// True parameters per channel, in model order (empty for real data).
    truth: Vec<TrueChannel>,
    /// Fit wall time in the browser, milliseconds.
    fit_ms: f64,
    /// The posterior's state (the ROI intervals and the convergence report).
    #[prop(optional, into)]
    posterior: Signal<PosteriorState>,
    /// Run just before the panel asks for a refit — another carryover form, or a longer
    /// posterior run (the planner page makes its pending share-link write, since the refit
    /// rebuilds the page from the link).
    #[prop(optional)]
    before_refit: Option<Callback<()>>,
) -> impl IntoView {
    let model = planner.model();
    let m = *model.metrics();
    let b = *model.baseline_metrics();
    // A NaN R² (constant holdout) counts as weak too.
    let weak = m.r2_test.is_nan() || m.r2_test < WEAK_FIT_R2;
    let has_truth = !truth.is_empty();
    let form = model.carryover_form();
    // The control, where the root component provides the setting.
    let choice = use_context::<CarryoverSetting>().map(|setting| {
        let choose = Callback::new(move |form| {
            if let Some(before) = before_refit {
                before.run(());
            }
            setting.choose.run(form);
        });
        view! { <CarryoverChoice chosen=setting.chosen on_choose=choose /> }
    });
    // The "Sample longer" offer, where the root component provides the action.
    let longer_run = use_context::<LongerRunAction>().map(|LongerRunAction(action)| {
        let on_sample_longer = Callback::new(move |()| {
            if let Some(before) = before_refit {
                before.run(());
            }
            action.run(());
        });
        view! { <LongerRun posterior on_sample_longer /> }
    });
    let convergence = move || {
        posterior.with(|p| match p {
            PosteriorState::Ready { draws, .. } => convergence_warning(draws.diagnostics()),
            _ => None,
        })
    };
    let rows = model
        .linear_model()
        .channels()
        .iter()
        .enumerate()
        .map(|(c, ch)| {
            // Revenue ROI in either form (the multiplicative form's is the removal effect's).
            let roi = model.channel_revenue(c).map_or(f64::NAN, |r| r.roi);
            let name = planner.channels().get(c).map(|i| i.name.clone()).unwrap_or_else(|| ch.name.clone());
            let t = truth.get(c).cloned();
            let true_decay = t.as_ref().map(|t| t.decay);
            let truth_cell = move |f: fn(&TrueChannel) -> String| t.as_ref().map(f).unwrap_or_default();
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    {carryover_cells(c, ch, true_decay)}
                    <td>{currency(ch.half_saturation)}<span class="truth">{truth_cell(|t| format!(" ({})", currency(t.half_saturation)))}</span></td>
                    <td>{decimal(ch.shape, 2)}<span class="truth">{truth_cell(|t| format!(" ({})", decimal(t.shape, 2)))}</span></td>
                    <td>
                        {decimal(roi, 2)}<span class="truth">{truth_cell(|t| format!(" ({})", decimal(t.roi, 2)))}</span>
                        <small
                            class="range"
                            data-testid=format!("roi-posterior-{c}")
                            data-low=move || posterior.with(|p| roi_interval(p, c, DEFAULT_LEVEL).map(|i| i.low.to_string()).unwrap_or_default())
                            data-high=move || posterior.with(|p| roi_interval(p, c, DEFAULT_LEVEL).map(|i| i.high.to_string()).unwrap_or_default())
                        >
                            {move || posterior.with(|p| match roi_interval(p, c, DEFAULT_LEVEL) {
                                Some(i) => format!("{}: {}", level_text(DEFAULT_LEVEL), ratio_range(Some(i))),
                                // Short: the column is narrow on a phone; the status line says "Computing uncertainty…".
                                None if matches!(p, PosteriorState::Sampling { .. }) => "…".to_string(),
                                None => p.placeholder().to_string(),
                            })}
                        </small>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card model-panel" aria-labelledby="model-heading">
            <div class="model-heading">
                <h2 id="model-heading">"Model"</h2>
                {choice}
            </div>
            {weak.then(|| view! {
                <p class="warning" role="alert" data-testid="weak-fit-warning">
                    {format!(
                        "The model explains the holdout weeks poorly (test R² {} < {WEAK_FIT_R2}). Treat the recommended split as directional only.",
                        decimal(m.r2_test, 2)
                    )}
                </p>
            })}
            {planner.additive_model().and_then(|m| m.negative_baseline()).map(|level| view! {
                <p class="warning" role="alert" data-testid="negative-baseline-warning">
                    {negative_baseline_warning(level)}
                </p>
            })}
            <p class="warning" class:hidden=move || convergence().is_none() role="alert" data-testid="convergence-warning">
                {convergence}
            </p>
            {longer_run}
            <div class="table-scroll">
            <table class="metrics-table" data-testid="model-metrics">
                <thead><tr><th scope="col"><span class="visually-hidden">"Model"</span></th><th scope="col">"R² train"</th><th scope="col">"R² test"</th><th scope="col">"MAPE test"</th><th scope="col">"NRMSE test"</th></tr></thead>
                <tbody>
                    <tr><th scope="row">"mixplan model"</th><td>{decimal(m.r2_train, 3)}</td><td data-testid="r2-test">{decimal(m.r2_test, 3)}</td><td>{percent(m.mape_test)}</td><td>{decimal(m.nrmse_test, 3)}</td></tr>
                    <tr><th scope="row" title="Plain ridge (α = 1) on 0–1-normalised raw spend, no carryover or saturation, same 80/20 split">"seed baseline"</th><td>{decimal(b.r2_train, 3)}</td><td>{decimal(b.r2_test, 3)}</td><td>{percent(b.mape_test)}</td><td>{decimal(b.nrmse_test, 3)}</td></tr>
                </tbody>
            </table>
            </div>
            <div class="table-scroll">
            <table class="params-table" data-testid="model-params" data-carryover=form.name()>
                <caption>{if has_truth { "Fitted per channel (true value of the simulated store in brackets)" } else { "Fitted per channel" }}</caption>
                <thead><tr><th scope="col"><span class="visually-hidden">"Channel"</span></th>{carryover_headers(form)}<th scope="col" title="Weekly spend at half saturation">"Half-saturation K"</th><th scope="col">"Shape s"</th><th scope="col" title="Whole-history ROI; below it the equal-tailed 90% credible interval over the posterior draws">"ROI"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
            <p class="footnote">{format!(
                "Carryover: {}. Fitted in {fit_ms:.0} ms in your browser on {} weeks; the last {} weeks are held out (shaded in the fit chart). The ROI intervals come from the posterior sampled after the fit (NUTS, weakly informative priors; see docs/posterior.md).",
                form_label(form),
                model.weeks().len(),
                model.weeks().len() - model.holdout_start()
            )}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_negative_baseline_warning_states_the_level_and_what_helps() {
        let text = negative_baseline_warning(-6338.4);
        assert!(
            text.starts_with("The model's baseline without media is below zero (-$6,338 a week over the last 52 weeks)"),
            "{text}"
        );
        assert!(text.contains("likely overstated"), "{text}");
        assert!(text.contains("lift tests"), "{text}");
    }
}
