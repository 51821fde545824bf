//! Problem files: what `--export-problem FILE` writes, and `mixplan optimize FILE.json`
//! solving one without a fit.
//!
//! The file holds `channels[]` (`name`, `coefficient`, `half_saturation`, `shape`, `min`,
//! `max` — `null` for none), `budget` and `mixplan` (the optimiser's `allocation`,
//! `media_revenue` and, with `--time`, `solve_us`). Given such a file, `optimize` prints
//! `mode: "problem"`, `budget`, `allocation`, `media_revenue`, `roas`, `marginal_roi`,
//! `at_bound`, `nodes`, `evaluations` and, with `--time`, `solve_us` — how
//! `scripts/compare_slsqp.py` runs mixplan on curves of its own. `--budget` overrides the
//! file's budget; the other bound flags do not apply.

use super::{Args, solve_maybe_timed};
use crate::commands::CommandResult;
use crate::commands::output::{Named, print_json};
use crate::error::CliError;
use mixplan_core::optimize::{Allocation, BudgetProblem, Optimizer, SpendBounds};
use mixplan_core::response::HillResponse;
use serde::{Deserialize, Serialize};
use std::path::Path;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    solve_us: Option<f64>,
}

#[derive(Serialize)]
struct ExportOut<'a> {
    channels: Vec<ExportChannel<'a>>,
    budget: f64,
    mixplan: ExportAnswer<'a>,
}

/// One channel of a problem file.
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
    #[serde(skip_serializing_if = "Option::is_none")]
    solve_us: Option<f64>,
    nodes: u32,
    evaluations: u32,
}

/// Solves the problem in the JSON file `args` names (see the module docs).
pub(super) fn run(args: &Args) -> CommandResult {
    if !(args.min.is_empty() && args.max.is_empty() && args.lock.is_empty())
        || args.target_roas.is_some()
        || args.extra.is_some()
    {
        return Err(CliError::FlagsWithProblemFile);
    }
    let path = &args.model.data.path;
    let text = std::fs::read_to_string(path).map_err(|source| CliError::ReadFile {
        path: path.clone(),
        hint: None,
        source,
    })?;
    let problem: ProblemIn =
        serde_json::from_str(&text).map_err(|source| CliError::ProblemFile {
            path: path.clone(),
            source,
        })?;
    let names: Vec<String> = problem.channels.iter().map(|c| c.name.clone()).collect();
    let curves = problem
        .channels
        .iter()
        .map(|c| {
            HillResponse::new(c.coefficient, c.half_saturation, c.shape).map_err(|source| {
                CliError::ProblemCurve {
                    path: path.clone(),
                    channel: c.name.clone(),
                    source: source.into(),
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bounds: Vec<SpendBounds> = problem
        .channels
        .iter()
        .map(|c| SpendBounds::new(c.min, c.max.unwrap_or(f64::INFINITY)))
        .collect();
    let budget = args.budget.unwrap_or(problem.budget);
    let checked = BudgetProblem::new(&curves, &bounds, budget).map_err(|source| {
        let mut asked = path.display().to_string();
        if let Some(budget) = args.budget {
            asked.push_str(&format!(" with --budget {budget}"));
        }
        CliError::optimize(asked, &names, None, source)
    })?;
    let (allocation, solve_us) = solve_maybe_timed(args.time, || Optimizer::new().solve(&checked));
    if let Some(file) = &args.export_problem {
        write(file, &names, &curves, &bounds, &allocation, solve_us)?;
    }
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
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
    print_json(&out)?;
    Ok(())
}

/// Writes an `--export-problem` file.
pub(super) fn write(
    path: &Path,
    names: &[String],
    curves: &[HillResponse],
    bounds: &[SpendBounds],
    allocation: &Allocation,
    solve_us: Option<f64>,
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
    std::fs::write(path, serde_json::to_string_pretty(&export)?).map_err(|source| {
        CliError::WriteFile {
            path: path.to_owned(),
            source,
        }
    })
}
