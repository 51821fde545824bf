//! `mixplan simulate` — to be implemented by its issue.

use super::CommandResult;

/// Arguments of `mixplan simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `mixplan simulate`.
pub fn run(_args: Args) -> CommandResult {
    Err("`mixplan simulate` is not implemented yet".into())
}
