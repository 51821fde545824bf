//! Coefficient stability: each channel's ROI refitted on successive windows of weeks with the
//! full model's carryover and saturation held fixed, so only the linear part (baseline,
//! trend, season, controls, channel effects) is re-estimated per window.

use super::error::DiagnoseError;
use crate::data::{Series, WeeklyData};
use crate::model::{ChosenWeibull, FittedModel, FixedHyperparameters, ModelParams, ValidParams};
use crate::transform::{CarryoverForm, WeibullGrid};
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
    check_windows(data.len(), windows)?;
    let valid = params.clone().fixed(hyperparameters.clone()).check()?;
    refit_windows(data, &valid, windows)
}

/// [`roi_stability`] for a fitted model, whatever its carryover form: the model's own
/// `θ, K, s` for geometric carryover; for a Weibull form, each channel's chosen kernel held
/// fixed through a grid of the chosen shapes × the chosen scales (the kernel's index in it
/// as the fixed carryover coordinate, [`ModelParams::check_fixed_weibull`]).
///
/// # Errors
/// As [`roi_stability`].
pub fn model_roi_stability(
    data: &WeeklyData,
    model: &FittedModel,
    params: &ModelParams,
    windows: RollingWindows,
) -> Result<RoiStability, DiagnoseError> {
    check_windows(data.len(), windows)?;
    match fixed_weibull(model, params)? {
        Some(valid) => refit_windows(data, &valid, windows),
        None => roi_stability(data, &model.hyperparameters(), params, windows),
    }
}

/// `params` with a Weibull model's chosen kernels, `K`, `s` and penalty held fixed
/// ([`ModelParams::check_fixed_weibull`]: a grid of the chosen shapes × the chosen scales,
/// each channel's kernel index in it as its carryover coordinate); `None` for a geometric
/// model.
fn fixed_weibull(
    model: &FittedModel,
    params: &ModelParams,
) -> Result<Option<ValidParams>, DiagnoseError> {
    let form = model.carryover_form();
    let chosen: Vec<ChosenWeibull> = model.channels().iter().filter_map(|c| c.weibull).collect();
    if form == CarryoverForm::Geometric || chosen.len() != model.channels().len() {
        return Ok(None);
    }
    let mut shapes: Vec<f64> = Vec::new();
    let mut scales: Vec<f64> = Vec::new();
    for w in &chosen {
        if !shapes.contains(&w.shape) {
            shapes.push(w.shape);
        }
        if !scales.contains(&w.scale) {
            scales.push(w.scale);
        }
    }
    let window = chosen.iter().map(|w| w.window).max().unwrap_or(1);
    let index = |w: &ChosenWeibull| {
        let k = shapes.iter().position(|&k| k == w.shape).unwrap_or(0);
        let l = scales.iter().position(|&l| l == w.scale).unwrap_or(0);
        (k * scales.len() + l) as f64
    };
    let mut fixed = model.hyperparameters();
    for (h, w) in fixed.channels.iter_mut().zip(&chosen) {
        h.decay = index(w);
    }
    let grid = WeibullGrid {
        shapes: shapes.clone(),
        scales: scales.clone(),
        window,
    };
    let valid = params
        .clone()
        .carryover(form)
        .check_fixed_weibull(grid, fixed)?;
    Ok(Some(valid))
}

/// The windows' check shared by the two entry points.
fn check_windows(n: usize, windows: RollingWindows) -> Result<(), DiagnoseError> {
    if windows.length < MIN_WINDOW_WEEKS || windows.step == 0 || windows.length + windows.step > n {
        return Err(DiagnoseError::Setting(format!(
            "rolling windows of {} weeks moving by {} need at least {} weeks of data and windows of at least {MIN_WINDOW_WEEKS} weeks (the data have {n})",
            windows.length,
            windows.step,
            windows.length + windows.step.max(1)
        )));
    }
    Ok(())
}

/// Fits `valid` (hyper-parameters fixed) on every window and summarises each channel's ROI.
fn refit_windows(
    data: &WeeklyData,
    valid: &ValidParams,
    windows: RollingWindows,
) -> Result<RoiStability, DiagnoseError> {
    let n = data.len();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::load_weekly_csv;

    #[test]
    fn a_weibull_model_refitted_with_its_kernels_fixed_is_the_model() {
        let text = include_str!("../../../../data_processed/mmm_data.csv");
        let data = load_weekly_csv(text, &Default::default()).expect("store");
        for form in [CarryoverForm::WeibullCdf, CarryoverForm::WeibullPdf] {
            let params = ModelParams::new().carryover(form);
            let model = params
                .clone()
                .check()
                .unwrap()
                .fit(&data, |_, _| {})
                .unwrap();
            let valid = fixed_weibull(&model, &params).unwrap().expect("Weibull");
            let refit = valid.fit(&data, |_, _| {}).unwrap();
            for (a, b) in refit.channels().iter().zip(model.channels()) {
                assert_eq!(a.weibull, b.weibull, "{form}: the same kernel");
                assert!(
                    (a.roi - b.roi).abs() <= 1e-9 * b.roi.abs().max(1.0),
                    "{form} {}: ROI {} vs {}",
                    b.name,
                    a.roi,
                    b.roi
                );
            }
        }
        // A geometric model has nothing to hold as kernels.
        let geometric = ModelParams::new()
            .check()
            .unwrap()
            .fit(&data, |_, _| {})
            .unwrap();
        assert!(
            fixed_weibull(&geometric, &ModelParams::new())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn fixed_weibull_kernel_indices_are_checked() {
        let fixed = |decay: f64| FixedHyperparameters {
            channels: vec![crate::model::ChannelHyperparameters::new(decay, 10.0, 1.0)],
            penalty: 0.1,
        };
        let params = ModelParams::new().carryover(CarryoverForm::WeibullCdf);
        let grid = WeibullGrid::default();
        assert!(
            params
                .clone()
                .check_fixed_weibull(grid.clone(), fixed(19.0))
                .is_ok()
        );
        for bad in [20.0, -1.0, 2.5, f64::NAN] {
            assert!(
                params
                    .clone()
                    .check_fixed_weibull(grid.clone(), fixed(bad))
                    .is_err(),
                "{bad}"
            );
        }
        assert!(
            ModelParams::new()
                .check_fixed_weibull(grid, fixed(0.0))
                .is_err(),
            "geometric"
        );
    }
}
