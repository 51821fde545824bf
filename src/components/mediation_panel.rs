//! `<MediationPanel>`: social → search → revenue (issue #14 item 3). A collapsed section that,
//! when first opened, splits each social channel's effect into direct and through paid search
//! (the core's [`mixplan_core::mediation`], two stages with block-bootstrap intervals) and
//! shows the plain and the mediation-aware split of the historical weekly budget side by side.
//! In the model's form: for a multiplicative model stage 2 explains ln revenue and the
//! effects are removal effects, which the panel says do not add up.
//! Computed once, when first opened, in the on-demand worker (a few hundred ms: stage 1's
//! curve search, then 500 bootstrap resamples that repeat it; the time is shown), never on
//! the input path.

use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::data::MetricKind;
use mixplan_core::mediation::{
    Interval, MediationParams, MediationReport, MediationSplits, MediatorMetric,
};
use mixplan_core::model::ModelForm;

use super::use_first_open::use_first_open;
use crate::format::{currency, decimal, percent};
use crate::planner::scenario::Planner;
use crate::worker::mediation_job::MediationJob;
use crate::worker::on_demand::{Job, JobResult};
use crate::worker::on_demand_client;

/// What the panel shows once computed.
struct Computed {
    report: MediationReport,
    splits: MediationSplits,
    /// Display names in model order.
    names: Vec<String>,
    /// What is missing from the data, when the estimate had to do without it.
    missing: Option<String>,
    /// Wall time of the estimate, ms.
    ms: f64,
}

/// The computed panel, compared by identity.
#[derive(Clone)]
struct Shared(Arc<Result<Computed, String>>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// The two-stage estimate on the planner's data in the model's form, in the on-demand worker
/// ([`crate::worker::mediation_job`]), then both splits here (on the model's curves, their
/// revenue in its form). The mediator is paid search's
/// weekly clicks: the data's own (a `<mediator>_clicks` column mapped as a metric), else the
/// store's, embedded for its weeks (`crate::embedded::search_clicks_for`); without either,
/// paid search's spend stands for them and the panel says so.
async fn compute(planner: &Planner) -> Result<Computed, String> {
    let start = now_ms();
    let ids: Vec<String> = planner.channels().iter().map(|c| c.id.clone()).collect();
    let mediator = ids
        .iter()
        .find(|id| id.as_str() == "paid_search")
        .or_else(|| ids.iter().find(|id| id.to_ascii_lowercase().contains("search")))
        .ok_or_else(|| {
            "No paid-search channel in the data: the effect through search needs a channel whose name contains \"search\".".to_string()
        })?;
    // The data's own clicks of the mediator (a column `<mediator>_clicks` mapped as a
    // metric), else the store's embedded ones for its weeks.
    let clicks = planner
        .data()
        .metric(MetricKind::Clicks, Some(mediator.as_str()))
        .map(|m| m.values.clone())
        .or_else(|| {
            crate::embedded::search_clicks_for(planner.data().weeks())
                .filter(|_| mediator.as_str() == "paid_search")
        });
    let missing = clicks.is_none().then(|| format!(
        "The data have no weekly clicks of {mediator}: its spend stands for them here. Add a column {mediator}_clicks to your file and give it the role “metric” to use them."
    ));
    let job = MediationJob {
        data: planner.data().clone(),
        model: planner.model().clone(),
        params: MediationParams {
            mediator: mediator.clone(),
            metric: if clicks.is_some() {
                MediatorMetric::Clicks
            } else {
                MediatorMetric::Spend
            },
            ..MediationParams::default()
        },
        clicks,
    };
    let report = match on_demand_client::run(Job::Mediation(Box::new(job))).await {
        Ok(JobResult::Mediation(result)) => (*result)?,
        Ok(_) => return Err("the background worker answered another request".into()),
        Err(detail) => return Err(format!("Cannot estimate the mediation: {detail}")),
    };
    let budget: f64 = planner.historical_mix().iter().sum();
    let splits = report
        .splits_in_form(planner.curves(), &ids, budget, planner.revenue_form())
        .map_err(|e| format!("Cannot split the budget: {e}."))?;
    Ok(Computed {
        report,
        splits,
        names: planner.channels().iter().map(|c| c.name.clone()).collect(),
        missing,
        ms: now_ms() - start,
    })
}

/// `estimate (lower – upper)` in the given format.
fn with_interval(interval: &Interval, show: fn(f64) -> String) -> String {
    format!(
        "{} ({}–{})",
        show(interval.estimate),
        show(interval.lower),
        show(interval.upper)
    )
}

fn roi(value: f64) -> String {
    decimal(value, 2)
}

/// A table cell showing `interval` in the given format, with its exact bounds as
/// `data-estimate`, `data-lower` and `data-upper` (what the e2e test compares with the CLI).
fn interval_cell(testid: String, interval: &Interval, show: fn(f64) -> String) -> AnyView {
    view! {
        <td
            data-testid=testid
            data-estimate=interval.estimate.to_string()
            data-lower=interval.lower.to_string()
            data-upper=interval.upper.to_string()
        >
            {with_interval(interval, show)}
        </td>
    }
    .into_any()
}

/// The computed panel's body.
fn body(computed: &Computed, total_effect: RwSignal<bool>) -> AnyView {
    let report = &computed.report;
    let level = percent(report.value_per_unit.level);
    let effects = report
        .sources
        .iter()
        .map(|s| {
            let id = s.channel.clone();
            let name = computed
                .names
                .get(s.channel_index)
                .cloned()
                .unwrap_or_else(|| id.clone());
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    {interval_cell(format!("mediation-direct-{id}"), &s.direct, currency)}
                    {interval_cell(format!("mediation-indirect-{id}"), &s.indirect, currency)}
                    {interval_cell(format!("mediation-total-{id}"), &s.total, currency)}
                    {interval_cell(format!("mediation-total-roi-{id}"), &s.total_roi, roi)}
                    {interval_cell(format!("mediation-indirect-share-{id}"), &s.indirect_share, percent)}
                </tr>
            }
        })
        .collect_view();
    let splits = &computed.splits;
    let rows = splits
        .channels
        .iter()
        .zip(&computed.names)
        .map(|(c, name)| {
            let (plain, aware) = (c.plain, c.mediation_aware);
            view! {
                <tr>
                    <th scope="row">{name.clone()}</th>
                    <td
                        class:chosen=move || !total_effect.get()
                        data-testid=format!("mediation-split-plain-{}", c.channel)
                        data-value=plain.to_string()
                    >
                        {currency(plain)}
                    </td>
                    <td
                        class:chosen=move || total_effect.get()
                        data-testid=format!("mediation-split-aware-{}", c.channel)
                        data-value=aware.to_string()
                    >
                        {currency(aware)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let recommended = {
        let plain: Vec<String> = splits
            .channels
            .iter()
            .zip(&computed.names)
            .map(|(c, n)| format!("{n} {}", currency(c.plain)))
            .collect();
        let aware: Vec<String> = splits
            .channels
            .iter()
            .zip(&computed.names)
            .map(|(c, n)| format!("{n} {}", currency(c.mediation_aware)))
            .collect();
        let (plain, aware) = (plain.join(", "), aware.join(", "));
        move || {
            if total_effect.get() {
                format!("Recommended (social at its total effect): {aware}")
            } else {
                format!("Recommended (social at its direct effect): {plain}")
            }
        }
    };
    let form = report.form;
    let share_meaning = match form {
        ModelForm::Additive => "Through search ÷ total",
        ModelForm::Multiplicative => {
            "The through-search part of social's lift of log revenue (where the two paths add up)"
        }
    };
    let form_note = (form == ModelForm::Multiplicative).then(|| {
        view! {
            <p class="muted" data-testid="mediation-form-note">
                "In the multiplicative model each effect is the revenue lost without it, so direct and through search do not add up to the total."
            </p>
        }
    });
    view! {
        {computed.missing.clone().map(|text| view! { <p class="muted" data-testid="mediation-missing">{text}</p> })}
        {form_note}
        <table class="mediation-effects" data-testid="mediation-effects" data-form=form.to_string()>
            <caption>{format!("Effects over the data period in the {form} model, {level} intervals (block bootstrap)")}</caption>
            <thead>
                <tr>
                    <th scope="col">"Channel"</th>
                    <th scope="col">"Direct"</th>
                    <th scope="col">{format!("Through {}", report.mediator)}</th>
                    <th scope="col">"Total"</th>
                    <th scope="col">"Total ROI"</th>
                    <th scope="col" title=share_meaning>"Indirect share"</th>
                </tr>
            </thead>
            <tbody>{effects}</tbody>
        </table>
        <label>
            <input
                type="checkbox"
                data-testid="mediation-toggle"
                prop:checked=move || total_effect.get()
                on:change=move |ev| total_effect.set(event_target_checked(&ev))
            />
            " value social at its total effect"
        </label>
        <table class="mediation-splits">
            <caption>{format!("Weekly budget {}: both recommended splits", currency(splits.budget))}</caption>
            <thead>
                <tr>
                    <th scope="col">"Channel"</th>
                    <th scope="col">"Plain (direct effect)"</th>
                    <th scope="col">"Mediation-aware (total effect)"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <p data-testid="mediation-recommended">{recommended}</p>
        <p class="muted" data-testid="mediation-time">{format!("Computed in {} ms.", decimal(computed.ms, 0))}</p>
    }
    .into_any()
}

/// A collapsed `<details data-testid="mediation-panel">` "Social → search". Opening it
/// computes the estimate (once, in the model's form: `mediation-effects` has `data-form`,
/// and a multiplicative model adds `mediation-form-note`) and shows each social channel's
/// direct, indirect and total effect with intervals (`mediation-direct-<id>`, … with
/// `data-estimate`, `data-lower`, `data-upper`), its indirect share
/// (`mediation-indirect-share-<id>`), the toggle
/// "value social at its total effect" (`mediation-toggle`, off by default) and both splits,
/// the chosen one highlighted and spelled out in `mediation-recommended`. When the data lack
/// a search or a social channel it says which.
#[component]
pub fn MediationPanel(
    /// The fitted model and the data it was fitted on.
    planner: Arc<Planner>,
) -> impl IntoView {
    let total_effect = RwSignal::new(false);
    let (computed, details, on_toggle) = use_first_open(move || {
        let planner = planner.clone();
        async move { Shared(Arc::new(compute(&planner).await)) }
    });
    let content = move || {
        match computed.get() {
        None => view! { <p class="muted">"Computing…"</p> }.into_any(),
        Some(Shared(outcome)) => match outcome.as_ref() {
            Ok(computed) => body(computed, total_effect),
            Err(text) => view! { <p class="warning" role="alert" data-testid="mediation-missing">{text.clone()}</p> }.into_any(),
        },
    }
    };
    view! {
        <details class="card mediation-panel" data-testid="mediation-panel" node_ref=details on:toggle=on_toggle>
            <summary><h2>"Social → search"</h2></summary>
            {content}
        </details>
    }
}
