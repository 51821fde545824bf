//! `mixplan plan DATA.csv --weeks N --budget B [--cap [W:]CH=V]… [--period-cap CH=V]…
//! [--week-cap [W=]V]… [--fix W:CH=V]… [--carryover geometric|weibull-cdf|weibull-pdf]
//! [--form additive|multiplicative|auto]`
//!
//! Fits the model as `mixplan fit` does (with `--carryover`'s form, geometric by default),
//! then splits a total budget `B` over the next `N` weeks (after the data's last week) across
//! channels and weeks with the horizon optimiser (carry-in from the data's last weeks,
//! carryover within and after the period: the geometric recursion, or the Weibull kernel
//! `a_t = Σ_{l<L} W_l·x_{t−l}` with its `L − 1` weeks after the period), and forecasts the
//! total weekly revenue. Weeks are numbered from 1.
//!
//! `--form` chooses the model form as `mixplan fit --form` does (additive by default; `auto`
//! by the rolling-origin evaluation inside the training weeks). In the multiplicative form
//! week `k`'s revenue is `B_k·exp(Σ_c g_c(a_{c,k}))` and the plan maximises
//! `F = Σ_k B_k·[exp(G_k(x)) − exp(G_k(0))]` by minorise–maximise over weighted horizon
//! problems (`mixplan_core::optimize::horizon::MultiplicativeHorizon`, `docs/optimizer.md`):
//! every revenue figure is then in revenue, per-channel figures are removal effects (they do
//! not add up to `media_revenue`), the `certificate` is that of the last weighted problem
//! (`kind: "last_weighted_problem"`: a stationarity measure, not a bound on the best plan),
//! `mm` reports the iteration and the forecast's `noise_sd` is of ln revenue. Every flag of
//! `plan` applies in both forms. Prints JSON:
//!
//! | field | meaning |
//! |---|---|
//! | `form` | `additive` or `multiplicative` (with `auto`, also `form_comparison` as `fit` reports it) |
//! | `weeks`, `budget` | the plan period and its total budget |
//! | `carryover` | the model's carryover form: `geometric`, `weibull-cdf` or `weibull-pdf` |
//! | `plan[]` | per week: `week`, `date` (week start), `spend` per channel, `total` |
//! | `channel_totals` | spend per channel over the period |
//! | `media_revenue` | revenue the plan adds over spending nothing in the period, carryover tail included |
//! | `roas` | `media_revenue / budget` |
//! | `tail_revenue` | per channel: revenue earned after the period by the carryover (multiplicative: the channel's removal effect after the period) |
//! | `channel_revenue` | multiplicative only: per channel, the removal effect of its planned spend over the period and the tail |
//! | `mm` | multiplicative only: `iterations`, `last_relative_change`, `converged`, `started_from_log_curves`, `objective_history` (F after each accepted step) |
//! | `carry_in_revenue` | media revenue of the past spend alone over the period and after |
//! | `certificate` | `lower_bound` (= media_revenue), `upper_bound` (no plan earns more), `relative_gap`, `concave`, `newton_steps` |
//! | `forecast` | `level`, `noise_sd`, `controls` (how controls were filled in), `total_revenue` with `total_lower`/`total_upper`, and per week `date`, `baseline`, `trend`, `seasonality`, `controls`, `media`, `revenue`, `lower`, `upper` |
//!
//! Caps: `--cap CH=V` caps a channel in every week, `--cap W:CH=V` in week `W`;
//! `--period-cap CH=V` caps a channel's total over the period; `--week-cap V` caps every
//! week's total, `--week-cap W=V` week `W`'s. `--fix W:CH=V` fixes an amount.

use super::CommandResult;
use super::common::{ModelArgs, channel_names, parse_amount, parse_assignment, resolve};
use super::fit::{FormChoice, FormComparisonOut, choose_form};
use super::output::{Named, print_json};
use crate::error::CliError;
use mixplan_core::model::ModelForm;
use mixplan_core::optimize::horizon::{
    ControlAssumption, Forecast, ForecastParams, HorizonModel, HorizonOptimizer, HorizonParams,
    MmReport, MultiplicativeHorizon, PeriodPlan,
};
use serde::Serialize;

/// A week number as typed (from 1).
fn parse_week(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(week) if week >= 1 => Ok(week - 1),
        _ => Err(format!(
            "'{}' is not a week number; weeks are numbered from 1",
            text.trim()
        )),
    }
}

/// `[W:]CHANNEL=AMOUNT`: a week (0-based, `None` for every week), a channel and an amount.
#[derive(Debug, Clone, PartialEq)]
pub struct CellValue {
    week: Option<usize>,
    channel: String,
    value: f64,
}

fn parse_cell(text: &str) -> Result<CellValue, String> {
    let (week, rest) = match text.split_once(':') {
        Some((week, rest)) => (
            Some(parse_week(week).map_err(|e| format!("in '{text}': {e}"))?),
            rest,
        ),
        None => (None, text),
    };
    let assignment = parse_assignment(rest).map_err(|e| {
        if week.is_some() {
            e
        } else {
            format!("{e}; give WEEK:CHANNEL=AMOUNT for one week")
        }
    })?;
    Ok(CellValue {
        week,
        channel: assignment.channel,
        value: assignment.value,
    })
}

/// `W:CHANNEL=AMOUNT` (a week is required).
fn parse_fixed(text: &str) -> Result<CellValue, String> {
    let cell = parse_cell(text)?;
    if cell.week.is_none() {
        return Err(format!(
            "'{text}' has no week; write WEEK:CHANNEL=AMOUNT, e.g. 3:email=2000"
        ));
    }
    Ok(cell)
}

/// `[W=]AMOUNT`: a week (0-based, `None` for every week) and an amount.
fn parse_week_cap(text: &str) -> Result<(Option<usize>, f64), String> {
    match text.split_once('=') {
        Some((week, value)) => Ok((
            Some(parse_week(week).map_err(|e| format!("in '{text}': {e}"))?),
            parse_amount(value).map_err(|e| format!("in '{text}': {e}"))?,
        )),
        None => Ok((None, parse_amount(text)?)),
    }
}

/// Arguments of `mixplan plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    /// Plan period: the next N weeks after the data, 1 to 52.
    #[arg(long, default_value_t = 13, value_name = "N")]
    weeks: usize,
    /// Total budget over the period, all channels.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    budget: f64,
    /// Cap on a channel's spend in every week (`CHANNEL=AMOUNT`) or in one week
    /// (`WEEK:CHANNEL=AMOUNT`); repeat or comma-separate.
    #[arg(long = "cap", value_name = "[WEEK:]CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_cell)]
    cap: Vec<CellValue>,
    /// Cap on a channel's total over the period, `CHANNEL=AMOUNT`.
    #[arg(long = "period-cap", value_name = "CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_assignment)]
    period_cap: Vec<super::common::ChannelValue>,
    /// Cap on the total spend of every week (`AMOUNT`) or of one week (`WEEK=AMOUNT`).
    #[arg(long = "week-cap", value_name = "[WEEK=]AMOUNT", value_delimiter = ',', value_parser = parse_week_cap)]
    week_cap: Vec<(Option<usize>, f64)>,
    /// A fixed amount, `WEEK:CHANNEL=AMOUNT`.
    #[arg(long = "fix", value_name = "WEEK:CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_fixed)]
    fix: Vec<CellValue>,
    /// Future control values: the same week last year (default) or the recent average.
    #[arg(long = "future-controls", value_enum, default_value_t = Controls::LastYear)]
    future_controls: Controls,
    /// Carryover form of the model: geometric (default), weibull-cdf or weibull-pdf.
    #[arg(long, default_value = "geometric", value_parser = super::fit::parse_carryover, value_name = "FORM")]
    carryover: mixplan_core::transform::CarryoverForm,
    /// Model form: additive (default; each channel adds revenue), multiplicative (a model of
    /// ln revenue: channels multiply it, and the season changes the return on media) or auto
    /// (chosen by a rolling-origin evaluation inside the training weeks).
    #[arg(long, default_value = "additive", value_enum, value_name = "FORM")]
    form: FormChoice,
}

/// `--controls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Controls {
    /// The same week one year earlier (the recent average where the data are shorter).
    LastYear,
    /// The mean of the last 52 weeks.
    Average,
}

#[derive(Serialize)]
struct WeekOut<'a> {
    week: usize,
    date: String,
    spend: Named<'a>,
    total: f64,
}

#[derive(Serialize)]
struct ForecastWeekOut {
    week: usize,
    date: String,
    baseline: f64,
    trend: f64,
    seasonality: f64,
    controls: f64,
    media: f64,
    revenue: f64,
    lower: f64,
    upper: f64,
}

#[derive(Serialize)]
struct ForecastOut {
    level: f64,
    noise_sd: f64,
    controls: &'static str,
    total_revenue: f64,
    total_lower: f64,
    total_upper: f64,
    weeks: Vec<ForecastWeekOut>,
}

#[derive(Serialize)]
struct CertificateOut {
    /// Multiplicative only: `last_weighted_problem`.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    lower_bound: f64,
    upper_bound: f64,
    relative_gap: f64,
    concave: bool,
    newton_steps: usize,
}

#[derive(Serialize)]
struct PlanOut<'a> {
    form: ModelForm,
    #[serde(skip_serializing_if = "Option::is_none")]
    form_comparison: Option<FormComparisonOut>,
    weeks: usize,
    budget: f64,
    carryover: &'static str,
    plan: Vec<WeekOut<'a>>,
    channel_totals: Named<'a>,
    media_revenue: f64,
    roas: f64,
    tail_revenue: Named<'a>,
    carry_in_revenue: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_revenue: Option<Named<'a>>,
    certificate: CertificateOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    mm: Option<MmReport>,
    forecast: ForecastOut,
}

/// What the flags ask for, in the user's words (the context of an error).
fn asked(args: &Args) -> String {
    format!("--weeks {} --budget {}", args.weeks, args.budget)
}

/// The horizon parameters of the flags, channels resolved by `names`.
fn horizon_params(args: &Args, names: &[String]) -> Result<HorizonParams, CliError> {
    let mut params = HorizonParams::new(args.weeks, args.budget);
    for cap in &args.cap {
        let c = resolve(names, &cap.channel, "--cap")?;
        params = match cap.week {
            Some(week) => params.cap_cell(week, c, cap.value),
            None => params.cap_channel_weekly(c, cap.value),
        };
    }
    for cap in &args.period_cap {
        let c = resolve(names, &cap.channel, "--period-cap")?;
        params = params.cap_channel(c, cap.value);
    }
    for &(week, value) in &args.week_cap {
        params = match week {
            Some(week) => params.cap_week(week, value),
            None => (0..args.weeks.min(52)).fold(params, |p, h| p.cap_week(h, value)),
        };
    }
    for fixed in &args.fix {
        let c = resolve(names, &fixed.channel, "--fix")?;
        params = params.fix(fixed.week.unwrap_or(0), c, fixed.value);
    }
    Ok(params)
}

/// Runs `mixplan plan`.
pub fn run(args: Args) -> CommandResult {
    let (data, quality) = args.model.data.load_assessed()?;
    let (form, comparison) = choose_form(&args.model, &data, args.carryover, args.form)?;
    let plan_error = |source| CliError::Plan {
        asked: asked(&args),
        source,
    };
    let assumption = match args.future_controls {
        Controls::LastYear => ControlAssumption::SameWeekLastYear,
        Controls::Average => ControlAssumption::RecentAverage,
    };
    let forecast_params = ForecastParams::new().controls(assumption);
    let (names, carryover, plan, forecast): (_, _, PeriodPlan, _) = match form {
        ModelForm::Additive => {
            let fit = args.model.fit_loaded(data, quality, args.carryover)?;
            let (fitted, data) = (fit.model, fit.data);
            let names = channel_names(&fitted);
            let model = HorizonModel::from_fitted(&fitted, &data).map_err(plan_error)?;
            let problem = horizon_params(&args, &names)?
                .check(&model)
                .map_err(plan_error)?;
            let plan = HorizonOptimizer::new()
                .solve(&problem)
                .map_err(plan_error)?;
            let forecast =
                Forecast::new(&fitted, &data, &plan, &forecast_params).map_err(plan_error)?;
            let carryover = fitted.carryover_form().name();
            (names, carryover, plan.into(), forecast)
        }
        ModelForm::Multiplicative => {
            let (model, _) = args.model.fit_multiplicative(&data, args.carryover)?;
            let names = channel_names(model.log_model());
            let horizon = MultiplicativeHorizon::new(&model, &data, args.weeks, &forecast_params)
                .map_err(plan_error)?;
            let problem = horizon_params(&args, &names)?
                .check(horizon.dynamics())
                .map_err(plan_error)?;
            let plan = HorizonOptimizer::new()
                .solve_multiplicative(&horizon, &problem)
                .map_err(plan_error)?;
            let forecast = horizon.forecast(&plan);
            let carryover = model.log_model().carryover_form().name();
            (names, carryover, plan.into(), forecast)
        }
    };
    let multiplicative = plan.is_multiplicative();
    let channels = names.len();
    let rows: Vec<&[f64]> = plan.spend_matrix().chunks(channels.max(1)).collect();
    let week_totals: Vec<f64> = (0..plan.weeks()).map(|h| plan.week_total(h)).collect();
    let channel_totals: Vec<f64> = (0..channels).map(|c| plan.channel_total(c)).collect();
    let channel_revenue: Option<Vec<f64>> =
        multiplicative.then(|| (0..channels).map(|c| plan.channel_revenue(c)).collect());
    let certificate = plan.certificate().copied().map_or(
        CertificateOut {
            kind: None,
            lower_bound: plan.media_revenue(),
            upper_bound: f64::NAN,
            relative_gap: f64::NAN,
            concave: false,
            newton_steps: 0,
        },
        |c| CertificateOut {
            kind: multiplicative.then_some("last_weighted_problem"),
            lower_bound: c.lower_bound,
            upper_bound: c.upper_bound,
            relative_gap: c.relative_gap,
            concave: c.concave,
            newton_steps: c.newton_steps,
        },
    );
    let out = PlanOut {
        form,
        form_comparison: comparison.as_ref().map(FormComparisonOut::from),
        weeks: week_totals.len(),
        budget: args.budget,
        carryover,
        plan: rows
            .iter()
            .zip(&forecast.weeks)
            .enumerate()
            .map(|(h, (row, f))| WeekOut {
                week: h + 1,
                date: f.date.to_string(),
                spend: Named(&names, row),
                total: week_totals[h],
            })
            .collect(),
        channel_totals: Named(&names, &channel_totals),
        media_revenue: plan.media_revenue(),
        roas: plan.roas(),
        tail_revenue: Named(&names, plan.tail_revenue()),
        carry_in_revenue: plan.carry_in_revenue(),
        channel_revenue: channel_revenue
            .as_deref()
            .map(|values| Named(&names, values)),
        certificate,
        mm: plan.mm().cloned(),
        forecast: ForecastOut {
            level: forecast.level,
            noise_sd: forecast.noise_sd,
            controls: match forecast.controls {
                ControlAssumption::RecentAverage => "recent_average",
                _ => "same_week_last_year",
            },
            total_revenue: forecast.total_revenue,
            total_lower: forecast.total_lower,
            total_upper: forecast.total_upper,
            weeks: forecast
                .weeks
                .iter()
                .enumerate()
                .map(|(h, w)| ForecastWeekOut {
                    week: h + 1,
                    date: w.date.to_string(),
                    baseline: w.baseline,
                    trend: w.trend,
                    seasonality: w.seasonality,
                    controls: w.controls,
                    media: w.media,
                    revenue: w.revenue,
                    lower: w.lower,
                    upper: w.upper,
                })
                .collect(),
        },
    };
    print_json(&out)
}
