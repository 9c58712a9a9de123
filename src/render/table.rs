//! Terminal tables (comfy-table) in one house style, and cell text that cannot break the
//! layout: control characters in names are shown escaped. Small tables that need no wrapping
//! are drawn directly, byte for byte as comfy-table draws them, since `show` prints thousands:
//! their frames (rules and header) are drawn once for each set of column widths.

use std::fmt::{self, Write as _};

use comfy_table::{ContentArrangement, Table, presets};
use hashbrown::HashMap;
use unicode_width::UnicodeWidthStr;

/// A table with the house style, wrapped to the terminal when stdout is one.
pub fn new_table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut table = Table::new();
    house_style(&mut table, header);
    if std::env::var_os("COLUMNS").is_none()
        && !std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        table.set_width(140);
    }
    table
}

/// The line under a table cut to its first `shown` of `total` rows (`what` names the rows,
/// plural: "deals", "loops"), saying how to see every row. Every capped table ends with it.
pub fn capped_note(shown: usize, total: usize, what: &str) -> String {
    format!(
        "note: showing {shown} of {total} {what}; --limit 0 shows them all, \
         --format csv or --format json lists every one"
    )
}

fn house_style<I, S>(table: &mut Table, header: I)
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
}

/// Text safe for a terminal cell: control characters (newline, escape, ...) and bidirectional
/// overrides are escaped, so a name can neither break a row, send terminal escape sequences,
/// nor visually reorder the line around it.
pub fn cell_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = Escaped(&mut out).write_str(text);
    out
}

/// A writer that passes text on as [`cell_text`] would show it. Escaping goes char by char,
/// so writing the pieces of a line one by one gives the same text as escaping the whole line.
pub struct Escaped<'a, W: fmt::Write>(pub &'a mut W);

impl<W: fmt::Write> fmt::Write for Escaped<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if printable_ascii(text) {
            return self.0.write_str(text);
        }
        let (bytes, mut clean, mut at) = (text.as_bytes(), 0, 0);
        while at < bytes.len() {
            // Printable ASCII, nearly all of the text, never needs escaping.
            if (0x20..0x7f).contains(&bytes[at]) {
                at += 1;
                continue;
            }
            let c = text[at..].chars().next().unwrap_or_default();
            if needs_escape(c) {
                self.0.write_str(&text[clean..at])?;
                write!(self.0, "{}", c.escape_default())?;
                clean = at + c.len_utf8();
            }
            at += c.len_utf8();
        }
        self.0.write_str(&text[clean..])
    }

    /// As [`Escaped::write_str`] of the one char, without measuring a string: numbers and dates
    /// are written a digit at a time.
    fn write_char(&mut self, c: char) -> fmt::Result {
        if needs_escape(c) {
            write!(self.0, "{}", c.escape_default())
        } else {
            self.0.write_char(c)
        }
    }
}

/// Whether every byte is printable ASCII (no escaping, one column each): nearly all text is.
#[inline]
fn printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Control characters and the Unicode bidirectional formatting characters.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The width comfy-table lays a [`new_table`] out in: `None` lays every column out at its
/// content's width, without wrapping.
fn table_width() -> Option<u16> {
    new_table(Vec::<String>::new()).width()
}

/// A ruled line of UTF8_FULL_CONDENSED.
struct Rule {
    left: char,
    /// A run of the fill character, copied a slice at a time rather than char by char.
    fill: &'static str,
    junction: char,
    right: char,
}

const THIN_RUN: &str = "────────────────────────────────────────────────────────────────";
const THICK_RUN: &str = "════════════════════════════════════════════════════════════════";
const TOP: Rule = Rule {
    left: '┌',
    fill: THIN_RUN,
    junction: '┬',
    right: '┐',
};
const HEADER_RULE: Rule = Rule {
    left: '╞',
    fill: THICK_RUN,
    junction: '╪',
    right: '╡',
};
const BOTTOM: Rule = Rule {
    left: '└',
    fill: THIN_RUN,
    junction: '┴',
    right: '┘',
};
/// (left, junction, right) of each line of text.
const HEADER_LINE: [char; 3] = ['│', '┆', '│'];
const CONTENT_LINE: [char; 3] = ['│', '┆', '│'];

/// A table of a few rows in the house style, filled cell by cell into one reused buffer. When
/// its columns fit the width at their content's width it is drawn directly; otherwise (words
/// to wrap) comfy-table draws it.
#[derive(Clone)]
pub struct SmallTable {
    columns: usize,
    width: Option<u16>,
    /// The header's cells and then each row's, one after another.
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
    header_cells: usize,
    content_widths: Vec<usize>,
    /// The width of each cell (of its widest line), as [`SmallTable::fits`] measured it.
    cell_widths: Vec<usize>,
    /// Frames drawn before, by column widths. The header never changes, so the lines above
    /// the rows and the one below depend on the widths alone, and `show` draws tens of
    /// thousands of tables in a few dozen widths.
    frames: HashMap<Vec<usize>, Frame>,
}

/// The lines of a table drawn directly, other than its rows: the top rule, the header and the
/// header rule (`head`), and the bottom rule.
#[derive(Clone)]
struct Frame {
    head: String,
    bottom: String,
}

impl SmallTable {
    /// A table with this header, laid out in the width [`new_table`] would use now.
    pub fn new(header: &[&str]) -> Self {
        Self::with_width(header, table_width())
    }

    /// A table with this header, laid out in `width` columns (`None`: no limit, no wrapping).
    fn with_width(header: &[&str], width: Option<u16>) -> Self {
        let mut table = SmallTable {
            columns: header.len(),
            width,
            text: String::new(),
            ends: Vec::new(),
            header_cells: header.len(),
            content_widths: Vec::new(),
            cell_widths: Vec::new(),
            frames: HashMap::new(),
        };
        for cell in header {
            table.cell(cell);
        }
        table
    }

    /// Removes the rows, keeping the header.
    pub fn clear_rows(&mut self) {
        self.ends.truncate(self.header_cells);
        self.text.truncate(self.ends.last().copied().unwrap_or(0));
    }

    /// Adds the next cell; rows fill left to right, `columns` cells each.
    pub fn cell(&mut self, text: &str) {
        self.text.push_str(text);
        self.end_cell();
    }

    /// Adds the next cell, written by `fill` to the writer it is given.
    pub fn cell_with(&mut self, fill: impl FnOnce(&mut String) -> fmt::Result) {
        let _ = fill(&mut self.text);
        self.end_cell();
    }

    fn end_cell(&mut self) {
        self.ends.push(self.text.len());
    }

    /// The cells of row `row` (the header is row 0).
    fn row(&self, row: usize) -> impl Iterator<Item = &str> + Clone {
        let first = row * self.columns;
        (first..first + self.columns).map(move |i| self.cell_text(i))
    }

    fn cell_text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// Appends the table as comfy-table's `Display` shows it (no newline after the last line).
    pub fn write_to(&mut self, out: &mut String) {
        if !self.fits() {
            let _ = write!(out, "{}", self.comfy_table());
            return;
        }
        if !self.frames.contains_key(&self.content_widths) {
            // More widths than any real output has: start over rather than grow without end.
            if self.frames.len() >= 4096 {
                self.frames.clear();
            }
            let frame = self.frame();
            self.frames.insert(self.content_widths.clone(), frame);
        }
        let frame = &self.frames[&self.content_widths];
        out.push_str(&frame.head);
        for row in 1..self.ends.len() / self.columns {
            out.push('\n');
            self.write_row(out, row, CONTENT_LINE);
        }
        out.push('\n');
        out.push_str(&frame.bottom);
    }

    /// The frame of the table in its `content_widths`.
    fn frame(&self) -> Frame {
        let mut head = String::new();
        rule(&mut head, &self.content_widths, TOP);
        head.push('\n');
        self.write_row(&mut head, 0, HEADER_LINE);
        head.push('\n');
        rule(&mut head, &self.content_widths, HEADER_RULE);
        let mut bottom = String::new();
        rule(&mut bottom, &self.content_widths, BOTTOM);
        Frame { head, bottom }
    }

    /// The lines of row `row` (the header is row 0).
    fn write_row(&self, out: &mut String, row: usize, style: [char; 3]) {
        let cells = row * self.columns..(row + 1) * self.columns;
        let start = if cells.start == 0 {
            0
        } else {
            self.ends[cells.start - 1]
        };
        if self.text[start..self.ends[cells.end - 1]].contains('\n') {
            text_lines(out, self.row(row), &self.content_widths, style);
        } else {
            let cell_widths = &self.cell_widths[cells.clone()];
            let cells = cells.map(|i| self.cell_text(i));
            text_line(out, cells, cell_widths, &self.content_widths, style);
        }
    }

    /// The same table built by comfy-table, which wraps what does not fit.
    fn comfy_table(&self) -> Table {
        let row = |r| self.row(r).map(str::to_string).collect::<Vec<_>>();
        let mut table = Table::new();
        house_style(&mut table, row(0));
        match self.width {
            Some(width) => table.set_width(width),
            // No width came from the terminal: do not ask it again.
            None => table.force_no_tty(),
        };
        for r in 1..self.ends.len() / self.columns {
            table.add_row(row(r));
        }
        table
    }

    /// Whether comfy-table would give every column its content's width, and so never wrap.
    /// Lays the columns out in `content_widths` when it would.
    fn fits(&mut self) -> bool {
        let columns = self.columns;
        if columns == 0 || !self.ends.len().is_multiple_of(columns) {
            return false;
        }
        self.content_widths.clear();
        // comfy-table gives an empty column one space.
        self.content_widths.resize(columns, 1);
        self.cell_widths.clear();
        let mut start = 0;
        for (i, &end) in self.ends.iter().enumerate() {
            let cell = &self.text[start..end];
            let width = if printable_ascii(cell) {
                cell.len()
            } else {
                cell.split('\n').map(display_width).fold(0, usize::max)
            };
            self.cell_widths.push(width);
            let slot = &mut self.content_widths[i % columns];
            *slot = (*slot).max(width);
            start = end;
        }
        // Far wider than any terminal, where comfy-table's u16 widths would saturate.
        if self
            .content_widths
            .iter()
            .any(|&w| w > usize::from(u16::MAX / 2))
        {
            return false;
        }
        let natural: usize = self.content_widths.iter().sum();
        self.width.is_none_or(|width| {
            let borders_and_padding = columns + 1 + 2 * columns;
            natural <= usize::from(width).saturating_sub(borders_and_padding)
        })
    }
}

/// A ruled line: `left`, `fill` over each column and its padding, `junction` between columns.
fn rule(out: &mut String, widths: &[usize], rule: Rule) {
    out.push(rule.left);
    let fill_len = rule.fill.chars().next().map_or(1, char::len_utf8);
    for (i, &w) in widths.iter().enumerate() {
        if i > 0 {
            out.push(rule.junction);
        }
        let mut left = (w + 2) * fill_len;
        while left > 0 {
            let run = left.min(rule.fill.len());
            out.push_str(&rule.fill[..run]);
            left -= run;
        }
    }
    out.push(rule.right);
}

/// One line of text: each cell (a line of its own, `cell_widths` wide) left-aligned and padded
/// to its column.
fn text_line<'a>(
    out: &mut String,
    cells: impl Iterator<Item = &'a str>,
    cell_widths: &[usize],
    widths: &[usize],
    [left, junction, right]: [char; 3],
) {
    out.push(left);
    for (i, ((cell, &cell_width), &w)) in cells.zip(cell_widths).zip(widths).enumerate() {
        if i > 0 {
            out.push(junction);
        }
        out.push(' ');
        out.push_str(cell);
        push_spaces(out, w - cell_width + 1);
    }
    out.push(right);
}

/// The lines of one row: each cell's lines left-aligned and padded to its column; cells with
/// fewer lines than the row are blank below.
fn text_lines<'a>(
    out: &mut String,
    row: impl Iterator<Item = &'a str> + Clone,
    widths: &[usize],
    [left, junction, right]: [char; 3],
) {
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        out.push(left);
        for (i, (cell, &w)) in cells.zip(widths).enumerate() {
            if i > 0 {
                out.push(junction);
            }
            out.push(' ');
            out.push_str(cell);
            push_spaces(out, w - display_width(cell) + 1);
        }
        out.push(right);
    };
    let height = row.clone().map(|c| c.split('\n').count()).max();
    if height == Some(1) {
        line(out, &mut row.clone());
        return;
    }
    let mut cells: Vec<_> = row.map(|c| c.split('\n')).collect();
    for n in 0..height.unwrap_or(1) {
        if n > 0 {
            out.push('\n');
        }
        line(out, &mut cells.iter_mut().map(|c| c.next().unwrap_or("")));
    }
}

/// Display width as comfy-table measures it (unicode-width), quick for printable ASCII, where
/// every character is one column.
fn display_width(line: &str) -> usize {
    if printable_ascii(line) {
        line.len()
    } else {
        line.width()
    }
}

pub(super) fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let run = n.min(SPACES.len());
        out.push_str(&SPACES[..run]);
        n -= run;
    }
}

#[cfg(test)]
pub(super) mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;

    /// The table as comfy-table draws it with the house style in `width` (`None`: no width).
    pub(in crate::render) fn comfy(
        header: &[String],
        rows: &[Vec<String>],
        width: Option<u16>,
    ) -> String {
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(header.to_vec());
        match width {
            Some(w) => table.set_width(w),
            None => table.force_no_tty(),
        };
        for row in rows {
            table.add_row(row.clone());
        }
        table.to_string()
    }

    fn small(header: &[String], rows: &[Vec<String>], width: Option<u16>) -> SmallTable {
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut table = SmallTable::with_width(&header, width);
        for cell in rows.iter().flatten() {
            table.cell(cell);
        }
        table
    }

    fn drawn(mut table: SmallTable) -> String {
        let mut out = String::new();
        table.write_to(&mut out);
        out
    }

    /// Cell text of every kind that measures differently: ASCII, accents, the star, wide CJK
    /// and emoji, combining marks and joiners, control characters, line breaks, long lines.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zA-Z0-9 .,()$-]{0,16}",
            2 => "[a-zé★漢字🚀 ]{0,8}",
            1 => "[ae\u{301}\u{200d}\u{fe0f}👩💻\u{200b} ]{0,6}",
            1 => "[a-z\t\r\u{1b} ]{0,6}",
            1 => "[a-z \n]{0,12}",
            1 => "[a-z ]{30,100}",
            1 => Just(String::new()),
        ]
    }

    fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
        (1usize..7).prop_flat_map(|n| (vec(cell(), n), vec(vec(cell(), n), 0..4)))
    }

    fn width() -> impl Strategy<Value = Option<u16>> {
        prop_oneof![1 => Just(None), 1 => (0u16..40).prop_map(Some), 3 => (40u16..200).prop_map(Some)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn small_tables_are_drawn_as_comfy_table((header, rows) in table(), width in width()) {
            let table = small(&header, &rows, width);
            prop_assert_eq!(drawn(table), comfy(&header, &rows, width));
        }

        /// Reusing the buffer for the next deal's rows leaves nothing of the last one.
        #[test]
        fn cleared_tables_start_afresh(
            (header, rows) in table(),
            again in vec(cell(), 0..12),
            width in width(),
        ) {
            let mut table = small(&header, &rows, width);
            drawn_into_nothing(&mut table);
            table.clear_rows();
            let again: Vec<Vec<String>> =
                again.chunks_exact(header.len()).map(<[String]>::to_vec).collect();
            for cell in again.iter().flatten() {
                table.cell(cell);
            }
            prop_assert_eq!(drawn(table), comfy(&header, &again, width));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Escaping char by char, however the text is cut into pieces.
        #[test]
        fn escaping_goes_char_by_char(
            text in "[a-zé漢 \\n\t\u{1b}\u{7f}\u{85}\u{200e}\u{202e}\u{2067}\u{200b}]{0,24}",
            cut in 0usize..25,
        ) {
            let by_char: String = text
                .chars()
                .map(|c| if needs_escape(c) { c.escape_default().to_string() } else { c.into() })
                .collect();
            prop_assert_eq!(cell_text(&text), by_char.clone());
            let cut = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i));
            let (head, tail) = text.split_at(cut.unwrap_or(0));
            let mut pieces = String::new();
            let _ = write!(Escaped(&mut pieces), "{head}{tail}");
            prop_assert_eq!(pieces, by_char);
        }
    }

    fn drawn_into_nothing(table: &mut SmallTable) {
        table.write_to(&mut String::new());
    }

    #[test]
    fn report_tables_of_show_are_drawn_directly() {
        let header = ["", "date", "status", "amount", "source"]
            .map(String::from)
            .to_vec();
        let row = ["★", "2025-06", "in talks", "up to $50B", "a.txt (Forbes)"].map(String::from);
        let mut table = small(&header, &[row.to_vec()], Some(140));
        assert!(table.fits());
        let long = "word ".repeat(30);
        let mut wide = small(&header, &[vec![long; 5]], Some(140));
        assert!(!wide.fits());
        let mut unlimited = small(&header, &[vec!["word ".repeat(30); 5]], None);
        assert!(unlimited.fits());
        assert_eq!(drawn(table), comfy(&header, &[row.to_vec()], Some(140)));
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(cell_text("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(cell_text("Zoë 🚀"), "Zoë 🚀");
        assert_eq!(cell_text("a\u{202e}b"), "a\\u{202e}b");
    }
}
