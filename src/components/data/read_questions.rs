//! The questions the core asks when a file reads two ways: decimal point or comma, day or
//! month first. Shown only when asked (or once answered, to change the answer).

use leptos::prelude::*;
use mixplan_core::data::{DateOrder, DecimalSeparator};

use super::session::{DataSession, ReadOutcome};
use crate::data_source::error::UserDataError;

/// The decimal and date-order questions for the file in the mapping step.
#[component]
pub fn ReadQuestions(
    /// The page's data-source state.
    session: DataSession,
) -> impl IntoView {
    let asked = move |which: fn(&UserDataError) -> bool| {
        session.read.with(|read| {
            matches!(read, Some(ReadOutcome(r)) if r.as_ref().as_ref().err().is_some_and(which))
        })
    };
    let ask_decimal = move || {
        session.decimal.get().is_some() || asked(|e| matches!(e, UserDataError::AskDecimal { .. }))
    };
    let ask_order = move || {
        session.date_order.get().is_some()
            || asked(|e| matches!(e, UserDataError::AskDateOrder { .. }))
    };
    view! {
        {move || ask_decimal().then(|| view! {
            <label class="read-question">"Numbers are written with a "
                <select data-testid="mapping-decimal" on:change=move |ev| session.answer(match event_target_value(&ev).as_str() {
                    "comma" => Some(DecimalSeparator::Comma),
                    "dot" => Some(DecimalSeparator::Dot),
                    _ => None,
                }, session.date_order.get_untracked())>
                    <option value="" selected=move || session.decimal.get().is_none()>"(choose)"</option>
                    <option value="dot" selected=move || session.decimal.get() == Some(DecimalSeparator::Dot)>{DecimalSeparator::Dot.to_string()}</option>
                    <option value="comma" selected=move || session.decimal.get() == Some(DecimalSeparator::Comma)>{DecimalSeparator::Comma.to_string()}</option>
                </select>
            </label>
        })}
        {move || ask_order().then(|| view! {
            <label class="read-question">"Dates are written "
                <select data-testid="mapping-date-order" on:change=move |ev| session.answer(session.decimal.get_untracked(), match event_target_value(&ev).as_str() {
                    "dmy" => Some(DateOrder::DayFirst),
                    "mdy" => Some(DateOrder::MonthFirst),
                    _ => None,
                })>
                    <option value="" selected=move || session.date_order.get().is_none()>"(choose)"</option>
                    <option value="dmy" selected=move || session.date_order.get() == Some(DateOrder::DayFirst)>{DateOrder::DayFirst.to_string()}</option>
                    <option value="mdy" selected=move || session.date_order.get() == Some(DateOrder::MonthFirst)>{DateOrder::MonthFirst.to_string()}</option>
                </select>
            </label>
        })}
    }
}
