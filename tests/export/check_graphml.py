"""GraphML read by networkx (read_graphml) and igraph (Graph.Read_GraphML): the same nodes,
names, edges and deal attributes as the reference, and the same simple cycles as
`dealgraph cycles --all`."""

import json

from common import Checks, args, canonical, need, xml_text

nx = need("networkx")
igraph = need("igraph")

path, reference, dealgraph_loops, bound = args()
checks = Checks("graphml")
entities = {e["id"]: e for e in reference["entities"]}
deals = {d["id"]: d for d in reference["deals"]}

# networkx
g = nx.read_graphml(path)
checks.equal("networkx node count", g.number_of_nodes(), len(entities))
checks.equal("networkx edge count", g.number_of_edges(), len(deals))
checks.equal("networkx node names", {n: a.get("name") for n, a in g.nodes(data=True)},
             {i: xml_text(e["name"]) for i, e in entities.items()})
found = {}
for a, b, attrs in g.edges(data=True):
    found[attrs["deal"]] = {"from": a, "to": b, "kind": attrs["kind"],
                            "reports": len(json.loads(attrs["reports"]))}
    if not isinstance(attrs.get("amount_usd", 0.0), float):
        checks.equal("amount_usd type", type(attrs["amount_usd"]).__name__, "float")
checks.equal("networkx deals", found,
             {i: {"from": d["from"], "to": d["to"], "kind": d["kind"],
                  "reports": len(d["reports"])} for i, d in deals.items()})
loops = {canonical(c) for c in nx.simple_cycles(nx.DiGraph(g), length_bound=bound)}
checks.loops("networkx simple_cycles", loops, dealgraph_loops)

# igraph
h = igraph.Graph.Read_GraphML(path)
checks.equal("igraph directed", h.is_directed(), True)
checks.equal("igraph node count", h.vcount(), len(entities))
checks.equal("igraph edge count", h.ecount(), len(deals))
ids = h.vs["id"]
checks.equal("igraph node names", dict(zip(ids, h.vs["name"])),
             {i: xml_text(e["name"]) for i, e in entities.items()})
checks.equal("igraph deal ids", sorted(h.es["deal"]), sorted(deals))
cycles = h.simple_cycles(min=2, max=bound)
checks.loops("igraph simple_cycles", {canonical(ids[v] for v in c) for c in cycles},
             dealgraph_loops)
checks.finish()
