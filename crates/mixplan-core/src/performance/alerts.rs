//! Alerts: days (or weeks) when a channel's CPM, CPC, CTR, CPA, spend or platform ROAS left its
//! usual level, found by a robust z-score on the residual of a weekly-seasonal baseline.
//!
//! For one channel and metric with daily values `x_t` (the ratio of that day's sums):
//!
//! ```text
//! baseline  b_t = median{ x_{t+k·p} : k = ±1 … ±K, defined }   (p = 7 for daily data, 1 for weekly;
//!                                                                K = 4: the same weekday in the
//!                                                                4 weeks before and after)
//! residual  r_t = ln(x_t / b_t)                                   (multiplicative: "2.4× its usual level")
//! scale     s   = 1.4826 · median_t |r_t − median(r)|             (MAD, ≈ σ for normal residuals)
//! z_t           = (r_t − median(r)) / s                           flagged when |z_t| ≥ threshold (4.5)
//! ```
//!
//! The median of the neighbours ignores the day itself and is not moved by one spike; the
//! MAD scale is not inflated by the spikes it should find. A value enters only when it and its
//! baseline are > 0 and its count is large enough to be a rate (≥ `min_count` clicks for CTR,
//! conversions for CPA, impressions for CPM; spend > 0 for spend and ROAS): a CPA over 2
//! conversions is noise, not news. A series needs at least `MIN_RESIDUALS` residuals and a
//! scale > 0.
//!
//! Flagged rows of one channel and metric that follow each other (consecutive days, or
//! weeks) with the same sign of `z` make **one alert**: a paused campaign is one event, not
//! seven. It is dated on its most unusual row (largest |z|), whose value, baseline and z it
//! reports, and says its span: "Social spend from 13 March 2023 to 19 March 2023 (7 days) was
//! down to 0.04× its usual level (96 % below) on 16 March 2023". Alerts are ranked by |z|,
//! largest first.
//!
//! On white noise the residual is close to normal with `σ_r² ≈ σ²(1 + π/(4K))`, so a
//! threshold of 4.5 flags about 7 in a million values.

use super::{Granularity, PerformanceData, PerformanceError, Period};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Minimum number of residuals in a series before it is scored.
pub const MIN_RESIDUALS: usize = 20;

/// A channel metric the alerts watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertMetric {
    /// Spend per thousand impressions.
    Cpm,
    /// Spend per click (how search is bought).
    Cpc,
    /// Clicks per impression.
    Ctr,
    /// Spend per conversion.
    Cpa,
    /// Spend.
    Spend,
    /// Platform revenue per unit of spend.
    PlatformRoas,
}

impl AlertMetric {
    /// Every metric watched.
    pub const ALL: [AlertMetric; 6] = [
        AlertMetric::Cpm,
        AlertMetric::Cpc,
        AlertMetric::Ctr,
        AlertMetric::Cpa,
        AlertMetric::Spend,
        AlertMetric::PlatformRoas,
    ];

    /// The machine name (`cpm`, `platform_roas`, …).
    pub fn name(self) -> &'static str {
        match self {
            AlertMetric::Cpm => "cpm",
            AlertMetric::Cpc => "cpc",
            AlertMetric::Ctr => "ctr",
            AlertMetric::Cpa => "cpa",
            AlertMetric::Spend => "spend",
            AlertMetric::PlatformRoas => "platform_roas",
        }
    }

    /// The label in a sentence ("CPM", "spend", …).
    pub fn label(self) -> &'static str {
        match self {
            AlertMetric::Cpm => "CPM",
            AlertMetric::Cpc => "CPC",
            AlertMetric::Ctr => "CTR",
            AlertMetric::Cpa => "CPA",
            AlertMetric::Spend => "spend",
            AlertMetric::PlatformRoas => "platform ROAS",
        }
    }

    /// The metric of channel `c` at row `t`, `None` when it is undefined, 0 or rests on fewer
    /// than `min_count` events.
    fn value(self, data: &PerformanceData, c: usize, t: usize, min_count: f64) -> Option<f64> {
        let channel = &data.channels()[c];
        let spend = channel.spend[t];
        let value = match self {
            AlertMetric::Cpm => {
                let impressions = channel.impressions[t];
                (impressions >= min_count).then(|| spend / impressions * 1000.0)?
            }
            AlertMetric::Cpc => {
                let clicks = channel.clicks[t];
                (clicks >= min_count).then(|| spend / clicks)?
            }
            AlertMetric::Ctr => {
                let clicks = channel.clicks[t];
                (clicks >= min_count).then(|| clicks / channel.impressions[t])?
            }
            AlertMetric::Cpa => {
                let conversions = channel.conversions[t];
                (conversions >= min_count).then(|| spend / conversions)?
            }
            AlertMetric::Spend => spend,
            AlertMetric::PlatformRoas => {
                (spend > 0.0).then(|| channel.platform_revenue[t] / spend)?
            }
        };
        (value.is_finite() && value > 0.0).then_some(value)
    }

    /// The metric's whole series for channel `c`.
    pub fn series(self, data: &PerformanceData, c: usize, min_count: f64) -> Vec<Option<f64>> {
        (0..data.dates().len())
            .map(|t| self.value(data, c, t, min_count))
            .collect()
    }
}

/// Settings of the alerts.
///
/// | name | default | purpose | range |
/// |---|---|---|---|
/// | `threshold` | 4.5 | flag when the robust |z| reaches this | > 0 |
/// | `neighbours` | 4 | K: weeks (daily data: same weekday) on each side in the baseline | 1–26 |
/// | `min_count` | 10 | fewest clicks / conversions / impressions for a rate to count | ≥ 0 |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AlertParams {
    /// |z| at or above which a value is flagged.
    pub threshold: f64,
    /// Neighbours on each side in the baseline.
    pub neighbours: usize,
    /// Fewest events behind a rate.
    pub min_count: f64,
}

impl Default for AlertParams {
    fn default() -> Self {
        Self {
            threshold: 4.5,
            neighbours: 4,
            min_count: 10.0,
        }
    }
}

/// [`AlertParams`] that passed [`AlertParams::check`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidAlertParams(AlertParams);

impl AlertParams {
    /// Checks the ranges in the table above.
    pub fn check(self) -> Result<ValidAlertParams, PerformanceError> {
        if !(self.threshold.is_finite() && self.threshold > 0.0) {
            return Err(PerformanceError::Setting(format!(
                "alert threshold {} must be a positive number, e.g. 4.5",
                self.threshold
            )));
        }
        if !(1..=26).contains(&self.neighbours) {
            return Err(PerformanceError::Setting(format!(
                "{} baseline neighbours: give 1 to 26 weeks on each side, e.g. 4",
                self.neighbours
            )));
        }
        if !(self.min_count.is_finite() && self.min_count >= 0.0) {
            return Err(PerformanceError::Setting(format!(
                "minimum count {} must be 0 or more, e.g. 10",
                self.min_count
            )));
        }
        Ok(ValidAlertParams(self))
    }
}

/// One flagged value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The channel's id.
    pub channel_id: String,
    /// Its display name.
    pub channel: String,
    /// The metric.
    pub metric: AlertMetric,
    /// The date of the value: the most unusual row of the run.
    pub date: NaiveDate,
    /// First row of the run of consecutive flagged rows (same sign of z).
    pub from: NaiveDate,
    /// Last row of the run (`from` = `to` = `date` for a single day).
    pub to: NaiveDate,
    /// Rows in the run.
    pub rows: usize,
    /// The value.
    pub value: f64,
    /// The baseline `b_t` (its usual level).
    pub usual: f64,
    /// `value / usual`.
    pub factor: f64,
    /// The robust z-score.
    pub z: f64,
    /// The alert in plain language.
    pub message: String,
    /// The id of the metric's chart, `perf-chart-<channel_id>-<metric>`, to link to.
    pub chart: String,
}

/// The chart id an alert links to.
pub fn chart_id(channel_id: &str, metric: AlertMetric) -> String {
    format!("perf-chart-{channel_id}-{}", metric.name())
}

/// The median of `values` (sorted in place); `None` when empty.
fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The weekly-seasonal baseline `b_t` of a series (module docs); `None` where fewer than
/// `neighbours` neighbours are defined.
pub fn seasonal_baseline(
    series: &[Option<f64>],
    granularity: Granularity,
    neighbours: usize,
) -> Vec<Option<f64>> {
    let period = match granularity {
        Granularity::Daily => 7,
        Granularity::Weekly => 1,
    };
    (0..series.len())
        .map(|t| {
            let mut around: Vec<f64> = (1..=neighbours)
                .flat_map(|k| [t.checked_sub(k * period), Some(t + k * period)])
                .filter_map(|i| series.get(i?).copied().flatten())
                .collect();
            if around.len() < neighbours {
                return None;
            }
            median(&mut around).filter(|b| *b > 0.0)
        })
        .collect()
}

/// The robust z-scores of a series against its baseline (module docs): `(row, value,
/// baseline, z)` for every row with both; empty when the series is too short or flat.
pub fn robust_scores(
    series: &[Option<f64>],
    granularity: Granularity,
    neighbours: usize,
) -> Vec<(usize, f64, f64, f64)> {
    let baseline = seasonal_baseline(series, granularity, neighbours);
    let residuals: Vec<(usize, f64, f64, f64)> = series
        .iter()
        .zip(&baseline)
        .enumerate()
        .filter_map(|(t, (x, b))| {
            let (x, b) = (x.as_ref()?, b.as_ref()?);
            Some((t, *x, *b, (x / b).ln()))
        })
        .collect();
    if residuals.len() < MIN_RESIDUALS {
        return Vec::new();
    }
    let mut r: Vec<f64> = residuals.iter().map(|p| p.3).collect();
    let Some(centre) = median(&mut r) else {
        return Vec::new();
    };
    let mut deviations: Vec<f64> = r.iter().map(|v| (v - centre).abs()).collect();
    let scale = median(&mut deviations).map_or(0.0, |mad| 1.4826 * mad);
    if scale <= 0.0 {
        return Vec::new();
    }
    residuals
        .into_iter()
        .map(|(t, x, b, r)| (t, x, b, (r - centre) / scale))
        .collect()
}

/// Every alert in `period`, over all channels and [`AlertMetric::ALL`], consecutive flagged
/// rows of the same sign grouped into one (module docs), ranked by |z| (largest first).
/// Baselines use the whole data, so a day near the period's edge is judged against the weeks
/// on both sides; a run is cut at the period's edges.
pub fn alerts(data: &PerformanceData, period: &Period, params: &ValidAlertParams) -> Vec<Alert> {
    let params = params.0;
    let mut found = Vec::new();
    for (c, channel) in data.channels().iter().enumerate() {
        for metric in AlertMetric::ALL {
            let series = metric.series(data, c, params.min_count);
            let flagged: Vec<(usize, f64, f64, f64)> =
                robust_scores(&series, data.granularity(), params.neighbours)
                    .into_iter()
                    .filter(|&(t, _, _, z)| z.abs() >= params.threshold && period.rows.contains(&t))
                    .collect();
            for run in flagged.chunk_by(|a, b| b.0 == a.0 + 1 && (a.3 > 0.0) == (b.3 > 0.0)) {
                let Some(&(t, value, usual, z)) =
                    run.iter().max_by(|a, b| a.3.abs().total_cmp(&b.3.abs()))
                else {
                    continue;
                };
                let (first, last) = (run[0].0, run[run.len() - 1].0);
                let span = Span {
                    date: data.dates()[t],
                    from: data.dates()[first],
                    to: data.dates()[last],
                    rows: run.len(),
                };
                let factor = value / usual;
                found.push(Alert {
                    channel_id: channel.id.clone(),
                    channel: channel.name.clone(),
                    metric,
                    date: span.date,
                    from: span.from,
                    to: span.to,
                    rows: span.rows,
                    value,
                    usual,
                    factor,
                    z,
                    message: message(&channel.name, metric, &span, factor, data.granularity()),
                    chart: chart_id(&channel.id, metric),
                });
            }
        }
    }
    found.sort_by(|a, b| b.z.abs().total_cmp(&a.z.abs()));
    found
}

/// When an alert happened: its most unusual row and its run.
struct Span {
    date: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    rows: usize,
}

/// "Display CPM on 12 May 2024 was 2.4× its usual level"; for a run "Social spend from
/// 13 March 2023 to 19 March 2023 (7 days) was down to 0.04× its usual level (96 % below) on
/// 16 March 2023".
fn message(
    channel: &str,
    metric: AlertMetric,
    span: &Span,
    factor: f64,
    granularity: Granularity,
) -> String {
    let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    let level = if factor >= 1.0 {
        format!("{factor:.1}× its usual level")
    } else {
        format!(
            "{factor:.2}× its usual level ({:.0} % below)",
            (1.0 - factor) * 100.0
        )
    };
    let what = format!("{channel} {}", metric.label());
    if span.rows <= 1 {
        let when = match granularity {
            Granularity::Daily => format!("on {}", day(span.date)),
            Granularity::Weekly => format!("in the week of {}", day(span.date)),
        };
        return format!("{what} {when} was {level}");
    }
    let (unit, at) = match granularity {
        Granularity::Daily => ("days", format!("on {}", day(span.date))),
        Granularity::Weekly => ("weeks", format!("in the week of {}", day(span.date))),
    };
    let direction = if factor >= 1.0 { "up to" } else { "down to" };
    format!(
        "{what} from {} to {} ({} {unit}) was {direction} {level} {at}",
        day(span.from),
        day(span.to),
        span.rows
    )
}

/// One channel metric's values and baseline over a period: what an alert's chart draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSeries {
    /// The channel's id.
    pub channel_id: String,
    /// Its display name.
    pub channel: String,
    /// The metric.
    pub metric: AlertMetric,
    /// The chart's id, as in [`Alert::chart`].
    pub chart: String,
    /// The dates of the period.
    pub dates: Vec<NaiveDate>,
    /// The metric on each date (`None` where undefined or too few events).
    pub values: Vec<Option<f64>>,
    /// Its baseline (usual level) on each date.
    pub usual: Vec<Option<f64>>,
}

/// The series behind each distinct (channel, metric) of `found`, over `period`, in the order
/// of their first alert.
pub fn alert_series(
    data: &PerformanceData,
    period: &Period,
    found: &[Alert],
    params: &ValidAlertParams,
) -> Vec<MetricSeries> {
    let params = params.0;
    let mut out: Vec<MetricSeries> = Vec::new();
    for alert in found {
        if out.iter().any(|s| s.chart == alert.chart) {
            continue;
        }
        let Some(c) = data
            .channels()
            .iter()
            .position(|ch| ch.id == alert.channel_id)
        else {
            continue;
        };
        let series = alert.metric.series(data, c, params.min_count);
        let usual = seasonal_baseline(&series, data.granularity(), params.neighbours);
        out.push(MetricSeries {
            channel_id: alert.channel_id.clone(),
            channel: alert.channel.clone(),
            metric: alert.metric,
            chart: alert.chart.clone(),
            dates: data.dates()[period.rows.clone()].to_vec(),
            values: series[period.rows.clone()].to_vec(),
            usual: usual[period.rows.clone()].to_vec(),
        });
    }
    out
}
