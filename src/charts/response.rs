//! What a channel's response curve shows, in revenue, in either model form.
//!
//! | form | weekly revenue channel `c` adds at weekly spend `x` |
//! |---|---|
//! | additive, `R(x) = base + Σ_k f_k(x_k)` | `f_c(x)`: the same whatever the other channels spend |
//! | multiplicative, `R(x) = B̄·exp(Σ_k g_k(x_k))` | `R(x, x_{−c}) − R(0, x_{−c}) = R(0, x_{−c})·(exp(g_c(x)) − 1)`, with the other channels `x_{−c}` held at a split (the page's current one) |
//!
//! In the multiplicative form a channel's curve depends on what the others spend (they
//! multiply the same revenue), so the chart says which split it holds them at. At the
//! channel's own spend in that split the value is its removal effect
//! `R(x)·(1 − exp(−g_c(x_c)))`, the contribution [`crate::planner::scenario::Planner::evaluate`]
//! gives: the curve passes through the channel's point of the contribution chart.

use mixplan_core::response::HillResponse;

use crate::planner::draws::PosteriorDraws;
use crate::planner::scenario::Planner;

/// Channel `c`'s weekly revenue as a function of its weekly spend, in revenue for either
/// form (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChannelResponse {
    /// Channels add revenue: the channel's curve `f_c`.
    Additive(HillResponse),
    /// Channels multiply revenue: the log curve `g_c` and `without = R(0, x_{−c})`, the
    /// weekly revenue with the channel off and the others at the split held.
    Multiplicative {
        /// The channel's log curve `g_c`.
        curve: HillResponse,
        /// `R(0, x_{−c})`.
        without: f64,
    },
}

impl ChannelResponse {
    /// Channel `c`'s response under `planner`'s point fit, the other channels held at
    /// `spend` (used in the multiplicative form only; a missing, negative or non-finite spend
    /// counts as none). `None` past the last channel.
    ///
    /// `R(0, x_{−c}) = baseline + media revenue` of `spend` with channel `c` at zero, from
    /// [`Planner::evaluate`].
    pub fn of(planner: &Planner, spend: &[f64], c: usize) -> Option<Self> {
        let curve = *planner.curves().get(c)?;
        if !planner.revenue_form().is_multiplicative() {
            return Some(ChannelResponse::Additive(curve));
        }
        let without =
            planner.baseline() + planner.evaluate(&without_channel(spend, c)).media_revenue();
        Some(ChannelResponse::Multiplicative { curve, without })
    }

    /// Channel `c`'s response under every posterior draw `d`, the other channels held at
    /// `spend`: `f_{c,d}` when channels add revenue, and when they multiply it the draw's log
    /// curve `g_{c,d}` with `R_d(0, x_{−c}) = B̄_d·exp(Σ_{k≠c} g_{k,d}(x_k))`
    /// ([`PosteriorDraws::revenue`]). Empty for an unknown channel.
    pub fn draws(draws: &PosteriorDraws, spend: &[f64], c: usize) -> Vec<Self> {
        let curves = draws.curves(c);
        if !draws.is_multiplicative() {
            return curves
                .iter()
                .copied()
                .map(ChannelResponse::Additive)
                .collect();
        }
        // The base argument is unused by multiplicative draws (each has its own base).
        let without = draws.revenue(&without_channel(spend, c), 0.0);
        curves
            .iter()
            .zip(without)
            .map(|(&curve, without)| ChannelResponse::Multiplicative { curve, without })
            .collect()
    }

    /// Weekly revenue the channel adds at weekly spend `x`: `f_c(x)`, or
    /// `R(0, x_{−c})·(exp(g_c(x)) − 1) = R(x, x_{−c}) − R(0, x_{−c})`.
    pub fn value(&self, x: f64) -> f64 {
        match *self {
            ChannelResponse::Additive(curve) => curve.value(x),
            ChannelResponse::Multiplicative { curve, without } => without * curve.value(x).exp_m1(),
        }
    }

    /// The weekly spend at which the revenue the channel adds reaches half its most (as spend
    /// grows without end). Additive: `K`, as `f_c(K) = β/2`. Multiplicative: the added revenue
    /// `R(0, x_{−c})·(e^{g_c(x)} − 1)` tends to `R(0, x_{−c})·(e^β − 1)`, so half of it is
    /// reached where `g_c(x) = ln((e^β + 1)/2)`, i.e. at the Hill fraction
    /// `h = ln((e^β + 1)/2)/β` (≥ ½), `x = K·(h/(1 − h))^{1/s}`: at or above the log curve's
    /// `K`, and further above it the larger the lift `β`.
    pub fn half_saturation(&self) -> f64 {
        match self {
            ChannelResponse::Additive(curve) => curve.half_saturation(),
            ChannelResponse::Multiplicative { curve, .. } => {
                let beta = curve.coefficient();
                if !(beta.is_finite() && beta > 0.0) {
                    return curve.half_saturation();
                }
                // ln((e^β + 1)/2) = β + ln((1 + e^{−β})/2), stable for a large β.
                let fraction = (beta + ((-beta).exp() * 0.5 + 0.5).ln()) / beta;
                if fraction >= 1.0 {
                    return f64::INFINITY;
                }
                curve.half_saturation() * (fraction / (1.0 - fraction)).powf(1.0 / curve.shape())
            }
        }
    }
}

/// `spend` (cleaned as the curves take it) with channel `c` at zero.
fn without_channel(spend: &[f64], c: usize) -> Vec<f64> {
    spend
        .iter()
        .enumerate()
        .map(|(k, &x)| {
            if k != c && x.is_finite() && x > 0.0 {
                x
            } else {
                0.0
            }
        })
        .collect()
}

/// Every channel's response under `planner`'s point fit, the others held at `spend`.
pub fn channel_responses(planner: &Planner, spend: &[f64]) -> Vec<ChannelResponse> {
    (0..planner.curves().len())
        .filter_map(|c| ChannelResponse::of(planner, spend, c))
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use crate::planner::scenario::{fitted_multiplicative_planner, fitted_planner};

    /// `R(x, x_{−c}) − R(0, x_{−c})` from the core model's own steady-state prediction (also
    /// used by the chart tests in `figures`).
    pub(crate) fn added_by_model(planner: &Planner, spend: &[f64], c: usize, x: f64) -> f64 {
        let mut with = spend.to_vec();
        with[c] = x;
        let mut without = spend.to_vec();
        without[c] = 0.0;
        let model = planner.model();
        model.predict(&with).unwrap().revenue - model.predict(&without).unwrap().revenue
    }

    #[test]
    fn a_multiplicative_response_is_the_revenue_the_channel_adds_to_the_others() {
        let planner = fitted_multiplicative_planner();
        let spend: Vec<f64> = planner.historical_mix().to_vec();
        let responses = channel_responses(planner, &spend);
        assert_eq!(responses.len(), planner.channels().len());
        for (c, response) in responses.iter().enumerate() {
            assert!(matches!(response, ChannelResponse::Multiplicative { .. }));
            assert_eq!(response.value(0.0), 0.0);
            for x in [0.5 * spend[c], spend[c], 3_000.0, 20_000.0] {
                let expected = added_by_model(planner, &spend, c, x);
                let got = response.value(x);
                assert!(
                    (got - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                    "channel {c} x={x}: {got} vs {expected}"
                );
                // Not the log curve, which is a small number in ln units.
                assert!(got > 10.0 * planner.curves()[c].value(x) || x == 0.0);
            }
            // At the channel's own spend: its removal effect, the plan's contribution.
            let contribution = planner.evaluate(&spend).contributions()[c];
            assert!((response.value(spend[c]) - contribution).abs() <= 1e-6 * contribution);
        }
    }

    #[test]
    fn half_saturation_is_where_the_added_revenue_reaches_half_its_most() {
        let planner = fitted_multiplicative_planner();
        let spend: Vec<f64> = planner.historical_mix().to_vec();
        for (c, response) in channel_responses(planner, &spend).iter().enumerate() {
            let ChannelResponse::Multiplicative { curve, without } = *response else {
                panic!("multiplicative");
            };
            if curve.coefficient() <= 0.0 {
                continue;
            }
            let most = without * curve.coefficient().exp_m1();
            let half = response.half_saturation();
            assert!(half >= curve.half_saturation(), "channel {c}");
            let got = response.value(half);
            assert!(
                (got - most / 2.0).abs() <= 1e-9 * most,
                "channel {c}: {got} at {half}, half of {most}"
            );
        }
        // Additive: K itself, where f_c reaches β/2.
        let additive = fitted_planner();
        for (c, response) in channel_responses(additive, &spend).iter().enumerate() {
            assert_eq!(
                response.half_saturation(),
                additive.curves()[c].half_saturation()
            );
        }
    }

    #[test]
    fn a_multiplicative_response_depends_on_what_the_other_channels_spend() {
        let planner = fitted_multiplicative_planner();
        let spend: Vec<f64> = planner.historical_mix().to_vec();
        let mut more = spend.clone();
        more[1] *= 2.0;
        let at = |s: &[f64]| ChannelResponse::of(planner, s, 0).unwrap().value(5_000.0);
        assert!(
            at(&more) > at(&spend),
            "channel 1's spend lifts channel 0's revenue"
        );
    }

    #[test]
    fn an_additive_response_is_the_curve_itself() {
        let planner = fitted_planner();
        let spend = planner.historical_mix().to_vec();
        for (c, response) in channel_responses(planner, &spend).iter().enumerate() {
            assert_eq!(*response, ChannelResponse::Additive(planner.curves()[c]));
            for x in [0.0, 1_234.5, 9_000.0] {
                assert_eq!(response.value(x), planner.curves()[c].value(x));
            }
        }
        assert_eq!(ChannelResponse::of(planner, &spend, 99), None);
    }
}
