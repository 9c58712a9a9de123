//! JSON files → [`Node`] trees. serde_json checks the syntax first (strict JSON, a nesting
//! limit, line and column in its errors); jsonc-parser then gives every value its span.

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::diagnostic::{Diagnostic, FileId, Loc};
use super::tree::{Key, Node, Value};

/// Parses JSON text; syntax errors are pushed to `diags`, and `None` is returned if any.
pub fn parse(text: &str, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<Node> {
    if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let offset = offset_of(text, err.line(), err.column());
        let message = err.to_string();
        // serde_json appends " at line L column C"; the location is shown separately.
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        let help = if message.contains("recursion limit") {
            "dealgraph data files need at most three levels of nesting"
        } else {
            "JSON needs double-quoted keys and strings, and no trailing commas; \
             see docs/data-format.md"
        };
        diags.push(
            Diagnostic::error(
                format!("JSON syntax error: {message}"),
                Loc::span(file, offset..offset + 1),
            )
            .with_help(help),
        );
        return None;
    }
    let parsed = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default());
    match parsed {
        Ok(result) => result.value.map(convert),
        Err(err) => {
            let range = err.range();
            let message = err.kind().to_string();
            let help = if message.contains("nesting") {
                "dealgraph data files need at most three levels of nesting"
            } else {
                "see docs/data-format.md for the expected layout"
            };
            diags.push(
                Diagnostic::error(
                    format!("JSON syntax error: {message}"),
                    Loc::span(file, range.start..range.end),
                )
                .with_help(help),
            );
            None
        }
    }
}

/// Byte offset of a 1-based line and column (serde_json's columns count bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn convert(value: ast::Value<'_>) -> Node {
    let (span, value) = match value {
        ast::Value::StringLit(s) => (s.range, Value::String(s.value.into_owned())),
        ast::Value::NumberLit(n) => {
            let text = n.value.to_string();
            let is_integer = !text.contains(['.', 'e', 'E']);
            (
                n.range,
                if is_integer {
                    Value::Integer(text)
                } else {
                    Value::Float(text)
                },
            )
        }
        ast::Value::BooleanLit(b) => (b.range, Value::Bool(b.value)),
        ast::Value::NullKeyword(n) => (n.range, Value::Null),
        ast::Value::Array(a) => (
            a.range,
            Value::Array(a.elements.into_iter().map(convert).collect()),
        ),
        ast::Value::Object(o) => {
            let entries = o
                .properties
                .into_iter()
                .map(|prop| {
                    let (name, span) = match prop.name {
                        ast::ObjectPropName::String(s) => (s.value.into_owned(), s.range),
                        ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                    };
                    (
                        Key {
                            name,
                            span: span.start..span.end,
                        },
                        convert(prop.value),
                    )
                })
                .collect();
            (o.range, Value::Table(entries))
        }
    };
    Node {
        span: span.start..span.end,
        value,
    }
}
