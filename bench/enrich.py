#!/usr/bin/env python3
"""Enrichment latency benchmark against a running Iris (bench/enrich.sh starts one).

1. Knowledge base: imports the 87 runbooks of SET_DIR/runbooks, then synthetic documents
   (bench/kbgen.py: host and service pages, past incidents with root causes, team variants
   of the runbooks) in multipart batches across the three collections, until the chunk count
   Iris reports in its import answers reaches --chunks.
2. Alerts: sends --warmup + --n webhooks at --rate per second, each a new Alertmanager group
   (unique groupKey) with one firing alert of a rule drawn from RULES_DIR, on a host of the
   synthetic fleet, with the rule's annotations rendered for it. The first --warmup are not
   counted (JIT and first-use costs), the rest are.
3. Waits until every incident carries its enrichment, polling GET /api/v1/incidents (only
   the window of incidents still waiting, newest first), and reads each enrichment's took_ms:
   the time Iris spent retrieving and writing the narrative, queue wait excluded.

Result lines on stdout: knowledge_chunks, enrichments, enrich_p50_ms, enrich_p99_ms,
enrich_max_ms (from took_ms), webhook_to_enriched_p50_ms and _p99_ms (from the webhook's 200
to the poll that first saw the enrichment: queue wait included, resolution one poll interval).
"""
import argparse
import datetime
import math
import os
import random
import sys
import threading
import time
import urllib.parse
import uuid

import benchlib
import kbgen
from benchlib import log as _log

BATCH_DOCS = 80  # files per import request: ~200 chunks, a few seconds of embedding each
# Share of the synthetic chunks per kind of document: (collection, generator name, tags, share).
KINDS = [
    ("infrastructure", "host_doc", ["host"], 0.30),
    ("infrastructure", "service_doc", ["service"], 0.10),
    ("incidents", "incident_doc", ["postmortem", "root_cause"], 0.35),
    ("runbooks", "runbook_variant", ["team-variant"], 0.25),
]


def log(*parts):
    _log("enrich.py", *parts)


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def load_runbooks(set_dir):
    """[(alertname, file name, text)]: the alert name is the title up to the first ':'."""
    out = []
    runbook_dir = os.path.join(set_dir, "runbooks")
    for name in sorted(os.listdir(runbook_dir)):
        if name.endswith(".md"):
            text = open(os.path.join(runbook_dir, name), encoding="utf-8").read()
            title = text.split("\n", 1)[0].lstrip("# ").strip()
            out.append((title.split(":", 1)[0], name, text))
    return out


# --- 1. knowledge base ----------------------------------------------------------------------
def load_knowledge(client, fleet, runbooks, target):
    started = time.perf_counter()
    total = 0
    not_embedded = 0

    def imported(collection, files, tags):
        nonlocal total, not_embedded
        answer = client.import_files(collection, files, tags)
        if len(answer) != len(files):
            raise SystemExit(f"enrich.py: sent {len(files)} files to {collection}, Iris imported {len(answer)}")
        chunks = sum(d.get("chunks", 0) for d in answer)
        not_embedded += sum(1 for d in answer if not d.get("embedded"))
        total += chunks
        took = time.perf_counter() - started
        log(f"knowledge: +{len(files)} {collection} documents, +{chunks} chunks -> {total}/{target} chunks, "
            f"{total / took:.0f} chunks/s, {took:.0f}s"
            + (f", eta {(target - total) / (total / took):.0f}s" if total < target else ""))
        return chunks

    imported("runbooks", [(name, text) for _, name, text in runbooks], ["runbook"])
    per_kind = {k[1]: [0, 0] for k in KINDS}  # generator -> [documents, chunks]
    base = total
    while total < target:
        # The kind furthest behind its share of the synthetic chunks goes next.
        done = max(1, total - base)
        collection, gen, tags, _ = min(KINDS, key=lambda k: per_kind[k[1]][1] / done - k[3])
        docs, chunks = per_kind[gen]
        per_doc = chunks / docs if docs else 2.5
        count = max(1, min(BATCH_DOCS, math.ceil((target - total) / per_doc)))
        files = [getattr(fleet, gen)() for _ in range(count)]
        got = imported(collection, files, tags)
        per_kind[gen][0] += count
        per_kind[gen][1] += got
    log("knowledge: " + ", ".join(f"{gen} {d} documents / {c} chunks" for gen, (d, c) in per_kind.items() if d)
        + f"; loaded in {time.perf_counter() - started:.0f}s")
    if not_embedded:
        log(f"WARNING: {not_embedded} documents stored without vectors (Iris embeds them later): "
            "searches miss them until then")
    return total


# --- 2. and 3. alerts, enrichments ------------------------------------------------------------
class Tracker:
    """Alerts sent and not yet seen enriched, and what was measured for each."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = {}  # fingerprint -> starts_at (RFC 3339, sortable: one format)
        self.alerts = {}   # fingerprint -> dict of measurements
        self.sending = True
        self.polls = 0
        self.poll_errors = 0

    def sent(self, fp, starts_at, alertname, warmup, ack):
        with self.lock:
            self.alerts[fp] = {"alertname": alertname, "warmup": warmup, "ack": ack, "starts_at": starts_at}
            self.pending[fp] = starts_at

    def seen(self, fp, item, at):
        with self.lock:
            if fp not in self.pending:
                return
            del self.pending[fp]
            e = item["enrichment"]
            runbooks = (e.get("context") or {}).get("runbooks") or []
            self.alerts[fp].update(seen=at, took_ms=e.get("took_ms"), generated_by=e.get("generated_by"),
                                   degraded=e.get("degraded"), error=e.get("error"), incident=item.get("id"),
                                   top_runbook=runbooks[0].get("title") if runbooks else None)

    def snapshot(self):
        with self.lock:
            return dict(self.pending), self.sending


def poller(client, tracker, interval, stop):
    """Polls the incidents still waiting: newest first from the oldest waiting one's starts_at."""
    while not stop.is_set():
        pending, sending = tracker.snapshot()
        if not pending and not sending:
            return
        if pending:
            params = {"since": min(pending.values()), "limit": 100}
            remaining = set(pending)
            try:
                while remaining:
                    page = client.get("/api/v1/incidents", params)
                    at = time.perf_counter()
                    tracker.polls += 1
                    for item in page["items"]:
                        remaining.discard(item.get("fingerprint"))
                        if item.get("fingerprint") in pending and item.get("enrichment"):
                            tracker.seen(item["fingerprint"], item, at)
                    if not page.get("next"):
                        break
                    params["cursor"] = page["next"]
            except Exception as e:  # a failed poll is retried at the next interval
                tracker.poll_errors += 1
                if tracker.poll_errors <= 5:
                    log(f"poll failed: {e}")
        stop.wait(interval)


def payload(rule, fleet, rng, seq, nonce, fingerprint, starts_at):
    host = fleet.host_for(rule["exporter"])
    port = benchlib.make_payloads.EXPORTER_PORTS.get(rule["exporter"], 9100)
    name = rule["alert"]
    labels = {"alertname": name, "instance": f"{host['name']}:{port}", "job": rule["exporter"],
              "severity": rule["labels"].get("severity", "warning"), "env": "prod", "datacenter": host["dc"],
              "service": rng.choice(host["services"])}
    annotations = benchlib.render_annotations(rule, labels)
    group_labels = {"alertname": name, "instance": labels["instance"]}
    return {
        "version": "4", "receiver": "iris", "status": "firing", "truncatedAlerts": 0,
        "groupKey": '{}/{bench="%s"}:{alertname="%s", instance="%s", seq="%d"}' % (nonce, name, labels["instance"], seq),
        "groupLabels": group_labels, "commonLabels": labels, "commonAnnotations": annotations,
        "externalURL": "http://alertmanager:9093",
        "alerts": [{"status": "firing", "labels": labels, "annotations": annotations, "startsAt": starts_at,
                    "endsAt": "0001-01-01T00:00:00Z", "fingerprint": fingerprint,
                    "generatorURL": "http://prometheus:9090/graph?g0.expr="
                                    + urllib.parse.quote(rule.get("expr", ""), safe="") + "&g0.tab=1"}],
    }


def send_alerts(client, tracker, fleet, rules, rng, n, warmup, rate):
    nonce = uuid.uuid4().hex[:8]
    total = warmup + n
    webhook_ms = []
    t0 = time.perf_counter()
    for seq in range(total):
        delay = t0 + seq / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        rule = rng.choice(rules)
        fingerprint = f"{nonce}{seq:08x}"
        starts_at = now_rfc3339()
        body = payload(rule, fleet, rng, seq, nonce, fingerprint, starts_at)
        sent = time.perf_counter()
        status, answer = client.webhook(body)
        ack = time.perf_counter()
        if status != 200 or (answer or {}).get("alerts") != 1:
            raise SystemExit(f"enrich.py: webhook {seq} -> {status} {answer}")
        webhook_ms.append((ack - sent) * 1000)
        tracker.sent(fingerprint, starts_at, rule["alert"], seq < warmup, ack)
        if (seq + 1) % max(1, int(rate * 10)) == 0:
            log(f"sent {seq + 1}/{total} webhooks, {len(tracker.snapshot()[0])} waiting for enrichment")
    took = time.perf_counter() - t0
    achieved = total / took if took > 0 else float("inf")
    log(f"sent {total} webhooks in {took:.1f}s ({achieved:.1f}/s, target {rate}/s); webhook answer "
        f"p50 {benchlib.percentile(webhook_ms, 50):.1f} ms, p99 {benchlib.percentile(webhook_ms, 99):.1f} ms")
    if achieved < 0.9 * rate:
        log(f"WARNING: sent at {achieved:.1f}/s, below the target {rate}/s (webhook answers too slow)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--rules", required=True, help="directory of Prometheus rule files (*.yml)")
    p.add_argument("--set", required=True, help="bench/retrieval (runbooks/*.md)")
    p.add_argument("--chunks", type=int, default=10000, help="knowledge base size to reach, in chunks")
    p.add_argument("--n", type=int, default=300, help="alerts measured")
    p.add_argument("--warmup", type=int, default=10, help="alerts sent first and not measured")
    p.add_argument("--rate", type=float, default=10.0, help="webhooks per second")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--poll-ms", type=int, default=100)
    p.add_argument("--timeout", type=int, default=300, help="seconds to wait for enrichments after the last webhook")
    p.add_argument("--stall", type=int, default=60, help="give up when no incident got enriched for this long")
    args = p.parse_args()
    if args.n < 1 or args.rate <= 0:
        sys.exit("enrich.py: --n must be at least 1 and --rate positive")

    client = benchlib.Client(args.url, args.api_key, token=args.token)
    rules = benchlib.load_rules(args.rules)
    runbooks = load_runbooks(args.set)
    # About one host page per host: a fleet that grows with the knowledge base.
    fleet = kbgen.Fleet(args.seed, rules, runbooks, hosts=max(240, args.chunks // 8))
    rng = random.Random(args.seed + 1)

    chunks = load_knowledge(client, fleet, runbooks, args.chunks)

    tracker = Tracker()
    stop = threading.Event()
    poll_thread = threading.Thread(target=poller, args=(client, tracker, args.poll_ms / 1000, stop), daemon=True)
    poll_thread.start()
    try:
        send_alerts(client, tracker, fleet, rules, rng, args.n, args.warmup, args.rate)
        with tracker.lock:
            tracker.sending = False
        deadline = time.perf_counter() + args.timeout
        last_log = last_progress = time.perf_counter()
        waiting = len(tracker.snapshot()[0])
        while poll_thread.is_alive() and time.perf_counter() < deadline:
            poll_thread.join(1)
            now = time.perf_counter()
            if len(tracker.snapshot()[0]) < waiting:
                waiting, last_progress = len(tracker.snapshot()[0]), now
            elif now - last_progress >= args.stall:
                log(f"no enrichment for {args.stall}s, giving up")
                break
            if now - last_log >= 10:
                log(f"{waiting} incidents still waiting for enrichment")
                last_log = now
    finally:
        stop.set()
    pending, _ = tracker.snapshot()
    if pending:
        log(f"{len(pending)} of {args.warmup + args.n} incidents not enriched; first few:")
        for fp in list(pending)[:5]:
            items = client.get("/api/v1/incidents", {"since": pending[fp], "limit": 50})["items"]
            state = next((i.get("pipeline_state") for i in items if i.get("fingerprint") == fp), "not found")
            log(f"  {tracker.alerts[fp]['alertname']} fingerprint {fp}: pipeline_state {state}")
        sys.exit(1)

    measured = [a for a in tracker.alerts.values() if not a["warmup"]]
    warm = [a for a in tracker.alerts.values() if a["warmup"]]
    took = [a["took_ms"] for a in measured if a.get("took_ms") is not None]
    lag = [(a["seen"] - a["ack"]) * 1000 for a in measured]
    if len(took) != len(measured):
        log(f"WARNING: {len(measured) - len(took)} enrichments without took_ms")
    if not took:
        sys.exit("enrich.py: no enrichment carried took_ms")

    # --- diagnostics ---------------------------------------------------------------------------
    by_generator = {}
    for a in measured:
        by_generator[a.get("generated_by")] = by_generator.get(a.get("generated_by"), 0) + 1
    log("generated_by: " + ", ".join(f"{k} {v}" for k, v in sorted(by_generator.items(), key=str)))
    for key in ("degraded", "error"):
        found = [a for a in measured if a.get(key)]
        if found:
            log(f"WARNING: {len(found)} enrichments with {key}, e.g. {found[0][key]}")
    own = sum(1 for a in measured if (a.get("top_runbook") or "").startswith(a["alertname"] + ":"))
    log(f"first runbook in the context is the alert's own (title starts with its name) in {own} of {len(measured)} enrichments")
    others = [a for a in measured if not (a.get("top_runbook") or "").startswith(a["alertname"] + ":")]
    for a in others[:10]:
        log(f"  {a['alertname']} (incident {a.get('incident')}): first runbook {a.get('top_runbook')!r}")
    if warm:
        log("warm-up took_ms (not counted): " + " ".join(str(a.get("took_ms")) for a in warm))
    log(f"{tracker.polls} incident polls every {args.poll_ms} ms, {tracker.poll_errors} failed")
    try:
        _, metrics = client.call("GET", "/metrics", raw=True)
        for line in metrics.splitlines():
            if line.startswith(("iris_enrichment_seconds", "iris_enrichments_total", "iris_enrichment_queue_waiting")):
                log("metrics: " + line)
    except Exception as e:
        log(f"cannot read /metrics: {e}")

    print(f"knowledge_chunks {chunks}")
    print(f"enrichments {len(took)}")
    print(f"enrich_p50_ms {benchlib.percentile(took, 50)}")
    print(f"enrich_p99_ms {benchlib.percentile(took, 99)}")
    print(f"enrich_max_ms {max(took)}")
    print(f"webhook_to_enriched_p50_ms {benchlib.percentile(lag, 50):.0f}")
    print(f"webhook_to_enriched_p99_ms {benchlib.percentile(lag, 99):.0f}")


if __name__ == "__main__":
    try:
        main()
    except benchlib.HttpError as e:
        sys.exit(f"enrich.py: {e}")
