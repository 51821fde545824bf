//! The smoke page: one slider drives a number computed by `mixplan-core` and a Plotly chart.
//! It proves the build, the core link, the vendored plotly.js and the test harness; the
//! planner replaces it.

use leptos::prelude::*;
use mixplan_core::response::HillResponse;
use plotly::common::{Marker, Mode};
use plotly::layout::{Axis, Layout};
use plotly::{Plot, Scatter};

use crate::charts::figure::Figure;
use crate::charts::plotly_chart::PlotlyChart;
use crate::format::currency;

/// Largest weekly spend the slider offers.
pub const MAX_SPEND: f64 = 100_000.0;
/// Slider step.
pub const SPEND_STEP: f64 = 500.0;

/// The demonstration response curve: $120k/week at saturation, half of it at $40k/week.
pub fn demo_curve() -> HillResponse {
    HillResponse::new(120_000.0, 40_000.0, 1.6).expect("constant, valid parameters")
}

/// The response curve with a marker at `spend`.
pub fn response_figure(curve: &HillResponse, spend: f64) -> Figure {
    let xs: Vec<f64> = (0..=100).map(|i| MAX_SPEND * i as f64 / 100.0).collect();
    let ys: Vec<f64> = xs.iter().map(|&x| curve.value(x)).collect();
    let mut plot = Plot::new();
    plot.add_trace(Scatter::new(xs, ys).mode(Mode::Lines).name("response"));
    plot.add_trace(
        Scatter::new(vec![spend], vec![curve.value(spend)])
            .mode(Mode::Markers)
            .marker(Marker::new().size(12))
            .name("current spend"),
    );
    plot.set_layout(
        Layout::new()
            .show_legend(false)
            .x_axis(Axis::new().title("weekly spend ($)"))
            .y_axis(Axis::new().title("weekly revenue ($)"))
            .margin(
                plotly::layout::Margin::new()
                    .top(10)
                    .right(10)
                    .bottom(50)
                    .left(70),
            ),
    );
    Figure::from_plot(plot)
}

/// A slider for weekly spend, the revenue the demo curve predicts for it, and its chart.
#[component]
pub fn SmokePanel(
    /// Starting weekly spend.
    #[prop(default = 20_000.0)]
    initial_spend: f64,
) -> impl IntoView {
    let (spend, set_spend) = signal(initial_spend);
    let curve = demo_curve();
    let revenue = move || curve.value(spend.get());
    let figure = Memo::new(move |_| response_figure(&curve, spend.get()));

    view! {
        <section class="card smoke-panel">
            <label for="smoke-slider">"Weekly spend: " <strong>{move || currency(spend.get())}</strong></label>
            <input
                id="smoke-slider"
                data-testid="smoke-slider"
                type="range"
                min="0"
                max=MAX_SPEND
                step=SPEND_STEP
                prop:value=move || spend.get().to_string()
                on:input=move |ev| {
                    if let Ok(value) = event_target_value(&ev).parse::<f64>() {
                        set_spend.set(value);
                    }
                }
            />
            <p class="big-number">
                "Predicted weekly revenue: "
                <span data-testid="smoke-value">{move || currency(revenue())}</span>
            </p>
            <PlotlyChart figure=figure test_id="smoke-chart" label="Response curve with the current spend marked" />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_marks_the_spend_on_the_curve() {
        let curve = demo_curve();
        let figure: serde_json::Value =
            serde_json::from_str(response_figure(&curve, 40_000.0).json()).unwrap();
        assert_eq!(figure["data"][1]["x"][0], 40_000.0);
        assert!((figure["data"][1]["y"][0].as_f64().unwrap() - 60_000.0).abs() < 1e-6);
    }
}
