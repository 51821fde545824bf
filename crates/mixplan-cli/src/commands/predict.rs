//! `mixplan predict` — to be implemented by its issue.

use super::CommandResult;

/// Arguments of `mixplan predict`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `mixplan predict`.
pub fn run(_args: Args) -> CommandResult {
    Err("`mixplan predict` is not implemented yet".into())
}
