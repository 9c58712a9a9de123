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

/// Text safe for a terminal cell: control characters (newline, escape, ...) are escaped so a
/// name can neither break a row nor send terminal escape sequences.
pub fn cell_text(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(cell_text("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(cell_text("Zoë 🚀"), "Zoë 🚀");
    }
}
