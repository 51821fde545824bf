//! A plotly.js figure as JSON, built with the `plotly` crate.

use plotly::{Configuration, Plot};

/// A complete plotly.js figure (`{data, layout, config}`) serialised to JSON.
///
/// Holding JSON rather than a `plotly::Plot` keeps the type `Send + Sync + PartialEq`, so it
/// can live in a `Memo`, which only notifies the chart when the figure really changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure(String);

impl Figure {
    /// Serialises a plot. The app's house style is applied: responsive (the chart resizes
    /// with its container), no mode bar, no plotly logo.
    pub fn from_plot(mut plot: Plot) -> Self {
        plot.set_configuration(
            Configuration::new()
                .responsive(true)
                .display_mode_bar(plotly::configuration::DisplayModeBar::False)
                .display_logo(false),
        );
        Self(plot.to_json())
    }

    /// The figure's JSON text.
    pub fn json(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotly::Scatter;

    #[test]
    fn figure_is_plotly_json_with_house_config() {
        let mut plot = Plot::new();
        plot.add_trace(Scatter::new(vec![1.0, 2.0], vec![3.0, 4.0]));
        let figure = Figure::from_plot(plot);
        let value: serde_json::Value = serde_json::from_str(figure.json()).unwrap();
        assert_eq!(value["data"][0]["type"], "scatter");
        assert_eq!(value["data"][0]["y"][1], 4.0);
        assert_eq!(value["config"]["responsive"], true);
        assert_eq!(value["config"]["displayModeBar"], false);
    }
}
