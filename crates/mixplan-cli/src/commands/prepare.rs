//! `mixplan prepare` — to be implemented by its issue.

use super::CommandResult;

/// Arguments of `mixplan prepare`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `mixplan prepare`.
pub fn run(_args: Args) -> CommandResult {
    Err("`mixplan prepare` is not implemented yet".into())
}
