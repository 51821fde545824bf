//! The planner's figures, built with the `plotly` crate from the [`Planner`] (channels,
//! curves, model) and, for the live charts, the [`Scenario`]. Plain Rust: each builder is
//! tested natively by reading back the JSON plotly.js will get.
//!
//! Conventions for every figure:
//! * names from the data go through [`escape`], so plotly.js shows them as text;
//! * hover labels use d3-format templates like the rest of the page: currency with thousands
//!   separators and no decimals ([`MONEY`]), shares with one decimal ([`SHARE`]).

use mixplan_core::response::HillResponse;
use plotly::common::{
    Anchor, Fill, Font, HoverInfo, Line, Marker, MarkerSymbol, Mode, Orientation, TextPosition,
    Title,
};
use plotly::layout::{
    Annotation, Axis, BarMode, HoverMode, Layout, Legend, Margin, Shape, ShapeLayer, ShapeLine,
    ShapeType,
};
use plotly::{Bar, Pie, Plot, Scatter};
use std::cmp::Ordering;

use super::figure::Figure;
use super::label::escape;
use super::summary::change_word;
use crate::format::{change_sign, currency, signed_currency};
use crate::planner::draws::PosteriorDraws;
use crate::planner::intervals::{Interval, level_text};
use crate::planner::scenario::{Planner, Scenario};

/// d3-format of an amount of money in a template: `$19,138`.
pub const MONEY: &str = "$,.0f";
/// d3-format of a share in a template: `23.4%`.
pub const SHARE: &str = ".1%";

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

pub(crate) fn channel_color(c: usize) -> &'static str {
    CHANNEL_COLORS[c % CHANNEL_COLORS.len()]
}

pub(crate) fn base_layout() -> Layout {
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

/// An axis with a title; `automargin` makes room for the title and tick labels however
/// narrow the chart is.
pub(crate) fn titled_axis(title: &str) -> Axis {
    Axis::new().title(Title::with_text(title)).auto_margin(true)
}

/// The channels' display names, escaped for plotly.js.
pub(crate) fn names(planner: &Planner) -> Vec<String> {
    planner.channels().iter().map(|c| escape(&c.name)).collect()
}

/// Weekly revenue contribution by channel for the current split; a bar is green where the
/// channel earns more than under the historical mix at the same total, red where less, grey
/// where the change rounds to $0. Colour is not the only carrier: each bar is labelled with
/// its change and a word above it (`+$234` / `gain`, `-$120` / `loss`, `$0` / `no change`).
pub fn contribution_figure(planner: &Planner, scenario: &Scenario) -> Figure {
    let values: Vec<f64> = scenario.rows.iter().map(|r| r.contribution).collect();
    let changes: Vec<f64> = scenario
        .rows
        .iter()
        .map(|r| r.contribution - r.historical_contribution)
        .collect();
    let colors: Vec<&str> = changes
        .iter()
        .map(|&change| match change_sign(change) {
            Ordering::Greater => GAIN,
            Ordering::Less => LOSS,
            Ordering::Equal => CURRENT,
        })
        .collect();
    let labels: Vec<String> = changes
        .iter()
        .map(|&change| format!("{}<br>{}", signed_currency(change), change_word(change)))
        .collect();
    let hover: Vec<String> = scenario
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} per week ({} vs historical mix)",
                currency(r.contribution),
                signed_currency(r.contribution - r.historical_contribution)
            )
        })
        .collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Bar::new(names(planner), values)
            .marker(Marker::new().color_array(colors))
            .text_array(labels)
            .text_position(TextPosition::Outside)
            .clip_on_axis(false)
            .hover_text_array(hover)
            .hover_template("%{x}<br>%{hovertext}<extra></extra>")
            .name("contribution"),
    );
    plot.set_layout(
        base_layout()
            .show_legend(false)
            .y_axis(titled_axis("weekly revenue ($)")),
    );
    Figure::from_plot(plot)
}

/// Current vs optimal weekly spend per channel, side by side.
pub fn split_figure(planner: &Planner, scenario: &Scenario) -> Figure {
    let hover = format!("%{{x}}<br>%{{fullData.name}}: %{{y:{MONEY}}} per week<extra></extra>");
    let mut plot = Plot::new();
    plot.add_trace(
        Bar::new(names(planner), scenario.current.spend().to_vec())
            .name("current")
            .hover_template(hover.as_str())
            .marker(Marker::new().color(CURRENT)),
    );
    if let Ok(optimal) = &scenario.optimal {
        plot.add_trace(
            Bar::new(names(planner), optimal.spend().to_vec())
                .name("best under the model")
                .hover_template(hover.as_str())
                .marker(Marker::new().color(OPTIMAL)),
        );
    }
    plot.set_layout(
        base_layout()
            .bar_mode(BarMode::Group)
            .y_axis(titled_axis("weekly spend ($)")),
    );
    Figure::from_plot(plot)
}

/// What the donut says instead of a split when there is none to draw.
pub const NO_FEASIBLE_SPLIT: &str = "No feasible split:<br>unlock a channel or raise the total";
/// What the donut says when the total is zero.
pub const NOTHING_TO_SPLIT: &str = "No budget to split:<br>raise the total";

/// The recommended (optimal) split as a donut. Without one (the locks exceed the total, or
/// the total is zero) the chart stays readable: no axes, a centred note saying why.
pub fn donut_figure(planner: &Planner, scenario: &Scenario) -> Figure {
    let mut plot = Plot::new();
    let layout = base_layout()
        .show_legend(false)
        .margin(Margin::new().top(10).right(10).bottom(10).left(10));
    let note = match &scenario.optimal {
        Err(_) => Some(NO_FEASIBLE_SPLIT),
        Ok(optimal) if optimal.budget() <= 0.0 => Some(NOTHING_TO_SPLIT),
        Ok(optimal) => {
            let colors: Vec<&str> = (0..planner.channels().len()).map(channel_color).collect();
            plot.add_trace(
                Pie::new(optimal.spend().to_vec())
                    .labels(names(planner))
                    .hole(0.55)
                    .sort(false)
                    .text_template(format!("%{{label}}<br>%{{percent:{SHARE}}}"))
                    .hover_template(format!(
                        "%{{label}}<br>%{{value:{MONEY}}} per week<br>%{{percent:{SHARE}}} of the budget<extra></extra>"
                    ))
                    .marker(Marker::new().colors(colors)),
            );
            None
        }
    };
    plot.set_layout(match note {
        None => layout,
        Some(text) => layout
            .x_axis(Axis::new().visible(false))
            .y_axis(Axis::new().visible(false))
            .annotations(vec![
                Annotation::new()
                    .text(text)
                    .x_ref("paper")
                    .y_ref("paper")
                    .x(0.5)
                    .y(0.5)
                    .show_arrow(false)
                    .font(Font::new().size(15).color("#4b5563")),
            ]),
    });
    Figure::from_plot(plot)
}

/// Each channel's steady-state response curve `f_c(x)` over `[0, x_max]`, with the current
/// spend (circle) and the best spend under the model (diamond) marked. The legend sits above
/// the plot, clear of the spend axis title at any width.
pub fn response_figure(planner: &Planner, scenario: &Scenario) -> Figure {
    response_figure_with_bands(planner, scenario, None)
}

/// Points of each credible band along the spend axis (fewer than the curves' 81: a band
/// costs `D` curve evaluations and a sort per point).
pub const BAND_POINTS: usize = 41;

/// [`response_figure`] with, when `bands` is given, each channel's equal-tailed credible
/// band at `level` around its curve: at every spend `x` on a [`BAND_POINTS`]-point grid,
/// the `(1 ∓ level)/2` quantiles of `f_{c,d}(x)` over the posterior draws `d`, filled
/// between (plotly.js `fill: "tonexty"` from the lower line to the upper one).
pub fn response_figure_with_bands(
    planner: &Planner,
    scenario: &Scenario,
    bands: Option<(&PosteriorDraws, f64)>,
) -> Figure {
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
    let hover =
        format!("spend %{{x:{MONEY}}}<br>revenue %{{y:{MONEY}}}<extra>%{{fullData.name}}</extra>");
    let mut plot = Plot::new();
    for (c, (curve, channel)) in planner.curves().iter().zip(planner.channels()).enumerate() {
        let color = channel_color(c);
        let name = escape(&channel.name);
        if let Some((draws, level)) = bands {
            add_band(
                &mut plot,
                draws.curves(c),
                x_max,
                level,
                &name,
                &channel.id,
                c,
            );
        }
        let ys: Vec<f64> = xs.iter().map(|&x| curve.value(x)).collect();
        plot.add_trace(
            Scatter::new(xs.clone(), ys)
                .mode(Mode::Lines)
                .name(&name)
                .legend_group(&channel.id)
                .hover_template(hover.as_str())
                .line(Line::new().color(color)),
        );
        let row = &scenario.rows[c];
        let marks = [
            (Some(row.spend), "current", 10, MarkerSymbol::Circle),
            (
                row.optimal_spend,
                "best under the model",
                11,
                MarkerSymbol::DiamondOpen,
            ),
        ];
        for (x, which, size, symbol) in marks {
            let Some(x) = x else { continue };
            plot.add_trace(
                Scatter::new(vec![x], vec![curve.value(x)])
                    .mode(Mode::Markers)
                    .name(format!("{name} {which}"))
                    .legend_group(&channel.id)
                    .show_legend(false)
                    .hover_template(hover.as_str())
                    .marker(Marker::new().color(color).size(size).symbol(symbol)),
            );
        }
    }
    plot.set_layout(
        base_layout()
            .legend(
                Legend::new()
                    .orientation(Orientation::Horizontal)
                    .x(0.0)
                    .x_anchor(Anchor::Left)
                    .y(1.02)
                    .y_anchor(Anchor::Bottom),
            )
            .x_axis(titled_axis("weekly spend ($)"))
            .y_axis(titled_axis("weekly revenue ($)")),
    );
    Figure::from_plot(plot)
}

/// Adds the two traces of one channel's band: the upper quantile line (invisible), then the
/// lower one filled up to it. Nothing when a quantile cannot be taken.
fn add_band(
    plot: &mut Plot,
    curves: &[HillResponse],
    x_max: f64,
    level: f64,
    name: &str,
    group: &str,
    channel: usize,
) {
    let xs: Vec<f64> = (0..BAND_POINTS)
        .map(|i| x_max * i as f64 / (BAND_POINTS - 1) as f64)
        .collect();
    let mut values = vec![0.0; curves.len()];
    let mut low = Vec::with_capacity(xs.len());
    let mut high = Vec::with_capacity(xs.len());
    for &x in &xs {
        for (v, f) in values.iter_mut().zip(curves) {
            *v = f.value(x);
        }
        let Some(band) = Interval::of(&values, level) else {
            return;
        };
        low.push(band.low);
        high.push(band.high);
    }
    let label = format!("{name} {} interval", level_text(level));
    let fill = band_fill(channel);
    let line = |ys: Vec<f64>| {
        Scatter::new(xs.clone(), ys)
            .mode(Mode::Lines)
            .name(&label)
            .legend_group(group)
            .show_legend(false)
            .hover_info(HoverInfo::Skip)
            .line(Line::new().width(0.0).color(fill.clone()))
    };
    plot.add_trace(line(high));
    plot.add_trace(line(low).fill(Fill::ToNextY).fill_color(fill.clone()));
}

/// Channel `c`'s colour at 18 % opacity, for its band.
fn band_fill(channel: usize) -> String {
    let hex = channel_color(channel).trim_start_matches('#');
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    format!("rgba({},{},{},0.18)", byte(0), byte(2), byte(4))
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
    let hover = format!("%{{x}}<br>%{{fullData.name}}: %{{y:{MONEY}}}<extra></extra>");
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(weeks.clone(), model.actual().to_vec())
            .mode(Mode::Lines)
            .name("actual")
            .hover_template(hover.as_str())
            .line(Line::new().color("#1d2330").width(1.5)),
    );
    plot.add_trace(
        Scatter::new(weeks.clone(), model.validation_predictions().to_vec())
            .mode(Mode::Lines)
            .name("model")
            .hover_template(hover.as_str())
            .line(Line::new().color(OPTIMAL).width(2.0)),
    );
    let mut layout = base_layout().y_axis(titled_axis("weekly revenue ($)"));
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
    let d = planner.model().revenue_decomposition();
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
        let name = escape(
            planner
                .channels()
                .get(c)
                .map_or(series.name.as_str(), |ch| ch.name.as_str()),
        );
        parts.push((name, series.values.clone(), channel_color(c)));
    }
    let mut plot = Plot::new();
    for (name, values, color) in parts {
        plot.add_trace(
            Scatter::new(weeks.clone(), values)
                .mode(Mode::Lines)
                .name(name)
                .stack_group("fitted")
                .hover_template(format!("%{{y:{MONEY}}}"))
                .fill(Fill::ToNextY)
                .line(Line::new().width(0.5).color(color))
                .fill_color(color),
        );
    }
    plot.set_layout(
        base_layout()
            .hover_mode(HoverMode::XUnified)
            .y_axis(titled_axis("weekly revenue ($)")),
    );
    Figure::from_plot(plot)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::scenario::fitted_planner;

    const TRICKY: [&str; 5] = [
        "Search <b>Brand</b>",
        "Email & SMS",
        "a<br>b",
        "&lt;not a tag&gt;",
        "Affiliate",
    ];

    fn json(figure: &Figure) -> Value {
        serde_json::from_str(figure.json()).expect("figure is JSON")
    }

    fn historical(planner: &Planner) -> Scenario {
        planner.scenario(&BudgetState::from_mix(
            planner.historical_total(),
            planner.historical_mix(),
        ))
    }

    /// Every figure, built for `scenario`.
    fn all_figures(planner: &Planner, scenario: &Scenario) -> Vec<(&'static str, Value)> {
        vec![
            (
                "contribution",
                json(&contribution_figure(planner, scenario)),
            ),
            ("split", json(&split_figure(planner, scenario))),
            ("donut", json(&donut_figure(planner, scenario))),
            ("response", json(&response_figure(planner, scenario))),
            ("fit", json(&fit_figure(planner))),
            ("decomposition", json(&decomposition_figure(planner))),
        ]
    }

    /// Every string in the figure's traces (names, labels, categories, hover text).
    fn trace_strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| trace_strings(v, out)),
            Value::Object(map) => map.values().for_each(|v| trace_strings(v, out)),
            _ => {}
        }
    }

    #[test]
    fn channel_names_reach_plotly_escaped() {
        let planner = fitted_planner().renamed(&TRICKY);
        let scenario = historical(&planner);
        for (figure, value) in all_figures(&planner, &scenario) {
            let mut strings = Vec::new();
            trace_strings(&value["data"], &mut strings);
            for s in &strings {
                for raw in ["<b>", "<br>b", "& SMS", "&lt;not"] {
                    assert!(!s.contains(raw), "{figure}: unescaped {raw:?} in {s:?}");
                }
            }
            if figure == "fit" {
                continue; // no channel names
            }
            let all = strings.join("\n");
            assert!(
                all.contains("Search &lt;b&gt;Brand&lt;/b&gt;"),
                "{figure}: {all}"
            );
            assert!(all.contains("Email &amp; SMS"), "{figure}");
            assert!(all.contains("&amp;lt;not a tag&amp;gt;"), "{figure}");
        }
    }

    /// No hover label shows a raw number: every value placeholder in a hover template has a
    /// d3 format, money as `$,.0f`, shares as `.1%`; only names, categories and dates are
    /// shown as they are.
    #[test]
    fn hover_labels_are_formatted() {
        let planner = fitted_planner();
        let scenario = historical(planner);
        let unformatted = ["%{x}", "%{hovertext}", "%{fullData.name}", "%{label}"];
        for (figure, value) in all_figures(planner, &scenario) {
            let traces = value["data"].as_array().expect("traces");
            assert!(!traces.is_empty(), "{figure}");
            for trace in traces {
                let template = trace["hovertemplate"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{figure}: a trace without hovertemplate"));
                for placeholder in template.split("%{").skip(1) {
                    let field = &placeholder[..placeholder.find('}').expect("closed")];
                    let shown = format!("%{{{field}}}");
                    assert!(
                        unformatted.contains(&shown.as_str())
                            || field.ends_with(&format!(":{MONEY}"))
                            || field.ends_with(&format!(":{SHARE}")),
                        "{figure}: {shown} in {template}"
                    );
                }
            }
        }
        // The contribution bars' hover text is the page's own currency format.
        let contribution = json(&contribution_figure(planner, &scenario));
        let first = contribution["data"][0]["hovertext"][0].as_str().unwrap();
        assert_eq!(
            first,
            format!(
                "{} per week ($0 vs historical mix)",
                currency(scenario.rows[0].contribution)
            )
        );
        assert!(!first.contains('.'), "no stray decimals: {first}");
        // The donut's slices show shares with one decimal.
        let donut = json(&donut_figure(planner, &scenario));
        assert_eq!(
            donut["data"][0]["texttemplate"],
            format!("%{{label}}<br>%{{percent:{SHARE}}}")
        );
    }

    #[test]
    fn contribution_bars_say_gain_or_loss_in_words_not_only_in_colour() {
        let planner = fitted_planner();
        let at_history = json(&contribution_figure(planner, &historical(planner)));
        let trace = &at_history["data"][0];
        assert_eq!(trace["textposition"], "outside");
        for (label, color) in trace["text"]
            .as_array()
            .unwrap()
            .iter()
            .zip(trace["marker"]["color"].as_array().unwrap())
        {
            assert_eq!(
                label, "$0<br>no change",
                "the historical mix changes nothing"
            );
            assert_eq!(color, CURRENT, "no change is neither green nor red");
        }

        let mut budget =
            BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        let last = planner.channels().len() - 1;
        budget.set_channel(last, budget.spend()[last] + 2_000.0);
        let scenario = planner.scenario(&budget);
        let moved = json(&contribution_figure(planner, &scenario));
        let trace = &moved["data"][0];
        for ((row, label), color) in scenario
            .rows
            .iter()
            .zip(trace["text"].as_array().unwrap())
            .zip(trace["marker"]["color"].as_array().unwrap())
        {
            let change = row.contribution - row.historical_contribution;
            let (word, expected_color) = match change_sign(change) {
                Ordering::Greater => ("gain", GAIN),
                Ordering::Less => ("loss", LOSS),
                Ordering::Equal => ("no change", CURRENT),
            };
            assert_eq!(label, &format!("{}<br>{word}", signed_currency(change)));
            assert_eq!(color, expected_color);
        }
        assert_eq!(
            trace["text"][last].as_str().map(|t| t.ends_with("gain")),
            Some(true)
        );
    }

    #[test]
    fn the_donut_without_a_split_says_why_instead_of_drawing_empty_axes() {
        let planner = fitted_planner();
        let mut budget = BudgetState::from_mix(30_000.0, planner.historical_mix());
        budget.set_locked(0, true);
        budget.set_locked(1, true);
        budget.set_total(1_000.0);
        let scenario = planner.scenario(&budget);
        assert!(scenario.optimal.is_err(), "locks above the total: no split");
        let donut = json(&donut_figure(planner, &scenario));
        assert_eq!(donut["data"].as_array().map(Vec::len), Some(0));
        assert_eq!(donut["layout"]["xaxis"]["visible"], false);
        assert_eq!(donut["layout"]["yaxis"]["visible"], false);
        assert_eq!(donut["layout"]["annotations"][0]["text"], NO_FEASIBLE_SPLIT);

        let nothing = planner.scenario(&BudgetState::from_mix(0.0, planner.historical_mix()));
        let donut = json(&donut_figure(planner, &nothing));
        assert_eq!(donut["data"].as_array().map(Vec::len), Some(0));
        assert_eq!(donut["layout"]["annotations"][0]["text"], NOTHING_TO_SPLIT);

        let normal = json(&donut_figure(planner, &historical(planner)));
        assert_eq!(normal["data"][0]["type"], "pie");
        assert!(normal["layout"].get("annotations").is_none());
    }

    #[test]
    fn the_response_legend_sits_above_the_plot_and_axes_make_room_for_titles() {
        let planner = fitted_planner();
        let response = json(&response_figure(planner, &historical(planner)));
        let legend = &response["layout"]["legend"];
        assert_eq!(legend["yanchor"], "bottom");
        assert!(legend["y"].as_f64().unwrap() >= 1.0, "{legend}");
        assert_eq!(response["layout"]["xaxis"]["automargin"], true);
        assert_eq!(response["layout"]["yaxis"]["automargin"], true);
    }

    /// Draws that scale every fitted curve's β by 0.8 … 1.2 (101 draws).
    fn scaled_draws(planner: &Planner) -> PosteriorDraws {
        crate::planner::draws::tests::scaled_draws(planner, 0.004, 100)
    }

    #[test]
    fn response_bands_hold_the_fitted_curve_between_their_quantile_lines() {
        let planner = fitted_planner();
        let scenario = historical(planner);
        let draws = scaled_draws(planner);
        let plain = json(&response_figure(planner, &scenario));
        let banded = json(&response_figure_with_bands(
            planner,
            &scenario,
            Some((&draws, 0.9)),
        ));
        let traces = banded["data"].as_array().unwrap();
        let channels = planner.curves().len();
        // Two band traces per channel before its curve and marks.
        assert_eq!(
            traces.len(),
            plain["data"].as_array().unwrap().len() + 2 * channels
        );
        for (c, curve) in planner.curves().iter().enumerate() {
            let name = escape(&planner.channels()[c].name);
            let band: Vec<&Value> = traces
                .iter()
                .filter(|t| t["name"] == format!("{name} 90% interval"))
                .collect();
            assert_eq!(band.len(), 2, "{name}");
            let (upper, lower) = (band[0], band[1]);
            assert_eq!(lower["fill"], "tonexty");
            assert_eq!(upper["hoverinfo"], "skip");
            let xs = upper["x"].as_array().unwrap();
            assert_eq!(xs.len(), BAND_POINTS);
            for (i, x) in xs.iter().enumerate() {
                let x = x.as_f64().unwrap();
                let (lo, hi) = (
                    lower["y"][i].as_f64().unwrap(),
                    upper["y"][i].as_f64().unwrap(),
                );
                let point = curve.value(x);
                // The 5 % and 95 % quantiles of β·k, k = 0.8 … 1.2: 0.82 and 1.18 times f(x).
                assert!(
                    (lo - 0.82 * point).abs() <= 1e-9 * point.max(1.0),
                    "{name} x={x}: {lo} vs {point}"
                );
                assert!(
                    (hi - 1.18 * point).abs() <= 1e-9 * point.max(1.0),
                    "{name} x={x}: {hi} vs {point}"
                );
            }
        }
    }
}
