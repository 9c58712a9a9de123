//! `dealgraph generate`: a deterministic synthetic deal dataset for tests, benchmarks and
//! scale trials (see `dealgraph::generate` for the model).

use std::io::BufWriter;

use dealgraph::generate::{self, Spec};

use super::{CliError, CliResult, output};

/// Make a synthetic, scale-free deal dataset: the same seed gives the same bytes on any machine.
///
/// Entities e0, e1, … pay each other by preferential attachment, so a few hubs take part in
/// many deals and most entities in one or two (heavy-tailed in- and out-degrees). Deals mix
/// kinds (investments about a fifth), amounts spread log-uniformly over $100K–$1T, dates
/// 2015-01-01 to 2026-06-30, and every status; nobody pays itself. With at least
/// ENTITIES - 1 deals every entity is in some deal.
///
/// Output: with --out DIR, the folder (created if needed) gets entities.csv (id,name,kind) and
/// deals.csv (from,to,kind,amount_usd,amount_qualifier,date,status,source), each written to a
/// temporary file and renamed into place; load them with --data DIR. With --out FILE.csv, or
/// with no --out (stdout), only the deals CSV is written: load it with --auto-entities.
///
/// Examples:
///   dealgraph generate --entities 10000 --deals 50000 --seed 1 --out /tmp/dg-10k
///   dealgraph validate --data /tmp/dg-10k
///   dealgraph generate --deals 20 | head
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Number of entities (ids e0 … eN-1); at least 2 when there are deals.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub entities: u32,

    /// Number of deals (one CSV row each); at most 4294967295.
    #[arg(long, value_name = "M", default_value_t = 50_000)]
    pub deals: u32,

    /// Seed of the random number generator: the same seed gives the same data.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,

    /// Write to this folder (entities.csv + deals.csv) or, for a path ending in .csv, write the
    /// deals CSV there. Default: the deals CSV on stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<std::path::PathBuf>,
}

pub fn run(args: &Args) -> CliResult {
    let spec = Spec {
        entities: args.entities,
        deals: args.deals,
        seed: args.seed,
    };
    spec.check().map_err(|e| {
        CliError::usage_help(e.to_string(), "pass --entities 2 or more, or --deals 0")
    })?;
    let Some(out) = &args.out else {
        let mut stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        generate::write_deals(&spec, &mut stdout)?;
        return Ok(());
    };
    let is_csv = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    // A device or FIFO (or `-`) takes the deals CSV as a stream.
    let special =
        out.as_os_str() == "-" || std::fs::metadata(out).is_ok_and(|m| !m.is_dir() && !m.is_file());
    if is_csv || special {
        return output::write_to(out, |w| generate::write_deals(&spec, w));
    }
    if out.is_file() {
        return Err(CliError::usage_help(
            format!("{} is a file, not a folder", out.display()),
            "give a folder for entities.csv + deals.csv, or a path ending in .csv for the deals alone",
        ));
    }
    std::fs::create_dir_all(out)
        .map_err(|e| CliError::usage(format!("cannot create {}: {e}", out.display())))?;
    output::write_to(&out.join("entities.csv"), |w| {
        generate::write_entities(&spec, w)
    })?;
    output::write_to(&out.join("deals.csv"), |w| generate::write_deals(&spec, w))
}
