//! The planner's figures, built with the `plotly` crate from the [`Planner`] (channels,
//! curves, model) and, for the live charts, the [`Scenario`]. Plain Rust: each builder is
//! tested natively by reading back the JSON plotly.js will get.
//!
//! Conventions for every figure:
//! * names from the data go through [`escape`], so plotly.js shows them as text;
//! * hover labels use d3-format templates like the rest of the page: currency with thousands
//!   separators and no decimals ([`MONEY`]), shares with one decimal ([`SHARE`]).

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
use super::response::{ChannelResponse, channel_responses};
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

/// What the contribution chart calls a channel's bar, for the planner's form: "weekly
/// revenue ($)" (`f_c(x_c)`, additive), or "revenue lost without the channel ($ per week)"
/// (its removal effect `R(x)·(1 − exp(−g_c(x_c)))`, multiplicative: these overlap and add up
/// to more than the media revenue `R(x) − B̄`).
pub fn contribution_axis_title(planner: &Planner) -> &'static str {
    if planner.revenue_form().is_multiplicative() {
        "revenue lost without the channel ($ per week)"
    } else {
        "weekly revenue ($)"
    }
}

/// Weekly revenue contribution by channel for the current split; a bar is green where the
/// channel earns more than under the historical mix at the same total, red where less, grey
/// where the change rounds to $0. Colour is not the only carrier: each bar is labelled with
/// its change and a word above it (`+$234` / `gain`, `-$120` / `loss`, `$0` / `no change`).
///
/// The contributions are the plan's ([`crate::planner::scenario::Planner::evaluate`]): `f_c(x_c)`
/// when channels add revenue; when they multiply it, each channel's removal effect (what
/// revenue would lose without it), which the axis and hover text say
/// ([`contribution_axis_title`]).
pub fn contribution_figure(planner: &Planner, scenario: &Scenario) -> Figure {
    let multiplicative = planner.revenue_form().is_multiplicative();
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
                "{} per week{} ({} vs historical mix)",
                currency(r.contribution),
                if multiplicative {
                    " lost without the channel"
                } else {
                    ""
                },
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
            .y_axis(titled_axis(contribution_axis_title(planner))),
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

/// What the response chart's revenue axis shows, for the planner's form: "weekly revenue
/// ($)" (`f_c(x)`, additive), or "weekly revenue the channel adds, others at the current
/// split ($)" (`R(x, x_{−c}) − R(0, x_{−c})`, multiplicative; see [`ChannelResponse`]).
pub fn response_axis_title(planner: &Planner) -> &'static str {
    if planner.revenue_form().is_multiplicative() {
        "weekly revenue the channel adds, others at the current split ($)"
    } else {
        "weekly revenue ($)"
    }
}

/// Each channel's steady-state response curve over `[0, x_max]`, in revenue
/// ([`ChannelResponse`]): `f_c(x)` when channels add revenue; when they multiply it, the
/// revenue the channel adds at spend `x` with the other channels at the current split,
/// `R(x, x_{−c}) − R(0, x_{−c})`. The current spend (circle) and the best spend under the
/// model (diamond) are marked. The legend sits above the plot, clear of the spend axis title
/// at any width.
pub fn response_figure(planner: &Planner, scenario: &Scenario) -> Figure {
    response_figure_with_bands(planner, scenario, None)
}

/// Points of each credible band along the spend axis (fewer than the curves' 81: a band
/// costs `D` curve evaluations and a sort per point).
pub const BAND_POINTS: usize = 41;

/// [`response_figure`] with, when `bands` is given, each channel's equal-tailed credible
/// band at `level` around its curve: at every spend `x` on a [`BAND_POINTS`]-point grid,
/// the `(1 ∓ level)/2` quantiles over the posterior draws `d` of the draw's response
/// ([`ChannelResponse::draws`]: `f_{c,d}(x)`, or `R_d(x, x_{−c}) − R_d(0, x_{−c})` with each
/// draw's own base and log curves), filled between (plotly.js `fill: "tonexty"` from the
/// lower line to the upper one). Draws of the other form than the planner's (a stale
/// posterior) draw no band.
pub fn response_figure_with_bands(
    planner: &Planner,
    scenario: &Scenario,
    bands: Option<(&PosteriorDraws, f64)>,
) -> Figure {
    let spend = scenario.current.spend();
    let responses = channel_responses(planner, spend);
    let multiplicative = planner.revenue_form().is_multiplicative();
    let bands = bands.filter(|(draws, _)| draws.is_multiplicative() == multiplicative);
    let x_max = responses
        .iter()
        .map(|f| 2.5 * f.half_saturation())
        .filter(|x| x.is_finite())
        .chain(
            scenario
                .rows
                .iter()
                .map(|r| 1.1 * r.spend.max(r.optimal_spend.unwrap_or(0.0))),
        )
        .fold(1.0, f64::max);
    let xs: Vec<f64> = (0..=80).map(|i| x_max * i as f64 / 80.0).collect();
    let hover = if multiplicative {
        format!(
            "spend %{{x:{MONEY}}}<br>revenue added %{{y:{MONEY}}}<br>(other channels at the current split)<extra>%{{fullData.name}}</extra>"
        )
    } else {
        format!("spend %{{x:{MONEY}}}<br>revenue %{{y:{MONEY}}}<extra>%{{fullData.name}}</extra>")
    };
    let mut plot = Plot::new();
    for (c, (curve, channel)) in responses.iter().zip(planner.channels()).enumerate() {
        let color = channel_color(c);
        let name = escape(&channel.name);
        if let Some((draws, level)) = bands {
            add_band(
                &mut plot,
                &ChannelResponse::draws(draws, spend, c),
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
            .y_axis(titled_axis(response_axis_title(planner))),
    );
    Figure::from_plot(plot)
}

/// Adds the two traces of one channel's band: the upper quantile line (invisible), then the
/// lower one filled up to it. Nothing when a quantile cannot be taken.
fn add_band(
    plot: &mut Plot,
    curves: &[ChannelResponse],
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
/// controls, then each channel; the stack adds up to the model's fitted revenue in both
/// forms ([`mixplan_core::model::PlanningModel::revenue_decomposition`]).
///
/// When channels multiply revenue, each week's media revenue (fitted revenue minus the
/// revenue without media) is split between the channels in proportion to their effect on
/// ln revenue, `g_{c,t} / Σ_k g_{k,t}`: a channel's band is its share of media revenue, not
/// what revenue would lose without it, and its hover text says so.
pub fn decomposition_figure(planner: &Planner) -> Figure {
    let multiplicative = planner.revenue_form().is_multiplicative();
    let d = planner.model().revenue_decomposition();
    let weeks = week_labels(planner);
    let n = weeks.len();
    let base: Vec<f64> = (0..n).map(|t| d.baseline[t] + d.trend[t]).collect();
    let controls: Vec<f64> = (0..n)
        .map(|t| d.controls.iter().map(|c| c.values[t]).sum())
        .collect();
    let mut parts: Vec<(String, Vec<f64>, &str, bool)> = vec![
        ("base + trend".into(), base, "#c9ced8", false),
        (
            "seasonality".into(),
            d.seasonality.clone(),
            "#e5c07b",
            false,
        ),
        ("controls".into(), controls, "#a3b1c6", false),
    ];
    for (c, series) in d.channels.iter().enumerate() {
        let name = escape(
            planner
                .channels()
                .get(c)
                .map_or(series.name.as_str(), |ch| ch.name.as_str()),
        );
        parts.push((name, series.values.clone(), channel_color(c), true));
    }
    let mut plot = Plot::new();
    for (name, values, color, channel) in parts {
        let hover = if channel && multiplicative {
            format!("%{{y:{MONEY}}} (share of media revenue)")
        } else {
            format!("%{{y:{MONEY}}}")
        };
        plot.add_trace(
            Scatter::new(weeks.clone(), values)
                .mode(Mode::Lines)
                .name(name)
                .stack_group("fitted")
                .hover_template(hover)
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
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

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

    use crate::charts::response::tests::added_by_model;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    /// A planner's current split away from the historical mix, so that every channel's
    /// curve depends on the others' spend.
    fn moved(planner: &Planner) -> Scenario {
        let mut budget =
            BudgetState::from_mix(planner.historical_total(), planner.historical_mix());
        let last = planner.channels().len() - 1;
        budget.set_channel(last, budget.spend()[last] + 2_000.0);
        planner.scenario(&budget)
    }

    #[test]
    fn multiplicative_response_curves_show_the_revenue_a_channel_adds_to_the_others() {
        let planner = fitted_multiplicative_planner();
        let scenario = moved(planner);
        let spend = scenario.current.spend().to_vec();
        let figure = json(&response_figure(planner, &scenario));
        assert_eq!(
            figure["layout"]["yaxis"]["title"]["text"],
            "weekly revenue the channel adds, others at the current split ($)"
        );
        let traces = figure["data"].as_array().unwrap();
        for (c, channel) in planner.channels().iter().enumerate() {
            let name = escape(&channel.name);
            let line = traces.iter().find(|t| t["name"] == name).unwrap();
            assert!(
                line["hovertemplate"]
                    .as_str()
                    .unwrap()
                    .contains("other channels at the current split")
            );
            let (xs, ys) = (line["x"].as_array().unwrap(), line["y"].as_array().unwrap());
            assert_eq!(xs.len(), 81);
            for (x, y) in xs.iter().zip(ys).step_by(8) {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                let expected = added_by_model(planner, &spend, c, x);
                assert!(close(y, expected), "{name} x={x}: {y} vs {expected}");
            }
            // The current mark sits at the channel's removal effect, its contribution.
            let current = traces
                .iter()
                .find(|t| t["name"] == format!("{name} current"))
                .unwrap();
            let y = current["y"][0].as_f64().unwrap();
            assert!(
                (y - scenario.rows[c].contribution).abs() <= 1e-6 * y,
                "{name}"
            );
            // The log curve (ln units) is not what is drawn.
            assert!(
                y > 100.0 * planner.curves()[c].value(spend[c]),
                "{name}: {y}"
            );
        }
    }

    /// `planner`'s log curves scaled by `0.8 … 1.2` (101 draws) with the point fit's base in
    /// every draw: multiplicative draws (built through serde, which carries the bases).
    fn multiplicative_draws(planner: &Planner) -> PosteriorDraws {
        let mut value = serde_json::to_value(scaled_draws(planner)).unwrap();
        value["bases"] = serde_json::json!(vec![planner.baseline(); 101]);
        let draws: PosteriorDraws = serde_json::from_value(value).unwrap();
        assert!(draws.is_multiplicative());
        draws
    }

    #[test]
    fn multiplicative_response_bands_take_each_draws_base_and_log_curves() {
        let planner = fitted_multiplicative_planner();
        let scenario = moved(planner);
        let spend = scenario.current.spend().to_vec();
        let draws = multiplicative_draws(planner);
        let banded = json(&response_figure_with_bands(
            planner,
            &scenario,
            Some((&draws, 0.9)),
        ));
        let traces = banded["data"].as_array().unwrap();
        let base = planner.baseline();
        // Draw `k`'s revenue the channel adds: B̄·exp(k Σ_{j≠c} g_j(x_j))·(exp(k g_c(x)) − 1),
        // increasing in k: the 5 % and 95 % quantiles of k = 0.8 … 1.2 are 0.82 and 1.18.
        let added = |c: usize, x: f64, k: f64| {
            let others: f64 = planner
                .curves()
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != c)
                .map(|(j, g)| g.value(spend[j]))
                .sum();
            base * (k * others).exp() * (k * planner.curves()[c].value(x)).exp_m1()
        };
        for (c, channel) in planner.channels().iter().enumerate() {
            let name = escape(&channel.name);
            let band: Vec<&Value> = traces
                .iter()
                .filter(|t| t["name"] == format!("{name} 90% interval"))
                .collect();
            assert_eq!(band.len(), 2, "{name}");
            let (upper, lower) = (band[0], band[1]);
            for (i, x) in upper["x"].as_array().unwrap().iter().enumerate().skip(1) {
                let x = x.as_f64().unwrap();
                let (lo, hi) = (
                    lower["y"][i].as_f64().unwrap(),
                    upper["y"][i].as_f64().unwrap(),
                );
                assert!(close(lo, added(c, x, 0.82)), "{name} x={x}: {lo}");
                assert!(close(hi, added(c, x, 1.18)), "{name} x={x}: {hi}");
                let point = added_by_model(planner, &spend, c, x);
                assert!(lo < point && point < hi, "{name} x={x}: {lo} {point} {hi}");
            }
        }
        // Draws of the other form (a stale posterior) draw no band.
        let additive = scaled_draws(fitted_planner());
        let stale = json(&response_figure_with_bands(
            planner,
            &scenario,
            Some((&additive, 0.9)),
        ));
        assert_eq!(stale, json(&response_figure(planner, &scenario)));
    }

    #[test]
    fn multiplicative_decomposition_stacks_up_to_the_fitted_revenue() {
        let planner = fitted_multiplicative_planner();
        let figure = json(&decomposition_figure(planner));
        let traces = figure["data"].as_array().unwrap();
        assert_eq!(traces.len(), 3 + planner.channels().len());
        let fitted = planner.model().fitted();
        for (t, &expected) in fitted.iter().enumerate() {
            let stacked: f64 = traces
                .iter()
                .map(|trace| trace["y"][t].as_f64().unwrap())
                .sum();
            assert!(
                (stacked - expected).abs() <= 1e-6 * expected,
                "week {t}: {stacked} vs {expected}"
            );
        }
        // The channels' bands are their shares of media revenue, and say so.
        for trace in &traces[3..] {
            assert_eq!(
                trace["hovertemplate"],
                format!("%{{y:{MONEY}}} (share of media revenue)")
            );
        }
        // The additive chart's hover text is unchanged.
        let additive = json(&decomposition_figure(fitted_planner()));
        assert_eq!(
            additive["data"][3]["hovertemplate"],
            format!("%{{y:{MONEY}}}")
        );
    }

    #[test]
    fn multiplicative_contributions_are_called_revenue_lost_without_the_channel() {
        let planner = fitted_multiplicative_planner();
        let scenario = moved(planner);
        let figure = json(&contribution_figure(planner, &scenario));
        assert_eq!(
            figure["layout"]["yaxis"]["title"]["text"],
            "revenue lost without the channel ($ per week)"
        );
        let trace = &figure["data"][0];
        for (c, row) in scenario.rows.iter().enumerate() {
            assert_eq!(trace["y"][c].as_f64(), Some(row.contribution));
            assert!(
                trace["hovertext"][c]
                    .as_str()
                    .unwrap()
                    .contains("per week lost without the channel"),
                "{}",
                trace["hovertext"][c]
            );
        }
        let additive = json(&contribution_figure(
            fitted_planner(),
            &historical(fitted_planner()),
        ));
        assert_eq!(
            additive["layout"]["yaxis"]["title"]["text"],
            "weekly revenue ($)"
        );
    }

    /// Every figure of the multiplicative planner escapes names and formats its hover values.
    #[test]
    fn multiplicative_figures_keep_the_conventions() {
        let planner = fitted_multiplicative_planner().renamed(&TRICKY);
        let scenario = historical(&planner);
        for (figure, value) in all_figures(&planner, &scenario) {
            let mut strings = Vec::new();
            trace_strings(&value["data"], &mut strings);
            for s in &strings {
                assert!(!s.contains("<b>") && !s.contains("& SMS"), "{figure}: {s}");
                assert!(!s.contains("NaN"), "{figure}: {s}");
            }
        }
    }
}
