//! Entities (companies, funds, governments, people) and the dated, sourced facts kept about
//! them: valuations, revenue, commitments and backlog that are not deals between two parties.

use std::sync::Arc;

use thin_vec::ThinVec;

use super::{Amount, EntityKind, FactKind, PartialDate};

/// Index of an entity in its [`Dataset`](super::Dataset).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(pub u32);

impl EntityId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Lowercase slug, unique in the dataset.
    pub id: compact_str::CompactString,
    pub name: compact_str::CompactString,
    pub kind: EntityKind,
    /// Other names it goes by. (A `ThinVec`, 8 bytes when empty: a million entities seldom have
    /// aliases or facts, and their size is most of the dataset's.)
    pub aliases: ThinVec<String>,
    pub notes: Option<Box<str>>,
    pub facts: ThinVec<Fact>,
}

const _: () = assert!(std::mem::size_of::<Entity>() <= 88);

impl Entity {
    /// A bare entity with its id as its name (used by `--auto-entities`).
    pub fn placeholder(id: &str) -> Entity {
        Entity {
            id: id.into(),
            name: id.into(),
            kind: EntityKind::Company,
            aliases: ThinVec::new(),
            notes: None,
            facts: ThinVec::new(),
        }
    }
}

/// A figure about one entity, with its own source.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub kind: FactKind,
    pub label: Option<String>,
    pub amount: Amount,
    /// The year or period the figure is for (revenue by year), as written.
    pub period: Option<String>,
    pub date: PartialDate,
    pub source: Arc<str>,
    pub publisher: Arc<str>,
    pub notes: Option<String>,
}
