//! Appending deals stored on another thread: a parsing thread fills a store of its own with
//! one block's deals, which are then appended in bulk, in block order, renumbering what
//! each store numbers for itself (sources, side-table entries, written ids, stems).

use std::ops::Range;

use super::{DealStore, MADE_UP, NONE, Row};
use crate::model::DealId;

impl DealStore {
    /// Makes room for `deals` more deals without their side tables.
    pub(crate) fn reserve(&mut self, deals: usize) {
        self.rows.reserve(deals);
    }

    /// Empties the store, keeping its memory (for a block store used again).
    pub(crate) fn clear(&mut self) {
        self.rows.clear();
        self.extras.clear();
        self.written_ids.clear();
        self.written_id_ends.clear();
        self.made_up_runs.clear();
        self.stems.clear();
        self.sources.clear();
        self.source_index.clear();
        self.last_source = None;
    }

    /// Appends deals `range` of `block`, as if each had been pushed here in turn; the id of
    /// the first. `sources` says what `block`'s sources are here: it is learnt on the first
    /// append from `block` (empty it before appending from another block).
    pub(crate) fn append(
        &mut self,
        block: &DealStore,
        range: Range<usize>,
        sources: &mut Vec<u32>,
    ) -> DealId {
        let first = DealId(self.rows.len() as u32);
        while sources.len() < block.sources.len() {
            let s = &block.sources[sources.len()];
            let index = self.intern_source(&s.source, &s.publisher);
            sources.push(index);
        }
        if range.is_empty() {
            return first;
        }
        if block.extras.is_empty()
            && block.written_id_ends.is_empty()
            && let [(_, stem)] = block.made_up_runs[..]
        {
            // Every deal of the block is plain and made up, of one stem (nearly every block
            // of a big export): copied as they are, but for their sources.
            self.extend_made_up(&block.stems[stem as usize], first.0);
            let rows = &block.rows[range];
            self.rows.extend(rows.iter().map(|&row| Row {
                source: sources[row.source as usize],
                ..row
            }));
            return first;
        }
        self.rows.reserve(range.len());
        // The block's run of made-up ids whose stem this store has at its end.
        let mut matched_run = None;
        for k in range {
            let mut row = block.rows[k];
            row.source = sources[row.source as usize];
            if row.extra != NONE {
                let mut extra = block.extras[row.extra as usize].clone();
                for later in &mut extra.later_reports {
                    later.source = sources[later.source as usize];
                }
                self.extras.push(extra);
                row.extra = (self.extras.len() - 1) as u32;
            }
            if row.id & MADE_UP != 0 {
                let runs = &block.made_up_runs;
                let run = runs.partition_point(|&(start, _)| start as usize <= k) - 1;
                if matched_run != Some(run) {
                    let stem = &block.stems[runs[run].1 as usize];
                    self.extend_made_up(stem, self.rows.len() as u32);
                    matched_run = Some(run);
                }
            } else {
                let (id, ends) = (row.id as usize, &block.written_id_ends);
                let start = if id == 0 { 0 } else { ends[id - 1] };
                row.id = self.written_id(&block.written_ids[start..ends[id]]);
            }
            self.rows.push(row);
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use crate::model::PlainDeal;
    use std::sync::Arc;

    use super::*;
    use crate::model::{Deal, DealKind, EntityId, Report, Status, parse_amount};

    fn deal(id: &str, source: &str, label: Option<&str>) -> Deal {
        let report = Report {
            source: Arc::from(source),
            publisher: None,
            date: Some("2024-03".parse().unwrap()),
            event_date: None,
            status: Status::Announced,
            amount: parse_amount("$2B").unwrap(),
            notes: None,
        };
        let mut deal = Deal::new(id, DealKind::Cloud, EntityId(1), EntityId(2), vec![report]);
        deal.label = label.map(Into::into);
        deal
    }

    /// Deals pushed into blocks and appended read back exactly as deals pushed straight in.
    #[test]
    fn appended_blocks_read_as_deals_pushed_in_turn() {
        let deals = [
            (deal("a", "s1", None), Some(3)),
            (deal("", "s2", Some("x")), None),
            (deal("", "s1", None), Some(5)),
            (deal("b", "s3", Some("y")), None),
            (deal("", "s2", None), Some(9)),
        ];
        let mut direct = DealStore::default();
        let mut appended = DealStore::default();
        appended.push(&deal("z", "s2", None));
        direct.push(&deal("z", "s2", None));
        let mut block = DealStore::default();
        let mut map = Vec::new();
        for (stem, cut) in [("f", 2), ("g", 4)] {
            block.clear();
            map.clear();
            for (d, line) in &deals {
                match line {
                    Some(line) => {
                        direct.push_made_up(d, stem, *line);
                        block.push_made_up(d, stem, *line);
                    }
                    None => {
                        direct.push(d);
                        block.push(d);
                    }
                }
            }
            appended.append(&block, 0..cut, &mut map);
            appended.append(&block, cut..block.len(), &mut map);
        }
        assert_eq!(appended.len(), direct.len());
        for (a, b) in appended.iter().zip(direct.iter()) {
            assert_eq!(a.to_deal(), b.to_deal());
        }
        assert_eq!(appended.sources.len(), 3);
    }

    /// Blocks of plain made-up deals of one stem (copied whole) read back as deals pushed
    /// straight in, across a change of stem and a store that ends with another stem.
    #[test]
    fn blocks_of_one_stem_read_as_deals_pushed_in_turn() {
        let mut direct = DealStore::default();
        let mut appended = DealStore::default();
        let mut line = 2;
        for (stem, count, cut) in [("f", 3, 1), ("f", 2, 2), ("g", 4, 0), ("f", 1, 1)] {
            let mut block = DealStore::default();
            let mut map = Vec::new();
            for k in 0..count {
                let d = deal("", if k % 2 == 0 { "s1" } else { "s2" }, None);
                direct.push_made_up(&d, stem, line);
                block.push_made_up(&d, stem, line);
                line += 1;
            }
            assert_eq!(block.made_up_runs.len(), 1);
            appended.append(&block, 0..cut, &mut map);
            appended.append(&block, cut..block.len(), &mut map);
        }
        assert_eq!(appended.len(), direct.len());
        for (a, b) in appended.iter().zip(direct.iter()) {
            assert_eq!(a.to_deal(), b.to_deal());
        }
        assert_eq!(appended.made_up_runs, direct.made_up_runs);
    }

    #[test]
    fn a_plain_deal_is_stored_as_push_made_up_stores_it() {
        let mut plain = DealStore::default();
        let mut full = DealStore::default();
        for (i, inferred) in [false, true].into_iter().enumerate() {
            let mut d = deal("", "s1", None);
            d.inferred = inferred;
            d.reports[0].amount = if inferred {
                crate::model::Amount::UNDISCLOSED
            } else {
                parse_amount("about $3B").unwrap()
            };
            let parties = [d.from, d.to];
            full.push_made_up(&d, "f", 7 + i as u64);
            let deal = PlainDeal::of(d.kind, parties, inferred, &d.reports[0]);
            let source = plain.source_of(&d.reports[0]);
            plain.push_made_up_plain(deal, source, "f", 7 + i as u64);
        }
        for (a, b) in plain.iter().zip(full.iter()) {
            assert_eq!(a.to_deal(), b.to_deal());
        }
        assert_eq!(plain.len(), 2);
    }
}
