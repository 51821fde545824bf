//! The data-quality report before fitting: the core's [`assess`] (weeks without a target,
//! channels at zero most weeks, channels moving together, outlier weeks), worst first, each
//! finding with its severity in words and what to do.

use leptos::prelude::*;
use mixplan_core::data::{Severity, WeeklyData, assess};

/// The data-quality report before fitting (`data-testid="data-quality"`).
#[component]
pub fn DataQuality(
    /// The weekly data about to be fitted.
    data: WeeklyData,
) -> impl IntoView {
    let findings: Vec<String> = assess(&data)
        .findings
        .into_iter()
        .map(|finding| {
            let word = match finding.severity {
                Severity::Problem => "Problem",
                Severity::Warning => "Check",
                Severity::Info => "Note",
            };
            format!("{word}: {}", finding.message)
        })
        .collect();
    view! {
        <div class="data-quality" data-testid="data-quality">
            <h4>"Data quality"</h4>
            {if findings.is_empty() {
                view! { <p>"No problem found: no mostly-zero channel, no pair of channels moving together, no outlier week."</p> }.into_any()
            } else {
                view! { <ul>{findings.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul> }.into_any()
            }}
        </div>
    }
}
