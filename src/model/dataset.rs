//! The loaded dataset: every entity and deal, with lookups by id, name and alias.

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use hashbrown::HashTable;

use super::{Deal, DealId, DealIter, DealRef, DealStore, Entity, EntityId};

/// A fast non-cryptographic hasher (foldhash) for the id and name indexes: loading a million
/// entities hashes every id and name a few times. Lookups never decide output order.
type FastHash = hashbrown::DefaultHashBuilder;

/// Entities and deals, indexed. Built by the loaders; read by everything above them.
///
/// The indexes hold no strings of their own: they point into `entities` (which only ever
/// grows), so a million entities cost a few bytes of index each instead of a key copy per id,
/// name and alias.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    entities: Vec<Entity>,
    deals: DealStore,
    hasher: FastHash,
    /// Entity indices, hashed by id.
    by_id: HashTable<u32>,
    /// Lowercased names and aliases, and the ids that are not lowercase already (a lowercase
    /// id is found in `by_id`, and loaded ids always are). Built on the first lookup that
    /// `by_id` cannot answer: most commands name entities by id, or none at all, and a
    /// million names cost a third of a second to index.
    by_key: OnceLock<HashTable<Key>>,
}

/// One lowercased lookup key: which text of which entity it is (0 the id, 1 the name,
/// 2 and up the aliases). Its hash is worked out again when the table grows, which keeps
/// the slot at 8 bytes.
#[derive(Clone, Copy, Debug)]
struct Key {
    entity: u32,
    which: u32,
}

/// `text` as `str::to_lowercase` gives it, without copying text that is lowercase already.
fn lowercase(text: &str) -> Cow<'_, str> {
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// Whether `text` lowercased is `lower`.
fn lowercase_eq(text: &str, lower: &str) -> bool {
    if text.is_ascii() {
        text.len() == lower.len()
            && text
                .bytes()
                .zip(lower.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        text.to_lowercase() == lower
    }
}

/// The text that `key` indexes.
fn key_text(entities: &[Entity], key: Key) -> &str {
    let entity = &entities[key.entity as usize];
    match key.which {
        0 => &entity.id,
        1 => &entity.name,
        n => &entity.aliases()[n as usize - 2],
    }
}

/// Points the keys of `entity` (its id unless lowercase, its name, its aliases) at it in
/// `by_key`: the first entity to claim a name keeps it; ids always win over names.
fn claim_keys(entities: &[Entity], hasher: &FastHash, by_key: &mut HashTable<Key>, entity: u32) {
    let e = &entities[entity as usize];
    let keys = 2 + e.aliases().len() as u32;
    let id_is_lowercase = matches!(lowercase(&e.id), Cow::Borrowed(_));
    for which in (if id_is_lowercase { 1 } else { 0 })..keys {
        claim_key(entities, hasher, by_key, Key { entity, which }, which == 0);
    }
}

/// Points the lowercased text of `key` at its entity: always when `replace`, else only if no
/// entity has that key yet.
fn claim_key(
    entities: &[Entity],
    hasher: &FastHash,
    by_key: &mut HashTable<Key>,
    key: Key,
    replace: bool,
) {
    let text = lowercase(key_text(entities, key));
    let hash = hasher.hash_one(&*text);
    let found = by_key.find_mut(hash, |k| lowercase_eq(key_text(entities, *k), &text));
    match found {
        Some(slot) if replace => *slot = key,
        Some(_) => {}
        None => {
            by_key.insert_unique(hash, key, |k| {
                hasher.hash_one(&*lowercase(key_text(entities, *k)))
            });
        }
    }
}

/// Puts the entities from `start` on in `by_id` in the order of their slots; false, with
/// none of them put, when an id is taken (see [`Dataset::index_from_beside`]).
fn index_slots(
    entities: &[Entity],
    hasher: &FastHash,
    by_id: &mut HashTable<u32>,
    start: usize,
) -> bool {
    let new = entities.len() - start;
    by_id.reserve(new, |&i| hasher.hash_one(entities[i as usize].id.as_str()));
    // hashbrown probes from `hash & mask` with as many slots as 8/7 of its capacity (a
    // power of two); a wrong guess costs only speed. The entities are counted into
    // groups of neighbouring slots, in their order within each group.
    let slots = (by_id.capacity() / 7 * 8).next_power_of_two().max(1);
    let shift = slots.trailing_zeros().saturating_sub(12);
    let group = |hash: u64| (hash as usize & (slots - 1)) >> shift;
    let hashes: Vec<u64> = entities[start..]
        .iter()
        .map(|e| hasher.hash_one(e.id.as_str()))
        .collect();
    let mut starts = vec![0usize; (slots >> shift) + 1];
    for &h in &hashes {
        starts[group(h) + 1] += 1;
    }
    for g in 1..starts.len() {
        starts[g] += starts[g - 1];
    }
    let mut order = vec![0u32; new];
    for (k, &h) in hashes.iter().enumerate() {
        let g = group(h);
        order[starts[g]] = k as u32;
        starts[g] += 1;
    }
    for (done, &k) in order.iter().enumerate() {
        let (id, hash) = ((start + k as usize) as u32, hashes[k as usize]);
        let name = &entities[id as usize].id;
        match by_id.entry(
            hash,
            |&i| entities[i as usize].id == *name,
            |&i| hasher.hash_one(entities[i as usize].id.as_str()),
        ) {
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(id);
            }
            hashbrown::hash_table::Entry::Occupied(_) => {
                for &k in &order[..done] {
                    let (id, hash) = ((start + k as usize) as u32, hashes[k as usize]);
                    if let Ok(entry) = by_id.find_entry(hash, |&i| i == id) {
                        entry.remove();
                    }
                }
                return false;
            }
        }
    }
    true
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
        let Dataset {
            entities,
            hasher,
            by_id,
            ..
        } = self;
        let hash = hasher.hash_one(entity.id.as_str());
        // One probe finds the id or the slot for it.
        let slot = match by_id.entry(
            hash,
            |&i| entities[i as usize].id == entity.id,
            |&i| hasher.hash_one(entities[i as usize].id.as_str()),
        ) {
            hashbrown::hash_table::Entry::Occupied(existing) => {
                return Err(EntityId(*existing.get()));
            }
            hashbrown::hash_table::Entry::Vacant(slot) => slot,
        };
        let id = entities.len() as u32;
        slot.insert(id);
        entities.push(entity);
        let (entities, hasher) = (&self.entities, &self.hasher);
        if let Some(by_key) = self.by_key.get_mut() {
            claim_keys(entities, hasher, by_key, id);
        }
        Ok(EntityId(id))
    }

    /// Adds `entity` without indexing it: [`Dataset::index_from_beside`] must index it before the
    /// next entity is added or looked up.
    pub(crate) fn push_unindexed(&mut self, entity: Entity) {
        self.entities.push(entity);
    }

    /// Takes back the entities from `start` on, which [`Dataset::index_from_beside`] refused.
    pub(crate) fn take_unindexed(&mut self, start: usize) -> Vec<Entity> {
        self.entities.split_off(start)
    }

    /// Indexes the entities from `start` on (added by [`Dataset::push_unindexed`]) in the
    /// order of their slots in the table, so that a million ids fill it front to back
    /// instead of with a cache miss each; true unless one of their ids is taken (by another
    /// of them or an indexed entity), and then none of them is indexed: add them one by one,
    /// to find which. O(n) in the entities.
    ///
    /// `beside` is called with every entity meanwhile (on a thread of its own when
    /// `parallel`); what it gives is to be thrown away when the indexing says false, as the
    /// entities then change.
    pub(crate) fn index_from_beside<R: Send>(
        &mut self,
        start: usize,
        parallel: bool,
        beside: impl FnOnce(&[Entity]) -> R + Send,
    ) -> (bool, R) {
        let Dataset {
            entities,
            hasher,
            by_id,
            ..
        } = self;
        let all: &[Entity] = entities;
        let (indexed, other) = crate::parallel::join(
            parallel,
            || index_slots(all, hasher, by_id, start),
            || beside(all),
        );
        if indexed && let Some(by_key) = self.by_key.get_mut() {
            for id in start as u32..self.entities.len() as u32 {
                claim_keys(&self.entities, &self.hasher, by_key, id);
            }
        }
        (indexed, other)
    }

    /// The index of names, aliases and ids that are not lowercase, built now if it is not
    /// yet: each entity in turn claims its keys, as if they had been indexed as it came.
    fn keys(&self) -> &HashTable<Key> {
        self.by_key.get_or_init(|| {
            let mut by_key = HashTable::with_capacity(self.entities.len());
            for id in 0..self.entities.len() as u32 {
                claim_keys(&self.entities, &self.hasher, &mut by_key, id);
            }
            by_key
        })
    }

    /// Makes room for `additional` more entities (each with an id and a name) in one step,
    /// instead of growing the indexes as they come.
    pub fn reserve_entities(&mut self, additional: usize) {
        self.entities.reserve(additional);
        let Dataset {
            entities,
            hasher,
            by_id,
            ..
        } = self;
        by_id.reserve(additional, |&i| {
            hasher.hash_one(entities[i as usize].id.as_str())
        });
    }

    /// Adds a deal. Panics if it has no report: every deal needs at least one (the loaders
    /// reject a deal without).
    pub fn add_deal(&mut self, deal: Deal) -> DealId {
        self.deals.push(&deal)
    }

    /// Takes the loader's deals (read in one store, so they are never copied). Replaces any
    /// deals added before.
    pub(crate) fn set_deals(&mut self, deals: DealStore) {
        self.deals = deals;
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Every deal, in the order read.
    pub fn deals(&self) -> DealIter<'_> {
        self.deals.iter()
    }

    pub fn deal_count(&self) -> usize {
        self.deals.len()
    }

    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    pub fn deal(&self, id: DealId) -> DealRef<'_> {
        self.deals.get(id)
    }

    pub fn entity_ids(&self) -> impl ExactSizeIterator<Item = EntityId> + use<> {
        (0..self.entities.len() as u32).map(EntityId)
    }

    pub fn deal_ids(&self) -> impl ExactSizeIterator<Item = DealId> + use<> {
        (0..self.deals.len() as u32).map(DealId)
    }

    /// The entity with exactly this id.
    pub fn by_id(&self, id: &str) -> Option<EntityId> {
        let hash = self.hasher.hash_one(id);
        self.by_id
            .find(hash, |&i| self.entities[i as usize].id == id)
            .map(|&i| EntityId(i))
    }

    /// The entity one of whose keys (lowercased id, name or alias) is exactly `key`; an
    /// exact id wins.
    fn by_key(&self, key: &str) -> Option<EntityId> {
        if let Some(id) = self.by_id(key) {
            return Some(id);
        }
        let hash = self.hasher.hash_one(key);
        self.keys()
            .find(hash, |k| lowercase_eq(key_text(&self.entities, *k), key))
            .map(|k| EntityId(k.entity))
    }

    /// Finds an entity by id, name or alias, ignoring case ("aws" finds Amazon). A miss comes
    /// with the closest known name, if one is close.
    pub fn resolve(&self, query: &str) -> Result<EntityId, UnknownEntity> {
        let key = query.trim().to_lowercase();
        if let Some(id) = self.by_key(&key) {
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
        // Lowercase ids are not in `by_key`.
        let ids = self
            .entities
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(lowercase(&e.id), Cow::Borrowed(_)))
            .map(|(i, _)| Key {
                entity: i as u32,
                which: 0,
            });
        for k in self.keys().iter().copied().chain(ids) {
            let candidate = lowercase(key_text(&self.entities, k));
            let id = EntityId(k.entity);
            let score = strsim::jaro_winkler(&key, &candidate);
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

    /// How many deals no report speaks of on or before `as_of` (every report is dated
    /// later). What those deals stood at then is unknown, not absent: a report of 2025-12 on a
    /// stake bought in 2019 says nothing of 2024.
    pub fn unreported_at(&self, as_of: chrono::NaiveDate) -> usize {
        self.deals
            .iter()
            .filter(|d| d.standing_index(as_of).is_none())
            .count()
    }

    /// Number of reports over all deals.
    pub fn report_count(&self) -> usize {
        self.deals.iter().map(|d| d.report_count()).sum()
    }

    /// Distinct sources cited by reports and facts.
    pub fn source_count(&self) -> usize {
        let mut sources: Vec<&str> = self
            .deals
            .source_names()
            .chain(
                self.entities
                    .iter()
                    .flat_map(|e| e.facts().iter().map(|f| &*f.source)),
            )
            .collect();
        sources.sort_unstable();
        sources.dedup();
        sources.len()
    }
}
