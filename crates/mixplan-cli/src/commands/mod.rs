//! One module per subcommand; each has `Args` (clap) and `run(args) -> CommandResult`.

pub mod common;
pub mod data_args;
pub mod diagnose;
pub mod fit;
pub mod frontier;
pub mod kpi;
pub mod mediation;
pub mod optimize;
pub mod output;
pub mod plan;
pub mod posterior_args;
pub mod predict;
pub mod prepare;
pub mod pricing;
pub mod simulate;

/// What a subcommand returns: the error says which file, flag or channel it is about and
/// wraps the core's error (see [`crate::error`]).
pub type CommandResult = Result<(), crate::error::CliError>;
