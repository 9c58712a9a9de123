//! Graphviz DOT for a [`MapSpec`], built as a graphviz-rust AST (never by pasting strings):
//! nodes keyed by entity id, one edge per deal, styles from [`style`], a
//! legend (ranked last, so it stands at the right) and a title. The same spec gives byte-identical text.
//!
//! graphviz-rust prints ids exactly as given, so every id and label passes through
//! [`escape`] first; a name can never end a string, open an attribute or add a node.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::map::MapSpec;
use super::style::{self, DEAL_STYLES, ENTITY_STYLES, STATUS_STYLES};
use crate::model::{Dataset, DealKind, EntityKind, Status};
use crate::render::text;

/// How [`escape`] writes text: inside a double-quoted DOT string, or as the text of an
/// HTML-like label (`<...>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    Quoted,
    Html,
}

/// The one escaping function for DOT. `text` is first [`style::clean`]ed (control
/// characters shown escaped). Then, for [`Escape::Quoted`]: `\` → `\\` (so `\N`, `\l` and
/// friends stay literal), `"` → `\"`, line break → `\n`, and `&` → `&amp;` (Graphviz
/// decodes HTML entities in labels); wrap the result in quotes with [`quoted`]. For
/// [`Escape::Html`]: `&`, `<`, `>`, `"`, `'` become entities and a line break `<br/>`.
///
/// ```
/// use dealgraph::render::dot::{escape, Escape};
/// assert_eq!(escape("say \"hi\"\\n & go\nnow", Escape::Quoted), r#"say \"hi\"\\n &amp; go\nnow"#);
/// assert_eq!(escape("<script>&", Escape::Html), "&lt;script&gt;&amp;");
/// ```
pub fn escape(text: &str, mode: Escape) -> String {
    let text = style::clean(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match (mode, c) {
            (Escape::Quoted, '\\') => out.push_str("\\\\"),
            (Escape::Quoted, '"') => out.push_str("\\\""),
            (Escape::Quoted, '\n') => out.push_str("\\n"),
            (_, '&') => out.push_str("&amp;"),
            (Escape::Html, '<') => out.push_str("&lt;"),
            (Escape::Html, '>') => out.push_str("&gt;"),
            (Escape::Html, '"') => out.push_str("&quot;"),
            (Escape::Html, '\'') => out.push_str("&#39;"),
            (Escape::Html, '\n') => out.push_str("<br/>"),
            (_, c) => out.push(c),
        }
    }
    out
}

/// `text`, escaped, as a quoted DOT id.
pub fn quoted(text: &str) -> Id {
    Id::Escaped(format!("\"{}\"", escape(text, Escape::Quoted)))
}

/// Label lines joined by line breaks, as a quoted DOT id.
fn lines(lines: &[String]) -> Id {
    quoted(&lines.join("\n"))
}

fn attr(key: &str, value: Id) -> Attribute {
    Attribute(Id::Plain(key.to_string()), value)
}

fn plain(value: impl ToString) -> Id {
    Id::Plain(value.to_string())
}

/// A number for an attribute, with one decimal.
fn num(value: f64) -> Id {
    Id::Plain(format!("{value:.1}"))
}

/// The DOT text of `spec`.
///
/// Arguments: the spec and the dataset its ids point into. Returns the text with a trailing
/// newline. Complexity: linear in entities + deals.
///
/// ```
/// use dealgraph::graph::{Filter, MoneyGraph};
/// use dealgraph::load::{load_bundled, LoadOptions};
/// use dealgraph::render::{dot, map::MapSpec};
///
/// let loaded = load_bundled(LoadOptions::default()).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let spec = MapSpec::whole(&graph, "bundled seeds");
/// let text = dot::to_dot(&spec, &loaded.dataset);
/// assert!(text.starts_with("digraph \"dealgraph\" {"));
/// assert_eq!(text, dot::to_dot(&spec, &loaded.dataset));
/// ```
pub fn to_dot(spec: &MapSpec, data: &Dataset) -> String {
    let mut ctx = PrinterContext::default();
    let mut text = to_graph(spec, data, None).print(&mut ctx);
    text.push('\n');
    text
}

/// Like [`to_dot`], with a Graphviz `layout` attribute (`neato`, `sfdp`, ...) so that
/// `dot -Tsvg` lays the file out with that engine.
pub fn to_dot_with_layout(spec: &MapSpec, data: &Dataset, layout: &str) -> String {
    let mut ctx = PrinterContext::default();
    let mut text = to_graph(spec, data, Some(layout)).print(&mut ctx);
    text.push('\n');
    text
}

/// The graphviz-rust AST of `spec` (what [`to_dot`] prints).
pub fn to_graph(spec: &MapSpec, data: &Dataset, layout: Option<&str>) -> Graph {
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut graph_attrs = vec![
        attr("label", Id::Html(title_html(spec))),
        attr("labelloc", plain("t")),
        attr("labeljust", plain("l")),
        attr("fontname", quoted(style::FONT)),
        attr("fontcolor", quoted(style::INK)),
        attr("rankdir", plain("LR")),
        attr("nodesep", num(0.3)),
        attr("ranksep", num(0.6)),
        attr("pad", num(0.3)),
        attr("bgcolor", quoted("white")),
        // For neato, sfdp and circo only (dot ignores them): room for labels.
        attr("overlap", plain("false")),
        attr("sep", quoted("+16")),
        attr("K", num(1.6)),
        attr("mindist", num(1.6)),
        attr("splines", plain("true")),
        attr("outputorder", plain("edgesfirst")),
    ];
    if let Some(layout) = layout {
        graph_attrs.push(attr("layout", quoted(layout)));
    }
    stmts.push(Stmt::GAttribute(GraphAttributes::Graph(graph_attrs)));
    stmts.push(Stmt::GAttribute(GraphAttributes::Node(vec![
        attr("fontname", quoted(style::FONT)),
        attr("fontsize", num(style::NODE_SIZE)),
        attr("fontcolor", quoted(style::INK)),
        attr("color", quoted(style::INK)),
        attr("penwidth", num(1.0)),
        attr("margin", quoted("0.12,0.06")),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Edge(vec![
        attr("fontname", quoted(style::FONT)),
        attr("fontsize", num(style::EDGE_SIZE)),
        attr("fontcolor", quoted(style::INK)),
        attr("arrowsize", num(0.7)),
        attr("len", num(3.5)),
    ])));

    for &e in &spec.entities {
        let entity = data.entity(e);
        let s = style::entity_style(entity.kind);
        let (shape, shape_style) = s.shape.graphviz();
        let mut attrs = vec![
            attr("id", quoted(&format!("entity-{}", entity.id))),
            attr("label", lines(&style::wrap(&entity.name, style::NODE_WRAP))),
            attr("shape", plain(shape)),
            attr("style", quoted(shape_style)),
            attr("fillcolor", quoted(s.fill)),
            attr(
                "tooltip",
                quoted(&format!("{} ({})", entity.name, s.legend)),
            ),
        ];
        if spec.focus == Some(e) {
            attrs.push(attr("penwidth", num(2.5)));
            attrs.push(attr("fontname", quoted(&format!("{}-Bold", style::FONT))));
        }
        stmts.push(Stmt::Node(Node::new(
            NodeId(quoted(&entity.id), None),
            attrs,
        )));
    }

    let highlighting = !spec.loops.is_empty();
    for d in &spec.deals {
        let view = d.view(data);
        let deal = view.deal;
        let look = style::edge_look(deal, &view.report(), highlighting && !d.on_loop);
        let colour = if look.opacity < 1.0 {
            format!(
                "{}{:02x}",
                look.colour,
                (look.opacity * 255.0).round() as u8
            )
        } else {
            look.colour.to_string()
        };
        let label = style::wrap(&style::deal_label(deal, &view.report()), style::EDGE_WRAP);
        let label = if d.loop_numbers.is_empty() {
            lines(&label)
        } else {
            Id::Html(format!(
                "<<table border=\"0\" cellborder=\"0\" cellspacing=\"1\" cellpadding=\"1\"><tr>{}<td>{}</td></tr></table>>",
                d.loop_numbers
                    .iter()
                    .map(|&k| badge_cell(k))
                    .collect::<String>(),
                escape(&label.join("\n"), Escape::Html)
            ))
        };
        let mut attrs = vec![
            attr("id", quoted(&format!("deal-{}", deal.id()))),
            attr("label", label),
            attr("color", quoted(&colour)),
            attr("penwidth", num(look.width)),
            attr("style", plain(look.dash.graphviz())),
            attr("tooltip", quoted(&text::deal_sentence(data, &view))),
        ];
        if look.hollow {
            attrs.push(attr("arrowhead", plain("empty")));
        }
        if look.opacity < 1.0 {
            attrs.push(attr("fontcolor", quoted(style::MUTED)));
        }
        stmts.push(Stmt::Edge(Edge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(quoted(&data.entity(deal.from()).id), None)),
                Vertex::N(NodeId(quoted(&data.entity(deal.to()).id), None)),
            ),
            attributes: attrs,
        }));
    }

    if !spec.entities.is_empty() {
        stmts.push(Stmt::Subgraph(legend(spec, data)));
    }
    Graph::DiGraph {
        id: quoted("dealgraph"),
        strict: false,
        stmts,
    }
}

/// A loop number as an HTML-like table cell: white on a dark rounded box.
fn badge_cell(number: usize) -> String {
    format!(
        "<td bgcolor=\"{}\" style=\"rounded\" fixedsize=\"true\" width=\"{}\" height=\"14\" align=\"center\" valign=\"middle\"><font color=\"white\" point-size=\"9\"><b>{number}</b></font></td>",
        style::INK,
        if number >= 10 { 20 } else { 14 }
    )
}

/// Title, subtitle and notes as an HTML-like label.
fn title_html(spec: &MapSpec) -> String {
    let mut html = format!(
        "<<font point-size=\"{:.1}\"><b>{}</b></font><br align=\"left\"/><font point-size=\"{:.1}\" color=\"{}\">{}",
        style::TITLE_SIZE,
        escape(&spec.title, Escape::Html),
        style::SUBTITLE_SIZE,
        style::MUTED,
        escape(&spec.subtitle, Escape::Html),
    );
    for note in &spec.notes {
        html.push_str("<br align=\"left\"/>");
        html.push_str(&escape(note, Escape::Html));
    }
    if !spec.credit.is_empty() {
        html.push_str("<br align=\"left\"/>");
        html.push_str(&escape(&spec.credit, Escape::Html));
    }
    // A blank line between the caption and the map.
    html.push_str("<br align=\"left\"/> <br align=\"left\"/></font>>");
    html
}

/// What the map shows, for the legend: kinds and statuses present, in legend order.
pub(crate) struct Present {
    pub entity_kinds: Vec<EntityKind>,
    pub deal_kinds: Vec<DealKind>,
    pub statuses: Vec<Status>,
    pub inferred: bool,
    pub faded: bool,
}

pub(crate) fn present(spec: &MapSpec, data: &Dataset) -> Present {
    let kinds: Vec<EntityKind> = spec.entities.iter().map(|&e| data.entity(e).kind).collect();
    let views: Vec<_> = spec.deals.iter().map(|d| d.view(data)).collect();
    let mut statuses: Vec<Status> = Vec::new();
    for s in &STATUS_STYLES {
        if views.iter().any(|v| v.report().status == s.status) {
            // Completed and announced share a legend line.
            let merged = statuses
                .iter()
                .any(|&t| style::status_style(t).legend == s.legend);
            if !merged {
                statuses.push(s.status);
            }
        }
    }
    Present {
        entity_kinds: ENTITY_STYLES
            .iter()
            .map(|s| s.kind)
            .filter(|k| kinds.contains(k))
            .collect(),
        deal_kinds: DEAL_STYLES
            .iter()
            .map(|s| s.kind)
            .filter(|k| views.iter().any(|v| v.deal.kind() == *k))
            .collect(),
        statuses,
        inferred: views.iter().any(|v| v.deal.inferred()),
        faded: !spec.loops.is_empty() && spec.deals.iter().any(|d| !d.on_loop),
    }
}

/// The legend: one HTML-like table listing the entity kinds (their fill and shape),
/// deal kinds (their colour) and statuses (their line) the map shows.
fn legend(spec: &MapSpec, data: &Dataset) -> Subgraph {
    let present = present(spec, data);
    let mut rows = String::new();
    for (i, key) in spec.loop_keys.iter().enumerate() {
        let cell = badge_cell(spec.first_loop + i);
        let inner = cell.trim_start_matches("<td").trim_end_matches("</td>");
        rows.push_str(&format!(
            "<tr><td align=\"center\"><table border=\"0\" cellborder=\"0\"><tr><td{inner}</td></tr></table></td><td align=\"left\">{}</td></tr>",
            escape(&style::wrap(key, 46).join("\n"), Escape::Html).replace("<br/>", "<br align=\"left\"/>")
        ));
    }
    let mut row = |sample: String, text: &str| {
        rows.push_str(&format!(
            "<tr><td align=\"center\">{sample}</td><td align=\"left\">{}</td></tr>",
            escape(text, Escape::Html)
        ));
    };
    for kind in &present.entity_kinds {
        let s = style::entity_style(*kind);
        row(
            format!(
                "<table border=\"1\" cellborder=\"0\" cellpadding=\"1\" color=\"{}\" bgcolor=\"{}\"><tr><td> </td></tr></table>",
                style::INK,
                s.fill
            ),
            &format!("{} ({})", s.legend, s.shape.name()),
        );
    }
    for kind in &present.deal_kinds {
        let s = style::deal_style(*kind);
        row(
            format!("<font color=\"{}\"><b>━━━━</b></font>", s.colour),
            s.legend,
        );
    }
    for status in &present.statuses {
        let s = style::status_style(*status);
        let sample = match s.dash {
            style::Dash::Solid => "━━━━",
            style::Dash::Dashed => "– – – –",
            style::Dash::Dotted => "· · · · · ·",
        };
        let colour = s.colour.unwrap_or(style::INK);
        row(
            format!("<font color=\"{colour}\"><b>{sample}</b></font>"),
            s.legend,
        );
    }
    if present.inferred {
        row("──▷".to_string(), "inferred (implied by other figures)");
    }
    row("─▶ <b>━▶</b>".to_string(), "thicker: larger amount");
    if present.faded {
        row(
            "<font color=\"#bbbbbb\"><b>━━━━</b></font>".to_string(),
            style::FADED_LEGEND,
        );
    }
    let table = format!(
        "<<table border=\"1\" style=\"rounded\" color=\"#cccccc\" cellborder=\"0\" cellspacing=\"2\" cellpadding=\"2\"><tr><td align=\"left\" colspan=\"2\"><font color=\"{}\"><b>Legend</b></font></td></tr>{rows}</table>>",
        style::MUTED
    );
    // A subgraph ranked last puts the legend at the right; Graphviz ignores `rank` inside
    // clusters, so the frame is the table's own border.
    let stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![attr("rank", plain("sink"))])),
        Stmt::Node(Node::new(
            NodeId(quoted("dealgraph:legend"), None),
            vec![
                attr("id", quoted("legend")),
                attr("label", Id::Html(table)),
                attr("shape", plain("plaintext")),
                attr("fontsize", num(style::LEGEND_SIZE)),
                attr("margin", num(0.0)),
            ],
        )),
    ];
    Subgraph {
        id: quoted("legend"),
        stmts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_cannot_end_the_string() {
        let id = quoted("a\"] evil [label=\"x\\");
        let Id::Escaped(text) = id else { panic!() };
        assert_eq!(text, r#""a\"] evil [label=\"x\\""#);
    }

    #[test]
    fn html_text_cannot_open_a_tag() {
        assert_eq!(
            escape("</b><img src=x>\n", Escape::Html),
            "&lt;/b&gt;&lt;img src=x&gt;<br/>"
        );
    }
}
