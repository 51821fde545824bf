//! Entry point of the browser app: mounts [`mixplan_app::App`] and nothing else.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(mixplan_app::App);
}
