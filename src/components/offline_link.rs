//! `<OfflineLink>`: "Download for offline use", a link to the one-file bundle `mixplan.html`
//! that every release build writes next to `index.html` (`scripts/bundle.mjs`, `make bundle`).

use leptos::prelude::*;

/// The bundle's file name, relative to the page (it is deployed next to `index.html`).
pub const BUNDLE_FILE: &str = "mixplan.html";

/// The attribute `scripts/bundle.mjs` puts on the bundle's `<html>` element.
pub const BUNDLE_MARKER: &str = "data-offline-bundle";

/// A download link to the offline bundle (`data-testid="download-bundle"`). Inside the
/// bundle itself it is left out: it would only download the file the user already has.
/// No props.
#[component]
pub fn OfflineLink() -> impl IntoView {
    (!is_offline_bundle()).then(|| {
        view! {
            <a
                class="offline-link"
                href=BUNDLE_FILE
                download=BUNDLE_FILE
                data-testid="download-bundle"
                title="One HTML file with the whole planner inside: open it from your disk, with no network"
            >
                "Download for offline use"
            </a>
        }
    })
}

/// True when this page is the one-file bundle (its `<html>` has [`BUNDLE_MARKER`]).
fn is_offline_bundle() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
        .is_some_and(|html| html.has_attribute(BUNDLE_MARKER))
}
