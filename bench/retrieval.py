#!/usr/bin/env python3
"""Runbook retrieval benchmark against a running Iris (bench/retrieval.sh starts one).

Usage: retrieval.py BASE_URL API_KEY RULES_DIR SET_DIR

Imports SET_DIR/runbooks/*.md into the runbooks collection (one multipart request), then for
every entry of SET_DIR/queries.json searches the runbooks (limit 3) twice:
  with name     the text Iris itself searches with for that alert: alert name (whole and
                spelled out), the rule's summary and description rendered for a plausible
                instance, the job label (see benchlib.alert_query)
  without name  the entry's paraphrase
A hit is the expected runbook among the 3 results; it is recognised by its title, which
starts with "<alertname>:". Misses go to stderr with the titles that came back instead.
Result lines on stdout: queries, recall_at_3_with_name, recall_at_3_without_name,
mrr_without_name (reciprocal rank within the top 3, 0 beyond), search_p50_ms, search_p99_ms
(client-side, every counted search of both kinds).
"""
import json
import os
import sys
import time

import benchlib
from benchlib import log as _log

LIMIT = 3
WARMUP_QUERIES = ["disk full on a database server", "web server returns errors", "replication is behind",
                  "memory usage high", "service is down"]


def log(*parts):
    _log("retrieval.py", *parts)


def rank_of(results, alertname):
    """1-based rank of the runbook of alertname in results, or None."""
    for i, r in enumerate(results, 1):
        if (r.get("title") or "").startswith(alertname + ":"):
            return i
    return None


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    base_url, api_key, rules_dir, set_dir = sys.argv[1:]
    client = benchlib.Client(base_url, api_key)

    queries = json.load(open(os.path.join(set_dir, "queries.json"), encoding="utf-8"))
    rules = {r["alert"]: r for r in benchlib.load_rules(rules_dir)}
    missing = [q["alertname"] for q in queries if q["alertname"] not in rules]
    if missing:
        sys.exit(f"retrieval.py: no rule in {rules_dir} for {', '.join(missing)}")

    # --- import the runbooks ---------------------------------------------------------------
    runbook_dir = os.path.join(set_dir, "runbooks")
    names = sorted(n for n in os.listdir(runbook_dir) if n.endswith(".md"))
    files = [(n, open(os.path.join(runbook_dir, n), encoding="utf-8").read()) for n in names]
    started = time.perf_counter()
    imported = client.import_files("runbooks", files)
    took = time.perf_counter() - started
    chunks = sum(d.get("chunks", 0) for d in imported)
    not_embedded = [d["file"] for d in imported if not d.get("embedded")]
    log(f"imported {len(imported)} runbooks, {chunks} chunks, in {took:.1f}s")
    if len(imported) != len(files):
        sys.exit(f"retrieval.py: sent {len(files)} runbooks, Iris imported {len(imported)}")
    if not_embedded:
        sys.exit(f"retrieval.py: not embedded (vector search would miss them): {', '.join(not_embedded)}")
    titles = {d["title"] for d in imported}
    for q in queries:
        if not any(t.startswith(q["alertname"] + ":") for t in titles):
            log(f"WARNING: no imported runbook title starts with '{q['alertname']}:' (queries.json names {q['runbook']})")

    # --- searches ------------------------------------------------------------------------------
    for text in WARMUP_QUERIES:  # first calls pay for JIT and connection set-up; not counted
        client.search(text, "runbooks", LIMIT)

    latencies = []
    hits_named = hits_para = 0
    rr_sum = rr_named = 0.0
    misses = []
    for q in queries:
        name = q["alertname"]
        rule = rules[name]
        labels = {"alertname": name, "instance": benchlib.instance_of(rule), "job": rule["exporter"],
                  "severity": rule["labels"].get("severity", "warning")}
        named_query = benchlib.alert_query(name, labels, benchlib.render_annotations(rule, labels))
        for kind, text in (("with name", named_query), ("without name", q["paraphrase"])):
            t0 = time.perf_counter()
            results = client.search(text, "runbooks", LIMIT)
            latencies.append(benchlib.elapsed_ms(t0))
            rank = rank_of(results, name)
            if kind == "with name":
                hits_named += rank is not None
                rr_named += 1.0 / rank if rank else 0.0
            else:
                hits_para += rank is not None
                rr_sum += 1.0 / rank if rank else 0.0
            if rank is None:
                misses.append((kind, name, text, [r.get("title") for r in results]))
            elif rank > 1:
                log(f"rank {rank} ({kind}) {name}: top was {results[0].get('title')!r}")

    n = len(queries)
    log(f"with name: mean reciprocal rank within the top {LIMIT} {rr_named / n:.3f}")
    for kind in ("with name", "without name"):
        found = [m for m in misses if m[0] == kind]
        log(f"misses {kind}: {len(found)} of {n}")
        for _, name, text, top in found:
            log(f"  MISS ({kind}) {name}")
            log(f"    query: {text}")
            for i, t in enumerate(top, 1):
                log(f"    {i}. {t}")

    print(f"queries {n}")
    print(f"recall_at_3_with_name {hits_named / n:.3f}")
    print(f"recall_at_3_without_name {hits_para / n:.3f}")
    print(f"mrr_without_name {rr_sum / n:.3f}")
    print(f"search_p50_ms {benchlib.percentile(latencies, 50):.1f}")
    print(f"search_p99_ms {benchlib.percentile(latencies, 99):.1f}")


if __name__ == "__main__":
    try:
        main()
    except benchlib.HttpError as e:
        sys.exit(f"retrieval.py: {e}")
