#!/usr/bin/env python3
"""Reference loop sets for the differential test in tests/cli/cycles.rs.

Reads graphs from the file named on the command line:

    graph NAME BOUND        (BOUND: a length bound, or "none")
    FROM TO                 (one line per edge; parallel edges allowed)
    ...
    end

and prints, for each graph, `networkx.simple_cycles(G, length_bound=BOUND)` canonically:

    graph NAME
    A B C                   (one line per cycle, rotated to start at its smallest label,
    ...                      lines sorted)
    end

Exit status 3 when networkx is missing, so the Rust test can tell that apart from a failure.
"""

import sys

try:
    import networkx as nx
except ImportError:
    print("networkx is not installed (pip install networkx)", file=sys.stderr)
    sys.exit(3)


def canonical(cycle):
    start = cycle.index(min(cycle))
    return " ".join(cycle[start:] + cycle[:start])


def main(path):
    out = []
    with open(path, encoding="utf-8") as f:
        lines = iter(f.read().splitlines())
    for line in lines:
        if not line.strip():
            continue
        tag, name, bound = line.split()
        assert tag == "graph", line
        graph = nx.DiGraph()
        for edge in lines:
            if edge == "end":
                break
            a, b = edge.split()
            graph.add_edge(a, b)
        length_bound = None if bound == "none" else int(bound)
        cycles = sorted(canonical(c) for c in nx.simple_cycles(graph, length_bound=length_bound))
        out.append(f"graph {name}")
        out.extend(cycles)
        out.append("end")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
