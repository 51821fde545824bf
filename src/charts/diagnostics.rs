//! The "Model checks" figures: the residuals' autocorrelation (ACF) with its significance
//! band, and each channel's ROI refitted on rolling windows.

use plotly::common::{DashType, Line, Marker, Mode};
use plotly::layout::{Shape, ShapeLine, ShapeType};
use plotly::{Bar, Plot, Scatter};

use super::figure::Figure;
use super::figures::{CURRENT, LOSS, base_layout, channel_color, titled_axis};
use super::label::escape;
use crate::planner::scenario::Planner;
use mixplan_core::diagnose::Diagnosis;

/// Bars of `r_k` for lags `1…L`, red where `|r_k|` exceeds the band `±1.96/√n` drawn as two
/// dashed lines.
pub fn acf_figure(diagnosis: &Diagnosis) -> Figure {
    let lags: Vec<usize> = (1..=diagnosis.acf.len()).collect();
    let bound = diagnosis.acf_bound;
    let colors: Vec<&str> = diagnosis
        .acf
        .iter()
        .map(|r| if r.abs() > bound { LOSS } else { CURRENT })
        .collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Bar::new(lags, diagnosis.acf.clone())
            .name("autocorrelation")
            .marker(Marker::new().color_array(colors))
            .hover_template("lag %{x}: %{y:.2f}<extra></extra>"),
    );
    let band = |y: f64| {
        Shape::new()
            .shape_type(ShapeType::Line)
            .x_ref("paper")
            .x0(0)
            .x1(1)
            .y0(y)
            .y1(y)
            .line(ShapeLine::new().color(LOSS).dash(DashType::Dash).width(1.0))
    };
    plot.set_layout(
        base_layout()
            .show_legend(false)
            .x_axis(titled_axis("lag (weeks)"))
            .y_axis(titled_axis("autocorrelation of residuals"))
            .shapes(vec![band(bound), band(-bound)]),
    );
    Figure::from_plot(plot)
}

/// One line per channel: its ROI on each rolling window (x: the window's first and last
/// month), or an empty figure when the data were too short for windows.
pub fn stability_figure(planner: &Planner, diagnosis: &Diagnosis) -> Figure {
    let mut plot = Plot::new();
    if let Some(stability) = &diagnosis.stability {
        let windows: Vec<String> = stability
            .periods
            .iter()
            .map(|(start, end)| format!("{} – {}", start.format("%b %Y"), end.format("%b %Y")))
            .collect();
        for (c, channel) in stability.channels.iter().enumerate() {
            let name = planner
                .channels()
                .get(c)
                .map_or(channel.name.as_str(), |info| info.name.as_str());
            let roi: Vec<Option<f64>> = channel.roi.clone();
            plot.add_trace(
                Scatter::new(windows.clone(), roi)
                    .mode(Mode::LinesMarkers)
                    .name(escape(name))
                    .line(Line::new().color(channel_color(c)).width(2.0))
                    .hover_template("%{x}<br>%{fullData.name}: ROI %{y:.2f}<extra></extra>"),
            );
        }
    }
    plot.set_layout(
        base_layout()
            .x_axis(titled_axis("window of weeks fitted"))
            .y_axis(titled_axis("ROI (revenue per $ spent)")),
    );
    Figure::from_plot(plot)
}

/// The ACF chart in words: how many lags fall outside the band, and the largest one.
pub fn acf_summary(diagnosis: &Diagnosis) -> String {
    let bound = diagnosis.acf_bound;
    let beyond = diagnosis.acf.iter().filter(|r| r.abs() > bound).count();
    let largest = diagnosis
        .acf
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
    match largest {
        Some((lag, r)) => format!(
            "Autocorrelation of the residuals at lags 1 to {}: {beyond} of them beyond the 5 % band of ±{bound:.2}; the largest is {r:.2} at lag {}.",
            diagnosis.acf.len(),
            lag + 1
        ),
        None => "No autocorrelation was computed.".into(),
    }
}

/// The stability chart in words: each channel's ROI range over the windows.
pub fn stability_summary(planner: &Planner, diagnosis: &Diagnosis) -> String {
    let Some(stability) = &diagnosis.stability else {
        return "The data are too short for rolling windows.".into();
    };
    let ranges: Vec<String> = stability
        .channels
        .iter()
        .enumerate()
        .map(|(c, channel)| {
            let name = planner
                .channels()
                .get(c)
                .map_or(channel.name.as_str(), |info| info.name.as_str());
            format!("{name} {:.2} to {:.2}", channel.range.0, channel.range.1)
        })
        .collect();
    format!(
        "ROI per channel refitted on {} windows of {} weeks: {}.",
        stability.periods.len(),
        stability.windows.length,
        ranges.join("; ")
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::fitted_planner;
    use mixplan_core::diagnose::{DiagnosisParams, diagnose};
    use mixplan_core::model::ModelParams;

    fn json(figure: &Figure) -> serde_json::Value {
        serde_json::from_str(figure.json()).unwrap()
    }

    fn diagnosis() -> Diagnosis {
        let p = fitted_planner();
        diagnose(
            p.data(),
            p.model().linear_model(),
            &ModelParams::new(),
            &DiagnosisParams::default(),
        )
        .unwrap()
    }

    #[test]
    fn the_acf_chart_has_one_bar_per_lag_and_the_band() {
        let d = diagnosis();
        let v = json(&acf_figure(&d));
        assert_eq!(v["data"][0]["y"].as_array().unwrap().len(), d.acf.len());
        let shapes = v["layout"]["shapes"].as_array().unwrap();
        assert_eq!(shapes.len(), 2);
        assert_eq!(shapes[0]["y0"].as_f64(), Some(d.acf_bound));
        assert_eq!(shapes[1]["y0"].as_f64(), Some(-d.acf_bound));
    }

    #[test]
    fn the_summaries_give_the_numbers_in_words() {
        let p = fitted_planner();
        let d = diagnosis();
        assert!(acf_summary(&d).starts_with("Autocorrelation of the residuals at lags 1 to 10: "));
        let text = stability_summary(p, &d);
        for info in p.channels() {
            assert!(text.contains(&info.name), "{text}");
        }
    }

    #[test]
    fn the_stability_chart_has_one_line_per_channel_over_the_windows() {
        let p = fitted_planner();
        let d = diagnosis();
        let v = json(&stability_figure(p, &d));
        let data = v["data"].as_array().unwrap();
        assert_eq!(data.len(), p.channels().len());
        let windows = d.stability.as_ref().unwrap().periods.len();
        for (trace, info) in data.iter().zip(p.channels()) {
            assert_eq!(trace["x"].as_array().unwrap().len(), windows);
            assert_eq!(trace["name"].as_str(), Some(escape(&info.name).as_str()));
        }
    }
}
