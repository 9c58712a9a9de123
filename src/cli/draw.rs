//! How a map is written, shared by `map` and `cycles`: the drawing options ([`DrawArgs`],
//! flattened into a command's Args), the check of the map's format, and [`draw`], which
//! renders a [`MapSpec`] as DOT, SVG, PNG or PDF to stdout or `--out`, with the title, subtitle
//! and credit asked for. Not a command.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dealgraph::render::drawing::{self, DrawError, MapFormat};
use dealgraph::render::map::MapSpec;
use dealgraph::render::svg;

use super::{CliError, CliResult, Context, Format, output};

/// How a map is written: format, engine, layout, file. Flatten it into a command's Args
/// and call [`draw`].
#[derive(Debug, clap::Args)]
pub struct DrawArgs {
    /// Who draws SVG: `graphviz` (needs Graphviz's `dot` on PATH), `builtin` (pure Rust,
    /// nothing to install) or `auto` (Graphviz when installed, else builtin). Default: auto.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub engine: Option<EngineArg>,

    /// Graphviz layout: `dot` (layered, left to right; the default), `neato` or `sfdp`
    /// (spring models), `circo` (circular). With --format dot it is written into the file.
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub layout: Option<LayoutArg>,

    /// Write to this file (atomically) instead of stdout; .svg, .png, .pdf, .dot or .gv picks
    /// the format. PNG (at twice the SVG's size) and PDF are made from the builtin SVG in pure
    /// Rust, with the bundled Liberation Sans font.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// The map's headline, instead of "Who pays whom" (or what the map shows).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// The line under the title, instead of the data, date and counts.
    #[arg(long, value_name = "TEXT")]
    pub subtitle: Option<String>,

    /// The credit line at the foot, instead of the outlets behind the deals shown
    /// ("Sources: DCD; CNBC, citing The Information"); --credit '' drops it.
    #[arg(long, value_name = "TEXT")]
    pub credit: Option<String>,

    /// Say on stderr what was drawn and which engine drew it.
    #[arg(long)]
    pub verbose: bool,
}

impl DrawArgs {
    /// Whether a map is asked for: --format dot|svg, or --out with no --format.
    pub fn wanted(&self, ctx: &Context) -> bool {
        matches!(
            ctx.format,
            Some(Format::Dot | Format::Svg | Format::Png | Format::Pdf | Format::Html)
        ) || (ctx.format.is_none() && self.out.is_some())
    }

    /// A usage error when a drawing option is given but no map is drawn; `what` is what the
    /// map would show ("the loops").
    pub fn unused(&self, what: &str) -> CliResult {
        let text = self.title.is_some() || self.subtitle.is_some() || self.credit.is_some();
        if self.out.is_some()
            || self.engine.is_some()
            || self.layout.is_some()
            || self.verbose
            || text
        {
            return Err(CliError::usage_help(
                "--out, --engine, --layout and --verbose are for maps, as are --title, --subtitle and --credit",
                format!("add --format svg or --format dot to draw {what} on a map"),
            ));
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
    Auto,
    Graphviz,
    Builtin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    Dot,
    Neato,
    Sfdp,
    Circo,
}

impl LayoutArg {
    fn checked(self) -> svg::GraphvizLayout {
        match self {
            LayoutArg::Dot => svg::GraphvizLayout::Dot,
            LayoutArg::Neato => svg::GraphvizLayout::Neato,
            LayoutArg::Sfdp => svg::GraphvizLayout::Sfdp,
            LayoutArg::Circo => svg::GraphvizLayout::Circo,
        }
    }
}

/// The format of a map that is DOT or SVG (as `cycles` draws): [`image_format`], with PNG, PDF or HTML a
/// usage error, since the caller does not draw it.
pub fn map_format(ctx: &Context, args: &DrawArgs) -> CliResult<Format> {
    match image_format(ctx, args)? {
        MapFormat::Dot => Ok(Format::Dot),
        MapFormat::Svg => Ok(Format::Svg),
        other => Err(CliError::usage_help(
            format!(
                "this map is written as DOT or SVG; {} is drawn by `dealgraph map`",
                other.name().to_uppercase()
            ),
            "use --format svg (or --out FILE.svg), or `dealgraph map --loops --out loops.png`",
        )),
    }
}

/// The format of a map: --format (dot, svg, png, pdf or html) if given, else the --out
/// extension, else DOT; a usage error for --engine graphviz with PNG or PDF, --engine with
/// DOT or HTML, and --layout with the builtin engine.
pub fn image_format(ctx: &Context, args: &DrawArgs) -> CliResult<MapFormat> {
    let format = choose_format(ctx, args.out.as_deref())?;
    if matches!(format, MapFormat::Png | MapFormat::Pdf) && args.engine == Some(EngineArg::Graphviz)
    {
        let name = format.name();
        return Err(CliError::usage_help(
            format!("{} is drawn by the builtin engine", name.to_uppercase()),
            format!("drop --engine graphviz, or pipe --format dot into `dot -T{name}`"),
        ));
    }
    if matches!(format, MapFormat::Dot | MapFormat::Html) && args.engine.is_some() {
        return Err(CliError::usage_help(
            "--engine chooses who draws SVG, and this map is written as DOT or HTML",
            "add --format svg, or write to a .svg file with --out",
        ));
    }
    if args.engine == Some(EngineArg::Builtin) && args.layout.is_some_and(|l| l != LayoutArg::Dot) {
        return Err(CliError::usage_help(
            "--layout is a Graphviz layout; the builtin engine always draws a layered map",
            "drop --layout, or use --engine graphviz",
        ));
    }
    Ok(format)
}

/// Renders `spec` as DOT, SVG, PNG or HTML, as `args` and --format ask, to stdout or `--out`.
pub fn draw(spec: &MapSpec, args: &DrawArgs, ctx: &Context) -> CliResult {
    draw_within(spec, args, ctx, None)
}

/// [`draw`], giving up after `timeout` (exit 1, nothing written); a spinner on stderr, when it
/// is a terminal, while a drawing takes more than a second.
pub fn draw_within(
    spec: &MapSpec,
    args: &DrawArgs,
    ctx: &Context,
    timeout: Option<Duration>,
) -> CliResult {
    let format = image_format(ctx, args)?;
    if matches!(format, MapFormat::Png | MapFormat::Pdf)
        && args.out.is_none()
        && std::io::stdout().is_terminal()
    {
        let name = format.name();
        return Err(CliError::usage_help(
            format!("a {} is not for the terminal", name.to_uppercase()),
            format!("write it to a file with --out map.{name}, or pipe it"),
        ));
    }
    let spec = &spec.relabelled(
        args.title.as_deref(),
        args.subtitle.as_deref(),
        args.credit.as_deref(),
    );
    if args.verbose {
        eprintln!(
            "map: {} entities, {} deals, {} loops highlighted",
            spec.entities.len(),
            spec.deals.len(),
            spec.loops.len()
        );
    }
    let bytes = render_watched(spec, args, ctx, format, timeout)?;
    match &args.out {
        Some(path) => {
            output::file(ctx, path, &bytes)?;
            if args.verbose {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        None => output::stdout(&bytes),
    }
}

/// Renders on a worker thread while this one shows progress and watches the clock.
fn render_watched(
    spec: &MapSpec,
    args: &DrawArgs,
    ctx: &Context,
    format: MapFormat,
    timeout: Option<Duration>,
) -> CliResult<Vec<u8>> {
    let start = Instant::now();
    // Graphviz is killed at the deadline by the worker, which then reports it: give it time.
    let graphviz = format == MapFormat::Svg && args.engine != Some(EngineArg::Builtin);
    let grace = Duration::from_secs(if graphviz { 2 } else { 0 });
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        scope.spawn(move || {
            let deadline = timeout.map(|t| start + t);
            let _ = tx.send(render_bytes(spec, args, ctx, format, deadline));
        });
        let mut bar: Option<indicatif::ProgressBar> = None;
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(result) => {
                    if let Some(b) = bar {
                        b.finish_and_clear();
                    }
                    if let (Some(limit), Err(CliError::Other(e))) = (timeout, &result)
                        && matches!(e.downcast_ref(), Some(svg::SvgError::TimedOut))
                    {
                        timed_out(limit);
                    }
                    return result;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(CliError::Other(anyhow::anyhow!("the map renderer stopped")));
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            }
            let elapsed = start.elapsed();
            // The builtin engine cannot be interrupted: this thread leaves without it.
            if let Some(limit) = timeout
                && elapsed >= limit + grace
            {
                if let Some(b) = &bar {
                    b.finish_and_clear();
                }
                timed_out(limit);
            }
            if bar.is_none() && elapsed >= Duration::from_secs(1) && std::io::stderr().is_terminal()
            {
                let b = indicatif::ProgressBar::new_spinner();
                b.set_message(format!(
                    "drawing {} entities, {} deals as {}",
                    spec.entities.len(),
                    spec.deals.len(),
                    format.name()
                ));
                if let Ok(style) =
                    indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                {
                    b.set_style(style);
                }
                b.enable_steady_tick(Duration::from_millis(120));
                bar = Some(b);
            }
        }
    })
}

/// Says that the map was not finished within `limit` and exits 1. Nothing has been written:
/// files are written only when the map is complete.
fn timed_out(limit: Duration) -> ! {
    eprintln!(
        "error: the map was not finished within --timeout {} s; nothing was written",
        limit.as_secs_f64()
    );
    eprintln!("help: draw less with --min-amount, --focus, --top N or --loops, or allow more time");
    std::process::exit(1);
}

/// The bytes of `spec` in `format`; Graphviz is stopped at `deadline`.
fn render_bytes(
    spec: &MapSpec,
    args: &DrawArgs,
    ctx: &Context,
    format: MapFormat,
    deadline: Option<Instant>,
) -> CliResult<Vec<u8>> {
    let options = drawing::DrawOptions {
        format,
        engine: match args.engine.unwrap_or(EngineArg::Auto) {
            EngineArg::Auto => svg::Engine::Auto,
            EngineArg::Graphviz => svg::Engine::Graphviz,
            EngineArg::Builtin => svg::Engine::Builtin,
        },
        layout: args.layout.map(LayoutArg::checked),
        deadline,
        // The bundled font, then the folders in DEALGRAPH_FONT_DIR and the system's for
        // letters it lacks.
        fonts: svg::FontOptions::with_system(
            std::env::var_os("DEALGRAPH_FONT_DIR")
                .map(|dirs| std::env::split_paths(&dirs).collect())
                .unwrap_or_default(),
        ),
        filter: &ctx.filter,
        data_name: &ctx.data_name,
    };
    let drawn = drawing::draw(spec, ctx.dataset(), &options).map_err(|e| match e {
        DrawError::Svg(e @ svg::SvgError::GraphvizMissing) => CliError::usage_help(
            e.to_string(),
            "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew \
             install graphviz), or use --engine builtin",
        ),
        DrawError::Svg(other) => CliError::Other(other.into()),
        other => CliError::Other(other.into()),
    })?;
    if drawn.layout_ignored {
        eprintln!(
            "warning: --layout needs Graphviz, which is not on PATH; the builtin \
             engine drew a layered map"
        );
    }
    if let (true, Some(engine)) = (args.verbose, &drawn.engine) {
        eprintln!("engine: {engine}");
    }
    Ok(drawn.bytes)
}

/// --format if given, else the --out extension, else DOT.
fn choose_format(ctx: &Context, out: Option<&Path>) -> CliResult<MapFormat> {
    let from_ext = out
        .and_then(|p| p.extension())
        .map(|e| MapFormat::from_extension(&e.to_string_lossy()));
    if ctx.format.is_some() {
        let maps = [
            Format::Dot,
            Format::Svg,
            Format::Png,
            Format::Pdf,
            Format::Html,
        ];
        let format = match ctx.format("map", &maps)? {
            Format::Dot => MapFormat::Dot,
            Format::Png => MapFormat::Png,
            Format::Pdf => MapFormat::Pdf,
            Format::Html => MapFormat::Html,
            _ => MapFormat::Svg,
        };
        if let Some(Some(ext)) = from_ext
            && ext != format
        {
            return Err(CliError::usage_help(
                format!(
                    "--format {} does not match --out {}",
                    format.name(),
                    out.map(|p| p.display().to_string()).unwrap_or_default()
                ),
                "make them agree, or drop --format and let the extension decide",
            ));
        }
        return Ok(format);
    }
    match from_ext {
        None => Ok(MapFormat::Dot),
        Some(Some(f)) => Ok(f),
        Some(None) => Err(CliError::usage_help(
            format!(
                "cannot tell the format of {}",
                out.map(|p| p.display().to_string()).unwrap_or_default()
            ),
            "name the file .svg, .png, .pdf, .dot or .html, or say --format svg|png|pdf|dot|html",
        )),
    }
}
