//! Fuzzes the DOT writer with arbitrary entity names, notes, labels, sources and data labels:
//! the text must parse with graphviz-rust's parser back to exactly the AST it was printed
//! from (so a name cannot add a node, an edge or an attribute), with one node per entity and
//! one edge per deal.
#![no_main]

use dealgraph::render::dot;
use graphviz_rust::dot_structures::{Graph, Id, NodeId, Stmt};
use libfuzzer_sys::fuzz_target;

#[path = "map_input.rs"]
mod map_input;

fuzz_target!(|input: map_input::MapInput| {
    let Some(data) = map_input::dataset(&input) else {
        return;
    };
    let spec = map_input::spec(&input, &data);
    let text = dot::to_dot(&spec, &data);
    let parsed = match graphviz_rust::parse(&text) {
        Ok(g) => g,
        Err(e) => panic!("the DOT does not parse: {e}\n{text}"),
    };
    let Graph::DiGraph { stmts, .. } = &parsed else {
        panic!("not a digraph:\n{text}");
    };
    let nodes: Vec<&NodeId> = stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Node(n) => Some(&n.id),
            _ => None,
        })
        .collect();
    let edges = stmts.iter().filter(|s| matches!(s, Stmt::Edge(_))).count();
    let subgraphs = stmts
        .iter()
        .filter(|s| matches!(s, Stmt::Subgraph(_)))
        .count();
    assert_eq!(
        nodes.len(),
        spec.entities.len(),
        "one node per entity:\n{text}"
    );
    for (node, &e) in nodes.iter().zip(&spec.entities) {
        let want = Id::Escaped(format!("\"{}\"", data.entity(e).id));
        assert_eq!(
            node.0, want,
            "node ids are the entity ids, in order:\n{text}"
        );
    }
    assert_eq!(edges, spec.deals.len(), "one edge per deal:\n{text}");
    assert_eq!(
        subgraphs,
        usize::from(!spec.entities.is_empty()),
        "only the legend is a subgraph:\n{text}"
    );
    // The strongest check: what the parser reads is what was printed, attribute for attribute.
    let printed = dot::to_graph(&spec, &data, None);
    assert_eq!(parsed, printed, "the DOT reads back differently:\n{text}");
});
