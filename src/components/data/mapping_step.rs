//! The mapping step: a preview of the file, a role per column (with why it was suggested),
//! how rows become weeks and what the target measures; "Fit the model" builds the weeks and
//! starts the fit. Nothing is fitted before the user confirms.

use chrono::Weekday;
use leptos::prelude::*;

use super::column_role_row::ColumnRoleRow;
use super::data_quality::DataQuality;
use super::read_questions::ReadQuestions;
use super::session::{DataSession, ReadOutcome};
use crate::data_source::choices::{TargetKind, WEEK_STARTS};

fn weekday_name(day: Option<Weekday>) -> &'static str {
    match day {
        None => "as detected (Monday for daily data, the dates' own day for weekly data)",
        Some(Weekday::Mon) => "Monday",
        Some(Weekday::Tue) => "Tuesday",
        Some(Weekday::Wed) => "Wednesday",
        Some(Weekday::Thu) => "Thursday",
        Some(Weekday::Fri) => "Friday",
        Some(Weekday::Sat) => "Saturday",
        Some(Weekday::Sun) => "Sunday",
    }
}

/// The mapping step for the file in `session.source`.
#[component]
pub fn MappingStep(
    /// The page's data-source state.
    session: DataSession,
) -> impl IntoView {
    let file_name = move || {
        session
            .source
            .with(|f| f.as_ref().map(|f| f.name.clone()).unwrap_or_default())
    };
    let sheets = move || {
        session
            .source
            .with(|f| f.as_ref().map(|f| (f.sheets.clone(), f.sheet.clone())))
    };
    let inspection = move || {
        session.read.with(|read| match read {
            Some(ReadOutcome(result)) => result.as_ref().as_ref().ok().cloned(),
            None => None,
        })
    };
    let target_name = move || {
        inspection().and_then(|found| {
            found
                .columns
                .iter()
                .find(|c| {
                    session.choices.with(|ch| ch.role(&found, &c.name))
                        == mixplan_core::data::MappedRole::Target
                })
                .map(|c| c.name.clone())
        })
    };
    let target_kind = move || {
        target_name().map_or(TargetKind::Revenue, |t| {
            session.choices.with(|c| c.target_kind(&t))
        })
    };
    view! {
        <section class="mapping-step card" aria-labelledby="mapping-title" data-testid="mapping-step">
            <h3 id="mapping-title">{move || format!("Map the columns of {}", file_name())}</h3>
            {move || sheets().filter(|(names, _)| names.len() > 1).map(|(names, current)| view! {
                <label class="sheet-chooser">"Sheet: "
                    <select data-testid="data-sheet" on:change=move |ev| session.choose_sheet(event_target_value(&ev))>
                        {names.into_iter().map(|name| {
                            let selected = current.as_deref() == Some(name.as_str());
                            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
            <ReadQuestions session />
            {move || inspection().map(|found| {
                let summary = format!(
                    "{} rows, {} columns{}; separator: {}, {}.",
                    found.rows,
                    found.columns.len(),
                    found.dates.as_ref().map(|d| format!(
                        ", dates {} … {} every {} day(s), {:.1} rows per date",
                        d.first, d.last, d.step_days, d.rows_per_date
                    )).unwrap_or_default(),
                    found.separator,
                    found.decimal,
                );
                let header = found.preview.first().cloned().unwrap_or_default();
                let rows = found.preview.iter().skip(1).cloned().collect::<Vec<_>>();
                let columns = found.columns.clone();
                view! {
                    <p class="mapping-summary">{summary}</p>
                    <div class="preview-scroll">
                        <table class="preview" data-testid="mapping-preview">
                            <caption>"The first rows, as written in the file"</caption>
                            <thead><tr>{header.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! {
                                    <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <table class="roles">
                        <caption>"What each column is (suggested from its name and values; change any)"</caption>
                        <thead><tr><th scope="col">"Column"</th><th scope="col">"Role"</th><th scope="col">"Why"</th></tr></thead>
                        <tbody>
                            {columns.into_iter().map(|column| view! { <ColumnRoleRow session column /> }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
            <div class="mapping-options">
                <label>"Weeks start on "
                    <select data-testid="mapping-week-start" on:change=move |ev| {
                        let index: usize = event_target_value(&ev).parse().unwrap_or(0);
                        session.choices.update(|c| c.week_start = WEEK_STARTS.get(index).copied().flatten());
                    }>
                        {WEEK_STARTS.iter().enumerate().map(|(i, day)| {
                            let day = *day;
                            view! { <option value=i.to_string() selected=move || session.choices.with(|c| c.week_start == day)>{weekday_name(day)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"The target is "
                    <select data-testid="mapping-target-kind" on:change=move |ev| {
                        let kind = if event_target_value(&ev) == "kpi" { TargetKind::CountKpi } else { TargetKind::Revenue };
                        session.choices.update(|c| c.target_kind = Some(kind));
                    }>
                        <option value="revenue" selected=move || target_kind() == TargetKind::Revenue>"revenue (money): returns as ROI"</option>
                        <option value="kpi" selected=move || target_kind() == TargetKind::CountKpi>"a count KPI (conversions, sign-ups): returns as cost per KPI"</option>
                    </select>
                </label>
            </div>
            {move || session.pending.get().map(|dataset| view! {
                <div class="aggregation-notes" data-testid="aggregation-notes">
                    <p>{dataset.summary()}</p>
                    <ul>{dataset.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                    <DataQuality data=dataset.data.clone() />
                </div>
            })}
            <div class="mapping-actions">
                <button type="button" class="primary" data-testid="mapping-confirm" on:click=move |_| session.confirm()>
                    "Fit the model to these data"
                </button>
                <button type="button" data-testid="fit-cancel" disabled=move || !session.fitting()
                    on:click=move |_| session.cancel()>
                    "Cancel the fit"
                </button>
                <button type="button" class="link-button" on:click=move |_| session.close()>
                    "Close without fitting"
                </button>
            </div>
        </section>
    }
}
