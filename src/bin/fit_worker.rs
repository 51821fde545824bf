//! Entry point of the fit worker (a second wasm module Trunk builds from
//! `<link data-trunk rel="rust" data-type="worker" data-bin="fit_worker" …>` in `index.html`):
//! serves fit requests from the page with [`mixplan_app::worker::entry::serve`].

fn main() {
    console_error_panic_hook::set_once();
    mixplan_app::worker::entry::serve();
}
