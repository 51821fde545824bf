//! The planner: budget panel on the left, live results on the right (stacked on a phone).

use std::sync::Arc;

use leptos::prelude::*;

use super::budget_panel::BudgetPanel;
use super::channel_table::ChannelTable;
use super::chart_card::ChartCard;
use super::export_bar::ExportBar;
use super::lift_tests_panel::LiftTestsPanel;
use super::model_checks::ModelChecks;
use super::model_panel::ModelPanel;
use super::plan_ahead::PlanAhead;
use super::plan_ahead::horizon_panel::HorizonFields;
use super::print_summary::PrintSummary;
use super::recommendation_panel::RecommendationPanel;
use super::results_summary::ResultsSummary;
use super::roi_beliefs_panel::RoiBeliefsPanel;
use super::uncertainty_status::UncertaintyStatus;
use super::use_debounced::use_debounced;
use crate::charts::figure::Figure;
use crate::charts::figures;
use crate::charts::summary;
use crate::data_source::choices::TargetKind;
use crate::embedded::TrueChannel;
use crate::fitting::PosteriorState;
use crate::planner::budget::{BudgetRange, BudgetState};
use crate::planner::draws::PosteriorDraws;
use crate::planner::intervals::{DEFAULT_LEVEL, ScenarioIntervals, SplitRevenue};
use crate::planner::recommendation::{DEFAULT_CONFIDENCE, recommend};
use crate::planner::scenario::{ChannelInfo, Planner, Scenario};
use crate::planner::scenario_store::OpenedScenario;
use crate::share::browser;
use crate::share::link::{LinkSettings, PageLink, PlanLink};
use mixplan_core::model::ModelForm;
use mixplan_core::transform::CarryoverForm;

/// How long the plan must stay unchanged before the recommendation is recomputed (it runs
/// the rule over every posterior draw: tens of milliseconds, too slow for every input event).
pub const RECOMMENDATION_DEBOUNCE_MS: u32 = 200;

/// How long the plan must stay unchanged before the URL fragment is rewritten.
pub const LINK_DEBOUNCE_MS: u32 = 300;

/// The plan and page settings to start from: the URL fragment's when it is a valid link
/// (version 1 or 2) for these channels and budget range, else `default` and the default
/// settings, with a note saying why the link was not used.
pub fn starting_state(
    fragment: Option<&str>,
    channels: &[ChannelInfo],
    range: &BudgetRange,
    default: BudgetState,
) -> (BudgetState, LinkSettings, Option<String>) {
    let Some(fragment) = fragment else {
        return (default, LinkSettings::default(), None);
    };
    match PageLink::parse(fragment)
        .and_then(|link| Ok((link.plan.resolve(channels, range)?, link.settings)))
    {
        Ok((budget, settings)) => (budget, settings, None),
        Err(error) => (
            default,
            LinkSettings::default(),
            Some(format!(
                "The plan in this link could not be opened: {error} The default plan is shown."
            )),
        ),
    }
}

/// The scenario's credible intervals over `draws` at `level`: the current split, and the
/// best split under the model compared with it. `recommended` is that split's revenue under
/// the draws when already known (the page keeps it while the slider moves, see
/// [`recommended_revenue`]); it is used only if it is for the scenario's best split, else
/// that split's revenue is computed here.
pub fn scenario_intervals(
    draws: &PosteriorDraws,
    scenario: &Scenario,
    recommended: Option<&SplitRevenue>,
    level: f64,
) -> ScenarioIntervals {
    let best = scenario.optimal.as_ref().ok().map(|plan| plan.spend());
    let computed;
    let recommended = match (best, recommended) {
        (Some(best), Some(known)) if known.spend() == best => Some(known),
        (Some(best), _) => {
            computed = SplitRevenue::of(draws, best);
            Some(&computed)
        }
        (None, _) => None,
    };
    ScenarioIntervals::compute(
        draws,
        scenario.baseline,
        scenario.current.spend(),
        recommended,
        level,
    )
}

/// The revenue under every draw of the scenario's best split under the model (`None` when
/// there is no such split). That split depends on the total and the locks, not on how the
/// rest is spread: a `Memo` of this keeps it while a channel slider moves.
pub fn recommended_revenue(draws: &PosteriorDraws, best: Option<&[f64]>) -> Option<SplitRevenue> {
    best.map(|spend| SplitRevenue::of(draws, spend))
}

/// What the response chart is drawn from: the scenario and, once sampled, the draws for
/// its bands.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseSource {
    scenario: Scenario,
    draws: Option<Arc<PosteriorDraws>>,
}

/// The whole planner for a fitted model. State: the budget (one signal). Everything else is
/// derived: the scenario is a `Memo` of the budget (its best split and historical mix a
/// `Memo` of the total and the locks), its intervals a `Memo` of the scenario
/// and the posterior draws; each chart builds its figure from the planner and the scenario
/// when it redraws (at most once per animation frame).
#[component]
pub fn PlannerPage(
    /// The fitted model and planning data.
    planner: Arc<Planner>,
    /// True parameters of the simulated store, per channel (empty for real data).
    truth: Vec<TrueChannel>,
    /// Fit wall time in the browser, milliseconds.
    fit_ms: f64,
    /// The posterior of the model (sampled in the worker after the fit).
    #[prop(optional, into)]
    posterior: Signal<PosteriorState>,
    /// The lift tests the posterior is calibrated by.
    #[prop(optional, into)]
    lift_tests: Signal<Vec<mixplan_core::model::posterior::LiftTest>>,
    /// Re-runs the fit and posterior with lift tests; without it there is no lift-test panel.
    #[prop(optional)]
    on_calibrate: Option<Callback<Vec<mixplan_core::model::posterior::LiftTest>>>,
    /// The ROI beliefs the posterior has as priors.
    #[prop(optional, into)]
    roi_beliefs: Signal<Vec<mixplan_core::model::posterior::RoiBelief>>,
    /// Re-runs the fit and posterior with ROI beliefs; without it (or for a KPI that is not
    /// revenue) there is no beliefs panel.
    #[prop(optional)]
    on_believe: Option<Callback<Vec<mixplan_core::model::posterior::RoiBelief>>>,
) -> impl IntoView {
    // The weekly totals offered, from the data; the plan starts at the historical weekly
    // spend, on the slider's grid.
    let range = planner.budget_range();
    let default = BudgetState::from_mix(
        range.snap(planner.historical_total()),
        planner.historical_mix(),
    );
    let (start, settings, link_note) = starting_state(
        browser::read_fragment().as_deref(),
        planner.channels(),
        &range,
        default,
    );
    // The page's state the share link carries: the plan, the confidence setting, the
    // horizon fields and the scenario opened (all written by their controls only).
    let confidence = RwSignal::new(settings.confidence.unwrap_or(DEFAULT_CONFIDENCE));
    let horizon_fields =
        HorizonFields::new(&planner, settings.horizon_weeks, settings.horizon_budget);
    let opened = RwSignal::new(settings.scenario.map(|name| OpenedScenario {
        name,
        spend: start.spend().to_vec(),
    }));
    let budget = RwSignal::new(start);
    let viewed_scenario = Memo::new(move |_| {
        opened.with(|o| {
            o.as_ref()
                .and_then(|o| budget.with(|b| o.viewed(b.spend()).map(str::to_string)))
        })
    });
    let summary_open = RwSignal::new(false);

    let carryover_form = planner.model().carryover_form();
    let model_form = planner.model().form();
    // Channels multiply revenue: contributions are removal effects (they overlap).
    let multiplicative = model_form == ModelForm::Multiplicative;
    // Keep the URL fragment on the plan and settings (debounced, `replaceState`: no history
    // entry per move). Synchronises with the browser's URL only; writes no signal.
    let link_settings = Memo::new(move |_| {
        let (horizon_weeks, horizon_budget) = horizon_fields.values();
        LinkSettings {
            confidence: Some(confidence.get()),
            horizon_weeks,
            horizon_budget,
            scenario: viewed_scenario.get(),
            // Written for a Weibull form only: no `carryover` key means geometric.
            carryover: Some(carryover_form).filter(|f| *f != CarryoverForm::Geometric),
            // Written for the multiplicative form only: no `form` key means additive.
            form: Some(model_form).filter(|f| *f != ModelForm::Additive),
        }
    });
    // The pending write and the fragment it will write.
    let pending_write = StoredValue::new_local(None::<(gloo_timers::callback::Timeout, String)>);
    let link_channels = planner.channels().to_vec();
    Effect::new(move |_| {
        let link = PageLink {
            plan: budget.with(|b| PlanLink::from_budget(b, &link_channels)),
            settings: link_settings.get(),
        };
        let fragment = link.format();
        let written = fragment.clone();
        let write = gloo_timers::callback::Timeout::new(LINK_DEBOUNCE_MS, move || {
            browser::replace_fragment(&written)
        });
        // Replacing the pending timeout drops, and so cancels, the previous one.
        pending_write.set_value(Some((write, fragment)));
    });
    // Choosing another carryover or model form refits and then rebuilds this page from the URL
    // fragment: a write still pending (a field typed less than LINK_DEBOUNCE_MS before) is
    // made at once, so the new page keeps it.
    let flush_link = Callback::new(move |()| {
        if let Some((timeout, fragment)) = pending_write.try_update_value(Option::take).flatten() {
            timeout.cancel();
            browser::replace_fragment(&fragment);
        }
    });
    browser::install_js_api(planner.clone(), budget, link_settings.into());

    // The historical mix and the best split depend on the total and the locks only: a Memo
    // of those two keeps the optimiser from re-running while a channel slider moves.
    let reference_key = Memo::new(move |_| budget.with(|b| (b.total(), b.bounds())));
    let p = planner.clone();
    let references =
        Memo::new(move |_| reference_key.with(|(total, bounds)| p.references(bounds, *total)));
    let p = planner.clone();
    let scenario =
        Memo::new(move |_| budget.with(|b| references.with(|r| p.scenario_against(b, r))));
    let static_model = Signal::stored(planner.clone());
    let draws = Memo::new(move |_| posterior.with(PosteriorState::draws));
    // The best split under the model, and its revenue under every draw: recomputed when
    // that split changes (a new total or locks), not on every move of a channel slider.
    let best_split = Memo::new(move |_| {
        scenario.with(|s| s.optimal.as_ref().ok().map(|plan| plan.spend().to_vec()))
    });
    let best_revenue = Memo::new(move |_| {
        let draws = draws.get()?;
        best_split.with(|best| recommended_revenue(&draws, best.as_deref()))
    });
    let intervals = Memo::new(move |_| {
        let draws = draws.get()?;
        Some(best_revenue.with(|best| {
            scenario.with(|s| scenario_intervals(&draws, s, best.as_ref(), DEFAULT_LEVEL))
        }))
    });
    let response_source = Memo::new(move |_| ResponseSource {
        scenario: scenario.get(),
        draws: draws.get(),
    });
    let response_planner = planner.clone();
    let recommending = planner.clone();
    let settled_budget = use_debounced(budget, RECOMMENDATION_DEBOUNCE_MS);
    let recommendation = Memo::new(move |_| {
        let draws = draws.get()?;
        settled_budget.with(|b| recommend(&recommending, &draws, b, confidence.get()))
    });
    let updating = Signal::derive(move || budget.with(|b| settled_budget.with(|s| b != s)));

    // A live chart's builder: the figure of the planner and the current scenario.
    let live = |build: fn(&Planner, &Scenario) -> Figure| {
        let planner = planner.clone();
        move |scenario: &Scenario| build(&planner, scenario)
    };
    let fixed = |build: fn(&Planner) -> Figure| move |planner: &Arc<Planner>| build(planner);
    // A live chart's text alternative, from the planner and the current scenario.
    let described = |build: fn(&Planner, &Scenario) -> String| {
        let planner = planner.clone();
        Signal::derive(move || scenario.with(|s| build(&planner, s)))
    };

    // The store's truth is given for the built-in demo only.
    let is_demo = !truth.is_empty();
    // ROI beliefs are stated as revenue per dollar: offered when the target is revenue.
    let target_kind = crate::data_source::wording::target_kind();
    let beliefs_channels = planner.channels().to_vec();
    view! {
        <div class="planner">
            <aside class="planner-controls">
                <BudgetPanel budget channels=planner.channels().to_vec() range />
            </aside>
            <div class="planner-results">
                {link_note.map(|note| view! { <p class="warning link-note" role="status" data-testid="link-note">{note}</p> })}
                <PrintSummary planner=planner.clone() scenario open=summary_open />
                <UncertaintyStatus posterior />
                <ResultsSummary scenario budget intervals posterior />
                <RecommendationPanel channels=planner.channels().to_vec() recommendation confidence posterior budget updating />
                <super::pricing_panel::PricingPanel planner=planner.clone() scenario intervals />
                <ExportBar planner=planner.clone() scenario budget summary_open />
                <div class="chart-grid">
                    <ChartCard
                        title=if multiplicative { "Revenue lost without each channel" } else { "Revenue contribution by channel" }
                        caption="labelled gain (green) or loss (red) vs the historical mix at this total"
                        test_id="chart-contribution"
                        key_chart=true
                        label=if multiplicative { "Weekly revenue lost without each channel (the amounts overlap: channels multiply revenue)" } else { "Weekly revenue contribution by channel" }
                        summary=described(summary::contribution_summary)
                        source=scenario
                        figure=live(figures::contribution_figure)
                    />
                    <ChartCard
                        title="Current vs best split under the model"
                        test_id="chart-split"
                        key_chart=true
                        label="Current weekly spend per channel and the best spend under the model"
                        summary=described(summary::split_summary)
                        source=scenario
                        figure=live(figures::split_figure)
                    />
                    <ChartCard
                        title="Recommended split"
                        test_id="chart-donut"
                        label="Recommended split of the weekly budget: the best under the model"
                        summary=described(summary::donut_summary)
                        source=scenario
                        figure=live(figures::donut_figure)
                    />
                    <ChartCard
                        title="Response curves"
                        caption="● current, ◇ best under the model; shaded: 90% interval"
                        test_id="chart-response"
                        label=if multiplicative { "Weekly revenue each channel adds as a function of its weekly spend, the other channels at the current split, with 90% credible bands" } else { "Weekly revenue as a function of weekly spend, per channel, with 90% credible bands" }
                        summary=described(summary::response_summary)
                        source=response_source
                        figure=move |source: &ResponseSource| figures::response_figure_with_bands(
                            &response_planner,
                            &source.scenario,
                            source.draws.as_deref().map(|d| (d, DEFAULT_LEVEL)),
                        )
                    />
                </div>
                <ChannelTable channels=planner.channels().to_vec() scenario intervals posterior form=planner.model().form() />
                <ChartCard
                    title="Actual vs model"
                    caption="shaded: holdout weeks, predicted out of sample"
                    test_id="chart-fit"
                    label="Actual and modelled weekly revenue over time"
                    summary=summary::fit_summary(&planner)
                    source=static_model
                    figure=fixed(figures::fit_figure)
                    wide=true
                />
                <ChartCard
                    title="Where revenue comes from"
                    test_id="chart-decomposition"
                    label="Modelled weekly revenue stacked by source"
                    summary=summary::decomposition_summary(&planner)
                    source=static_model
                    figure=fixed(figures::decomposition_figure)
                    wide=true
                />
                <PlanAhead planner=planner.clone() budget scenario posterior fields=horizon_fields opened viewed=viewed_scenario range />
                {on_calibrate.map(|on_calibrate| view! { <LiftTestsPanel channels=planner.channels().to_vec() active=lift_tests on_calibrate offer_store_tests=is_demo /> })}
                {move || (target_kind.get() == TargetKind::Revenue)
                    .then_some(on_believe)
                    .flatten()
                    .map(|on_believe| view! { <RoiBeliefsPanel channels=beliefs_channels.clone() active=roi_beliefs on_believe /> })}
                <ModelPanel
                    planner=planner.clone()
                    truth
                    fit_ms
                    posterior
                    before_refit=flush_link
                />
                <super::mediation_panel::MediationPanel planner=planner.clone() />
                <ModelChecks planner before_refit=flush_link />
            </div>
        </div>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn channels() -> Vec<ChannelInfo> {
        ["ps", "em"]
            .iter()
            .map(|id| ChannelInfo {
                id: id.to_string(),
                name: id.to_string(),
            })
            .collect()
    }

    #[test]
    fn the_intervals_use_the_kept_best_split_revenue_only_when_it_is_for_the_scenarios_best_split()
    {
        let planner = crate::planner::scenario::fitted_planner();
        let draws = crate::planner::draws::tests::scaled_draws(planner, 0.01, 40);
        let budget = BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        let scenario = planner.scenario(&budget);
        let best = scenario.optimal.as_ref().unwrap().spend().to_vec();
        let expected = ScenarioIntervals::compute(
            &draws,
            scenario.baseline,
            scenario.current.spend(),
            Some(&SplitRevenue::of(&draws, &best)),
            DEFAULT_LEVEL,
        );
        assert!(expected.recommended.is_some());
        let kept = recommended_revenue(&draws, Some(&best));
        assert_eq!(
            scenario_intervals(&draws, &scenario, kept.as_ref(), DEFAULT_LEVEL),
            expected
        );
        // Revenue kept for another split (the historical mix) is not used for this one.
        let stale = recommended_revenue(&draws, Some(planner.historical_mix()));
        assert_eq!(
            scenario_intervals(&draws, &scenario, stale.as_ref(), DEFAULT_LEVEL),
            expected
        );
        assert_eq!(
            scenario_intervals(&draws, &scenario, None, DEFAULT_LEVEL),
            expected
        );
        assert_eq!(recommended_revenue(&draws, None), None);
    }

    #[test]
    fn a_valid_link_is_the_starting_plan() {
        let default = BudgetState::from_mix(20_000.0, &[1.0, 1.0]);
        let (budget, settings, note) = starting_state(
            Some("v1;total=30000;ps=20000;em=10000;lock=em"),
            &channels(),
            &BudgetRange::FALLBACK,
            default.clone(),
        );
        assert_eq!(note, None);
        assert_eq!(budget.spend(), &[20_000.0, 10_000.0]);
        assert_eq!(budget.locked(), &[false, true]);
        assert_eq!(settings, LinkSettings::default());
        let (budget, settings, note) = starting_state(
            Some(
                "v2;total=30000;ch.ps=20000;ch.em=10000;confidence=0.7;weeks=8;budget=99000;scenario=Q3%20push;later=1",
            ),
            &channels(),
            &BudgetRange::FALLBACK,
            default,
        );
        assert_eq!(note, None);
        assert_eq!(budget.spend(), &[20_000.0, 10_000.0]);
        assert_eq!(
            settings,
            LinkSettings {
                confidence: Some(0.7),
                horizon_weeks: Some(8),
                horizon_budget: Some(99_000.0),
                scenario: Some("Q3 push".into()),
                carryover: None,
                form: None,
            }
        );
    }

    #[test]
    fn a_bad_or_stale_link_keeps_the_default_plan_and_says_why() {
        let default = BudgetState::from_mix(20_000.0, &[1.0, 1.0]);
        for fragment in [
            "v1;total=30000;ps=20000;tv=10000",
            "v1;total=abc",
            "v7;x=1",
            "top",
            "v2;total=30000;ch.ps=20000;ch.em=10000;confidence=0.2",
            "v2;total=30000;ch.ps=20000;ch.em=10000;weeks=99",
            // A total outside the range the planner offers for this data.
            "v2;total=5000;ch.ps=2500;ch.em=2500",
        ] {
            let (budget, settings, note) = starting_state(
                Some(fragment),
                &channels(),
                &BudgetRange::FALLBACK,
                default.clone(),
            );
            assert_eq!(budget, default, "{fragment}");
            assert_eq!(settings, LinkSettings::default(), "{fragment}");
            let note = note.unwrap();
            assert!(
                note.starts_with("The plan in this link could not be opened"),
                "{note}"
            );
            assert!(note.ends_with("The default plan is shown."), "{note}");
        }
        assert_eq!(
            starting_state(None, &channels(), &BudgetRange::FALLBACK, default.clone()),
            (default, LinkSettings::default(), None)
        );
    }
}
