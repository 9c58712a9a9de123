//! `dealgraph export FORMAT`: the filtered graph, every deal with every report, in a format
//! another tool opens (Gephi, Neo4j, Aleph, DuckDB, Spark) or as dealgraph's own JSON.

use std::path::PathBuf;

use clap::ValueEnum;

use dealgraph::render::export::{self, ExportFile};

use super::{CliError, CliResult, Context, output};

/// Export the graph for another tool: GraphML, GEXF, FollowTheMoney, Neo4j, columnar CSV, or
/// dealgraph's own data format (JSON, TOML or CSV) that --data reads back.
///
/// Every global filter and --as-of apply: the deals that pass them are exported, each with
/// every report (amount, qualifier, status, date, source, publisher), its evidence grade
/// (stated or inferred) and its notes. Every entity is a node, except those left out with
/// --without. docs/exports.md shows how to open each format in its tool.
///
/// graphml, gexf, ftm, json and toml are one file (--out FILE, or stdout without --out);
/// neo4j, columnar and csv are several files written into the folder --out DIR (created if
/// needed).
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  dealgraph export gexf --out deals.gexf          open in Gephi (timeline: by date)
  dealgraph export graphml --out deals.graphml    networkx, igraph, yEd, Gephi
  dealgraph export ftm --out deals.ftm.json       ftm validate / Aleph
  dealgraph export neo4j --out neo4j/             neo4j-admin database import full
  dealgraph export columnar --out edges/          DuckDB, Spark: see docs/scale-out.md
  dealgraph export json --out deals.json          reload with --data deals.json
  dealgraph export toml --out deals.toml          the same, as TOML to edit by hand
  dealgraph export csv --out data/                entities.csv, deals.csv: --data data/")]
pub struct Args {
    /// What to write.
    #[arg(id = "export_format", value_enum, value_name = "FORMAT")]
    pub format: ExportFormat,

    /// Write to this file (graphml, gexf, ftm, json) or folder (neo4j, columnar). Files are
    /// written to a temporary file and renamed into place.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// GraphML (Gephi, yEd, networkx, igraph)
    Graphml,
    /// GEXF 1.3 with dates, for Gephi's timeline
    Gexf,
    /// FollowTheMoney JSON lines (Aleph, OpenSanctions)
    Ftm,
    /// Neo4j import CSVs and a Cypher script (a folder)
    Neo4j,
    /// nodes.csv and edges.csv for DuckDB, Spark, Polars (a folder)
    Columnar,
    /// dealgraph's own data format, which --data reads back
    Json,
    /// dealgraph's own data format as TOML, which --data reads back
    Toml,
    /// dealgraph's own data format as entities.csv and deals.csv (a folder; no entity facts)
    Csv,
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    if let Some(format) = ctx.format {
        return Err(CliError::usage_help(
            format!(
                "`export` takes its format as an argument, not --format {}",
                format.name()
            ),
            "e.g. dealgraph export graphml --out deals.graphml",
        ));
    }
    let graph = ctx.graph();
    let file = match args.format {
        ExportFormat::Graphml => export::graphml::to_graphml(&graph),
        ExportFormat::Gexf => export::gexf::to_gexf(&graph),
        ExportFormat::Ftm => export::ftm::to_ftm(&graph),
        ExportFormat::Json => export::json::to_json(&graph),
        ExportFormat::Toml => export::json::to_toml(&graph),
        ExportFormat::Csv => return folder(ctx, args, export::datacsv::to_data_csv(&graph)),
        ExportFormat::Neo4j => return folder(ctx, args, export::neo4j::to_neo4j(&graph)),
        ExportFormat::Columnar => return folder(ctx, args, export::columnar::to_columnar(&graph)),
    };
    match &args.out {
        None => output::stdout(&file),
        Some(path) => output::file(ctx, path, &file),
    }
}

/// Writes the files of a several-file format into the folder `--out`.
fn folder(ctx: &Context, args: &Args, files: Vec<ExportFile>) -> CliResult {
    let Some(dir) = &args.out else {
        return Err(CliError::usage_help(
            "this format writes several files: give a folder with --out",
            "e.g. --out export-dir/",
        ));
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::usage(format!("cannot create the folder {}: {e}", dir.display())))?;
    files
        .iter()
        .try_for_each(|f| output::file(ctx, &dir.join(f.name), &f.bytes))
}
