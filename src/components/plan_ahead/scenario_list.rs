//! `<ScenarioList>`: save the current plan under a name; list, rename, open, delete and
//! pick the saved scenarios to compare. Every change is written to the browser's storage
//! at once (in the event handler; no Effect).

use std::sync::Arc;

use leptos::prelude::*;

use super::storage::write_scenarios;
use crate::format::currency;
use crate::planner::budget::BudgetState;
use crate::planner::scenario::Planner;
use crate::planner::scenario_store::{
    OpenedScenario, SavedScenario, checked_name, new_scenario, next_default_name,
};

/// The saved scenarios, the compare selection and the messages, shared by the list and the
/// comparison.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioState {
    /// Every saved scenario (also those saved for other data, kept but not listed).
    pub saved: RwSignal<Vec<SavedScenario>>,
    /// Ids ticked for comparison.
    pub selected: RwSignal<Vec<u64>>,
    /// What the last action could not do, or what was dropped when reading storage.
    pub note: RwSignal<Option<String>>,
    /// The scenario last opened ("Open" writes it; held by the planner page, which starts
    /// it from the share link).
    pub opened: RwSignal<Option<OpenedScenario>>,
    /// The name of the scenario being viewed: the opened one while the plan is still its
    /// split (derived by the planner page).
    pub viewed: Signal<Option<String>>,
}

impl ScenarioState {
    /// Replaces the list and writes it to storage; a refusal becomes the note.
    pub fn commit(&self, list: Vec<SavedScenario>) {
        let note = write_scenarios(&list).err().map(str::to_string);
        self.saved.set(list);
        self.note.set(note);
    }
}

/// One saved scenario in the list.
#[component]
fn ScenarioItem(
    /// The scenario.
    scenario: SavedScenario,
    /// The shared scenario state.
    state: ScenarioState,
    /// The budget being edited ("Open" writes it).
    budget: RwSignal<BudgetState>,
    /// The planner (to map the saved spend onto its channels).
    planner: Arc<Planner>,
) -> impl IntoView {
    let id = scenario.id;
    let editing = RwSignal::new(false);
    let selected = move || state.selected.with(|s| s.contains(&id));
    let toggle = move |_| {
        state.selected.update(|s| {
            if let Some(i) = s.iter().position(|x| *x == id) {
                s.remove(i);
            } else {
                s.push(id);
            }
        })
    };
    let rename = move |text: String| {
        let list = state.saved.get_untracked();
        match checked_name(&text, Some(id), &list) {
            Ok(name) => {
                let old = list.iter().find(|s| s.id == id).map(|s| s.name.clone());
                let list = list
                    .into_iter()
                    .map(|mut s| {
                        if s.id == id {
                            s.name = name.clone();
                        }
                        s
                    })
                    .collect();
                // The opened scenario keeps being viewed under its new name.
                state.opened.update(|o| {
                    if let Some(o) = o.as_mut().filter(|o| Some(&o.name) == old.as_ref()) {
                        o.name = name.clone();
                    }
                });
                state.commit(list);
                editing.set(false);
            }
            Err(e) => state.note.set(Some(e.to_string())),
        }
    };
    let deleted_name = scenario.name.clone();
    let delete = move |_| {
        let list = state
            .saved
            .get_untracked()
            .into_iter()
            .filter(|s| s.id != id)
            .collect();
        state.selected.update(|s| s.retain(|x| *x != id));
        if state
            .opened
            .with_untracked(|o| o.as_ref().is_some_and(|o| o.name == deleted_name))
        {
            state.opened.set(None);
        }
        state.commit(list);
    };
    let spend = scenario.spend_for(planner.channels()).unwrap_or_default();
    let opened_name = scenario.name.clone();
    let open = move |_| {
        budget.update(|b| b.apply(&spend));
        state.opened.set(Some(OpenedScenario {
            name: opened_name.clone(),
            spend: budget.with_untracked(|b| b.spend().to_vec()),
        }));
    };
    let viewed_name = scenario.name.clone();
    let is_viewed = move || state.viewed.with(|v| v.as_ref() == Some(&viewed_name));
    let name = scenario.name.clone();
    let test_name = scenario.name.clone();
    let shown_name = scenario.name.clone();
    let total = format!("{} per week", currency(scenario.total()));
    view! {
        <li class="scenario-item" class:viewed=is_viewed.clone() data-testid="scenario-item" data-name=test_name data-viewed=move || is_viewed().to_string()>
            <input
                type="checkbox"
                aria-label=format!("Compare “{name}”")
                data-testid="scenario-select"
                prop:checked=selected
                on:change=toggle
            />
            {move || if editing.get() {
                view! {
                    <input
                        class="scenario-rename"
                        type="text"
                        aria-label="New name"
                        data-testid="scenario-rename-input"
                        prop:value=shown_name.clone()
                        on:change=move |ev| rename(event_target_value(&ev))
                    />
                }.into_any()
            } else {
                view! { <span class="scenario-name">{shown_name.clone()}</span> }.into_any()
            }}
            <span class="scenario-total">{total}</span>
            <button type="button" data-testid="scenario-rename" on:click=move |_| editing.update(|e| *e = !*e)>"Rename"</button>
            <button type="button" data-testid="scenario-open" on:click=open>"Open"</button>
            <button type="button" data-testid="scenario-delete" on:click=delete>"Delete"</button>
        </li>
    }
}

/// The save form and the list of saved scenarios for this data.
#[component]
pub fn ScenarioList(
    /// The fitted model and its channels.
    planner: Arc<Planner>,
    /// The budget being edited (saved from, opened into).
    budget: RwSignal<BudgetState>,
    /// The shared scenario state.
    state: ScenarioState,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let next_id = move || {
        state
            .saved
            .with_untracked(|list| list.iter().map(|s| s.id).max().map_or(1, |m| m + 1))
    };
    let p = planner.clone();
    let save = move |_| {
        let list = state.saved.get_untracked();
        let typed = name.get_untracked();
        let typed = if typed.trim().is_empty() {
            next_default_name(&list)
        } else {
            typed
        };
        match checked_name(&typed, None, &list) {
            Ok(checked) => {
                let id = next_id();
                let spend = budget.with_untracked(|b| b.spend().to_vec());
                let mut list = list;
                list.push(new_scenario(id, checked, p.channels(), &spend));
                state.commit(list);
                name.set(String::new());
            }
            Err(e) => state.note.set(Some(e.to_string())),
        }
    };
    let p = planner.clone();
    let listed = move || {
        state.saved.with(|list| {
            list.iter()
                .filter(|s| s.spend_for(p.channels()).is_some())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let hidden = {
        let p = planner.clone();
        move || {
            state.saved.with(|list| {
                list.iter()
                    .filter(|s| s.spend_for(p.channels()).is_none())
                    .count()
            })
        }
    };
    view! {
        <div class="scenario-list">
            <div class="scenario-save">
                <label for="scenario-name">"Save the current plan as"</label>
                <input
                    id="scenario-name"
                    type="text"
                    data-testid="scenario-name"
                    placeholder=move || state.saved.with(|l| next_default_name(l))
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <button type="button" class="primary" data-testid="save-scenario" on:click=save>"Save scenario"</button>
            </div>
            <p class="field-hint" role="status" data-testid="viewed-scenario">
                {move || state.viewed.get().map(|name| format!("Viewing the scenario “{name}” (change the plan to leave it)."))}
            </p>
            <p class="field-error" role="alert" data-testid="scenario-note">{move || state.note.get()}</p>
            <ul class="scenarios" data-testid="scenario-list">
                <For
                    each=listed
                    key=|s| (s.id, s.name.clone())
                    children=move |scenario| view! { <ScenarioItem scenario state budget planner=planner.clone() /> }
                />
            </ul>
            {move || (hidden() > 0).then(|| view! {
                <p class="footnote">{format!("{} scenario(s) saved for other data are not listed.", hidden())}</p>
            })}
        </div>
    }
}
