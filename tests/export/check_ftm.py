"""FollowTheMoney: `ftm validate` (the followthemoney package) re-parses every entity, then
this compares what it kept with the reference, because FtM drops unknown properties and
invalid values silently: every entity and deal, its schema, names, ends, amount, dates,
record id, and one description line per report."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from common import Checks, args, need

ftm_model = need("followthemoney").model
registry = need("followthemoney.types").registry

path, reference, _loops, _bound = args()
checks = Checks("ftm")

ftm = os.path.join(os.path.dirname(sys.executable), "ftm")
if not os.path.exists(ftm):
    ftm = shutil.which("ftm")
if ftm is None:
    print("the ftm command is not installed (pip install followthemoney)", file=sys.stderr)
    sys.exit(3)
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "validated.json")
    run = subprocess.run([ftm, "validate", "-i", path, "-o", out], capture_output=True, text=True)
    checks.equal("ftm validate exit status", (run.returncode, run.stderr[-2000:]), (0, ""))
    with open(out, encoding="utf-8") as f:
        proxies = [ftm_model.get_proxy(json.loads(line)) for line in f if line.strip()]

by_id = {p.id: p for p in proxies}
entities = {e["id"]: e for e in reference["entities"]}
deals = {d["id"]: d for d in reference["deals"]}
checks.equal("entity count", len(proxies), len(entities) + len(deals))

def ftm_text(text, prop_type="name"):
    """A value as FtM keeps it: its type's own cleaning (names lose control and bidi marks,
    surrounding quotes and repeated whitespace). The comparison then catches dropped or
    misplaced values, not FtM's normalisation."""
    return getattr(registry, prop_type).clean(text)


SCHEMA = {"company": "Company", "fund": "Company", "consortium": "Organization",
          "sovereign-fund": "PublicBody", "government": "PublicBody", "person": "Person"}
found, expected = {}, {}
for i, e in entities.items():
    p = by_id.get(f"dg-entity-{i}")
    found[i] = p and (p.schema.name, p.get("name"), sorted(p.get("alias")))
    expected[i] = (SCHEMA[e["kind"]], [ftm_text(e["name"])],
                   sorted({ftm_text(a) for a in e.get("aliases", [])}))
checks.equal("entities (schema, name, aliases)", found, expected)

ENDS = {"Ownership": ("owner", "asset"), "Debt": ("creditor", "debtor"),
        "Payment": ("payer", "beneficiary")}


found, expected = {}, {}
for i, d in deals.items():
    p = by_id.get(f"dg-deal-{i}")
    if p is None:
        found[i] = None
        expected[i] = "an entity"
        continue
    payer, payee = ENDS[p.schema.name]
    amount_prop = "sharesValue" if p.schema.name == "Ownership" else "amountUsd"
    amounts = [float(a) for a in p.get(amount_prop)]
    reports = [v for v in p.get("description") if v.startswith("report ")]
    found[i] = (p.get(payer), p.get(payee), p.get("recordId"), len(reports), len(amounts) <= 1)
    expected[i] = ([f"dg-entity-{d['from']}"], [f"dg-entity-{d['to']}"], [i],
                   len(d["reports"]), True)
    if d["kind"] == "loan":
        checks.equal(f"{i} schema", p.schema.name, "Debt")
    elif d["kind"] == "investment" and SCHEMA[entities[d["to"]]["kind"]] == "Company":
        checks.equal(f"{i} schema", p.schema.name, "Ownership")
    else:
        checks.equal(f"{i} schema", p.schema.name, "Payment")
    publishers = {ftm_text(r["publisher"], "string") for r in d["reports"] if "publisher" in r}
    checks.equal(f"{i} publishers", set(p.get("publisher")), publishers)
    urls = {r["source"] for r in d["reports"] if r["source"].startswith(("http://", "https://"))}
    checks.equal(f"{i} source URLs", set(p.get("sourceUrl")), urls)
    dates = {r["date"] for r in d["reports"] if "date" in r}
    checks.equal(f"{i} date is a report date", set(p.get("date")) <= dates, True)
    figures = {float(r["amount_usd"]) for r in d["reports"] if "amount_usd" in r}
    checks.equal(f"{i} amount is a report figure", set(amounts) <= figures, True)
checks.equal("deals (ends, record id, reports)", found, expected)
checks.finish()
