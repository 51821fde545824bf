//! [`PeriodPlan`]: a horizon plan in the form of the model that made it — the additive
//! planner's [`HorizonPlan`] or the multiplicative one's [`MultiplicativePlan`] — with the
//! figures both have under one name, so that a caller (the CLI's `plan`, the page's
//! planning ahead) reports either without writing its output twice.
//!
//! | figure | additive | multiplicative |
//! |---|---|---|
//! | `media_revenue` | `Σ_c Σ_k [f_c(a_{c,k}(x)) − f_c(a_{c,k}(0))]` | `Σ_k B_k·[e^{G_k(x)} − e^{G_k(0)}]` |
//! | `channel_revenue(c)` | the channel's incremental revenue (they add up to `media_revenue`) | its incremental removal effect (they overlap) |
//! | `tail_revenue` | per channel, media revenue after the period | per channel, the removal effect after the period |
//! | `certificate` | a bound on every feasible plan: the gap is to the optimum | the last weighted problem's: a stationarity measure, not a bound on `max F` |
//! | `mm` | `None` | the minorise–maximise iteration's facts |

use serde::{Deserialize, Serialize};

use super::multiplicative::{MmReport, MultiplicativePlan};
use super::plan::{Certificate, HorizonPlan, SpendSchedule};

/// A channel × week plan in its model's form; the spend schedule's methods by `Deref`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PeriodPlan {
    /// Planned with the additive model ([`super::HorizonOptimizer::solve`]).
    Additive(HorizonPlan),
    /// Planned with the multiplicative model
    /// ([`super::HorizonOptimizer::solve_multiplicative`]).
    Multiplicative(MultiplicativePlan),
}

impl From<HorizonPlan> for PeriodPlan {
    fn from(plan: HorizonPlan) -> Self {
        Self::Additive(plan)
    }
}

impl From<MultiplicativePlan> for PeriodPlan {
    fn from(plan: MultiplicativePlan) -> Self {
        Self::Multiplicative(plan)
    }
}

impl std::ops::Deref for PeriodPlan {
    type Target = SpendSchedule;

    fn deref(&self) -> &SpendSchedule {
        match self {
            Self::Additive(plan) => plan,
            Self::Multiplicative(plan) => plan,
        }
    }
}

impl PeriodPlan {
    /// True for a plan of the multiplicative form.
    pub fn is_multiplicative(&self) -> bool {
        matches!(self, Self::Multiplicative(_))
    }

    /// The plan's media revenue, incremental over spending nothing in the period, carryover
    /// tail included: what the planner maximised (table in the module docs).
    pub fn media_revenue(&self) -> f64 {
        match self {
            Self::Additive(plan) => plan.media_revenue(),
            Self::Multiplicative(plan) => plan.media_revenue(),
        }
    }

    /// `media_revenue / total_spend` (NaN for a plan that spends nothing).
    pub fn roas(&self) -> f64 {
        match self {
            Self::Additive(plan) => plan.roas(),
            Self::Multiplicative(plan) => plan.roas(),
        }
    }

    /// Channel `channel`'s incremental revenue over the period and the tail (in the
    /// multiplicative form its removal effect; those overlap and do not add up to
    /// [`PeriodPlan::media_revenue`]).
    pub fn channel_revenue(&self, channel: usize) -> f64 {
        match self {
            Self::Additive(plan) => plan.channel_revenue(channel),
            Self::Multiplicative(plan) => plan.channel_revenue(channel),
        }
    }

    /// Per channel, what the plan earns after the period.
    pub fn tail_revenue(&self) -> &[f64] {
        match self {
            Self::Additive(plan) => plan.tail_revenue(),
            Self::Multiplicative(plan) => plan.tail_revenue(),
        }
    }

    /// Media revenue over the period and its tail had nothing been spent in the period.
    pub fn carry_in_revenue(&self) -> f64 {
        match self {
            Self::Additive(plan) => plan.carry_in_revenue(),
            Self::Multiplicative(plan) => plan.carry_in_revenue(),
        }
    }

    /// Channel `channel`'s media revenue in `week`, carry-in included (in the multiplicative
    /// form its removal effect that week).
    pub fn contribution(&self, week: usize, channel: usize) -> f64 {
        match self {
            Self::Additive(plan) => plan.contribution(week, channel),
            Self::Multiplicative(plan) => plan.contribution(week, channel),
        }
    }

    /// Media revenue of each week of the period, carry-in included: what the forecast adds
    /// to the revenue without media.
    pub fn weekly_media(&self) -> Vec<f64> {
        match self {
            Self::Additive(plan) => plan.weekly_media(),
            Self::Multiplicative(plan) => plan.weekly_media(),
        }
    }

    /// The optimiser's certificate (its meaning differs by form: module docs); `None` for a
    /// plan that was only evaluated.
    pub fn certificate(&self) -> Option<&Certificate> {
        match self {
            Self::Additive(plan) => plan.certificate(),
            Self::Multiplicative(plan) => plan.certificate(),
        }
    }

    /// The minorise–maximise iteration's facts: multiplicative plans only.
    pub fn mm(&self) -> Option<&MmReport> {
        match self {
            Self::Additive(_) => None,
            Self::Multiplicative(plan) => plan.mm(),
        }
    }
}
