#!/usr/bin/env python3
"""Side-by-side: dealgraph vs networkx, igraph and rustworkx on the same generated CSVs.

For each size it runs `dealgraph generate`, then for each task (load; count cycles up to a
length bound) runs every tool in its own process, in alternation (the order rotates each
round), with a time limit. It records wall time and peak RSS (from wait4, per process),
checks that the cycle counts agree, and writes a markdown table between the markers
`<!-- peers:begin -->` and `<!-- peers:end -->` in docs/PERFORMANCE.md.

The graph every tool sees: one node per entity id, one edge per ordered pair (from, to) that has
at least one deal in deals.csv (parallel deals collapse, as dealgraph's hops do). dealgraph is
run with every status (`--status rumored,in-talks,announced,completed,cancelled`) so that no row
is filtered out, and with `cycles --all` so it counts every elementary cycle, not only
circular-financing ones.

Usage (from the repository root, after `cargo build --release`):
    python3 benches/peers/compare.py                    # the documented default run
    python3 benches/peers/compare.py --sizes 10000:50000 --bounds 3,4 --timeout 60
    python3 benches/peers/compare.py --sizes '10000:50000=3,4,5;100000:500000=3,4' \
        --timeout 90 --cycle-timeouts networkx=30,rustworkx=30

`--sizes` takes `N:M` pairs (comma- or semicolon-separated) that use `--bounds`, or
`N:M=b1,b2,...` entries (semicolon-separated) with their own bounds. `--cycle-timeouts` gives
some tools a shorter limit for the cycle counts (peers that are known not to finish), so a whole
run stays within minutes.

`--ranking` measures instead the listing questions of issue 19, dealgraph against igraph only,
and writes between `<!-- ranking:begin -->` and `<!-- ranking:end -->`: exact top-20 loops by
round trip (`cycles --all --limit 20 --format json`) against igraph listing every cycle into a
Python list, then `heapq.nlargest(20)` by the smallest of the edges' largest deal amounts (the
same round trip), and listing every loop as JSON lines (`cycles --all --limit 0 --format
jsonl --brief`, its lines counted as they stream by) against igraph listing them into a Python
list. Each dealgraph line is a brief loop record (entity ids in order, length, round trip with
its min/max/bound, grade and return ratio; no hops), about 200 bytes; each igraph item is a bare
list of vertex numbers, with no figures.
The top-20 round trips are compared.
    python3 benches/peers/compare.py --ranking --sizes '10000:50000=4,5;100000:500000=4,5' \
        --list-sizes '10000:50000=3,4' --timeout 120

Needs: pip install networkx igraph rustworkx; /usr/bin/time is not needed (wait4 is used).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALL_STATUSES = "rumored,in-talks,announced,completed,cancelled"
PEERS = ["networkx", "igraph", "rustworkx"]


# ------------------------------------------------------------------------------------------
# Worker: runs inside a fresh interpreter, one tool, one task; prints one JSON line.

def read_edges(csv_path: str):
    import csv

    with open(csv_path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        fi, ti = header.index("from"), header.index("to")
        return [(row[fi], row[ti]) for row in reader if row]


def worker(tool: str, csv_path: str, bound: int | None, limit: float) -> dict:
    t0 = time.perf_counter()
    if tool == "networkx":
        import networkx as nx

        g = nx.DiGraph()
        g.add_edges_from(read_edges(csv_path))  # a DiGraph keeps one edge per pair
        nodes, edges = g.number_of_nodes(), g.number_of_edges()
    elif tool == "igraph":
        import igraph as ig

        g = ig.Graph.TupleList(read_edges(csv_path), directed=True)
        g.simplify(multiple=True, loops=True)
        nodes, edges = g.vcount(), g.ecount()
    elif tool == "rustworkx":
        import rustworkx as rx

        g = rx.PyDiGraph(multigraph=False)
        index: dict[str, int] = {}
        pairs = []
        for a, b in read_edges(csv_path):
            ia = index.get(a)
            if ia is None:
                ia = index[a] = g.add_node(a)
            ib = index.get(b)
            if ib is None:
                ib = index[b] = g.add_node(b)
            pairs.append((ia, ib))
        g.add_edges_from_no_data(pairs)
        nodes, edges = g.num_nodes(), g.num_edges()
    else:
        raise SystemExit(f"unknown tool {tool}")
    load_s = time.perf_counter() - t0
    out = {"load_s": load_s, "nodes": nodes, "edges": edges}
    if bound is None:
        return out
    t1 = time.perf_counter()
    if tool == "networkx":
        count = sum(1 for _ in nx.simple_cycles(g, length_bound=bound))
    elif tool == "igraph":
        count = len(g.simple_cycles(mode=ig.OUT, max=bound))
    else:
        # rustworkx cannot bound the length: enumerate everything, keep the short ones, and
        # give up (reported as unfinished) at the time limit.
        count = 0
        deadline = t1 + limit
        for i, c in enumerate(rx.simple_cycles(g)):
            if len(c) <= bound:
                count += 1
            if i % 4096 == 0 and time.perf_counter() > deadline:
                out["unfinished"] = True
                break
    out["count_s"] = time.perf_counter() - t1
    out["count"] = count
    return out


def read_amounts(csv_path: str) -> dict:
    """The largest known amount of each (from, to) pair: dealgraph's hop figure."""
    import csv

    best: dict = {}
    with open(csv_path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        fi, ti, ai = header.index("from"), header.index("to"), header.index("amount_usd")
        for row in reader:
            if row and row[ai]:
                key, value = (row[fi], row[ti]), float(row[ai])
                if value > best.get(key, -1.0):
                    best[key] = value
    return best


def write_section(doc: Path, name: str, table: str) -> None:
    """Puts `table` between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in `doc` (appended
    with the markers when they are missing)."""
    text = doc.read_text() if doc.exists() else "# Performance\n"
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{table}\n{end}{tail}"
    else:
        text += f"\n{begin}\n{table}\n{end}\n"
    doc.write_text(text)
    print(f"wrote {doc}", file=sys.stderr)


def ranking_worker(task: str, csv_path: str, bound: int) -> dict:
    """igraph: every cycle of at most `bound` edges into a Python list; for `top20`, then the
    20 largest round trips with heapq."""
    import heapq

    import igraph as ig

    t0 = time.perf_counter()
    g = ig.Graph.TupleList(read_edges(csv_path), directed=True)
    g.simplify(multiple=True, loops=True)
    out = {"load_s": time.perf_counter() - t0}
    t1 = time.perf_counter()
    loops = list(g.simple_cycles(mode=ig.OUT, max=bound, output="vpath"))
    out["count"] = len(loops)
    if task == "top20":
        amounts = read_amounts(csv_path)
        names = g.vs["name"]

        def trip(c):
            # The round trip: the smallest hop figure; unknown (-1) when a hop has none.
            k = len(c)
            return min(amounts.get((names[c[i]], names[c[(i + 1) % k]]), -1.0)
                       for i in range(k))

        out["top"] = [t for t in heapq.nlargest(20, map(trip, loops)) if t >= 0]
    out["count_s"] = time.perf_counter() - t1
    return out


def ranking_main(args, plan, list_plan) -> None:
    """The `--ranking` run: see the module doc."""
    rows, problems = [], []
    jobs = [(n, m, "top20", b) for n, m, bs in plan for b in bs]
    jobs += [(n, m, "list", b) for n, m, bs in list_plan for b in bs]
    for n, m, task, bound in jobs:
        data = Path(args.workdir) / f"e{n}-d{m}-s{args.seed}"
        if not (data / "deals.csv").exists():
            subprocess.run([args.dealgraph, "generate", "--entities", str(n), "--deals", str(m),
                            "--seed", str(args.seed), "--out", str(data)], check=True)
        label = (f"top-20 ≤ {bound}" if task == "top20"
                 else f"list all ≤ {bound} (brief JSON lines vs vertex lists)")
        size = f"{n:,} / {m:,}"
        found = {}
        for tool in ["dealgraph", "igraph"]:
            if tool == "dealgraph":
                cmd = [args.dealgraph, "--timings", "cycles", "--all", "--max-len", str(bound),
                       "--data", str(data), "--status", ALL_STATUSES]
                cmd += (["--limit", "20", "--format", "json"] if task == "top20"
                        else ["--limit", "0", "--format", "jsonl", "--brief"])
            else:
                cmd = [sys.executable, __file__, "--ranking-worker", task, "--csv",
                       str(data / "deals.csv"), "--bound", str(bound)]
            print(f"[{size}] {label} {tool} ...", file=sys.stderr, flush=True)
            # Listing: dealgraph's lines are counted as they stream by (as `wc -l` would),
            # not gathered into one 600 MB Python bytes object, whose growth would be timed
            # as dealgraph's.
            lines = tool == "dealgraph" and task == "list"
            res = run_measured(cmd, args.timeout, count_lines=lines)
            ok = not res["timed_out"] and res["code"] == 0
            count, top = None, None
            if ok and tool == "dealgraph":
                res.update(parse_timings(res["stderr"]))
                if task == "top20":
                    doc = json.loads(res["stdout"])
                    count = doc["found"]
                    top = [c["round_trip_usd"] for c in doc["cycles"]
                           if c["round_trip_usd"] is not None]
                else:
                    count = res["lines"]
            elif ok:
                res.update(json.loads(res["stdout"].strip().splitlines()[-1]))
                count, top = res["count"], res.get("top")
            found[tool] = (count, top)
            print(f"    {res['wall_s']:.2f} s, {res['rss_mb']:.0f} MB"
                  f"{' TIMEOUT' if res['timed_out'] else ''}", file=sys.stderr, flush=True)
            rows.append({"size": size, "task": label, "tool": tool, "count": count,
                         "phase_s": res.get("count_s") if ok else None,
                         "wall_s": res["wall_s"] if ok else None, "rss_mb": res["rss_mb"],
                         "note": "" if ok else (f"did not finish in {args.timeout:.0f} s"
                                                if res["timed_out"] else f"exit {res['code']}")})
        (dc, dt), (ic, it) = found["dealgraph"], found["igraph"]
        if dc is not None and ic is not None and dc != ic:
            problems.append(f"{size} {label}: {dc} against {ic} loops")
        if dt is not None and it is not None and any(
                abs(a - b) > 1e-6 * max(abs(a), 1) for a, b in zip(dt, it)):
            problems.append(f"{size} {label}: top round trips differ")
    load = os.getloadavg()
    lines = [
        f"Machine: {machine()}; load average before the run {load[0]:.2f}.", "",
        "Command: `" + " ".join(shlex.quote(a) for a in [
            "python3", "benches/peers/compare.py", *sys.argv[1:]]) + "`.", "",
        "| entities / deals | task | tool | loops | phase (s) | wall (s) | peak RSS (MB) | note |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        count = "" if r["count"] is None else f"{r['count']:,}"
        lines.append(f"| {r['size']} | {r['task']} | {r['tool']} | {count} | "
                     f"{fmt_s(r['phase_s'])} | {fmt_s(r['wall_s'])} | {r['rss_mb']:.0f} | "
                     f"{r['note']} |")
    lines += [""] + ratio_table(rows)
    lines += ([f"- disagreement: {p}" for p in problems] if problems else
              ["Loop counts and top-20 round trips agree wherever both finished."]) + [""]
    table = "\n".join(lines)
    print(table)
    write_section(Path(args.doc), "ranking", table)
    if problems:
        sys.exit(1)


# ------------------------------------------------------------------------------------------
# Driver.

def run_measured(cmd: list[str], timeout: float, count_lines: bool = False) -> dict:
    """Runs cmd; returns wall time, peak RSS (MB) and stdout, or a timeout marker. With
    `count_lines`, stdout is read in 1 MiB chunks and only its newlines are counted (`lines`;
    `stdout` is then empty)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = t0 + timeout
    # Read output in the background so a chatty child never blocks on a full pipe.
    import threading

    chunks: dict[str, bytes] = {}
    counted = {"lines": 0}

    def drain(name, stream):
        if name == "out" and count_lines:
            buf = bytearray(1 << 20)
            while (k := stream.readinto(buf)):
                counted["lines"] += buf.count(b"\n", 0, k)
            return
        chunks[name] = stream.read()

    threads = [threading.Thread(target=drain, args=(n, s), daemon=True)
               for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in threads:
        t.join(5)
    return {
        "wall_s": wall,
        "rss_mb": usage.ru_maxrss / 1024,
        "timed_out": timed_out,
        "code": proc.returncode,
        "stdout": chunks.get("out", b"").decode(errors="replace"),
        "lines": counted["lines"],
        "stderr": chunks.get("err", b"").decode(errors="replace"),
    }


def dealgraph_cmd(binary: str, data: Path, bound: int | None) -> list[str]:
    base = [binary, "--timings"]
    if bound is None:
        return base + ["validate", "--data", str(data), "--status", ALL_STATUSES]
    return base + ["cycles", "--count", "--all", "--max-len", str(bound),
                   "--data", str(data), "--status", ALL_STATUSES]


def ratio_table(rows: list[dict]) -> list[str]:
    """igraph against dealgraph, per size and task: how many times faster (phase and wall)
    and how much less memory dealgraph took."""
    by = {(r["size"], r["task"], r["tool"]): r for r in rows}
    out = ["igraph ÷ dealgraph, same run (above 1: dealgraph is faster / smaller):", "",
           "| entities / deals | task | phase time | wall time | peak RSS |",
           "|---|---|---:|---:|---:|"]
    def ratio(a, b):
        return f"{a / b:.1f}×" if a is not None and b else "–"
    for (size, task, tool), dg in by.items():
        ig = by.get((size, task, "igraph"))
        if tool != "dealgraph" or ig is None:
            continue
        out.append(f"| {size} | {task} | {ratio(ig['phase_s'], dg['phase_s'])} | "
                   f"{ratio(ig['wall_s'], dg['wall_s'])} | {ratio(ig['rss_mb'], dg['rss_mb'])} |")
    return out + [""]


def parse_timings(stderr: str) -> dict:
    """`--timings` ends stderr with `timings: load X s, command Y s`: dealgraph's own phase
    times (loading; everything after loading, graph building included)."""
    m = re.search(r"^timings: load ([0-9.]+) s, command ([0-9.]+) s$", stderr, re.M)
    return {"load_s": float(m.group(1)), "count_s": float(m.group(2))} if m else {}


def parse_count(stdout: str) -> int | None:
    """`dealgraph cycles --count` prints the number alone on one line; anything else is a
    parse failure (None), never a number picked out of surrounding text."""
    m = re.fullmatch(r"\s*(\d[\d,_]*)\s*", stdout)
    return int(re.sub(r"[,_]", "", m.group(1))) if m else None


def parse_sizes(text: str, default_bounds: list[int]) -> list[tuple[int, int, list[int]]]:
    """`N:M,N:M` (bounds from --bounds) or `N:M=3,4,5;N:M=3,4` (bounds per size)."""
    entries = text.split(";") if (";" in text or "=" in text) else text.split(",")
    out = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        pair, _, bounds = entry.partition("=")
        n, m = map(int, pair.split(":"))
        out.append((n, m, [int(b) for b in bounds.split(",") if b] if bounds else default_bounds))
    return out


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    versions = []
    for mod in ["networkx", "igraph", "rustworkx"]:
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            versions.append(f"{mod} missing")
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; " + ", ".join(versions))


def fmt_s(x):
    if x is None:
        return "–"
    return f"{x:.3f}" if x < 1 else (f"{x:.2f}" if x < 100 else f"{x:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--ranking-worker", help=argparse.SUPPRESS)
    ap.add_argument("--ranking", action="store_true",
                    help="measure exact top-20 and listing against igraph (see the module doc)")
    ap.add_argument("--list-sizes", default="10000:50000=3,4",
                    help="with --ranking: sizes and bounds for listing every loop")
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--bound", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=float, default=60, help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="10000:50000=3,4,5;100000:500000=3,4",
                    help="entities:deals pairs, each optionally =bounds; see the module doc")
    ap.add_argument("--bounds", default="3,4",
                    help="cycle length bounds for --sizes entries without their own")
    ap.add_argument("--load-only", default="1000000:5000000",
                    help="sizes measured for loading only (empty for none)")
    ap.add_argument("--tools", default="dealgraph,igraph,networkx,rustworkx")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per run")
    ap.add_argument("--cycle-timeouts", default="",
                    help="tool=seconds,...: a shorter limit for some tools' cycle counts")
    ap.add_argument("--rounds", type=int, default=1, help="repeats (best time is kept)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dealgraph", default=str(ROOT / "target/release/dealgraph"))
    ap.add_argument("--workdir", default="/tmp/dealgraph-peers")
    ap.add_argument("--doc", default=str(ROOT / "docs/PERFORMANCE.md"))
    args = ap.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker, args.csv, args.bound, args.limit)))
        return
    if args.ranking_worker:
        print(json.dumps(ranking_worker(args.ranking_worker, args.csv, args.bound)))
        return

    tools = args.tools.split(",")
    bounds = [int(b) for b in args.bounds.split(",") if b]
    plan = parse_sizes(args.sizes, bounds)
    if args.ranking:
        ranking_main(args, plan, parse_sizes(args.list_sizes, bounds))
        return
    cycle_timeouts = {t: float(v) for t, _, v in
                      (x.partition("=") for x in args.cycle_timeouts.split(",") if x)}
    load_only = [tuple(map(int, s.split(":"))) for s in args.load_only.split(",") if s]
    size_bounds = {(n, m): b for n, m, b in plan}
    rows = []
    problems = []
    for (n, m) in list(size_bounds) + [s for s in load_only if s not in size_bounds]:
        data = Path(args.workdir) / f"e{n}-d{m}-s{args.seed}"
        subprocess.run([args.dealgraph, "generate", "--entities", str(n), "--deals", str(m),
                        "--seed", str(args.seed), "--out", str(data)], check=True)
        size_mb = (data / "deals.csv").stat().st_size / 1e6
        tasks = [None] + size_bounds.get((n, m), [])
        for task in tasks:
            results: dict[str, list[dict]] = {t: [] for t in tools}
            for r in range(args.rounds):
                order = tools[r % len(tools):] + tools[:r % len(tools)]
                for tool in order:
                    timeout = args.timeout
                    if task is not None:
                        timeout = cycle_timeouts.get(tool, args.timeout)
                    if tool == "dealgraph":
                        cmd = dealgraph_cmd(args.dealgraph, data, task)
                    else:
                        cmd = [sys.executable, __file__, "--worker", tool,
                               "--csv", str(data / "deals.csv"),
                               "--limit", str(timeout * 0.8)]
                        if task is not None:
                            cmd += ["--bound", str(task)]
                    print(f"[{n}/{m}] {'load' if task is None else f'cycles<={task}'} "
                          f"{tool} ...", file=sys.stderr, flush=True)
                    res = run_measured(cmd, timeout)
                    res["cmd"] = cmd
                    res["timeout"] = timeout
                    if not res["timed_out"] and res["code"] == 0:
                        if tool == "dealgraph":
                            res.update(parse_timings(res["stderr"]))
                            res["count"] = parse_count(res["stdout"]) if task else None
                            if task and res["count"] is None:
                                res["unparsed"] = res["stdout"].strip()[:60]
                        else:
                            res.update(json.loads(res["stdout"].strip().splitlines()[-1]))
                    results[tool].append(res)
                    print(f"    {res['wall_s']:.2f} s, {res['rss_mb']:.0f} MB"
                          f"{' TIMEOUT' if res['timed_out'] else ''}"
                          f"{' exit ' + str(res['code']) if res['code'] and not res['timed_out'] else ''}",
                          file=sys.stderr, flush=True)
            counts = {}
            for tool in tools:
                best = min(results[tool], key=lambda x: x["wall_s"])
                ok = (not best["timed_out"] and best["code"] == 0 and not best.get("unfinished")
                      and "unparsed" not in best)
                if ok and task is not None and best.get("count") is not None:
                    counts[tool] = best["count"]
                phase = best.get("count_s") if task is not None else best.get("load_s")
                note = ""
                if best["timed_out"] or best.get("unfinished"):
                    note = f"did not finish in {best['timeout']:.0f} s"
                elif "unparsed" in best:
                    note = f"output is not a count: `{best['unparsed']}`"
                elif best["code"] != 0:
                    note = f"failed (exit {best['code']}): " + best["stderr"].strip().splitlines()[0][:80] if best["stderr"].strip() else f"failed (exit {best['code']})"
                rows.append({
                    "size": f"{n:,} / {m:,} ({size_mb:.0f} MB)",
                    "task": "load" if task is None else f"cycles ≤ {task}",
                    "tool": tool,
                    "count": best.get("count") if ok else None,
                    "phase_s": phase if ok else None,
                    "wall_s": best["wall_s"] if ok else None,
                    "rss_mb": best["rss_mb"],
                    "note": note,
                })
            if len(set(counts.values())) > 1:
                problems.append(f"{n}/{m} cycles ≤ {task}: counts disagree: {counts}")

    lines = [
        f"Machine: {machine()}.",
        "",
        "Command: `" + " ".join(shlex.quote(a) for a in [
            "python3", "benches/peers/compare.py", *sys.argv[1:]]) + "` "
        f"(dealgraph release build, seed {args.seed}, timeout {args.timeout:.0f} s per run"
        + "".join(f", {t} cycle counts {v:.0f} s" for t, v in cycle_timeouts.items())
        + f", best of {args.rounds}).",
        "",
        "`phase` is the time inside the process for the task alone: for peers the Python load, "
        "or the cycle count after loading; for dealgraph what `--timings` prints, the load, or "
        "everything after it (building the graph included) for a cycle count. `wall` is the "
        "whole process, start-up and loading included. Peak RSS is per process (wait4).",
        "",
        "| entities / deals (deals.csv) | task | tool | result | phase (s) | wall (s) | peak RSS (MB) | note |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        phase = row["phase_s"]
        count = "" if row["count"] is None else f"{row['count']:,} cycles"
        if row["task"] == "load" and row["wall_s"] is not None:
            count = "loaded"
        lines.append(
            f"| {row['size']} | {row['task']} | {row['tool']} | {count} | {fmt_s(phase)} | "
            f"{fmt_s(row['wall_s'])} | {row['rss_mb']:.0f} | {row['note']} |")
    lines.append("")
    lines += ratio_table(rows)
    if problems:
        lines += ["**Disagreements:**", ""] + [f"- {p}" for p in problems] + [""]
    else:
        lines += ["Every finished cycle count agrees across tools.", ""]
    table = "\n".join(lines)
    print(table)
    write_section(Path(args.doc), "peers", table)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
