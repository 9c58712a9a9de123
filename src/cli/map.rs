//! `dealgraph map`: not built yet.

use super::{CliError, CliResult, Context};

/// (not built yet)
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args, _ctx: &Context) -> CliResult {
    Err(CliError::usage("`map` is not built yet"))
}
