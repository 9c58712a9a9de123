"""Columnar edges read by DuckDB: the node and edge tables load, and the recursive loop query
documented in docs/scale-out.md (read from that file) finds dealgraph's loops."""

import os
import re

from common import Checks, args, canonical, need

duckdb = need("duckdb")

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "scale-out.md")


def documented(marker, language):
    """The fenced block that follows `<!-- tested: MARKER -->` in docs/scale-out.md."""
    with open(DOCS, encoding="utf-8") as f:
        text = f.read()
    found = re.search(rf"<!-- tested: {re.escape(marker)} -->\s*```{language}\n(.*?)```", text, re.S)
    if not found:
        raise SystemExit(f"no block marked {marker} in {DOCS}")
    return found.group(1)


if __name__ == "__main__":
    folder, reference, dealgraph_loops, bound = args()
    checks = Checks("columnar/duckdb")
    os.chdir(folder)
    con = duckdb.connect()
    nodes = con.sql("SELECT id, name FROM read_csv('nodes.csv', header = true, all_varchar = true)")
    checks.equal("nodes and names", dict(nodes.fetchall()),
                 {e["id"]: e["name"] for e in reference["entities"]})
    edges = con.sql("SELECT deal, src, dst, kind, CAST(report_count AS INTEGER), "
                    "TRY_CAST(amount_usd AS DECIMAL(38, 2)) FROM read_csv('edges.csv', header = true)")
    found = {r[0]: r[1:5] for r in edges.fetchall()}
    checks.equal("deals", found, {d["id"]: (d["from"], d["to"], d["kind"], len(d["reports"]))
                                  for d in reference["deals"]})
    sql = documented("loops.sql", "sql")
    sql = re.sub(r"SET VARIABLE max_len = \d+;", f"SET VARIABLE max_len = {bound};", sql)
    *setup, query = [s for s in sql.split(";") if s.strip()]
    for statement in setup:
        con.execute(statement)
    rows = con.sql(query).fetchall()
    checks.equal("each loop listed once", len(rows), len({tuple(r[0]) for r in rows}))
    checks.loops("documented recursive query", {canonical(r[0]) for r in rows}, dealgraph_loops)
    checks.finish()
