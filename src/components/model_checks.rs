//! `<ModelChecks>`: can the model be believed? Residual autocorrelation, normality,
//! heteroscedasticity, collinearity between channels and ROI stability, each with a verdict in
//! plain language (the core's [`mixplan_core::diagnose`]), plus the ACF and rolling-window ROI
//! charts. Computed once, the first time the section is opened, in the on-demand worker
//! (`crate::worker::on_demand`: the checks refit the model, code the page's first download
//! does without).

use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::diagnose::{Diagnosis, DiagnosisParams};
use mixplan_core::model::{ModelForm, ModelParams};

use super::chart_card::ChartCard;
use super::use_first_open::use_first_open;
use crate::charts::diagnostics::{acf_figure, acf_summary, stability_figure, stability_summary};
use crate::components::model_form_choice::ModelFormSetting;
use crate::planner::scenario::Planner;
use crate::worker::on_demand::{CheckJob, Job, JobResult};
use crate::worker::on_demand_client;

/// The diagnosis, or why it could not be computed.
type Outcome = Result<Arc<Diagnosis>, String>;

/// Runs every check on the planner's model and data (the core's `diagnose`, in the on-demand
/// worker). The baseline form (Fourier order, trend, holdout) of the rolling-window refits is
/// the page's, [`ModelParams::new`] with the model's carryover form; the windows refit only
/// the linear part, with the model's carryover and saturation fixed (about five linear
/// fits). With a Weibull model the collinearity features and the window refits use its own
/// kernels (`mixplan_core::diagnose::model_roi_stability`).
async fn run_checks(planner: &Planner) -> Outcome {
    let job = CheckJob {
        data: planner.data().clone(),
        model: planner.model().clone(),
        params: ModelParams::new().carryover(planner.model().carryover_form()),
        checks: DiagnosisParams::default(),
    };
    match on_demand_client::run(Job::Check(Box::new(job))).await {
        Ok(JobResult::Check(result)) => result.map(Arc::new),
        Ok(_) => Err("the background worker answered another request".into()),
        Err(detail) => Err(detail),
    }
}

/// The button that refits the data in use in the form other than `current` (where the root
/// component provides the model-form setting): the failing form check's remedy.
fn form_remedy(current: ModelForm, before_refit: Option<Callback<()>>) -> Option<impl IntoView> {
    let setting = use_context::<ModelFormSetting>()?;
    let other = match current {
        ModelForm::Additive => ModelForm::Multiplicative,
        ModelForm::Multiplicative => ModelForm::Additive,
    };
    Some(view! {
        " "
        <button
            type="button"
            data-testid="check-form-switch"
            on:click=move |_| {
                if let Some(before) = before_refit {
                    before.run(());
                }
                setting.choose.run(other);
            }
        >
            {format!("Fit the {other} model")}
        </button>
    })
}

/// A collapsed `<details data-testid="model-checks">` section. Opening it runs the checks
/// (once) and shows `checks-summary` ("5 of 6 checks pass"), one `check-<name>` item per
/// verdict — "Passes"/"Fails" in words, not only colour — and the two charts
/// (`chart-acf`, `chart-stability`).
#[component]
pub fn ModelChecks(
    /// The fitted model and the data it was fitted on.
    planner: Arc<Planner>,
    /// Run just before the form check's button asks for a refit (the planner page makes its
    /// pending share-link write, since the refit rebuilds the page from the link).
    #[prop(optional)]
    before_refit: Option<Callback<()>>,
) -> impl IntoView {
    let (outcome, details, on_toggle) = use_first_open({
        let planner = planner.clone();
        move || {
            let planner = planner.clone();
            async move { run_checks(&planner).await }
        }
    });
    let body = move || match outcome.get() {
        None => view! { <p class="muted">"Running the checks…"</p> }.into_any(),
        Some(Err(error)) => view! {
            <p class="warning" role="alert" data-testid="checks-error">
                {format!("The model checks could not run: {error}")}
            </p>
        }
        .into_any(),
        Some(Ok(diagnosis)) => {
            let passed = diagnosis.verdicts.iter().filter(|v| v.passed).count();
            let total = diagnosis.verdicts.len();
            let items = diagnosis
                .verdicts
                .iter()
                .map(|verdict| {
                    let (class, word) = if verdict.passed {
                        ("check passed", "✓ Passes")
                    } else {
                        ("check failed", "✗ Fails")
                    };
                    // A failing form check comes with its remedy: refit in the other form.
                    let remedy = (verdict.check == "form" && !verdict.passed)
                        .then(|| form_remedy(planner.model().form(), before_refit))
                        .flatten();
                    view! {
                        <li class=class data-testid=format!("check-{}", verdict.check)>
                            <strong>{format!("{word} — {}: ", verdict.check)}</strong>
                            {verdict.message.clone()}
                            {remedy}
                        </li>
                    }
                })
                .collect_view();
            let acf_source = Signal::stored(diagnosis.clone());
            let stability_source = Signal::stored((planner.clone(), diagnosis.clone()));
            let acf = |d: &Arc<Diagnosis>| acf_figure(d);
            let stability = |(p, d): &(Arc<Planner>, Arc<Diagnosis>)| stability_figure(p, d);
            view! {
                <p data-testid="checks-summary">
                    {format!("{passed} of {total} checks pass.")}
                </p>
                <ul class="checks">{items}</ul>
                <div class="chart-grid">
                    <ChartCard
                        title="Autocorrelation of residuals"
                        caption="red beyond the dashed band: significant at 5 %"
                        test_id="chart-acf"
                        label="Autocorrelation of the model's residuals by lag, with the 5 % significance band"
                        summary=Signal::stored(acf_summary(&diagnosis))
                        source=acf_source
                        figure=acf
                    />
                    <ChartCard
                        title="ROI on rolling windows"
                        caption="each channel refitted on successive windows of weeks"
                        test_id="chart-stability"
                        label="Each channel's ROI fitted on successive windows of weeks"
                        summary=Signal::stored(stability_summary(&planner, &diagnosis))
                        source=stability_source
                        figure=stability
                    />
                </div>
            }
            .into_any()
        }
    };
    view! {
        <details
            class="card model-checks"
            data-testid="model-checks"
            node_ref=details
            on:toggle=on_toggle
        >
            <summary data-testid="model-checks-toggle">
                <h2>"Model checks"</h2>
                <span class="muted">
                    " residual autocorrelation, normality, heteroscedasticity, collinearity and ROI stability"
                </span>
            </summary>
            {body}
        </details>
    }
}
