//! `use_first_open`: work a collapsed `<details>` section does the first time it is opened
//! (the model checks, the mediation estimate: jobs for the on-demand worker).

use std::future::Future;
use std::rc::Rc;

use leptos::html::Details;
use leptos::prelude::*;

/// Runs `compute` once, the first time the section's `<details>` opens, and keeps its result.
/// Returns the result (`None` until it arrives), the `NodeRef` to put on the `<details>` and
/// its `toggle` handler. A new fit re-renders the section into the same `<details>` element,
/// which keeps its open state and fires no `toggle`: the Effect (syncing with the DOM) starts
/// at once when the element is already open. A result that arrives after the section is gone
/// (a new fit replaced it) is dropped.
pub fn use_first_open<T, Fut>(
    compute: impl Fn() -> Fut + 'static,
) -> (
    RwSignal<Option<T>>,
    NodeRef<Details>,
    impl Fn(leptos::ev::Event) + Clone + 'static,
)
where
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
{
    let outcome = RwSignal::new(None::<T>);
    let opened = StoredValue::new(false);
    let start = Rc::new(move || {
        if opened.get_value() {
            return;
        }
        opened.set_value(true);
        let work = compute();
        leptos::task::spawn_local(async move {
            let value = work.await;
            outcome.try_set(Some(value));
        });
    });
    let on_toggle = {
        let start = start.clone();
        move |event: leptos::ev::Event| {
            if event_target::<web_sys::Element>(&event).has_attribute("open") {
                start();
            }
        }
    };
    let details = NodeRef::<Details>::new();
    Effect::new(move |_| {
        if details.get().is_some_and(|el| el.has_attribute("open")) {
            start();
        }
    });
    (outcome, details, on_toggle)
}
