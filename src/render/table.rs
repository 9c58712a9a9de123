//! Terminal tables (comfy-table) in one house style, and cell text that cannot break the
//! layout: control characters in names are shown escaped.

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

/// Text safe for a terminal cell: control characters (newline, escape, ...) and bidirectional
/// overrides are escaped, so a name can neither break a row, send terminal escape sequences,
/// nor visually reorder the line around it.
pub fn cell_text(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    text.chars()
        .flat_map(|c| {
            if needs_escape(c) {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Control characters and the Unicode bidirectional formatting characters.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(cell_text("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(cell_text("Zoë 🚀"), "Zoë 🚀");
        assert_eq!(cell_text("a\u{202e}b"), "a\\u{202e}b");
    }
}
