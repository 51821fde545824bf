//! `<ChartCard>`: one chart in a card, with its title and an optional note.

use leptos::prelude::*;

use crate::charts::figure::Figure;
use crate::charts::plotly_chart::PlotlyChart;

/// A `<figure class="card chart-card">` holding one [`PlotlyChart`], captioned by `title` and
/// an optional `caption` in small print.
///
/// ```text
/// <figure class="card chart-card [wide]">
///   <figcaption>{title}<small>{caption}</small></figcaption>
///   <div class="chart" data-testid={test_id} role="img" aria-label={label}>…plot…</div>
/// </figure>
/// ```
#[component]
pub fn ChartCard<T, F>(
    /// The heading shown above the chart, e.g. "Response curves".
    #[prop(into)]
    title: String,
    /// A short note after the title (legend hints, what shading means); none when empty.
    #[prop(into, optional)]
    caption: String,
    /// `data-testid` of the chart's container, for end-to-end tests.
    #[prop(into)]
    test_id: String,
    /// Accessible description of what the chart shows (the container's `aria-label`).
    #[prop(into)]
    label: String,
    /// What the figure is drawn from: a `Memo` of the scenario for the live charts, a stored
    /// value for the static ones. Tracked, never cloned.
    #[prop(into)]
    source: Signal<T>,
    /// Builds the figure from the source, in the animation frame that draws it.
    figure: F,
    /// Spans the full width of the results column instead of one grid cell.
    #[prop(optional)]
    wide: bool,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    F: Fn(&T) -> Figure + 'static,
{
    let caption = (!caption.is_empty()).then(|| view! { <small>{format!(" {caption}")}</small> });
    view! {
        <figure class="card chart-card" class:wide=wide>
            <figcaption>{title}{caption}</figcaption>
            <PlotlyChart source figure test_id label />
        </figure>
    }
}
