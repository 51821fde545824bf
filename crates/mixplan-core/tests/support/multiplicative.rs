//! The pieces of a simulated multiplicative (log-revenue) world shared by
//! `model_multiplicative.rs` and `optimize_horizon_multiplicative.rs`: each test draws its own
//! spend, base and noise; the channels' lift, the weekly data and the fit with the true
//! carryover and saturation are the same.

use chrono::{Days, NaiveDate};
use mixplan_core::data::{Series, WeeklyData};
use mixplan_core::model::{
    ChannelHyperparameters, FixedHyperparameters, ModelParams, MultiplicativeModel,
};
use mixplan_core::transform::{GeometricAdstock, Hill};

/// A channel's truth `(θ, K, s, β)`: geometric decay, Hill half-saturation and shape, and `β`
/// the log-revenue lift at saturation.
pub type Truth = (f64, f64, f64, f64);

/// The channel's weekly log-revenue lift `β·hill(adstock(x))` of the spend `x`.
pub fn lift(&(theta, k, s, beta): &Truth, x: &[f64]) -> Vec<f64> {
    let adstock = GeometricAdstock::new(theta)
        .expect("decay")
        .apply(x)
        .expect("adstock");
    let hill = Hill::new(k, s).expect("hill");
    adstock.iter().map(|&a| beta * hill.value(a)).collect()
}

/// Weekly data of `revenue` and the channels' `spend` (named `channel_0`, `channel_1`, …),
/// weeks from Monday 3 January 2022, no controls.
pub fn weekly_data(revenue: Vec<f64>, spend: Vec<Vec<f64>>) -> WeeklyData {
    let start = NaiveDate::from_ymd_opt(2022, 1, 3).expect("date");
    let weeks: Vec<NaiveDate> = (0..revenue.len() as u64)
        .map(|w| start + Days::new(7 * w))
        .collect();
    WeeklyData::new(
        weeks,
        "revenue".into(),
        revenue,
        spend
            .into_iter()
            .enumerate()
            .map(|(c, values)| Series {
                name: format!("channel_{c}"),
                values,
            })
            .collect(),
        Vec::new(),
    )
    .expect("valid data")
}

/// The world fitted with its true carryover and saturation (only the linear part is fitted),
/// with ridge `penalty`.
pub fn fit_with_truth(data: &WeeklyData, truth: &[Truth], penalty: f64) -> MultiplicativeModel {
    let fixed = FixedHyperparameters {
        channels: truth
            .iter()
            .map(
                |&(decay, half_saturation, shape, _)| ChannelHyperparameters {
                    decay,
                    half_saturation,
                    shape,
                },
            )
            .collect(),
        penalty,
    };
    ModelParams::default()
        .fixed(fixed)
        .check()
        .expect("params")
        .fit_multiplicative(data, |_, _| {})
        .expect("fit")
}
