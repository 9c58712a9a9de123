//! The command line: global options shared by every command, the checked [`Context`] they
//! are turned into before any work, and one module per subcommand.

pub mod alloc;
pub mod cycles;
pub mod draw;
pub mod explore;
pub mod export;
pub mod extract;
pub mod generate;
pub mod list;
pub mod map;
pub mod output;
pub mod path;
pub mod progress;
pub mod show;
pub mod stakeholders;
pub mod stats;
pub mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use dealgraph::graph::{Filter, MoneyGraph};
use dealgraph::load::{self, LoadError, LoadOptions, Loaded};
use dealgraph::model::{DealKind, EntityId, Status, parse_as_of, parse_money};

/// Map who pays whom in AI (investments, cloud, chips, loans) and find where the money goes
/// round in circles.
///
/// Edges point the way cash flows: the payer pays the payee. Investment: investor → investee.
/// Cloud: customer → provider. Chips: buyer → seller. Loan: lender → borrower.
///
/// With no --data, every command reads the bundled dataset extracted from five news articles
/// (see seeds/README.md).
#[derive(Debug, Parser)]
#[command(name = "dealgraph", version, max_term_width = 100)]
#[command(after_help = "EXAMPLES:
  dealgraph list deals                      every deal in the bundled data
  dealgraph cycles --explain                circular-financing loops, in plain words
  dealgraph stakeholders openai             who has a stake in OpenAI
  dealgraph show aws                        Amazon (found by alias), its facts and deals
  dealgraph validate --data my-deals.csv    check your own data file
  dealgraph map --out map.svg               draw the whole graph")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Validate(validate::Args),
    List(list::Args),
    Show(show::Args),
    Cycles(cycles::Args),
    Export(export::Args),
    Stakeholders(stakeholders::Args),
    Path(path::Args),
    Stats(stats::Args),
    Map(map::Args),
    Explore(explore::Args),
    Generate(generate::Args),
    Extract(extract::Args),
}

/// How many problems in the data are printed without `--all-errors`.
const PRINTED_PROBLEMS: usize = 50;

/// Options accepted before or after any subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Read data from this file or folder (.toml, .json, .csv) instead of the bundled seeds.
    /// Repeat to combine several. Only regular files are read (no devices or FIFOs), each at
    /// most 8 GiB unless the environment variable DEALGRAPH_MAX_INPUT_BYTES says otherwise.
    #[arg(long, value_name = "PATH", global = true)]
    pub data: Vec<PathBuf>,

    /// Create entities that deals mention but no file declares (named by their id).
    #[arg(long, global = true)]
    pub auto_entities: bool,

    /// Judge every deal by its newest report on or before this date (YYYY, YYYY-MM or
    /// YYYY-MM-DD; a partial date means the end of that period). Default: today.
    #[arg(long, value_name = "DATE", global = true)]
    pub as_of: Option<String>,

    /// Keep only deals whose standing status is one of these (comma-separated). Default: every
    /// status but cancelled.
    #[arg(long, value_name = "LIST", value_delimiter = ',', global = true)]
    pub status: Vec<String>,

    /// Keep only these deal kinds (comma-separated: investment,cloud,chips,loan,revenue,other).
    #[arg(long, value_name = "LIST", value_delimiter = ',', global = true)]
    pub kinds: Vec<String>,

    /// Drop deals below this amount, and undisclosed ones (accepts 1e9, 1000000000, $1B, 1.5bn).
    #[arg(long, value_name = "USD", global = true)]
    pub min_amount: Option<String>,

    /// Leave out this entity and all its deals (repeatable): "what if SoftBank walked away?"
    #[arg(long, value_name = "ENTITY", global = true)]
    pub without: Vec<String>,

    /// Leave out flows that no source states but other figures imply (marked inferred).
    #[arg(long, global = true)]
    pub no_inferred: bool,

    /// Only what a source states as done: deals announced or completed, nothing in talks,
    /// rumored or inferred. The same as --status announced,completed --no-inferred.
    #[arg(long, global = true, conflicts_with = "status")]
    pub confirmed: bool,

    /// Output format: the command's help says which it writes and its default (table for
    /// most; DOT for `map`).
    #[arg(
        long,
        short = 'f',
        value_enum,
        global = true,
        hide_possible_values = true
    )]
    pub format: Option<Format>,

    /// Colour in terminal output and diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// After the command, print on stderr how long loading the data took and how long the
    /// command took after that (building the graph included), in seconds.
    #[arg(long, global = true)]
    pub timings: bool,

    /// Print every problem found in the data; by default the first 50 are printed, then how
    /// many more there are.
    #[arg(long, global = true)]
    pub all_errors: bool,
}

/// How many hops a loop (or, for `path`, a path) may have. One option group, flattened into
/// `cycles`, `path`, `stats` and `map`, so the flag is spelled and checked the same way
/// everywhere; `path` changes the default to 4 with `mut_arg`.
#[derive(Clone, Copy, Debug, Args)]
pub struct LengthArgs {
    /// Longest loop, in hops (2 to 64); 0 means no bound (the search may then take long on
    /// dense data: see --timeout).
    #[arg(long, value_name = "HOPS", default_value_t = 6,
          value_parser = clap::value_parser!(u16).range(0..=64))]
    pub max_len: u16,
}

impl LengthArgs {
    /// The bound as the queries take it: `None` for no bound. 1 is a usage error: no loop
    /// has a single hop (self-deals are not allowed).
    pub fn loop_bound(&self) -> CliResult<Option<usize>> {
        match self.max_len {
            0 => Ok(None),
            1 => Err(CliError::usage_help(
                "--max-len 1: a loop needs at least 2 hops (self-deals are not allowed)",
                "use --max-len 2 or more, or 0 for no bound",
            )),
            n => Ok(Some(usize::from(n))),
        }
    }
}

/// `--diff`, flattened into `cycles`, `stakeholders` and `stats`: the what-if as a difference.
#[derive(Clone, Copy, Debug, Args)]
pub struct DiffArgs {
    /// Show what the filters change: the same command on the data with none of --without,
    /// --confirmed, --no-inferred, --status, --kinds, --min-amount and --as-of, against it
    /// with them (loops lost and gained, totals before and after, ranking moves).
    #[arg(long)]
    pub diff: bool,
}

impl DiffArgs {
    /// With `--diff`, the filter to compare against (none of the global filters); a usage
    /// error when no filter changes anything.
    pub fn baseline(&self, ctx: &Context) -> CliResult<Option<Filter>> {
        if !self.diff {
            return Ok(None);
        }
        if ctx.filter == ctx.unfiltered {
            return Err(CliError::usage_help(
                "--diff compares the data with and without --without, --confirmed, \
                 --no-inferred, --status, --kinds, --min-amount and --as-of, and none of them \
                 changes anything here",
                "add one, e.g. --without softbank --diff or --confirmed --diff",
            ));
        }
        Ok(Some(ctx.unfiltered.clone()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    /// JSON lines: one object a line (`cycles`).
    Jsonl,
    Csv,
    Dot,
    Svg,
    Png,
    Pdf,
    Html,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
            Format::Html => "html",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How a command failed, which decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments (exit 2).
    #[error("{message}")]
    Usage {
        message: String,
        help: Option<String>,
    },
    /// Bad data (exit 1); already rendered diagnostics.
    #[error("{0}")]
    Data(String),
    /// Anything else (exit 1).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::Usage {
            message: message.into(),
            help: None,
        }
    }

    pub fn usage_help(message: impl Into<String>, help: impl Into<String>) -> CliError {
        CliError::Usage {
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Other(e.into())
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// Global options, checked, plus the loaded data. Built once before a command runs.
pub struct Context {
    pub loaded: Loaded,
    pub filter: Filter,
    pub format: Option<Format>,
    pub color: bool,
    /// Where the data came from, for titles: "bundled seeds" or the paths.
    pub data_label: String,
    /// The same without folders, for what gets published (maps, pages): "bundled seeds",
    /// "deals.csv", or "your data" for a folder.
    pub data_name: String,
    /// With `--timings`: how long loading took, and when it ended.
    pub timings: Option<(std::time::Duration, std::time::Instant)>,
    /// The filter with none of the global filters given (today, default statuses): what
    /// `--diff` compares against.
    pub unfiltered: Filter,
}

/// Checks every global value first (reporting all bad ones), then loads the data.
pub fn context(global: &GlobalArgs) -> CliResult<Context> {
    let color = match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let today = chrono::Local::now().date_naive();
    let mut problems = Vec::new();
    let as_of = match &global.as_of {
        None => today,
        Some(text) => parse_as_of(text).unwrap_or_else(|e| {
            problems.push(format!("--as-of {text:?}: {e}"));
            today
        }),
    };
    let statuses = if global.confirmed {
        vec![Status::Announced, Status::Completed]
    } else {
        parse_list::<Status>(&global.status, "--status", &mut problems)
    };
    let kinds = parse_list::<DealKind>(&global.kinds, "--kinds", &mut problems);
    if global.without.iter().any(|w| w.trim().is_empty()) {
        problems.push("--without: the entity id is empty; name an entity (`dealgraph list entities` shows them)".into());
    }
    let min_amount = global.min_amount.as_ref().and_then(|text| {
        parse_money(text)
            .map_err(|e| problems.push(format!("--min-amount {text:?}: {e}; {}", e.help())))
            .ok()
    });
    if !problems.is_empty() {
        return Err(CliError::usage(problems.join("\n")));
    }
    let load_started = std::time::Instant::now();
    let (counter, progress) = progress::LoadProgress::start(&global.data);
    let options = LoadOptions {
        auto_entities: global.auto_entities,
        today,
        progress: counter,
    };
    let result = if global.data.is_empty() {
        load::load_bundled(options)
    } else {
        load::load_paths(&global.data, options)
    };
    progress.finish();
    let timings = global
        .timings
        .then(|| (load_started.elapsed(), std::time::Instant::now()));
    let loaded = match result {
        Ok(loaded) => loaded,
        Err(LoadError::Usage { message, help }) => return Err(CliError::usage_help(message, help)),
        Err(LoadError::Invalid(diags)) => {
            let summary = format!(
                "{} error(s), {} warning(s): nothing was loaded; fix the errors above and run again",
                diags.error_count(),
                diags.warning_count()
            );
            let limit = (!global.all_errors).then_some(PRINTED_PROBLEMS);
            return Err(CliError::Data(format!(
                "{}{summary}",
                diags.render_first(color, limit, "--all-errors")
            )));
        }
    };
    if global.as_of.is_some() {
        let unknown = loaded.dataset.unreported_at(as_of);
        if unknown > 0 {
            eprintln!(
                "note: {unknown} of {} deals have no report dated on or before {as_of}: what \
                 they stood at then is unknown, not absent, so they are left out",
                loaded.dataset.deal_count()
            );
        }
    }
    let mut filter = Filter::new(as_of);
    if !statuses.is_empty() {
        filter.statuses = statuses;
    }
    if !kinds.is_empty() {
        filter.kinds = kinds;
    }
    filter.min_amount = min_amount;
    filter.include_inferred = !(global.no_inferred || global.confirmed);
    for name in &global.without {
        let id = loaded
            .dataset
            .resolve(name)
            .map_err(|e| CliError::usage(format!("--without: {e}")))?;
        filter.without.push(id);
    }
    let data_label = if global.data.is_empty() {
        "bundled seeds".to_string()
    } else {
        global
            .data
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let data_name = data_name(&data_label);
    Ok(Context {
        loaded,
        filter,
        format: global.format,
        color,
        data_label,
        data_name,
        timings,
        unfiltered: Filter::new(today),
    })
}

/// The data label without folders: "bundled seeds", "deals.csv, extra.toml", "your data".
fn data_name(label: &str) -> String {
    if label == "bundled seeds" {
        return label.to_string();
    }
    let mut names: Vec<String> = Vec::new();
    for part in label.split(", ") {
        let path = Path::new(part);
        let name = match path.file_name() {
            Some(name) if !path.is_dir() => name.to_string_lossy().into_owned(),
            _ => "your data".to_string(),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}

fn parse_list<T: std::str::FromStr<Err = String>>(
    items: &[String],
    flag: &str,
    problems: &mut Vec<String>,
) -> Vec<T> {
    let mut out = Vec::new();
    if items.iter().any(|s| s.trim().is_empty()) {
        problems.push(format!(
            "{flag}: the list is empty or has an empty item; name at least one, e.g. {flag} {}",
            if flag == "--kinds" {
                "cloud,loan"
            } else {
                "announced,completed"
            }
        ));
        return out;
    }
    for item in items.iter().map(|s| s.trim()) {
        match item.parse() {
            Ok(v) => out.push(v),
            Err(e) => problems.push(format!("{flag}: {e}")),
        }
    }
    out
}

/// A positive number of seconds, for `--timeout`.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds (e.g. 10 or 2.5)"))?;
    if !(secs.is_finite() && secs > 0.0 && secs <= 1e9) {
        return Err(format!("{text:?} must be a positive number of seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

impl Context {
    pub fn dataset(&self) -> &dealgraph::model::Dataset {
        &self.loaded.dataset
    }

    /// The filtered money-flow graph.
    /// With `--timings`: prints the load and command times on stderr (the command's time runs
    /// from the end of loading to now).
    pub fn report_timings(&self) {
        if let Some((load, loaded_at)) = self.timings {
            eprintln!(
                "timings: load {:.3} s, command {:.3} s",
                load.as_secs_f64(),
                loaded_at.elapsed().as_secs_f64()
            );
        }
    }

    pub fn graph(&self) -> MoneyGraph<'_> {
        MoneyGraph::build(&self.loaded.dataset, self.filter.clone())
    }

    pub fn as_of(&self) -> NaiveDate {
        self.filter.as_of
    }

    /// Finds an entity by id, name or alias; a miss is a usage error with a suggestion.
    pub fn resolve(&self, name: &str) -> CliResult<EntityId> {
        self.loaded
            .dataset
            .resolve(name)
            .map_err(|e| CliError::usage(e.to_string()))
    }

    /// The requested format if this command supports it, else a usage error.
    pub fn format(&self, command: &str, supported: &[Format]) -> CliResult<Format> {
        let format = self.format.unwrap_or(supported[0]);
        if supported.contains(&format) {
            Ok(format)
        } else {
            let names: Vec<&str> = supported.iter().map(|f| f.name()).collect();
            Err(CliError::usage_help(
                format!("`{command}` cannot write {}", format.name()),
                format!("choose --format {}", names.join(", --format ")),
            ))
        }
    }
}
