//! The root component: opens on the data kept in the browser (or the built-in demo), fits
//! the model in a Web Worker, and shows the data panel and the planner once it is ready.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::components::carryover_choice::CarryoverSetting;
use crate::components::data::data_panel::DataPanel;
use crate::components::data::load_bar::{drag_over_handler, drop_handler};
use crate::components::data::session::{DataSession, InUse};
use crate::components::fit_status::FitStatus;
use crate::components::longer_run::LongerRunAction;
use crate::components::model_form_choice::ModelFormSetting;
use crate::components::offline_link::OfflineLink;
use crate::components::performance::performance_view::PerformanceView;
use crate::components::performance::planner_tabs::{PlannerTabs, Tab};
use crate::components::planner_page::PlannerPage;
use crate::embedded;
use crate::fitting::ready;
use crate::worker::performance_job::PerformanceSource;
use mixplan_core::model::posterior::{LiftTest, RoiBelief};

/// Keeps the plan with the user's kept data whenever the page is hidden or left (reload,
/// tab closed): syncs the browser's storage, writes no signal.
fn keep_plan_on_page_hide(session: DataSession) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn Fn()>::new(move || session.keep_plan());
    let _ = window.add_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
    // Lives as long as the page.
    listener.forget();
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let session = DataSession::new();
    session.start();
    keep_plan_on_page_hide(session);
    let fit = session.fit;
    // How returns are named (ROI or cost per KPI) for the data in use.
    provide_context(Signal::derive(move || session.in_use.get().target_kind()));
    let posterior = session.posterior;
    let lift_tests = session.lift_tests;
    let on_calibrate = Callback::new(move |tests: Vec<LiftTest>| session.calibrate(tests));
    let roi_beliefs = session.roi_beliefs;
    let on_believe = Callback::new(move |beliefs: Vec<RoiBelief>| session.believe(beliefs));
    // The carryover control (in the model panel) refits the data in use with its form.
    provide_context(CarryoverSetting {
        chosen: session.carryover.into(),
        choose: Callback::new(move |form| session.choose_carryover(form)),
    });
    // The model-form control (in the model panel, and the form check's remedy) refits the
    // data in use in that form.
    provide_context(ModelFormSetting {
        chosen: session.form.into(),
        choose: Callback::new(move |form| session.choose_form(form)),
    });
    // The model panel's "Sample longer" samples the data in use again, longer.
    provide_context(LongerRunAction(Callback::new(move |()| {
        session.sample_longer()
    })));
    let ready = ready(fit);
    // The simulated store's truth, shown beside the fitted values for the demo only.
    let truth = embedded::load().map(|d| d.truth).unwrap_or_default();
    let tab = RwSignal::new(Tab::Plan);
    // Mounted the first time the tab is opened (its worker is not started before), then kept.
    let performance_opened = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false) || tab.get() == Tab::Performance
    });
    let performance_source = Signal::derive(move || match session.in_use.get() {
        InUse::Demo => PerformanceSource::Demo,
        InUse::User(dataset) => PerformanceSource::Wide {
            text: session
                .fitted_text
                .with(|t| t.as_deref().map(str::to_string))
                .unwrap_or_default(),
            channels: dataset
                .data
                .channel_names()
                .iter()
                .map(|c| c.to_string())
                .collect(),
        },
    });
    let model_roi = Signal::derive(move || {
        ready
            .get()
            .map(|(planner, _)| {
                let model = planner.model();
                model
                    .linear_model()
                    .channels()
                    .iter()
                    .enumerate()
                    .map(|(c, ch)| {
                        let roi = model.channel_revenue(c).map_or(f64::NAN, |r| r.roi);
                        (ch.name.clone(), roi)
                    })
                    .collect()
            })
            .unwrap_or_default()
    });

    view! {
        <div class="app-root" on:dragover=drag_over_handler on:drop=drop_handler(session)>
            <header class="app-header">
                <div>
                    <h1>"mixplan"</h1>
                    <p class="tagline">"Split your weekly ad budget with a marketing-mix model that runs entirely in your browser."</p>
                </div>
                <FitStatus state=fit />
                <OfflineLink />
            </header>
            <DataPanel session />
            <main class="app-main">
                <PlannerTabs selected=tab />
                <div role="tabpanel" id="panel-plan" aria-labelledby="tab-plan" tabindex="0"
                    class:hidden=move || tab.get() != Tab::Plan>
                    {move || ready.get().map(|(planner, fit_ms)| {
                        let truth = match session.in_use.get() {
                            InUse::Demo => truth.clone(),
                            InUse::User(_) => Vec::new(),
                        };
                        view! { <PlannerPage planner truth fit_ms posterior lift_tests on_calibrate roi_beliefs on_believe /> }
                    })}
                </div>
                <div role="tabpanel" id="panel-performance" aria-labelledby="tab-performance" tabindex="0"
                    class:hidden=move || tab.get() != Tab::Performance>
                    {move || performance_opened.get().then(|| view! {
                        <PerformanceView source=performance_source model_roi />
                    })}
                </div>
            </main>
        </div>
    }
}
