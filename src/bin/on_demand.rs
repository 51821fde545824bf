//! Entry point of the on-demand worker (a third wasm module Trunk builds from
//! `<link data-trunk rel="rust" data-type="worker" data-bin="on_demand" …>` in `index.html`):
//! runs the work the page needs only when the user asks for it — reading a file, the model
//! checks — with [`mixplan_app::worker::on_demand_entry::serve`]. The page starts it at the
//! first such request, so that code is not in the page's first download.

fn main() {
    console_error_panic_hook::set_once();
    mixplan_app::worker::on_demand_entry::serve();
}
