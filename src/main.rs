//! The `dealgraph` binary: parse arguments, dispatch to one command, map failures to exit
//! codes (0 ok, 1 data error, 2 usage error). A closed pipe ends the run quietly with 0.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, CliError, Command};

#[global_allocator]
static ALLOCATOR: cli::alloc::HugeBlocks = cli::alloc::HugeBlocks;

fn main() -> ExitCode {
    let args = Cli::parse();
    cli::output::clean_up_on_signals();
    // `generate` makes data rather than reading it.
    if let Command::Generate(a) = &args.command {
        return exit(cli::generate::run(a));
    }
    let result = cli::context(&args.global).and_then(|ctx| {
        let result = dispatch(&args.command, &ctx);
        ctx.report_timings();
        // The loaded data is millions of small allocations that the process is about to give
        // back whole: freeing them one by one first costs a noticeable part of a big load.
        // Every command has written and flushed its output by now.
        std::mem::forget(ctx);
        result
    });
    exit(result)
}

fn dispatch(command: &Command, ctx: &cli::Context) -> cli::CliResult {
    match command {
        Command::Validate(a) => cli::validate::run(a, ctx),
        Command::List(a) => cli::list::run(a, ctx),
        Command::Show(a) => cli::show::run(a, ctx),
        Command::Cycles(a) => cli::cycles::run(a, ctx),
        Command::Export(a) => cli::export::run(a, ctx),
        Command::Stakeholders(a) => cli::stakeholders::run(a, ctx),
        Command::Path(a) => cli::path::run(a, ctx),
        Command::Stats(a) => cli::stats::run(a, ctx),
        Command::Map(a) => cli::map::run(a, ctx),
        Command::Explore(a) => cli::explore::run(a, ctx),
        Command::Extract(a) => cli::extract::run(a, ctx),
        Command::Generate(_) => unreachable!("handled in main"),
    }
}

fn exit(result: cli::CliResult) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage { message, help }) => {
            eprintln!("error: {message}");
            if let Some(help) = help {
                eprintln!("help: {help}");
            }
            ExitCode::from(2)
        }
        Err(CliError::Data(rendered)) => {
            eprintln!("{rendered}");
            ExitCode::from(1)
        }
        Err(CliError::Other(e)) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
