//! Columnar edges for engines past one machine (DuckDB, Spark, Polars): a nodes table and an
//! edges table (`src`, `dst`, then every deal column) as CSV with a header, written by the
//! csv crate (its quoting is the one escape). docs/scale-out.md has the queries.

use crate::graph::MoneyGraph;

use super::{Cell, EDGE_COLUMNS, ExportFile, NODE_COLUMNS, edge_cells, ends, node_cells, nodes};

/// `nodes.csv` and `edges.csv` of `graph`.
pub fn to_columnar(graph: &MoneyGraph<'_>) -> Vec<ExportFile> {
    let data = graph.dataset();
    let mut node_rows = table(NODE_COLUMNS.iter().map(|c| c.name));
    for (_, entity) in nodes(graph) {
        row(&mut node_rows, &[], &node_cells(entity), &[]);
    }
    let mut edge_rows = table(
        ["src", "dst"]
            .into_iter()
            .chain(EDGE_COLUMNS.iter().map(|c| c.name)),
    );
    for view in graph.deals() {
        let (from, to) = ends(data, &view);
        row(&mut edge_rows, &[from, to], &edge_cells(&view), &[]);
    }
    vec![
        ExportFile::new("nodes.csv", finish(node_rows)),
        ExportFile::new("edges.csv", finish(edge_rows)),
    ]
}

/// A CSV table in memory with its header written.
pub(super) fn table<'h>(header: impl IntoIterator<Item = &'h str>) -> csv::Writer<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing into a `Vec` cannot fail.
    let _ = writer.write_record(header);
    writer
}

/// One row: the `lead` fields, the cells (a missing value is an empty field), the `trail`.
pub(super) fn row(
    writer: &mut csv::Writer<Vec<u8>>,
    lead: &[&str],
    cells: &[Cell<'_>],
    trail: &[&str],
) {
    let cells: Vec<_> = cells.iter().map(|c| c.text().unwrap_or_default()).collect();
    let fields = lead
        .iter()
        .copied()
        .chain(cells.iter().map(|c| c.as_ref()))
        .chain(trail.iter().copied());
    let _ = writer.write_record(fields);
}

pub(super) fn finish(writer: csv::Writer<Vec<u8>>) -> Vec<u8> {
    writer.into_inner().unwrap_or_default()
}
