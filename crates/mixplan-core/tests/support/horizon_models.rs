//! Horizon models of store-like channels, shared by the tests (through `mod support`) and by
//! `benches/horizon.rs` (which includes this file by its path): one row a channel, geometric
//! carryover or Weibull CDF kernels.

use mixplan_core::optimize::horizon::{ChannelDynamics, HorizonModel};
use mixplan_core::response::HillResponse;
use mixplan_core::transform::{WeibullAdstock, WeibullForm};

/// A channel with geometric carryover: name, Hill `β`, `K` and `s`, decay `θ` and the
/// carry-in.
pub type GeometricChannel<'a> = (&'a str, f64, f64, f64, f64, f64);

/// A channel with a Weibull CDF kernel: name, Hill `β`, `K` and `s`, the kernel's
/// `(shape, scale)` and the level of its past spend.
pub type WeibullChannel<'a> = (&'a str, f64, f64, f64, (f64, f64), f64);

/// Channels with geometric carryover, one row a channel.
pub fn geometric(spec: &[GeometricChannel]) -> HorizonModel {
    HorizonModel::new(
        spec.iter()
            .map(|&(name, beta, k, s, decay, carry)| {
                ChannelDynamics::new(name, HillResponse::new(beta, k, s).unwrap(), decay, carry)
                    .unwrap()
            })
            .collect(),
    )
    .unwrap()
}

/// Channels with Weibull CDF kernels over 13 weeks after 52 weeks of uneven spend around
/// their level, one row a channel.
pub fn weibull_cdf(spec: &[WeibullChannel]) -> HorizonModel {
    HorizonModel::new(
        spec.iter()
            .map(|&(name, beta, k, s, (shape, scale), level)| {
                let kernel = WeibullAdstock::new(shape, scale, 13, WeibullForm::Cdf).unwrap();
                let history: Vec<f64> = (0..52)
                    .map(|t| level * (1.0 + 0.5 * (0.7 * t as f64).sin()))
                    .collect();
                ChannelDynamics::weibull(
                    name,
                    HillResponse::new(beta, k, s).unwrap(),
                    &kernel,
                    &history,
                )
                .unwrap()
            })
            .collect(),
    )
    .unwrap()
}
