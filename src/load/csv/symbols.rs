//! A cache of entity ids already numbered, read by the parsing threads: deals whose `from`
//! and `to` are known arrive with their symbols, so the storing thread interns only ids it
//! has not seen (a million, not ten million lookups in the 5M-deal file).

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// Ids not in the cache.
pub(super) const UNKNOWN: u32 = u32::MAX;

/// Longest id kept inside its slot (`e999999` fits, and slots stay at 12 bytes); longer
/// ones live in `text`.
const INLINE: usize = 7;

/// Id text and the symbol the storing thread gave it (the cache only repeats its answers,
/// so symbols are numbered exactly as without it).
#[derive(Default)]
pub(super) struct SymbolCache {
    table: HashTable<Slot>,
    text: String,
    hasher: DefaultHashBuilder,
}

#[derive(Clone, Copy)]
struct Slot {
    symbol: u32,
    /// The id's length when it fits in `inline`, else `u8::MAX` and `inline` holds where
    /// in `text` it starts (4 bytes) and its length (3 bytes).
    len: u8,
    inline: [u8; INLINE],
}

impl Slot {
    fn name<'a>(&'a self, text: &'a str) -> &'a [u8] {
        match self.len {
            u8::MAX => {
                let b = self.inline;
                let start = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let len = u32::from_le_bytes([b[4], b[5], b[6], 0]) as usize;
                &text.as_bytes()[start..start + len]
            }
            len => &self.inline[..len as usize],
        }
    }
}

impl SymbolCache {
    /// The symbol of `name`, or [`UNKNOWN`].
    pub(super) fn get(&self, name: &str) -> u32 {
        let hash = self.hasher.hash_one(name.as_bytes());
        self.table
            .find(hash, |slot| slot.name(&self.text) == name.as_bytes())
            .map_or(UNKNOWN, |slot| slot.symbol)
    }

    /// Remembers that `name` is `symbol` (once: a name may be learnt twice in a batch).
    pub(super) fn insert(&mut self, name: &str, symbol: u32) {
        let hash = self.hasher.hash_one(name.as_bytes());
        let SymbolCache {
            table,
            text,
            hasher,
        } = self;
        if table
            .find(hash, |slot| slot.name(text) == name.as_bytes())
            .is_some()
        {
            return;
        }
        let mut inline = [0; INLINE];
        let len = if name.len() <= INLINE {
            inline[..name.len()].copy_from_slice(name.as_bytes());
            name.len() as u8
        } else {
            // Past 4 GiB of long ids (or for an id of 16 MiB) the cache simply does not
            // learn them.
            let start = text.len();
            if name.len() >= 1 << 24 || u32::try_from(start + name.len()).is_err() {
                return;
            }
            text.push_str(name);
            inline[..4].copy_from_slice(&(start as u32).to_le_bytes());
            inline[4..].copy_from_slice(&(name.len() as u32).to_le_bytes()[..3]);
            u8::MAX
        };
        let slot = Slot {
            symbol,
            len,
            inline,
        };
        let text = &*text;
        table.insert_unique(hash, slot, |s| hasher.hash_one(s.name(text)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_names_are_found_again() {
        let mut cache = SymbolCache::default();
        let long = "an-entity-id-longer-than-eight-bytes";
        cache.insert("e1", 7);
        cache.insert(long, 8);
        cache.insert("e1", 9);
        cache.insert("e999999", 10);
        cache.insert("e9999999", 11);
        assert_eq!(cache.get("e1"), 7);
        assert_eq!(cache.get(long), 8);
        assert_eq!((cache.get("e999999"), cache.get("e9999999")), (10, 11));
        assert_eq!(std::mem::size_of::<Slot>(), 12);
        assert_eq!(cache.get("e2"), UNKNOWN);
        assert_eq!(cache.get(&long[..20]), UNKNOWN);
    }
}
