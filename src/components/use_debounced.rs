//! `use_debounced`: a signal that follows another once it has stopped changing.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;

/// A copy of `source` that takes its value once `source` has stayed unchanged for
/// `delay_ms` (the shape of leptos-use's `signal_debounced`): work that reads it runs once
/// per pause in the user's input, not on every input event. The Effect only arms a browser
/// timer (the outside world); the timer's callback writes the copy.
pub fn use_debounced<T>(source: impl Into<Signal<T>>, delay_ms: u32) -> ReadSignal<T>
where
    T: Clone + Send + Sync + 'static,
{
    let source: Signal<T> = source.into();
    let (settled, set_settled) = signal(source.get_untracked());
    let pending = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        let value = source.get();
        let timer = Timeout::new(delay_ms, move || set_settled.set(value));
        // Replacing the pending timer drops, and so cancels, the previous one.
        pending.set_value(Some(timer));
    });
    settled
}
