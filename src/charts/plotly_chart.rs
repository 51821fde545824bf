//! `<PlotlyChart>`: one plotly.js plot owned by a component.

use leptos::html::Div;
use leptos::prelude::*;
use web_sys::HtmlElement;

use super::figure::Figure;
use super::plotly_js;

/// What the chart has drawn and what it still has to draw.
#[derive(Default)]
struct ChartState {
    /// The element plotly.js drew into; `None` until the first draw.
    plotted: Option<HtmlElement>,
    /// The figure last drawn, to skip redraws that would change nothing.
    drawn: Option<Figure>,
    /// An animation frame is requested.
    frame_requested: bool,
    /// The component was cleaned up: draw nothing more.
    disposed: bool,
}

/// Draws `figure(source)` with plotly.js and keeps it up to date.
///
/// The plot is created once per mount (`Plotly.newPlot`), updated in place with
/// `Plotly.react` when the figure changes (no flicker, zoom state kept), resizes with its
/// container (the figure's `responsive` config) and is purged on cleanup.
///
/// When `source` changes the chart only asks for an animation frame; the figure is built
/// and drawn in that frame, once per frame however often `source` changed, and not at all
/// if it came out the same as the one on screen. A slider fires `input` faster than
/// plotly.js can redraw, and the numbers on the page must not wait for the charts. The only
/// Effect here synchronises with plotly.js; it writes no signal.
#[component]
pub fn PlotlyChart<T, F>(
    /// What the figure is drawn from. Tracked, never cloned: pass a `Memo` or a stored value.
    #[prop(into)]
    source: Signal<T>,
    /// Builds the figure from the source; runs in the animation frame that draws it.
    figure: F,

    /// `data-testid` of the chart's container, for end-to-end tests.
    #[prop(into)]
    test_id: String,
    /// Accessible description of what the chart shows.
    #[prop(into)]
    label: String,
    /// Id of the element holding the chart's text alternative (its `aria-describedby`);
    /// none when empty.
    #[prop(into, optional)]
    described_by: String,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    F: Fn(&T) -> Figure + 'static,
{
    let container = NodeRef::<Div>::new();
    let state = StoredValue::new_local(ChartState::default());

    let build = StoredValue::new_local(figure);
    let draw = move || {
        let Some(Some(previous)) = state.try_update_value(|s| {
            s.frame_requested = false;
            (!s.disposed).then(|| s.plotted.clone())
        }) else {
            return;
        };
        let Some(element) = previous
            .clone()
            .or_else(|| container.get_untracked().map(Into::into))
        else {
            return;
        };
        let Some(Some(figure)) =
            build.try_with_value(|build| source.try_with_untracked(|s| build(s)))
        else {
            return;
        };
        if state.with_value(|s| s.drawn.as_ref() == Some(&figure)) {
            return;
        }
        let result = match previous {
            None => plotly_js::new_plot(&element, figure.json()),
            Some(_) => plotly_js::react(&element, figure.json()),
        };
        match result {
            Ok(()) => state.update_value(|s| {
                s.plotted = Some(element);
                s.drawn = Some(figure);
            }),
            Err(error) => web_sys::console::warn_1(&error.to_string().into()),
        }
    };

    Effect::new(move |_| {
        source.track();
        if container.get().is_none() {
            return;
        }
        if state.try_update_value(|s| !std::mem::replace(&mut s.frame_requested, true))
            == Some(true)
        {
            request_animation_frame(draw);
        }
    });

    on_cleanup(move || {
        if let Some(Some(element)) = state.try_update_value(|s| {
            s.disposed = true;
            s.plotted.take()
        }) {
            plotly_js::purge(&element);
        }
    });

    view! {
        <div
            node_ref=container
            class="chart"
            data-testid=test_id
            role="img"
            aria-label=label
            aria-describedby=(!described_by.is_empty()).then_some(described_by)
        ></div>
    }
}
