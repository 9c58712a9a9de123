//! Test-only helpers shared by the loop tests: small generated graphs, a brute-force reference
//! for loops and time order, and the search run with the shape of every loop checked.

use std::fmt::Write as _;
use std::ops::ControlFlow;

use proptest::prelude::*;

use super::{CycleOptions, SearchEnd, Undated, cycles};
use crate::graph::{HopGraph, HopId, MoneyGraph};
use crate::load::{LoadOptions, load_str};
use crate::model::{Dataset, EntityId, PartialDate};

/// Entity ids whose string order differs from their creation order.
pub(super) const NAMES: [&str; 8] = [
    "kilo", "alpha", "mike", "bravo", "zulu", "echo", "delta", "hotel",
];
pub(super) const KINDS: [&str; 5] = ["investment", "cloud", "chips", "loan", "revenue"];
pub(super) const QUALIFIERS: [&str; 4] = ["", "up-to", "at-least", "about"];

/// One generated deal: from, to, kind, month (none = undated), amount and qualifier.
pub(super) type GenDeal = (usize, usize, usize, Option<u32>, Option<(u32, usize)>);

pub(super) fn csv_of(deals: &[GenDeal]) -> String {
    let mut csv = String::from("id,from,to,kind,amount_usd,amount_qualifier,date,status,source\n");
    for (i, &(from, to, kind, month, amount)) in deals.iter().enumerate() {
        let (value, qualifier) = amount.map_or((String::new(), ""), |(v, q)| {
            (format!("{v}000000000"), QUALIFIERS[q])
        });
        let date = month.map_or(String::new(), |m| format!("2025-{m:02}"));
        writeln!(
            csv,
            "d{i},{},{},{},{value},{qualifier},{date},announced,s.txt",
            NAMES[from], NAMES[to], KINDS[kind]
        )
        .unwrap();
    }
    csv
}

pub(super) fn dot_of(deals: &[GenDeal]) -> String {
    let mut dot = String::from("digraph {\n");
    for &(from, to, kind, month, amount) in deals {
        writeln!(
            dot,
            "  {} -> {} [label=\"{} {:?} {:?}\"];",
            NAMES[from], NAMES[to], KINDS[kind], month, amount
        )
        .unwrap();
    }
    dot.push('}');
    dot
}

pub(super) fn load(csv: &str) -> Dataset {
    let options = LoadOptions {
        auto_entities: true,
        ..LoadOptions::default()
    };
    load_str("gen.csv", csv, options).unwrap().dataset
}

/// Every elementary cycle by exhaustive search over simple paths from each start, kept
/// only when its start has the smallest id: no blocking, no pruning, no cleverness.
pub(super) fn all_simple_cycles(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
) -> Vec<(Vec<EntityId>, Vec<HopId>)> {
    let data = graph.dataset();
    let id = |e: EntityId| data.entity(e).id.as_str();
    let mut out = Vec::new();
    let n = hops.entity_count();
    for s in 0..n as u32 {
        let s = EntityId(s);
        let mut path = vec![s];
        let mut path_hops = Vec::new();
        extend(hops, &id, s, &mut path, &mut path_hops, &mut out);
    }
    out
}

pub(super) fn extend<'a>(
    hops: &HopGraph,
    id: &impl Fn(EntityId) -> &'a str,
    s: EntityId,
    path: &mut Vec<EntityId>,
    path_hops: &mut Vec<HopId>,
    out: &mut Vec<(Vec<EntityId>, Vec<HopId>)>,
) {
    let last = *path.last().unwrap();
    for &(w, h) in hops.successors(last) {
        if w == s {
            let mut hs = path_hops.clone();
            hs.push(h);
            out.push((path.clone(), hs));
        } else if id(w) > id(s) && !path.contains(&w) {
            path.push(w);
            path_hops.push(h);
            extend(hops, id, s, path, path_hops, out);
            path.pop();
            path_hops.pop();
        }
    }
}

/// Time order straight from the definition: some rotation and some choice of one deal per
/// hop, starting at a financing deal when the loop has one, whose dated deals never go
/// back in time (undated deals: unusable under `Break`, ignored under `Ok`).
pub(super) fn brute_time_ordered(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    loop_hops: &[HopId],
    undated: Undated,
) -> bool {
    let deals: Vec<Vec<(bool, Option<PartialDate>)>> = loop_hops
        .iter()
        .map(|&h| {
            hops.hop(h)
                .deals
                .iter()
                .map(|&d| {
                    let v = graph.deal_view(d).unwrap();
                    (v.deal.kind().is_financing(), v.report().effective_date())
                })
                .collect()
        })
        .collect();
    let financing_loop = deals.iter().flatten().any(|d| d.0);
    let k = deals.len();
    for j in 0..k {
        let mut choice = vec![0usize; k];
        'choices: loop {
            let seq: Vec<(bool, Option<PartialDate>)> = (0..k)
                .map(|i| deals[(j + i) % k][choice[(j + i) % k]])
                .collect();
            let start_ok = !financing_loop || seq[0].0;
            let dates_ok = seq.iter().all(|d| d.1.is_some() || undated == Undated::Ok);
            let dated: Vec<PartialDate> = seq.iter().filter_map(|d| d.1).collect();
            if start_ok && dates_ok && dated.windows(2).all(|w| w[0] <= w[1]) {
                return true;
            }
            for i in 0..k {
                choice[i] += 1;
                if choice[i] < deals[i].len() {
                    continue 'choices;
                }
                choice[i] = 0;
            }
            break;
        }
    }
    false
}

/// Runs the search and checks the shape of every loop it reports.
pub(super) fn search(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
) -> Vec<Vec<EntityId>> {
    let data = graph.dataset();
    let mut found = Vec::new();
    let end = cycles(graph, hops, opts, |entities, loop_hops| {
        assert_eq!(entities.len(), loop_hops.len());
        for (i, &h) in loop_hops.iter().enumerate() {
            let hop = hops.hop(h);
            assert_eq!(hop.from, entities[i]);
            assert_eq!(hop.to, entities[(i + 1) % entities.len()]);
        }
        let first = &data.entity(entities[0]).id;
        assert!(entities[1..].iter().all(|&e| &data.entity(e).id > first));
        found.push(entities.to_vec());
        ControlFlow::Continue(())
    });
    assert_eq!(end, SearchEnd::Complete);
    found
}

pub(super) fn gen_deal(n: usize) -> impl Strategy<Value = GenDeal> {
    (
        0..n,
        1..n,
        0..KINDS.len(),
        prop::option::weighted(0.8, 1u32..=4),
        prop::option::weighted(0.8, (1u32..=6, 0..QUALIFIERS.len())),
    )
        .prop_map(move |(from, offset, kind, month, amount)| {
            (from, (from + offset) % n, kind, month, amount)
        })
}

pub(super) fn gen_graph() -> impl Strategy<Value = (Vec<GenDeal>, Vec<usize>)> {
    (2usize..=8).prop_flat_map(|n| {
        (
            prop::collection::vec(gen_deal(n), 1..=3 * n),
            prop::collection::vec(0..n, 2),
        )
    })
}

pub(super) fn graph_of(csv: &str) -> Dataset {
    load(csv)
}

/// The complete digraph on `n` entities `n00`, `n01`, …: a deal from every entity to every
/// other, of the kind `kind(from, to)` gives.
pub(super) fn complete_digraph(n: usize, kind: impl Fn(usize, usize) -> &'static str) -> Dataset {
    let mut csv = String::from("from,to,kind,source\n");
    for a in 0..n {
        for b in (0..n).filter(|&b| b != a) {
            writeln!(csv, "n{a:02},n{b:02},{},s", kind(a, b)).unwrap();
        }
    }
    load(&csv)
}

pub(super) fn names(graph: &MoneyGraph<'_>, hops: &HopGraph, opts: &CycleOptions) -> Vec<String> {
    search(graph, hops, opts)
        .into_iter()
        .map(|c| {
            c.iter()
                .map(|&e| graph.entity(e).id.as_str())
                .collect::<Vec<_>>()
                .join(">")
        })
        .collect()
}
