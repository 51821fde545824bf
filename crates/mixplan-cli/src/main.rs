//! `mixplan` — the native command-line interface to the mixplan core, for scripting.
//!
//! Run from the repository root: `cargo run --release --bin mixplan -- <command> …`.
//! Results go to stdout (JSON where the command says so); errors go to stderr with exit
//! code 2 as `error: <context>: <cause>` (the file, flag or channel, then the core's
//! message) and, where it helps, a `hint:` line (see [`error`]).

mod commands;
mod error;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Marketing-mix modelling and budget planning from the command line.
#[derive(Debug, Parser)]
#[command(name = "mixplan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate the demo store's raw daily records (deterministic for a seed).
    Simulate(commands::simulate::Args),
    /// Turn raw daily records into the star schema under data_processed/.
    Prepare(commands::prepare::Args),
    /// Fit the marketing-mix model to a weekly CSV and print JSON.
    Fit(commands::fit::Args),
    /// Find the best split of a weekly budget and print JSON.
    ///
    /// Given a problem file (`*.json`, written by --export-problem) instead of a CSV, solves
    /// the problem in it without fitting; --budget then overrides the file's budget.
    Optimize(commands::optimize::Args),
    /// Check the fitted model (residual autocorrelation, normality, heteroscedasticity,
    /// collinearity, ROI stability) and print JSON with a verdict per check.
    Diagnose(commands::diagnose::Args),
    /// Estimate the price elasticity (log-log) and the promotion lift with 90 % intervals,
    /// and what a price change or a promotion does to weekly revenue; print JSON.
    Pricing(commands::pricing::Args),
    /// Print the performance view as JSON: KPI cards with their change against the previous
    /// period, 7-/30-day trends, the channel table and anomaly alerts, from the daily facts.
    Kpi(commands::kpi::Args),
    /// Split each social channel's effect into direct and through paid search (two-stage
    /// mediation, 90 % block-bootstrap intervals) and print both budget splits as JSON.
    Mediation(commands::mediation::Args),
    /// Predict weekly revenue and contributions for a spend vector and print JSON.
    Predict(commands::predict::Args),
    /// Split a total budget over the next weeks across channels and weeks; print the plan,
    /// its certificate and the weekly revenue forecast as JSON.
    Plan(commands::plan::Args),
    /// Print the optimal weekly revenue and marginal ROAS against the weekly budget as JSON.
    Frontier(commands::frontier::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Prepare(args) => commands::prepare::run(args),
        Command::Fit(args) => commands::fit::run(args),
        Command::Optimize(args) => commands::optimize::run(args),
        Command::Predict(args) => commands::predict::run(args),
        Command::Diagnose(args) => commands::diagnose::run(args),
        Command::Pricing(args) => commands::pricing::run(args),
        Command::Kpi(args) => commands::kpi::run(args),
        Command::Mediation(args) => commands::mediation::run(args),
        Command::Plan(args) => commands::plan::run(args),
        Command::Frontier(args) => commands::frontier::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", error::report(&error));
            ExitCode::from(2)
        }
    }
}
