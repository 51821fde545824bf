//! "Use your data": the file picker, the paste box and the template download. Dropping a
//! file anywhere on the page does the same as picking it (see [`drop_handler`]).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::session::DataSession;
use crate::data_source::file::SourceFile;
use crate::data_source::template::{TEMPLATE_FILE, template_csv};
use crate::share::browser;

/// The file types the picker offers.
pub const ACCEPTED: &str = ".csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A `drop` handler for the whole page: the first dropped file is opened as if picked.
pub fn drop_handler(session: DataSession) -> impl Fn(web_sys::DragEvent) + 'static {
    move |event: web_sys::DragEvent| {
        let file = event
            .data_transfer()
            .and_then(|t| t.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            event.prevent_default();
            session.open_browser_file(file);
        }
    }
}

/// A `dragover` handler for the page: lets files be dropped (the browser would open them).
pub fn drag_over_handler(event: web_sys::DragEvent) {
    event.prevent_default();
}

/// The load controls.
#[component]
pub fn LoadBar(
    /// The page's data-source state.
    session: DataSession,
) -> impl IntoView {
    let paste_open = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    let on_file = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            session.open_browser_file(file);
        }
        // The same file picked again is a new load.
        input.set_value("");
    };
    let use_pasted = move |_| {
        let text = pasted.get_untracked();
        session.open(Ok(SourceFile::pasted(&text)));
    };
    view! {
        <div class="load-bar">
            <label class="button file-button">
                "Use your data (CSV, TSV or .xlsx)"
                <input type="file" accept=ACCEPTED data-testid="data-file" class="visually-hidden" on:change=on_file />
            </label>
            <button type="button" class="link-button" data-testid="data-paste-open" on:click=move |_| paste_open.update(|o| *o = !*o)
                aria-expanded=move || paste_open.get().to_string()>
                "Paste data"
            </button>
            <button type="button" class="link-button" data-testid="data-template"
                on:click=move |_| browser::download_text(TEMPLATE_FILE, "text/csv", &template_csv())>
                "Download a template"
            </button>
            <span class="hint">"…or drop a file anywhere on the page. Your file is read in this browser and never sent anywhere."</span>
            <div class="paste-box" class:hidden=move || !paste_open.get()>
                <label for="data-paste">"Paste CSV or TSV text (a header line, then one row per week or day):"</label>
                <textarea id="data-paste" rows="6" data-testid="data-paste"
                    prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                <button type="button" data-testid="data-paste-use" on:click=use_pasted>"Use the pasted data"</button>
            </div>
        </div>
    }
}
