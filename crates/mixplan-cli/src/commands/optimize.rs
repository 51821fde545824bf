//! `mixplan optimize DATA.csv --budget B [--min ch=v]… [--max ch=v]… [--lock ch=v]…
//! [--target-roas R] [--extra X] [--export-problem FILE]`
//!
//! Fits the model as `mixplan fit` does, then finds the best split of a weekly budget
//! (sustained over time) with the exact optimiser and prints JSON:
//!
//! | field | meaning |
//! |---|---|
//! | `mode` | `budget`, `extra` or `target_roas` |
//! | `budget` | the weekly budget placed (in `extra` mode `B + X`; in `target_roas` mode the largest budget meeting the target) |
//! | `allocation` | optimal weekly spend per channel |
//! | `predicted_revenue` | baseline + media revenue of the optimal split |
//! | `media_revenue`, `baseline`, `roas` | its parts, and media revenue ÷ budget |
//! | `contributions`, `marginal_roi` | per channel at the optimum |
//! | `at_bound` | which channels sit at a minimum, maximum or lock |
//! | `current` | the historical average mix scaled to `B` (`allocation`, `predicted_revenue`, `media_revenue`) |
//! | `uplift` | `absolute` and `relative` gain of the optimum over `current` (total revenue) |
//! | `solve_us` | median wall time of one cold solve (a fresh `Optimizer`, no warm start), µs, over 101 runs; the fit is not included |
//!
//! `--export-problem FILE` also writes the curves, bounds, budget and the optimiser's answer
//! as JSON for `scripts/compare_slsqp.py`. Given such a file (`*.json`) instead of a CSV,
//! `optimize` skips the fit and solves the problem in it (`--budget` may override its
//! budget), printing `mode: "problem"`, `budget`, `allocation`, `media_revenue`, `roas`,
//! `marginal_roi`, `at_bound`, `solve_us`, `nodes` and `evaluations` — how the comparison script runs
//! mixplan on curves of its own.

use super::CommandResult;
use super::common::DataArgs;
use mixplan_core::model::{FittedModel, ModelParams};
use mixplan_core::optimize::{
    Allocation, BudgetProblem, OptimizeError, Optimizer, Plan, RoasProblem, SpendBounds, scale_mix,
};
use mixplan_core::response::HillResponse;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Instant;

/// Solves timed for `solve_us` (the median is reported). Each uses a fresh `Optimizer`:
/// re-solving the same problem with a warm one would report an optimistic time.
const TIMED_SOLVES: usize = 101;

/// Arguments of `mixplan optimize`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Weekly budget to place; required unless --target-roas (where it optionally caps the
    /// budget) or a problem file (where it overrides the file's budget).
    #[arg(long, value_name = "AMOUNT")]
    budget: Option<f64>,
    /// Minimum weekly spend of a channel, `CHANNEL=AMOUNT` (repeat, or comma-separate).
    #[arg(long = "min", value_name = "CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_assignment)]
    min: Vec<ChannelValue>,
    /// Maximum weekly spend of a channel, `CHANNEL=AMOUNT` (repeat, or comma-separate).
    #[arg(long = "max", value_name = "CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_assignment)]
    max: Vec<ChannelValue>,
    /// Fixed weekly spend of a channel, `CHANNEL=AMOUNT` (repeat, or comma-separate).
    #[arg(long = "lock", value_name = "CHANNEL=AMOUNT", value_delimiter = ',', value_parser = parse_assignment)]
    lock: Vec<ChannelValue>,
    /// Find the largest budget whose media ROAS (media revenue ÷ budget) stays at least R.
    #[arg(long, value_name = "R")]
    target_roas: Option<f64>,
    /// Place X more on top of the current plan (the historical mix at --budget), never
    /// taking money away from a channel.
    #[arg(long, value_name = "X", conflicts_with = "target_roas")]
    extra: Option<f64>,
    /// Also write the problem (curves, bounds, budget) and the answer as JSON to FILE, for
    /// scripts/compare_slsqp.py.
    #[arg(long, value_name = "FILE")]
    export_problem: Option<PathBuf>,
    /// Share of the last weeks held out for testing, in (0, 0.5] (as `mixplan fit`).
    #[arg(long, default_value_t = 0.2, value_name = "SHARE")]
    holdout: f64,
    /// Seed of the hyper-parameter search (as `mixplan fit`).
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// `CHANNEL=AMOUNT` from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelValue {
    /// Channel name as typed.
    pub channel: String,
    /// The amount.
    pub value: f64,
}

/// Parses `CHANNEL=AMOUNT` with a finite amount ≥ 0.
pub fn parse_assignment(text: &str) -> Result<ChannelValue, String> {
    let Some((channel, value)) = text.split_once('=') else {
        return Err(format!(
            "'{text}' is not CHANNEL=AMOUNT (for example paid_search=5000)"
        ));
    };
    let channel = channel.trim();
    if channel.is_empty() {
        return Err(format!("'{text}' has no channel name before '='"));
    }
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("'{}' in '{text}' is not a number", value.trim()))?;
    if !(value.is_finite() && value >= 0.0) {
        return Err(format!("'{text}': the amount must be a finite number >= 0"));
    }
    Ok(ChannelValue {
        channel: channel.to_owned(),
        value,
    })
}

/// The index of a channel name (exact, else case-insensitive), or an error naming the flag
/// and listing the valid names.
pub fn resolve(names: &[String], name: &str, flag: &str) -> Result<usize, String> {
    names
        .iter()
        .position(|n| n == name)
        .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(name)))
        .ok_or_else(|| {
            format!(
                "unknown channel '{name}' in {flag}; the channels are: {}",
                names.join(", ")
            )
        })
}

/// Serialises parallel slices of names and values as a JSON object in channel order.
pub struct Named<'a>(pub &'a [String], pub &'a [f64]);

impl Serialize for Named<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0.iter().zip(self.1) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Loads the data and fits the model exactly as `mixplan fit` does.
pub fn fit_model(
    data: &DataArgs,
    holdout: f64,
    seed: u64,
) -> Result<FittedModel, Box<dyn std::error::Error>> {
    let data = data.load()?;
    let params = ModelParams::default().holdout(holdout).seed(seed).check()?;
    Ok(params.fit(&data, |_, _| {})?)
}

/// Per-channel bounds from `--min`, `--max` and `--lock`.
fn bounds(
    names: &[String],
    min: &[ChannelValue],
    max: &[ChannelValue],
    lock: &[ChannelValue],
) -> Result<Vec<SpendBounds>, String> {
    let mut bounds = vec![SpendBounds::FREE; names.len()];
    let mut seen = vec![[false; 3]; names.len()];
    for (kind, (flag, list)) in [("--min", min), ("--max", max), ("--lock", lock)]
        .into_iter()
        .enumerate()
    {
        for a in list {
            let c = resolve(names, &a.channel, flag)?;
            if seen[c][kind] {
                return Err(format!(
                    "{flag} gives '{}' more than once; give it once",
                    names[c]
                ));
            }
            seen[c][kind] = true;
            match kind {
                0 => bounds[c].min = a.value,
                1 => bounds[c].max = a.value,
                _ => {
                    if seen[c][0] || seen[c][1] {
                        return Err(format!(
                            "'{}' is locked and also has --min or --max; a lock fixes the \
                             spend, drop the other",
                            names[c]
                        ));
                    }
                    bounds[c] = SpendBounds::locked(a.value);
                }
            }
        }
    }
    Ok(bounds)
}

/// A core error with the channel index replaced by its name.
fn explain(error: OptimizeError, names: &[String]) -> Box<dyn std::error::Error> {
    let text = error.to_string();
    match error.channel().and_then(|c| names.get(c).map(|n| (c, n))) {
        Some((c, name)) => text
            .replacen(&format!("channel {c}"), &format!("channel '{name}'"), 1)
            .into(),
        None => text.into(),
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
struct OptimizeOut<'a> {
    mode: &'static str,
    budget: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_roas: Option<f64>,
    allocation: Named<'a>,
    predicted_revenue: f64,
    media_revenue: f64,
    baseline: f64,
    roas: f64,
    contributions: Named<'a>,
    marginal_roi: Named<'a>,
    at_bound: String,
    current: CurrentOut<'a>,
    uplift: UpliftOut,
    solve_us: f64,
    nodes: u32,
}

#[derive(Serialize)]
struct ExportChannel<'a> {
    name: &'a str,
    coefficient: f64,
    half_saturation: f64,
    shape: f64,
    min: f64,
    /// `None` (JSON null) for no maximum.
    max: Option<f64>,
}

#[derive(Serialize)]
struct ExportAnswer<'a> {
    allocation: &'a [f64],
    media_revenue: f64,
    solve_us: f64,
}

#[derive(Serialize)]
struct ExportOut<'a> {
    channels: Vec<ExportChannel<'a>>,
    budget: f64,
    mixplan: ExportAnswer<'a>,
}

/// One channel of a problem file (the `channels[]` of an `--export-problem` file).
#[derive(Deserialize)]
struct ProblemChannel {
    name: String,
    coefficient: f64,
    half_saturation: f64,
    shape: f64,
    #[serde(default)]
    min: f64,
    /// Absent or null: no maximum.
    #[serde(default)]
    max: Option<f64>,
}

/// A problem file: curves with bounds, and the budget.
#[derive(Deserialize)]
struct ProblemIn {
    channels: Vec<ProblemChannel>,
    budget: f64,
}

#[derive(Serialize)]
struct ProblemOut<'a> {
    mode: &'static str,
    budget: f64,
    allocation: Named<'a>,
    media_revenue: f64,
    roas: f64,
    marginal_roi: Named<'a>,
    at_bound: String,
    solve_us: f64,
    nodes: u32,
    evaluations: u32,
}

/// Median wall time of `solve`, µs, and its last result.
fn timed<T>(mut solve: impl FnMut() -> T) -> (T, f64) {
    let mut times = Vec::with_capacity(TIMED_SOLVES);
    let mut last = None;
    for _ in 0..TIMED_SOLVES {
        let start = Instant::now();
        last = Some(solve());
        times.push(start.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    match last {
        Some(value) => (value, median),
        None => (solve(), median),
    }
}

/// The optimal allocation for the mode the arguments ask for, its budget problem's bounds
/// and budget (for export), the current plan, and the median solve time.
struct Outcome {
    mode: &'static str,
    allocation: Allocation,
    bounds: Vec<SpendBounds>,
    current: Vec<f64>,
    solve_us: f64,
}

fn solve(
    args: &Args,
    curves: &[HillResponse],
    names: &[String],
    mix: &[f64],
) -> Result<Outcome, Box<dyn std::error::Error>> {
    let bounds = bounds(names, &args.min, &args.max, &args.lock)?;
    let check = |budget: f64, flag: &str| -> Result<f64, String> {
        if budget.is_finite() && budget >= 0.0 {
            Ok(budget)
        } else {
            Err(format!("{flag} must be a finite amount >= 0, got {budget}"))
        }
    };
    if let Some(target) = args.target_roas {
        let problem = RoasProblem::new(curves, &bounds, target, args.budget)
            .map_err(|e| explain(e, names))?;
        let (plan, solve_us) = timed(|| Optimizer::new().solve_roas(&problem));
        let plan = plan.map_err(|e| explain(e, names))?;
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
        return Err(
            "give the weekly budget with --budget AMOUNT (or ask for --target-roas R)".into(),
        );
    };
    let budget = check(budget, "--budget")?;
    let current = scale_mix(mix, budget);
    let (mode, problem) = match args.extra {
        Some(extra) => (
            "extra",
            BudgetProblem::extra_budget(curves, &bounds, &current, check(extra, "--extra")?),
        ),
        None => ("budget", BudgetProblem::new(curves, &bounds, budget)),
    };
    let problem = problem.map_err(|e| explain(e, names))?;
    let (allocation, solve_us) = timed(|| Optimizer::new().solve(&problem));
    Ok(Outcome {
        mode,
        allocation,
        bounds: problem.bounds().to_vec(),
        current,
        solve_us,
    })
}

/// Solves the problem in a JSON file (see the module docs).
fn run_problem(args: &Args) -> CommandResult {
    if !(args.min.is_empty() && args.max.is_empty() && args.lock.is_empty())
        || args.target_roas.is_some()
        || args.extra.is_some()
    {
        return Err(
            "--min, --max, --lock, --target-roas and --extra do not apply to a \
                    problem file; edit its bounds and budget instead"
                .into(),
        );
    }
    let path = &args.data.path;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let problem: ProblemIn = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a problem file ({e})", path.display()))?;
    let names: Vec<String> = problem.channels.iter().map(|c| c.name.clone()).collect();
    let curves = problem
        .channels
        .iter()
        .map(|c| {
            HillResponse::new(c.coefficient, c.half_saturation, c.shape)
                .map_err(|e| format!("channel '{}': {e}", c.name))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bounds: Vec<SpendBounds> = problem
        .channels
        .iter()
        .map(|c| SpendBounds::new(c.min, c.max.unwrap_or(f64::INFINITY)))
        .collect();
    let budget = args.budget.unwrap_or(problem.budget);
    let checked = BudgetProblem::new(&curves, &bounds, budget).map_err(|e| explain(e, &names))?;
    let (allocation, solve_us) = timed(|| Optimizer::new().solve(&checked));
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    if let Some(file) = &args.export_problem {
        write_export(file, &names, &curves, &bounds, &allocation, solve_us)?;
    }
    let out = ProblemOut {
        mode: "problem",
        budget: allocation.budget(),
        allocation: Named(&names, allocation.spend()),
        media_revenue: allocation.media_revenue(),
        roas: allocation.roas(),
        marginal_roi: Named(&names, allocation.marginal_roi()),
        at_bound: allocation.bound_note(&name_refs),
        solve_us,
        nodes: allocation.stats().nodes,
        evaluations: allocation.stats().evaluations,
    };
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// Writes an `--export-problem` file.
fn write_export(
    path: &std::path::Path,
    names: &[String],
    curves: &[HillResponse],
    bounds: &[SpendBounds],
    allocation: &Allocation,
    solve_us: f64,
) -> CommandResult {
    let export = ExportOut {
        channels: names
            .iter()
            .zip(curves)
            .zip(bounds)
            .map(|((name, f), b)| ExportChannel {
                name,
                coefficient: f.coefficient(),
                half_saturation: f.half_saturation(),
                shape: f.shape(),
                min: b.min,
                max: b.max.is_finite().then_some(b.max),
            })
            .collect(),
        budget: allocation.budget(),
        mixplan: ExportAnswer {
            allocation: allocation.spend(),
            media_revenue: allocation.media_revenue(),
            solve_us,
        },
    };
    std::fs::write(path, serde_json::to_string_pretty(&export)?)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(())
}

/// Runs `mixplan optimize`.
pub fn run(args: Args) -> CommandResult {
    if args
        .data
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        return run_problem(&args);
    }
    let model = fit_model(&args.data, args.holdout, args.seed)?;
    let names: Vec<String> = model.channels().iter().map(|c| c.name.clone()).collect();
    let curves = model.responses();
    let mix: Vec<f64> = model.channels().iter().map(|c| c.mean_spend).collect();
    let outcome = solve(&args, &curves, &names, &mix)?;
    let allocation = &outcome.allocation;
    let best = model.predict_steady_state(allocation.spend())?;
    let current = model.predict_steady_state(&outcome.current)?;
    let uplift = allocation
        .uplift_over(&Plan::evaluate(&curves, &outcome.current)?)
        .with_baseline(model.baseline_level());
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let out = OptimizeOut {
        mode: outcome.mode,
        budget: allocation.budget(),
        target_roas: args.target_roas,
        allocation: Named(&names, allocation.spend()),
        predicted_revenue: best.revenue,
        media_revenue: best.media,
        baseline: best.baseline,
        roas: allocation.roas(),
        contributions: Named(&names, &best.contributions),
        marginal_roi: Named(&names, &best.marginal),
        at_bound: allocation.bound_note(&name_refs),
        current: CurrentOut {
            allocation: Named(&names, &outcome.current),
            predicted_revenue: current.revenue,
            media_revenue: current.media,
        },
        uplift: UpliftOut {
            absolute: uplift.absolute,
            relative: uplift.relative,
        },
        solve_us: outcome.solve_us,
        nodes: allocation.stats().nodes,
    };
    if let Some(path) = &args.export_problem {
        write_export(
            path,
            &names,
            &curves,
            &outcome.bounds,
            allocation,
            outcome.solve_us,
        )?;
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn parses_assignments() {
        assert_eq!(parse_assignment("email=1500").unwrap(), cv("email", 1500.0));
        assert_eq!(
            parse_assignment(" email = 2e3 ").unwrap(),
            cv("email", 2000.0)
        );
        for bad in [
            "email",
            "=5",
            "email=abc",
            "email=-1",
            "email=inf",
            "email=NaN",
        ] {
            assert!(parse_assignment(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_channel_lists_the_valid_ones() {
        let e = resolve(&names(), "tv", "--min").unwrap_err();
        assert_eq!(
            e,
            "unknown channel 'tv' in --min; the channels are: paid_search, email, display"
        );
        assert_eq!(resolve(&names(), "Email", "--min"), Ok(1));
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
        assert!(e.contains("locked and also"), "{e}");
        let e = bounds(&names(), &[cv("email", 1.0), cv("email", 2.0)], &[], &[]).unwrap_err();
        assert!(e.contains("more than once"), "{e}");
    }

    #[test]
    fn core_errors_name_the_channel() {
        let e = OptimizeError::InvalidBounds {
            channel: 1,
            min: 5.0,
            max: 1.0,
        };
        let text = explain(e, &names()).to_string();
        assert!(
            text.starts_with("channel 'email': the spend range"),
            "{text}"
        );
    }

    #[test]
    fn named_keeps_channel_order() {
        let n = ["b".to_string(), "a".to_string()];
        let json = serde_json::to_string(&Named(&n, &[1.0, 2.0])).unwrap();
        assert_eq!(json, r#"{"b":1.0,"a":2.0}"#);
    }
}
