//! `dealgraph extract FILE...`: draft deal records from news articles, each with its evidence.

use std::path::PathBuf;

use dealgraph::extract::{
    self, Article,
    cues::Cues,
    draft,
    parties::{Companies, Lexicon},
};
use dealgraph::render::json;

use super::{CliError, CliResult, Context, Format, output};

/// Draft deal records from news articles (.txt, or .html with scripts and styles dropped).
///
/// Rule-based, offline: amounts, qualifiers, status, kind and direction are read from cue
/// phrases and sentence structure; parties by the loaded entities' names and aliases and a
/// bundled list of industry names, plus capitalised names proposed as new entities. Every deal carries its evidence (the sentence,
/// file:line:col, a confidence and the cue behind each field); candidates the rules cannot
/// place are kept commented out with the reason. Review the draft, then:
///   dealgraph validate --data draft.toml --auto-entities
///
/// Output: TOML, or JSON with --format json (or an --out path ending in .json).
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Article files to read.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Write the draft here instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Read the cue phrases from this TOML file instead of the bundled one (same layout as
    /// src/extract/cues.toml: copy it and extend it).
    #[arg(long, value_name = "FILE")]
    pub cues: Option<PathBuf>,

    /// Read the industry names from this TOML file instead of the bundled list (same layout
    /// as src/extract/companies.toml).
    #[arg(long, value_name = "FILE")]
    pub companies: Option<PathBuf>,
}

/// The text of `path` parsed by `parse`, or a data error naming the file.
fn read_toml<T, E: std::fmt::Display>(
    path: &std::path::Path,
    parse: impl Fn(&str) -> Result<T, E>,
) -> CliResult<T> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    parse(&text).map_err(|e| CliError::Data(format!("error: {}: {e}", path.display())))
}

pub fn run(args: &Args, ctx: &Context) -> CliResult {
    let by_name = args
        .out
        .as_ref()
        .is_some_and(|o| o.extension().is_some_and(|e| e == "json"));
    let json_out =
        ctx.format("extract", &[Format::Table, Format::Json])? == Format::Json || by_name;
    let mut articles = Vec::new();
    for f in &args.files {
        let raw = std::fs::read_to_string(f)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", f.display())))?;
        let name = f.file_name().map_or_else(
            || f.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        articles.push(Article::new(&name, &raw));
    }
    let cues = match &args.cues {
        Some(p) => read_toml(p, Cues::parse)?,
        None => Cues::bundled(),
    };
    let companies = match &args.companies {
        Some(p) => read_toml(p, Companies::parse)?,
        None => Companies::bundled(),
    };
    let lexicon = Lexicon::new(ctx.dataset(), &companies);
    let candidates = extract::extract(&articles, &lexicon, &cues);
    let text = if json_out {
        json::to_string(&draft::to_json_value(&candidates))
    } else {
        draft::to_toml(&candidates)
    };
    match &args.out {
        Some(out) => output::write_to(out, |w| w.write_all(text.as_bytes())),
        None => output::stdout(text.as_bytes()),
    }
}
