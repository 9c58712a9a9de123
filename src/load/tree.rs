//! A format-neutral document tree with byte spans. TOML and JSON are both parsed into it, so
//! one schema walker checks them alike and every value keeps its place in the file.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// An integer, as its decimal text (kept as text so huge values are reported, not wrapped).
    Integer(String),
    /// A float, as its source text (read exactly, never through f64).
    Float(String),
    String(String),
    /// A TOML date or datetime, as written.
    Datetime(String),
    Array(Vec<Node>),
    Table(Vec<(Key, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Range<usize>,
}

impl Value {
    /// "a string", "an integer", ... for type errors.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::String(_) => "a string",
            Value::Datetime(_) => "a date",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// Deepest nesting accepted; real data files use three levels.
pub const MAX_DEPTH: usize = 64;
