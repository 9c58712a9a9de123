"""GEXF read by networkx (read_gexf): the same nodes, names, edges, deal attributes and time
intervals as the reference, and the same simple cycles as `dealgraph cycles --all`.
(igraph has no GEXF reader; xmllint checks the file against the XSD in tests/cli/export.rs.)"""

import json

from common import Checks, args, canonical, need, xml_text

nx = need("networkx")

path, reference, dealgraph_loops, bound = args()
checks = Checks("gexf")
entities = {e["id"]: e for e in reference["entities"]}
deals = {d["id"]: d for d in reference["deals"]}

g = nx.read_gexf(path)
checks.equal("node count", g.number_of_nodes(), len(entities))
checks.equal("edge count", g.number_of_edges(), len(deals))
checks.equal("node names", {n: a.get("name") for n, a in g.nodes(data=True)},
             {i: xml_text(e["name"]) for i, e in entities.items()})
found, starts = {}, {}
for a, b, attrs in g.edges(data=True):
    found[attrs["deal"]] = {"from": a, "to": b, "kind": attrs["kind"],
                            "reports": len(json.loads(attrs["reports"]))}
    starts[attrs["deal"]] = attrs.get("start")
checks.equal("deals", found,
             {i: {"from": d["from"], "to": d["to"], "kind": d["kind"],
                  "reports": len(d["reports"])} for i, d in deals.items()})


def first_day(date):
    parts = date.split("-") + ["01", "01"]
    return "-".join(parts[:3])


expected_starts = {}
for i, d in deals.items():
    dates = [r["date"] for r in d["reports"] if "date" in r]
    # partial dates sort before full ones inside them, as dealgraph orders them
    expected_starts[i] = first_day(min(dates)) if dates else None
checks.equal("edge start dates", starts, expected_starts)
loops = {canonical(c) for c in nx.simple_cycles(nx.DiGraph(g), length_bound=bound)}
checks.loops("networkx simple_cycles", loops, dealgraph_loops)
checks.finish()
