"""GraphML read by networkx (read_graphml) and igraph (Graph.Read_GraphML): the same nodes,
names, edges and deal attributes as the reference, and the same simple cycles as
`dealgraph cycles --all`."""

from common import Checks, args, canonical, check_networkx_graph, need, xml_text

nx = need("networkx")
igraph = need("igraph")

path, reference, dealgraph_loops, bound = args()
checks = Checks("graphml")

# networkx
g = nx.read_graphml(path)
attributes = check_networkx_graph(checks, g, reference, "networkx")
amounts = {type(a["amount_usd"]).__name__ for a in attributes.values() if "amount_usd" in a}
checks.equal("amount_usd typed as double", amounts <= {"float"}, True)
loops = {canonical(c) for c in nx.simple_cycles(nx.DiGraph(g), length_bound=bound)}
checks.loops("networkx simple_cycles", loops, dealgraph_loops)

# igraph
h = igraph.Graph.Read_GraphML(path)
checks.equal("igraph directed", h.is_directed(), True)
checks.equal("igraph node count", h.vcount(), len(reference["entities"]))
checks.equal("igraph edge count", h.ecount(), len(reference["deals"]))
ids = h.vs["id"]
checks.equal("igraph node names", dict(zip(ids, h.vs["name"])),
             {e["id"]: xml_text(e["name"]) for e in reference["entities"]})
checks.equal("igraph deal ids", sorted(h.es["deal"]), sorted(d["id"] for d in reference["deals"]))
cycles = h.simple_cycles(min=2, max=bound)
checks.loops("igraph simple_cycles", {canonical(ids[v] for v in c) for c in cycles},
             dealgraph_loops)
checks.finish()
