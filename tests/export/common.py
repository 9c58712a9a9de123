"""Shared by the export checkers: the reference (dealgraph's own JSON export of the same
graph), dealgraph's loops (`cycles --all --format json`), canonical loops, and reporting.

Every checker is run as `python3 check_X.py EXPORT REFERENCE.json CYCLES.json BOUND` by
tests/cli/export.rs. Exit status: 0 all checks passed, 1 a check failed, 3 a tool is missing
(the Rust test then fails in CI and skips elsewhere).
"""

import importlib
import json
import sys

MISSING_TOOL = 3


def need(module_name):
    """Imports a module, or exits with MISSING_TOOL when it is not installed."""
    try:
        return importlib.import_module(module_name)
    except ImportError as e:
        print(f"{module_name} is not installed ({e})", file=sys.stderr)
        sys.exit(MISSING_TOOL)


def canonical(cycle):
    """A loop as a tuple of entity ids, rotated to start at its smallest id."""
    cycle = list(cycle)
    start = cycle.index(min(cycle))
    return tuple(cycle[start:] + cycle[:start])


def args():
    """(export path, reference document, dealgraph's loop set, length bound)."""
    if len(sys.argv) != 5:
        print(f"usage: {sys.argv[0]} EXPORT REFERENCE.json CYCLES.json BOUND", file=sys.stderr)
        sys.exit(2)
    export, reference, cycles, bound = sys.argv[1:]
    with open(reference, encoding="utf-8") as f:
        reference = json.load(f)
    with open(cycles, encoding="utf-8") as f:
        loops = {canonical(c["entities"]) for c in json.load(f)["cycles"]}
    return export, reference, loops, int(bound)


class Checks:
    """Collects failed checks and reports them all at the end."""

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.passed = 0

    def equal(self, what, found, expected):
        if found == expected:
            self.passed += 1
        elif isinstance(found, dict) and isinstance(expected, dict):
            keys = sorted(k for k in found.keys() | expected.keys()
                          if found.get(k) != expected.get(k))
            diff = {k: (found.get(k), expected.get(k)) for k in keys[:5]}
            self.failures.append(f"{what}: {len(keys)} differ, (found, expected): {short(diff)}")
        else:
            self.failures.append(f"{what}: found {short(found)}, expected {short(expected)}")

    def loops(self, what, found, expected):
        if found == expected:
            self.passed += 1
            return
        missing = sorted(expected - found)[:5]
        extra = sorted(found - expected)[:5]
        self.failures.append(
            f"{what}: {len(found)} loops, dealgraph has {len(expected)}; "
            f"missing {missing}, extra {extra}"
        )

    def finish(self):
        for failure in self.failures:
            print(f"{self.name}: FAIL {failure}", file=sys.stderr)
        print(f"{self.name}: {self.passed} passed, {len(self.failures)} failed")
        sys.exit(1 if self.failures else 0)


def short(value):
    text = repr(value)
    return text if len(text) < 300 else text[:300] + "…"


def xml_text(text):
    """Text as XML 1.0 can carry it: the control characters it forbids (all below U+0020
    but tab, newline and carriage return) become U+FFFD, as dealgraph writes them."""
    return "".join("\ufffd" if ord(c) < 0x20 and c not in "\t\n\r" else c for c in text)


def check_networkx_graph(checks, g, reference, what):
    """A networkx graph read from GraphML or GEXF against the reference: node and edge
    counts, node names (as XML carries them), and each deal's ends, kind and number of
    reports. Returns each deal's edge attributes, by deal id."""
    entities = {e["id"]: e for e in reference["entities"]}
    deals = {d["id"]: d for d in reference["deals"]}
    checks.equal(f"{what} node count", g.number_of_nodes(), len(entities))
    checks.equal(f"{what} edge count", g.number_of_edges(), len(deals))
    checks.equal(f"{what} node names", {n: a.get("name") for n, a in g.nodes(data=True)},
                 {i: xml_text(e["name"]) for i, e in entities.items()})
    found, attributes = {}, {}
    for a, b, attrs in g.edges(data=True):
        found[attrs["deal"]] = (a, b, attrs["kind"], len(json.loads(attrs["reports"])))
        attributes[attrs["deal"]] = attrs
    checks.equal(f"{what} deals", found,
                 {i: (d["from"], d["to"], d["kind"], len(d["reports"])) for i, d in deals.items()})
    return attributes
