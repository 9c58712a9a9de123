//! Entities (companies, funds, governments, people) and the dated, sourced facts kept about
//! them: valuations, revenue, commitments and backlog that are not deals between two parties.

use std::sync::Arc;

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
    /// Aliases, notes and facts: boxed, as most entities of a big export have none, and a
    /// million entities are a good part of a load's memory.
    details: Option<Box<Details>>,
}

#[derive(Clone, Debug, PartialEq, Default)]
struct Details {
    aliases: Vec<String>,
    notes: Option<String>,
    facts: Vec<Fact>,
}

const _: () = assert!(std::mem::size_of::<Entity>() == 64);

impl Entity {
    /// An entity with no aliases, notes or facts.
    pub fn new(id: &str, name: &str, kind: EntityKind) -> Entity {
        Entity {
            id: id.into(),
            name: name.into(),
            kind,
            details: None,
        }
    }

    /// A bare entity with its id as its name (used by `--auto-entities`).
    pub fn placeholder(id: &str) -> Entity {
        Entity::new(id, id, EntityKind::Company)
    }

    /// The entity with these aliases, notes and facts instead of its own.
    pub fn with_details(
        mut self,
        aliases: Vec<String>,
        notes: Option<String>,
        facts: Vec<Fact>,
    ) -> Entity {
        let details = Details {
            aliases,
            notes,
            facts,
        };
        self.details = (details != Details::default()).then(|| Box::new(details));
        self
    }

    /// Other names it goes by.
    pub fn aliases(&self) -> &[String] {
        self.details.as_ref().map_or(&[], |d| &d.aliases)
    }

    pub fn notes(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.notes.as_deref())
    }

    pub fn facts(&self) -> &[Fact] {
        self.details.as_ref().map_or(&[], |d| &d.facts)
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
