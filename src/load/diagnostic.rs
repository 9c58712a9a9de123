//! Problems found while loading, with the file, line and column they point at, rendered as
//! source snippets (annotate-snippets) with a hint on how to fix them.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Index of a file in [`Files`].
pub type FileId = u32;

/// Where in the input a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// The whole file (empty file, unreadable file).
    File(FileId),
    /// A byte range of a text file held in memory (TOML, JSON).
    Span { file: FileId, start: u32, end: u32 },
    /// A CSV cell: 1-based line, 0-based field, and the byte offset where its record starts.
    Cell {
        file: FileId,
        line: u32,
        field: u16,
        record_start: u64,
    },
}

impl Loc {
    pub fn span(file: FileId, range: Range<usize>) -> Loc {
        Loc::Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    pub fn file(self) -> FileId {
        match self {
            Loc::File(f) | Loc::Span { file: f, .. } | Loc::Cell { file: f, .. } => f,
        }
    }
}

/// One input file: its display name and, where available, its text.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    /// Where to re-read it from when the text was streamed rather than kept.
    pub path: Option<PathBuf>,
    text: OnceLock<Option<Arc<str>>>,
    /// Where each line of the text starts, found on first use: a file with thousands of
    /// problems is scanned once, not once per problem.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn with_text(name: String, text: Arc<str>) -> SourceFile {
        let cell = OnceLock::new();
        let _ = cell.set(Some(text));
        SourceFile {
            name,
            path: None,
            text: cell,
            line_starts: OnceLock::new(),
        }
    }

    pub fn streamed(name: String, path: PathBuf) -> SourceFile {
        SourceFile {
            name,
            path: Some(path),
            text: OnceLock::new(),
            line_starts: OnceLock::new(),
        }
    }

    /// The text, re-read lossily from disk on first use for streamed files.
    pub fn text(&self) -> Option<&str> {
        self.text
            .get_or_init(|| {
                let path = self.path.as_ref()?;
                let bytes = std::fs::read(path).ok()?;
                Some(Arc::from(String::from_utf8_lossy(&bytes).as_ref()))
            })
            .as_deref()
    }

    /// The 1-based line holding byte `at` of the text (binary search in the line starts).
    fn line_of(&self, text: &str, at: usize) -> usize {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        starts.partition_point(|&s| s <= at)
    }
}

/// Every file read in one load, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        (self.files.len() - 1) as FileId
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }

    /// Resolves a location to (line, column, byte range) in the file's text; both 1-based,
    /// the column counted in characters.
    pub fn line_col(&self, loc: Loc) -> Option<(usize, usize, Range<usize>)> {
        let file = self.get(loc.file());
        let text = file.text()?;
        let range = match loc {
            Loc::File(_) => return None,
            Loc::Span { start, end, .. } => start as usize..end as usize,
            Loc::Cell {
                field,
                record_start,
                ..
            } => {
                // After a CRLF the csv crate's record starts at the `\n`: skip the line end.
                let bytes = text.as_bytes();
                let mut at = (record_start as usize).min(bytes.len());
                while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                    at += 1;
                }
                csv_field_range(text, at, field as usize)?
            }
        };
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let line_start = line_start(text, start);
        let line = file.line_of(text, start);
        let column = text[line_start..start].chars().count() + 1;
        Some((line, column, range))
    }
}

/// Where the line holding byte `at` starts, past a UTF-8 byte-order mark (which is no column).
fn line_start(text: &str, at: usize) -> usize {
    match text[..at].rfind('\n') {
        Some(i) => i + 1,
        None if text.starts_with('\u{feff}') => '\u{feff}'.len_utf8().min(at),
        None => 0,
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte range of field `field` of the CSV record starting at `start` (quotes respected).
fn csv_field_range(text: &str, start: usize, field: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = start.min(bytes.len());
    let mut current = 0;
    let mut field_start = i;
    let mut in_quotes = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => {
                if current == field {
                    return Some(field_start..i);
                }
                current += 1;
                field_start = i + 1;
            }
            b'\n' | b'\r' if !in_quotes => break,
            _ => {}
        }
        i += 1;
    }
    if current == field {
        Some(field_start..i)
    } else {
        // The row is short: point at its end.
        Some(i..i)
    }
}

/// A problem in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub loc: Option<Loc>,
    /// What to do about it.
    pub help: Option<String>,
    /// A second place that matters (the first declaration of a duplicate id).
    pub related: Option<Box<(Loc, String)>>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, loc: impl Into<Option<Loc>>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            loc: loc.into(),
            help: None,
            related: None,
        }
    }

    pub fn warning(message: impl Into<String>, loc: impl Into<Option<Loc>>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, loc)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, loc: Loc, label: impl Into<String>) -> Diagnostic {
        self.related = Some(Box::new((loc, label.into())));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or just the file) for this problem.
    pub fn location(&self, files: &Files) -> Option<String> {
        let loc = self.loc?;
        let name = &files.get(loc.file()).name;
        Some(match (loc, files.line_col(loc)) {
            (Loc::Cell { .. }, Some((line, col, _))) => format!("{name}:{line}:{col}"),
            (Loc::Cell { line, field, .. }, None) => format!("{name}:{line}:field {}", field + 1),
            (_, Some((line, col, _))) => format!("{name}:{line}:{col}"),
            _ => name.clone(),
        })
    }

    /// Renders the problem as a snippet of the offending line with a caret under the value.
    pub fn render(&self, files: &Files, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut owned_snippets = Vec::new();
        for (loc, label, primary) in self
            .loc
            .map(|l| (l, String::new(), true))
            .into_iter()
            .chain(self.related.as_deref().map(|(l, s)| (*l, s.clone(), false)))
        {
            owned_snippets.push(snippet_parts(files, loc, label, primary));
        }
        let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();
        for part in &owned_snippets {
            match part.snippet() {
                // The snippet names its own file, line and column unless the line was cut.
                Some(snippet) if !part.cut => {
                    elements.push(snippet.path(part.name.as_str()).into())
                }
                Some(snippet) => {
                    elements.push(part.origin().into());
                    elements.push(snippet.into());
                }
                None => elements.push(part.origin().into()),
            }
        }
        let group =
            Group::with_title(level.primary_title(self.message.as_str())).elements(elements);
        let mut report = vec![group];
        if let Some(help) = &self.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report)
    }
}

/// The data behind one location's snippet, owned so the renderer can borrow it.
struct SnippetParts {
    name: String,
    line: Option<usize>,
    column: Option<usize>,
    window: Option<(String, Range<usize>)>,
    label: String,
    primary: bool,
    /// The line was cut to a window, so the snippet's own column would be wrong.
    cut: bool,
}

impl SnippetParts {
    fn origin(&self) -> Origin<'_> {
        let mut origin = Origin::path(self.name.as_str());
        if let Some(line) = self.line {
            origin = origin.line(line);
            if let Some(column) = self.column {
                origin = origin.char_column(column);
            }
        }
        origin
    }

    fn snippet(&self) -> Option<Snippet<'_, annotate_snippets::Annotation<'_>>> {
        let (text, range) = self.window.as_ref()?;
        let kind = if self.primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        Some(
            Snippet::source(text.as_str())
                .line_start(self.line.unwrap_or(1))
                .annotation(kind.span(range.clone()).label(self.label.as_str())),
        )
    }
}

/// At most this many characters of a line are shown around the problem.
const WINDOW: usize = 100;

fn snippet_parts(files: &Files, loc: Loc, label: String, primary: bool) -> SnippetParts {
    let name = files.get(loc.file()).name.clone();
    let Some((line, column, range)) = files.line_col(loc) else {
        let line = match loc {
            Loc::Cell { line, .. } => Some(line as usize),
            _ => None,
        };
        return SnippetParts {
            name,
            line,
            column: None,
            window: None,
            label,
            primary,
            cut: false,
        };
    };
    let text = files.get(loc.file()).text().unwrap_or_default();
    let start = floor_char_boundary(text, range.start.min(text.len()));
    let line_start = line_start(text, start);
    let line_end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i);
    let line_text = &text[line_start..line_end];
    // Cut very long lines to a window around the problem.
    // (Without collecting the line's chars: a 10 MB line would cost 160 MB.)
    let col0 = column - 1;
    let from = col0.saturating_sub(WINDOW / 2);
    let byte_from = line_text
        .char_indices()
        .nth(from)
        .map_or(line_text.len(), |(b, _)| b);
    let rest = line_text[byte_from..].char_indices().nth(WINDOW);
    let byte_to = rest.map_or(line_text.len(), |(b, _)| byte_from + b);
    let mut window = String::new();
    if from > 0 {
        window.push('…');
    }
    let prefix = window.len();
    // Control characters from the data must not reach the terminal; same-width stand-ins keep
    // the byte offsets of the annotation valid.
    window.extend(line_text[byte_from..byte_to].chars().map(|c| match c {
        '\t' => '\t',
        c if c.is_control() && c.len_utf8() == 1 => '?',
        c if c.is_control() => '¿',
        c => c,
    }));
    if rest.is_some() {
        window.push('…');
    }
    let rel_start = prefix + (start - line_start).saturating_sub(byte_from);
    let len = range
        .end
        .saturating_sub(range.start)
        .min(line_end.saturating_sub(start));
    let rel_end = (rel_start + len).min(prefix + (byte_to - byte_from));
    let rel_end = floor_char_boundary(&window, rel_end.max(rel_start));
    let rel_start = floor_char_boundary(&window, rel_start);
    SnippetParts {
        name,
        line: Some(line),
        column: Some(column),
        window: Some((window, rel_start..rel_end)),
        label,
        primary,
        cut: from > 0,
    }
}

/// Every diagnostic of a load together with the files they point into.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub files: Files,
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// All diagnostics, rendered, in the order found.
    pub fn render(&self, color: bool) -> String {
        self.render_first(color, None, "")
    }

    /// The first `limit` diagnostics (all when `None`), rendered in the order found, then a
    /// line saying how many more there are and that `all_flag` shows them. Linear in the
    /// diagnostics and the files' sizes (each file's line starts are found once).
    pub fn render_first(&self, color: bool, limit: Option<usize>, all_flag: &str) -> String {
        let mut out = String::new();
        let shown = limit.unwrap_or(usize::MAX).min(self.items.len());
        for d in &self.items[..shown] {
            out.push_str(&d.render(&self.files, color));
            out.push_str("\n\n");
        }
        let more = self.items.len() - shown;
        if more > 0 {
            out.push_str(&format!(
                "... and {more} more problem(s) not shown; {all_flag} prints them all\n\n"
            ));
        }
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}
