//! `<ChartCard>`: one chart in a card, with its title, an optional note and PNG/SVG export.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::charts::figure::Figure;
use crate::charts::plotly_chart::PlotlyChart;
use crate::charts::plotly_js::{self, ImageFormat};

/// A `<figure class="card chart-card">` holding one [`PlotlyChart`], captioned by `title` and
/// an optional `caption` in small print, with two buttons that download the chart as PNG and
/// SVG through plotly.js's own `Plotly.downloadImage` (file `mixplan-<test_id>.<format>`).
///
/// ```text
/// <figure class="card chart-card [wide] [key-chart]">
///   <figcaption>{title}<small>{caption}</small></figcaption>
///   <div class="chart-exports">[PNG] [SVG]</div>
///   <div class="chart" data-testid={test_id} role="img" aria-label={label}
///        aria-describedby="{test_id}-summary">…plot…</div>
///   <p class="visually-hidden" id="{test_id}-summary">{summary}</p>
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
    /// `data-testid` of the chart's container, for end-to-end tests. The export buttons are
    /// `{test_id}-png` and `{test_id}-svg`.
    #[prop(into)]
    test_id: String,
    /// Accessible description of what the chart shows (the container's `aria-label`).
    #[prop(into)]
    label: String,
    /// The chart's text alternative: what it shows, in words and numbers
    /// ([`crate::charts::summary`]), read by screen readers through the chart's
    /// `aria-describedby`; none when not given.
    #[prop(into, optional)]
    summary: Option<Signal<String>>,
    /// What the figure is drawn from: a `Memo` of the scenario for the live charts, a stored
    /// value for the static ones. Tracked, never cloned.
    #[prop(into)]
    source: Signal<T>,
    /// Builds the figure from the source, in the animation frame that draws it.
    figure: F,
    /// Spans the full width of the results column instead of one grid cell.
    #[prop(optional)]
    wide: bool,
    /// One of the charts the printed executive summary keeps (the others are left out of
    /// print).
    #[prop(optional)]
    key_chart: bool,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    F: Fn(&T) -> Figure + 'static,
{
    let card = NodeRef::<leptos::html::Figure>::new();
    let caption = (!caption.is_empty()).then(|| view! { <small>{format!(" {caption}")}</small> });
    let file_name = format!("mixplan-{test_id}");
    let export = move |format: ImageFormat| {
        let file_name = file_name.clone();
        move |_| {
            let chart = card
                .get_untracked()
                .and_then(|card| card.query_selector(".chart").ok().flatten())
                .and_then(|chart| chart.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(chart) = chart
                && let Err(error) = plotly_js::download_image(&chart, format, &file_name)
            {
                web_sys::console::warn_1(&error.to_string().into());
            }
        }
    };
    let button = |format: ImageFormat, text: &'static str| {
        view! {
            <button
                type="button"
                class="chart-export"
                data-testid=format!("{test_id}-{}", format.as_str())
                aria-label=format!("Download “{title}” as {text}")
                on:click=export(format)
            >
                {text}
            </button>
        }
    };
    let png = button(ImageFormat::Png, "PNG");
    let svg = button(ImageFormat::Svg, "SVG");
    let summary_id = summary.map(|_| format!("{test_id}-summary"));
    let summary = summary.map(|text| {
        view! { <p class="visually-hidden" id=summary_id.clone() data-testid=summary_id.clone()>{text}</p> }
    });
    view! {
        <figure class="card chart-card" class:wide=wide class:key-chart=key_chart node_ref=card>
            <figcaption>{title.clone()}{caption}</figcaption>
            <div class="chart-exports">{png}{svg}</div>
            <PlotlyChart source figure test_id=test_id.clone() label described_by=summary_id.clone().unwrap_or_default() />
            {summary}
        </figure>
    }
}
