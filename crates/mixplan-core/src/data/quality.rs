//! A data-quality report before fitting (issue #10, item 4): what in a weekly matrix will
//! make the model unreliable, each finding with a severity and a sentence that says what
//! to do.
//!
//! ```
//! use mixplan_core::data::quality::{assess, FindingKind};
//! use mixplan_core::data::{Series, WeeklyData};
//!
//! let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
//! let weeks: Vec<_> = (0..52).map(|w| start + chrono::Days::new(7 * w)).collect();
//! let tv: Vec<f64> = (0..52).map(|w| 1000.0 + 100.0 * (w % 7) as f64).collect();
//! let radio: Vec<f64> = tv.iter().map(|x| 0.3 * x).collect(); // always 30 % of TV
//! let revenue: Vec<f64> = (0..52).map(|w| 50_000.0 + 10.0 * (w % 5) as f64).collect();
//! let series = |name: &str, values: &[f64]| Series { name: name.into(), values: values.to_vec() };
//! let data = WeeklyData::new(weeks, "revenue".into(), revenue,
//!     vec![series("tv", &tv), series("radio", &radio)], vec![])?;
//! let report = assess(&data);
//! assert!(matches!(&report.findings[0].kind,
//!     FindingKind::CorrelatedChannels { first, second, .. } if first == "tv" && second == "radio"));
//! assert!(report.findings[0].message.contains("consider merging them"));
//! # Ok::<(), mixplan_core::data::DataError>(())
//! ```
//!
//! # The checks
//!
//! | finding | when (defaults of [`QualityParams`]) | severity |
//! |---|---|---|
//! | [`FindingKind::EmptyWeeks`] | weeks whose target is 0: a gap filled with zeros, or a closure | problem |
//! | [`FindingKind::IncompleteWeeks`] | weeks aggregated from fewer than 7 days of daily data ([`assess_build`] only) | warning |
//! | [`FindingKind::MostlyZeroChannel`] | a channel with no spend in more than half the weeks (`zero_share` = 0.5) | warning; problem when it never spends |
//! | [`FindingKind::CorrelatedChannels`] | two channels whose weekly spends correlate above 0.9 (`correlation`) | problem |
//! | [`FindingKind::OutlierWeeks`] | target weeks with a robust z-score above 3.5 (`outlier_z`) | warning; info when an event-like control (a holiday or promotion flag) marks every one |
//!
//! Gaps in the weekly dates never reach a [`WeeklyData`]: the loader refuses them with
//! [`DataError::MissingWeeks`](super::DataError::MissingWeeks), which says how many weeks
//! are missing and where. What can remain is a week that is present but empty, which is
//! what [`FindingKind::EmptyWeeks`] reports.
//!
//! # Formulas
//!
//! Correlation of channels `a` and `b` (Pearson), over the `n` weeks:
//!
//! ```text
//! r_ab = Σ_w (a_w − ā)(b_w − b̄) / √(Σ_w (a_w − ā)² · Σ_w (b_w − b̄)²)
//! ```
//!
//! A channel that never changes has no correlation with anything (it is reported as
//! mostly zero when it is zero, and the model drops nothing for it otherwise).
//!
//! Outlier weeks of the target `y`: the baseline `b_w` of week `w` is a robust line through
//! its `2h` nearest weeks (`h` = 4; `N_w` = the weeks `w − h … w + h` without `w`, shifted
//! inwards at the ends), evaluated at `w`: Siegel's repeated-median slope, then the median
//! level. It follows trend and seasonality, `y_w` itself takes no part in it, and a spike
//! of up to three weeks moves it for no week (the repeated median ignores up to half its
//! points). The residuals are scored against their median and their median absolute
//! deviation (the modified z-score of Iglewicz and Hoaglin):
//!
//! ```text
//! m_w = median_{i ∈ N_w} median_{j ∈ N_w, j ≠ i} (y_j − y_i) / (j − i)   (robust local slope)
//! b_w = median_{i ∈ N_w} (y_i − m_w · (i − w))                           r_w = y_w − b_w
//! z_w = 0.6745 · (r_w − median(r)) / MAD(r),   MAD(r) = median_w |r_w − median(r)|
//! ```
//!
//! Week `w` is an outlier when `|z_w| > outlier_z` and `y_w ≠ 0` (an empty week is
//! reported as such). When `MAD(r) = 0` (more than half the
//! residuals equal), `1.2533 · mean |r_w − median(r)|` replaces `MAD(r) / 0.6745`, and when
//! that is 0 too no week is an outlier.

use super::aggregate::{PartialWeek, WeeklyBuild};
use super::weekly::WeeklyData;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Half-width `h` of the window of the local baseline the outlier score is measured against, in weeks.
pub const OUTLIER_BASELINE_HALF_WIDTH: usize = 4;

/// Consistency constant of the MAD for normal data: `Φ⁻¹(0.75) ≈ 0.6745`.
const MAD_TO_Z: f64 = 0.6745;

/// Consistency constant of the mean absolute deviation for normal data: `√(π/2)`.
const MEAN_ABS_TO_SIGMA: f64 = 1.2533;

/// A quality parameter outside its range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum QualityError {
    /// `zero_share` outside `[0, 1)`.
    #[error(
        "zero share {0} is outside [0, 1): give the share of zero weeks above which a channel is reported, e.g. 0.5"
    )]
    ZeroShare(f64),
    /// `correlation` outside `(0, 1)`.
    #[error(
        "correlation threshold {0} is outside (0, 1): give the correlation above which two channels are reported, e.g. 0.9"
    )]
    Correlation(f64),
    /// `outlier_z` not finite and positive.
    #[error(
        "outlier threshold {0} is not a positive number: give the robust z-score above which a week is reported, e.g. 3.5"
    )]
    OutlierZ(f64),
}

/// Unchecked thresholds of the report; a builder. Call [`QualityParams::check`].
///
/// | parameter | default | purpose | range |
/// |---|---|---|---|
/// | `zero_share` | 0.5 | a channel with zero spend in more than this share of weeks is reported | `[0, 1)` |
/// | `correlation` | 0.9 | two channels whose spends correlate above this are reported | `(0, 1)` |
/// | `outlier_z` | 3.5 | a target week whose robust z-score exceeds this is reported | `> 0` |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QualityParams {
    zero_share: f64,
    correlation: f64,
    outlier_z: f64,
}

impl Default for QualityParams {
    fn default() -> Self {
        Self {
            zero_share: 0.5,
            correlation: 0.9,
            outlier_z: 3.5,
        }
    }
}

impl QualityParams {
    /// Share of zero-spend weeks above which a channel is reported.
    pub fn zero_share(mut self, share: f64) -> Self {
        self.zero_share = share;
        self
    }

    /// Correlation above which two channels are reported.
    pub fn correlation(mut self, threshold: f64) -> Self {
        self.correlation = threshold;
        self
    }

    /// Robust z-score above which a target week is an outlier.
    pub fn outlier_z(mut self, threshold: f64) -> Self {
        self.outlier_z = threshold;
        self
    }

    /// Validates the thresholds.
    ///
    /// # Errors
    /// The first threshold outside its range (see the table on [`QualityParams`]).
    pub fn check(self) -> Result<ValidQualityParams, QualityError> {
        if !(0.0..1.0).contains(&self.zero_share) {
            return Err(QualityError::ZeroShare(self.zero_share));
        }
        if !(self.correlation > 0.0 && self.correlation < 1.0) {
            return Err(QualityError::Correlation(self.correlation));
        }
        if !(self.outlier_z.is_finite() && self.outlier_z > 0.0) {
            return Err(QualityError::OutlierZ(self.outlier_z));
        }
        Ok(ValidQualityParams(self))
    }
}

/// Thresholds checked by [`QualityParams::check`]; the default ones by `default()`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ValidQualityParams(QualityParams);

/// How much a finding matters, least first (so `max` is the worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing to do unless it is a surprise.
    Info,
    /// Worth checking; the fit can go ahead.
    Warning,
    /// The model's answer about the columns named will be unreliable until it is fixed.
    Problem,
}

impl std::fmt::Display for Severity {
    /// `info`, `warning` or `problem`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Problem => "problem",
        })
    }
}

/// A target week far from its neighbours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlierWeek {
    /// The week's first day.
    pub week: NaiveDate,
    /// The target that week.
    pub value: f64,
    /// The local baseline `b_w` it is compared with.
    pub baseline: f64,
    /// Its robust z-score `z_w` (signed: above or below the baseline).
    pub z: f64,
    /// The event-like controls that mark this week (see [`FindingKind::OutlierWeeks`]).
    pub marked_by: Vec<String>,
}

/// What a finding is about, with the facts behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingKind {
    /// Weeks whose target is 0.
    EmptyWeeks {
        /// Their first days.
        weeks: Vec<NaiveDate>,
    },
    /// Weeks aggregated from fewer than 7 days of daily data.
    IncompleteWeeks {
        /// The weeks and their days of data.
        weeks: Vec<PartialWeek>,
    },
    /// A channel with zero spend in most weeks.
    MostlyZeroChannel {
        /// The channel.
        channel: String,
        /// Weeks with zero spend.
        zero_weeks: usize,
        /// All weeks.
        weeks: usize,
    },
    /// Two channels whose spends move together.
    CorrelatedChannels {
        /// The first in column order.
        first: String,
        /// The second.
        second: String,
        /// Their correlation `r_ab`.
        correlation: f64,
    },
    /// Target weeks far from their local baseline. A week is *marked* by an event-like
    /// control (one equal to its median in at least 3 weeks of 4: a holiday or promotion
    /// flag) whose value that week differs from its median: the model accounts for it.
    OutlierWeeks {
        /// The target's name.
        target: String,
        /// The weeks, in date order.
        weeks: Vec<OutlierWeek>,
    },
}

/// One thing found, with what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// What it is about.
    #[serde(flatten)]
    pub kind: FindingKind,
    /// A sentence for the user: what was found and what to do.
    pub message: String,
}

/// Everything [`assess`] found, worst first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    /// Weeks assessed.
    pub weeks: usize,
    /// Channels assessed.
    pub channels: usize,
    /// The findings: problems before warnings, each group in the order of the table in
    /// [the module docs](self). Empty when nothing was found.
    pub findings: Vec<Finding>,
}

impl QualityReport {
    /// The worst severity found, `None` when the data looks fine.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// The report on `data` with the default thresholds.
pub fn assess(data: &WeeklyData) -> QualityReport {
    ValidQualityParams::default().assess(data)
}

/// The report on a weekly matrix built from a user's file, including the weeks that had
/// fewer than 7 days of daily data.
pub fn assess_build(build: &WeeklyBuild) -> QualityReport {
    ValidQualityParams::default().assess_build(build)
}

impl ValidQualityParams {
    /// The report on `data`.
    pub fn assess(&self, data: &WeeklyData) -> QualityReport {
        self.report(data, &[])
    }

    /// The report on a built weekly matrix, with its incomplete weeks.
    pub fn assess_build(&self, build: &WeeklyBuild) -> QualityReport {
        self.report(&build.data, &build.report.incomplete_weeks)
    }

    fn report(&self, data: &WeeklyData, incomplete: &[PartialWeek]) -> QualityReport {
        let mut findings = Vec::new();
        findings.extend(empty_weeks(data));
        if !incomplete.is_empty() {
            findings.push(incomplete_weeks(incomplete));
        }
        findings.extend(mostly_zero_channels(data, self.0.zero_share));
        findings.extend(correlated_channels(data, self.0.correlation));
        findings.extend(outlier_weeks(data, self.0.outlier_z));
        // Stable: keeps the table's order within a severity.
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        QualityReport {
            weeks: data.len(),
            channels: data.channels().len(),
            findings,
        }
    }
}

/// At most this many dates are written out in a message.
const DATES_IN_MESSAGE: usize = 5;

/// `2024-01-01, 2024-01-08 and 3 more`.
fn date_list(dates: impl ExactSizeIterator<Item = NaiveDate>) -> String {
    let total = dates.len();
    let shown: Vec<String> = dates
        .take(DATES_IN_MESSAGE)
        .map(|d| d.to_string())
        .collect();
    let mut text = shown.join(", ");
    if total > DATES_IN_MESSAGE {
        text += &format!(" and {} more", total - DATES_IN_MESSAGE);
    }
    text
}

fn empty_weeks(data: &WeeklyData) -> Option<Finding> {
    let weeks: Vec<NaiveDate> = data
        .weeks()
        .iter()
        .zip(data.target())
        .filter(|(_, y)| **y == 0.0)
        .map(|(w, _)| *w)
        .collect();
    if weeks.is_empty() {
        return None;
    }
    let message = format!(
        "{} week(s) have a {} of 0 ({}): if these weeks are missing from your records, fill \
         them in with the real values; if the business was closed, add a 0/1 control column \
         that marks them, so the model does not blame the channels",
        weeks.len(),
        data.target_name(),
        date_list(weeks.iter().copied()),
    );
    Some(Finding {
        severity: Severity::Problem,
        kind: FindingKind::EmptyWeeks { weeks },
        message,
    })
}

fn incomplete_weeks(weeks: &[PartialWeek]) -> Finding {
    let message = format!(
        "{} week(s) have fewer than 7 days of data ({}), so their sums are too low: add the \
         missing days to the file, or cut the data before the gap",
        weeks.len(),
        date_list(weeks.iter().map(|w| w.week)),
    );
    Finding {
        severity: Severity::Warning,
        kind: FindingKind::IncompleteWeeks {
            weeks: weeks.to_vec(),
        },
        message,
    }
}

fn mostly_zero_channels(data: &WeeklyData, zero_share: f64) -> Vec<Finding> {
    let weeks = data.len();
    data.channels()
        .iter()
        .filter_map(|channel| {
            let zero_weeks = channel.values.iter().filter(|v| **v == 0.0).count();
            if weeks == 0 || (zero_weeks as f64) <= zero_share * weeks as f64 {
                return None;
            }
            let name = &channel.name;
            let (severity, message) = if zero_weeks == weeks {
                (
                    Severity::Problem,
                    format!(
                        "`{name}` has no spend in any week: the model cannot learn anything \
                         about it; set its role to ignore, or check that the right column is \
                         mapped"
                    ),
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "`{name}` has no spend in {zero_weeks} of {weeks} weeks ({:.0} %): its \
                         effect rests on the few weeks it ran, so expect wide uncertainty; \
                         check that the zeros are real, or merge it with a similar channel",
                        100.0 * zero_weeks as f64 / weeks as f64
                    ),
                )
            };
            Some(Finding {
                severity,
                kind: FindingKind::MostlyZeroChannel {
                    channel: name.clone(),
                    zero_weeks,
                    weeks,
                },
                message,
            })
        })
        .collect()
}

/// Pearson correlation of two equally long series; `None` when either is constant.
fn correlation(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    if n < 2.0 {
        return None;
    }
    let mean_a = a.iter().sum::<f64>() / n;
    let mean_b = b.iter().sum::<f64>() / n;
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (dx, dy) = (x - mean_a, y - mean_b);
        ab += dx * dy;
        aa += dx * dx;
        bb += dy * dy;
    }
    let scale = (aa * bb).sqrt();
    (scale > 0.0 && scale.is_finite()).then(|| (ab / scale).clamp(-1.0, 1.0))
}

fn correlated_channels(data: &WeeklyData, threshold: f64) -> Vec<Finding> {
    let channels = data.channels();
    let mut findings = Vec::new();
    for (i, a) in channels.iter().enumerate() {
        for b in &channels[i + 1..] {
            let Some(r) = correlation(&a.values, &b.values) else {
                continue;
            };
            if r <= threshold {
                continue;
            }
            findings.push(Finding {
                severity: Severity::Problem,
                kind: FindingKind::CorrelatedChannels {
                    first: a.name.clone(),
                    second: b.name.clone(),
                    correlation: r,
                },
                message: format!(
                    "`{}` and `{}` move together (correlation {r:.2}): the model cannot tell \
                     them apart, and may credit one with the other's effect; consider merging \
                     them into one channel",
                    a.name, b.name
                ),
            });
        }
    }
    findings
}

/// The median of a non-empty slice (sorts it).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

/// The weeks `N_w` around week `w` of `n`: the `2h` nearest, `w` excluded, shifted inwards
/// at the ends (all the others when `n ≤ 2h`).
fn neighbours(w: usize, n: usize) -> impl Iterator<Item = usize> {
    let h = OUTLIER_BASELINE_HALF_WIDTH;
    let first = w.saturating_sub(h).min(n.saturating_sub(2 * h + 1));
    let last = (first + 2 * h).min(n - 1);
    (first..=last).filter(move |&i| i != w)
}

/// The repeated-median baseline `b_w` of the module docs.
fn local_baseline(target: &[f64], w: usize) -> f64 {
    let around: Vec<usize> = neighbours(w, target.len()).collect();
    let mut slopes: Vec<f64> = around
        .iter()
        .map(|&i| {
            let mut from_i: Vec<f64> = around
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| (target[j] - target[i]) / (j as f64 - i as f64))
                .collect();
            median(&mut from_i)
        })
        .collect();
    let slope = median(&mut slopes);
    let mut levels: Vec<f64> = around
        .iter()
        .map(|&i| target[i] - slope * (i as f64 - w as f64))
        .collect();
    median(&mut levels)
}

/// The baselines `b_w` and the robust z-scores `z_w` of the module docs; `None` when the
/// residuals have no spread (or there are fewer than 4 weeks).
pub fn robust_z_scores(target: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = target.len();
    if n < 4 {
        return None;
    }
    let baseline: Vec<f64> = (0..n).map(|w| local_baseline(target, w)).collect();
    let residuals: Vec<f64> = target.iter().zip(&baseline).map(|(y, b)| y - b).collect();
    let center = median(&mut residuals.clone());
    let mut deviations: Vec<f64> = residuals.iter().map(|r| (r - center).abs()).collect();
    let mean_deviation = deviations.iter().sum::<f64>() / n as f64;
    let mad = median(&mut deviations);
    let sigma = if mad > 0.0 {
        mad / MAD_TO_Z
    } else {
        MEAN_ABS_TO_SIGMA * mean_deviation
    };
    if !(sigma > 0.0 && sigma.is_finite()) {
        return None;
    }
    let z = residuals.iter().map(|r| (r - center) / sigma).collect();
    Some((baseline, z))
}

/// Share of weeks an event-like control keeps its median value (holiday, promotion flags).
const EVENT_CONTROL_SHARE: f64 = 0.75;

/// The event-like controls (name, median) of `data`.
fn event_controls(data: &WeeklyData) -> Vec<(&str, f64)> {
    data.controls()
        .iter()
        .filter_map(|control| {
            let typical = median(&mut control.values.clone());
            let at_median = control.values.iter().filter(|v| **v == typical).count();
            (at_median as f64 >= EVENT_CONTROL_SHARE * control.values.len() as f64)
                .then_some((control.name.as_str(), typical))
        })
        .collect()
}

fn outlier_weeks(data: &WeeklyData, threshold: f64) -> Option<Finding> {
    if data.len() < 4 {
        return None;
    }
    let (baseline, z) = robust_z_scores(data.target())?;
    let events = event_controls(data);
    let weeks: Vec<OutlierWeek> = (0..data.len())
        // A week whose target is 0 is reported as empty, not again as an outlier.
        .filter(|&w| z[w].abs() > threshold && data.target()[w] != 0.0)
        .map(|w| OutlierWeek {
            week: data.weeks()[w],
            value: data.target()[w],
            baseline: baseline[w],
            z: z[w],
            marked_by: events
                .iter()
                .filter(|(name, typical)| {
                    data.control(name).is_some_and(|c| c.values[w] != *typical)
                })
                .map(|(name, _)| name.to_string())
                .collect(),
        })
        .collect();
    if weeks.is_empty() {
        return None;
    }
    let target = data.target_name();
    let dates = date_list(weeks.iter().map(|w| w.week));
    let (severity, message) = if weeks.iter().all(|w| !w.marked_by.is_empty()) {
        let mut controls: Vec<&str> = weeks
            .iter()
            .flat_map(|w| w.marked_by.iter().map(String::as_str))
            .collect();
        controls.sort_unstable();
        controls.dedup();
        (
            Severity::Info,
            format!(
                "{} week(s) of {target} stand out from the weeks around them ({dates}), each marked by a control ({}): the model accounts for them; check them only if the values surprise you",
                weeks.len(),
                controls
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "{} week(s) of {target} are far from the weeks around them ({dates}): if a week had a known event (a holiday, a promotion, an outage), add a control column that marks it; if a value is a typo, fix it in the file",
                weeks.len(),
            ),
        )
    };
    Some(Finding {
        severity,
        kind: FindingKind::OutlierWeeks {
            target: target.to_string(),
            weeks,
        },
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Series;

    #[test]
    fn median_of_odd_and_even_lengths() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn neighbours_are_the_nearest_eight_shifted_inwards_at_the_ends() {
        let around = |w, n| neighbours(w, n).collect::<Vec<_>>();
        assert_eq!(around(0, 12), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(around(1, 12), [0, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(around(6, 12), [2, 3, 4, 5, 7, 8, 9, 10]);
        assert_eq!(around(11, 12), [3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(around(2, 4), [0, 1, 3]);
    }

    #[test]
    fn the_baseline_follows_a_straight_line_exactly_and_ignores_a_spike() {
        let line: Vec<f64> = (0..20).map(|w| 100.0 + 7.0 * f64::from(w)).collect();
        for w in [0, 1, 10, 19] {
            assert!(
                (local_baseline(&line, w) - line[w]).abs() < 1e-9,
                "week {w}"
            );
        }
        assert_eq!(
            robust_z_scores(&line),
            None,
            "a line has no residual spread"
        );
        let mut spiked = line.clone();
        spiked[10] += 1_000.0;
        spiked[11] += 1_000.0;
        spiked[12] += 1_000.0;
        // A spike of three weeks moves no baseline, in it or around it.
        for w in [8, 9, 10, 11, 12, 13, 14] {
            assert!(
                (local_baseline(&spiked, w) - line[w]).abs() < 1e-9,
                "week {w}"
            );
        }
    }

    #[test]
    fn correlation_is_none_for_a_constant_series() {
        assert_eq!(correlation(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        let r = correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]).unwrap();
        assert!(r > 0.99 && r <= 1.0, "{r}");
        let r = correlation(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap();
        assert!((r + 1.0).abs() < 1e-12, "{r}");
    }

    #[test]
    fn check_refuses_each_bad_threshold_with_an_example() {
        let p = QualityParams::default();
        assert!(p.check().is_ok());
        let e = p.zero_share(1.0).check().unwrap_err();
        assert_eq!(e, QualityError::ZeroShare(1.0));
        assert!(e.to_string().contains("e.g. 0.5"), "{e}");
        assert!(matches!(
            p.correlation(f64::NAN).check(),
            Err(QualityError::Correlation(_))
        ));
        assert!(matches!(
            p.outlier_z(0.0).check(),
            Err(QualityError::OutlierZ(_))
        ));
    }

    #[test]
    fn flat_target_has_no_outliers_and_no_spread() {
        assert_eq!(robust_z_scores(&[5.0; 20]), None);
        assert_eq!(robust_z_scores(&[5.0, 6.0, 7.0]), None);
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let weeks = (0..10).map(|w| start + chrono::Days::new(7 * w)).collect();
        let data = WeeklyData::new(
            weeks,
            "revenue".into(),
            vec![5.0; 10],
            vec![Series {
                name: "tv".into(),
                values: (0..10).map(f64::from).collect(),
            }],
            vec![],
        )
        .unwrap();
        assert_eq!(assess(&data).findings, []);
    }
}
