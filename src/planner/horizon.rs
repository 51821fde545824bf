//! The horizon plan as the page asks for it: a plan period, a total budget over it, caps
//! and fixed amounts; the answer is the core's channel × week plan ([`HorizonOptimizer`],
//! with its certificate) and the forecast of total weekly revenue ([`Forecast`], with its
//! interval).
//!
//! What the page's fields take (weeks are numbered from 1; a channel is its id or name, in
//! any case; entries are separated by `;`, new lines, or `,` followed by the next entry's
//! week, so `3:20,000, 7:0` is two entries and keeps its thousands separator):
//!
//! | field | syntax | meaning | CLI (`mixplan plan`) |
//! |---|---|---|---|
//! | cap per channel | `5000` | `x_{h,c} ≤ 5000` every week | `--cap CH=V` |
//! | cap per week | `40000` | `Σ_c x_{h,c} ≤ 40000` every week | `--week-cap V` |
//! | week overrides | `3:20000; 7:0` (or `3=20000`) | week 3's total ≤ 20,000, week 7's 0 (instead of the cap per week) | `--week-cap W=V` |
//! | channel caps in single weeks | `5:email<=2000` (or `5:email=2000`) | `x_{5,email} ≤ 2000` (instead of email's cap per channel) | `--cap W:CH=V` |
//! | fixed amounts | `1:email=5000` | `x_{1,email} = 5000` | `--fix W:CH=V` |
//!
//! A week's own cap replaces the cap for every week (it may be higher or lower), and so does
//! a channel's cap in one week replace its cap for every week.

use std::sync::Arc;

use mixplan_core::data::WeeklyData;
use mixplan_core::model::MultiplicativeModel;
use mixplan_core::optimize::horizon::{
    Forecast, ForecastParams, HorizonError, HorizonModel, HorizonOptimizer, HorizonParams,
    MAX_WEEKS, MultiplicativeHorizon, PeriodPlan,
};
use serde::{Deserialize, Serialize};

use super::scenario::{ChannelInfo, Planner, additive_only};
use crate::format::{currency, parse_money};

/// What the horizon form holds, parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonInputs {
    /// Plan period, weeks (1–52).
    pub weeks: usize,
    /// Total budget over the period.
    pub budget: f64,
    /// Per channel, the most it may get in any one week (`None`: no cap).
    pub weekly_caps: Vec<Option<f64>>,
    /// The most all channels together may get in any one week (`None`: no cap).
    pub week_cap: Option<f64>,
    /// Weeks with a cap of their own on their total, replacing `week_cap`: (week, 0-based;
    /// the most).
    pub week_caps: Vec<(usize, f64)>,
    /// Channels with a cap of their own in one week, replacing their `weekly_caps` entry
    /// that week: (week, 0-based; channel; the most).
    pub cell_caps: Vec<(usize, usize, f64)>,
    /// Fixed amounts: (week, 0-based; channel; amount).
    pub fixed: Vec<(usize, usize, f64)>,
}

impl HorizonInputs {
    /// `weeks` weeks and `budget` for `channels` channels, with no cap and nothing fixed.
    pub fn new(weeks: usize, budget: f64, channels: usize) -> Self {
        Self {
            weeks,
            budget,
            weekly_caps: vec![None; channels],
            week_cap: None,
            week_caps: Vec::new(),
            cell_caps: Vec::new(),
            fixed: Vec::new(),
        }
    }

    /// The cap on the total of `week` (0-based): its own, else the cap for every week.
    pub fn week_total_cap(&self, week: usize) -> Option<f64> {
        self.week_caps
            .iter()
            .find(|(w, _)| *w == week)
            .map(|(_, max)| *max)
            .or(self.week_cap)
    }

    /// The cap on `channel` in `week` (0-based): its own for that week, else the channel's
    /// cap for every week.
    pub fn cell_cap(&self, week: usize, channel: usize) -> Option<f64> {
        self.cell_caps
            .iter()
            .find(|(w, c, _)| *w == week && *c == channel)
            .map(|(_, _, max)| *max)
            .or_else(|| self.weekly_caps.get(channel).copied().flatten())
    }

    /// The core's parameters: every week's and every cell's cap as [`Self::week_total_cap`]
    /// and [`Self::cell_cap`] give it, and the fixed amounts.
    pub fn params(&self) -> HorizonParams {
        let mut params = HorizonParams::new(self.weeks, self.budget);
        for week in 0..self.weeks {
            if let Some(max) = self.week_total_cap(week) {
                params = params.cap_week(week, max);
            }
            for channel in 0..self.weekly_caps.len() {
                if let Some(max) = self.cell_cap(week, channel) {
                    params = params.cap_cell(week, channel, max);
                }
            }
        }
        for &(week, channel, amount) in &self.fixed {
            params = params.fix(week, channel, amount);
        }
        params
    }
}

/// A plan and its forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonOutcome {
    /// The channel × week plan in the model's form, with the optimiser's certificate.
    pub plan: PeriodPlan,
    /// Total weekly revenue over the period, with its interval.
    pub forecast: Forecast,
}

/// Reads the plan period: a whole number of weeks from 1 to 52.
///
/// # Errors
/// What to type instead.
pub fn parse_weeks(text: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|w| (1..=MAX_WEEKS).contains(w))
        .ok_or_else(|| {
            format!(
                "Type a plan period of 1 to {MAX_WEEKS} weeks (you typed \"{}\").",
                text.trim()
            )
        })
}

/// Reads an optional cap: empty means none, else an amount ≥ 0.
///
/// # Errors
/// What to type instead.
pub fn parse_cap(text: &str) -> Result<Option<f64>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match parse_money(text) {
        Ok(v) if v >= 0.0 => Ok(Some(v)),
        Ok(_) => {
            Err("A cap cannot be negative: type an amount of $0 or more, or leave it empty.".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// The entries of a typed list: split at `;`, new lines, and at a `,` followed by the next
/// entry's week (digits, then `:` or `=`), so that a thousands separator (`3:20,000`) stays
/// in its amount. Empty entries are dropped; each is trimmed.
pub fn entries(text: &str) -> Vec<&str> {
    let starts_entry = |rest: &str| {
        let rest = rest.trim_start();
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        digits > 0 && rest[digits..].trim_start().starts_with([':', '='])
    };
    let mut out = Vec::new();
    for chunk in text.split([';', '\n']) {
        let mut start = 0;
        for (i, _) in chunk.match_indices(',') {
            if starts_entry(&chunk[i + 1..]) {
                out.push(&chunk[start..i]);
                start = i + 1;
            }
        }
        out.push(&chunk[start..]);
    }
    out.into_iter()
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect()
}

/// A typed week number in `1..=weeks`, 0-based.
fn week_of(
    text: &str,
    entry: &str,
    weeks: usize,
    bad: impl Fn() -> String,
) -> Result<usize, String> {
    let week: usize = text.trim().parse().map_err(|_| bad())?;
    if (1..=weeks).contains(&week) {
        Ok(week - 1)
    } else {
        Err(format!(
            "\"{entry}\": week {week} is outside the plan period of {weeks} weeks; weeks are numbered 1 to {weeks}."
        ))
    }
}

/// The channel typed as its id or name (case-insensitive).
fn channel_of(text: &str, entry: &str, channels: &[ChannelInfo]) -> Result<usize, String> {
    let wanted = text.trim().to_lowercase();
    channels
        .iter()
        .position(|c| c.id.to_lowercase() == wanted || c.name.to_lowercase() == wanted)
        .ok_or_else(|| {
            let known: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
            format!(
                "\"{entry}\": there is no channel \"{}\"; use one of {}.",
                text.trim(),
                known.join(", ")
            )
        })
}

/// A typed amount of $0 or more; text that is no amount, or reads two ways (`1,5`), is
/// explained as the money parser explains it.
fn amount_of(text: &str, entry: &str, example: &str) -> Result<f64, String> {
    match parse_money(text) {
        Ok(amount) if amount >= 0.0 => Ok(amount),
        Ok(_) => Err(format!(
            "\"{entry}\": the amount must be $0 or more; {example}."
        )),
        Err(e) => Err(format!("\"{entry}\": {e}")),
    }
}

/// Refuses a second entry for the same `what` (a week, or a channel in a week).
fn check_once<K: PartialEq>(
    seen: &mut Vec<K>,
    key: K,
    entry: &str,
    what: &str,
) -> Result<(), String> {
    if seen.contains(&key) {
        return Err(format!(
            "\"{entry}\" gives a cap for a {what} that already has one: keep one entry per {what}."
        ));
    }
    seen.push(key);
    Ok(())
}

/// Reads entries `week:channel<sep>amount`, `<sep>` the first of `separators` the entry
/// holds; `what` names an entry in messages ("a fixed amount").
fn parse_cells(
    text: &str,
    channels: &[ChannelInfo],
    weeks: usize,
    separators: &[&str],
    what: &str,
    example: &str,
) -> Result<Vec<(usize, usize, f64)>, String> {
    entries(text)
        .into_iter()
        .map(|entry| {
            let bad = || format!("\"{entry}\" is not {what}: {example}.");
            let (cell, amount) = separators
                .iter()
                .find_map(|sep| entry.split_once(sep))
                .ok_or_else(bad)?;
            let (week, channel) = cell.split_once(':').ok_or_else(bad)?;
            let week = week_of(week, entry, weeks, bad)?;
            let channel = channel_of(channel, entry, channels)?;
            Ok((week, channel, amount_of(amount, entry, example)?))
        })
        .collect()
}

/// Reads fixed amounts typed as `week:channel=amount` (entries as [`entries`] splits
/// them), e.g. `1:email=5000; 2:email=5000`. Weeks are numbered from 1; a channel is its id
/// or name (case-insensitive).
///
/// # Errors
/// Which entry is wrong and how to write it.
pub fn parse_fixed(
    text: &str,
    channels: &[ChannelInfo],
    weeks: usize,
) -> Result<Vec<(usize, usize, f64)>, String> {
    parse_cells(
        text,
        channels,
        weeks,
        &["="],
        "a fixed amount",
        "write them as week:channel=amount, e.g. 1:email=5000; 2:email=5000",
    )
}

/// Reads caps on single weeks' totals typed as `week:amount` or `week=amount` (entries as
/// [`entries`] splits them), e.g. `3:20000, 7:0`: week 3 at most $20,000, week 7 nothing.
///
/// # Errors
/// Which entry is wrong and how to write it; a week given twice.
pub fn parse_week_caps(text: &str, weeks: usize) -> Result<Vec<(usize, f64)>, String> {
    let example = "write them as week:most, e.g. 3:20000; 7:0";
    let mut seen = Vec::new();
    entries(text)
        .into_iter()
        .map(|entry| {
            let bad = || format!("\"{entry}\" is not a week's cap: {example}.");
            let (week, amount) = entry.split_once([':', '=']).ok_or_else(bad)?;
            let week = week_of(week, entry, weeks, bad)?;
            check_once(&mut seen, week, entry, "week")?;
            Ok((week, amount_of(amount, entry, example)?))
        })
        .collect()
}

/// Reads caps on one channel in one week typed as `week:channel<=amount` (or
/// `week:channel=amount`, as `mixplan plan --cap` takes them; entries as [`entries`] splits
/// them), e.g. `5:paid_search<=20000`.
///
/// # Errors
/// Which entry is wrong and how to write it; a channel and week given twice.
pub fn parse_channel_week_caps(
    text: &str,
    channels: &[ChannelInfo],
    weeks: usize,
) -> Result<Vec<(usize, usize, f64)>, String> {
    let caps = parse_cells(
        text,
        channels,
        weeks,
        &["<=", "="],
        "a channel's cap in one week",
        "write them as week:channel<=most, e.g. 5:paid_search<=20000",
    )?;
    let mut seen = Vec::new();
    for (entry, &(week, channel, _)) in entries(text).into_iter().zip(&caps) {
        check_once(&mut seen, (week, channel), entry, "channel in a week")?;
    }
    Ok(caps)
}

/// How the page plans ahead for the planner's model: the additive model's channel
/// dynamics, solved on the page's thread (milliseconds), or the multiplicative model, whose
/// minorise–maximise solve (tens of milliseconds for a quarter, about a second for a year,
/// natively) runs in the on-demand worker ([`crate::worker::horizon_job`]).
#[derive(Debug, Clone)]
pub enum HorizonPlanning {
    /// The additive model's dynamics ([`horizon_model`]).
    Additive(Arc<HorizonModel>),
    /// The multiplicative model: each plan asked for is sent to the worker with the
    /// planner's model and data (`worker::horizon_job::HorizonJob::for_planner`).
    Multiplicative,
}

/// How to plan ahead for `planner`'s model ([`HorizonPlanning`]), checked: a model whose
/// dynamics or base cannot be built from its data is refused here, with the reason, before
/// any plan is asked for.
///
/// # Errors
/// Why the model and its data do not fit together, in words.
pub fn horizon_planning(planner: &Planner) -> Result<HorizonPlanning, String> {
    match planner.model().multiplicative() {
        None => horizon_model(planner).map(|model| HorizonPlanning::Additive(Arc::new(model))),
        Some(model) => {
            MultiplicativeHorizon::new(model, planner.data(), 1, &ForecastParams::new())
                .map_err(|e| format!("Planning ahead is not available for this model: {e}."))?;
            Ok(HorizonPlanning::Multiplicative)
        }
    }
}

/// The channel dynamics of the planner's additive model (carry-in from its data), for every
/// carryover form the model has: geometric `a_t = θ·a_{t−1} + (1 − θ)·x_t` with the state
/// after the data's last week, or a Weibull kernel `a_t = Σ_{l<L} W_l·x_{t−l}` with the data's
/// last `L − 1` weeks' share of each of the first `L − 1` planned weeks
/// ([`HorizonModel::from_fitted`]). Either way the plan is exact for the fitted model.
///
/// # Errors
/// Why the model and its data do not fit together, in words (a multiplicative model is
/// planned by [`plan_multiplicative_period`] instead).
pub fn horizon_model(planner: &Planner) -> Result<HorizonModel, String> {
    let model = planner
        .additive_model()
        .ok_or_else(|| additive_only("This plan"))?;
    HorizonModel::from_fitted(model, planner.data())
        .map_err(|e| format!("Planning ahead is not available for this model: {e}."))
}

/// Plans the period with the additive model and forecasts it.
///
/// # Errors
/// What to change, from the core's error (caps below the budget, fixed amounts above it, …).
pub fn plan_period(
    planner: &Planner,
    model: &HorizonModel,
    optimizer: &mut HorizonOptimizer,
    inputs: &HorizonInputs,
) -> Result<HorizonOutcome, String> {
    let params = inputs.params();
    let problem = params.check(model).map_err(|e| horizon_message(&e))?;
    let plan = optimizer.solve(&problem).map_err(|e| horizon_message(&e))?;
    let forecast = Forecast::new(
        planner
            .additive_model()
            .ok_or_else(|| additive_only("This plan"))?,
        planner.data(),
        &plan,
        &ForecastParams::new(),
    )
    .map_err(|e| horizon_message(&e))?;
    Ok(HorizonOutcome {
        plan: plan.into(),
        forecast,
    })
}

/// Plans the period with the multiplicative model (the core's
/// [`HorizonOptimizer::solve_multiplicative`]: it maximises
/// `F(x) = Σ_k B_k·[e^{G_k(x)} − e^{G_k(0)}]`, the media revenue over the period and its
/// carryover tail, where a week with a larger base `B_k` multiplies every channel's effect)
/// and forecasts it (lognormal interval): what `mixplan plan --form multiplicative` prints
/// for the same model, data and limits. Run in the on-demand worker.
///
/// # Errors
/// What to change, from the core's error, as [`plan_period`].
pub fn plan_multiplicative_period(
    model: &MultiplicativeModel,
    data: &WeeklyData,
    inputs: &HorizonInputs,
) -> Result<HorizonOutcome, String> {
    let horizon = MultiplicativeHorizon::new(model, data, inputs.weeks, &ForecastParams::new())
        .map_err(|e| horizon_message(&e))?;
    let problem = inputs
        .params()
        .check(horizon.dynamics())
        .map_err(|e| horizon_message(&e))?;
    let plan = HorizonOptimizer::new()
        .solve_multiplicative(&horizon, &problem)
        .map_err(|e| horizon_message(&e))?;
    let forecast = horizon.forecast(&plan);
    Ok(HorizonOutcome {
        plan: plan.into(),
        forecast,
    })
}

/// `text` with its first letter upper-case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    format!("{first}{}", chars.as_str())
}

/// The core's error as a sentence for the page, amounts in dollars; the limits that cannot
/// all hold (caps and fixed amounts against the budget) say which fields to change.
pub fn horizon_message(error: &HorizonError) -> String {
    match error {
        HorizonError::CapsBelowBudget { room, budget } => format!(
            "The caps allow at most {} over the period, {} less than the total budget of {}: raise a cap (per channel, per week, or a single week's) or lower the total budget.",
            currency(*room),
            currency(budget - room),
            currency(*budget)
        ),
        HorizonError::FixedAboveCap { what, fixed, cap } => format!(
            "{}: the fixed amounts add up to {}, above its cap of {}: lower a fixed amount or raise the cap.",
            capitalised(what),
            currency(*fixed),
            currency(*cap)
        ),
        HorizonError::FixedExceedBudget { fixed, budget } => format!(
            "The fixed amounts add up to {}, {} more than the total budget of {}: lower a fixed amount or raise the total budget.",
            currency(*fixed),
            currency(fixed - budget),
            currency(*budget)
        ),
        HorizonError::NoRoomInsideCaps { budget } => format!(
            "The caps and fixed amounts leave no room to place the total budget of {} inside them: raise a cap or lower the total budget a little.",
            currency(*budget)
        ),
        other => format!("{}.", capitalised(&other.to_string())),
    }
}

/// The certificate in words. Additive: what the plan earns, the bound no plan within the
/// limits can beat, and the gap. Multiplicative: what the plan earns and how far the last
/// weighted problem's bound is from it — a first-order (stationarity) check, since the
/// multiplicative revenue is not concave in spend and no bound on the best plan is known.
pub fn certificate_text(plan: &PeriodPlan) -> String {
    let Some(c) = plan.certificate() else {
        return "This plan was evaluated, not optimised: it has no certificate.".to_string();
    };
    if let Some(mm) = plan.mm() {
        let steps = match mm.iterations {
            1 => "1 step".to_string(),
            n => format!("{n} steps"),
        };
        let settled = if mm.converged {
            "it stopped changing"
        } else {
            "it ran out of steps before it stopped changing"
        };
        let envelope = if c.concave {
            ""
        } else {
            " (some log curves are S-shaped, so this bound comes from their concave envelopes)"
        };
        return format!(
            "This plan adds {} of media revenue (carryover after the period included). In the multiplicative model a week with a larger base multiplies every channel's effect, so the plan was improved by re-weighting the weeks ({steps}; {settled}). To first order, no plan within these limits adds more than {} beyond it ({} relative){envelope}. The revenue is not concave in spend here, so this is the best plan near this one, not a proven best of all plans.",
            currency(plan.media_revenue()),
            currency(c.gap()),
            format_args!("{:.1e}", c.relative_gap)
        );
    }
    let why = if c.concave {
        "every response curve is concave, so the gap is only the solver's tolerance"
    } else {
        "some response curves are S-shaped, so the bound comes from their concave envelopes and the true best lies somewhere in the gap"
    };
    format!(
        "Certificate: this plan adds {} of media revenue (carryover after the period included); no plan within these limits adds more than {}. Gap {} ({} relative): {why}.",
        currency(c.lower_bound),
        currency(c.upper_bound),
        currency(c.gap()),
        format_args!("{:.1e}", c.relative_gap)
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::planner::scenario::{
        fitted_multiplicative_planner, fitted_planner, fitted_weibull_planner,
    };
    use mixplan_core::optimize::horizon::ChannelCarryover;

    fn inputs(weeks: usize, budget: f64) -> HorizonInputs {
        HorizonInputs::new(weeks, budget, 5)
    }

    #[test]
    fn a_quarter_plan_places_the_budget_within_the_caps_and_is_forecast() {
        let p = fitted_planner();
        let model = horizon_model(p).unwrap();
        let mut optimizer = HorizonOptimizer::new();
        let mut asked = inputs(13, 13.0 * 40_000.0);
        asked.weekly_caps[0] = Some(5_000.0);
        asked.fixed = parse_fixed("1:email=3000; 2:Email=0", p.channels(), 13).unwrap();
        let outcome = plan_period(p, &model, &mut optimizer, &asked).unwrap();
        let plan = &outcome.plan;
        assert_eq!(plan.weeks(), 13);
        assert!(
            (plan.total_spend() - 520_000.0).abs() < 0.01,
            "{}",
            plan.total_spend()
        );
        for week in 0..13 {
            assert!(plan.spend(week, 0) <= 5_000.0 + 1e-6, "week {week}");
        }
        assert!((plan.spend(0, 1) - 3_000.0).abs() < 1e-6);
        assert!(plan.spend(1, 1).abs() < 1e-6);
        let certificate = plan.certificate().unwrap();
        assert!(certificate.upper_bound >= certificate.lower_bound - 1e-6);
        let text = certificate_text(plan);
        assert!(text.starts_with("Certificate: this plan adds $"), "{text}");
        assert_eq!(outcome.forecast.weeks.len(), 13);
        let total: f64 = outcome.forecast.weeks.iter().map(|w| w.revenue).sum();
        assert!((total - outcome.forecast.total_revenue).abs() < 1e-6 * total);
        assert!(outcome.forecast.total_lower < total && total < outcome.forecast.total_upper);
    }

    #[test]
    fn a_weibull_model_plans_a_quarter_exactly_through_its_kernel() {
        let p = fitted_weibull_planner();
        let model = horizon_model(p).unwrap();
        assert!(
            model
                .channels()
                .iter()
                .all(|c| matches!(c.carryover(), ChannelCarryover::Kernel { .. }))
        );
        let mut optimizer = HorizonOptimizer::new();
        let mut asked = inputs(13, 13.0 * 40_000.0);
        asked.weekly_caps[0] = Some(5_000.0);
        let outcome = plan_period(p, &model, &mut optimizer, &asked).unwrap();
        let plan = &outcome.plan;
        assert!((plan.total_spend() - 520_000.0).abs() < 0.01);
        assert!((0..13).all(|week| plan.spend(week, 0) <= 5_000.0 + 1e-6));
        let certificate = plan.certificate().unwrap();
        assert!(certificate.upper_bound >= certificate.lower_bound - 1e-6);
        // Optimal to rounding when concave; else the envelope's gap, under 1 % on the store.
        let promise = if certificate.concave { 1e-6 } else { 0.05 };
        assert!(certificate.relative_gap <= promise, "{certificate:?}");
        assert!(certificate.newton_steps > 0);
        assert!(certificate_text(plan).starts_with("Certificate: this plan adds $"));
        assert_eq!(outcome.forecast.weeks.len(), 13);
        // Each week's media revenue is the fitted model's own contribution series (its Weibull
        // kernel from the data's first week) run over the data's spend continued by the plan.
        for (c, channel) in p.model().linear_model().channels().iter().enumerate() {
            let mut series = p.data().channel(&channel.name).unwrap().values.clone();
            let n = series.len();
            series.extend((0..13).map(|week| plan.spend(week, c)));
            let contribution = p
                .model()
                .linear_model()
                .contribution_series(c, &series)
                .unwrap();
            for week in 0..13 {
                let (planned, direct) = (plan.contribution(week, c), contribution[n + week]);
                assert!(
                    (planned - direct).abs() <= 1e-9 * direct.abs().max(1.0),
                    "{} week {week}: {planned} vs {direct}",
                    channel.name
                );
            }
        }
        // The solve time of a 13-week plan for the store, Weibull CDF against geometric
        // (reported, not asserted: timing goals belong to the benchmarks).
        let geometric = horizon_model(fitted_planner()).unwrap();
        for (form, model) in [("Weibull CDF", &model), ("geometric", &geometric)] {
            let problem = HorizonParams::new(13, 13.0 * 40_000.0)
                .check(model)
                .unwrap();
            let fastest = (0..5)
                .map(|_| {
                    let start = std::time::Instant::now();
                    optimizer.solve(&problem).unwrap();
                    start.elapsed()
                })
                .min()
                .unwrap();
            eprintln!("13-week plan of the store, {form}: {fastest:?}");
        }
    }

    #[test]
    fn a_multiplicative_model_plans_the_quarter_with_the_cores_multiplicative_planner() {
        let p = fitted_multiplicative_planner();
        assert!(
            horizon_model(p).is_err(),
            "the additive dynamics are not the multiplicative model's"
        );
        assert!(
            matches!(horizon_planning(p), Ok(HorizonPlanning::Multiplicative)),
            "a multiplicative planner plans in its form"
        );
        let (model, data) = (p.model().multiplicative().unwrap(), p.data());
        let mut asked = inputs(13, 13.0 * 40_000.0);
        asked.weekly_caps[0] = Some(5_000.0);
        asked.fixed = parse_fixed("1:email=3000", p.channels(), 13).unwrap();
        let outcome = plan_multiplicative_period(model, data, &asked).unwrap();

        // The core's planner and forecast, as `mixplan plan --form multiplicative` runs them.
        let horizon = MultiplicativeHorizon::new(model, data, 13, &ForecastParams::new()).unwrap();
        let problem = asked.params().check(horizon.dynamics()).unwrap();
        let direct = HorizonOptimizer::new()
            .solve_multiplicative(&horizon, &problem)
            .unwrap();
        assert_eq!(outcome.forecast, horizon.forecast(&direct));
        assert_eq!(outcome.plan, PeriodPlan::from(direct));

        let plan = &outcome.plan;
        assert!(plan.is_multiplicative());
        assert!((plan.total_spend() - 520_000.0).abs() < 0.01);
        assert!((0..13).all(|week| plan.spend(week, 0) <= 5_000.0 + 1e-6));
        assert!((plan.spend(0, 1) - 3_000.0).abs() < 1e-6);
        let mm = plan.mm().expect("solved by minorise-maximise");
        assert!(mm.iterations >= 1);
        assert!(
            mm.objective_history.windows(2).all(|w| w[1] >= w[0]),
            "{:?}",
            mm.objective_history
        );
        // The forecast is the model's revenue B_h·e^{G_h} of each week, with the plan's media.
        for (h, week) in outcome.forecast.weeks.iter().enumerate() {
            let parts = week.baseline + week.trend + week.seasonality + week.controls + week.media;
            assert!(
                (parts - week.revenue).abs() <= 1e-9 * week.revenue,
                "week {h}"
            );
            assert!(
                week.lower < week.revenue && week.revenue < week.upper,
                "week {h}"
            );
        }
        let text = certificate_text(plan);
        assert!(
            text.starts_with(&format!(
                "This plan adds {} of media revenue",
                currency(plan.media_revenue())
            )),
            "{text}"
        );
        assert!(text.contains("not a proven best"), "{text}");

        // The limits are explained as in the additive form.
        let mut tight = inputs(4, 100_000.0);
        tight.weekly_caps = vec![Some(1_000.0); 5];
        let e = plan_multiplicative_period(model, data, &tight).unwrap_err();
        assert!(
            e.starts_with("The caps allow at most $20,000 over the period"),
            "{e}"
        );
    }

    #[test]
    fn an_additive_model_plans_on_the_page() {
        assert!(matches!(
            horizon_planning(fitted_planner()),
            Ok(HorizonPlanning::Additive(_))
        ));
    }

    #[test]
    fn impossible_plans_say_what_to_change() {
        let p = fitted_planner();
        let model = horizon_model(p).unwrap();
        let mut optimizer = HorizonOptimizer::new();
        let mut asked = inputs(4, 100_000.0);
        asked.weekly_caps = vec![Some(1_000.0); 5];
        let e = plan_period(p, &model, &mut optimizer, &asked).unwrap_err();
        assert!(
            e.starts_with("The caps allow at most $20,000 over the period, $80,000 less"),
            "{e}"
        );
        assert!(e.ends_with("lower the total budget."), "{e}");
        let mut asked = inputs(4, 100_000.0);
        asked.fixed = parse_fixed("1:email=150000", p.channels(), 4).unwrap();
        assert_eq!(
            plan_period(p, &model, &mut optimizer, &asked).unwrap_err(),
            "The fixed amounts add up to $150,000, $50,000 more than the total budget of $100,000: lower a fixed amount or raise the total budget."
        );
    }

    #[test]
    fn typed_inputs_are_read_or_explained() {
        let channels = fitted_planner().channels();
        assert_eq!(parse_weeks(" 13 "), Ok(13));
        for bad in ["0", "53", "x", "1.5"] {
            assert!(
                parse_weeks(bad)
                    .unwrap_err()
                    .starts_with("Type a plan period of 1 to 52 weeks")
            );
        }
        assert_eq!(parse_cap(""), Ok(None));
        assert_eq!(parse_cap("$5,000"), Ok(Some(5_000.0)));
        assert!(parse_cap("-1").is_err());
        assert_eq!(parse_fixed("", channels, 13), Ok(vec![]));
        assert_eq!(
            parse_fixed("3:paid_search=1,000", channels, 13),
            Ok(vec![(2, 0, 1_000.0)])
        );
        assert!(
            parse_fixed("14:email=1", channels, 13)
                .unwrap_err()
                .contains("outside the plan period")
        );
        assert!(
            parse_fixed("1:tv=1", channels, 13)
                .unwrap_err()
                .contains("there is no channel \"tv\"")
        );
        assert!(
            parse_fixed("email 5000", channels, 13)
                .unwrap_err()
                .contains("week:channel=amount")
        );
    }

    #[test]
    fn entries_split_at_separators_but_not_inside_amounts() {
        assert_eq!(entries(""), Vec::<&str>::new());
        assert_eq!(entries(" 3:20000, 7:0 "), vec!["3:20000", "7:0"]);
        assert_eq!(entries("3:20,000, 7:0"), vec!["3:20,000", "7:0"]);
        assert_eq!(entries("3=1,500,7=2"), vec!["3=1,500", "7=2"]);
        assert_eq!(
            entries("1:email=5,000;\n2:email=0;;"),
            vec!["1:email=5,000", "2:email=0"]
        );
        assert_eq!(
            entries("5:paid_search<=20,000, 6:email<=1"),
            vec!["5:paid_search<=20,000", "6:email<=1"]
        );
    }

    #[test]
    fn week_caps_are_read_or_explained() {
        assert_eq!(parse_week_caps("", 13), Ok(vec![]));
        assert_eq!(
            parse_week_caps("3:20000, 7:0", 13),
            Ok(vec![(2, 20_000.0), (6, 0.0)])
        );
        assert_eq!(
            parse_week_caps("3 = $20,000; 13:1e3", 13),
            Ok(vec![(2, 20_000.0), (12, 1_000.0)])
        );
        for (bad, says) in [
            ("3 20000", "is not a week's cap: write them as week:most"),
            ("x:5", "is not a week's cap"),
            ("0:5", "week 0 is outside the plan period of 13 weeks"),
            ("14:5", "week 14 is outside the plan period of 13 weeks"),
            ("3:-5", "the amount must be $0 or more"),
            (
                "3:lots",
                "\"3:lots\": \"lots\" is not an amount: type digits",
            ),
            ("3:1,5", "\"3:1,5\": \"1,5\" could mean 1.5 or 15"),
            (
                "3:5; 3:6",
                "\"3:6\" gives a cap for a week that already has one",
            ),
        ] {
            let error = parse_week_caps(bad, 13).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn channel_week_caps_are_read_or_explained() {
        let channels = fitted_planner().channels();
        assert_eq!(parse_channel_week_caps("", channels, 13), Ok(vec![]));
        assert_eq!(
            parse_channel_week_caps("5:paid_search<=20,000, 6:Email=0", channels, 13),
            Ok(vec![(4, 0, 20_000.0), (5, 1, 0.0)])
        );
        for (bad, says) in [
            (
                "5:paid_search 20000",
                "is not a channel's cap in one week: write them as week:channel<=most",
            ),
            ("paid_search<=5", "is not a channel's cap in one week"),
            ("14:email<=5", "week 14 is outside the plan period"),
            (
                "1:tv<=5",
                "there is no channel \"tv\"; use one of paid_search, email",
            ),
            ("1:email<=-5", "the amount must be $0 or more"),
            (
                "1:email<=5; 1:EMAIL<=6",
                "gives a cap for a channel in a week that already has one",
            ),
        ] {
            let error = parse_channel_week_caps(bad, channels, 13).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn a_week_or_cell_of_its_own_replaces_the_cap_for_every_week() {
        let mut asked = inputs(4, 100_000.0);
        asked.week_cap = Some(30_000.0);
        asked.week_caps = vec![(0, 50_000.0), (3, 0.0)];
        asked.weekly_caps[1] = Some(2_000.0);
        asked.cell_caps = vec![(2, 1, 9_000.0), (2, 0, 1.0)];
        assert_eq!(asked.week_total_cap(0), Some(50_000.0));
        assert_eq!(asked.week_total_cap(1), Some(30_000.0));
        assert_eq!(asked.week_total_cap(3), Some(0.0));
        assert_eq!(asked.cell_cap(0, 1), Some(2_000.0));
        assert_eq!(asked.cell_cap(2, 1), Some(9_000.0));
        assert_eq!(asked.cell_cap(2, 0), Some(1.0));
        assert_eq!(asked.cell_cap(1, 0), None);
        let params = asked.params();
        assert_eq!(params.week_caps.len(), 4);
        assert_eq!(params.cell_caps.len(), 4 + 1);
    }

    #[test]
    fn week_total_caps_and_their_overrides_hold_and_the_budget_is_placed() {
        let p = fitted_planner();
        let model = horizon_model(p).unwrap();
        let mut optimizer = HorizonOptimizer::new();
        let mut asked = inputs(13, 13.0 * 40_000.0);
        asked.week_cap = Some(45_000.0);
        asked.week_caps = parse_week_caps("3:20000, 7:0, 8:90,000", 13).unwrap();
        asked.cell_caps = parse_channel_week_caps("5:paid_search<=1000", p.channels(), 13).unwrap();
        let plan = plan_period(p, &model, &mut optimizer, &asked).unwrap().plan;
        assert!(
            (plan.total_spend() - 520_000.0).abs() < 0.01,
            "{}",
            plan.total_spend()
        );
        for week in 0..13 {
            let cap = match week {
                2 => 20_000.0,
                6 => 0.0,
                7 => 90_000.0,
                _ => 45_000.0,
            };
            assert!(
                plan.week_total(week) <= cap + 1e-6,
                "week {}: {}",
                week + 1,
                plan.week_total(week)
            );
        }
        assert!(plan.week_total(6).abs() < 1e-6);
        assert!(plan.spend(4, 0) <= 1_000.0 + 1e-6);
        // The override lets week 8 go beyond the cap for every week, and the budget needs
        // it: the ten other weeks at 45,000 and week 3 at 20,000 hold 470,000 of 520,000.
        assert!(
            plan.week_total(7) > 45_000.0 + 1.0,
            "{}",
            plan.week_total(7)
        );
    }

    #[test]
    fn impossible_week_caps_say_what_to_change() {
        let p = fitted_planner();
        let model = horizon_model(p).unwrap();
        let mut optimizer = HorizonOptimizer::new();
        let mut asked = inputs(13, 520_000.0);
        asked.week_cap = Some(30_000.0);
        let e = plan_period(p, &model, &mut optimizer, &asked).unwrap_err();
        assert_eq!(
            e,
            "The caps allow at most $390,000 over the period, $130,000 less than the total budget of $520,000: raise a cap (per channel, per week, or a single week's) or lower the total budget."
        );
        asked.week_cap = None;
        asked.week_caps = parse_week_caps("1:0", 13).unwrap();
        asked.fixed = parse_fixed("1:email=5000", p.channels(), 13).unwrap();
        let e = plan_period(p, &model, &mut optimizer, &asked).unwrap_err();
        assert!(
            e == "Week 1: the fixed amounts add up to $5,000, above its cap of $0: lower a fixed amount or raise the cap.",
            "{e}"
        );
    }
}
