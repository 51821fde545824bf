//! `mixplan optimize` — to be implemented by its issue.

use super::CommandResult;

/// Arguments of `mixplan optimize`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `mixplan optimize`.
pub fn run(_args: Args) -> CommandResult {
    Err("`mixplan optimize` is not implemented yet".into())
}
