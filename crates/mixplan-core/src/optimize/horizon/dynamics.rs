//! The media dynamics the horizon optimiser plans with: per channel a Hill response, a
//! carryover (geometric, or a finite kernel such as Weibull) and the carry-in from the spend
//! already made ([`HorizonModel`]).

use serde::{Deserialize, Serialize};

use super::error::HorizonError;
use crate::data::WeeklyData;
use crate::model::{FittedModel, MultiplicativeModel};
use crate::response::HillResponse;
use crate::transform::WeibullAdstock;
use crate::transform::adstock::geometric_into;

/// How one channel's spend carries over into later weeks, with the part of the adstock that
/// comes from the spend already made (before week 0 of the plan).
///
/// * **Geometric** (decay θ, `0 ≤ θ < 1`): `a_h = θ·a_{h−1} + (1 − θ)·x_h` from the state
///   `a_{−1} = carry_in` after the last observed week. The effect never ends; the optimiser
///   sums the tail until its remainder bound is negligible.
/// * **Kernel** (lag weights `W_0 … W_{L−1}`, finite and `≥ 0`, e.g. a normalised Weibull
///   kernel): `a_h = Σ_{l<L} W_l·x_{h−l}`, where `x` before the period is the observed spend.
///   Split at the period's start, `a_h = carry_in[h] + Σ_{l ≤ h, l < L} W_l·x_{h−l}` with the
///   history's part `carry_in[h] = Σ_{h < l < L} W_l·x_{h−l}` for `h < L − 1` (0 after). Spend
///   in week `N − 1` still acts in week `N + L − 2`, so exactly `L − 1` weeks after the
///   period carry the plan's effect and nothing is left after them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ChannelCarryover {
    /// The geometric recursion.
    Geometric {
        /// θ, `0 ≤ θ < 1`.
        decay: f64,
        /// `a_{−1}`, the adstock state after the last observed week, currency.
        carry_in: f64,
    },
    /// A finite lag kernel.
    Kernel {
        /// `W_0 … W_{L−1}`.
        weights: Vec<f64>,
        /// `carry_in[h]`, `h = 0 … L − 2`: the history's part of week `h`'s adstock, currency.
        carry_in: Vec<f64>,
    },
}

/// One channel's weekly dynamics, as the model fits them:
///
/// ```text
/// geometric:  a_h = θ·a_{h−1} + (1 − θ)·x_h,   a_{−1} = carry-in
/// kernel:     a_h = Σ_{l<L} W_l·x_{h−l}          (x before the period: the observed spend)
/// revenue_h = β·hill(a_h; K, s)
/// ```
///
/// | field | meaning | range |
/// |---|---|---|
/// | `response` | `β·hill(a; K, s)`, weekly revenue of the adstocked spend | a valid [`HillResponse`] |
/// | `carryover` | the carryover and its carry-in, see [`ChannelCarryover`] | |
/// | geometric `decay` (θ) | share of last week's adstock carried into this week | `0 ≤ θ < 1` |
/// | geometric `carry_in` (`a_{−1}`) | the adstock state after the last observed week, currency | finite, `≥ 0` |
/// | kernel `weights` (`W_l`) | lag weights | `1 ≤ L`, finite, `≥ 0`, `Σ W_l > 0` |
/// | kernel `carry_in` | the history's part of each of the first `L − 1` weeks, currency | `L − 1` values, finite, `≥ 0` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelDynamics {
    name: String,
    response: HillResponse,
    carryover: ChannelCarryover,
}

impl ChannelDynamics {
    /// Builds one channel's dynamics.
    ///
    /// # Errors
    /// [`HorizonError::InvalidDecay`] unless `0 ≤ θ < 1`; [`HorizonError::InvalidCarryIn`]
    /// for a negative or non-finite carry-in.
    pub fn new(
        name: impl Into<String>,
        response: HillResponse,
        decay: f64,
        carry_in: f64,
    ) -> Result<Self, HorizonError> {
        let carryover = ChannelCarryover::Geometric { decay, carry_in };
        Self::checked(name.into(), response, carryover)
    }

    /// Builds one channel's dynamics with a finite carryover kernel `W_0 … W_{L−1}` and the
    /// history's part of the adstock of each of the first `L − 1` weeks (see
    /// [`ChannelCarryover::Kernel`]).
    ///
    /// # Errors
    /// [`HorizonError::InvalidKernel`] for an empty kernel, a negative or non-finite weight,
    /// or weights that add up to 0; [`HorizonError::InvalidCarryIn`] for a negative or
    /// non-finite carry-in, [`HorizonError::CarryInLength`] unless there are `L − 1`.
    pub fn with_kernel(
        name: impl Into<String>,
        response: HillResponse,
        weights: Vec<f64>,
        carry_in: Vec<f64>,
    ) -> Result<Self, HorizonError> {
        let carryover = ChannelCarryover::Kernel { weights, carry_in };
        Self::checked(name.into(), response, carryover)
    }

    /// Builds one channel's dynamics with a Weibull carryover `kernel` (CDF or PDF), the
    /// carry-in computed from the observed spend `history` (`x_0 … x_{n−1}`, zero before the
    /// first week, as in the fit; the plan starts at week `n`):
    /// `carry_in[h] = Σ_{h < l < L, l ≤ n+h} W_l·x_{n+h−l}` for `h = 0 … L − 2`, so that
    /// `carry_in[h] + Σ_{l ≤ h} W_l·x^plan_{h−l}` is `kernel.apply` of the history continued by
    /// the plan, at plan week `h`.
    ///
    /// # Errors
    /// [`HorizonError::InvalidCarryIn`] for a negative or non-finite spend in `history`.
    pub fn weibull(
        name: impl Into<String>,
        response: HillResponse,
        kernel: &WeibullAdstock,
        history: &[f64],
    ) -> Result<Self, HorizonError> {
        let name = name.into();
        if let Some(value) = first_invalid_amount(history) {
            return Err(HorizonError::InvalidCarryIn {
                channel: name,
                value,
            });
        }
        let weights = kernel.weights().to_vec();
        let carry_in = kernel_carry_in(&weights, history);
        Self::with_kernel(name, response, weights, carry_in)
    }

    /// The channel, once its carryover is checked: θ for the geometric one, the kernel's
    /// weights and the number of its carry-ins for a kernel, then every carry-in.
    fn checked(
        name: String,
        response: HillResponse,
        carryover: ChannelCarryover,
    ) -> Result<Self, HorizonError> {
        let carry_in: &[f64] = match &carryover {
            ChannelCarryover::Geometric { decay, carry_in } => {
                if !(decay.is_finite() && (0.0..1.0).contains(decay)) {
                    return Err(HorizonError::InvalidDecay {
                        channel: name,
                        decay: *decay,
                    });
                }
                std::slice::from_ref(carry_in)
            }
            ChannelCarryover::Kernel { weights, carry_in } => {
                if let Some(reason) = kernel_weights_problem(weights) {
                    return Err(HorizonError::InvalidKernel {
                        channel: name,
                        reason,
                    });
                }
                if carry_in.len() + 1 != weights.len() {
                    return Err(HorizonError::CarryInLength {
                        channel: name,
                        expected: weights.len() - 1,
                        found: carry_in.len(),
                    });
                }
                carry_in
            }
        };
        if let Some(value) = first_invalid_amount(carry_in) {
            return Err(HorizonError::InvalidCarryIn {
                channel: name,
                value,
            });
        }
        Ok(Self {
            name,
            response,
            carryover,
        })
    }

    /// Channel name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `β·hill(a; K, s)`.
    pub fn response(&self) -> &HillResponse {
        &self.response
    }

    /// The carryover and its carry-in from the spend already made.
    pub fn carryover(&self) -> &ChannelCarryover {
        &self.carryover
    }
}

/// The channels' dynamics: what a multi-week plan's media revenue is computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonModel {
    channels: Vec<ChannelDynamics>,
}

impl HorizonModel {
    /// A model from explicit channel dynamics.
    ///
    /// # Errors
    /// [`HorizonError::NoChannels`] for an empty list.
    pub fn new(channels: Vec<ChannelDynamics>) -> Result<Self, HorizonError> {
        if channels.is_empty() {
            return Err(HorizonError::NoChannels);
        }
        Ok(Self { channels })
    }

    /// The fitted model's channels (its `β`, `K`, `s` and carryover), with the carry-in of
    /// each channel computed from the data the model was fitted on (spend `x_0 … x_{n−1}`,
    /// zero before the first week, as in the fit):
    ///
    /// * geometric θ: the normalised adstock of the whole observed series at its last week,
    ///   `a_{n−1} = Σ_{l<n} (1 − θ)·θ^l·x_{n−1−l}`;
    /// * Weibull kernel `W_0 … W_{L−1}` (CDF or PDF): the history's part of plan week `h`,
    ///   `carry_in[h] = Σ_{h < l < L, l ≤ n+h} W_l·x_{n+h−l}` for `h = 0 … L − 2`, so that
    ///   `carry_in[h] + Σ_{l ≤ h} W_l·x^plan_{h−l}` is the fit's adstock of the series
    ///   continued by the plan.
    ///
    /// # Errors
    /// [`HorizonError::DataMismatch`] when a model channel is missing from the data;
    /// [`HorizonError::NoChannels`] for a model without channels;
    /// [`HorizonError::InvalidKernel`] for a Weibull kernel that cannot be rebuilt.
    pub fn from_fitted(model: &FittedModel, data: &WeeklyData) -> Result<Self, HorizonError> {
        let responses = model.responses();
        let mut channels = Vec::with_capacity(responses.len());
        for (fitted, response) in model.channels().iter().zip(responses) {
            let series = data.channel(&fitted.name).ok_or_else(|| {
                HorizonError::DataMismatch(format!(
                    "the model's channel '{}' is not in the data",
                    fitted.name
                ))
            })?;
            let dynamics = match fitted.weibull {
                Some(chosen) => {
                    let kernel = chosen.kernel().map_err(|e| HorizonError::InvalidKernel {
                        channel: fitted.name.clone(),
                        reason: e.to_string(),
                    })?;
                    ChannelDynamics::weibull(
                        fitted.name.clone(),
                        response,
                        &kernel,
                        &series.values,
                    )?
                }
                None => {
                    let mut adstock = vec![0.0; series.values.len()];
                    geometric_into(fitted.decay, &series.values, &mut adstock);
                    let carry_in = adstock.last().copied().unwrap_or(0.0);
                    ChannelDynamics::new(fitted.name.clone(), response, fitted.decay, carry_in)?
                }
            };
            channels.push(dynamics);
        }
        Self::new(channels)
    }

    /// The multiplicative model's channels with their **log curves** `g_c` (the responses of
    /// [`MultiplicativeModel::log_model`], in ln revenue) and the carry-in from `data`, as
    /// [`HorizonModel::from_fitted`] of the log model: the dynamics the multiplicative horizon
    /// ([`super::MultiplicativeHorizon`]) plans with.
    ///
    /// # Errors
    /// As [`HorizonModel::from_fitted`].
    pub fn from_multiplicative(
        model: &MultiplicativeModel,
        data: &WeeklyData,
    ) -> Result<Self, HorizonError> {
        Self::from_fitted(model.log_model(), data)
    }

    /// The channels, in the model's order.
    pub fn channels(&self) -> &[ChannelDynamics] {
        &self.channels
    }

    /// Index of the channel called `name`.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    /// The channel names, in order.
    pub fn channel_names(&self) -> Vec<&str> {
        self.channels.iter().map(|c| c.name.as_str()).collect()
    }

    /// True when every channel's response is concave (`s ≤ 1`) — the horizon problem is then
    /// concave and the optimiser's gap is only its numerical tolerance.
    pub fn is_concave(&self) -> bool {
        self.channels
            .iter()
            .all(|c| c.response.inflection().is_none() || c.response.coefficient() == 0.0)
    }
}

/// The history's part of the first `L − 1` plan weeks' adstock for the kernel `weights`
/// after the observed spend `history` (`n` weeks, the plan starting at week `n`):
/// `carry_in[h] = Σ_{h < l < L, l ≤ n+h} W_l·x_{n+h−l}`.
fn kernel_carry_in(weights: &[f64], history: &[f64]) -> Vec<f64> {
    let n = history.len();
    (0..weights.len().saturating_sub(1))
        .map(|h| {
            weights
                .iter()
                .enumerate()
                .skip(h + 1)
                .filter(|&(l, _)| l <= n + h)
                .map(|(l, w)| w * history[n + h - l])
                .sum()
        })
        .collect()
}

/// Why the lag weights `W_0 … W_{L−1}` are not a usable kernel (there are none, one is
/// negative or not finite, or `Σ W_l = 0`); `None` when they are.
fn kernel_weights_problem(weights: &[f64]) -> Option<String> {
    if weights.is_empty() {
        Some("it has no lag weights".to_string())
    } else if let Some(w) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
        Some(format!(
            "a lag weight is {w}, but each must be a finite number >= 0"
        ))
    } else if weights.iter().sum::<f64>() <= 0.0 {
        Some("its lag weights add up to 0".to_string())
    } else {
        None
    }
}

/// The first of `amounts` (currency: spend or carry-in) that is negative or not finite.
fn first_invalid_amount(amounts: &[f64]) -> Option<f64> {
    amounts
        .iter()
        .copied()
        .find(|v| !(v.is_finite() && *v >= 0.0))
}
