//! SLOT for the core's data-quality report (`mixplan_core::data::quality::assess`, on branch
//! `h-quality`, not merged when this was written). Until it is, this component derives the
//! same kind of findings itself in [`interim_findings`]. Once merged, replace the call in
//! [`DataQuality`] (the view only needs `Vec<String>`) with
//!
//! ```text
//! mixplan_core::data::quality::assess(&data).findings.into_iter().map(|f| f.message).collect()
//! ```
//!
//! and delete [`interim_findings`], its constants and its test.

use leptos::prelude::*;
use mixplan_core::data::WeeklyData;

/// A channel with no spend in more than this share of weeks is flagged.
pub const MOSTLY_ZERO_SHARE: f64 = 0.5;
/// Two channels whose weekly spend correlates above this cannot be told apart.
pub const HIGH_CORRELATION: f64 = 0.9;
/// A week whose target is more than this many robust standard deviations from the median.
pub const OUTLIER_Z: f64 = 4.0;

fn correlation(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Plain-text findings (interim, see the module docs):
/// * a channel at zero in more than [`MOSTLY_ZERO_SHARE`] of weeks;
/// * two channels with Pearson correlation `r > HIGH_CORRELATION`;
/// * target outlier weeks: `|y_w − median(y)| / (1.4826 · MAD(y)) > OUTLIER_Z`.
///
/// Missing weeks cannot occur here: the core refuses data with a gap between weeks.
pub fn interim_findings(data: &WeeklyData) -> Vec<String> {
    let mut findings = Vec::new();
    let weeks = data.len().max(1) as f64;
    for channel in data.channels() {
        let zero = channel.values.iter().filter(|v| **v == 0.0).count() as f64;
        if zero / weeks > MOSTLY_ZERO_SHARE {
            findings.push(format!(
                "\"{}\" spends nothing in {:.0} % of weeks: its effect rests on few weeks; consider leaving it out.",
                channel.name,
                100.0 * zero / weeks
            ));
        }
    }
    let channels = data.channels();
    for (i, a) in channels.iter().enumerate() {
        for b in &channels[i + 1..] {
            if let Some(r) = correlation(&a.values, &b.values).filter(|r| *r > HIGH_CORRELATION) {
                findings.push(format!(
                    "\"{}\" and \"{}\" move together (correlation {r:.2}): the model cannot tell them apart; consider merging them into one channel.",
                    a.name, b.name
                ));
            }
        }
    }
    let mut target = data.target().to_vec();
    let centre = median(&mut target);
    let mut deviations: Vec<f64> = data.target().iter().map(|y| (y - centre).abs()).collect();
    let spread = 1.4826 * median(&mut deviations);
    if spread > 0.0 {
        for (week, y) in data.weeks().iter().zip(data.target()) {
            if (y - centre).abs() / spread > OUTLIER_Z {
                findings.push(format!(
                    "The week of {week} is an outlier in \"{}\" ({y:.0} against a median of {centre:.0}): check it for a data error or an event to add as a control.",
                    data.target_name()
                ));
            }
        }
    }
    findings
}

/// The data-quality report before fitting (`data-testid="data-quality"`).
#[component]
pub fn DataQuality(
    /// The weekly data about to be fitted.
    data: WeeklyData,
) -> impl IntoView {
    let findings = interim_findings(&data);
    view! {
        <div class="data-quality" data-testid="data-quality">
            <h4>"Data quality"</h4>
            {if findings.is_empty() {
                view! { <p>"No problem found: no mostly-zero channel, no pair of channels moving together, no outlier week."</p> }.into_any()
            } else {
                view! { <ul>{findings.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul> }.into_any()
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mixplan_core::data::Series;

    fn data(a: Vec<f64>, b: Vec<f64>, target: Vec<f64>) -> WeeklyData {
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let weeks = (0..a.len() as u64)
            .map(|w| start + chrono::Days::new(7 * w))
            .collect();
        WeeklyData::new(
            weeks,
            "revenue".into(),
            target,
            vec![
                Series {
                    name: "a".into(),
                    values: a,
                },
                Series {
                    name: "b".into(),
                    values: b,
                },
            ],
            vec![],
        )
        .unwrap()
    }

    #[test]
    fn each_finding_appears_when_it_should_and_not_otherwise() {
        let n = 30;
        let a: Vec<f64> = (0..n).map(|w| (w * 37 % 11) as f64 + 1.0).collect();
        let b: Vec<f64> = (0..n).map(|w| (w * 17 % 7) as f64 + 1.0).collect();
        let y: Vec<f64> = (0..n).map(|w| 100.0 + (w % 5) as f64).collect();
        assert!(interim_findings(&data(a.clone(), b.clone(), y.clone())).is_empty());
        let twin: Vec<f64> = a.iter().map(|v| 2.0 * v + 0.1).collect();
        let found = interim_findings(&data(a.clone(), twin, y.clone()));
        assert!(
            found.len() == 1 && found[0].contains("merging"),
            "{found:?}"
        );
        let sparse: Vec<f64> = (0..n).map(|w| if w % 3 == 0 { 5.0 } else { 0.0 }).collect();
        let found = interim_findings(&data(a.clone(), sparse, y.clone()));
        assert!(
            found.len() == 1 && found[0].contains("spends nothing"),
            "{found:?}"
        );
        let mut spike = y;
        spike[7] = 1_000.0;
        let found = interim_findings(&data(a, b, spike));
        assert!(
            found.len() == 1 && found[0].contains("2024-02-19"),
            "{found:?}"
        );
    }
}
