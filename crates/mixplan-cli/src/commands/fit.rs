//! `mixplan fit` — to be implemented by its issue.

use super::CommandResult;

/// Arguments of `mixplan fit`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `mixplan fit`.
pub fn run(_args: Args) -> CommandResult {
    Err("`mixplan fit` is not implemented yet".into())
}
