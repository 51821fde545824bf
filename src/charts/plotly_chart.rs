//! `<PlotlyChart>`: one plotly.js plot owned by a component.

use leptos::html::Div;
use leptos::prelude::*;
use web_sys::HtmlElement;

use super::figure::Figure;
use super::plotly_js;

/// Draws `figure` with plotly.js and keeps it up to date.
///
/// The plot is created once per mount (`Plotly.newPlot`), updated in place with
/// `Plotly.react` whenever `figure` changes (no flicker, zoom state kept), resizes with its
/// container (the figure's `responsive` config) and is purged on cleanup. The only Effect
/// here synchronises with plotly.js; it writes no signal.
#[component]
pub fn PlotlyChart(
    /// The figure to draw. Pass a `Memo` so the chart redraws only when the figure changes.
    #[prop(into)]
    figure: Signal<Figure>,
    /// `data-testid` of the chart's container, for end-to-end tests.
    #[prop(into)]
    test_id: String,
    /// Accessible description of what the chart shows.
    #[prop(into)]
    label: String,
    /// Extra CSS classes for the container (it always has `chart`).
    #[prop(into, optional)]
    class: String,
) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    // The element plotly.js drew into; `None` until the first draw.
    let plotted = StoredValue::new_local(None::<HtmlElement>);

    Effect::new(move |_| {
        let figure = figure.get();
        let Some(div) = container.get() else { return };
        let element: HtmlElement = div.into();
        let first_draw = plotted.with_value(|p| p.is_none());
        let result = if first_draw {
            plotly_js::new_plot(&element, figure.json())
        } else {
            plotly_js::react(&element, figure.json())
        };
        match result {
            Ok(()) => plotted.set_value(Some(element)),
            Err(error) => web_sys::console::warn_1(&error.to_string().into()),
        }
    });

    on_cleanup(move || {
        if let Some(Some(element)) = plotted.try_get_value() {
            plotly_js::purge(&element);
        }
    });

    view! {
        <div
            node_ref=container
            class=format!("chart {class}")
            data-testid=test_id
            role="img"
            aria-label=label
        ></div>
    }
}
