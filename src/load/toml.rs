//! TOML files → [`Node`] trees, keeping every syntax error (toml's recoverable parser) with
//! its span.

use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, FileId, Loc};
use super::tree::{Key, MAX_DEPTH, Node, Value};

/// Parses TOML text; syntax errors are pushed to `diags`, and `None` is returned if any.
pub fn parse(text: &str, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<Node> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for error in errors {
            let loc = error
                .span()
                .map_or(Loc::File(file), |span| Loc::span(file, span));
            let message = error.message().trim().to_string();
            diags.push(
                Diagnostic::error(format!("TOML syntax error: {message}"), loc).with_help(
                    "see docs/data-format.md for the expected layout; strings need double quotes",
                ),
            );
        }
        return None;
    }
    let span = table.span();
    let mut too_deep = None;
    let value = convert_table(table.into_inner(), 0, &mut too_deep);
    if let Some(span) = too_deep {
        diags.push(
            Diagnostic::error("values are nested too deeply", Loc::span(file, span)).with_help(
                format!("dealgraph reads at most {MAX_DEPTH} levels of nesting"),
            ),
        );
        return None;
    }
    Some(Node { span, value })
}

fn convert_table(
    table: DeTable<'_>,
    depth: usize,
    too_deep: &mut Option<std::ops::Range<usize>>,
) -> Value {
    let mut entries = Vec::with_capacity(table.len());
    for (key, value) in table {
        let key = Key {
            span: key.span(),
            name: key.into_inner().into_owned(),
        };
        entries.push((key, convert(value, depth + 1, too_deep)));
    }
    Value::Table(entries)
}

fn convert(
    value: toml::Spanned<DeValue<'_>>,
    depth: usize,
    too_deep: &mut Option<std::ops::Range<usize>>,
) -> Node {
    let span = value.span();
    if depth > MAX_DEPTH {
        too_deep.get_or_insert(span.clone());
        return Node {
            span,
            value: Value::Null,
        };
    }
    let value = match value.into_inner() {
        DeValue::String(s) => Value::String(s.into_owned()),
        DeValue::Integer(i) => Value::Integer(integer_text(i.as_str(), i.radix())),
        DeValue::Float(f) => Value::Float(f.as_str().replace('_', "")),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| convert(v, depth + 1, too_deep))
                .collect(),
        ),
        DeValue::Table(t) => convert_table(t, depth, too_deep),
    };
    Node { span, value }
}

/// Decimal text of a TOML integer literal (which may be hex, octal or binary).
fn integer_text(digits: &str, radix: u32) -> String {
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if radix == 10 {
        return clean;
    }
    i128::from_str_radix(&clean, radix).map_or(clean, |v| v.to_string())
}
