//! GraphML for Gephi, yEd, networkx and igraph: typed `<key>`s declared before the graph, the
//! entity ids as node ids, one directed edge per deal (its id as the edge id).

use crate::graph::MoneyGraph;

use super::xml::Doc;
use super::{Column, EDGE_COLUMNS, NODE_COLUMNS, edge_cells, ends, node_cells, nodes};

/// The GraphML document of `graph`. Node attributes are [`NODE_COLUMNS`] (the id is the node
/// id), edge attributes [`EDGE_COLUMNS`]; missing values are left out.
pub fn to_graphml(graph: &MoneyGraph<'_>) -> Vec<u8> {
    let data = graph.dataset();
    let mut doc = Doc::new();
    doc.open(
        "graphml",
        &[
            ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://graphml.graphdrawing.org/xmlns \
                 http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
            ),
        ],
    );
    let node_columns = &NODE_COLUMNS[1..];
    for (prefix, target, columns) in [
        ("n_", "node", node_columns),
        ("e_", "edge", &EDGE_COLUMNS[..]),
    ] {
        for col in columns {
            let id = format!("{prefix}{}", col.name);
            doc.empty(
                "key",
                &[
                    ("id", &id),
                    ("for", target),
                    ("attr.name", col.name),
                    ("attr.type", col.ty.name()),
                ],
            );
        }
    }
    doc.open("graph", &[("id", "dealgraph"), ("edgedefault", "directed")]);
    for (_, entity) in nodes(graph) {
        doc.open("node", &[("id", &entity.id)]);
        data_elements(&mut doc, "n_", node_columns, &node_cells(entity)[1..]);
        doc.close("node");
    }
    for view in graph.deals() {
        let (from, to) = ends(data, &view);
        let cells = edge_cells(&view);
        let id = cells[0].text().unwrap_or_default().into_owned();
        doc.open("edge", &[("id", &id), ("source", from), ("target", to)]);
        data_elements(&mut doc, "e_", &EDGE_COLUMNS, &cells);
        doc.close("edge");
    }
    doc.close("graph");
    doc.close("graphml");
    doc.finish()
}

fn data_elements(doc: &mut Doc, prefix: &str, columns: &[Column], cells: &[super::Cell<'_>]) {
    for (col, cell) in columns.iter().zip(cells) {
        if let Some(text) = cell.text() {
            doc.text("data", &[("key", &format!("{prefix}{}", col.name))], &text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{HOSTILE, hostile_graph};
    use super::*;

    #[test]
    fn an_xml_parser_reads_back_every_name_and_note_exactly() {
        let (data, filter) = hostile_graph();
        let bytes = to_graphml(&MoneyGraph::build(&data, filter));
        let text = String::from_utf8(bytes).expect("UTF-8");
        let doc = roxmltree::Document::parse(&text).expect("well-formed GraphML");
        let data_of = |key: &str| -> Vec<String> {
            doc.descendants()
                .filter(|n| n.has_tag_name("data") && n.attribute("key") == Some(key))
                .map(|n| n.text().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(data_of("n_name")[0], HOSTILE);
        assert_eq!(data_of("e_notes")[0], HOSTILE);
        assert_eq!(data_of("e_publisher"), [HOSTILE, HOSTILE]);
        // Every key is declared before the graph, typed.
        let names: Vec<_> = doc
            .root_element()
            .children()
            .filter(|n| n.is_element())
            .collect();
        assert!(names.last().is_some_and(|n| n.has_tag_name("graph")));
        let amount = doc
            .descendants()
            .find(|n| n.attribute("id") == Some("e_amount_usd"))
            .expect("amount key");
        assert_eq!(amount.attribute("attr.type"), Some("double"));
        let edges: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("edge"))
            .collect();
        assert_eq!(edges.len(), 2);
        assert_eq!(edges[0].attribute("source"), Some("a"));
    }
}
