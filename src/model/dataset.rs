//! The loaded dataset: every entity and deal, with lookups by id, name and alias.

use std::collections::HashMap;

use super::{Deal, DealId, Entity, EntityId};

/// A fast non-cryptographic hasher (foldhash) for the id and name indexes: loading a million
/// entities hashes every id and name a few times. Lookups never decide output order.
type FastHash = hashbrown::DefaultHashBuilder;

/// Entities and deals, indexed. Built by the loaders; read by everything above them.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    entities: Vec<Entity>,
    deals: Vec<Deal>,
    by_id: HashMap<String, EntityId, FastHash>,
    /// Lowercased id, name and aliases.
    by_key: HashMap<String, EntityId, FastHash>,
}

/// Why an entity argument matched nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no entity is called {query:?}{}", suggestion_text(.suggestion))]
pub struct UnknownEntity {
    pub query: String,
    pub suggestion: Option<String>,
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    suggestion.as_ref().map_or_else(
        || "; `dealgraph list entities` shows them all".to_string(),
        |s| format!("; did you mean {s:?}?"),
    )
}

impl Dataset {
    pub fn new() -> Dataset {
        Dataset::default()
    }

    /// Adds an entity; returns the existing id if one with the same id is already there.
    pub fn add_entity(&mut self, entity: Entity) -> Result<EntityId, EntityId> {
        if let Some(&existing) = self.by_id.get(&entity.id) {
            return Err(existing);
        }
        let id = EntityId(self.entities.len() as u32);
        self.by_id.insert(entity.id.clone(), id);
        let keys = std::iter::once(&entity.id)
            .chain(std::iter::once(&entity.name))
            .chain(entity.aliases.iter());
        for key in keys {
            // The first entity to claim a name keeps it; ids always win over names.
            self.by_key.entry(key.to_lowercase()).or_insert(id);
        }
        self.by_key.insert(entity.id.to_lowercase(), id);
        self.entities.push(entity);
        Ok(id)
    }

    pub fn add_deal(&mut self, deal: Deal) -> DealId {
        let id = DealId(self.deals.len() as u32);
        self.deals.push(deal);
        id
    }

    /// Makes room for `additional` more entities (each with an id and a name) in one step,
    /// instead of growing the indexes as they come.
    pub(crate) fn reserve_entities(&mut self, additional: usize) {
        self.entities.reserve(additional);
        self.by_id.reserve(additional);
        self.by_key.reserve(additional.saturating_mul(2));
    }

    /// Appends many deals at once; the loader hands over its whole vector (no copy when the
    /// dataset has none yet).
    pub(crate) fn add_deals(&mut self, deals: Vec<Deal>) {
        if self.deals.is_empty() {
            self.deals = deals;
        } else {
            self.deals.extend(deals);
        }
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    pub fn deals(&self) -> &[Deal] {
        &self.deals
    }

    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    pub fn deal(&self, id: DealId) -> &Deal {
        &self.deals[id.index()]
    }

    pub fn entity_ids(&self) -> impl ExactSizeIterator<Item = EntityId> + use<> {
        (0..self.entities.len() as u32).map(EntityId)
    }

    pub fn deal_ids(&self) -> impl ExactSizeIterator<Item = DealId> + use<> {
        (0..self.deals.len() as u32).map(DealId)
    }

    /// The entity with exactly this id.
    pub fn by_id(&self, id: &str) -> Option<EntityId> {
        self.by_id.get(id).copied()
    }

    /// Finds an entity by id, name or alias, ignoring case ("aws" finds Amazon). A miss comes
    /// with the closest known name, if one is close.
    pub fn resolve(&self, query: &str) -> Result<EntityId, UnknownEntity> {
        let key = query.trim().to_lowercase();
        if let Some(&id) = self.by_key.get(&key) {
            return Ok(id);
        }
        Err(UnknownEntity {
            query: query.to_string(),
            suggestion: self.closest_key(&key),
        })
    }

    /// The id of the declared entity whose id, name or alias is closest to `key`.
    pub fn closest_key(&self, key: &str) -> Option<String> {
        let key = key.to_lowercase();
        let mut best: Option<(f64, &str)> = None;
        for (candidate, &id) in &self.by_key {
            let score = strsim::jaro_winkler(&key, candidate);
            let better = match best {
                None => true,
                Some((s, b)) => score > s || (score == s && self.entity(id).id.as_str() < b),
            };
            if better {
                best = Some((score, &self.entity(id).id));
            }
        }
        best.filter(|&(score, _)| score >= 0.8)
            .map(|(_, id)| id.to_string())
    }

    /// Number of reports over all deals.
    pub fn report_count(&self) -> usize {
        self.deals.iter().map(|d| d.reports.len()).sum()
    }

    /// Distinct sources cited by reports and facts.
    pub fn source_count(&self) -> usize {
        // Loaded sources are interned, so neighbouring reports mostly share one allocation:
        // skipping repeats of the previous pointer first keeps the sort small.
        let mut last: *const u8 = std::ptr::null();
        let mut sources: Vec<&str> = self
            .deals
            .iter()
            .flat_map(|d| d.reports.iter().map(|r| &*r.source))
            .filter(|s| !std::ptr::eq(std::mem::replace(&mut last, s.as_ptr()), s.as_ptr()))
            .chain(
                self.entities
                    .iter()
                    .flat_map(|e| e.facts.iter().map(|f| &*f.source)),
            )
            .collect();
        sources.sort_unstable();
        sources.dedup();
        sources.len()
    }
}
