//! One module per subcommand; each has `Args` (clap) and `run(args) -> CommandResult`.

pub mod common;
pub mod fit;
pub mod optimize;
pub mod predict;
pub mod prepare;
pub mod simulate;

/// What a subcommand returns: any error's `Display` is shown to the user as is, so core
/// errors must say what was wrong and how to fix it.
pub type CommandResult = Result<(), Box<dyn std::error::Error>>;
