"""Neo4j import CSVs loaded into Kuzu, an embedded Cypher database: the tables are declared
from the CSVs' typed headers, then a Cypher path query finds every loop of up to BOUND hops,
which must be dealgraph's loops. Kuzu returns each loop once per starting entity and once per
choice of parallel deals: loops are normalised (rotated to their smallest id) into a set."""

import csv
import os
import tempfile

from common import Checks, args, canonical, need

kuzu = need("kuzu")

folder, reference, dealgraph_loops, bound = args()
checks = Checks("neo4j/kuzu")
KUZU_TYPE = {"string": "STRING", "double": "DOUBLE", "long": "INT64"}


def header(name):
    with open(os.path.join(folder, name), encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def columns(fields):
    """Kuzu column declarations for neo4j-admin header fields (`name:type`, `:LABEL`...)."""
    out = []
    for field in fields:
        name, _, kind = field.partition(":")
        if field.startswith(("id:ID", ":START_ID", ":END_ID")):
            continue
        if not name:  # :LABEL, :TYPE
            name, kind = kind.lower(), "string"
        out.append(f"{name} {KUZU_TYPE[kind]}")
    return out


nodes_header = header("nodes.csv")
rels_header = header("relationships.csv")
checks.equal("node id column", nodes_header[0], "id:ID(Entity)")
checks.equal("relationship ends", rels_header[:3], [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"])

with tempfile.TemporaryDirectory() as tmp:
    db = kuzu.Database(os.path.join(tmp, "db"))
    conn = kuzu.Connection(db)
    node_cols = ", ".join(["id STRING"] + columns(nodes_header))
    conn.execute(f"CREATE NODE TABLE Entity({node_cols}, PRIMARY KEY (id))")
    rel_cols = ", ".join(columns(rels_header))
    conn.execute(f"CREATE REL TABLE Deal(FROM Entity TO Entity, {rel_cols})")
    # The csv crate's quoting (RFC 4180: quotes doubled); notes may span lines.
    options = "(HEADER=true, PARALLEL=false, AUTO_DETECT=false, QUOTE='\"', ESCAPE='\"', DELIM=',')"
    conn.execute(f"COPY Entity FROM '{os.path.join(folder, 'nodes.csv')}' {options}")
    conn.execute(f"COPY Deal FROM '{os.path.join(folder, 'relationships.csv')}' {options}")

    def rows(query):
        result = conn.execute(query)
        out = []
        while result.has_next():
            out.append(result.get_next())
        return out

    entities = {e["id"]: e for e in reference["entities"]}
    deals = {d["id"]: d for d in reference["deals"]}
    names = dict(rows("MATCH (e:Entity) RETURN e.id, e.name"))
    checks.equal("entities and names", names, {i: e["name"] for i, e in entities.items()})
    found = {r[0]: tuple(r[1:]) for r in rows(
        "MATCH (a:Entity)-[d:Deal]->(b:Entity) RETURN d.deal, a.id, b.id, d.kind, d.report_count")}
    checks.equal("deals", found, {i: (d["from"], d["to"], d["kind"], len(d["reports"]))
                                  for i, d in deals.items()})
    # A loop: a path of 1 to BOUND-1 hops and one hop back, visiting no entity twice.
    # nodes(r) of a recursive relationship holds the entities strictly inside the path;
    # Kuzu's ACYCLIC alone lets them repeat (seen with kuzu 0.11), so the WHERE checks it.
    query = (f"MATCH (a:Entity)-[r:Deal* ACYCLIC 1..{bound - 1}]->(b:Entity), (b)-[:Deal]->(a) "
             "WITH a, b, properties(nodes(r), 'id') AS inside "
             "WHERE a <> b AND NOT list_contains(inside, a.id) AND NOT list_contains(inside, b.id) "
             "AND size(list_distinct(inside)) = size(inside) "
             "RETURN a.id, inside, b.id")
    loops = {canonical([start] + list(inside) + [end]) for start, inside, end in rows(query)}
    checks.loops("Cypher loops up to the bound", loops, dealgraph_loops)
checks.finish()
