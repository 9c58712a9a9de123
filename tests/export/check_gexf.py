"""GEXF read by networkx (read_gexf): the same nodes, names, edges, deal attributes and time
intervals as the reference, and the same simple cycles as `dealgraph cycles --all`.
(igraph has no GEXF reader; xmllint checks the file against the XSD in tests/cli/export.rs.)"""

from common import Checks, args, canonical, check_networkx_graph, need

nx = need("networkx")

path, reference, dealgraph_loops, bound = args()
checks = Checks("gexf")

g = nx.read_gexf(path)
attributes = check_networkx_graph(checks, g, reference, "networkx")


def first_day(date):
    return "-".join((date.split("-") + ["01", "01"])[:3])


def expected_start(deal):
    """The first day of the earliest date the reports give (event date, else publication)."""
    dates = [r.get("event_date", r.get("date")) for r in deal["reports"]]
    dates = [d for d in dates if d]
    # Partial dates sort before the full dates inside them, as dealgraph orders them.
    return first_day(min(dates)) if dates else None


checks.equal("edge start dates", {i: a.get("start") for i, a in attributes.items()},
             {d["id"]: expected_start(d) for d in reference["deals"]})
ends = {i: a["end"] for i, a in attributes.items() if a.get("end")}
cancelled = {i: first_day(a["date"]) for i, a in attributes.items()
             if a.get("status") == "cancelled" and a.get("date")}
checks.equal("cancelled deals (dated), and only they, end on that date", ends, cancelled)
loops = {canonical(c) for c in nx.simple_cycles(nx.DiGraph(g), length_bound=bound)}
checks.loops("networkx simple_cycles", loops, dealgraph_loops)
checks.finish()
