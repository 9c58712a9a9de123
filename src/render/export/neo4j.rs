//! Neo4j: the CSVs `neo4j-admin database import full` reads (typed headers, entity ids as
//! `:ID`, one relationship per deal typed by its kind) and, for small data, a Cypher script
//! of `MERGE`/`CREATE` statements. Strings in Cypher are written as JSON string literals
//! (serde_json), whose escapes Cypher reads the same way.

use crate::graph::MoneyGraph;

use super::columnar::{finish, row, table};
use super::{
    Cell, Column, ColumnType, EDGE_COLUMNS, ExportFile, NODE_COLUMNS, edge_cells, ends, node_cells,
    nodes,
};

/// `nodes.csv`, `relationships.csv` (for `neo4j-admin database import full`) and
/// `import.cypher` (the same graph as Cypher statements) of `graph`.
pub fn to_neo4j(graph: &MoneyGraph<'_>) -> Vec<ExportFile> {
    let data = graph.dataset();
    let typed = |c: &Column| format!("{}:{}", c.name, c.ty.name());
    let node_header: Vec<String> = std::iter::once("id:ID(Entity)".to_owned())
        .chain(NODE_COLUMNS[1..].iter().map(typed))
        .chain(std::iter::once(":LABEL".to_owned()))
        .collect();
    let mut node_rows = table(node_header.iter().map(String::as_str));
    let mut cypher = String::from(
        "// dealgraph export: run in cypher-shell or Neo4j Browser (small data; for large\n\
         // data use the CSVs with neo4j-admin database import full)\n\
         CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;\n",
    );
    for (_, entity) in nodes(graph) {
        let cells = node_cells(entity);
        let label = format!("Entity;{}", node_label(entity.kind.as_str()));
        row(&mut node_rows, &[], &cells, &[&label]);
        cypher.push_str(&format!(
            "MERGE (e:Entity {{id: {}}}) SET e:{}{};\n",
            literal(&entity.id),
            node_label(entity.kind.as_str()),
            properties(&NODE_COLUMNS[1..], &cells[1..], "e"),
        ));
    }
    let rel_header: Vec<String> = [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"]
        .into_iter()
        .map(str::to_owned)
        .chain(EDGE_COLUMNS.iter().map(typed))
        .collect();
    let mut rel_rows = table(rel_header.iter().map(String::as_str));
    for view in graph.deals() {
        let (from, to) = ends(data, &view);
        let cells = edge_cells(&view);
        let kind = relationship_type(view.deal.kind().as_str());
        row(&mut rel_rows, &[from, to, &kind], &cells, &[]);
        cypher.push_str(&format!(
            "MATCH (a:Entity {{id: {}}}), (b:Entity {{id: {}}}) CREATE (a)-[d:{kind}]->(b){};\n",
            literal(from),
            literal(to),
            properties(&EDGE_COLUMNS, &cells, "d"),
        ));
    }
    vec![
        ExportFile::new("nodes.csv", finish(node_rows)),
        ExportFile::new("relationships.csv", finish(rel_rows)),
        ExportFile::new("import.cypher", cypher),
    ]
}

/// The node label of an entity kind: `sovereign-fund` → `SovereignFund`.
fn node_label(kind: &str) -> String {
    kind.split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The relationship type of a deal kind: `cloud` → `CLOUD`.
fn relationship_type(kind: &str) -> String {
    kind.to_ascii_uppercase()
}

/// ` SET var.name = value, …` for the cells that have a value (empty when none do).
fn properties(columns: &[Column], cells: &[Cell<'_>], var: &str) -> String {
    let set: Vec<String> = columns
        .iter()
        .zip(cells)
        .filter_map(|(col, cell)| {
            let text = cell.text()?;
            let value = match col.ty {
                ColumnType::Text => literal(&text),
                ColumnType::Double | ColumnType::Int => text.into_owned(),
            };
            Some(format!("{var}.{} = {value}", col.name))
        })
        .collect();
    if set.is_empty() {
        String::new()
    } else {
        format!(" SET {}", set.join(", "))
    }
}

/// A Cypher string literal: the one escape of the Cypher script.
fn literal(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}
