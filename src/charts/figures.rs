//! The planner's figures, built from plain data with the `plotly` crate. Plain Rust: each
//! builder is tested natively by reading back the JSON plotly.js will get.

use plotly::common::{Anchor, Fill, Line, Marker, Mode, Orientation, Title};
use plotly::layout::{
    Axis, BarMode, HoverMode, Layout, Legend, Margin, Shape, ShapeLayer, ShapeLine, ShapeType,
};
use plotly::{Bar, Pie, Plot, Scatter};

use super::figure::Figure;
use crate::planner::scenario::{ChannelInfo, Planner, Scenario};

/// Gains vs the historical mix.
pub const GAIN: &str = "#1f9d55";
/// Losses vs the historical mix.
pub const LOSS: &str = "#d64545";
/// The current plan.
pub const CURRENT: &str = "#8a94a6";
/// The optimal plan.
pub const OPTIMAL: &str = "#2f6fed";
/// One colour per channel, in order (repeats after eight).
pub const CHANNEL_COLORS: [&str; 8] = [
    "#2f6fed", "#f29d38", "#8e59c7", "#1fa3a3", "#d6457a", "#6b8e23", "#a0522d", "#4b5563",
];

fn channel_color(c: usize) -> &'static str {
    CHANNEL_COLORS[c % CHANNEL_COLORS.len()]
}

fn base_layout() -> Layout {
    Layout::new()
        .margin(Margin::new().top(10).right(10).bottom(40).left(70))
        .legend(
            Legend::new()
                .orientation(Orientation::Horizontal)
                .y(-0.3)
                .y_anchor(Anchor::Top)
                .x_anchor(Anchor::Left),
        )
        .hover_mode(HoverMode::Closest)
        .paper_background_color("rgba(0,0,0,0)")
        .plot_background_color("rgba(0,0,0,0)")
}

fn names(channels: &[ChannelInfo]) -> Vec<String> {
    channels.iter().map(|c| c.name.clone()).collect()
}

/// Weekly revenue contribution by channel for the current split; a bar is green where the
/// channel earns more than under the historical mix at the same total, red where less.
pub fn contribution_figure(channels: &[ChannelInfo], scenario: &Scenario) -> Figure {
    let values: Vec<f64> = scenario.rows.iter().map(|r| r.contribution).collect();
    let colors: Vec<&str> = scenario
        .rows
        .iter()
        .map(|r| {
            if r.contribution + 0.5 >= r.historical_contribution {
                GAIN
            } else {
                LOSS
            }
        })
        .collect();
    let hover: Vec<String> = scenario
        .rows
        .iter()
        .map(|r| {
            let delta = r.contribution - r.historical_contribution;
            format!(
                "{} per week ({}{} vs historical mix)",
                crate::format::currency(r.contribution),
                if delta >= 0.0 { "+" } else { "" },
                crate::format::currency(delta)
            )
        })
        .collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Bar::new(names(channels), values)
            .marker(Marker::new().color_array(colors))
            .hover_text_array(hover)
            .name("contribution"),
    );
    plot.set_layout(
        base_layout()
            .show_legend(false)
            .y_axis(Axis::new().title(Title::with_text("weekly revenue ($)"))),
    );
    Figure::from_plot(plot)
}

/// Current vs optimal weekly spend per channel, side by side.
pub fn split_figure(channels: &[ChannelInfo], scenario: &Scenario) -> Figure {
    let current: Vec<f64> = scenario.rows.iter().map(|r| r.spend).collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Bar::new(names(channels), current)
            .name("current")
            .marker(Marker::new().color(CURRENT)),
    );
    if let Ok(optimal) = &scenario.optimal {
        plot.add_trace(
            Bar::new(names(channels), optimal.spend().to_vec())
                .name("optimal")
                .marker(Marker::new().color(OPTIMAL)),
        );
    }
    plot.set_layout(
        base_layout()
            .bar_mode(BarMode::Group)
            .y_axis(Axis::new().title(Title::with_text("weekly spend ($)"))),
    );
    Figure::from_plot(plot)
}

/// The recommended (optimal) split as a donut.
pub fn donut_figure(channels: &[ChannelInfo], scenario: &Scenario) -> Figure {
    let mut plot = Plot::new();
    if let Ok(optimal) = &scenario.optimal {
        let colors: Vec<&str> = (0..channels.len()).map(channel_color).collect();
        plot.add_trace(
            Pie::new(optimal.spend().to_vec())
                .labels(names(channels))
                .hole(0.55)
                .sort(false)
                .text_info("label+percent")
                .marker(Marker::new().colors(colors)),
        );
    }
    plot.set_layout(
        base_layout()
            .show_legend(false)
            .margin(Margin::new().top(10).right(10).bottom(10).left(10)),
    );
    Figure::from_plot(plot)
}

/// Each channel's steady-state response curve `f_c(x)` over `[0, x_max]`, with the current
/// spend (circle) and the optimal spend (diamond) marked.
pub fn response_figure(planner: &Planner, scenario: &Scenario) -> Figure {
    let x_max = planner
        .curves()
        .iter()
        .map(|f| 2.5 * f.half_saturation())
        .chain(
            scenario
                .rows
                .iter()
                .map(|r| 1.1 * r.spend.max(r.optimal_spend.unwrap_or(0.0))),
        )
        .fold(1.0, f64::max);
    let xs: Vec<f64> = (0..=80).map(|i| x_max * i as f64 / 80.0).collect();
    let mut plot = Plot::new();
    for (c, (curve, channel)) in planner.curves().iter().zip(planner.channels()).enumerate() {
        let color = channel_color(c);
        let ys: Vec<f64> = xs.iter().map(|&x| curve.value(x)).collect();
        plot.add_trace(
            Scatter::new(xs.clone(), ys)
                .mode(Mode::Lines)
                .name(&channel.name)
                .legend_group(&channel.id)
                .line(Line::new().color(color)),
        );
        let row = &scenario.rows[c];
        plot.add_trace(
            Scatter::new(vec![row.spend], vec![curve.value(row.spend)])
                .mode(Mode::Markers)
                .name(format!("{} current", channel.name))
                .legend_group(&channel.id)
                .show_legend(false)
                .marker(
                    Marker::new()
                        .color(color)
                        .size(10)
                        .symbol(plotly::common::MarkerSymbol::Circle),
                ),
        );
        if let Some(x) = row.optimal_spend {
            plot.add_trace(
                Scatter::new(vec![x], vec![curve.value(x)])
                    .mode(Mode::Markers)
                    .name(format!("{} optimal", channel.name))
                    .legend_group(&channel.id)
                    .show_legend(false)
                    .marker(
                        Marker::new()
                            .color(color)
                            .size(11)
                            .symbol(plotly::common::MarkerSymbol::DiamondOpen),
                    ),
            );
        }
    }
    plot.set_layout(
        base_layout()
            .x_axis(Axis::new().title(Title::with_text("weekly spend ($)")))
            .y_axis(Axis::new().title(Title::with_text("weekly revenue ($)"))),
    );
    Figure::from_plot(plot)
}

fn week_labels(planner: &Planner) -> Vec<String> {
    planner
        .model()
        .weeks()
        .iter()
        .map(|w| w.format("%Y-%m-%d").to_string())
        .collect()
}

/// Actual vs fitted weekly revenue, with the holdout weeks shaded. In the holdout the
/// fitted line is the out-of-sample prediction of the model fitted on the training weeks.
pub fn fit_figure(planner: &Planner) -> Figure {
    let model = planner.model();
    let weeks = week_labels(planner);
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(weeks.clone(), model.actual().to_vec())
            .mode(Mode::Lines)
            .name("actual")
            .line(Line::new().color("#1d2330").width(1.5)),
    );
    plot.add_trace(
        Scatter::new(weeks.clone(), model.validation_predictions().to_vec())
            .mode(Mode::Lines)
            .name("model")
            .line(Line::new().color(OPTIMAL).width(2.0)),
    );
    let mut layout =
        base_layout().y_axis(Axis::new().title(Title::with_text("weekly revenue ($)")));
    if let (Some(start), Some(end)) = (weeks.get(model.holdout_start()), weeks.last()) {
        layout = layout.shapes(vec![
            Shape::new()
                .shape_type(ShapeType::Rect)
                .x_ref("x")
                .y_ref("paper")
                .x0(start.clone())
                .x1(end.clone())
                .y0(0)
                .y1(1)
                .fill_color("rgba(47,111,237,0.08)")
                .line(ShapeLine::new().width(0.0))
                .layer(ShapeLayer::Below),
        ]);
    }
    plot.set_layout(layout);
    Figure::from_plot(plot)
}

/// Fitted weekly revenue stacked by source: base (intercept + trend), seasonality,
/// controls, then each channel.
pub fn decomposition_figure(planner: &Planner) -> Figure {
    let d = planner.model().decomposition();
    let weeks = week_labels(planner);
    let n = weeks.len();
    let base: Vec<f64> = (0..n).map(|t| d.baseline[t] + d.trend[t]).collect();
    let controls: Vec<f64> = (0..n)
        .map(|t| d.controls.iter().map(|c| c.values[t]).sum())
        .collect();
    let mut parts: Vec<(String, Vec<f64>, &str)> = vec![
        ("base + trend".into(), base, "#c9ced8"),
        ("seasonality".into(), d.seasonality.clone(), "#e5c07b"),
        ("controls".into(), controls, "#a3b1c6"),
    ];
    for (c, series) in d.channels.iter().enumerate() {
        let name = planner
            .channels()
            .get(c)
            .map(|ch| ch.name.clone())
            .unwrap_or_else(|| series.name.clone());
        parts.push((name, series.values.clone(), channel_color(c)));
    }
    let mut plot = Plot::new();
    for (name, values, color) in parts {
        plot.add_trace(
            Scatter::new(weeks.clone(), values)
                .mode(Mode::Lines)
                .name(name)
                .stack_group("fitted")
                .fill(Fill::ToNextY)
                .line(Line::new().width(0.5).color(color))
                .fill_color(color),
        );
    }
    plot.set_layout(
        base_layout()
            .hover_mode(HoverMode::XUnified)
            .y_axis(Axis::new().title(Title::with_text("weekly revenue ($)"))),
    );
    Figure::from_plot(plot)
}
