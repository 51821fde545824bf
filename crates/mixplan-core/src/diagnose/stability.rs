//! Coefficient stability: each channel's ROI refitted on successive windows of weeks with the
//! full model's carryover and saturation held fixed, so only the linear part (baseline,
//! trend, season, controls, channel effects) is re-estimated per window.

use super::error::DiagnoseError;
use crate::data::{Series, WeeklyData};
use crate::model::{FixedHyperparameters, ModelParams};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Shortest window the stability check fits (a full year, so seasonality is estimable).
pub const MIN_WINDOW_WEEKS: usize = 52;

/// Which windows to refit: `length` consecutive weeks, moving by `step` weeks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RollingWindows {
    /// Weeks per window (≥ [`MIN_WINDOW_WEEKS`]).
    pub length: usize,
    /// Weeks between window starts (≥ 1).
    pub step: usize,
}

impl RollingWindows {
    /// Five or six windows, each two thirds of the data long (at least a year):
    /// `length = max(52, ⌊2n/3⌋)`, `step = max(1, ⌈(n − length)/5⌉)`. `None` when the data
    /// are too short for two windows (`n ≤ 52`).
    pub fn for_weeks(weeks: usize) -> Option<Self> {
        if weeks <= MIN_WINDOW_WEEKS {
            return None;
        }
        let length = MIN_WINDOW_WEEKS.max(2 * weeks / 3);
        let step = (weeks - length).div_ceil(5).max(1);
        Some(Self { length, step })
    }
}

/// One channel's ROI on every window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelStability {
    /// Channel name.
    pub name: String,
    /// ROI (contribution ÷ spend over the window) per window, in window order; `None` where
    /// the channel spent nothing in that window.
    pub roi: Vec<Option<f64>>,
    /// Smallest and largest ROI over the windows with spend.
    pub range: (f64, f64),
    /// Median ROI over the windows with spend.
    pub median: f64,
    /// `(max − min) / |median|`: 0 when every window agrees (∞ when the median is 0 and the
    /// windows disagree).
    pub relative_spread: f64,
}

/// ROI per channel on successive windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoiStability {
    /// The windows used.
    pub windows: RollingWindows,
    /// First and last week of each window.
    pub periods: Vec<(NaiveDate, NaiveDate)>,
    /// One entry per channel, in the data's order.
    pub channels: Vec<ChannelStability>,
}

fn window(data: &WeeklyData, start: usize, end: usize) -> Result<WeeklyData, DiagnoseError> {
    let slice = |s: &Series| Series {
        name: s.name.clone(),
        values: s.values[start..end].to_vec(),
    };
    // A control without variation in the window (a holiday flag that never fires) carries
    // no information there and would make the design singular: leave it out of that window.
    let controls = data
        .controls()
        .iter()
        .map(slice)
        .filter(|s| s.values.iter().any(|v| (v - s.values[0]).abs() > 0.0))
        .collect();
    WeeklyData::new(
        data.weeks()[start..end].to_vec(),
        data.target_name().to_string(),
        data.target()[start..end].to_vec(),
        data.channels().iter().map(slice).collect(),
        controls,
    )
    .map_err(|e| DiagnoseError::Setting(format!("window of weeks {start}..{end}: {e}")))
}

/// Refits the model on each window with the given hyper-parameters held fixed (`params`
/// supplies the baseline form: Fourier order, trend, holdout) and reports each channel's ROI
/// per window.
///
/// # Errors
/// [`DiagnoseError::Setting`] when a window is shorter than [`MIN_WINDOW_WEEKS`], the step is
/// 0 or the data hold fewer than two windows; [`DiagnoseError::Params`] for invalid
/// parameters; [`DiagnoseError::WindowFit`] when a window's fit fails.
pub fn roi_stability(
    data: &WeeklyData,
    hyperparameters: &FixedHyperparameters,
    params: &ModelParams,
    windows: RollingWindows,
) -> Result<RoiStability, DiagnoseError> {
    let n = data.len();
    if windows.length < MIN_WINDOW_WEEKS || windows.step == 0 || windows.length + windows.step > n {
        return Err(DiagnoseError::Setting(format!(
            "rolling windows of {} weeks moving by {} need at least {} weeks of data and windows of at least {MIN_WINDOW_WEEKS} weeks (the data have {n})",
            windows.length,
            windows.step,
            windows.length + windows.step.max(1)
        )));
    }
    let valid = params.clone().fixed(hyperparameters.clone()).check()?;
    let starts: Vec<usize> = (0..=n - windows.length).step_by(windows.step).collect();
    let mut periods = Vec::with_capacity(starts.len());
    let mut per_channel: Vec<Vec<Option<f64>>> = vec![Vec::new(); data.channels().len()];
    for &start in &starts {
        let end = start + windows.length;
        let slice = window(data, start, end)?;
        let model = valid
            .fit(&slice, |_, _| {})
            .map_err(|source| DiagnoseError::WindowFit {
                start: data.weeks()[start],
                source,
            })?;
        periods.push((data.weeks()[start], data.weeks()[end - 1]));
        for (c, channel) in model.channels().iter().enumerate() {
            per_channel[c].push((channel.spend > 0.0).then_some(channel.roi));
        }
    }
    let channels = data
        .channels()
        .iter()
        .zip(per_channel)
        .map(|(series, roi)| summarise(&series.name, roi))
        .collect();
    Ok(RoiStability {
        windows,
        periods,
        channels,
    })
}

fn summarise(name: &str, roi: Vec<Option<f64>>) -> ChannelStability {
    let mut values: Vec<f64> = roi.iter().flatten().copied().collect();
    values.sort_by(f64::total_cmp);
    let (range, median) = match (values.first(), values.last()) {
        (Some(&lo), Some(&hi)) => {
            let m = values.len();
            let median = if m % 2 == 1 {
                values[m / 2]
            } else {
                0.5 * (values[m / 2 - 1] + values[m / 2])
            };
            ((lo, hi), median)
        }
        _ => ((0.0, 0.0), 0.0),
    };
    let spread = range.1 - range.0;
    let relative_spread = if spread == 0.0 {
        0.0
    } else if median == 0.0 {
        f64::INFINITY
    } else {
        spread / median.abs()
    };
    ChannelStability {
        name: name.to_string(),
        roi,
        range,
        median,
        relative_spread,
    }
}
