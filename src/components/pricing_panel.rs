//! `<PricingPanel>`: "Price and promotions" next to the media plan — the fitted model's price
//! elasticity and promotion lift with their intervals, and what a price change or a promotion
//! in the plan period does to the forecast weekly revenue, beside the media plan's forecast
//! and combined with it, in either model form (in the multiplicative form the effects scale
//! the media plan's forecast). All derived with `Memo`s from the planner (two least-squares
//! fits, 19 µs natively on the store: no worker). Numbers: [`crate::planner::pricing`], the
//! same as `mixplan pricing --no-posterior` with the model's `--form`.

use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::model::ModelForm;
use mixplan_core::pricing::{Interval, PricingReport};

use crate::format::{currency, decimal, percent, signed_currency, signed_percent};
use crate::planner::intervals::{ScenarioIntervals, level_text};
use crate::planner::pricing::{
    MAX_PRICE_CHANGE_PCT, MIN_PRICE_CHANGE_PCT, PricingEffect, PricingSetting, pricing_report,
};
use crate::planner::scenario::{Planner, Scenario};

/// `"+$1,200 per week (90% interval +$900 to +$1,500)"`.
fn money_with_interval(interval: &Interval) -> String {
    format!(
        "{} per week ({} interval {} to {})",
        signed_currency(interval.estimate),
        level_text(interval.level),
        signed_currency(interval.lower),
        signed_currency(interval.upper)
    )
}

/// The elasticity in words: of the revenue the media do not explain (additive form), or of
/// the whole revenue (multiplicative form, where media multiply it, so the two are the same).
fn elasticity_sentence(report: &PricingReport) -> String {
    let e = &report.elasticity.log_log;
    let (of_what, revenue) = match report.form {
        ModelForm::Additive => ("of the revenue the media do not explain", "of that revenue"),
        ModelForm::Multiplicative => (
            "of all revenue, media included, since media multiply revenue in this form",
            "revenue",
        ),
    };
    format!(
        "Price elasticity (log-log, {of_what}): {} ({} interval {} to {}): 1 % higher prices, about {} % less {revenue}.",
        decimal(e.estimate, 2),
        level_text(e.level),
        decimal(e.lower, 2),
        decimal(e.upper, 2),
        decimal(-e.estimate, 1)
    )
}

/// The section `data-testid="pricing-panel"`: `pricing-elasticity` and `pricing-lift` (each
/// with `data-estimate`, `data-lower`, `data-upper`), the controls `price-change` (a range,
/// −20…+20 %, step 1), `promo-toggle` (a checkbox) and `promo-depth` (default: the data's mean
/// promotion depth), and `pricing-effect` (`data-estimate`/`data-lower`/`data-upper` of the
/// weekly revenue change, `data-percent` of it against the media plan's forecast). When the
/// data lack a price or promotion column it says which and how to add it
/// (`pricing-missing`).
#[component]
pub fn PricingPanel(
    /// The fitted model and the data it was fitted on.
    planner: Arc<Planner>,
    /// The media plan's scenario (its forecast weekly revenue).
    #[prop(into)]
    scenario: Signal<Scenario>,
    /// The media plan's intervals, once the posterior is sampled.
    #[prop(into)]
    intervals: Signal<Option<ScenarioIntervals>>,
) -> impl IntoView {
    let report = match pricing_report(&planner) {
        Ok(report) => Arc::new(report),
        Err(message) => {
            return view! {
                <section class="card pricing-panel" aria-labelledby="pricing-heading" data-testid="pricing-panel">
                    <h2 id="pricing-heading">"Price and promotions"</h2>
                    <p class="warning" role="status" data-testid="pricing-missing">{message}</p>
                </section>
            }
            .into_any();
        }
    };
    let price_change_pct = RwSignal::new(0_i32);
    let promotion = RwSignal::new(false);
    let depth = RwSignal::new(report.promotion.mean_depth);
    let media_revenue = Memo::new(move |_| scenario.with(|s| s.revenue));
    // Only the multiplicative form's effects scale with the plan's forecast; in the additive
    // form the effect must not re-run on every slider move (the hot path).
    let effect_follows_plan = report.form == ModelForm::Multiplicative;
    let effect = {
        let report = report.clone();
        Memo::new(move |_| {
            let plan_revenue = if effect_follows_plan {
                media_revenue.get()
            } else {
                media_revenue.get_untracked()
            };
            PricingEffect::of(
                &report,
                PricingSetting {
                    price_change_pct: price_change_pct.get(),
                    promotion: promotion.get(),
                    depth: depth.get(),
                },
                plan_revenue,
            )
        })
    };
    let ok = move || effect.get().ok();
    let effect_text = move || match effect.get() {
        Err(message) => message,
        Ok(e) => {
            let media = media_revenue.get();
            let combined = media + e.total.estimate;
            let range = intervals
                .with(|i| i.as_ref().and_then(|i| i.revenue))
                .map(|r| {
                    format!(
                        " ({} interval {} to {}, adding the ends)",
                        level_text(e.total.level),
                        currency(r.low + e.total.lower),
                        currency(r.high + e.total.upper)
                    )
                })
                .unwrap_or_default();
            let promotion_text = if promotion.get() {
                format!("on: {}", money_with_interval(&e.promotion))
            } else {
                "off: $0".to_string()
            };
            format!(
                "Price {:+} %: {}; promotion {}. Together {} ({} of the media plan's forecast {}). Combined forecast (media plan + price + promotion): {} per week{}.",
                price_change_pct.get(),
                money_with_interval(&e.price),
                promotion_text,
                money_with_interval(&e.total),
                signed_percent(e.total.estimate / media),
                currency(media),
                currency(combined),
                range
            )
        }
    };
    let elasticity = report.elasticity.log_log;
    let elasticity_text = elasticity_sentence(&report);
    let lift = report.promotion.lift;
    let mean_depth = report.promotion.mean_depth;
    view! {
        <section class="card pricing-panel" aria-labelledby="pricing-heading" data-testid="pricing-panel">
            <h2 id="pricing-heading">"Price and promotions"</h2>
            <p
                data-testid="pricing-elasticity"
                data-estimate=elasticity.estimate.to_string()
                data-lower=elasticity.lower.to_string()
                data-upper=elasticity.upper.to_string()
            >
                {elasticity_text}
            </p>
            <p
                data-testid="pricing-lift"
                data-estimate=lift.estimate.to_string()
                data-lower=lift.lower.to_string()
                data-upper=lift.upper.to_string()
            >
                {format!(
                    "Promotion lift of the average promotion week (depth {}, {} weeks): {}, {} of those weeks' revenue without it.",
                    decimal(mean_depth, 3),
                    report.promotion.promotion_weeks,
                    money_with_interval(&lift),
                    percent(report.promotion.lift_share.estimate)
                )}
            </p>
            <div class="pricing-controls">
                <label>
                    <span>{move || format!("Price change in the plan period: {:+} %", price_change_pct.get())}</span>
                    <input
                        type="range"
                        data-testid="price-change"
                        min=MIN_PRICE_CHANGE_PCT
                        max=MAX_PRICE_CHANGE_PCT
                        step=1
                        aria-valuetext=move || format!("{:+} %", price_change_pct.get())
                        prop:value=move || price_change_pct.get()
                        on:input=move |ev| {
                            if let Ok(value) = event_target_value(&ev).parse::<i32>() {
                                price_change_pct.set(value);
                            }
                        }
                    />
                </label>
                <label>
                    <input
                        type="checkbox"
                        data-testid="promo-toggle"
                        prop:checked=move || promotion.get()
                        on:change=move |ev| promotion.set(event_target_checked(&ev))
                    />
                    " Promotion in every week of the plan period, at depth "
                </label>
                <input
                    type="number"
                    data-testid="promo-depth"
                    aria-label="Promotion depth"
                    min=0
                    step=0.01
                    prop:value=move || depth.get()
                    on:change=move |ev| {
                        if let Ok(value) = event_target_value(&ev).parse::<f64>() {
                            depth.set(value);
                        }
                    }
                />
            </div>
            <p
                class="kpi-range"
                data-testid="pricing-effect"
                data-estimate=move || ok().map(|e| e.total.estimate.to_string()).unwrap_or_default()
                data-lower=move || ok().map(|e| e.total.lower.to_string()).unwrap_or_default()
                data-upper=move || ok().map(|e| e.total.upper.to_string()).unwrap_or_default()
                data-price=move || ok().map(|e| e.price.estimate.to_string()).unwrap_or_default()
                data-promotion=move || ok().map(|e| e.promotion.estimate.to_string()).unwrap_or_default()
                data-percent=move || ok().map(|e| (e.total.estimate / media_revenue.get()).to_string()).unwrap_or_default()
            >
                {effect_text}
            </p>
        </section>
    }
    .into_any()
}
