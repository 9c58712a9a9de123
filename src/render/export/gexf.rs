//! GEXF 1.3 for Gephi, dynamic: each deal's edge starts at its first report's date and, when
//! it was cancelled, ends at the cancelling report's, so Gephi's timeline replays the graph.
//! Attributes as in GraphML; colours and widths from the maps' style table.

use crate::graph::MoneyGraph;
use crate::model::PartialDate;
use crate::render::style;

use super::xml::Doc;
use super::{
    Column, EDGE_COLUMNS, NODE_COLUMNS, edge_cells, end_date, ends, first_date, node_cells, nodes,
};

/// The GEXF 1.3 document of `graph` (valid against the GEXF 1.3 XSD; the visual elements
/// `color` and `thickness` are in the GEXF namespace, as that schema declares them).
pub fn to_gexf(graph: &MoneyGraph<'_>) -> Vec<u8> {
    let data = graph.dataset();
    let mut doc = Doc::new();
    doc.open(
        "gexf",
        &[
            ("xmlns", "http://gexf.net/1.3"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            ),
            ("version", "1.3"),
        ],
    );
    doc.open("meta", &[]);
    doc.text(
        "creator",
        &[],
        concat!("dealgraph ", env!("CARGO_PKG_VERSION")),
    );
    doc.text(
        "description",
        &[],
        "Who pays whom in AI deals: one edge per deal, from payer to payee",
    );
    doc.close("meta");
    doc.open(
        "graph",
        &[
            ("mode", "dynamic"),
            ("defaultedgetype", "directed"),
            ("timeformat", "date"),
        ],
    );
    let node_columns = &NODE_COLUMNS[1..];
    for (class, columns) in [("node", node_columns), ("edge", &EDGE_COLUMNS[..])] {
        doc.open("attributes", &[("class", class), ("mode", "static")]);
        for col in columns {
            doc.empty(
                "attribute",
                &[
                    ("id", col.name),
                    ("title", col.name),
                    ("type", col.ty.name()),
                ],
            );
        }
        doc.close("attributes");
    }
    doc.open("nodes", &[]);
    for (_, entity) in nodes(graph) {
        doc.open("node", &[("id", &entity.id), ("label", &entity.name)]);
        attvalues(&mut doc, node_columns, &node_cells(entity)[1..]);
        colour(&mut doc, style::entity_style(entity.kind).fill);
        doc.close("node");
    }
    doc.close("nodes");
    doc.open("edges", &[]);
    for view in graph.deals() {
        let (from, to) = ends(data, &view);
        let cells = edge_cells(&view);
        let id = cells[0].text().unwrap_or_default().into_owned();
        let day = |d: PartialDate| d.first_day().to_string();
        let (start, end) = (first_date(&view).map(day), end_date(&view).map(day));
        let mut attrs = vec![("id", id.as_str()), ("source", from), ("target", to)];
        attrs.extend(start.as_deref().map(|s| ("start", s)));
        attrs.extend(end.as_deref().map(|e| ("end", e)));
        doc.open("edge", &attrs);
        attvalues(&mut doc, &EDGE_COLUMNS, &cells);
        let look = style::edge_look(view.deal, &view.report(), false);
        colour(&mut doc, look.colour);
        doc.empty("thickness", &[("value", &look.width.to_string())]);
        doc.close("edge");
    }
    doc.close("edges");
    doc.close("graph");
    doc.close("gexf");
    doc.finish()
}

fn attvalues(doc: &mut Doc, columns: &[Column], cells: &[super::Cell<'_>]) {
    doc.open("attvalues", &[]);
    for (col, cell) in columns.iter().zip(cells) {
        if let Some(text) = cell.text() {
            doc.empty("attvalue", &[("for", col.name), ("value", &text)]);
        }
    }
    doc.close("attvalues");
}

/// `<color r g b/>` of a `#rrggbb` colour.
fn colour(doc: &mut Doc, hex: &str) {
    let channel = |i: usize| {
        u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16)
            .unwrap_or(0)
            .to_string()
    };
    let (r, g, b) = (channel(1), channel(3), channel(5));
    doc.empty("color", &[("r", &r), ("g", &g), ("b", &b)]);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{HOSTILE, hostile_graph};
    use super::*;

    #[test]
    fn attributes_keep_hostile_text_and_edges_carry_their_interval() {
        let (data, filter) = hostile_graph();
        let bytes = to_gexf(&MoneyGraph::build(&data, filter));
        let text = String::from_utf8(bytes).expect("UTF-8");
        let doc = roxmltree::Document::parse(&text).expect("well-formed GEXF");
        let node = doc
            .descendants()
            .find(|n| n.has_tag_name("node"))
            .expect("a node");
        // Attribute values survive attribute-value normalisation (tabs, line ends).
        let name = node
            .descendants()
            .find(|n| n.attribute("for") == Some("name"))
            .and_then(|n| n.attribute("value"));
        assert_eq!(name, Some(HOSTILE));
        let edges: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("edge"))
            .collect();
        let intervals: Vec<_> = edges
            .iter()
            .map(|e| (e.attribute("start"), e.attribute("end")))
            .collect();
        assert_eq!(
            intervals,
            [
                (Some("2025-03-01"), None),
                (Some("2025-04-02"), Some("2025-09-01"))
            ]
        );
        let colour = node
            .children()
            .find(|n| n.has_tag_name("color"))
            .expect("colour");
        let fill = style::entity_style(crate::model::EntityKind::Company).fill;
        assert_eq!(
            format!(
                "#{:02x}{:02x}{:02x}",
                colour
                    .attribute("r")
                    .and_then(|v| v.parse::<u8>().ok())
                    .unwrap_or(0),
                colour
                    .attribute("g")
                    .and_then(|v| v.parse::<u8>().ok())
                    .unwrap_or(0),
                colour
                    .attribute("b")
                    .and_then(|v| v.parse::<u8>().ok())
                    .unwrap_or(0),
            ),
            fill
        );
    }
}
