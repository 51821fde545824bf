//! `<PeriodPicker>`: last 7, 30 or 90 days, or two dates.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::worker::performance_job::PeriodChoice;

/// The presets, in days.
pub const PRESETS: [u32; 3] = [7, 30, 90];

/// A `<select data-testid="perf-period">` of the presets and "Dates…", with two date inputs
/// (`perf-from`, `perf-to`) shown for "Dates…"; the period changes once both dates are valid.
#[component]
pub fn PeriodPicker(
    /// The chosen period.
    period: RwSignal<PeriodChoice>,
) -> impl IntoView {
    let custom = RwSignal::new(matches!(period.get_untracked(), PeriodChoice::Between(..)));
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let apply_dates = move || {
        let parse = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
        if let (Some(start), Some(end)) = (parse(from.get_untracked()), parse(to.get_untracked())) {
            period.set(PeriodChoice::Between(start, end));
        }
    };
    let on_select = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        match value.parse::<u32>() {
            Ok(days) => {
                custom.set(false);
                period.set(PeriodChoice::LastDays(days));
            }
            Err(_) => custom.set(true),
        }
    };
    let options = PRESETS
        .iter()
        .map(|days| {
            let selected = move || period.get() == PeriodChoice::LastDays(*days) && !custom.get();
            view! { <option value=days.to_string() selected=selected>{format!("Last {days} days")}</option> }
        })
        .collect_view();
    view! {
        <div class="perf-period">
            <label>
                "Period "
                <select data-testid="perf-period" on:change=on_select>
                    {options}
                    <option value="dates" selected=move || custom.get()>"Dates…"</option>
                </select>
            </label>
            <span class:hidden=move || !custom.get()>
                <label>
                    " from "
                    <input type="date" data-testid="perf-from" prop:value=from
                        on:change=move |e| { from.set(event_target_value(&e)); apply_dates(); } />
                </label>
                <label>
                    " to "
                    <input type="date" data-testid="perf-to" prop:value=to
                        on:change=move |e| { to.set(event_target_value(&e)); apply_dates(); } />
                </label>
            </span>
        </div>
    }
}
