//! A cache of entity ids already numbered, read by the parsing threads: deals whose `from`
//! and `to` are known arrive with their symbols, so storing them interns only ids not
//! seen before (a million, not ten million lookups in the 5M-deal file).
//!
//! An open-addressing table of 16-byte slots (linear probing, at most 3/4 full): a short id
//! is compared inside its slot, so a lookup touches one cache line, and
//! [`SymbolCache::get_all`] prefetches the slots of the ids 16 lookups ahead, so their cache
//! misses overlap.

use std::hash::BuildHasher;

use hashbrown::DefaultHashBuilder;

/// Ids not in the cache.
pub(super) const UNKNOWN: u32 = u32::MAX;

/// Longest id kept inside its slot; longer ones live in `text`.
const INLINE: usize = 11;

/// How many lookups ahead [`SymbolCache::get_all`] asks for a slot.
const AHEAD: usize = 16;

/// Asks the memory for the cache line of `slot`, without waiting for it.
#[inline(always)]
fn prefetch(slot: &Slot) {
    // SAFETY: a prefetch only hints the cache (it never faults, reads into nothing and
    // writes nothing), and SSE, which it needs, is part of every x86-64 CPU.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (slot as *const Slot).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}

/// Id text and the symbol storing gave it (the cache only repeats its answers,
/// so symbols are numbered exactly as without it). The loader keeps one across files, seeded
/// with the entities declared before the first deal ([`SymbolCache::seed`]).
#[derive(Default)]
pub(in crate::load) struct SymbolCache {
    /// A power of two of slots, or none.
    slots: Vec<Slot>,
    len: usize,
    text: String,
    hasher: DefaultHashBuilder,
}

#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Slot {
    /// [`UNKNOWN`] in an empty slot.
    symbol: u32,
    /// The id's length when it fits in `inline`, else `u8::MAX` and `inline` holds where
    /// in `text` it starts and its length (4 bytes each).
    len: u8,
    inline: [u8; INLINE],
}

const EMPTY: Slot = Slot {
    symbol: UNKNOWN,
    len: 0,
    inline: [0; INLINE],
};

impl Slot {
    fn name<'a>(&'a self, text: &'a str) -> &'a [u8] {
        match self.len {
            u8::MAX => {
                let b = &self.inline;
                let start = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let len = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
                &text.as_bytes()[start..start + len]
            }
            len => &self.inline[..len as usize],
        }
    }
}

/// `name` (at most [`INLINE`] bytes) followed by zeros, as a slot holds it, copied in pieces
/// of a fixed size (overlapping when they must) rather than by a call to `memcpy`, which
/// cost more than the copy on every lookup.
#[inline]
fn padded(name: &[u8]) -> [u8; INLINE] {
    let mut padded = [0; INLINE];
    let n = name.len();
    let mut piece = |at: usize, len: usize| {
        padded[at..at + len].copy_from_slice(&name[at..at + len]);
    };
    match n {
        8.. => {
            piece(0, 8);
            piece(n - 8, 8);
        }
        4..=7 => {
            piece(0, 4);
            piece(n - 4, 4);
        }
        1..=3 => {
            piece(0, 1);
            piece(n / 2, 1);
            piece(n - 1, 1);
        }
        0 => {}
    }
    padded
}

impl SymbolCache {
    #[inline]
    fn slot_of(&self, name: &str) -> usize {
        self.hasher.hash_one(name.as_bytes()) as usize & (self.slots.len() - 1)
    }

    /// The slot of `name` (an empty one if none), probing from slot `i` whose copy is
    /// `first`.
    #[inline]
    fn find(&self, name: &str, mut i: usize, first: Slot) -> Slot {
        // A short id is compared as a whole padded array, without a call to memcmp.
        let short = (name.len() <= INLINE).then(|| (name.len() as u8, padded(name.as_bytes())));
        let mut slot = first;
        loop {
            let same = match short {
                Some((len, padded)) => slot.len == len && slot.inline == padded,
                None => slot.len == u8::MAX && slot.name(&self.text) == name.as_bytes(),
            };
            if slot.symbol == UNKNOWN || same {
                return slot;
            }
            i = (i + 1) & (self.slots.len() - 1);
            slot = self.slots[i];
        }
    }

    /// The symbol of `name`, or [`UNKNOWN`].
    #[cfg(test)]
    fn get(&self, name: &str) -> u32 {
        if self.slots.is_empty() {
            return UNKNOWN;
        }
        let i = self.slot_of(name);
        self.find(name, i, self.slots[i]).symbol
    }

    /// Appends the symbol of each of `names` (or [`UNKNOWN`]) to `out`.
    pub(super) fn get_all<'a>(
        &self,
        names: impl ExactSizeIterator<Item = &'a str>,
        out: &mut Vec<u32>,
    ) {
        if self.slots.is_empty() {
            out.extend(names.map(|_| UNKNOWN));
            return;
        }
        // Every id's slot first, then the lookups, each asking the memory for the slot
        // `AHEAD` lookups on, so that many cache misses are under way at once.
        let mut wanted: Vec<(&str, usize)> = Vec::with_capacity(names.len());
        wanted.extend(names.map(|n| (n, self.slot_of(n))));
        out.reserve(wanted.len());
        for (k, &(name, i)) in wanted.iter().enumerate() {
            if let Some(&(_, next)) = wanted.get(k + AHEAD) {
                prefetch(&self.slots[next]);
            }
            out.push(self.find(name, i, self.slots[i]).symbol);
        }
    }

    /// Remembers that `name` is `symbol` (once: a name may be learnt twice).
    pub(super) fn insert(&mut self, name: &str, symbol: u32) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mut i = self.slot_of(name);
        loop {
            let slot = &self.slots[i];
            if slot.symbol == UNKNOWN {
                break;
            }
            if slot.name(&self.text) == name.as_bytes() {
                return;
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
        if let Some(slot) = self.make_slot(name, symbol) {
            self.slots[i] = slot;
            self.len += 1;
        }
    }

    /// The slot of `name` as `symbol`, its text put in `text` when it is long; none past
    /// 4 GiB of long ids (the cache then simply does not learn them).
    fn make_slot(&mut self, name: &str, symbol: u32) -> Option<Slot> {
        let mut inline = [0; INLINE];
        let len = if name.len() <= INLINE {
            inline[..name.len()].copy_from_slice(name.as_bytes());
            name.len() as u8
        } else {
            let start = self.text.len();
            let (Ok(start32), Ok(len32)) = (u32::try_from(start), u32::try_from(name.len())) else {
                return None;
            };
            u32::try_from(start + name.len()).ok()?;
            self.text.push_str(name);
            inline[..4].copy_from_slice(&start32.to_le_bytes());
            inline[4..8].copy_from_slice(&len32.to_le_bytes());
            u8::MAX
        };
        Some(Slot {
            symbol,
            len,
            inline,
        })
    }

    /// Learns `ids` as symbols `first`, `first + 1`, ... (the entities declared before any
    /// deal, as [`crate::load::raw::Symbols::seed`] numbers them), making room for all at once.
    pub(in crate::load) fn seed<'a>(
        &mut self,
        first: u32,
        ids: impl ExactSizeIterator<Item = &'a str>,
    ) {
        let want = ((self.len + ids.len()) * 4 / 3 + 1).next_power_of_two();
        if self.slots.len() < want {
            self.grow_to(want.max(1 << 12));
        }
        // The slots of `AHEAD` ids are asked of the memory before they are filled, so that
        // their cache misses are under way at once. The ids are distinct entities, new to
        // the cache (no deal has been read), so nothing is compared: an id takes the first
        // free slot from its home.
        let mask = self.slots.len() - 1;
        let mut ids = (first..).zip(ids);
        let mut batch = Vec::with_capacity(AHEAD);
        loop {
            batch.clear();
            let mut taken = 0;
            for (symbol, id) in ids.by_ref().take(AHEAD) {
                taken += 1;
                if let Some(slot) = self.make_slot(id, symbol) {
                    let home = self.slot_of(id);
                    prefetch(&self.slots[home]);
                    batch.push((home, slot));
                }
            }
            for &(home, slot) in &batch {
                let mut i = home;
                while self.slots[i].symbol != UNKNOWN {
                    i = (i + 1) & mask;
                }
                self.slots[i] = slot;
                self.len += 1;
            }
            if taken < AHEAD {
                return;
            }
        }
    }

    /// Doubles the slots (from 4,096), placing every id again.
    fn grow(&mut self) {
        self.grow_to((self.slots.len() * 2).max(1 << 12));
    }

    /// Makes `size` slots (a power of two, more than there are), placing every id again.
    fn grow_to(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; size]);
        for slot in old.into_iter().filter(|s| s.symbol != UNKNOWN) {
            let mut i = self.slot_of_bytes(slot.name(&self.text));
            while self.slots[i].symbol != UNKNOWN {
                i = (i + 1) & (size - 1);
            }
            self.slots[i] = slot;
        }
    }

    fn slot_of_bytes(&self, name: &[u8]) -> usize {
        self.hasher.hash_one(name) as usize & (self.slots.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_names_are_found_again() {
        let mut cache = SymbolCache::default();
        assert_eq!(cache.get("e1"), UNKNOWN);
        let long = "an-entity-id-longer-than-eleven-bytes";
        cache.insert("e1", 7);
        cache.insert(long, 8);
        cache.insert("e1", 9);
        assert_eq!(cache.get("e1"), 7);
        assert_eq!(cache.get(long), 8);
        assert_eq!(cache.get("e2"), UNKNOWN);
        assert_eq!(cache.get(&long[..20]), UNKNOWN);
        assert_eq!(std::mem::size_of::<Slot>(), 16);
    }

    #[test]
    fn names_are_padded_whatever_their_length() {
        let name = b"abcdefghijk";
        for n in 0..=INLINE {
            let mut expected = [0; INLINE];
            expected[..n].copy_from_slice(&name[..n]);
            assert_eq!(padded(&name[..n]), expected, "{n}");
        }
    }

    #[test]
    fn seeded_names_get_their_numbers_in_any_order_of_slots() {
        let mut cache = SymbolCache::default();
        cache.insert("learnt", 3);
        let names: Vec<String> = (0..50_000).map(|i| format!("e{i}")).collect();
        cache.seed(10, names.iter().map(String::as_str));
        cache.seed(50_010, ["late"].into_iter());
        for (k, name) in names.iter().enumerate() {
            assert_eq!(cache.get(name), 10 + k as u32);
        }
        assert_eq!((cache.get("learnt"), cache.get("late")), (3, 50_010));
        assert_eq!(cache.get("e50000"), UNKNOWN);
    }

    #[test]
    fn many_names_survive_growing_and_come_back_in_waves() {
        let mut cache = SymbolCache::default();
        let names: Vec<String> = (0..20_000).map(|i| format!("entity-{i}")).collect();
        for (i, name) in names.iter().enumerate().step_by(2) {
            cache.insert(name, i as u32);
        }
        let mut out = Vec::new();
        cache.get_all(names.iter().map(String::as_str), &mut out);
        for (i, &symbol) in out.iter().enumerate() {
            assert_eq!(symbol, if i % 2 == 0 { i as u32 } else { UNKNOWN });
        }
    }
}
