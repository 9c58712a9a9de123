//! Tests of the loop search: every option combination against a brute-force enumeration
//! on random graphs, the start-at-the-smallest-id rule, regressions of the pruning, and rings
//! long enough to overflow a recursive search.

use std::collections::BTreeSet;
use std::sync::Arc as Shared;

use proptest::prelude::*;

use super::super::testkit::*;
use super::super::{count_cycles, cycles};
use super::*;
use crate::graph::Filter;
use crate::model::{Amount, Dataset, Deal, DealKind, Entity, Report, Status};

fn brute(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    all: &[(Vec<EntityId>, Vec<HopId>)],
    opts: &CycleOptions,
) -> BTreeSet<Vec<EntityId>> {
    all.iter()
        .filter(|(entities, loop_hops)| {
            let k = entities.len();
            let financing = loop_hops.iter().any(|&h| {
                hops.hop(h)
                    .deals
                    .iter()
                    .any(|&d| graph.dataset().deal(d).kind().is_financing())
            });
            k >= opts.min_len
                && opts.max_len.is_none_or(|l| k <= l)
                && opts.through.iter().all(|t| entities.contains(t))
                && (!opts.financing_only || financing)
                && (!opts.time_ordered || brute_time_ordered(graph, hops, loop_hops, opts.undated))
        })
        .map(|(e, _)| e.clone())
        .collect()
}

fn option_sets(through: &[EntityId]) -> Vec<CycleOptions> {
    let mut sets = Vec::new();
    let throughs: Vec<Vec<EntityId>> = vec![
        Vec::new(),
        through.iter().take(1).copied().collect(),
        through.to_vec(),
    ];
    for max_len in [None, Some(2), Some(3), Some(4), Some(5)] {
        for min_len in [2, 3] {
            for through in &throughs {
                for financing_only in [true, false] {
                    for (time_ordered, undated) in [
                        (false, Undated::Break),
                        (true, Undated::Break),
                        (true, Undated::Ok),
                    ] {
                        sets.push(CycleOptions {
                            max_len,
                            min_len,
                            through: through.clone(),
                            financing_only,
                            time_ordered,
                            undated,
                            deadline: None,
                        });
                    }
                }
            }
        }
    }
    sets
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The search finds exactly the loops of the brute-force reference, for every option
    /// combination that changes the result.
    #[test]
    fn matches_brute_force((deals, through) in gen_graph()) {
        let csv = csv_of(&deals);
        let data = load(&csv);
        let graph = MoneyGraph::build(&data, Filter::today());
        let hops = graph.hops();
        let all = all_simple_cycles(&graph, hops);
        let through: Vec<EntityId> = through
            .iter()
            .filter_map(|&i| data.by_id(NAMES[i]))
            .collect();
        for opts in option_sets(&through) {
            let found = search(&graph, hops, &opts);
            let set: BTreeSet<Vec<EntityId>> = found.iter().cloned().collect();
            prop_assert_eq!(set.len(), found.len(), "a loop was reported twice");
            let expected = brute(&graph, hops, &all, &opts);
            prop_assert_eq!(
                &set, &expected,
                "options {:?}\ngraph:\n{}", opts, dot_of(&deals)
            );
            let (count, _) = count_cycles(&graph, &opts);
            prop_assert_eq!(count as usize, expected.len());
        }
    }
}

#[test]
fn loops_start_at_the_smallest_id_string_not_the_first_loaded() {
    let data =
        graph_of("from,to,kind,source\nzed,mid,investment,s\nmid,abe,cloud,s\nabe,zed,cloud,s\n");
    let graph = MoneyGraph::build(&data, Filter::today());
    assert_eq!(
        names(&graph, graph.hops(), &CycleOptions::default()),
        ["abe>zed>mid"]
    );
}

/// Regression: a branch pruned by the financing requirement must not leave the entities
/// before it locked. From a, the path a → b → c dead-ends (c only leads back to b; b ⇄ c is
/// a loop of its own, found from b), and
/// a → b → w → a has no financing, so it is pruned at w: b found nothing that matches. b
/// must still be enterable after the investment a → c, or a → c → b → w → a is lost.
#[test]
fn pruned_branch_does_not_lock_out_a_financed_path() {
    let data = graph_of(
        "from,to,kind,source\na,b,cloud,s\nb,c,investment,s\nb,w,cloud,s\nw,a,cloud,s\n\
         a,c,investment,s\nc,b,cloud,s\na,e,cloud,s\ne,a,cloud,s\na,f,cloud,s\nf,a,cloud,s\n",
    );
    let graph = MoneyGraph::build(&data, Filter::today());
    let opts = CycleOptions {
        max_len: Some(5),
        ..CycleOptions::default()
    };
    assert_eq!(names(&graph, graph.hops(), &opts), ["a>c>b>w", "b>c"]);
}

/// A ring of `n` entities (one investment, the rest cloud deals), built directly.
fn ring(n: usize, close: bool) -> Dataset {
    let mut data = Dataset::new();
    for i in 0..n {
        data.add_entity(Entity::placeholder(&format!("e{i:06}")))
            .unwrap();
    }
    let report = Report {
        source: Shared::from("s.txt"),
        publisher: None,
        date: None,
        event_date: None,
        status: Status::Announced,
        amount: Amount::UNDISCLOSED,
        notes: None,
    };
    let edges = if close { n } else { n - 1 };
    for i in 0..edges {
        let kind = if i == 0 {
            DealKind::Investment
        } else {
            DealKind::Cloud
        };
        let (from, to) = (EntityId(i as u32), EntityId(((i + 1) % n) as u32));
        data.add_deal(Deal::new(
            format!("d{i}"),
            kind,
            from,
            to,
            vec![report.clone()],
        ));
    }
    data
}

#[test]
fn long_chains_and_rings_do_not_overflow_the_stack() {
    let n = 100_000;
    let chain = ring(n, false);
    let graph = MoneyGraph::build(&chain, Filter::today());
    let unbounded = CycleOptions {
        max_len: None,
        ..CycleOptions::default()
    };
    assert_eq!(count_cycles(&graph, &unbounded).0, 0);

    let closed = ring(n, true);
    let graph = MoneyGraph::build(&closed, Filter::today());
    let hops = graph.hops();
    assert_eq!(count_cycles(&graph, &unbounded).0, 1);
    assert_eq!(count_cycles(&graph, &CycleOptions::default()).0, 0);
    let mut length = 0;
    cycles(&graph, hops, &unbounded, |e, _| {
        length = e.len();
        ControlFlow::Continue(())
    });
    assert_eq!(length, n);
}

#[test]
fn through_an_entity_missing_from_the_graph_finds_nothing() {
    let data = graph_of("from,to,kind,source\na,b,investment,s\nb,a,cloud,s\nc,a,cloud,s\n");
    let mut filter = Filter::today();
    let c = data.by_id("c").unwrap();
    filter.without.push(c);
    let graph = MoneyGraph::build(&data, filter);
    let opts = CycleOptions {
        through: vec![c],
        ..CycleOptions::default()
    };
    assert_eq!(count_cycles(&graph, &opts), (0, SearchEnd::Complete));
}
