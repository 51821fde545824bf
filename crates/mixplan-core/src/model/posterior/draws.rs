//! The sampler's output in currency: per-draw channel parameters, ROI, response curves,
//! and summaries over the draws (intervals, the posterior-mean response).

use super::diagnostics::Diagnostics;
use super::error::PosteriorError;
use crate::response::HillResponse;
use serde::Serialize;

/// One channel's posterior draws (all chains, chain after chain), in currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelDraws {
    /// Channel name.
    pub name: String,
    /// Adstock decay `θ` per draw (geometric carryover; empty for a Weibull carryover).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decay: Vec<f64>,
    /// Weibull shape `k^W` per draw (Weibull carryover; empty for geometric).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weibull_shape: Vec<f64>,
    /// Weibull scale `λ` per draw, weeks (Weibull carryover; empty for geometric).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weibull_scale: Vec<f64>,
    /// Hill half-saturation `K` per draw, weekly spend in currency.
    pub half_saturation: Vec<f64>,
    /// Hill shape `s` per draw.
    pub shape: Vec<f64>,
    /// `β` per draw: weekly revenue at saturation, currency.
    pub coefficient: Vec<f64>,
    /// ROI per draw: total contribution over all weeks ÷ total spend.
    pub roi: Vec<f64>,
    /// Steady-state response curve `f(x) = β·x^s/(x^s + K^s)` per draw.
    pub responses: Vec<HillResponse>,
}

/// One control's posterior draws (all chains, chain after chain).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlDraws {
    /// Control name.
    pub name: String,
    /// `γ` per draw: weekly revenue per unit of the control, currency.
    pub coefficient: Vec<f64>,
}

/// Draws from the posterior of the marketing-mix model and their convergence report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Posterior {
    pub(crate) channels: Vec<ChannelDraws>,
    /// Total spend of each channel over all weeks of the data, currency.
    pub(crate) total_spend: Vec<f64>,
    pub(crate) noise: Vec<f64>,
    /// Per control (data order), its coefficient per draw: currency per unit of the control.
    pub(crate) controls: Vec<ControlDraws>,
    pub(crate) diagnostics: Diagnostics,
    pub(crate) step_sizes: Vec<f64>,
    pub(crate) leapfrog_steps: u64,
}

impl Posterior {
    /// Per-control coefficient draws, in the data's control order.
    pub fn controls(&self) -> &[ControlDraws] {
        &self.controls
    }

    /// Per-channel draws, in the data's channel order.
    pub fn channels(&self) -> &[ChannelDraws] {
        &self.channels
    }

    /// Index of the channel called `name`.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    /// Number of draws (all chains together).
    pub fn draws(&self) -> usize {
        self.noise.len()
    }

    /// The noise standard deviation `σ` per draw, currency.
    pub fn noise(&self) -> &[f64] {
        &self.noise
    }

    /// R̂, bulk ESS, divergences and the converged flag.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// The adapted NUTS step size of every chain.
    pub fn step_sizes(&self) -> &[f64] {
        &self.step_sizes
    }

    /// Leapfrog steps over all chains (warm-up included): the cost of the run.
    pub fn leapfrog_steps(&self) -> u64 {
        self.leapfrog_steps
    }

    fn channel(&self, channel: usize) -> Result<&ChannelDraws, PosteriorError> {
        self.channels
            .get(channel)
            .ok_or(PosteriorError::ChannelOutOfRange {
                channel,
                channels: self.channels.len(),
            })
    }

    /// Channel `channel`'s total contribution over all weeks of the data per draw,
    /// `ROI_d × total spend` (currency).
    ///
    /// # Errors
    /// [`PosteriorError::ChannelOutOfRange`].
    pub fn contribution_draws(&self, channel: usize) -> Result<Vec<f64>, PosteriorError> {
        let spend = self.total_spend.get(channel).copied().unwrap_or(f64::NAN);
        Ok(self
            .channel(channel)?
            .roi
            .iter()
            .map(|r| r * spend)
            .collect())
    }

    /// The equal-tailed credible interval of channel `channel`'s total contribution over all
    /// weeks of the data (`ROI × total spend`), as [`Posterior::roi_interval`].
    ///
    /// # Errors
    /// As [`Posterior::roi_interval`].
    pub fn contribution_interval(
        &self,
        channel: usize,
        level: f64,
    ) -> Result<(f64, f64), PosteriorError> {
        equal_tailed_interval(&self.contribution_draws(channel)?, level)
    }

    /// Every channel's total spend over all weeks of the data (currency).
    pub fn total_spend(&self) -> &[f64] {
        &self.total_spend
    }

    /// At most `max_draws` draws, evenly spaced over all chains (every channel keeps the
    /// same joint draws), for fast summaries such as a slider's; diagnostics, step sizes and
    /// the leapfrog count stay those of the whole run. `max_draws = 0` keeps one draw.
    pub fn thinned(&self, max_draws: usize) -> Posterior {
        let total = self.draws();
        let keep = max_draws.clamp(1, total.max(1));
        let picks: Vec<usize> = (0..keep).map(|i| i * total / keep).collect();
        let pick = |values: &[f64]| -> Vec<f64> {
            picks
                .iter()
                .filter_map(|&i| values.get(i).copied())
                .collect()
        };
        Posterior {
            channels: self
                .channels
                .iter()
                .map(|c| ChannelDraws {
                    name: c.name.clone(),
                    decay: pick(&c.decay),
                    weibull_shape: pick(&c.weibull_shape),
                    weibull_scale: pick(&c.weibull_scale),
                    half_saturation: pick(&c.half_saturation),
                    shape: pick(&c.shape),
                    coefficient: pick(&c.coefficient),
                    roi: pick(&c.roi),
                    responses: picks
                        .iter()
                        .filter_map(|&i| c.responses.get(i).copied())
                        .collect(),
                })
                .collect(),
            total_spend: self.total_spend.clone(),
            noise: pick(&self.noise),
            controls: self
                .controls
                .iter()
                .map(|c| ControlDraws {
                    name: c.name.clone(),
                    coefficient: pick(&c.coefficient),
                })
                .collect(),
            diagnostics: self.diagnostics.clone(),
            step_sizes: self.step_sizes.clone(),
            leapfrog_steps: self.leapfrog_steps,
        }
    }

    /// Channel `channel`'s ROI draws.
    ///
    /// # Errors
    /// [`PosteriorError::ChannelOutOfRange`].
    pub fn roi_draws(&self, channel: usize) -> Result<&[f64], PosteriorError> {
        Ok(&self.channel(channel)?.roi)
    }

    /// The equal-tailed credible interval of channel `channel`'s ROI holding `level` of the
    /// draws: the `(1 − level)/2` and `(1 + level)/2` quantiles (linear interpolation
    /// between order statistics).
    ///
    /// # Errors
    /// [`PosteriorError::ChannelOutOfRange`]; [`PosteriorError::InvalidLevel`] unless
    /// `0 < level < 1`.
    pub fn roi_interval(&self, channel: usize, level: f64) -> Result<(f64, f64), PosteriorError> {
        equal_tailed_interval(&self.channel(channel)?.roi, level)
    }

    /// Channel `channel`'s per-draw steady-state response curves.
    ///
    /// # Errors
    /// [`PosteriorError::ChannelOutOfRange`].
    pub fn responses(&self, channel: usize) -> Result<&[HillResponse], PosteriorError> {
        Ok(&self.channel(channel)?.responses)
    }

    /// The steady-state weekly contribution `f_d(spend)` of channel `channel` under every
    /// draw `d` (currency per week).
    ///
    /// # Errors
    /// [`PosteriorError::ChannelOutOfRange`].
    pub fn contributions(&self, channel: usize, spend: f64) -> Result<Vec<f64>, PosteriorError> {
        Ok(self
            .channel(channel)?
            .responses
            .iter()
            .map(|r| r.value(spend))
            .collect())
    }

    /// The posterior-mean steady-state response at `spend`: `(1/D) Σ_d f_d(spend)`, the mean
    /// over the draws of the channel's curves (not the curve of the mean parameters).
    ///
    /// # Errors
    /// [`PosteriorError::ChannelOutOfRange`].
    pub fn mean_response(&self, channel: usize, spend: f64) -> Result<f64, PosteriorError> {
        let values = self.contributions(channel, spend)?;
        Ok(values.iter().sum::<f64>() / values.len().max(1) as f64)
    }

    /// The posterior-mean marginal return at `spend`, `(1/D) Σ_d f'_d(spend)`.
    ///
    /// # Errors
    /// [`PosteriorError::ChannelOutOfRange`].
    pub fn mean_marginal(&self, channel: usize, spend: f64) -> Result<f64, PosteriorError> {
        let curves = &self.channel(channel)?.responses;
        Ok(curves.iter().map(|r| r.marginal(spend)).sum::<f64>() / curves.len().max(1) as f64)
    }
}

/// The `(1 − level)/2` and `(1 + level)/2` quantiles of `values`.
///
/// # Errors
/// [`PosteriorError::InvalidLevel`] unless `0 < level < 1`.
pub fn equal_tailed_interval(values: &[f64], level: f64) -> Result<(f64, f64), PosteriorError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(PosteriorError::InvalidLevel(level));
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let tail = 0.5 * (1.0 - level);
    Ok((quantile(&sorted, tail), quantile(&sorted, 1.0 - tail)))
}

/// Quantile `p` of sorted values, interpolating linearly between order statistics
/// (position `p·(n − 1)`); NaN for no values.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n => {
            let position = p * (n - 1) as f64;
            let low = position.floor() as usize;
            let high = (low + 1).min(n - 1);
            let weight = position - low as f64;
            sorted[low] * (1.0 - weight) + sorted[high] * weight
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_of_uniform_grid_is_its_quantiles() {
        let values: Vec<f64> = (0..=100).rev().map(f64::from).collect();
        let (low, high) = equal_tailed_interval(&values, 0.9).unwrap();
        assert!((low - 5.0).abs() < 1e-12 && (high - 95.0).abs() < 1e-12);
        for bad in [0.0, 1.0, -0.5, f64::NAN] {
            assert!(equal_tailed_interval(&values, bad).is_err());
        }
    }
}
