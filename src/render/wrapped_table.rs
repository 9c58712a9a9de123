//! Big tables drawn byte for byte as comfy-table draws a [`table::new_table`], wrapping
//! included. A hub's `stakeholders` tables have tens of thousands of rows whose cells wrap, so
//! [`table::SmallTable`] (which hands wrapping tables to comfy-table) does not help there, and
//! comfy-table keeps each line of each cell as a `String`, several times over, which is most of
//! the time such a table takes.
//!
//! The layout follows comfy-table 8's dynamic arrangement step by step for the house style (no
//! column constraints, one space of padding each side, left-aligned, words split at spaces);
//! the tests hold the two together. One case is left to comfy-table itself: a word that must be
//! cut inside and is not plain ASCII, which comfy-table cuts between grapheme clusters.

use std::fmt::{self, Write as _};
use std::ops::Range;

use super::table::{self, push_spaces};
use comfy_table::Table;
use unicode_width::UnicodeWidthStr;

/// A table filled cell by cell into one buffer, drawn as comfy-table would draw it.
pub struct WrappedTable {
    columns: usize,
    /// The header's cells and then each row's, one after another.
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

/// A table drawn by comfy-table after all: it cuts a word that is not plain ASCII between
/// grapheme clusters, and finding those needs Unicode segmentation, which is not at hand here.
struct LeftToComfyTable;

/// UTF8_FULL_CONDENSED: (left, fill, junction, right) of each ruled line.
const TOP: [char; 4] = ['┌', '─', '┬', '┐'];
const HEADER_RULE: [char; 4] = ['╞', '═', '╪', '╡'];
const BOTTOM: [char; 4] = ['└', '─', '┴', '┘'];
/// (left, junction, right) of each line of text, header and content alike.
const TEXT_LINE: [char; 3] = ['│', '┆', '│'];

/// comfy-table's padding, one space each side of every cell.
const PADDING: usize = 2;

/// comfy-table ends a wrapped line early when no more than this many columns are left on it.
const MIN_FREE_CHARS: usize = 2;

impl WrappedTable {
    pub fn new(header: &[&str]) -> Self {
        let mut table = WrappedTable {
            columns: header.len(),
            text: String::new(),
            ends: Vec::new(),
        };
        for cell in header {
            table.cell(cell);
        }
        table
    }

    /// Adds the next cell; rows fill left to right, and every row is filled.
    pub fn cell(&mut self, text: &str) {
        self.text.push_str(text);
        self.ends.push(self.text.len());
    }

    /// Makes room for `rows` more rows of about `bytes` of text in all.
    pub fn reserve(&mut self, rows: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(rows * self.columns);
    }

    /// Adds the next cell, written by `fill` to the buffer it is given.
    pub fn cell_with(&mut self, fill: impl FnOnce(&mut String) -> fmt::Result) {
        let _ = fill(&mut self.text);
        self.ends.push(self.text.len());
    }

    /// Appends the table as comfy-table's `Display` of a [`table::new_table`] with these cells
    /// shows it now (no newline after the last line).
    pub fn write_to(&self, out: &mut String) {
        let width = table::new_table(Vec::<String>::new()).width();
        let start = out.len();
        if self.draw(out, width).is_err() {
            out.truncate(start);
            let _ = write!(out, "{}", self.comfy_table());
        }
    }

    fn comfy_table(&self) -> Table {
        let row = |r: usize| (0..self.columns).map(move |c| self.cell_text(r * self.columns + c));
        let mut t = table::new_table(row(0));
        for r in 1..self.ends.len().div_ceil(self.columns.max(1)) {
            t.add_row(row(r).collect::<Vec<_>>());
        }
        t
    }

    fn cell_text(&self, i: usize) -> &str {
        match self.ends.get(i) {
            Some(&end) => &self.text[if i == 0 { 0 } else { self.ends[i - 1] }..end],
            None => "",
        }
    }

    fn cell_range(&self, i: usize) -> Range<usize> {
        (if i == 0 { 0 } else { self.ends[i - 1] })..self.ends[i]
    }

    /// Every line of every cell with its width, measured once for the layout and the drawing.
    fn measure(&self) -> Measured {
        let mut measured = Measured {
            lines: Vec::with_capacity(self.ends.len()),
            first_line: Vec::with_capacity(self.ends.len() + 1),
        };
        for i in 0..self.ends.len() {
            measured.first_line.push(measured.lines.len());
            for line in split_lines(&self.text, self.cell_range(i)) {
                let width = display_width(&self.text[line.clone()]);
                measured.lines.push((line, width));
            }
        }
        measured.first_line.push(measured.lines.len());
        measured
    }

    fn rows(&self) -> usize {
        self.ends.len() / self.columns
    }

    fn draw(&self, out: &mut String, width: Option<u16>) -> Result<(), LeftToComfyTable> {
        if self.columns == 0 || !self.ends.len().is_multiple_of(self.columns) {
            return Err(LeftToComfyTable);
        }
        let measured = self.measure();
        let widths = self.layout(&measured, width)?;
        rule(out, &widths, TOP);
        let mut lines: Vec<Vec<(Range<usize>, usize)>> = vec![Vec::new(); self.columns];
        let mut parts = Vec::new();
        for row in 0..self.rows() {
            for (c, cell_lines) in lines.iter_mut().enumerate() {
                cell_lines.clear();
                let cell = measured.cell(row * self.columns + c);
                self.cell_lines(cell, usize::from(widths[c]), cell_lines, &mut parts)?;
            }
            text_lines(out, &self.text, &lines, &widths);
            if row == 0 {
                out.push('\n');
                rule(out, &widths, HEADER_RULE);
            }
        }
        out.push('\n');
        rule(out, &widths, BOTTOM);
        Ok(())
    }

    /// The lines of a cell in a column `width` wide, each with its display width: its own
    /// lines, those wider than the column wrapped.
    fn cell_lines(
        &self,
        cell: &[(Range<usize>, usize)],
        width: usize,
        lines: &mut Vec<(Range<usize>, usize)>,
        parts: &mut Vec<Range<usize>>,
    ) -> Result<(), LeftToComfyTable> {
        for (line, line_width) in cell {
            let (line, line_width) = (line.clone(), *line_width);
            if line_width <= width {
                lines.push((line, line_width));
                continue;
            }
            let text = &self.text[line.clone()];
            parts.clear();
            split_line(text, width, parts)?;
            for part in parts.iter() {
                let at = line.start + part.start..line.start + part.end;
                let part_width = display_width(&self.text[at.clone()]);
                lines.push((at, part_width));
            }
        }
        Ok(())
    }

    /// Each column's content width, as comfy-table's arrangement gives it: every column at its
    /// widest line without a table width, and with one the dynamic arrangement.
    fn layout(
        &self,
        measured: &Measured,
        width: Option<u16>,
    ) -> Result<Vec<u16>, LeftToComfyTable> {
        let mut widest = vec![0u16; self.columns];
        for i in 0..self.ends.len() {
            let cell_widest = measured.cell(i).iter().map(|(_, w)| *w).max().unwrap_or(0);
            let cell_widest = u16::try_from(cell_widest).unwrap_or(u16::MAX).max(1);
            let slot = &mut widest[i % self.columns];
            *slot = (*slot).max(cell_widest);
        }
        let Some(width) = width else {
            return Ok(widest);
        };
        let mut state = Arrangement {
            decided: vec![None; self.columns],
            remaining_width: usize::from(width)
                .saturating_sub(self.columns + 1)
                .saturating_sub(PADDING * self.columns),
            remaining_columns: self.columns,
        };
        state.fix_columns_that_fit(&widest);
        if state.remaining_columns > 0 {
            self.fix_columns_after_split(measured, &mut state)?;
        }
        if state.remaining_columns > 0 {
            state.distribute_remaining_width();
        }
        Ok(state.decided.iter().map(|w| w.unwrap_or(1)).collect())
    }

    /// comfy-table's `optimize_space_after_split`: a column whose lines, wrapped to the
    /// average width left, need 3 or more columns less than it is fixed at that width.
    fn fix_columns_after_split(
        &self,
        measured: &Measured,
        state: &mut Arrangement,
    ) -> Result<(), LeftToComfyTable> {
        let mut found_smaller = true;
        while found_smaller {
            found_smaller = false;
            for column in 0..self.columns {
                if state.decided[column].is_some() {
                    continue;
                }
                let average = state.average_width();
                let longest = self.longest_line_after_split(measured, average, column)?;
                if average.saturating_sub(longest) >= 3 {
                    if !state.fix(column, u16::try_from(longest).unwrap_or(u16::MAX)) {
                        break;
                    }
                    found_smaller = true;
                }
            }
        }
        Ok(())
    }

    fn longest_line_after_split(
        &self,
        measured: &Measured,
        average: usize,
        column: usize,
    ) -> Result<usize, LeftToComfyTable> {
        let width = usize::from(u16::try_from(average).unwrap_or(u16::MAX).max(1));
        let mut longest = 0;
        let mut parts = Vec::new();
        for row in 0..self.rows() {
            for (line, line_width) in measured.cell(row * self.columns + column) {
                if *line_width <= average {
                    longest = longest.max(*line_width);
                    continue;
                }
                let text = &self.text[line.clone()];
                parts.clear();
                split_line(text, width, &mut parts)?;
                for part in &parts {
                    longest = longest.max(display_width(&text[part.clone()]));
                }
            }
        }
        Ok(longest)
    }
}

/// The lines of each cell (as ranges of the table's text) and their display widths.
struct Measured {
    lines: Vec<(Range<usize>, usize)>,
    /// Where each cell's lines start in `lines`, and then the end of the last cell's.
    first_line: Vec<usize>,
}

impl Measured {
    fn cell(&self, i: usize) -> &[(Range<usize>, usize)] {
        &self.lines[self.first_line[i]..self.first_line[i + 1]]
    }
}

/// The state of comfy-table's dynamic arrangement: widths decided so far and what is left.
struct Arrangement {
    decided: Vec<Option<u16>>,
    remaining_width: usize,
    remaining_columns: usize,
}

impl Arrangement {
    fn average_width(&self) -> usize {
        self.remaining_width
            .checked_div(self.remaining_columns)
            .unwrap_or(0)
    }

    /// Fixes a column at `width` (at least 1); false when no column is left undecided.
    fn fix(&mut self, column: usize, width: u16) -> bool {
        self.decided[column] = Some(width.max(1));
        self.remaining_width = self.remaining_width.saturating_sub(usize::from(width));
        self.remaining_columns -= 1;
        self.remaining_columns > 0
    }

    /// comfy-table's `find_columns_that_fit_into_average`.
    fn fix_columns_that_fit(&mut self, widest: &[u16]) {
        let mut found_smaller = true;
        while found_smaller {
            found_smaller = false;
            if self.remaining_columns == 0 || self.average_width() == 0 {
                break;
            }
            for (column, &w) in widest.iter().enumerate() {
                if self.decided[column].is_some() {
                    continue;
                }
                if usize::from(w) <= self.average_width() {
                    if !self.fix(column, w) {
                        break;
                    }
                    found_smaller = true;
                }
            }
        }
    }

    /// The width left, split evenly over the columns left (the first ones get the remainder),
    /// at least one each.
    fn distribute_remaining_width(&mut self) {
        let count = self.remaining_columns;
        let width = self.remaining_width.max(count);
        let (average, excess) = (width / count, width % count);
        let undecided = self.decided.iter_mut().filter(|w| w.is_none());
        for (i, slot) in undecided.enumerate() {
            let w = if i < excess { average + 1 } else { average };
            *slot = Some(u16::try_from(w).unwrap_or(u16::MAX).max(1));
        }
        self.remaining_columns = 0;
    }
}

/// The lines of `text[cell]`, as ranges of `text`.
fn split_lines(text: &str, cell: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = cell.start;
    text[cell].split('\n').map(move |line| {
        let line = at..at + line.len();
        at = line.end + 1;
        line
    })
}

/// comfy-table's `split_line` with a space as delimiter: `line` cut into lines of at most
/// `width` columns, at spaces where it can. Every line it makes is a piece of `line` (words
/// joined by the one space between them), so they come back as ranges of it.
fn split_line(
    line: &str,
    width: usize,
    parts: &mut Vec<Range<usize>>,
) -> Result<(), LeftToComfyTable> {
    // The next word starts here; `None` once the last one is taken.
    let mut next_word = Some(0);
    let mut current = 0..0;
    let mut current_width = 0;
    while let Some(start) = next_word {
        let end = line[start..].find(' ').map_or(line.len(), |i| start + i);
        let word_width = display_width(&line[start..end]);
        let on_current = !current.is_empty();
        let added_width = word_width + current_width + usize::from(on_current);
        let mut remaining = width - current_width;
        if on_current {
            remaining = remaining.saturating_sub(1);
        }
        if added_width <= width {
            if on_current {
                current.end = end;
                current_width += 1;
            } else {
                current = start..end;
            }
            current_width += word_width;
            next_word = (end < line.len()).then_some(end + 1);
            if current_width > width.saturating_sub(MIN_FREE_CHARS) {
                parts.push(current);
                (current, current_width) = (0..0, 0);
            }
            continue;
        }
        if on_current && remaining <= MIN_FREE_CHARS {
            parts.push(current);
            (current, current_width) = (0..0, 0);
            continue;
        }
        if word_width > width {
            // Cut the word: as much as fits stays on this line, the rest is the next word.
            let word = &line[start..end];
            if !word.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                return Err(LeftToComfyTable);
            }
            let cut = start + word.len().min(remaining);
            if !on_current && cut == start {
                return Err(LeftToComfyTable);
            }
            parts.push(if on_current {
                current.start..cut
            } else {
                start..cut
            });
            (current, current_width) = (0..0, 0);
            next_word = Some(cut);
            continue;
        }
        parts.push(current);
        current = start..end;
        current_width = word_width;
        next_word = (end < line.len()).then_some(end + 1);
        if current_width > width.saturating_sub(MIN_FREE_CHARS) {
            parts.push(current);
            (current, current_width) = (0..0, 0);
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    Ok(())
}

/// Display width as comfy-table measures it (unicode-width), quick for text of printable ASCII
/// and [`ONE_COLUMN`] characters.
fn display_width(text: &str) -> usize {
    let mut columns = 0;
    for c in text.chars() {
        if !((' '..='~').contains(&c) || ONE_COLUMN.contains(&c)) {
            // unicode-width measures some sequences as a whole, so all of the text together.
            return text.width();
        }
        columns += 1;
    }
    columns
}

/// Punctuation of table cells, one column wide alone and next to printable ASCII and each
/// other: unicode-width measures some sequences as a whole (emoji and keycaps with variation
/// selectors, joiners, a few scripts' ligatures), but none made only of these and ASCII.
const ONE_COLUMN: [char; 4] = ['•', '·', '–', '→'];

/// A ruled line: `fill` over each column and its padding.
fn rule(out: &mut String, widths: &[u16], [left, fill, junction, right]: [char; 4]) {
    out.push(left);
    for (i, &w) in widths.iter().enumerate() {
        if i > 0 {
            out.push(junction);
        }
        out.extend(std::iter::repeat_n(fill, padded(w)));
    }
    out.push(right);
}

/// A column's width with its padding, as comfy-table counts it (in a `u16`).
fn padded(width: u16) -> usize {
    usize::from(width.saturating_add(PADDING as u16))
}

/// The lines of one row, each after a newline: every cell's lines padded to its column, blank
/// below its last line.
fn text_lines(out: &mut String, text: &str, cells: &[Vec<(Range<usize>, usize)>], widths: &[u16]) {
    let [left, junction, right] = TEXT_LINE;
    let height = cells.iter().map(Vec::len).max().unwrap_or(0);
    for n in 0..height {
        out.push('\n');
        out.push(left);
        for (c, (lines, &w)) in cells.iter().zip(widths).enumerate() {
            if c > 0 {
                out.push(junction);
            }
            match lines.get(n) {
                Some((line, line_width)) => {
                    out.push(' ');
                    out.push_str(&text[line.clone()]);
                    push_spaces(out, usize::from(w).saturating_sub(*line_width) + 1);
                }
                None => push_spaces(out, padded(w)),
            }
        }
        out.push(right);
    }
}

#[cfg(test)]
mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;
    use crate::render::table::tests::comfy;

    fn drawn(header: &[String], rows: &[Vec<String>], width: Option<u16>) -> Option<String> {
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut table = WrappedTable::new(&header);
        for cell in rows.iter().flatten() {
            table.cell(cell);
        }
        let mut out = String::new();
        table.draw(&mut out, width).ok().map(|()| out)
    }

    /// Cell text of every kind that measures or wraps differently: words and runs of spaces,
    /// accents, wide CJK and emoji, combining marks and joiners, control characters, line
    /// breaks, long words, and text like a stakeholders deal cell.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-zA-Z0-9 .,()$-]{0,16}",
            3 => "[a-z]{1,9}( {1,2}[a-z]{1,12}){0,8}",
            2 => "[a-z ]{0,40}",
            2 => "[a-zé★漢字🚀 ]{0,8}",
            1 => "[ae\u{301}\u{200d}\u{fe0f}👩💻\u{200b} ]{0,6}",
            1 => "[a-z\t\r\u{1b} ]{0,6}",
            1 => "[a-z \n]{0,24}",
            1 => "[a-z]{20,60}",
            2 => "(• investment: (at least |up to )?\\$[0-9.]{1,5}[KMB] \\((announced|in talks), 20[0-9]{2}-0[1-9]\\)\ndeals-[0-9]{1,6} · dealgraph-generate\n?){1,3}",
            1 => Just(String::new()),
        ]
    }

    fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
        (1usize..6).prop_flat_map(|n| (vec(cell(), n), vec(vec(cell(), n), 0..6)))
    }

    fn width() -> impl Strategy<Value = Option<u16>> {
        prop_oneof![
            1 => Just(None),
            1 => (0u16..20).prop_map(Some),
            3 => (20u16..100).prop_map(Some),
            1 => (100u16..220).prop_map(Some),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6000))]

        #[test]
        fn tables_are_drawn_as_comfy_table((header, rows) in table(), width in width()) {
            if let Some(ours) = drawn(&header, &rows, width) {
                prop_assert_eq!(ours, comfy(&header, &rows, width));
            }
        }

        /// Only words cut inside and not plain ASCII are left to comfy-table.
        #[test]
        fn ascii_tables_are_never_left_to_comfy_table(
            header in vec("[a-z ]{0,12}", 1..5),
            cells in vec("[a-z]{0,30}( {1,3}[a-z]{0,30}){0,4}", 0..20),
            width in width(),
        ) {
            let rows: Vec<Vec<String>> =
                cells.chunks_exact(header.len()).map(<[String]>::to_vec).collect();
            prop_assert_eq!(drawn(&header, &rows, width), Some(comfy(&header, &rows, width)));
        }
    }

    proptest! {
        #[test]
        fn widths_are_measured_as_unicode_width_measures_them(
            text in "[a-zA-Z0-9 #*.,$()•·–→é漢\u{fe0f}\u{20e3}\u{200d}\u{301}]{0,12}",
        ) {
            prop_assert_eq!(display_width(&text), text.width());
        }
    }

    /// Whether drawn here or by comfy-table, the table reads as a `new_table` with its cells.
    #[test]
    fn tables_are_written_as_new_tables_print() {
        let header = ["name", "deals"];
        let cells = [
            "漢字".repeat(90),
            "• investment: $1B (announced, 2025-06)\nd-1 · dealgraph-generate".to_string(),
            "Zoë ★ 🚀 ".repeat(30),
            "word ".repeat(60),
        ];
        let mut ours = WrappedTable::new(&header);
        let mut theirs = table::new_table(header);
        for row in cells.chunks(2) {
            row.iter().for_each(|c| ours.cell(c));
            theirs.add_row(row.to_vec());
        }
        let mut out = String::new();
        ours.write_to(&mut out);
        assert_eq!(out, theirs.to_string());
    }

    #[test]
    fn non_ascii_words_cut_inside_are_left_to_comfy_table() {
        let header = ["name".to_string()];
        let rows = [vec!["漢字漢字漢字漢字漢字漢字".to_string()]];
        assert_eq!(drawn(&header, &rows, Some(10)), None);
        let ours = drawn(&header, &rows, Some(40));
        assert_eq!(ours, Some(comfy(&header, &rows, Some(40))));
    }
}
