//! The Performance tab's figures: the KPI trends (trailing means) and the daily series behind
//! an alert with its usual level.

use plotly::common::{DashType, Line, Mode};
use plotly::{Plot, Scatter};

use super::figure::Figure;
use super::figures::{CURRENT, LOSS, OPTIMAL, base_layout, titled_axis};
use mixplan_core::performance::{Kpi, MetricSeries, TrendSeries};

/// Dates as ISO strings (Plotly reads them as a date axis).
fn iso(dates: &[chrono::NaiveDate]) -> Vec<String> {
    dates.iter().map(|d| d.to_string()).collect()
}

/// One line per trend of `kpi` (the short window solid, the long one dashed).
pub fn trend_figure(trends: &[TrendSeries], kpi: Kpi) -> Figure {
    let mut plot = Plot::new();
    for (i, series) in trends.iter().filter(|t| t.kpi == kpi).enumerate() {
        let unit = series.unit.trim_end_matches('s');
        let dash = if i == 0 {
            DashType::Solid
        } else {
            DashType::Dash
        };
        plot.add_trace(
            Scatter::new(iso(&series.dates), series.values.clone())
                .mode(Mode::Lines)
                .name(format!("{}-{unit} mean", series.window))
                .line(Line::new().color(OPTIMAL).dash(dash)),
        );
    }
    plot.set_layout(base_layout().y_axis(titled_axis(kpi.label())));
    Figure::from_plot(plot)
}

/// The metric's daily values, its usual level (dashed) and the alert dates marked in red.
pub fn alert_figure(series: &MetricSeries, alert_dates: &[chrono::NaiveDate]) -> Figure {
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(iso(&series.dates), series.values.clone())
            .mode(Mode::Lines)
            .name(series.metric.label())
            .line(Line::new().color(OPTIMAL)),
    );
    plot.add_trace(
        Scatter::new(iso(&series.dates), series.usual.clone())
            .mode(Mode::Lines)
            .name("usual level")
            .line(Line::new().color(CURRENT).dash(DashType::Dash)),
    );
    let marked: Vec<(String, Option<f64>)> = series
        .dates
        .iter()
        .zip(&series.values)
        .filter(|(d, _)| alert_dates.contains(d))
        .map(|(d, v)| (d.to_string(), *v))
        .collect();
    let (x, y): (Vec<String>, Vec<Option<f64>>) = marked.into_iter().unzip();
    plot.add_trace(
        Scatter::new(x, y)
            .mode(Mode::Markers)
            .name("alert")
            .marker(plotly::common::Marker::new().color(LOSS).size(10)),
    );
    plot.set_layout(base_layout().y_axis(titled_axis(&format!(
        "{} {}",
        series.channel,
        series.metric.label()
    ))));
    Figure::from_plot(plot)
}
