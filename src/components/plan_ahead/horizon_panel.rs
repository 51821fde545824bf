//! `<HorizonPanel>`: plan the next N weeks — period, total budget, a weekly cap per channel,
//! a cap on each week's total (with per-week overrides), caps on a channel in single weeks
//! and fixed amounts (syntax in [`crate::planner::horizon`]) — and show the channel × week plan, its stacked chart, the weekly
//! revenue forecast with its interval, and the optimiser's certificate. A bad input keeps the
//! last valid plan on screen and says what to fix.
//!
//! With the additive model it re-plans on every input event, on the page's thread
//! (milliseconds). With the multiplicative model the plan is solved in the on-demand worker
//! ([`crate::worker::horizon_job`]) once the form has rested for
//! [`WORKER_PLAN_DEBOUNCE_MS`]; the last plan stays on screen, marked as being re-planned,
//! until the new one arrives, and input never waits for it.

use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::optimize::horizon::{DEFAULT_WEEKS, HorizonOptimizer};

use super::limit_field::LimitField;
use crate::charts::plan_ahead::{
    forecast_figure, forecast_summary, horizon_plan_figure, horizon_plan_summary, note_figure,
};
use crate::components::chart_card::ChartCard;
use crate::components::use_debounced::use_debounced;
use crate::format::{currency, decimal, parse_money};
use crate::planner::horizon::{
    HorizonInputs, HorizonOutcome, HorizonPlanning, certificate_text, parse_cap,
    parse_channel_week_caps, parse_fixed, parse_week_caps, parse_weeks, plan_period,
};
use crate::planner::scenario::Planner;
use crate::worker::horizon_job::HorizonJob;
use crate::worker::on_demand::{Job, JobResult};
use crate::worker::on_demand_client;

/// What the charts say before there is a valid plan.
const NO_PLAN: &str = "No plan yet: fix the inputs above.";

/// How long the form must rest before a plan is asked of the worker (multiplicative model),
/// ms: typing an amount sends one job, not one per key.
pub const WORKER_PLAN_DEBOUNCE_MS: u32 = 250;

/// The multiplicative plan for `inputs`, solved in the on-demand worker.
async fn plan_in_worker(job: HorizonJob) -> Result<HorizonOutcome, String> {
    match on_demand_client::run(Job::Horizon(Box::new(job))).await {
        Ok(JobResult::Horizon(outcome)) => *outcome,
        Ok(_) => Err("the background worker answered another request".into()),
        Err(detail) => Err(format!(
            "The plan could not be computed in the background: {detail}"
        )),
    }
}

/// The horizon's plan period and total budget as typed. Held by the planner page (so that
/// the share link can carry them) and edited by `<HorizonPanel>`.
#[derive(Debug, Clone, Copy)]
pub struct HorizonFields {
    /// The plan period field's text.
    pub weeks: RwSignal<String>,
    /// The total budget field's text.
    pub budget: RwSignal<String>,
}

impl HorizonFields {
    /// The fields at `weeks` and `budget` (from a link), else the defaults: 13 weeks and
    /// the historical weekly spend over them, rounded to the total slider's step (a shop
    /// spending $30 a week does not start at $0, nor a large advertiser at an amount to the
    /// dollar), then to the cent (no float noise in the field).
    pub fn new(planner: &Planner, weeks: Option<usize>, budget: Option<f64>) -> Self {
        let step = planner.budget_range().step();
        let default_budget =
            ((planner.historical_total() * DEFAULT_WEEKS as f64 / step).round() * step * 100.0)
                .round()
                / 100.0;
        Self {
            weeks: RwSignal::new(weeks.unwrap_or(DEFAULT_WEEKS).to_string()),
            budget: RwSignal::new(format!("{}", budget.unwrap_or(default_budget))),
        }
    }

    /// The valid values the fields hold (for the share link): `None` for a field that does
    /// not hold one.
    pub fn values(&self) -> (Option<usize>, Option<f64>) {
        let weeks = self.weeks.with(|t| parse_weeks(t).ok());
        let budget = self
            .budget
            .with(|t| parse_money(t).ok().filter(|v| *v >= 0.0));
        (weeks, budget)
    }
}

/// The horizon form, plan table, charts, forecast and certificate.
#[component]
pub fn HorizonPanel(
    /// The fitted model, its channels and its data.
    planner: Arc<Planner>,
    /// How the model plans ahead: the additive model's dynamics, solved here, or the
    /// multiplicative model, solved in the worker.
    planning: HorizonPlanning,
    /// The plan period and total budget fields (held by the planner page).
    fields: HorizonFields,
) -> impl IntoView {
    let channels = planner.channels().to_vec();
    let HorizonFields {
        weeks: weeks_text,
        budget: budget_text,
    } = fields;
    let cap_texts: Vec<RwSignal<String>> = channels
        .iter()
        .map(|_| RwSignal::new(String::new()))
        .collect();
    let fixed_text = RwSignal::new(String::new());
    let week_cap_text = RwSignal::new(String::new());
    let week_caps_text = RwSignal::new(String::new());
    let cell_caps_text = RwSignal::new(String::new());

    let caps = cap_texts.clone();
    let p = planner.clone();
    let inputs = Memo::new(move |_| -> Result<HorizonInputs, String> {
        let weeks = weeks_text.with(|t| parse_weeks(t))?;
        let budget = budget_text
            .with(|t| parse_money(t))
            .map_err(|e| format!("Total budget: {e}"))?;
        if budget < 0.0 {
            return Err("Total budget: type an amount of $0 or more.".into());
        }
        let weekly_caps = caps
            .iter()
            .zip(p.channels())
            .map(|(t, c)| {
                t.with(|t| parse_cap(t))
                    .map_err(|e| format!("{}: {e}", c.name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let week_cap = week_cap_text
            .with(|t| parse_cap(t))
            .map_err(|e| format!("Cap per week: {e}"))?;
        let week_caps = week_caps_text.with(|t| parse_week_caps(t, weeks))?;
        let cell_caps = cell_caps_text.with(|t| parse_channel_week_caps(t, p.channels(), weeks))?;
        let fixed = fixed_text.with(|t| parse_fixed(t, p.channels(), weeks))?;
        Ok(HorizonInputs {
            weeks,
            budget,
            weekly_caps,
            week_cap,
            week_caps,
            cell_caps,
            fixed,
        })
    });
    // The plan of the current inputs, or why there is none; `None` while the worker plans.
    let result: Signal<Option<Result<HorizonOutcome, String>>> = match planning {
        HorizonPlanning::Additive(model) => {
            let p = planner.clone();
            let solved = Memo::new(move |_| {
                inputs.with(|i| {
                    i.clone()
                        .and_then(|i| plan_period(&p, &model, &mut HorizonOptimizer::new(), &i))
                })
            });
            Signal::derive(move || Some(solved.get()))
        }
        HorizonPlanning::Multiplicative => {
            let settled: ReadSignal<Result<HorizonInputs, String>> =
                use_debounced(inputs, WORKER_PLAN_DEBOUNCE_MS);
            let p = planner.clone();
            let solved = LocalResource::new(move || {
                let asked = settled.get().ok();
                let job = asked
                    .clone()
                    .and_then(|inputs| HorizonJob::for_planner(&p, inputs));
                async move { Some((asked?, plan_in_worker(job?).await)) }
            });
            // The worker answers in order, so the last answer is for the last inputs sent;
            // it is this plan only if the form has not changed since.
            Signal::derive(move || match inputs.get() {
                Err(e) => Some(Err(e)),
                Ok(asked) => solved
                    .get()
                    .flatten()
                    .filter(|(planned, _)| *planned == asked)
                    .map(|(_, outcome)| outcome),
            })
        }
    };
    // The last valid plan: kept on screen while an input is being fixed or re-planned.
    let shown = Memo::new(move |previous: Option<&Option<HorizonOutcome>>| {
        result.with(|r| match r {
            Some(Ok(outcome)) => Some(outcome.clone()),
            _ => previous.cloned().flatten(),
        })
    });
    let error = move || result.with(|r| r.as_ref().and_then(|r| r.as_ref().err().cloned()));
    let pending = move || result.with(Option::is_none);

    let cap_fields = channels
        .iter()
        .zip(cap_texts)
        .map(|(c, text)| {
            view! {
                <LimitField
                    label=format!("{} max/week", c.name)
                    placeholder="no cap"
                    test_id=format!("horizon-cap-{}", c.id)
                    text
                    amount=true
                />
            }
        })
        .collect_view();

    let table_channels = channels.clone();
    let table = move || {
        shown.with(|o| {
            o.as_ref().map(|o| {
                let plan = &o.plan;
                let head = (0..plan.weeks())
                    .map(|h| view! { <th scope="col">{format!("W{}", h + 1)}</th> })
                    .collect_view();
                let rows = table_channels
                    .iter()
                    .enumerate()
                    .map(|(c, ch)| {
                        let cells = (0..plan.weeks())
                            .map(|h| {
                                let x = plan.spend(h, c);
                                view! {
                                    <td data-plan-week=h + 1 data-plan-channel=ch.id.clone() data-spend=x.to_string()>{currency(x)}</td>
                                }
                            })
                            .collect_view();
                        view! {
                            <tr>
                                <th scope="row">{ch.name.clone()}</th>
                                {cells}
                                <td class="row-total">{currency(plan.channel_total(c))}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let totals = (0..plan.weeks())
                    .map(|h| {
                        let x = plan.week_total(h);
                        view! { <td data-plan-week-total=h + 1 data-spend-total=x.to_string()>{currency(x)}</td> }
                    })
                    .collect_view();
                let forecast = o
                    .forecast
                    .weeks
                    .iter()
                    .map(|w| view! { <td title=format!("{} – {}", currency(w.lower), currency(w.upper))>{currency(w.revenue)}</td> })
                    .collect_view();
                view! {
                    <table data-testid="plan-table" data-total=plan.total_spend().to_string()>
                        <caption>"Weekly spend per channel (hover a forecast for its interval)"</caption>
                        <thead><tr><th scope="col">"Channel"</th>{head}<th scope="col">"Total"</th></tr></thead>
                        <tbody>
                            {rows}
                            <tr class="totals"><th scope="row">"Total spend"</th>{totals}<td>{currency(plan.total_spend())}</td></tr>
                            <tr class="forecast"><th scope="row">"Forecast revenue"</th>{forecast}<td>{currency(o.forecast.total_revenue)}</td></tr>
                        </tbody>
                    </table>
                }
            })
        })
    };
    let forecast_line = move || {
        shown.with(|o| {
            o.as_ref().map(|o| {
                let f = &o.forecast;
                format!(
                    "Forecast total revenue over {} weeks: {} ({:.0}% interval {} – {}), of which media {} (media ROAS {}× incl. carryover after the period). The interval covers the week-to-week noise only, not the uncertainty of the model's coefficients.",
                    o.plan.weeks(),
                    currency(f.total_revenue),
                    f.level * 100.0,
                    currency(f.total_lower),
                    currency(f.total_upper),
                    currency(f.weeks.iter().map(|w| w.media).sum()),
                    decimal(o.plan.roas(), 2),
                )
            })
        })
    };
    let p = planner.clone();
    view! {
        <section class="card horizon" aria-labelledby="horizon-heading" data-testid="horizon"
            data-pending=move || pending().to_string()
            data-form=move || shown.with(|o| o.as_ref().map(|o| if o.plan.is_multiplicative() { "multiplicative" } else { "additive" }).unwrap_or_default())
        >
            <h3 id="horizon-heading">"Plan the next weeks"</h3>
            <div class="horizon-form">
                <label>
                    "Plan period (weeks)"
                    <input
                        class="money-input small"
                        type="number"
                        min="1"
                        max="52"
                        step="1"
                        data-testid="horizon-weeks"
                        prop:value=move || weeks_text.get()
                        on:input=move |ev| weeks_text.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    "Total budget over the period"
                    <input
                        class="money-input"
                        type="text"
                        inputmode="decimal"
                        data-testid="horizon-budget"
                        prop:value=move || budget_text.get()
                        on:input=move |ev| budget_text.set(event_target_value(&ev))
                    />
                </label>
                {cap_fields}
                <LimitField label="Max total per week" placeholder="no cap" test_id="horizon-week-cap" text=week_cap_text amount=true />
                <LimitField label="Weeks with their own max total (week:max; …)" placeholder="e.g. 3:20000; 7:0" test_id="horizon-week-caps" text=week_caps_text />
                <LimitField label="Channel caps in single weeks (week:channel<=max; …)" placeholder="e.g. 5:paid_search<=20000" test_id="horizon-channel-week-caps" text=cell_caps_text />
                <LimitField label="Fixed amounts (week:channel=amount; …)" placeholder="e.g. 1:email=5000; 2:email=5000" test_id="horizon-fixed" text=fixed_text />
            </div>
            <p class="field-error" role="alert" data-testid="horizon-error">
                {move || error().map(|e| {
                    let kept = if shown.with(Option::is_some) { " The last valid plan is shown." } else { "" };
                    format!("{e}{kept}")
                })}
            </p>
            <p class="muted" role="status" data-testid="horizon-pending">
                {move || pending().then(|| {
                    let kept = if shown.with(Option::is_some) { " The plan below is the last one, for the inputs before." } else { "" };
                    format!("Planning in the background with the multiplicative model…{kept}")
                })}
            </p>
            <p
                class="goal-answer"
                aria-live="polite"
                data-testid="forecast-revenue"
                data-value=move || shown.with(|o| o.as_ref().map(|o| o.forecast.total_revenue.to_string()).unwrap_or_default())
                data-lower=move || shown.with(|o| o.as_ref().map(|o| o.forecast.total_lower.to_string()).unwrap_or_default())
                data-upper=move || shown.with(|o| o.as_ref().map(|o| o.forecast.total_upper.to_string()).unwrap_or_default())
            >
                {forecast_line}
            </p>
            <p class="footnote" data-testid="horizon-certificate"
                data-gap=move || shown.with(|o| o.as_ref().and_then(|o| o.plan.certificate().map(|c| c.relative_gap.to_string())).unwrap_or_default())
            >
                {move || shown.with(|o| o.as_ref().map(|o| certificate_text(&o.plan)))}
            </p>
            <div class="plan-scroll horizon-table" tabindex="0" role="region" aria-label="Plan by channel and week (scrolls sideways)">{table}</div>
            <ChartCard
                title="Plan by week"
                caption="weekly spend, stacked by channel"
                test_id="chart-horizon-plan"
                summary=Signal::derive({
                    let p = p.clone();
                    move || shown.with(|o| o.as_ref().map_or_else(|| NO_PLAN.to_string(), |o| horizon_plan_summary(&p, o)))
                })
                label="Planned weekly spend stacked by channel over the plan period"
                source=shown
                figure={move |o: &Option<HorizonOutcome>| o.as_ref().map_or_else(|| note_figure(NO_PLAN), |o| horizon_plan_figure(&p, o))}
                wide=true
            />
            <ChartCard
                title="Weekly revenue forecast"
                caption="total weekly revenue (baseline, trend, season, controls and media) with its interval"
                test_id="chart-forecast"
                summary=Signal::derive(move || shown.with(|o| o.as_ref().map_or_else(|| NO_PLAN.to_string(), forecast_summary)))
                label="Forecast of total weekly revenue over the plan period with its interval"
                source=shown
                figure={|o: &Option<HorizonOutcome>| o.as_ref().map_or_else(|| note_figure(NO_PLAN), forecast_figure)}
                wide=true
            />
        </section>
    }
}
