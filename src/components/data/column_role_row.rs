//! One column in the mapping step: its name (as text), a role selector
//! (`data-testid="mapping-role-<column name>"`), the reason for the suggestion and, for a
//! dimension, "sum all" or one value to keep.

use leptos::prelude::*;
use mixplan_core::data::{ColumnInspection, MappedRole};

use super::session::{DataSession, ReadOutcome};
use crate::data_source::choices::{role_from_name, roles_offered};

/// The `<option>` value that sums a dimension over all its values.
const SUM_ALL: &str = "\u{0}sum";

/// One row of the roles table.
#[component]
pub fn ColumnRoleRow(
    /// The page's data-source state.
    session: DataSession,
    /// The column as inspected (its suggested role and reason).
    column: ColumnInspection,
) -> impl IntoView {
    let name = column.name.clone();
    let role = {
        let name = name.clone();
        move || {
            session.read.with(|read| match read {
                Some(ReadOutcome(result)) => match result.as_ref() {
                    Ok(found) => session.choices.with(|c| c.role(found, &name)),
                    Err(_) => column.role,
                },
                None => column.role,
            })
        }
    };
    let is_dimension = column.role == MappedRole::Dimension;
    let on_role = {
        let name = name.clone();
        move |ev: leptos::ev::Event| {
            if let Some(role) = role_from_name(&event_target_value(&ev)) {
                session.choices.update(|c| {
                    c.roles.insert(name.clone(), role);
                });
            }
        }
    };
    let on_filter = {
        let name = name.clone();
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let filter = (value != SUM_ALL).then_some(value);
            session.choices.update(|c| {
                c.filters.insert(name.clone(), filter);
            });
        }
    };
    let filter_of = {
        let name = name.clone();
        move || {
            session
                .choices
                .with(|c| c.filters.get(&name).cloned().flatten())
        }
    };
    let values = column.values.clone();
    let role_for_filter = role.clone();
    let suggested = column.role;
    view! {
        <tr>
            <th scope="row" class="column-name">{name.clone()}</th>
            <td>
                <select data-testid=format!("mapping-role-{name}") aria-label=format!("Role of column {name}") on:change=on_role>
                    {roles_offered(is_dimension).into_iter().map(|r| {
                        let role = role.clone();
                        view! { <option value=r.to_string() selected=move || role() == r>{r.to_string()}</option> }
                    }).collect_view()}
                </select>
            </td>
            <td class="reason">
                {format!("suggested {suggested}: {}", column.reason)}
                {move || (role_for_filter() == MappedRole::Dimension).then(|| {
                    let filter_of = filter_of.clone();
                    let filter_of2 = filter_of.clone();
                    view! {
                        <select data-testid=format!("mapping-filter-{}", column.name) aria-label=format!("Values of column {}", column.name) on:change=on_filter.clone()>
                            <option value=SUM_ALL selected=move || filter_of().is_none()>"sum all values"</option>
                            {values.iter().map(|v| {
                                let v = v.clone();
                                let filter_of = filter_of2.clone();
                                let label = format!("only {v}");
                                view! { <option value=v.clone() selected=move || filter_of().as_deref() == Some(v.as_str())>{label}</option> }
                            }).collect_view()}
                        </select>
                    }
                })}
            </td>
        </tr>
    }
}
