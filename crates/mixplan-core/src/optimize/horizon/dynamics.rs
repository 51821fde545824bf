//! The media dynamics the horizon optimiser plans with: per channel a Hill response, a
//! geometric carryover and the carry-in from the spend already made ([`HorizonModel`]).

use serde::{Deserialize, Serialize};

use super::error::HorizonError;
use crate::data::WeeklyData;
use crate::model::FittedModel;
use crate::response::HillResponse;
use crate::transform::adstock::geometric_into;

/// One channel's weekly dynamics, as the model fits them:
///
/// ```text
/// a_h = θ·a_{h−1} + (1 − θ)·x_h,   a_{−1} = carry-in,     revenue_h = β·hill(a_h; K, s)
/// ```
///
/// | field | meaning | range |
/// |---|---|---|
/// | `response` | `β·hill(a; K, s)`, weekly revenue of the adstocked spend | a valid [`HillResponse`] |
/// | `decay` (θ) | share of last week's adstock carried into this week | `0 ≤ θ < 1` |
/// | `carry_in` (`a_{−1}`) | the adstock state after the last observed week, currency | finite, `≥ 0` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelDynamics {
    name: String,
    response: HillResponse,
    decay: f64,
    carry_in: f64,
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
        let name = name.into();
        if !(decay.is_finite() && (0.0..1.0).contains(&decay)) {
            return Err(HorizonError::InvalidDecay {
                channel: name,
                decay,
            });
        }
        if !(carry_in.is_finite() && carry_in >= 0.0) {
            return Err(HorizonError::InvalidCarryIn {
                channel: name,
                value: carry_in,
            });
        }
        Ok(Self {
            name,
            response,
            decay,
            carry_in,
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

    /// θ.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// `a_{−1}`, the adstock state carried into the first planned week.
    pub fn carry_in(&self) -> f64 {
        self.carry_in
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

    /// The fitted model's channels (its `β`, `K`, `s`, `θ`), with the carry-in of each
    /// channel computed from the data the model was fitted on: the normalised geometric
    /// adstock of the whole observed spend series at its last week,
    /// `a_{n−1} = Σ_{l<n} (1 − θ)·θ^l·x_{n−1−l}` (from `a = 0` before the first week, as in
    /// the fit).
    ///
    /// # Errors
    /// [`HorizonError::DataMismatch`] when a model channel is missing from the data;
    /// [`HorizonError::NoChannels`] for a model without channels.
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
            let mut adstock = vec![0.0; series.values.len()];
            geometric_into(fitted.decay, &series.values, &mut adstock);
            let carry_in = adstock.last().copied().unwrap_or(0.0);
            channels.push(ChannelDynamics::new(
                fitted.name.clone(),
                response,
                fitted.decay,
                carry_in,
            )?);
        }
        Self::new(channels)
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
