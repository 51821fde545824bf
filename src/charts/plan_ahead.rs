//! Figures of the "Planning ahead" section: the budget frontier and the scenario
//! comparison. Built with the same conventions as [`super::figures`] (escaped names, d3
//! money formats) and tested natively by reading back the JSON.

use plotly::common::{AxisSide, Line, Marker, MarkerSymbol, Mode};
use plotly::layout::{Axis, BarMode};
use plotly::{Bar, Plot, Scatter};

use super::figure::Figure;
use super::figures::{CURRENT, MONEY, OPTIMAL, base_layout, channel_color, names, titled_axis};
use super::label::escape;
use crate::format::currency;
use crate::planner::frontier::FrontierPoint;
use crate::planner::horizon::HorizonOutcome;
use crate::planner::scenario::Planner;
use crate::planner::scenario_store::ComparedPlan;

/// Colour of the marginal-ROAS line.
pub const MARGINAL: &str = "#f29d38";

/// Where the current plan sits on the frontier chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierMarks {
    /// The current weekly total.
    pub total: f64,
    /// Predicted weekly revenue of the current split.
    pub revenue: f64,
    /// Predicted weekly revenue of the optimal split of the same total, when there is one.
    pub optimal_revenue: Option<f64>,
}

/// Optimal weekly revenue (left axis) and marginal ROAS (right axis) against the weekly
/// budget, with the current plan (circle) and the optimal split of its total (diamond).
pub fn frontier_figure(points: &[FrontierPoint], marks: FrontierMarks) -> Figure {
    let budgets: Vec<f64> = points.iter().map(|p| p.budget).collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(budgets.clone(), points.iter().map(|p| p.revenue).collect())
            .mode(Mode::Lines)
            .name("best revenue (model)")
            .line(Line::new().color(OPTIMAL).width(2.5))
            .hover_template(format!(
                "budget %{{x:{MONEY}}}<br>best revenue (model) %{{y:{MONEY}}} per week<extra></extra>"
            )),
    );
    plot.add_trace(
        Scatter::new(budgets, points.iter().map(|p| p.marginal_roas).collect())
            .mode(Mode::Lines)
            .name("marginal ROAS")
            .y_axis("y2")
            .line(
                Line::new()
                    .color(MARGINAL)
                    .dash(plotly::common::DashType::Dash),
            )
            .hover_template("budget %{x:$,.0f}<br>next $1 earns %{y:$.2f}<extra></extra>"),
    );
    plot.add_trace(
        Scatter::new(vec![marks.total], vec![marks.revenue])
            .mode(Mode::Markers)
            .name("current plan")
            .marker(Marker::new().color(CURRENT).size(12))
            .hover_template(format!(
                "current plan<br>budget %{{x:{MONEY}}}<br>revenue %{{y:{MONEY}}}<extra></extra>"
            )),
    );
    if let Some(optimal) = marks.optimal_revenue {
        plot.add_trace(
            Scatter::new(vec![marks.total], vec![optimal])
                .mode(Mode::Markers)
                .name("best split of this budget")
                .marker(
                    Marker::new()
                        .color(OPTIMAL)
                        .size(12)
                        .symbol(MarkerSymbol::DiamondOpen),
                )
                .hover_template(format!(
                    "best split<br>budget %{{x:{MONEY}}}<br>revenue %{{y:{MONEY}}}<extra></extra>"
                )),
        );
    }
    plot.set_layout(
        base_layout()
            .x_axis(titled_axis("weekly budget ($)"))
            .y_axis(titled_axis("best weekly revenue under the model ($)"))
            .y_axis2(
                titled_axis("marginal ROAS")
                    .overlaying("y")
                    .side(AxisSide::Right)
                    .show_grid(false),
            ),
    );
    Figure::from_plot(plot)
}

/// Weekly spend per channel, one group of bars per compared scenario (one colour per
/// channel, stacked), with each scenario's predicted revenue in its hover text.
pub fn comparison_figure(planner: &Planner, columns: &[ComparedPlan]) -> Figure {
    let scenario_names: Vec<String> = columns.iter().map(|c| escape(&c.name)).collect();
    let mut plot = Plot::new();
    for (c, channel) in names(planner).into_iter().enumerate() {
        let spend: Vec<f64> = columns
            .iter()
            .map(|col| col.spend.get(c).copied().unwrap_or(0.0))
            .collect();
        plot.add_trace(
            Bar::new(scenario_names.clone(), spend)
                .name(channel.as_str())
                .marker(Marker::new().color(channel_color(c)))
                .hover_template(format!(
                    "%{{x}}<br>{channel}: %{{y:{MONEY}}} per week<extra></extra>"
                )),
        );
    }
    plot.add_trace(
        Scatter::new(scenario_names, columns.iter().map(|c| c.revenue).collect())
            .mode(Mode::Markers)
            .name("predicted revenue")
            .y_axis("y2")
            .marker(
                Marker::new()
                    .color("#111827")
                    .size(11)
                    .symbol(MarkerSymbol::Diamond),
            )
            .hover_template(format!(
                "%{{x}}<br>predicted revenue %{{y:{MONEY}}} per week<extra></extra>"
            )),
    );
    plot.set_layout(
        base_layout()
            .bar_mode(BarMode::Stack)
            .y_axis(titled_axis("weekly spend ($)"))
            .y_axis2(
                titled_axis("weekly revenue ($)")
                    .overlaying("y")
                    .side(AxisSide::Right)
                    .show_grid(false),
            )
            .x_axis(Axis::new().auto_margin(true)),
    );
    Figure::from_plot(plot)
}

/// A chart with nothing to draw: no axes, a centred note saying why.
pub fn note_figure(note: &str) -> Figure {
    let mut plot = Plot::new();
    plot.set_layout(
        base_layout()
            .x_axis(Axis::new().visible(false))
            .y_axis(Axis::new().visible(false))
            .annotations(vec![
                plotly::layout::Annotation::new()
                    .text(escape(note))
                    .x_ref("paper")
                    .y_ref("paper")
                    .x(0.5)
                    .y(0.5)
                    .show_arrow(false),
            ]),
    );
    Figure::from_plot(plot)
}

/// Week labels of a plan: `W1 (2024-01-07)`, … (the forecast's dates).
fn week_labels(outcome: &HorizonOutcome) -> Vec<String> {
    outcome
        .forecast
        .weeks
        .iter()
        .enumerate()
        .map(|(h, w)| format!("W{} ({})", h + 1, w.date))
        .collect()
}

/// The horizon plan as stacked bars: weekly spend per channel, one colour per channel.
pub fn horizon_plan_figure(planner: &Planner, outcome: &HorizonOutcome) -> Figure {
    let labels = week_labels(outcome);
    let plan = &outcome.plan;
    let mut plot = Plot::new();
    for (c, channel) in names(planner).into_iter().enumerate() {
        let spend: Vec<f64> = (0..plan.weeks()).map(|h| plan.spend(h, c)).collect();
        plot.add_trace(
            Bar::new(labels.clone(), spend)
                .name(channel.as_str())
                .marker(Marker::new().color(channel_color(c)))
                .hover_template(format!(
                    "%{{x}}<br>{channel}: %{{y:{MONEY}}}<extra></extra>"
                )),
        );
    }
    plot.set_layout(
        base_layout()
            .bar_mode(BarMode::Stack)
            .y_axis(titled_axis("weekly spend ($)"))
            .x_axis(Axis::new().auto_margin(true)),
    );
    Figure::from_plot(plot)
}

/// The forecast of total weekly revenue: the line, its interval as a band, and the media
/// part as a second line.
pub fn forecast_figure(outcome: &HorizonOutcome) -> Figure {
    let labels = week_labels(outcome);
    let weeks = &outcome.forecast.weeks;
    let level = format!("{:.0}% interval", outcome.forecast.level * 100.0);
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(labels.clone(), weeks.iter().map(|w| w.upper).collect())
            .mode(Mode::Lines)
            .line(Line::new().width(0.0).color(OPTIMAL))
            .show_legend(false)
            .name(level.as_str())
            .hover_template(format!("%{{x}}<br>upper %{{y:{MONEY}}}<extra></extra>")),
    );
    plot.add_trace(
        Scatter::new(labels.clone(), weeks.iter().map(|w| w.lower).collect())
            .mode(Mode::Lines)
            .fill(plotly::common::Fill::ToNextY)
            .fill_color("rgba(47,111,237,0.15)")
            .line(Line::new().width(0.0).color(OPTIMAL))
            .name(level.as_str())
            .hover_template(format!("%{{x}}<br>lower %{{y:{MONEY}}}<extra></extra>")),
    );
    plot.add_trace(
        Scatter::new(labels.clone(), weeks.iter().map(|w| w.revenue).collect())
            .mode(Mode::LinesMarkers)
            .name("forecast revenue")
            .line(Line::new().color(OPTIMAL).width(2.5))
            .hover_template(format!("%{{x}}<br>forecast %{{y:{MONEY}}}<extra></extra>")),
    );
    plot.add_trace(
        Scatter::new(labels, weeks.iter().map(|w| w.media).collect())
            .mode(Mode::Lines)
            .name("of which media")
            .line(
                Line::new()
                    .color(MARGINAL)
                    .dash(plotly::common::DashType::Dash),
            )
            .hover_template(format!("%{{x}}<br>media %{{y:{MONEY}}}<extra></extra>")),
    );
    plot.set_layout(
        base_layout()
            .y_axis(titled_axis("weekly revenue ($)"))
            .x_axis(Axis::new().auto_margin(true)),
    );
    Figure::from_plot(plot)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::budget::BudgetState;
    use crate::planner::frontier::budget_frontier;
    use crate::planner::scenario::fitted_planner;
    use crate::planner::scenario_store::{compare, new_scenario};

    fn json(figure: &Figure) -> serde_json::Value {
        serde_json::from_str(figure.json()).unwrap()
    }

    #[test]
    fn the_frontier_chart_draws_the_points_and_marks_the_plan() {
        let p = fitted_planner();
        let points = budget_frontier(p, &[], 10_000.0, 100_000.0, 18);
        let s = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        let v = json(&frontier_figure(
            &points,
            FrontierMarks {
                total: s.total,
                revenue: s.revenue,
                optimal_revenue: s.optimal_revenue(),
            },
        ));
        assert_eq!(v["data"].as_array().unwrap().len(), 4);
        assert_eq!(v["data"][0]["y"][6], points[6].revenue);
        assert_eq!(v["data"][1]["yaxis"], "y2");
        assert_eq!(v["data"][1]["y"][6], points[6].marginal_roas);
        assert_eq!(v["data"][2]["x"][0], 40_000.0);
        assert_eq!(v["data"][2]["y"][0], s.revenue);
        assert_eq!(v["data"][3]["y"][0], s.optimal_revenue().unwrap());
        assert_eq!(v["layout"]["yaxis2"]["overlaying"], "y");
        let none = json(&frontier_figure(
            &points,
            FrontierMarks {
                total: 1.0,
                revenue: 1.0,
                optimal_revenue: None,
            },
        ));
        assert_eq!(none["data"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn the_horizon_charts_draw_the_plan_and_the_forecast() {
        use crate::planner::horizon::{HorizonInputs, horizon_model, plan_period};
        let p = fitted_planner();
        let model = horizon_model(p).unwrap();
        let inputs = HorizonInputs::new(4, 120_000.0, 5);
        let outcome = plan_period(
            p,
            &model,
            &mut mixplan_core::optimize::horizon::HorizonOptimizer::new(),
            &inputs,
        )
        .unwrap();
        let v = json(&horizon_plan_figure(p, &outcome));
        let data = v["data"].as_array().unwrap();
        assert_eq!(data.len(), 5);
        assert_eq!(data[2]["y"][3], outcome.plan.spend(3, 2));
        assert!(data[0]["x"][0].as_str().unwrap().starts_with("W1 ("));
        assert_eq!(v["layout"]["barmode"], "stack");
        let v = json(&forecast_figure(&outcome));
        let data = v["data"].as_array().unwrap();
        assert_eq!(data[0]["y"][1], outcome.forecast.weeks[1].upper);
        assert_eq!(data[1]["y"][1], outcome.forecast.weeks[1].lower);
        assert_eq!(data[1]["fill"], "tonexty");
        assert_eq!(data[2]["y"][1], outcome.forecast.weeks[1].revenue);
        assert_eq!(data[3]["y"][1], outcome.forecast.weeks[1].media);
    }

    #[test]
    fn the_comparison_chart_has_one_bar_per_channel_and_scenario() {
        let p = fitted_planner();
        let s = p.scenario(&BudgetState::from_mix(40_000.0, p.historical_mix()));
        let list = vec![
            new_scenario(1, "A <b>".into(), p.channels(), &[1.0, 2.0, 3.0, 4.0, 5.0]),
            new_scenario(2, "B".into(), p.channels(), s.current.spend()),
        ];
        let columns = compare(p, &s, &list, None, 0.9);
        let v = json(&comparison_figure(p, &columns));
        let data = v["data"].as_array().unwrap();
        assert_eq!(data.len(), p.channels().len() + 1);
        assert_eq!(data[0]["x"][0], "A &lt;b&gt;");
        assert_eq!(data[2]["y"][0], 3.0);
        assert_eq!(data.last().unwrap()["y"][1], columns[1].revenue);
        assert_eq!(v["layout"]["barmode"], "stack");
    }
}

/// The horizon plan chart in words: the period's total, each channel's total and the week
/// that gets the most.
pub fn horizon_plan_summary(planner: &Planner, outcome: &HorizonOutcome) -> String {
    let plan = &outcome.plan;
    let weeks = plan.weeks();
    let totals: Vec<String> = planner
        .channels()
        .iter()
        .enumerate()
        .map(|(c, info)| format!("{} {}", info.name, currency(plan.channel_total(c))))
        .collect();
    let busiest = (0..weeks).max_by(|&a, &b| plan.week_total(a).total_cmp(&plan.week_total(b)));
    let peak = busiest.map_or_else(String::new, |h| {
        format!(
            " The most is spent in week {} ({}).",
            h + 1,
            currency(plan.week_total(h))
        )
    });
    format!(
        "Planned spend over {weeks} weeks: {} in all; per channel {}.{peak}",
        currency((0..weeks).map(|h| plan.week_total(h)).sum()),
        totals.join(", ")
    )
}

/// The forecast chart in words: the period's total with its interval and the weekly range.
pub fn forecast_summary(outcome: &HorizonOutcome) -> String {
    let f = &outcome.forecast;
    let (low, high) = f
        .weeks
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), w| {
            (l.min(w.revenue), h.max(w.revenue))
        });
    format!(
        "Forecast total revenue over {} weeks: {} ({:.0}% interval {} to {}); weekly between {} and {}.",
        f.weeks.len(),
        currency(f.total_revenue),
        f.level * 100.0,
        currency(f.total_lower),
        currency(f.total_upper),
        currency(low),
        currency(high)
    )
}

/// The frontier chart in words: where it starts and ends, and the current plan on it.
pub fn frontier_summary(points: &[FrontierPoint], marks: FrontierMarks) -> String {
    let ends = points
        .first()
        .zip(points.last())
        .map_or_else(String::new, |(a, b)| {
            format!(
                "Best weekly revenue under the model rises from {} at a {} budget to {} at {}. ",
                currency(a.revenue),
                currency(a.budget),
                currency(b.revenue),
                currency(b.budget)
            )
        });
    let best = marks.optimal_revenue.map_or_else(String::new, |r| {
        format!("; the best split of that total earns {}", currency(r))
    });
    format!(
        "{ends}The current plan spends {} a week and earns {}{best}.",
        currency(marks.total),
        currency(marks.revenue)
    )
}
