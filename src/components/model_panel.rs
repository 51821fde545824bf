//! How good the model is, what it learned about each channel, and how sure it is (the
//! posterior's ROI intervals and convergence, in plain language).

use leptos::prelude::*;

use mixplan_core::model::{FittedChannel, ModelForm};
use mixplan_core::transform::CarryoverForm;

use super::carryover_choice::{CarryoverChoice, CarryoverSetting, form_label};
use super::longer_run::{LongerRun, LongerRunAction};
use super::model_form_choice::{ModelFormChoice, ModelFormSetting};
use crate::embedded::TrueChannel;
use crate::fitting::PosteriorState;
use crate::format::{currency, decimal, percent, signed_percent};
use crate::planner::convergence::convergence_warning;
use crate::planner::intervals::{DEFAULT_LEVEL, Interval, level_text, ratio_range};
use crate::planner::scenario::Planner;
use crate::share::summary::model_form_text;

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

/// What the panel's footnote adds for a multiplicative model: the metrics and ROIs are in
/// revenue although the fit is of ln revenue.
pub const MULTIPLICATIVE_FOOTNOTE: &str = " The model is fitted to ln revenue; its fit metrics and ROIs are in revenue (predictions exp(μ + σ²/2)), and a channel's ROI is the revenue lost without it ÷ its spend.";

/// The panel's model-form line, e.g. `Model form: multiplicative (channels multiply revenue;
/// fitted to ln revenue).` ([`model_form_text`]).
pub fn model_form_line(form: ModelForm) -> String {
    format!("{}.", model_form_text(form))
}

/// How much a multiplicative model's channel multiplies revenue at full saturation, as a
/// change: `exp(β) − 1` for its fitted lift `β` of ln revenue (`β = 0.1` → `+10.5%`). The
/// panel shows this instead of `β`, which is in ln units, not revenue.
pub fn lift_at_saturation(log_coefficient: f64) -> String {
    signed_percent(log_coefficient.exp_m1())
}

/// The ROI column's tooltip for `form`: what the whole-history ROI divides.
pub fn roi_header_title(form: ModelForm) -> &'static str {
    match form {
        ModelForm::Additive => {
            "Whole-history ROI; below it the equal-tailed 90% credible interval over the posterior draws"
        }
        ModelForm::Multiplicative => {
            "Whole-history ROI: the revenue lost without the channel over the data ÷ its spend; below it the equal-tailed 90% credible interval over the posterior draws"
        }
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

/// The model's form (`data-testid="model-form"`, `data-form="additive|multiplicative"`, and
/// the `<ModelFormChoice>` where the root component provides [`ModelFormSetting`]), fit
/// quality beside the seed baseline, fitted carryover and saturation per channel (with
/// the simulator's true values, when the data is simulated; a multiplicative model's lift
/// of revenue at saturation `exp(β) − 1` instead of its ln-unit `β`), each channel's revenue
/// ROI with its 90% credible interval, a warning when the fit is weak, one when the
/// non-media baseline is below zero, one when the posterior sampler did not converge, and
/// the offer to sample longer (`<LongerRun>`, where the root component provides
/// [`LongerRunAction`]).
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
    /// Run just before the panel asks for a refit — another model or carryover form, or a longer
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
    let model_form = model.form();
    let multiplicative = model_form == ModelForm::Multiplicative;
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
    // The model-form control, where the root component provides the setting.
    let form_choice = use_context::<ModelFormSetting>().map(|setting| {
        let choose = Callback::new(move |form| {
            if let Some(before) = before_refit {
                before.run(());
            }
            setting.choose.run(form);
        });
        view! { <ModelFormChoice chosen=setting.chosen on_choose=choose /> }
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
                    {multiplicative.then(|| view! {
                        <td data-testid=format!("lift-{c}") data-value=ch.coefficient.exp_m1().to_string()>{lift_at_saturation(ch.coefficient)}</td>
                    })}
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
                {form_choice}
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
            <p class="model-form" data-testid="model-form" data-form=model_form.to_string()>{model_form_line(model_form)}</p>
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
                <thead><tr><th scope="col"><span class="visually-hidden">"Channel"</span></th>{carryover_headers(form)}<th scope="col" title="Weekly spend at half saturation">"Half-saturation K"</th><th scope="col">"Shape s"</th>{multiplicative.then(|| view! { <th scope="col" title="How much the channel multiplies revenue at full saturation: exp(β) − 1, β its fitted lift of ln revenue">"Lift at saturation"</th> })}<th scope="col" title=roi_header_title(model_form)>"ROI"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
            <p class="footnote">{format!(
                "Carryover: {}. Fitted in {fit_ms:.0} ms in your browser on {} weeks; the last {} weeks are held out (shaded in the fit chart). The ROI intervals come from the posterior sampled after the fit (NUTS, weakly informative priors; see docs/posterior.md).{}",
                form_label(form),
                model.weeks().len(),
                model.weeks().len() - model.holdout_start(),
                if multiplicative { MULTIPLICATIVE_FOOTNOTE } else { "" }
            )}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panel_says_the_model_form_and_shows_no_ln_unit_coefficient_as_revenue() {
        assert_eq!(
            model_form_line(ModelForm::Multiplicative),
            "Model form: multiplicative (channels multiply revenue; fitted to ln revenue)."
        );
        assert_eq!(
            model_form_line(ModelForm::Additive),
            "Model form: additive (channels add revenue)."
        );
        assert_eq!(ModelForm::Multiplicative.to_string(), "multiplicative");
        // β = 0.1 of ln revenue multiplies revenue by e^0.1 ≈ 1.105 at saturation.
        assert_eq!(lift_at_saturation(0.1), "+10.5%");
        assert_eq!(lift_at_saturation(0.0), "0.0%");
        assert!(
            roi_header_title(ModelForm::Multiplicative)
                .contains("revenue lost without the channel")
        );
        assert!(!roi_header_title(ModelForm::Additive).contains("lost"));
    }

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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod native_tests {
    use super::*;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

    /// The panel reads the form from the planner's model, and its ROI column (from
    /// `channel_revenue`) is in revenue, not the ln-unit ROI of the model of ln revenue.
    #[test]
    fn a_multiplicative_planner_shows_its_form_and_revenue_rois() {
        let planner = fitted_multiplicative_planner();
        let model = planner.model();
        assert_eq!(model.form(), ModelForm::Multiplicative);
        assert_eq!(
            model_form_line(model.form()),
            "Model form: multiplicative (channels multiply revenue; fitted to ln revenue)."
        );
        for (c, log_channel) in model.linear_model().channels().iter().enumerate() {
            let roi = model.channel_revenue(c).unwrap().roi;
            assert!(
                roi > 100.0 * log_channel.roi.abs(),
                "channel {c}: {roi} vs {}",
                log_channel.roi
            );
        }
        assert_eq!(
            model_form_line(fitted_planner().model().form()),
            "Model form: additive (channels add revenue)."
        );
    }
}
