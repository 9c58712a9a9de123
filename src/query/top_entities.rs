//! The largest entities by money flow: what `map --top N` keeps when a whole map would be too
//! big to read.

use crate::graph::MoneyGraph;
use crate::model::EntityId;

/// The `n` entities with the largest total flow (in + out, each admitted deal's standing
/// amount at face value; undisclosed amounts count nothing), in entity order. Ties go to the
/// smaller id.
///
/// Complexity: `O(E + V log V)`.
///
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::top_entities::top_entities;
/// //  a ──$5B──▶ b ──$1B──▶ c        flows: a 5, b 6, c 1
/// let csv = "from,to,kind,amount_usd,source\na,b,investment,5e9,s\nb,c,cloud,1e9,s\n";
/// let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let top: Vec<&str> = top_entities(&graph, 2).iter().map(|&e| graph.entity(e).id.as_str()).collect();
/// assert_eq!(top, ["a", "b"]);
/// ```
pub fn top_entities(graph: &MoneyGraph<'_>, n: usize) -> Vec<EntityId> {
    let data = graph.dataset();
    let mut flow = vec![0i128; data.entities().len()];
    for v in graph.deals() {
        let cents = v.report().amount.value.map_or(0, |m| i128::from(m.cents()));
        flow[v.deal.from().index()] += cents;
        flow[v.deal.to().index()] += cents;
    }
    let mut active = graph.active_entities();
    active.sort_by(|&a, &b| {
        flow[b.index()]
            .cmp(&flow[a.index()])
            .then_with(|| data.entity(a).id.cmp(&data.entity(b).id))
    });
    active.truncate(n);
    active.sort_unstable();
    active
}
