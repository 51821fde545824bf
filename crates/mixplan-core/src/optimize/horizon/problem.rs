//! Horizon problem definitions: unchecked [`HorizonParams`] in, validated [`HorizonProblem`]
//! out. Nothing is solved here; every check runs before any work.

use super::dynamics::HorizonModel;
use super::error::HorizonError;
use super::revenue::TimeWeights;

/// Longest plan period, weeks.
pub const MAX_WEEKS: usize = 52;
/// Default plan period, weeks (a quarter).
pub const DEFAULT_WEEKS: usize = 13;

/// A cap on one channel in one week: `x_{h,c} ≤ max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellCap {
    /// Week of the plan period (0-based).
    pub week: usize,
    /// Channel index.
    pub channel: usize,
    /// Largest allowed spend.
    pub max: f64,
}

/// A cap on the total spend of one week: `Σ_c x_{h,c} ≤ max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekCap {
    /// Week of the plan period (0-based).
    pub week: usize,
    /// Largest allowed total spend that week.
    pub max: f64,
}

/// A cap on one channel's total over the period: `Σ_h x_{h,c} ≤ max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelCap {
    /// Channel index.
    pub channel: usize,
    /// Largest allowed total over the period.
    pub max: f64,
}

/// A fixed amount: `x_{h,c} = amount` (already booked, or decided by hand).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixedSpend {
    /// Week of the plan period (0-based).
    pub week: usize,
    /// Channel index.
    pub channel: usize,
    /// The amount.
    pub amount: f64,
}

/// What to plan, unchecked: a period of `weeks` weeks, a total `budget` over it, caps and
/// fixed amounts. Build with [`HorizonParams::new`] and the builder methods, then
/// [`HorizonParams::check`] against a [`HorizonModel`].
///
/// | field | meaning | default | range |
/// |---|---|---|---|
/// | `weeks` (N) | plan period, weeks | [`DEFAULT_WEEKS`] | 1 – [`MAX_WEEKS`] |
/// | `budget` (B) | total spend over the period, all channels | — | finite, ≥ 0 |
/// | `cell_caps` | `x_{h,c} ≤ max` | none | `max ≥ 0` (may be `+∞`) |
/// | `week_caps` | `Σ_c x_{h,c} ≤ max` | none | `max ≥ 0` |
/// | `channel_caps` | `Σ_h x_{h,c} ≤ max` | none | `max ≥ 0` |
/// | `fixed` | `x_{h,c} = amount` | none | finite, ≥ 0 |
///
/// Several caps on the same cell, week or channel: the smallest applies.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonParams {
    /// Plan period, weeks.
    pub weeks: usize,
    /// Total budget over the period.
    pub budget: f64,
    /// Caps on single cells.
    pub cell_caps: Vec<CellCap>,
    /// Caps on weekly totals.
    pub week_caps: Vec<WeekCap>,
    /// Caps on channel totals over the period.
    pub channel_caps: Vec<ChannelCap>,
    /// Fixed amounts.
    pub fixed: Vec<FixedSpend>,
}

impl HorizonParams {
    /// `weeks` weeks, total `budget`, no caps, nothing fixed.
    pub fn new(weeks: usize, budget: f64) -> Self {
        Self {
            weeks,
            budget,
            cell_caps: Vec::new(),
            week_caps: Vec::new(),
            channel_caps: Vec::new(),
            fixed: Vec::new(),
        }
    }

    /// Adds `x_{week,channel} ≤ max`.
    pub fn cap_cell(mut self, week: usize, channel: usize, max: f64) -> Self {
        self.cell_caps.push(CellCap { week, channel, max });
        self
    }

    /// Adds `x_{h,channel} ≤ max` for every week `h` (a per-week cap on one channel).
    pub fn cap_channel_weekly(mut self, channel: usize, max: f64) -> Self {
        for week in 0..self.weeks.min(MAX_WEEKS) {
            self.cell_caps.push(CellCap { week, channel, max });
        }
        self
    }

    /// Adds `Σ_c x_{week,c} ≤ max`.
    pub fn cap_week(mut self, week: usize, max: f64) -> Self {
        self.week_caps.push(WeekCap { week, max });
        self
    }

    /// Adds `Σ_h x_{h,channel} ≤ max`.
    pub fn cap_channel(mut self, channel: usize, max: f64) -> Self {
        self.channel_caps.push(ChannelCap { channel, max });
        self
    }

    /// Adds `x_{week,channel} = amount`.
    pub fn fix(mut self, week: usize, channel: usize, amount: f64) -> Self {
        self.fixed.push(FixedSpend {
            week,
            channel,
            amount,
        });
        self
    }

    /// Validates against `model`; see [`HorizonProblem::new`].
    ///
    /// # Errors
    /// As [`HorizonProblem::new`].
    pub fn check(&self, model: &HorizonModel) -> Result<HorizonProblem, HorizonError> {
        HorizonProblem::new(model, self)
    }
}

/// A validated horizon problem:
///
/// ```text
/// maximise   Σ_c Σ_{k ≥ 0} β_c·hill(a_{c,k}; K_c, s_c)          (incremental over spending nothing)
/// subject to Σ_{h,c} x_{h,c} = B,   lo_{h,c} ≤ x_{h,c} ≤ hi_{h,c},
///            Σ_c x_{h,c} ≤ W_h,     Σ_h x_{h,c} ≤ C_c
/// ```
///
/// with `a_{c,k}` the adstock of week `k` (spend zero after the period: the tail of the
/// carryover counts). Bounds are per cell, `lo = hi` for a fixed amount.
///
/// **Time weights** ([`HorizonProblem::with_time_weights`], none by default): the objective
/// becomes `Σ_c Σ_k ω_k·[f_c(a_{c,k}) − f_c(a_{c,k}(0))]` with one weight `ω_k ≥ 0` per time
/// index `k` of the path (period and tail, common to all channels). The multiplicative
/// horizon ([`super::MultiplicativeHorizon`]) solves a sequence of such problems.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonProblem {
    pub(crate) model: HorizonModel,
    pub(crate) weeks: usize,
    pub(crate) budget: f64,
    /// Week-major (`h·C + c`) lower bounds: the fixed amount, else 0.
    pub(crate) lower: Vec<f64>,
    /// Week-major upper bounds: the fixed amount, the cell cap, else `+∞`.
    pub(crate) upper: Vec<f64>,
    pub(crate) week_caps: Vec<f64>,
    pub(crate) channel_caps: Vec<f64>,
    /// `ω_k` of the weighted objective (`None`: all 1).
    pub(crate) time_weights: Option<TimeWeights>,
}

impl HorizonProblem {
    /// Validates `params` against `model`.
    ///
    /// # Errors
    /// [`HorizonError::InvalidWeeks`], [`HorizonError::InvalidBudget`],
    /// [`HorizonError::UnknownWeek`], [`HorizonError::UnknownChannel`],
    /// [`HorizonError::InvalidCap`], [`HorizonError::InvalidFixed`],
    /// [`HorizonError::ConflictingFixed`], [`HorizonError::FixedAboveCap`],
    /// [`HorizonError::FixedExceedBudget`], [`HorizonError::CapsBelowBudget`].
    pub fn new(model: &HorizonModel, params: &HorizonParams) -> Result<Self, HorizonError> {
        let weeks = params.weeks;
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(HorizonError::InvalidWeeks(weeks));
        }
        let budget = params.budget;
        if !(budget.is_finite() && budget >= 0.0) {
            return Err(HorizonError::InvalidBudget(budget));
        }
        let channels = model.channels().len();
        let check_week = |week: usize| {
            if week < weeks {
                Ok(())
            } else {
                Err(HorizonError::UnknownWeek { week, weeks })
            }
        };
        let check_channel = |channel: usize| {
            if channel < channels {
                Ok(())
            } else {
                Err(HorizonError::UnknownChannel { channel, channels })
            }
        };
        let check_cap = |max: f64, what: &dyn Fn() -> String| {
            if max >= 0.0 {
                Ok(())
            } else {
                Err(HorizonError::InvalidCap {
                    what: what(),
                    value: max,
                })
            }
        };
        let names = model.channel_names();
        let cell_name =
            |week: usize, channel: usize| format!("'{}' in week {}", names[channel], week + 1);

        let mut upper = vec![f64::INFINITY; weeks * channels];
        for cap in &params.cell_caps {
            check_week(cap.week)?;
            check_channel(cap.channel)?;
            check_cap(cap.max, &|| {
                format!("the cap of {}", cell_name(cap.week, cap.channel))
            })?;
            let cell = &mut upper[cap.week * channels + cap.channel];
            *cell = cell.min(cap.max);
        }
        let mut week_caps = vec![f64::INFINITY; weeks];
        for cap in &params.week_caps {
            check_week(cap.week)?;
            check_cap(cap.max, &|| format!("the cap of week {}", cap.week + 1))?;
            week_caps[cap.week] = week_caps[cap.week].min(cap.max);
        }
        let mut channel_caps = vec![f64::INFINITY; channels];
        for cap in &params.channel_caps {
            check_channel(cap.channel)?;
            check_cap(cap.max, &|| {
                format!("the period cap of '{}'", names[cap.channel])
            })?;
            channel_caps[cap.channel] = channel_caps[cap.channel].min(cap.max);
        }

        let mut lower = vec![0.0; weeks * channels];
        let mut fixed: Vec<Option<f64>> = vec![None; weeks * channels];
        for f in &params.fixed {
            check_week(f.week)?;
            check_channel(f.channel)?;
            if !(f.amount.is_finite() && f.amount >= 0.0) {
                return Err(HorizonError::InvalidFixed {
                    what: format!("the fixed amount of {}", cell_name(f.week, f.channel)),
                    value: f.amount,
                });
            }
            let i = f.week * channels + f.channel;
            match fixed[i] {
                Some(first) if first != f.amount => {
                    return Err(HorizonError::ConflictingFixed {
                        cell: cell_name(f.week, f.channel),
                        first,
                        second: f.amount,
                    });
                }
                _ => fixed[i] = Some(f.amount),
            }
        }
        for (i, amount) in fixed.iter().enumerate() {
            if let Some(amount) = *amount {
                if amount > upper[i] {
                    return Err(HorizonError::FixedAboveCap {
                        what: cell_name(i / channels, i % channels),
                        fixed: amount,
                        cap: upper[i],
                    });
                }
                lower[i] = amount;
                upper[i] = amount;
            }
        }
        for (h, &cap) in week_caps.iter().enumerate() {
            let fixed: f64 = lower[h * channels..(h + 1) * channels].iter().sum();
            if fixed > cap {
                return Err(HorizonError::FixedAboveCap {
                    what: format!("week {}", h + 1),
                    fixed,
                    cap,
                });
            }
        }
        for (c, &cap) in channel_caps.iter().enumerate() {
            let fixed: f64 = (0..weeks).map(|h| lower[h * channels + c]).sum();
            if fixed > cap {
                return Err(HorizonError::FixedAboveCap {
                    what: format!("'{}' over the period", names[c]),
                    fixed,
                    cap,
                });
            }
        }
        let fixed_total: f64 = lower.iter().sum();
        if fixed_total > budget {
            return Err(HorizonError::FixedExceedBudget {
                fixed: fixed_total,
                budget,
            });
        }
        let room = fixed_total + spare_room(&lower, &upper, &week_caps, &channel_caps, budget);
        if room < budget * (1.0 - 1e-12) {
            return Err(HorizonError::CapsBelowBudget { room, budget });
        }
        Ok(Self {
            model: model.clone(),
            weeks,
            budget,
            lower,
            upper,
            week_caps,
            channel_caps,
            time_weights: None,
        })
    }

    /// The same problem with the objective weighted per time index: `ω_k = values[k]` for
    /// `k < values.len()` (week `k` of the period for `k < N`, then the carryover tail) and
    /// `ω_k = beyond` after; each weight multiplies every channel's `f_c(a_{c,k})` in week `k`
    /// (see [`HorizonProblem`]). The certificate is then of the weighted objective. Weights
    /// all 1 give exactly the unweighted problem's results.
    ///
    /// # Errors
    /// [`HorizonError::InvalidWeight`] for a negative or non-finite weight.
    pub fn with_time_weights(
        mut self,
        values: Vec<f64>,
        beyond: f64,
    ) -> Result<Self, HorizonError> {
        let invalid = values
            .iter()
            .copied()
            .chain(std::iter::once(beyond))
            .enumerate()
            .find(|(_, w)| !(w.is_finite() && *w >= 0.0));
        if let Some((index, value)) = invalid {
            return Err(HorizonError::InvalidWeight { index, value });
        }
        self.time_weights = Some(TimeWeights { values, beyond });
        Ok(self)
    }

    /// The time weights `(values, beyond)` of [`HorizonProblem::with_time_weights`] (`None`:
    /// unweighted).
    pub fn time_weights(&self) -> Option<(&[f64], f64)> {
        self.time_weights
            .as_ref()
            .map(|w| (w.values.as_slice(), w.beyond))
    }

    /// The dynamics planned with.
    pub fn model(&self) -> &HorizonModel {
        &self.model
    }

    /// Plan period N, weeks.
    pub fn weeks(&self) -> usize {
        self.weeks
    }

    /// Number of channels C.
    pub fn channels(&self) -> usize {
        self.model.channels().len()
    }

    /// Total budget B.
    pub fn budget(&self) -> f64 {
        self.budget
    }

    /// Smallest allowed spend of `channel` in `week` (its fixed amount, else 0).
    pub fn lower(&self, week: usize, channel: usize) -> f64 {
        self.lower[week * self.channels() + channel]
    }

    /// Largest allowed spend of `channel` in `week` (`+∞` when uncapped).
    pub fn upper(&self, week: usize, channel: usize) -> f64 {
        self.upper[week * self.channels() + channel]
    }

    /// Cap on the total of `week` (`+∞` when uncapped).
    pub fn week_cap(&self, week: usize) -> f64 {
        self.week_caps[week]
    }

    /// Cap on `channel`'s total over the period (`+∞` when uncapped).
    pub fn channel_cap(&self, channel: usize) -> f64 {
        self.channel_caps[channel]
    }

    /// The same problem with another total budget (a slider move), re-validated.
    ///
    /// # Errors
    /// [`HorizonError::InvalidBudget`], [`HorizonError::FixedExceedBudget`],
    /// [`HorizonError::CapsBelowBudget`].
    pub fn with_budget(&self, budget: f64) -> Result<Self, HorizonError> {
        let channels = self.channels();
        let mut params = HorizonParams::new(self.weeks, budget);
        for (i, (&lo, &hi)) in self.lower.iter().zip(&self.upper).enumerate() {
            let (week, channel) = (i / channels, i % channels);
            if lo == hi {
                params = params.fix(week, channel, lo);
            } else if hi.is_finite() {
                params = params.cap_cell(week, channel, hi);
            }
        }
        for (week, &max) in self.week_caps.iter().enumerate() {
            if max.is_finite() {
                params = params.cap_week(week, max);
            }
        }
        for (channel, &max) in self.channel_caps.iter().enumerate() {
            if max.is_finite() {
                params = params.cap_channel(channel, max);
            }
        }
        let mut problem = Self::new(&self.model, &params)?;
        problem.time_weights = self.time_weights.clone();
        Ok(problem)
    }
}

/// The most the caps allow beyond the fixed amounts (capped at `budget`): a maximum flow
/// source → week `h` (capacity `W_h − fixed_h`) → cell `(h, c)` (`hi − lo`) → channel `c`
/// (`C_c − fixed_c`) → sink, by Edmonds–Karp (shortest augmenting paths) on the
/// `N + C + 2` nodes. Infinite capacities are replaced by the budget, which no flow exceeds.
fn spare_room(
    lower: &[f64],
    upper: &[f64],
    week_caps: &[f64],
    channel_caps: &[f64],
    budget: f64,
) -> f64 {
    let (weeks, channels) = (week_caps.len(), channel_caps.len());
    let nodes = weeks + channels + 2;
    let (source, sink) = (weeks + channels, weeks + channels + 1);
    let finite = |v: f64| v.min(budget).max(0.0);
    let mut capacity = vec![0.0; nodes * nodes];
    for h in 0..weeks {
        let fixed: f64 = lower[h * channels..(h + 1) * channels].iter().sum();
        capacity[source * nodes + h] = finite(week_caps[h] - fixed);
        for c in 0..channels {
            let i = h * channels + c;
            capacity[h * nodes + weeks + c] = finite(upper[i] - lower[i]);
        }
    }
    for c in 0..channels {
        let fixed: f64 = (0..weeks).map(|h| lower[h * channels + c]).sum();
        capacity[(weeks + c) * nodes + sink] = finite(channel_caps[c] - fixed);
    }
    let mut flow = 0.0;
    let mut previous = vec![usize::MAX; nodes];
    let mut queue = std::collections::VecDeque::with_capacity(nodes);
    while flow < budget {
        previous.fill(usize::MAX);
        previous[source] = source;
        queue.clear();
        queue.push_back(source);
        while let Some(u) = queue.pop_front() {
            for v in 0..nodes {
                if previous[v] == usize::MAX && capacity[u * nodes + v] > 0.0 {
                    previous[v] = u;
                    queue.push_back(v);
                }
            }
        }
        if previous[sink] == usize::MAX {
            break;
        }
        let mut push = budget - flow;
        let mut v = sink;
        while v != source {
            let u = previous[v];
            push = push.min(capacity[u * nodes + v]);
            v = u;
        }
        if push <= 0.0 {
            break;
        }
        let mut v = sink;
        while v != source {
            let u = previous[v];
            capacity[u * nodes + v] -= push;
            capacity[v * nodes + u] += push;
            v = u;
        }
        flow += push;
    }
    flow
}
