//! [`HorizonPlan`]: a channel × week plan evaluated through the model's dynamics, and the
//! optimiser's [`Certificate`].

use serde::{Deserialize, Serialize};

/// The optimiser's proof of quality: the plan's media revenue (a lower bound on the best
/// achievable) and an upper bound on the best achievable, both incremental over spending
/// nothing in the period and including the carryover tail.
///
/// ```text
/// lower_bound = F(plan) ≤ max F ≤ upper_bound,     relative_gap = (upper − lower) / |upper|
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    /// Media revenue of the returned plan (currency).
    pub lower_bound: f64,
    /// No plan within the constraints earns more than this (currency).
    pub upper_bound: f64,
    /// `(upper − lower) / |upper|` (0 when both are 0).
    pub relative_gap: f64,
    /// True when every channel's curve is concave: the gap is then only the solver's
    /// tolerance (≤ 1e-6, usually ≈ 1e-10).
    pub concave: bool,
    /// Newton steps taken (all phases).
    pub newton_steps: usize,
}

impl Certificate {
    /// `upper − lower` (currency).
    pub fn gap(&self) -> f64 {
        self.upper_bound - self.lower_bound
    }
}

/// A channel × week spend plan and what the model predicts it earns.
///
/// Revenue is computed with the model's dynamics: the carry-in from the spend already
/// made, the channel's carryover (geometric or a finite kernel such as Weibull) within the
/// period and **after** it (spend is taken as zero after the period and the tail counts:
/// until negligible for geometric, the `L − 1` weeks a kernel of `L` lags reaches), Hill
/// saturation of the adstocked spend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonPlan {
    /// The spend, week by week and channel by channel (its methods are the plan's, by
    /// `Deref`).
    #[serde(flatten)]
    pub(crate) schedule: SpendSchedule,
    /// Week-major media revenue `β_c·hill(a_{c,h})`, carry-in included.
    pub(crate) contributions: Vec<f64>,
    /// Per channel: media revenue after the period (the carryover tail).
    pub(crate) tail: Vec<f64>,
    /// Per channel: media revenue over the period and tail had nothing been spent (the
    /// carry-in alone).
    pub(crate) carry_in_only: Vec<f64>,
    /// Per channel: `Σ_k f(a_k) − f(a_k without the plan)`, the plan's incremental revenue,
    /// summed term by term (so a plan that spends nothing earns exactly 0).
    pub(crate) gain: Vec<f64>,
    pub(crate) certificate: Option<Certificate>,
}

/// A plan's spend over the period, week by week and channel by channel: what the additive
/// ([`HorizonPlan`]) and the multiplicative
/// ([`super::MultiplicativePlan`]) horizon plans share; both give its methods by `Deref`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpendSchedule {
    pub(crate) channel_names: Vec<String>,
    pub(crate) weeks: usize,
    /// Week-major spend, `h·C + c`.
    pub(crate) spend: Vec<f64>,
}

impl SpendSchedule {
    /// Plan period, weeks.
    pub fn weeks(&self) -> usize {
        self.weeks
    }

    /// Channel names, in the model's order.
    pub fn channel_names(&self) -> &[String] {
        &self.channel_names
    }

    /// Spend of `channel` in `week`.
    pub fn spend(&self, week: usize, channel: usize) -> f64 {
        self.spend[week * self.channel_names.len() + channel]
    }

    /// The whole plan, week-major (`week·C + channel`).
    pub fn spend_matrix(&self) -> &[f64] {
        &self.spend
    }

    /// Total spend of `week`, all channels.
    pub fn week_total(&self, week: usize) -> f64 {
        let c = self.channel_names.len();
        self.spend[week * c..(week + 1) * c].iter().sum()
    }

    /// Total spend of `channel` over the period.
    pub fn channel_total(&self, channel: usize) -> f64 {
        let c = self.channel_names.len();
        (0..self.weeks).map(|h| self.spend[h * c + channel]).sum()
    }

    /// Total spend of the plan.
    pub fn total_spend(&self) -> f64 {
        self.spend.iter().sum()
    }
}

impl std::ops::Deref for HorizonPlan {
    type Target = SpendSchedule;

    fn deref(&self) -> &SpendSchedule {
        &self.schedule
    }
}

impl HorizonPlan {
    /// Media revenue of `channel` in `week`, `β·hill(a_h)`, carry-in from past spend included.
    pub fn contribution(&self, week: usize, channel: usize) -> f64 {
        self.contributions[week * self.schedule.channel_names.len() + channel]
    }

    /// Media revenue of each week of the period (all channels, carry-in included): what the
    /// forecast adds to the baseline.
    pub fn weekly_media(&self) -> Vec<f64> {
        let c = self.schedule.channel_names.len();
        (0..self.schedule.weeks)
            .map(|h| self.contributions[h * c..(h + 1) * c].iter().sum())
            .collect()
    }

    /// Media revenue earned after the period by the carryover of the plan (and of the
    /// carry-in), per channel.
    pub fn tail_revenue(&self) -> &[f64] {
        &self.tail
    }

    /// Media revenue over the period and its tail had nothing been spent in the period (the
    /// carry-in from past spend alone), all channels.
    pub fn carry_in_revenue(&self) -> f64 {
        self.carry_in_only.iter().sum()
    }

    /// Incremental media revenue of `channel`: its revenue over the period and the tail
    /// minus what its carry-in alone would earn.
    pub fn channel_revenue(&self, channel: usize) -> f64 {
        self.gain[channel]
    }

    /// The plan's media revenue: incremental over spending nothing in the period, tail
    /// included. This is what the optimiser maximises.
    pub fn media_revenue(&self) -> f64 {
        (0..self.schedule.channel_names.len())
            .map(|c| self.channel_revenue(c))
            .sum()
    }

    /// `media_revenue / total_spend` (NaN for a plan that spends nothing).
    pub fn roas(&self) -> f64 {
        let spend = self.total_spend();
        if spend > 0.0 {
            self.media_revenue() / spend
        } else {
            f64::NAN
        }
    }

    /// The optimiser's certificate; `None` for a plan that was only evaluated.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref()
    }
}
