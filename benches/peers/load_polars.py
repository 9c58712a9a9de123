#!/usr/bin/env python3
"""Loading the generated CSVs: dealgraph against polars, on the cores given (issue 19).

Runs, interleaved, `dealgraph --timings validate --data DIR` and polars reading the same
deals.csv and entities.csv (`pl.read_csv`), each pinned with `taskset -c CPUS` for every CPU
set asked, and prints the median wall time, the median time the tool reports for the load
alone, and the largest peak RSS (wait4) of each, with the load average before and after.

    python3 benches/peers/load_polars.py --data /tmp/peerdata/1m-5m \\
        --binary target/release/dealgraph --cpus 0 --cpus 0,1 --runs 3 \\
        [--before OLD_BUILD] [--python /tmp/polars-venv/bin/python]

Data: `dealgraph generate --entities 1000000 --deals 5000000 --seed 1 --out DIR`.
Needs: polars in the Python that runs it (`--python` for another one, e.g. a venv's).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

POLARS = """
import sys, time
import polars as pl
t = time.perf_counter()
deals = pl.read_csv(sys.argv[1] + "/deals.csv")
entities = pl.read_csv(sys.argv[1] + "/entities.csv")
print(f"load {time.perf_counter() - t:.3f} {deals.height} {entities.height}")
"""


def run(cmd: list[str]) -> tuple[float, float | None, int, float]:
    """Wall seconds, the load seconds the tool reports, peak RSS in MB, and CPU seconds
    (user + system)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out}")
    found = re.search(r"\bload (\d+\.\d+)", out)
    load = float(found.group(1)) if found else None
    return wall, load, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="folder with deals.csv and entities.csv")
    ap.add_argument("--binary", default="target/release/dealgraph")
    ap.add_argument("--before", help="another dealgraph build to measure too (tool `before`)")
    ap.add_argument("--python", default=sys.executable, help="a Python with polars")
    ap.add_argument("--cpus", action="append", help="taskset CPU list (repeatable)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default="dealgraph,polars")
    ap.add_argument("--rt", action="store_true",
                    help="run each tool at real-time priority (chrt -f 10, needs root): on a "
                         "machine busy with other work this gives it the CPUs asked for")
    args = ap.parse_args()
    cpus = args.cpus or ["0", "0,1"]
    tools = args.tools.split(",")
    commands = {
        "dealgraph": [args.binary, "--timings", "validate", "--data", args.data],
        "polars": [args.python, "-c", POLARS, args.data],
    }
    if args.before:
        commands["before"] = [args.before, "--timings", "validate", "--data", args.data]
        tools.append("before")
    results: dict[tuple[str, str], list[tuple[float, float | None, int, float]]] = {}
    print(f"load average before: {os.getloadavg()}")
    for _ in range(args.runs):
        for cpu in cpus:
            for tool in tools:
                rt = ["chrt", "-f", "10"] if args.rt else []
                measured = run([*rt, "taskset", "-c", cpu, *commands[tool]])
                results.setdefault((tool, cpu), []).append(measured)
    print(f"load average after: {os.getloadavg()}")
    print()
    print("| tool | CPUs | runs | wall median (s) | load median (s) | walls (s) | CPU median (s) "
          "| peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|---|")
    for (tool, cpu), runs in results.items():
        walls = [r[0] for r in runs]
        loads = [r[1] for r in runs if r[1] is not None]
        load = f"{statistics.median(loads):.2f}" if loads else "–"
        cpu_s = statistics.median(r[3] for r in runs)
        print(
            f"| {tool} | {cpu} | {len(runs)} | {statistics.median(walls):.2f} | {load} | "
            f"{', '.join(f'{w:.2f}' for w in walls)} | {cpu_s:.2f} | {max(r[2] for r in runs)} |"
        )


if __name__ == "__main__":
    main()
