//! The machine formats of a list of loops (JSON, JSON lines, CSV), written whole or streamed
//! as the search finds them, and how many loops each way of showing them ranks.

use std::io::Write;

use super::{Record, Shown};
use crate::graph::MoneyGraph;
use crate::query::cycles::{CycleList, CycleOptions, SearchEnd};

/// The most loops a table, an explanation or a map holds: each is rendered in memory whole.
/// A [`Listing`] has no such cap (with no limit it streams).
pub const MAX_SHOWN: usize = 10_000;

/// A machine format for a list of loops, with no cap on how many it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// The documented JSON document ([`super::write_json`]).
    Json,
    /// One loop object a line ([`super::write_jsonl`]).
    Jsonl,
    /// A header and one row a loop ([`super::write_csv`]).
    Csv,
}

impl Listing {
    /// Writes the ranked loops of `list` to `out` in this format.
    pub fn write(
        self,
        out: &mut impl Write,
        graph: &MoneyGraph<'_>,
        list: &CycleList,
        record: Record,
    ) -> std::io::Result<()> {
        match self {
            Listing::Json => super::write_json(out, graph, list, record),
            Listing::Jsonl => super::write_jsonl(out, graph, list, record),
            Listing::Csv => super::write_csv(out, graph, list, record),
        }
    }

    /// Runs the search and writes every loop to `out` in this format as it is found, unsorted,
    /// in bounded memory.
    ///
    /// # Returns
    /// How many loops were written and how the search ended; a write error stops the search.
    pub fn stream(
        self,
        out: &mut impl Write,
        graph: &MoneyGraph<'_>,
        opts: &CycleOptions,
        record: Record,
    ) -> std::io::Result<(u64, SearchEnd)> {
        match self {
            Listing::Json => super::stream_json(out, graph, opts, record),
            Listing::Jsonl => super::stream_jsonl(out, graph, opts, record),
            Listing::Csv => super::stream_csv(out, graph, opts, record),
        }
    }
}

/// How many loops to rank for a limit of `wanted` (0 for no limit) shown as `shown`, and
/// whether [`MAX_SHOWN`] lowered it (for [`super::stopped_note`]). `None`: no limit, so a
/// [`Listing`] streams every loop; a table or map never gets `None`.
pub fn ranked_limit(wanted: usize, shown: Shown) -> (Option<usize>, bool) {
    match (wanted, shown) {
        (0, Shown::Listing(_)) => (None, false),
        (n, Shown::Listing(_)) => (Some(n), false),
        (n, _) if (1..=MAX_SHOWN).contains(&n) => (Some(n), false),
        _ => (Some(MAX_SHOWN), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Filter;
    use crate::load::{LoadOptions, load_bundled};
    use crate::query::cycles::{SortKey, top_cycles};

    #[test]
    fn tables_and_maps_are_capped_and_listings_are_not() {
        for shown in [Shown::Text, Shown::Map] {
            assert_eq!(ranked_limit(5, shown), (Some(5), false));
            assert_eq!(ranked_limit(MAX_SHOWN, shown), (Some(MAX_SHOWN), false));
            assert_eq!(ranked_limit(MAX_SHOWN + 1, shown), (Some(MAX_SHOWN), true));
            assert_eq!(ranked_limit(0, shown), (Some(MAX_SHOWN), true));
        }
        for listing in [Listing::Json, Listing::Jsonl, Listing::Csv] {
            let shown = Shown::Listing(listing);
            assert_eq!(ranked_limit(0, shown), (None, false));
            assert_eq!(
                ranked_limit(MAX_SHOWN + 1, shown),
                (Some(MAX_SHOWN + 1), false)
            );
        }
    }

    #[test]
    fn streaming_writes_the_same_loops_as_ranking_all_of_them() {
        let data = load_bundled(LoadOptions::default()).unwrap().dataset;
        let graph = MoneyGraph::build(&data, Filter::today());
        let opts = CycleOptions::default();
        let list = top_cycles(&graph, graph.hops(), &opts, usize::MAX, SortKey::Amount);
        for listing in [Listing::Json, Listing::Jsonl, Listing::Csv] {
            let (mut whole, mut streamed) = (Vec::new(), Vec::new());
            listing
                .write(&mut whole, &graph, &list, Record::Brief)
                .unwrap();
            let (count, end) = listing
                .stream(&mut streamed, &graph, &opts, Record::Brief)
                .unwrap();
            assert_eq!(
                (count, end),
                (list.cycles.len() as u64, SearchEnd::Complete)
            );
            assert!(!whole.is_empty() && !streamed.is_empty(), "{listing:?}");
            if listing == Listing::Jsonl {
                let sorted = |bytes: &[u8]| {
                    let mut lines: Vec<String> = String::from_utf8_lossy(bytes)
                        .lines()
                        .map(String::from)
                        .collect();
                    lines.sort();
                    lines
                };
                assert_eq!(sorted(&whole), sorted(&streamed));
            }
        }
    }
}
