//! `mixplan optimize DATA.csv --budget B [--min ch=v]… [--max ch=v]… [--lock ch=v]…
//! [--target-roas R] [--extra X] [--export-problem FILE] [--time]
//! [--lift-tests FILE.csv] [--confidence P] [--partial-step largest|safest] [--draws N] [--warmup N] [--chains N] [--posterior-seed N] [--no-posterior]
//! [--carryover geometric|weibull-cdf|weibull-pdf] [--form additive|multiplicative|auto]`
//!
//! `--carryover` fits and samples the model with that carryover form, as `mixplan fit
//! --carryover` does; the curves the optimiser and the rule use are steady-state curves,
//! the same for every (normalised) form.
//!
//! `--form` fits the model form as `mixplan fit --form` does (`form`, and with `auto`
//! `form_comparison`, in the output). In the multiplicative form the optimiser maximises
//! `Σ_c g_c(x_c)` (the log of revenue over its base), the rule judges each draw's whole revenue
//! `B̄_d·exp(Σ_c g_{c,d}(x_c))` and its candidate is the posterior-mean optimum of that
//! (`MultiplicativePosterior::recommend`); `predicted_revenue` is `B̄·exp(Σ_c g_c)`, `baseline`
//! the revenue without media, `media_revenue` the rest, `contributions` what revenue loses
//! without each channel (they do not add up to `media_revenue`), `roas` and `uplift` come from
//! those predictions. `--target-roas` finds the largest budget whose optimal media ROAS
//! `B̄·(exp(S*(B)) − 1)/B` (`S*(B)`: the best `Σ_c g_c` of budget `B`) is at least the target,
//! by the core's exact search in that form (`RoasProblem::with_form`); `--export-problem`
//! needs the additive form.
//!
//! Fits the model as `mixplan fit` does, samples its posterior (calibrated by the lift
//! tests if given) and recommends a split of a weekly budget (sustained over time) by the
//! core's recommendation rule (`model::posterior::recommend`): the split with the highest
//! posterior expected revenue, moved from the current split only as far as the probability
//! of beating it stays at least `--confidence` (default 0.95: the 90 % uplift interval above zero)
//! and the low end of that interval keeps at least `--margin` (default 0.1) of the expected
//! uplift. The point-estimate optimum
//! (the exact optimum of the fitted curves, solved once) is kept as `point_optimum`. With
//! `--no-posterior`, and in `target_roas` mode, the recommendation is the point-estimate
//! optimum (`method: point_estimate`). Prints JSON:
//!
//! | field | meaning |
//! |---|---|
//! | `mode` | `budget`, `extra` or `target_roas` |
//! | `method` | `posterior_rule` or `point_estimate`: what chose `allocation` |
//! | `budget` | the weekly budget placed (in `extra` mode `B + X`; in `target_roas` mode the largest budget meeting the target) |
//! | `target_roas` | the target asked for (`target_roas` mode only) |
//! | `allocation` | the recommended weekly spend per channel |
//! | `expected_uplift`, `uplift_interval`, `probability_of_gain` | posterior mean weekly media-revenue uplift of `allocation` over `current`, its 90 % interval, the share of draws in which it gains (`posterior_rule` only) |
//! | `verdict`, `verdict_text`, `step`, `confidence`, `margin`, `partial_step` | what the rule concluded (`optimum`, `partial_step`, `keep_current`), in a sentence, how far it moved toward `candidate`, the level asked, the margin (`--margin`, default 0.1: a step's uplift's (1 − P) quantile must be at least this share of its expected uplift), where a partial move stops (`largest_supported`, or `highest_lower_bound` with `--partial-step safest`) |
//! | `candidate` | the split with the highest posterior expected revenue, judged by the posterior |
//! | `point_optimum` | the point-estimate optimum: `allocation`, `predicted_revenue`, `media_revenue`, `roas` under the fitted model |
//! | `point_optimum_posterior` | the point-estimate optimum judged by the posterior (uplift, interval, probability of gain) |
//! | `predicted_revenue` | baseline + media revenue of `allocation` under the fitted (point) model |
//! | `media_revenue`, `baseline`, `roas` | its parts, and media revenue ÷ budget |
//! | `contributions`, `marginal_roi` | per channel at `allocation`, fitted model |
//! | `at_bound` | which channels of `allocation` sit at a minimum, maximum or lock |
//! | `current` | the historical average mix scaled to `B` and moved into the bounds (`allocation`, `predicted_revenue`, `media_revenue`); with the posterior in `extra` mode, scaled to `B + X` (the current plan with `X` added in the historical shares), which the rule compares against |
//! | `uplift` | `absolute` and `relative` gain of `allocation` over `current` (total revenue, fitted model) |
//! | `convergence` | the sampler's convergence (as in `mixplan fit`) |
//! | `nodes` | nodes the exact solver explored for the point optimum |
//! | `solve_us` | only with `--time`: the median wall time of one cold solve (a fresh `Optimizer`, no warm start) over [`TIMED_SOLVES`] solves, µs; the fit is not included |
//!
//! `--export-problem FILE` also writes the curves, bounds, budget and the optimiser's answer
//! as JSON for `scripts/compare_slsqp.py` (which passes `--time`). Given such a file
//! (`*.json`) instead of a CSV, `optimize` skips the fit and solves the problem in it (see
//! [`problem_file`]).

mod problem_file;
mod rule;

use super::CommandResult;
use super::common::{
    ChannelValue, ModelArgs, channel_names, parse_amount, parse_assignment, resolve,
};
use super::fit::{FormChoice, choose_form};
use super::output::{Named, print_json};
use super::posterior_args::{ConvergenceOut, PosteriorArgs};
use crate::error::CliError;
use mixplan_core::format::money;
use mixplan_core::model::ModelForm;
use mixplan_core::model::PlanningModel;
use mixplan_core::model::posterior::PartialStep;
use mixplan_core::model::posterior::recommend::{DEFAULT_CONFIDENCE, DEFAULT_LOWER_BOUND_SHARE};
use mixplan_core::optimize::{
    Allocation, BoundStatus, BudgetProblem, OptimizeError, Optimizer, Plan, RevenueForm,
    RoasProblem, SpendBounds, scale_mix,
};
use mixplan_core::response::HillResponse;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// Solves timed with `--time` (the median is reported). Each uses a fresh `Optimizer`:
/// re-solving the same problem with a warm one would report an optimistic time.
pub const TIMED_SOLVES: usize = 101;

/// Arguments of `mixplan optimize`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    /// Weekly budget to place; required unless --target-roas (where it optionally caps the
    /// budget) or a problem file (where it overrides the file's budget).
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    budget: Option<f64>,
    /// Minimum weekly spend of a channel, `CHANNEL=AMOUNT` (repeat, or comma-separate).
    #[arg(long = "min", value_name = "CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_assignment)]
    min: Vec<ChannelValue>,
    /// Maximum weekly spend of a channel, `CHANNEL=AMOUNT` (repeat, or comma-separate).
    #[arg(long = "max", value_name = "CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_assignment)]
    max: Vec<ChannelValue>,
    /// Fixed weekly spend of a channel, `CHANNEL=AMOUNT` (repeat, or comma-separate); counts
    /// as that channel's minimum and maximum.
    #[arg(long = "lock", value_name = "CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_assignment)]
    lock: Vec<ChannelValue>,
    /// Find the largest budget whose media ROAS (media revenue ÷ budget) stays at least R.
    #[arg(long, value_name = "R")]
    target_roas: Option<f64>,
    /// Place X more on top of the current plan (the historical mix at --budget), never
    /// taking money away from a channel.
    #[arg(long, value_name = "X", conflicts_with = "target_roas", value_parser = parse_amount)]
    extra: Option<f64>,
    /// Also write the problem (curves, bounds, budget) and the answer as JSON to FILE, for
    /// scripts/compare_slsqp.py.
    #[arg(long, value_name = "FILE")]
    export_problem: Option<PathBuf>,
    /// Time the optimiser: solve 101 times (a fresh optimiser each) and print the median
    /// time of one solve as `solve_us` (also in the --export-problem file). Without it the
    /// problem is solved once and no time is printed.
    #[arg(long)]
    time: bool,
    /// The probability of beating the current split a recommended move needs (0 < P < 1);
    /// below it the recommendation moves only part of the way, or keeps the current split.
    #[arg(long, default_value_t = DEFAULT_CONFIDENCE, value_name = "P")]
    confidence: f64,
    /// Where a move the data do not support in full stops: `largest` (default) = the
    /// largest step whose probability of gain is still at least P (its 90 % uplift interval
    /// just touches zero); `safest` = the supported step whose uplift's (1 − P) quantile is
    /// highest (moves less far; docs/trust.md measures both).
    #[arg(long, default_value = "largest", value_parser = parse_partial_step, value_name = "largest|safest")]
    partial_step: PartialStep,
    /// The margin on a move, 0 ≤ RHO < 1: a step is taken only if its uplift's (1 − P)
    /// quantile (the low end of its 90 % uplift interval at P = 0.95) is at least RHO times
    /// its expected uplift. Default 0.1; 0 is the rule without a margin (docs/trust.md).
    #[arg(long, default_value_t = DEFAULT_LOWER_BOUND_SHARE, value_name = "RHO")]
    margin: f64,
    #[command(flatten)]
    posterior: PosteriorArgs,
    /// Carryover form of the model: geometric (default), weibull-cdf or weibull-pdf.
    #[arg(long, default_value = "geometric", value_parser = super::fit::parse_carryover, value_name = "FORM")]
    carryover: mixplan_core::transform::CarryoverForm,
    /// Model form: additive (default), multiplicative (a model of ln revenue) or auto (chosen
    /// by a rolling-origin evaluation inside the training weeks), as in `mixplan fit`.
    #[arg(long, default_value = "additive", value_enum, value_name = "FORM")]
    form: FormChoice,
}

/// `--partial-step`: `largest` or `safest`.
fn parse_partial_step(text: &str) -> Result<PartialStep, String> {
    match text {
        "largest" => Ok(PartialStep::LargestSupported),
        "safest" => Ok(PartialStep::HighestLowerBound),
        other => Err(format!(
            "`{other}` is not a partial step: give largest (the largest supported step, the default) or safest (the step with the highest lower bound)"
        )),
    }
}

/// Runs `solve` once, or with `--time` [`TIMED_SOLVES`] times: its (last) result and, with
/// `--time`, the median wall time of one run in µs.
fn solve_maybe_timed<T>(time: bool, mut solve: impl FnMut() -> T) -> (T, Option<f64>) {
    if !time {
        return (solve(), None);
    }
    let mut timed_run = || {
        let start = Instant::now();
        let value = solve();
        (value, start.elapsed().as_secs_f64() * 1e6)
    };
    let (mut value, first_us) = timed_run();
    let mut times = Vec::with_capacity(TIMED_SOLVES);
    times.push(first_us);
    for _ in 1..TIMED_SOLVES {
        let (next, us) = timed_run();
        value = next;
        times.push(us);
    }
    times.sort_by(f64::total_cmp);
    (value, Some(times[times.len() / 2]))
}

/// Per-channel bounds from `--min`, `--max` and `--lock`.
fn bounds(
    names: &[String],
    min: &[ChannelValue],
    max: &[ChannelValue],
    lock: &[ChannelValue],
) -> Result<Vec<SpendBounds>, CliError> {
    let mut bounds = vec![SpendBounds::FREE; names.len()];
    let mut seen = vec![[false; 3]; names.len()];
    for (kind, (flag, list)) in [("--min", min), ("--max", max), ("--lock", lock)]
        .into_iter()
        .enumerate()
    {
        for a in list {
            let c = resolve(names, &a.channel, flag)?;
            if seen[c][kind] {
                return Err(CliError::RepeatedChannel {
                    flag,
                    channel: names[c].clone(),
                });
            }
            seen[c][kind] = true;
            match kind {
                0 => bounds[c].min = a.value,
                1 => bounds[c].max = a.value,
                _ => {
                    if seen[c][0] || seen[c][1] {
                        return Err(CliError::LockedWithRange {
                            channel: names[c].clone(),
                        });
                    }
                    bounds[c] = SpendBounds::locked(a.value);
                }
            }
        }
    }
    Ok(bounds)
}

/// `--lock email=2000, --min social=500`: the flags in `lists` as typed, or `None` if none.
fn listed(lists: &[(&str, &[ChannelValue])]) -> Option<String> {
    let items: Vec<String> = lists
        .iter()
        .flat_map(|(flag, list)| {
            list.iter()
                .filter(|a| a.value > 0.0)
                .map(move |a| format!("{flag} {}={}", a.channel, a.value))
        })
        .collect();
    (!items.is_empty()).then(|| items.join(", "))
}

impl Args {
    /// What was asked, in the user's flags: `--budget 50000`, `--budget 40000 --extra 10000`,
    /// `--target-roas 2.5`.
    fn asked(&self) -> String {
        let mut flags = Vec::new();
        if let Some(target) = self.target_roas {
            flags.push(format!("--target-roas {target}"));
        }
        if let Some(budget) = self.budget {
            flags.push(format!("--budget {budget}"));
        }
        if let Some(extra) = self.extra {
            flags.push(format!("--extra {extra}"));
        }
        flags.join(" ")
    }

    /// The optimiser's error with what was asked, the channel by name, and a hint in the
    /// user's flags when the bounds do not fit `--budget` (in `--extra` mode the budget is
    /// `--budget` + `--extra`, so no hint names a budget).
    fn optimize_error(&self, names: &[String], source: OptimizeError) -> CliError {
        let hint = match &source {
            OptimizeError::MinimumsExceedBudget { minimums, .. } if self.extra.is_none() => {
                listed(&[("--lock", &self.lock), ("--min", &self.min)]).map(|flags| {
                    format!(
                        "{flags}: locks count as minimums; lower them or give a --budget of \
                         at least {minimums:.2}"
                    )
                })
            }
            OptimizeError::MaximumsBelowBudget { maximums, .. } if self.extra.is_none() => {
                listed(&[("--lock", &self.lock), ("--max", &self.max)]).map(|flags| {
                    format!(
                        "{flags}: every channel is capped (locks count as maximums); raise a \
                         maximum, leave a channel without one, or give a --budget of at most \
                         {maximums:.2}"
                    )
                })
            }
            _ => None,
        };
        CliError::optimize(self.asked(), names, hint, source)
    }
}

#[derive(Serialize)]
struct CurrentOut<'a> {
    allocation: Named<'a>,
    predicted_revenue: f64,
    media_revenue: f64,
}

#[derive(Serialize)]
struct UpliftOut {
    absolute: f64,
    relative: Option<f64>,
}

#[derive(Serialize)]
struct PointOut<'a> {
    allocation: Named<'a>,
    predicted_revenue: f64,
    media_revenue: f64,
    roas: f64,
}

#[derive(Serialize)]
struct OptimizeOut<'a> {
    /// `additive` or `multiplicative`: the model form planned with.
    form: ModelForm,
    #[serde(skip_serializing_if = "Option::is_none")]
    form_comparison: Option<super::fit::FormComparisonOut>,
    mode: &'static str,
    method: &'static str,
    budget: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_roas: Option<f64>,
    allocation: Named<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_uplift: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uplift_interval: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probability_of_gain: Option<f64>,
    #[serde(flatten)]
    rule: Option<rule::RuleOut>,
    point_optimum: PointOut<'a>,
    predicted_revenue: f64,
    media_revenue: f64,
    baseline: f64,
    roas: f64,
    contributions: Named<'a>,
    marginal_roi: Named<'a>,
    at_bound: String,
    current: CurrentOut<'a>,
    uplift: UpliftOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    convergence: Option<&'a ConvergenceOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    solve_us: Option<f64>,
    nodes: u32,
}

/// A one-line note on the channels of `spend` at a bound, as
/// [`Allocation::bound_note`] words it.
fn bound_note(names: &[String], spend: &[f64], bounds: &[SpendBounds]) -> String {
    names
        .iter()
        .zip(spend)
        .zip(bounds)
        .filter_map(|((name, &x), &b)| {
            let what = match BoundStatus::classify(x, b) {
                BoundStatus::AtMin if x == 0.0 => "gets nothing".to_owned(),
                BoundStatus::AtMin => format!("is at its minimum ({})", money(x)),
                BoundStatus::AtMax => format!("is at its maximum ({})", money(x)),
                BoundStatus::Locked => format!("is locked at {}", money(x)),
                _ => return None,
            };
            Some(format!("{name} {what}"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The optimal allocation for the mode the arguments ask for, its budget problem's bounds
/// (for export), the current plan, and with `--time` the median solve time.
struct Outcome {
    mode: &'static str,
    allocation: Allocation,
    bounds: Vec<SpendBounds>,
    current: Vec<f64>,
    solve_us: Option<f64>,
}

fn solve(
    args: &Args,
    curves: &[HillResponse],
    form: RevenueForm,
    names: &[String],
    mix: &[f64],
) -> Result<Outcome, CliError> {
    let bounds = bounds(names, &args.min, &args.max, &args.lock)?;
    let explain = |error| args.optimize_error(names, error);
    if let Some(target) = args.target_roas {
        // Media revenue in the model's form: the curves' sum, or B̄·(exp(Σ g_c) − 1).
        let problem = RoasProblem::new(curves, &bounds, target, args.budget)
            .and_then(|problem| problem.with_form(form))
            .map_err(explain)?;
        let (plan, solve_us) =
            solve_maybe_timed(args.time, || Optimizer::new().solve_roas(&problem));
        let plan = plan.map_err(explain)?;
        let current = scale_mix(mix, plan.budget);
        return Ok(Outcome {
            mode: "target_roas",
            allocation: plan.allocation,
            bounds,
            current,
            solve_us,
        });
    }
    let Some(budget) = args.budget else {
        return Err(CliError::MissingBudget);
    };
    let current = scale_mix(mix, budget);
    let (mode, problem) = match args.extra {
        Some(extra) => (
            "extra",
            BudgetProblem::extra_budget(curves, &bounds, &current, extra),
        ),
        None => ("budget", BudgetProblem::new(curves, &bounds, budget)),
    };
    let problem = problem.map_err(explain)?;
    let (allocation, solve_us) = solve_maybe_timed(args.time, || Optimizer::new().solve(&problem));
    Ok(Outcome {
        mode,
        allocation,
        bounds: problem.bounds().to_vec(),
        current,
        solve_us,
    })
}

/// Runs `mixplan optimize`.
pub fn run(args: Args) -> CommandResult {
    if args
        .model
        .data
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return problem_file::run(&args);
    }
    // Read the lift tests before the fit, so a bad file fails fast.
    args.posterior.lift_tests()?;
    let (data, quality) = args.model.data.load_assessed()?;
    let (form, comparison) = choose_form(&args.model, &data, args.carryover, args.form)?;
    if form == ModelForm::Multiplicative && args.export_problem.is_some() {
        return Err(CliError::NeedsAdditiveForm {
            flag: "--export-problem",
            chosen_by: args.form.flag(),
        });
    }
    let (model, data) = match form {
        ModelForm::Additive => {
            let fit = args.model.fit_loaded(data, quality, args.carryover)?;
            (PlanningModel::Additive(Box::new(fit.model)), fit.data)
        }
        ModelForm::Multiplicative => {
            let (model, _) = args.model.fit_multiplicative(&data, args.carryover)?;
            (PlanningModel::Multiplicative(Box::new(model)), data)
        }
    };
    let names = channel_names(model.linear_model());
    let curves = model.curves();
    let mix = model.mix();
    let mut outcome = solve(&args, &curves, model.revenue_form(), &names, &mix)?;
    let allocation = &outcome.allocation;
    let rule = if outcome.mode == "target_roas" {
        None
    } else {
        rule::recommend(
            &args,
            &data,
            &model,
            &mix,
            &outcome.bounds,
            allocation.budget(),
        )?
    };
    if let Some(r) = &rule {
        outcome.current.clone_from(&r.current);
    }
    let allocation = &outcome.allocation;
    let chosen: &[f64] = rule
        .as_ref()
        .map_or(allocation.spend(), |r| &r.recommendation.allocation);
    let predict = |what, spend| {
        model.predict(spend).map_err(|source| CliError::Predict {
            what,
            source: source.into(),
        })
    };
    let point = predict("the point-estimate optimum", allocation.spend())?;
    let best = predict("the recommended split", chosen)?;
    let current = predict("the current plan", &outcome.current)?;
    let evaluate = |spend: &[f64]| {
        Plan::evaluate(&curves, spend).map_err(|error| args.optimize_error(&names, error))
    };
    // Additive: media revenue adds up, so the plans' media figures are the curves'. In the
    // multiplicative form the curves are logs: revenue, media and ROAS come from predictions.
    let (uplift, roas, point_roas) = match &model {
        PlanningModel::Additive(additive) => {
            let current_plan = evaluate(&outcome.current)?;
            let chosen_plan = evaluate(chosen)?;
            let uplift = chosen_plan
                .uplift_over(&current_plan)
                .with_baseline(additive.baseline_level());
            (
                UpliftOut {
                    absolute: uplift.absolute,
                    relative: uplift.relative,
                },
                chosen_plan.roas(),
                allocation.roas(),
            )
        }
        PlanningModel::Multiplicative(_) => {
            let absolute = best.revenue - current.revenue;
            let per_budget = |media: f64| {
                let budget = allocation.budget();
                if budget > 0.0 { media / budget } else { 0.0 }
            };
            (
                UpliftOut {
                    absolute,
                    relative: (current.revenue != 0.0).then(|| absolute / current.revenue),
                },
                per_budget(best.media),
                per_budget(point.media),
            )
        }
    };
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let recommendation = rule.as_ref().map(|r| &r.recommendation);
    let out = OptimizeOut {
        form,
        form_comparison: comparison.as_ref().map(super::fit::FormComparisonOut::from),
        mode: outcome.mode,
        method: if rule.is_some() {
            "posterior_rule"
        } else {
            "point_estimate"
        },
        budget: allocation.budget(),
        target_roas: args.target_roas,
        allocation: Named(&names, chosen),
        expected_uplift: recommendation.map(|r| r.expected_uplift),
        uplift_interval: recommendation.map(|r| r.uplift_interval),
        probability_of_gain: recommendation.map(|r| r.probability_of_gain),
        rule: rule.as_ref().map(|r| r.output(&names)),
        point_optimum: PointOut {
            allocation: Named(&names, allocation.spend()),
            predicted_revenue: point.revenue,
            media_revenue: point.media,
            roas: point_roas,
        },
        predicted_revenue: best.revenue,
        media_revenue: best.media,
        baseline: best.baseline,
        roas,
        contributions: Named(&names, &best.contributions),
        marginal_roi: Named(&names, &best.marginal),
        at_bound: if rule.is_some() {
            bound_note(&names, chosen, &outcome.bounds)
        } else {
            allocation.bound_note(&name_refs)
        },
        current: CurrentOut {
            allocation: Named(&names, &outcome.current),
            predicted_revenue: current.revenue,
            media_revenue: current.media,
        },
        uplift,
        convergence: rule.as_ref().map(|r| &r.convergence),
        solve_us: outcome.solve_us,
        nodes: allocation.stats().nodes,
    };
    if let Some(path) = &args.export_problem {
        problem_file::write(
            path,
            &names,
            &curves,
            &outcome.bounds,
            allocation,
            outcome.solve_us,
        )?;
    }
    print_json(&out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::report;
    use clap::Parser;

    fn names() -> Vec<String> {
        ["paid_search", "email", "display"]
            .map(String::from)
            .to_vec()
    }

    fn cv(channel: &str, value: f64) -> ChannelValue {
        ChannelValue {
            channel: channel.into(),
            value,
        }
    }

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn args(flags: &[&str]) -> Args {
        Cli::parse_from(["x", "d.csv"].iter().chain(flags)).args
    }

    #[test]
    fn bounds_from_flags() {
        let b = bounds(
            &names(),
            &[cv("paid_search", 100.0)],
            &[cv("paid_search", 900.0), cv("display", 50.0)],
            &[cv("email", 300.0)],
        )
        .unwrap();
        assert_eq!(b[0], SpendBounds::new(100.0, 900.0));
        assert_eq!(b[1], SpendBounds::locked(300.0));
        assert_eq!(b[2], SpendBounds::at_most(50.0));
        let e = bounds(&names(), &[cv("email", 1.0)], &[], &[cv("email", 3.0)]).unwrap_err();
        assert_eq!(
            report(&e),
            "error: 'email' is locked and also has --min or --max\n\
             hint: a lock fixes the spend: drop --lock email=… or its --min/--max"
        );
        let e = bounds(&names(), &[cv("email", 1.0), cv("email", 2.0)], &[], &[]).unwrap_err();
        assert_eq!(
            report(&e),
            "error: --min gives 'email' more than once\nhint: give each channel once"
        );
    }

    #[test]
    fn core_errors_name_the_channel_and_the_flags() {
        let source = OptimizeError::InvalidBounds {
            channel: 1,
            min: 5.0,
            max: 1.0,
        };
        let e = args(&["--budget", "5000"]).optimize_error(&names(), source.clone());
        assert_eq!(
            report(&e),
            format!("error: --budget 5000, channel 'email': {source}")
        );
    }

    #[test]
    fn budget_below_the_locks_hints_in_flags() {
        let a = args(&[
            "--budget",
            "1000",
            "--lock",
            "email=2000",
            "--min",
            "display=500",
        ]);
        let source = OptimizeError::MinimumsExceedBudget {
            minimums: 2500.0,
            budget: 1000.0,
            excess: 1500.0,
        };
        assert_eq!(
            report(&a.optimize_error(&names(), source.clone())),
            format!(
                "error: --budget 1000: {source}\nhint: --lock email=2000, --min display=500: \
                 locks count as minimums; lower them or give a --budget of at least 2500.00"
            )
        );
    }

    #[test]
    fn solves_once_without_time_and_reports_a_median_with_it() {
        let mut calls = 0;
        let (value, time) = solve_maybe_timed(false, || {
            calls += 1;
            calls
        });
        assert_eq!((value, time, calls), (1, None, 1));
        let mut calls = 0;
        let (value, time) = solve_maybe_timed(true, || {
            calls += 1;
            calls
        });
        assert_eq!((value, calls), (TIMED_SOLVES, TIMED_SOLVES));
        assert!(time.is_some_and(|us| us.is_finite() && us >= 0.0));
    }

    #[test]
    fn bad_amounts_are_refused_by_the_parser() {
        for flags in [
            ["--budget", "50,000"],
            ["--budget", "lots"],
            ["--extra=-5", "--budget=1"],
            ["--lock", "email=1e999"],
        ] {
            let parsed = Cli::try_parse_from(["x", "d.csv"].iter().chain(&flags));
            assert!(parsed.is_err(), "{flags:?}");
        }
    }
}
