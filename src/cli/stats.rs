//! `dealgraph stats`: not built yet.

use super::{CliError, CliResult, Context};

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args, _ctx: &Context) -> CliResult {
    Err(CliError::usage("`stats` is not built yet"))
}
