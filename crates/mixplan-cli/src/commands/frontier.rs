//! `mixplan frontier DATA.csv [--from B0] [--to B1] [--steps K]`
//!
//! Fits the model as `mixplan fit` does, then solves the exact weekly optimiser at `K + 1`
//! evenly spaced weekly budgets from `B0` to `B1` and prints the budget frontier as JSON:
//!
//! | field | meaning |
//! |---|---|
//! | `current_budget` | the historical mean weekly spend, all channels |
//! | `baseline` | the planning baseline (non-media weekly revenue) |
//! | `points[]` | per budget: `budget`, `media_revenue` (optimal), `predicted_revenue` (baseline + media), `roas` (media ÷ budget), `marginal_roas` (the optimum's multiplier λ: revenue of one more unit of weekly budget; `null` when no channel is strictly inside its bounds), `allocation` |
//!
//! Defaults: `B0` = a quarter of the current budget, `B1` = twice it, `K` = 20.

use super::CommandResult;
use super::common::{ModelArgs, channel_names, parse_amount};
use super::output::{Named, print_json};
use crate::error::CliError;
use mixplan_core::optimize::{BudgetProblem, Optimizer, SpendBounds};
use serde::Serialize;

/// Largest `--steps` accepted.
const MAX_STEPS: usize = 1000;

/// Arguments of `mixplan frontier`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    /// Smallest weekly budget (default: a quarter of the historical mean weekly spend).
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    from: Option<f64>,
    /// Largest weekly budget (default: twice the historical mean weekly spend).
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    to: Option<f64>,
    /// Number of intervals between --from and --to (K + 1 budgets), 1 to 1000.
    #[arg(long, default_value_t = 20, value_name = "K")]
    steps: usize,
}

#[derive(Serialize)]
struct Point<'a> {
    budget: f64,
    media_revenue: f64,
    predicted_revenue: f64,
    roas: f64,
    marginal_roas: Option<f64>,
    allocation: Named<'a>,
}

#[derive(Serialize)]
struct FrontierOut<'a> {
    current_budget: f64,
    baseline: f64,
    points: Vec<Point<'a>>,
}

/// Runs `mixplan frontier`.
pub fn run(args: Args) -> CommandResult {
    if !(1..=MAX_STEPS).contains(&args.steps) {
        return Err(CliError::FrontierRange {
            asked: format!("--steps {}", args.steps),
            reason: format!("the number of steps must be 1 to {MAX_STEPS}"),
        });
    }
    let model = args.model.fit()?.model;
    let names = channel_names(&model);
    let current: f64 = model.channels().iter().map(|c| c.mean_spend).sum();
    let from = args.from.unwrap_or(0.25 * current);
    let to = args.to.unwrap_or(2.0 * current);
    if from > to {
        return Err(CliError::FrontierRange {
            asked: format!("--from {from} --to {to}"),
            reason: "the first budget is larger than the last".into(),
        });
    }
    let curves = model.responses();
    let bounds = vec![SpendBounds::FREE; curves.len()];
    let mut optimizer = Optimizer::new();
    let budgets: Vec<f64> = (0..=args.steps)
        .map(|i| from + (to - from) * i as f64 / args.steps as f64)
        .collect();
    let mut solved = Vec::with_capacity(budgets.len());
    for &budget in &budgets {
        let problem = BudgetProblem::new(&curves, &bounds, budget).map_err(|source| {
            CliError::optimize(format!("budget {budget}"), &names, None, source)
        })?;
        solved.push(optimizer.solve(&problem));
    }
    let baseline = model.baseline_level();
    let points = budgets
        .iter()
        .zip(&solved)
        .map(|(&budget, best)| Point {
            budget,
            media_revenue: best.media_revenue(),
            predicted_revenue: baseline + best.media_revenue(),
            roas: best.roas(),
            marginal_roas: best.level().is_finite().then_some(best.level()),
            allocation: Named(&names, best.spend()),
        })
        .collect();
    print_json(&FrontierOut {
        current_budget: current,
        baseline,
        points,
    })
}
