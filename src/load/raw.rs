//! Entities and deals as read from one file, before entity references are resolved across
//! all files. Each keeps the locations its later checks point at.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::model::{Amount, Dataset, Deal, DealId, DealKind, DealStore, Entity, EntityId, Report};

use super::diagnostic::{Diagnostic, FileId, Loc};

#[derive(Debug)]
pub struct RawEntity {
    pub entity: Entity,
    pub id_loc: Loc,
}

/// A reference to an entity by id, with where it was written.
#[derive(Debug, Clone)]
pub struct RawRef {
    pub id: String,
    pub loc: Loc,
}

#[derive(Debug)]
pub struct RawDeal {
    /// `None` for CSV rows without an id: one is made up from the row.
    pub id: Option<(String, Loc)>,
    pub kind: DealKind,
    pub label: Option<String>,
    pub from: RawRef,
    pub to: RawRef,
    pub round: Option<String>,
    pub term_years: Option<u32>,
    pub valuation: Option<Amount>,
    pub stake_pct: Option<f64>,
    pub inferred: bool,
    pub notes: Option<String>,
    pub reports: Vec<Report>,
    /// Where the deal starts (its table, or its first CSV row).
    pub loc: Loc,
}

/// What one TOML or JSON file contributed (a CSV file's deals go straight to [`Pending`]).
#[derive(Debug, Default)]
pub struct RawFile {
    pub entities: Vec<RawEntity>,
    pub deals: Vec<RawDeal>,
}

/// Deals read so far from every file, in reading order, already in their final (compact)
/// form except for `from` and `to`, which hold [`Symbols`] (as `EntityId(symbol)`) until
/// `Loader::finish` resolves them to entities. Storing the final deals while streaming
/// means a big CSV is never held twice (raw rows and converted deals).
#[derive(Debug, Default)]
pub struct Pending {
    pub declared: Declared,
    pub deals: DealStore,
    /// Where each deal was read, parallel to `deals`.
    origins: Vec<Origin>,
    origin_runs: Vec<OriginRun>,
    /// Locations of the deals read from TOML or JSON (see [`Origin::tree`]).
    pub tree_locs: Vec<TreeLocs>,
    /// The columns of each deals CSV that diagnostics point at, by file.
    pub csv_cells: Vec<(FileId, CsvCells)>,
    /// The stems of the CSV files whose rows without an id got one made up (`{stem}-{line}`).
    pub made_up_stems: Vec<String>,
    pub symbols: Symbols,
}

/// Entities as they are read, straight into the dataset, so a big entities file is never held
/// twice (as read, and indexed).
#[derive(Debug, Default)]
pub struct Declared {
    pub dataset: Dataset,
    /// Where each entity's id was written, by entity index.
    pub locs: LocList,
    /// "Declared twice" errors, which the loader reports after every file's own problems.
    pub duplicates: Vec<Diagnostic>,
    /// The first entity not indexed yet (see [`Declared::add_row`]).
    unindexed: Option<usize>,
}

impl Declared {
    /// Makes room for `additional` more entities at once, instead of growing the indexes
    /// (and hashing every key again) as they come.
    pub fn reserve(&mut self, additional: usize) {
        self.dataset.reserve_entities(additional);
    }

    /// Adds an entity of a CSV row, to be indexed with the others of its file by
    /// [`Declared::settle`], which must run before anything looks entities up by id.
    pub fn add_row(&mut self, raw: RawEntity) {
        self.unindexed.get_or_insert(self.dataset.entities().len());
        self.dataset.push_unindexed(raw.entity);
        self.locs.push(raw.id_loc);
    }

    /// Indexes the entities [`Declared::add_row`] added, all at once; when an id is taken,
    /// adds them again one by one, as [`Declared::add`] would have.
    pub fn settle(&mut self) {
        self.settle_beside(false, |_| ());
    }

    /// [`Declared::settle`], calling `beside` with every entity meanwhile (on a thread of
    /// its own when `parallel`); what it gives, unless the entities changed (an id was
    /// taken, and they were added again one by one).
    pub fn settle_beside<R: Send>(
        &mut self,
        parallel: bool,
        beside: impl FnOnce(&[Entity]) -> R + Send,
    ) -> Option<R> {
        let Some(start) = self.unindexed.take() else {
            return Some(beside(self.dataset.entities()));
        };
        let (indexed, given) = self.dataset.index_from_beside(start, parallel, beside);
        if indexed {
            return Some(given);
        }
        self.add_again(start);
        None
    }

    /// Adds the entities from `start` on again one by one, as [`Declared::add`] would have.
    fn add_again(&mut self, start: usize) {
        let entities = self.dataset.take_unindexed(start);
        let locs: Vec<Loc> = (start..start + entities.len())
            .map(|i| self.locs.get(i))
            .collect();
        self.locs.truncate(start);
        for (entity, id_loc) in entities.into_iter().zip(locs) {
            self.add(RawEntity { entity, id_loc });
        }
    }

    pub fn add(&mut self, raw: RawEntity) {
        self.settle();
        match self.dataset.add_entity(raw.entity) {
            Ok(_) => self.locs.push(raw.id_loc),
            Err(existing) => {
                let id = &self.dataset.entity(existing).id;
                self.duplicates.push(
                    Diagnostic::error(format!("entity id {id:?} is declared twice"), raw.id_loc)
                        .with_related(self.locs.get(existing.index()), "first declared here")
                        .with_help("ids must be unique across all --data files; merge the two or rename one"),
                );
            }
        }
    }
}

/// A list of locations at 8 bytes each when they are CSV cells of one column (as an entities
/// file's ids are): the line and the low half of the record's offset, with the file, column
/// and high half kept once per run of locations that share them.
#[derive(Debug, Default)]
pub struct LocList {
    entries: Vec<[u32; 2]>,
    runs: Vec<(u32, Shape)>,
    /// Locations that are not CSV cells, which `entries` index.
    others: Vec<Loc>,
}

/// What a run of [`LocList`] entries share.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    Cell {
        file: FileId,
        field: u16,
        start_high: u32,
    },
    Other,
}

impl LocList {
    pub fn push(&mut self, loc: Loc) {
        let (shape, entry) = match loc {
            Loc::Cell {
                file,
                line,
                field,
                record_start,
            } => {
                let start_high = (record_start >> 32) as u32;
                let shape = Shape::Cell {
                    file,
                    field,
                    start_high,
                };
                (shape, [line, record_start as u32])
            }
            other => {
                self.others.push(other);
                (Shape::Other, [(self.others.len() - 1) as u32, 0])
            }
        };
        if self.runs.last().is_none_or(|&(_, s)| s != shape) {
            self.runs.push((self.entries.len() as u32, shape));
        }
        self.entries.push(entry);
    }

    /// Keeps the first `len` locations.
    pub fn truncate(&mut self, len: usize) {
        self.entries.truncate(len);
        while self
            .runs
            .last()
            .is_some_and(|&(first, _)| first as usize >= len)
        {
            self.runs.pop();
        }
    }

    /// Location `index`. Panics when out of range, like slice indexing.
    pub fn get(&self, index: usize) -> Loc {
        let [a, b] = self.entries[index];
        let run = self
            .runs
            .partition_point(|&(first, _)| first as usize <= index);
        match self.runs[run - 1].1 {
            Shape::Cell {
                file,
                field,
                start_high,
            } => Loc::Cell {
                file,
                line: a,
                field,
                record_start: u64::from(start_high) << 32 | u64::from(b),
            },
            Shape::Other => self.others[a as usize],
        }
    }
}

/// Where a deal was read, in 8 bytes: a CSV record's line, whether the row had its own id,
/// and the low half of its byte offset, or an index into [`Pending::tree_locs`]. The file and
/// the high half of the offset are in [`Pending::origin_runs`].
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    /// The line; the top bit says the row had its own id.
    line: u32,
    start_low: u32,
}

const TREE: FileId = FileId::MAX;
const OWN_ID: u32 = 1 << 31;

/// From which deal on a file and the high half of its byte offsets apply.
#[derive(Clone, Copy, Debug)]
pub struct OriginRun {
    first: u32,
    file: FileId,
    start_high: u32,
}

impl Origin {
    /// The CSV cell `field` of this deal's record.
    fn cell(self, run: OriginRun, field: u16) -> Loc {
        Loc::Cell {
            file: run.file,
            line: self.line & !OWN_ID,
            field,
            record_start: u64::from(run.start_high) << 32 | u64::from(self.start_low),
        }
    }
}

/// The locations a TOML or JSON deal keeps for later checks.
#[derive(Clone, Copy, Debug)]
pub struct TreeLocs {
    pub id: Loc,
    pub from: Loc,
    pub to: Loc,
    pub deal: Loc,
}

/// Column positions (0-based) of the cells a deals CSV's diagnostics point at.
#[derive(Clone, Copy, Debug)]
pub struct CsvCells {
    pub id: Option<u16>,
    pub from: u16,
    pub to: u16,
}

/// Which location of a deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The deal's id (or, for a CSV row without one, its first cell).
    Id,
    From,
    To,
    /// Where the deal starts (its table, or its first CSV row).
    Deal,
}

impl Pending {
    fn push_origin(&mut self, file: FileId, start_high: u32, origin: Origin) {
        let first = self.origins.len() as u32;
        if self
            .origin_runs
            .last()
            .is_none_or(|r| (r.file, r.start_high) != (file, start_high))
        {
            self.origin_runs.push(OriginRun {
                first,
                file,
                start_high,
            });
        }
        self.origins.push(origin);
    }

    /// Records where the next deal was read: a CSV record (file, line, byte offset, and
    /// whether the row had its own id). Lines past 2^31 are not told apart.
    /// Makes room for `deals` more deals and their origins.
    pub fn reserve_deals(&mut self, deals: usize) {
        self.deals.reserve(deals);
        self.origins.reserve(deals);
    }

    pub fn push_csv_origin(&mut self, file: FileId, line: u64, record_start: u64, own_id: bool) {
        let line = line.min(u64::from(!OWN_ID)) as u32;
        let origin = Origin {
            line: line | if own_id { OWN_ID } else { 0 },
            start_low: record_start as u32,
        };
        self.push_origin(file, (record_start >> 32) as u32, origin);
    }

    fn run(&self, index: usize) -> OriginRun {
        let i = self
            .origin_runs
            .partition_point(|r| r.first as usize <= index);
        self.origin_runs[i - 1]
    }

    /// Where part `part` of deal `index` was written.
    pub fn loc(&self, index: usize, part: Part) -> Loc {
        let origin = self.origins[index];
        let run = self.run(index);
        if run.file == TREE {
            let t = &self.tree_locs[origin.line as usize];
            return match part {
                Part::Id => t.id,
                Part::From => t.from,
                Part::To => t.to,
                Part::Deal => t.deal,
            };
        }
        let cells = self
            .csv_cells
            .iter()
            .rev()
            .find(|(f, _)| *f == run.file)
            .map(|(_, c)| *c)
            .expect("every CSV deal's file has its columns recorded");
        match part {
            Part::Id if origin.line & OWN_ID != 0 => origin.cell(run, cells.id.unwrap_or(0)),
            Part::Id | Part::Deal => origin.cell(run, 0),
            Part::From => origin.cell(run, cells.from),
            Part::To => origin.cell(run, cells.to),
        }
    }

    /// True when deal `index` is a CSV row whose id was made up from its file and line.
    pub fn made_up_id(&self, index: usize) -> bool {
        self.origins[index].line & OWN_ID == 0 && self.run(index).file != TREE
    }

    /// Whether made-up ids can collide with another id: only when two CSV files share a stem
    /// or a written id has the `{stem}-{number}` form. When not, they are unique by
    /// construction and need no duplicate check.
    pub fn made_up_ids_may_collide(&self) -> bool {
        let mut stems: Vec<&str> = self.made_up_stems.iter().map(String::as_str).collect();
        stems.sort_unstable();
        if stems.windows(2).any(|w| w[0] == w[1]) {
            return true;
        }
        let looks_made_up = |id: &str| {
            stems.iter().any(|stem| {
                id.strip_prefix(stem)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        };
        // Without a written id (the deals of a big CSV export), nothing to look at.
        !stems.is_empty()
            && self.deals.written_id_count() > 0
            && (0..self.deals.len()).any(|i| {
                !self.made_up_id(i) && looks_made_up(&self.deals.get(DealId(i as u32)).id())
            })
    }

    /// Adds a deal read from TOML or JSON.
    pub fn push_tree(&mut self, raw: RawDeal) {
        let (id, id_loc) = raw.id.unwrap_or_else(|| (String::new(), raw.loc));
        self.tree_locs.push(TreeLocs {
            id: id_loc,
            from: raw.from.loc,
            to: raw.to.loc,
            deal: raw.loc,
        });
        let origin = Origin {
            line: (self.tree_locs.len() - 1) as u32,
            start_low: 0,
        };
        self.push_origin(TREE, 0, origin);
        let from = EntityId(self.symbols.intern(&raw.from.id));
        let to = EntityId(self.symbols.intern(&raw.to.id));
        self.deals.push(&Deal {
            id: id.into(),
            kind: raw.kind,
            label: raw.label.map(Into::into),
            from,
            to,
            round: raw.round.map(Into::into),
            term_years: raw.term_years,
            valuation: raw.valuation,
            stake_pct: raw.stake_pct,
            inferred: raw.inferred,
            notes: raw.notes.map(Into::into),
            reports: raw.reports.into(),
        });
    }
}

/// Entity ids named by deals, each stored once in one string (no heap string per
/// reference), numbered in order of first mention; the first [`Symbols::seeded`] are the
/// entities declared before any deal, numbered as the entities are.
#[derive(Debug, Default)]
pub struct Symbols {
    text: String,
    /// Where each symbol ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
    table: HashTable<Slot>,
    hasher: DefaultHashBuilder,
    /// How many symbols [`Symbols::seed`] numbered.
    seeded: u32,
}

/// Longest id kept inside its table slot.
const INLINE: usize = 11;

/// A symbol in the table, 16 bytes: ids of up to [`INLINE`] bytes (the common case) are
/// compared right there, without reaching into `ends` and `text` (two more cache misses per
/// reference in a table of a million ids).
#[derive(Clone, Copy, Debug)]
struct Slot {
    symbol: u32,
    /// The id's length when it fits in `inline`, else `u8::MAX`.
    len: u8,
    inline: [u8; INLINE],
}

/// Symbol `symbol`'s text.
fn span<'a>(text: &'a str, ends: &[u32], symbol: u32) -> &'a str {
    let i = symbol as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &text[start..ends[i] as usize]
}

impl Slot {
    fn new(symbol: u32, name: &str) -> Slot {
        let mut inline = [0; INLINE];
        let len = if name.len() <= INLINE {
            inline[..name.len()].copy_from_slice(name.as_bytes());
            name.len() as u8
        } else {
            u8::MAX
        };
        Slot {
            symbol,
            len,
            inline,
        }
    }

    /// The id, read from the slot or from `text`.
    fn name<'a>(&'a self, text: &'a str, ends: &[u32]) -> &'a [u8] {
        match self.len {
            u8::MAX => span(text, ends, self.symbol).as_bytes(),
            len => &self.inline[..len as usize],
        }
    }
}

impl Symbols {
    /// The symbol of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        let hash = self.hasher.hash_one(name.as_bytes());
        let Symbols {
            text,
            ends,
            table,
            hasher,
            ..
        } = self;
        if let Some(slot) = table.find(hash, |slot| slot.name(text, ends) == name.as_bytes()) {
            return slot.symbol;
        }
        let i = ends.len() as u32;
        text.push_str(name);
        ends.push(text.len() as u32);
        let (text, ends) = (&*text, &*ends);
        table.insert_unique(hash, Slot::new(i, name), |slot| {
            hasher.hash_one(slot.name(text, ends))
        });
        i
    }

    /// Numbers `ids` (the entities declared so far, from the first not yet seeded) as the
    /// next symbols, while no deal has named an id: symbol `i` is then entity `i`. Seeded ids
    /// are not put in the lookup table (a million of them would cost as much as the interning
    /// they save); interning one again gives it a second symbol, which resolves to the same
    /// entity. False (and nothing done) once a deal has been read.
    pub fn seed<'a>(&mut self, ids: impl Iterator<Item = &'a str>) -> bool {
        if self.ends.len() != self.seeded as usize {
            return false;
        }
        for id in ids {
            self.text.push_str(id);
            self.ends.push(self.text.len() as u32);
        }
        self.seeded = self.ends.len() as u32;
        true
    }

    /// How many symbols are seeded entities ([`Symbols::seed`]).
    pub fn seeded(&self) -> usize {
        self.seeded as usize
    }

    /// Frees the lookup table once every file is read: names stay readable by symbol.
    pub fn stop_interning(&mut self) {
        self.table = HashTable::new();
    }

    pub fn name(&self, symbol: u32) -> &str {
        span(&self.text, &self.ends, symbol)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_symbols_are_the_entities_and_interning_goes_on_after_them() {
        let mut symbols = Symbols::default();
        assert!(symbols.seed(["e0", "e1"].into_iter()));
        assert!(
            symbols.seed(["e2"].into_iter()),
            "more entities, still no deal"
        );
        assert_eq!(symbols.seeded(), 3);
        assert_eq!(symbols.intern("x"), 3);
        assert_eq!(symbols.intern("x"), 3);
        // A seeded id interned again gets a second symbol (resolved to the same entity).
        assert_eq!(symbols.intern("e1"), 4);
        assert_eq!(
            (symbols.name(1), symbols.name(4), symbols.len()),
            ("e1", "e1", 5)
        );
        assert!(!symbols.seed(["e3"].into_iter()), "a deal has named an id");
        assert_eq!(symbols.seeded(), 3);
    }

    /// Entities added as CSV rows and indexed at once give what adding them one by one
    /// gives: the same entities, locations and "declared twice" errors, duplicates or not.
    #[test]
    fn rows_indexed_at_once_are_entities_added_one_by_one() {
        let raw = |id: &str, line: u32| RawEntity {
            entity: Entity::new(id, &id.to_uppercase(), crate::model::EntityKind::Company),
            id_loc: Loc::Cell {
                file: 0,
                line,
                field: 0,
                record_start: u64::from(line) * 10,
            },
        };
        let many: Vec<String> = (0..3000).map(|i| format!("e{i}")).collect();
        let cases: Vec<Vec<&str>> = vec![
            many.iter().map(String::as_str).collect(),
            vec!["a", "b", "c", "b", "d", "a"],
            vec!["x", "a", "y"],
            vec![],
        ];
        let mut one_by_one = Declared::default();
        let mut at_once = Declared::default();
        one_by_one.add(raw("a", 1));
        at_once.add(raw("a", 1));
        for ids in &cases {
            for (line, id) in ids.iter().enumerate() {
                one_by_one.add(raw(id, line as u32 + 2));
                at_once.add_row(raw(id, line as u32 + 2));
            }
            at_once.settle();
            let entities = one_by_one.dataset.entities();
            assert_eq!(at_once.dataset.entities(), entities);
            for (i, e) in entities.iter().enumerate() {
                assert_eq!(at_once.locs.get(i), one_by_one.locs.get(i));
                assert_eq!(at_once.dataset.by_id(&e.id), Some(EntityId(i as u32)));
            }
            assert_eq!(
                format!("{:?}", at_once.duplicates),
                format!("{:?}", one_by_one.duplicates)
            );
        }
        assert_eq!(one_by_one.duplicates.len(), 4);
    }

    #[test]
    fn loc_list_gives_back_what_it_was_given() {
        let cell = |file, line, field, record_start| Loc::Cell {
            file,
            line,
            field,
            record_start,
        };
        let locs = [
            cell(0, 2, 0, 10),
            cell(0, 3, 0, 20),
            Loc::span(1, 5..9),
            cell(0, 4, 0, 5 << 32 | 7),
            cell(2, 4, 1, 30),
            Loc::File(3),
            cell(2, 5, 1, 40),
        ];
        let mut list = LocList::default();
        for loc in locs {
            list.push(loc);
        }
        for (i, loc) in locs.iter().enumerate() {
            assert_eq!(list.get(i), *loc, "location {i}");
        }
    }

    #[test]
    fn origins_keep_file_offset_and_own_id() {
        let mut pending = Pending::default();
        pending.csv_cells.push((
            4,
            CsvCells {
                id: Some(2),
                from: 0,
                to: 1,
            },
        ));
        pending.push_csv_origin(4, 7, 9 << 32 | 3, true);
        pending.push_csv_origin(4, 8, 12, false);
        let id_cell = Loc::Cell {
            file: 4,
            line: 7,
            field: 2,
            record_start: 9 << 32 | 3,
        };
        assert_eq!(pending.loc(0, Part::Id), id_cell);
        assert!(!pending.made_up_id(0) && pending.made_up_id(1));
        let to_cell = Loc::Cell {
            file: 4,
            line: 8,
            field: 1,
            record_start: 12,
        };
        assert_eq!(pending.loc(1, Part::To), to_cell);
    }
}
