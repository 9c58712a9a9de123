#!/usr/bin/env python3
"""Opens pages written by `dealgraph explore` in headless Chromium, with every network request
blocked, and checks them against the CLI:

* the page reports ready with no console error, no failed request and nothing fetched;
* the entity and deal counts equal `map --verbose` (the same filters), and after moving the
  date slider to 2025-06 they equal `map --verbose --as-of 2025-06`;
* the loop list is `cycles --format json`'s loops in its order (on the seeds and on 1,000
  generated entities), each with its grade, and choosing each loop highlights exactly the
  deals of its hops (everything else faded);
* the evidence-grade filter: 'confirmed' alone equals `--status announced,completed
  --no-inferred`, all but 'inferred' equals `--no-inferred`; stakeholder totals split by grade;
* `explore --focus anthropic --radius 1|2` has the counts of `map --focus anthropic --radius N`;
* hostile names (`</script><script>alert(1)</script>`, quotes, newlines, RTL marks) show as
  text and run nothing;
* a page of 1,000 generated entities does the same counts.

Talks to Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe): Python's
standard library only. Usage:

    python3 tests/browser/explore.py [--binary target/debug/dealgraph] [--require-browser]
    python3 tests/browser/explore.py --screenshots docs      # docs/explore-*.png
    python3 tests/browser/explore.py --bench                 # size and time to ready

Without a browser it skips (exit 0), unless --require-browser or CI=true: then it fails.
Ends with the line "N passed, N failed".
"""

import argparse
import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROWSERS = ["chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"]


class Browser:
    """One headless Chromium, one page, DevTools protocol over fds 3 (in) and 4 (out)."""

    def __init__(self, exe, width=1440, height=900):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Move the child's ends above 4 so dup2 onto 3 and 4 cannot clobber them.
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def wire():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.profile = tempfile.mkdtemp(prefix="dealgraph-chromium-")
        self.proc = subprocess.Popen(
            [
                exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--mute-audio",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--remote-debugging-pipe",
                # No network: names resolve nowhere and any proxy use fails.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
                "about:blank",
            ],
            preexec_fn=wire, close_fds=False,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(high_r)
        os.close(high_w)
        self._next = 0
        self._messages = queue.Queue()
        self.events = []
        threading.Thread(target=self._read, daemon=True).start()
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=None)
        attached = self.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=None
        )
        self.session = attached["sessionId"]
        for domain in ["Runtime", "Log", "Page", "Network"]:
            self.call(domain + ".enable")
        self.call("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]})
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                self._messages.put(None)
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                self._messages.put(json.loads(msg))

    def call(self, method, params=None, session="page", timeout=60):
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session == "page":
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(method)
            reply = self._messages.get(timeout=left)
            if reply is None:
                raise RuntimeError("the browser closed the pipe")
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)

    def _event(self, msg):
        self.events.append(msg)
        if msg.get("method") == "Page.javascriptDialogOpening":
            # Dismiss it (the reply comes back as an unmatched message and is kept as an event).
            os.write(self._to_child, json.dumps({
                "id": 10**9 + len(self.events), "sessionId": self.session,
                "method": "Page.handleJavaScriptDialog", "params": {"accept": False},
            }).encode() + b"\0")

    def js(self, expression, timeout=60):
        """The value of `expression` (awaited if it is a promise)."""
        r = self.call("Runtime.evaluate", {
            "expression": expression, "returnByValue": True, "awaitPromise": True,
        }, timeout=timeout)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def open(self, path, timeout=120):
        """Loads the file, waits for the page's ready mark; returns seconds to ready."""
        self.call("Page.navigate", {"url": "about:blank"})
        while self.js("location.href") != "about:blank":
            time.sleep(0.02)
        self.events.clear()
        url = "file://" + os.path.abspath(path)
        started = time.time()
        self.call("Page.navigate", {"url": url})
        ready = f"location.href === {json.dumps(url)} && document.documentElement !== null" \
            " && document.documentElement.dataset.ready === 'true'"
        while time.time() - started < timeout:
            if self.js(ready):
                return float(self.js("document.documentElement.dataset.readyMs")) / 1000.0, time.time() - started
            time.sleep(0.05)
        raise TimeoutError(f"{path} never became ready")

    def problems(self):
        """Console errors, uncaught exceptions, dialogs and requests for anything but the file."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append("exception: " + json.dumps(p["exceptionDetails"])[:300])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                out.append("console: " + json.dumps(p.get("args"))[:300])
            elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                out.append("log: " + p["entry"].get("text", "")[:300])
            elif m == "Page.javascriptDialogOpening":
                out.append("dialog: " + p.get("message", ""))
            elif m == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if not url.startswith(("file://", "data:", "blob:")):
                    out.append("request: " + url)
            elif m == "Network.loadingFailed":
                out.append("failed request: " + p.get("errorText", ""))
        return out

    def screenshot(self, path):
        shot = self.call("Page.captureScreenshot", {"format": "png"})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.call("Browser.close", session=None, timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")


def dealgraph(binary, *args):
    r = subprocess.run([binary, *args], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    if r.returncode != 0:
        raise RuntimeError(f"dealgraph {' '.join(args)}: {r.stderr}")
    return r


def cli_counts(binary, data_args, extra=()):
    """(entities, deals) as `map --verbose` reports them."""
    err = dealgraph(binary, "map", "--verbose", *data_args, *extra).stderr
    line = next(l for l in err.splitlines() if l.startswith("map: "))
    words = line.split()
    return int(words[1]), int(words[3])


def page_counts(b):
    return tuple(b.js("[+counts.dataset.entities, +counts.dataset.deals]".replace(
        "counts", "document.getElementById('counts')")))


def set_date(b, date):
    return b.js(f"""(() => {{
        const D = window.dealgraphExplore.data, s = document.getElementById('date');
        const i = D.dates.indexOf({json.dumps(date)});
        if (i < 0) return false;
        s.value = String(i); s.dispatchEvent(new Event('input', {{bubbles: true}}));
        return true; }})()""")


def check_page(b, c, binary, label, data_args, path, extra=()):
    b.open(path)
    c.check(f"{label}: ready, nothing fetched, no console error", not b.problems(), b.problems())
    want = cli_counts(binary, data_args, extra)
    c.check(f"{label}: counts equal map --verbose", page_counts(b) == want, f"page {page_counts(b)} vs cli {want}")


def check_seeds(b, c, binary, work):
    path = os.path.join(work, "seeds.html")
    dealgraph(binary, "explore", "--out", path)
    check_page(b, c, binary, "seeds", [], path)
    whole = page_counts(b)
    c.check("seeds: the slider has 2025-06", set_date(b, "2025-06-30"))
    june = page_counts(b)
    cli_june = cli_counts(binary, [], ["--as-of", "2025-06"])
    c.check("seeds: slider at 2025-06 equals --as-of 2025-06", june == cli_june, f"page {june} vs cli {cli_june}")
    c.check("seeds: 2025-06 differs from today", june != whole, f"{june} == {whole}")
    set_date(b, b.js("window.dealgraphExplore.data.as_of"))
    c.check("seeds: back at the as-of date", page_counts(b) == whole)

    cycles = json.loads(dealgraph(binary, "cycles", "--format", "json").stdout)["cycles"]
    listed = b.js("""Array.from(document.querySelectorAll('#loops button')).map((x) => {
        const D = window.dealgraphExplore.data, l = D.loops[+x.dataset.loop];
        return l.entities.map((i) => D.entities[i].id); })""")
    c.check("seeds: loop list is `cycles` in its order", listed == [l["entities"] for l in cycles],
            f"{listed} vs {[l['entities'] for l in cycles]}")
    for rank, loop in enumerate(cycles):
        want = sorted({d for hop in loop["hops"] for d in hop["deals"]})
        got = b.js(f"""(() => {{
            document.querySelectorAll('#loops button')[{rank}].click();
            const X = window.dealgraphExplore, D = X.data;
            const hl = X.cy.edges('.hl').map((e) => D.deals[+e.id().slice(1)].id).sort();
            const unfaded = X.cy.edges(':visible').filter((e) => !e.hasClass('faded') && !e.hasClass('hl')).length;
            return [hl, unfaded]; }})()""")
        c.check(f"seeds: loop {rank + 1} highlights exactly its deals, the rest faded",
                got == [want, 0], f"{got} vs {want}")
    grades = b.js("Array.from(document.querySelectorAll('#loops button')).map((x) => x.dataset.grade)")
    c.check("seeds: each loop shows the grade `cycles` gives it", grades == [l["grade"] for l in cycles],
            f"{grades} vs {[l['grade'] for l in cycles]}")
    b.js("document.getElementById('clear').click()")
    c.check("seeds: clear removes the highlight", b.js("window.dealgraphExplore.cy.$('.hl, .faded').length") == 0)
    # Clicking a deal lists all its reports.
    got = b.js("""(() => { const X = window.dealgraphExplore;
        const i = X.data.deals.findIndex((d) => d.id === 'amazon-openai-investment');
        X.cy.getElementById('d' + i).emit('tap');
        return [document.querySelectorAll('#details-body table tr').length, X.data.deals[i].reports.length]; })()""")
    c.check("seeds: a deal's details list its reports", got and got[0] > got[1] >= 1, got)
    check_grades(b, c, binary)
    c.check("seeds: still no console error", not b.problems(), b.problems())


def set_grades(b, on):
    b.js(f"""document.querySelectorAll('#grades input').forEach((x) => {{
        if (x.checked !== {json.dumps(on)}.includes(x.dataset.grade)) x.click(); }})""")


def check_grades(b, c, binary):
    """The grade filter: confirmed alone is what a source states as announced, completed or
    cancelled (cancelled is off by default), i.e. `--status announced,completed --no-inferred`."""
    strict = ["--status", "announced,completed", "--no-inferred"]
    set_grades(b, ["confirmed"])
    got, want = page_counts(b), cli_counts(binary, [], strict)
    c.check("seeds: grade filter 'confirmed' equals --status announced,completed --no-inferred",
            got == want, f"page {got} vs cli {want}")
    listed = b.js("""Array.from(document.querySelectorAll('#loops button')).map((x) => {
        const D = window.dealgraphExplore.data, l = D.loops[+x.dataset.loop];
        return l.entities.map((i) => D.entities[i].id); })""")
    strict_loops = json.loads(dealgraph(binary, "cycles", "--format", "json", *strict).stdout)["cycles"]
    c.check("seeds: with 'confirmed' alone the loops are those on confirmed deals",
            sorted(listed) == sorted(l["entities"] for l in strict_loops) and
            set(b.js("Array.from(document.querySelectorAll('#loops button')).map((x) => x.dataset.grade)")) <= {"confirmed"},
            f"{listed} vs {[l['entities'] for l in strict_loops]}")
    set_grades(b, ["confirmed", "in-talks", "rumored"])
    got, want = page_counts(b), cli_counts(binary, [], ["--no-inferred"])
    c.check("seeds: grade filter without 'inferred' equals --no-inferred", got == want, f"page {got} vs cli {want}")
    set_grades(b, ["confirmed", "in-talks", "rumored", "inferred"])
    got, want = page_counts(b), cli_counts(binary, [])
    c.check("seeds: every grade ticked again: the whole page", got == want, f"page {got} vs cli {want}")
    # The stakeholder summary splits totals by grade.
    split = b.js("""(() => { const X = window.dealgraphExplore;
        const i = X.data.entities.findIndex((e) => e.id === 'openai');
        X.cy.getElementById('n' + i).emit('tap');
        return Array.from(document.querySelectorAll('#details-body dd.split')).map((x) => x.textContent); })()""")
    c.check("seeds: OpenAI's stakeholder totals are split by grade",
            any(t.startswith("confirmed ") for t in split) and any(t.startswith("in talks ") for t in split), split)


def check_focus(b, c, binary, work):
    """`explore --focus` shows what `map --focus` shows at the as-of date."""
    for radius in ["1", "2"]:
        path = os.path.join(work, f"focus{radius}.html")
        dealgraph(binary, "explore", "--focus", "anthropic", "--radius", radius, "--out", path)
        label = f"--focus anthropic --radius {radius}"
        check_page(b, c, binary, label, [], path, ["--focus", "anthropic", "--radius", radius])
        c.check(f"{label}: titled", b.js("document.getElementById('title').textContent") ==
                "Who pays whom around Anthropic")


HOSTILE = [
    "</script><script>alert(1)</script>",
    "Say \"hi\" 'there' <!-- & -->",
    "Line one\nline two",
    "\u200fשלום \u202eevil\u202c مرحبا",
    "<img src=x onerror=alert(2)> \u2028 sep",
]


def check_hostile(b, c, binary, work):
    toml = []
    for i, name in enumerate(HOSTILE):
        toml.append(f'[[entity]]\nid = "h{i}"\nname = {json.dumps(name)}\nkind = "company"\n'
                    f'aliases = [{json.dumps(name + " alias")}]\n')
    for i in range(len(HOSTILE)):
        j = (i + 1) % len(HOSTILE)
        kind = "investment" if i == 0 else "cloud"
        toml.append(f'[[deal]]\nid = "d{i}"\nkind = "{kind}"\nfrom = "h{i}"\nto = "h{j}"\n'
                    f'notes = {json.dumps(HOSTILE[i])}\n[[deal.report]]\n'
                    f'source = {json.dumps("javascript:alert(3)" if i == 1 else HOSTILE[j])}\n'
                    f'publisher = {json.dumps(HOSTILE[i])}\ndate = "2025-01"\nstatus = "announced"\n'
                    f'amount_usd = 1000000000\n')
    data = os.path.join(work, "hostile.toml")
    with open(data, "w") as f:
        f.write("\n".join(toml))
    path = os.path.join(work, "hostile.html")
    dealgraph(binary, "--data", data, "explore", "--out", path)
    check_page(b, c, binary, "hostile", ["--data", data], path)
    names = b.js("window.dealgraphExplore.data.entities.map((e) => e.name)")
    c.check("hostile: names arrive unchanged", sorted(names) == sorted(HOSTILE), names)
    shown = []
    for i, name in enumerate(HOSTILE):
        shown.append(b.js(f"""(() => {{
            const D = window.dealgraphExplore.data;
            const i = D.entities.findIndex((e) => e.id === 'h{i}');
            window.dealgraphExplore.cy.getElementById('n' + i).emit('tap');
            return document.getElementById('details-title').textContent; }})()"""))
    c.check("hostile: details show each name as text", shown == HOSTILE, shown)
    b.js("""(() => { const s = document.getElementById('search'); s.value = 'script';
        s.dispatchEvent(new Event('input')); })()""")
    c.check("hostile: search finds the name as text",
            b.js("document.getElementById('matches').textContent") == HOSTILE[0])
    b.js("document.querySelectorAll('#loops button')[0] && document.querySelectorAll('#loops button')[0].click()")
    b.js("""(() => { const X = window.dealgraphExplore;
        for (let i = 0; i < X.data.deals.length; i++) X.cy.getElementById('d' + i).emit('tap'); })()""")
    inert = b.js("""[document.scripts.length, document.querySelectorAll('img, iframe, object, embed').length,
        Array.from(document.querySelectorAll('a[href]')).map((a) => a.protocol)]""")
    c.check("hostile: no element injected, no javascript: link", inert == [3, 0, []], inert)
    c.check("hostile: nothing ran, no console error", not b.problems(), b.problems())


def check_generated(b, c, binary, work, entities=1000, deals=2000):
    data = os.path.join(work, f"gen{entities}")
    dealgraph(binary, "generate", "--entities", str(entities), "--deals", str(deals), "--seed", "1", "--out", data)
    path = os.path.join(work, f"gen{entities}.html")
    dealgraph(binary, "--data", data, "explore", "--out", path)
    check_page(b, c, binary, f"{entities} generated entities", ["--data", data], path)
    listed = b.js("""Array.from(document.querySelectorAll('#loops button')).map((x) => {
        const D = window.dealgraphExplore.data, l = D.loops[+x.dataset.loop];
        return [l.entities.map((i) => D.entities[i].id), x.dataset.grade]; })""")
    cycles = json.loads(dealgraph(binary, "--data", data, "cycles", "--format", "json").stdout)["cycles"]
    n = min(len(listed), len(cycles))
    c.check(f"{entities} generated entities: the first loops are `cycles`'s, in its order, with its grades",
            n >= 20 and listed[:n] == [[l["entities"], l["grade"]] for l in cycles[:n]],
            f"{n} compared; first page {listed[:3]} vs cli {[[l['entities'], l['grade']] for l in cycles[:3]]}")
    set_date(b, "2020-06-30")
    got, want = page_counts(b), cli_counts(binary, ["--data", data], ["--as-of", "2020-06"])
    c.check(f"{entities} generated entities: slider at 2020-06 equals --as-of 2020-06", got == want, f"{got} vs {want}")
    c.check(f"{entities} generated entities: no console error", not b.problems(), b.problems())


def screenshots(b, binary, work, out):
    seeds = os.path.join(work, "seeds.html")
    dealgraph(binary, "explore", "--out", seeds)
    b.open(seeds)
    time.sleep(0.5)
    b.screenshot(os.path.join(out, "explore-seeds.png"))
    b.js("document.querySelectorAll('#loops button')[0].click()")
    b.js("""(() => { const X = window.dealgraphExplore;
        const i = X.data.entities.findIndex((e) => e.id === 'openai');
        X.cy.getElementById('n' + i).emit('tap'); })()""")
    time.sleep(0.5)
    b.screenshot(os.path.join(out, "explore-seeds-loop.png"))
    data = os.path.join(work, "gen1000")
    dealgraph(binary, "generate", "--entities", "1000", "--deals", "2000", "--seed", "1", "--out", data)
    page = os.path.join(work, "gen1000.html")
    dealgraph(binary, "--data", data, "explore", "--out", page)
    b.open(page)
    time.sleep(1.0)
    b.screenshot(os.path.join(out, "explore-1000.png"))
    b.js("document.querySelectorAll('#loops button')[0].click()")
    time.sleep(0.5)
    b.screenshot(os.path.join(out, "explore-1000-loop.png"))
    print(f"wrote {out}/explore-seeds.png, explore-seeds-loop.png, explore-1000.png, explore-1000-loop.png")


def bench(b, binary, work):
    print("| entities | deals | page size | `explore` (s) | time to ready in headless Chromium (s) |")
    print("|---:|---:|---:|---:|---:|")
    for n in [100, 1000, 5000]:
        data = os.path.join(work, f"bench{n}")
        dealgraph(binary, "generate", "--entities", str(n), "--deals", str(2 * n), "--seed", "1", "--out", data)
        page = os.path.join(work, f"bench{n}.html")
        started = time.time()
        dealgraph(binary, "--data", data, "explore", "--force", "--out", page)
        made = time.time() - started
        readies = []
        for _ in range(3):
            ready, _wall = b.open(page, timeout=600)
            readies.append(ready)
        size = os.path.getsize(page)
        print(f"| {n:,} | {2 * n:,} | {size / 1e6:.1f} MB | {made:.2f} | "
              f"{min(readies):.2f} (best of 3; worst {max(readies):.2f}) |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "dealgraph"))
    ap.add_argument("--browser", help="Chromium executable (default: the first of %s on PATH)" % BROWSERS)
    ap.add_argument("--require-browser", action="store_true", help="fail when no browser is found (also when CI=true)")
    ap.add_argument("--screenshots", metavar="DIR", help="write the docs screenshots into DIR and stop")
    ap.add_argument("--bench", action="store_true", help="print page sizes and times to ready, and stop")
    args = ap.parse_args()
    exe = args.browser or next((shutil.which(x) for x in BROWSERS if shutil.which(x)), None)
    if exe is None:
        if args.require_browser or os.environ.get("CI") == "true":
            print("FAIL no Chromium found (install Debian's chromium or chromium-headless-shell)")
            print("0 passed, 1 failed")
            return 1
        print("skipped: no Chromium found (install Debian's chromium); CI fails instead")
        return 0
    if not os.path.exists(args.binary):
        print(f"FAIL {args.binary} does not exist: run cargo build first")
        print("0 passed, 1 failed")
        return 1
    c = Checks()
    with tempfile.TemporaryDirectory(prefix="dealgraph-explore-") as work:
        b = Browser(exe)
        try:
            if args.screenshots:
                screenshots(b, args.binary, work, args.screenshots)
                return 0
            if args.bench:
                bench(b, args.binary, work)
                return 0
            for step in [check_seeds, check_hostile, check_focus, check_generated]:
                try:
                    step(b, c, args.binary, work)
                except Exception as e:  # a broken step fails, and the others still run
                    c.check(step.__name__, False, repr(e))
        finally:
            b.close()
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
