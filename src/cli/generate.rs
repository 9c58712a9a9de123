//! `dealgraph generate`: a deterministic synthetic deal dataset for tests, benchmarks and
//! scale trials (see `dealgraph::generate` for the model).

use std::io::{BufWriter, Write};
use std::path::Path;

use dealgraph::generate::{self, Spec};

use super::{CliError, CliResult};

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
    if is_csv {
        return atomic_write(out, |w| generate::write_deals(&spec, w));
    }
    if out.is_file() {
        return Err(CliError::usage_help(
            format!("{} is a file, not a folder", out.display()),
            "give a folder for entities.csv + deals.csv, or a path ending in .csv for the deals alone",
        ));
    }
    std::fs::create_dir_all(out)
        .map_err(|e| CliError::usage(format!("cannot create {}: {e}", out.display())))?;
    atomic_write(&out.join("entities.csv"), |w| {
        generate::write_entities(&spec, w)
    })?;
    atomic_write(&out.join("deals.csv"), |w| generate::write_deals(&spec, w))
}

/// Writes `path` through a buffered temporary file in the same folder, renamed into place once
/// complete, so nobody ever reads half a file.
fn atomic_write(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> CliResult {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".dealgraph-");
    // Like any new file (0666 less the umask), not the private 0600 of a temporary file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder
        .tempfile_in(dir)
        .map_err(|e| CliError::usage(format!("cannot write in {}: {e}", dir.display())))?;
    let mut buf = BufWriter::with_capacity(1 << 20, tmp);
    write(&mut buf)?;
    let tmp = buf.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| CliError::usage(format!("cannot write {}: {}", path.display(), e.error)))?;
    Ok(())
}
