//! Entry point of the data reader worker (a third wasm module Trunk builds from
//! `<link data-trunk rel="rust" data-type="worker" data-bin="data_reader" …>` in `index.html`):
//! reads the user's files with [`mixplan_app::data_source::reader_entry::serve`]. The page
//! starts it only when a file is loaded, so the file readers are not in its first download.

fn main() {
    console_error_panic_hook::set_once();
    mixplan_app::data_source::reader_entry::serve();
}
