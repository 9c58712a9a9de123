//! Terminal tables (comfy-table) in one house style, the note under a capped table, and cell
//! text that cannot break the layout: control characters in names are shown escaped.

use std::fmt::{self, Write as _};

use comfy_table::{ContentArrangement, Table, presets};

/// A table with the house style, wrapped to the terminal when stdout is one.
pub fn new_table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
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
         --format json lists every one"
    )
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

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

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(cell_text("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(cell_text("Zoë 🚀"), "Zoë 🚀");
        assert_eq!(cell_text("a\u{202e}b"), "a\\u{202e}b");
    }
}
