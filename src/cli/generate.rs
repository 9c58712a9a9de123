//! `dealgraph generate`: not built yet.

use super::{CliError, CliResult};

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> CliResult {
    Err(CliError::usage("`generate` is not built yet"))
}
