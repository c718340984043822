#!/usr/bin/env python3
"""End-to-end pipeline latency benchmark against a running Iris (bench/pipeline.sh starts one):
from the 200 of an Alertmanager webhook to the Teams card arriving at the maintainer's webhook.

1. Teams receiver: a ThreadingHTTPServer on 127.0.0.1 (in this process, so both ends of a
   measurement read one clock) standing in for the maintainers' Teams Workflows webhooks. It
   answers 202 with an empty body, like Teams, after --teams-delay-ms, checks the envelope
   (message, one Adaptive Card) and records each card's arrival, webhook path and the group
   marker: every alert's generatorURL carries "iris_bench=<nonce>.<seq>", which the card's
   "Prometheus" button repeats.
2. Registry: --maintainers maintainers bench-m<i>, each with a webhook URL of its own on the
   receiver (/teams/m<i>?sig=...; Iris posts to one URL at most notify.teams_rate_per_second
   times a second), one service "shop", and --hosts hosts h<j> with maintainer bench-m<j mod M>
   (a host's maintainers override its service's, so each alert has exactly one recipient).
3. Knowledge: imports the runbooks of SET_DIR/runbooks, so enrichments find content.
4. Warm-up: --warmup groups at --rate per second, not counted (the JIT needs warming); waits
   for their cards.
5. Load: --rate groups per second for --duration seconds. Each webhook is a new Alertmanager
   group (unique groupKey) with one firing alert of a node-exporter rule of RULES_DIR on host
   h<seq mod hosts>:9100, so consecutive groups go to the maintainers in turn. Webhooks are
   sent on a fixed schedule by --senders threads on keep-alive connections (so at most that
   many wait for an answer at once: when answers slow down, sending falls behind, which is
   reported); the time each got its 200 is recorded.
6. Waits until every acknowledged group has its card, at most --grace seconds after the last
   webhook; a group still without a card then is lost.

Result lines on stdout: groups_sent (measured webhooks answered 200), cards_received (cards of
measured groups, repeats included), pipeline_p50_ms, pipeline_p99_ms, pipeline_max_ms (card
arrival minus webhook 200, the group's first card, nearest rank, over the groups that got a
card) and lost.
Diagnostics on stderr: send rate and schedule slip, webhook answer times, CPU used by Iris, its
PostgreSQL and this process during the load, latency per 5-second window, slowest groups,
repeated or misrouted cards, receiver connections, maxima of Iris's queue and pool gauges
sampled during the load, and Iris's /metrics at the end.
"""
import argparse
import datetime
import http.client
import json
import os
import random
import re
import secrets
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import benchlib
from benchlib import log as _log

EXPORTER = "node-exporter"
PORT = 9100
SERVICE = "shop"
MARKER = re.compile(r"iris_bench=([0-9a-f]+)\.(\d+)")
# Logged at the end (buckets left out): Iris's own, and the pools (sql: PostgreSQL; http: the Teams client).
METRIC_PREFIXES = ("iris_enrichment_seconds", "iris_enrichments_total", "iris_enrichment_queue_waiting",
                   "iris_ingest_commit_seconds", "iris_event_loop_delay_seconds", "iris_webhook_requests_total",
                   "vertx_pool_queue_time_seconds", "vertx_pool_usage_seconds", "vertx_http_client_response_time_seconds")
# Gauges sampled during the load, to report their maximum: work waiting for a slot.
SAMPLED_GAUGES = ("iris_enrichment_queue_waiting", "vertx_pool_queue_pending", "vertx_pool_in_use",
                  "vertx_http_client_active_requests")


def log(*parts):
    _log("pipeline.py", *parts)


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pct(values, p):
    return benchlib.percentile(values, p) if values else float("nan")


# --- 1. Teams receiver ------------------------------------------------------------------------
class Receiver:
    """Cards posted by Iris: seq -> [(arrival, webhook path)], plus what did not fit."""

    def __init__(self, nonce, delay_ms):
        self.nonce = nonce
        self.delay = delay_ms / 1000
        self.lock = threading.Lock()
        self.cards = {}
        self.unmatched = []   # (path, reason) of cards without our marker or of the wrong shape
        self.peers = set()    # client ports: the connections Iris opened
        self.active = 0
        self.max_active = 0
        self.server = None

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Iris's client expects of Teams

            def do_POST(self):
                with receiver.lock:
                    receiver.active += 1
                    receiver.max_active = max(receiver.max_active, receiver.active)
                    receiver.peers.add(self.client_address[1])
                try:
                    body = self._body()
                    at = time.perf_counter()
                    receiver.record(at, self.path, body)
                    if receiver.delay > 0:
                        time.sleep(receiver.delay)
                    self.send_response(202)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                finally:
                    with receiver.lock:
                        receiver.active -= 1

            def _body(self):
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    parts = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(parts)
                        parts.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def record(self, at, path, body):
        text = body.decode("utf-8", "replace")
        reason = None
        try:
            message = json.loads(text)
            attachment = message["attachments"][0]
            if message.get("type") != "message" or len(message["attachments"]) != 1 \
                    or attachment.get("contentType") != "application/vnd.microsoft.card.adaptive" \
                    or attachment["content"].get("type") != "AdaptiveCard":
                reason = "not a message with one Adaptive Card"
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            reason = "not the Teams message envelope"
        m = MARKER.search(text)
        with self.lock:
            if reason or not m or m.group(1) != self.nonce:
                self.unmatched.append((path, reason or "no iris_bench marker of this run"))
                return
            self.cards.setdefault(int(m.group(2)), []).append((at, urllib.parse.urlsplit(path).path))

    def received(self, seqs):
        with self.lock:
            return sum(1 for s in seqs if s in self.cards)

    def stop(self):
        if self.server:
            self.server.shutdown()


# --- 2. and 3. registry and knowledge ---------------------------------------------------------------
def fill_registry(client, receiver_url, maintainers, hosts):
    started = time.perf_counter()
    client.call("POST", "/api/v1/services", {"name": SERVICE, "description": "The benchmark's fleet"})

    def maintainer(i):
        client.call("POST", "/api/v1/maintainers", {
            "name": f"bench-m{i}", "email": f"bench-m{i}@example.invalid",
            "teams_webhook_url": f"{receiver_url}/teams/m{i}?api-version=1&sig={secrets.token_urlsafe(16)}",
            "min_severity": "info", "digest_frequency": "none"})

    def host(j):
        client.call("POST", "/api/v1/hosts", {
            "hostname": f"h{j}", "address": f"10.{j >> 16 & 255}.{j >> 8 & 255}.{j & 255}", "os": "linux",
            "environment": "prod", "services": [SERVICE], "maintainers": [f"bench-m{j % maintainers}"]})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(maintainer, range(maintainers)))
        list(pool.map(host, range(hosts)))
    log(f"registry: {maintainers} maintainers with a webhook each, service {SERVICE}, {hosts} hosts, "
        f"in {time.perf_counter() - started:.1f}s")


def load_runbooks(client, set_dir):
    runbook_dir = os.path.join(set_dir, "runbooks")
    files = [(name, open(os.path.join(runbook_dir, name), encoding="utf-8").read())
             for name in sorted(os.listdir(runbook_dir)) if name.endswith(".md")]
    started = time.perf_counter()
    answer = client.import_files("runbooks", files, ["runbook"])
    chunks = sum(d.get("chunks", 0) for d in answer)
    not_embedded = sum(1 for d in answer if not d.get("embedded"))
    log(f"knowledge: {len(answer)} runbooks, {chunks} chunks, imported in {time.perf_counter() - started:.1f}s"
        + (f"; WARNING: {not_embedded} without vectors" if not_embedded else ""))


# --- 4. and 5. webhooks --------------------------------------------------------------------------
class Groups:
    """The webhook payload of each group, and what happened to it."""

    def __init__(self, nonce, rules, hosts, maintainers, seed):
        self.nonce = nonce
        self.rules = rules
        self.hosts = hosts
        self.maintainers = maintainers
        self.seed = seed
        self.lock = threading.Lock()
        self.sent = {}     # seq -> {"phase", "alertname", "due", "start", "ack"}
        self.errors = []   # (seq, what went wrong)

    def host(self, seq):
        return seq % self.hosts

    def expected_path(self, seq):
        return f"/teams/m{self.host(seq) % self.maintainers}"

    def fingerprint(self, seq, phase):
        """<nonce>m<seq> for measured groups, <nonce>w<seq> for the warm-up (pipeline.sh selects on it)."""
        return f"{self.nonce}{'m' if phase == 'load' else 'w'}{seq:07x}"

    def payload(self, seq, phase):
        # drawn per group, not from one shared generator: the same groups whatever the threads do
        rule = self.rules[random.Random(f"{self.seed}:{seq}").randrange(len(self.rules))]
        name = rule["alert"]
        instance = f"h{self.host(seq)}:{PORT}"
        labels = {"alertname": name, "instance": instance, "job": EXPORTER,
                  "severity": rule["labels"].get("severity", "warning"), "env": "prod", "service": SERVICE}
        annotations = benchlib.render_annotations(rule, labels)
        generator = ("http://prometheus:9090/graph?g0.expr=" + urllib.parse.quote(rule.get("expr", ""), safe="")
                     + f"&g0.tab=1&iris_bench={self.nonce}.{seq}")
        body = {
            "version": "4", "receiver": "iris", "status": "firing", "truncatedAlerts": 0,
            "groupKey": '{}/{bench="%s"}:{alertname="%s", instance="%s", seq="%d"}' % (self.nonce, name, instance, seq),
            "groupLabels": {"alertname": name, "instance": instance}, "commonLabels": labels,
            "commonAnnotations": annotations, "externalURL": "http://alertmanager:9093",
            "alerts": [{"status": "firing", "labels": labels, "annotations": annotations, "startsAt": now_rfc3339(),
                        "endsAt": "0001-01-01T00:00:00Z", "fingerprint": self.fingerprint(seq, phase),
                        "generatorURL": generator}],
        }
        return name, json.dumps(body, separators=(",", ":")).encode("utf-8")


def send_phase(url, token, groups, first, count, rate, senders, phase):
    """Sends groups first..first+count-1, group i due at t0 + i/rate, on `senders` threads."""
    target = urllib.parse.urlsplit(url)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    lock = threading.Lock()
    next_index = [0]
    t0 = time.perf_counter() + 0.05

    def post(conn, body):
        conn.request("POST", "/webhooks/alertmanager", body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()

    def worker():
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        try:
            while True:
                with lock:
                    i = next_index[0]
                    next_index[0] += 1
                if i >= count:
                    return
                seq = first + i
                due = t0 + i / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                name, body = groups.payload(seq, phase)
                start = time.perf_counter()
                try:
                    try:
                        status, answer = post(conn, body)
                    except (http.client.HTTPException, ConnectionError):
                        conn.close()  # a keep-alive connection closed under us: one more try on a new one
                        status, answer = post(conn, body)
                except Exception as e:
                    conn.close()
                    with groups.lock:
                        groups.errors.append((seq, f"{type(e).__name__}: {e}"))
                    continue
                ack = time.perf_counter()
                ok = status == 200
                if ok:
                    try:
                        ok = json.loads(answer).get("alerts") == 1
                    except ValueError:
                        ok = False
                with groups.lock:
                    if ok:
                        groups.sent[seq] = {"phase": phase, "alertname": name, "due": due, "start": start, "ack": ack}
                    else:
                        groups.errors.append((seq, f"HTTP {status} {answer[:200]!r}"))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    with groups.lock:
        mine = [groups.sent[s] for s in range(first, first + count) if s in groups.sent]
        errors = [e for e in groups.errors if first <= e[0] < first + count]
    log(f"{phase}: sent {count} webhooks in {took:.1f}s, {len(mine)} answered 200"
        + (f", {len(errors)} failed (first: {errors[0][1]})" if errors else ""))
    if mine:
        slip = [(g["start"] - g["due"]) * 1000 for g in mine]
        answer_ms = [(g["ack"] - g["start"]) * 1000 for g in mine]
        span = max(g["start"] for g in mine) - min(g["start"] for g in mine)
        achieved = (len(mine) - 1) / span if span > 0 else float(rate)
        log(f"{phase}: sent at {achieved:.1f}/s (target {rate:g}/s); webhook answer p50 {pct(answer_ms, 50):.1f} ms, "
            f"p99 {pct(answer_ms, 99):.1f} ms, max {max(answer_ms):.1f} ms; start behind schedule "
            f"p99 {pct(slip, 99):.1f} ms, max {max(slip):.1f} ms")
        if achieved < 0.95 * rate:
            log(f"WARNING: {phase} sent at {achieved:.1f}/s, below the target {rate:g}/s "
                "(webhook answers too slow for the senders, or this machine is too busy)")
    return [s for s in range(first, first + count) if s in groups.sent]


def wait_cards(receiver, seqs, last_ack, grace, phase):
    """Until every group in seqs has a card, or grace seconds after last_ack."""
    deadline = last_ack + grace
    last_log = time.perf_counter()
    while True:
        got = receiver.received(seqs)
        now = time.perf_counter()
        if got == len(seqs) or now >= deadline:
            return got
        if now - last_log >= 5:
            log(f"{phase}: {len(seqs) - got} of {len(seqs)} groups still without a card")
            last_log = now
        time.sleep(0.05)


# --- /metrics -----------------------------------------------------------------------------------
def metric_lines(client, prefixes=METRIC_PREFIXES):
    _, text = client.call("GET", "/metrics", raw=True, timeout=10)
    return [line for line in text.splitlines() if line.startswith(prefixes)]


class MetricsSampler(threading.Thread):
    """Reads /metrics every interval: the largest value each SAMPLED_GAUGES series took, and
    the samples of the enrichment queue's length."""

    def __init__(self, client, interval):
        super().__init__(daemon=True)
        self.client = client
        self.interval = interval
        self.stop = threading.Event()
        self.maxima = {}
        self.queue_waiting = []

    def run(self):
        while not self.stop.wait(self.interval):
            try:
                for line in metric_lines(self.client, SAMPLED_GAUGES):
                    series, _, value = line.rpartition(" ")
                    self.maxima[series] = max(self.maxima.get(series, 0.0), float(value))
                    if series.startswith("iris_enrichment_queue_waiting"):
                        self.queue_waiting.append(float(value))
            except Exception as e:  # a missed sample is no reason to stop the run
                log(f"cannot read /metrics: {e}")


# --- CPU ------------------------------------------------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK")


def proc_stats():
    """pid -> (ppid, own CPU seconds, CPU seconds of its reaped children) of every process."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        # after "pid (comm)": state ppid ... utime(12) stime(13) cutime(14) cstime(15)
        out[int(pid)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK,
                         (int(fields[13]) + int(fields[14])) / TICK)
    return out


def postmaster_pid(data_dir):
    """The embedded PostgreSQL's server process: pg_ctl starts it detached, not as Iris's child."""
    for root, _, files in os.walk(data_dir or "/nonexistent"):
        if "postmaster.pid" in files:
            try:
                with open(os.path.join(root, "postmaster.pid"), encoding="ascii") as f:
                    return int(f.readline().strip())
            except (OSError, ValueError):
                return None
    return None


def cpu_snapshot(iris_pid, pg_pid):
    """CPU seconds used so far by Iris's JVM, by its embedded PostgreSQL (the server and its
    backends, plus any other process Iris started) and by this process (the load generator and
    the Teams receiver)."""
    own = os.times()
    snapshot = {"bench": own.user + own.system, "jvm": 0.0, "postgres": 0.0}
    stats = proc_stats()
    children = {}
    for pid, (ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    if iris_pid in stats:
        snapshot["jvm"] = stats[iris_pid][1]
    todo = list(children.get(iris_pid, [])) + ([pg_pid] if pg_pid in stats else [])
    seen = set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        snapshot["postgres"] += stats[pid][1] + stats[pid][2]
        todo.extend(children.get(pid, []))
    return snapshot


# --- results -------------------------------------------------------------------------------------
def report(groups, receiver, measured, client):
    with receiver.lock:
        cards = {s: list(v) for s, v in receiver.cards.items()}
        unmatched = list(receiver.unmatched)
    latency = {}
    misrouted = duplicates = 0
    for seq in measured:
        got = cards.get(seq)
        if not got:
            continue
        latency[seq] = (got[0][0] - groups.sent[seq]["ack"]) * 1000
        duplicates += len(got) - 1
        misrouted += sum(1 for _, path in got if path != groups.expected_path(seq))
    lost = [s for s in measured if s not in latency]
    values = list(latency.values())

    if values:
        by_window = {}
        t_first = groups.sent[measured[0]]["ack"]
        for seq, ms in latency.items():
            by_window.setdefault(int((groups.sent[seq]["ack"] - t_first) // 5), []).append(ms)
        log("latency per 5 s of sending (p50/p99/max ms): " + "; ".join(
            f"{w * 5}-{w * 5 + 5}s {pct(v, 50):.0f}/{pct(v, 99):.0f}/{max(v):.0f}" for w, v in sorted(by_window.items())))
        slowest = sorted(latency.items(), key=lambda kv: -kv[1])[:5]
        log("slowest: " + ", ".join(f"#{s} {groups.sent[s]['alertname']} on h{groups.host(s)} to "
                                     f"{groups.expected_path(s)} {ms:.0f} ms" for s, ms in slowest))
        negative = sum(1 for v in values if v < 0)
        if negative:
            log(f"{negative} cards arrived before their webhook's 200 reached the sender")
    if duplicates:
        log(f"WARNING: {duplicates} repeated cards for measured groups")
    if misrouted:
        log(f"WARNING: {misrouted} cards went to another maintainer's webhook than the host's")
    if unmatched:
        log(f"WARNING: {len(unmatched)} posts that are not a card of this run, e.g. {unmatched[0]}")
    all_cards = sum(len(v) for v in cards.values())
    log(f"receiver: {all_cards} cards in all, on {len(receiver.peers)} connections from Iris, "
        f"at most {receiver.max_active} at once")
    if lost:
        log(f"{len(lost)} measured groups without a card; first few:")
        for seq in lost[:5]:
            g = groups.sent[seq]
            fp = groups.fingerprint(seq, "load")
            try:
                items = client.get("/api/v1/incidents", {"instance": f"h{groups.host(seq)}:{PORT}", "limit": 50})["items"]
                item = next((i for i in items if i.get("fingerprint") == fp), None)
                state = "incident not found" if item is None else \
                    f"pipeline_state {item.get('pipeline_state')}, enriched {bool(item.get('enrichment'))}"
            except Exception as e:
                state = f"cannot look it up: {e}"
            log(f"  #{seq} {g['alertname']} on h{groups.host(seq)} (fingerprint {fp}): {state}")
    return values, lost, sum(len(cards.get(s, [])) for s in measured)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--rules", required=True, help="directory of Prometheus rule files (*.yml)")
    p.add_argument("--set", required=True, help="bench/retrieval (runbooks/*.md)")
    p.add_argument("--nonce", required=True, help="hex marker of this run (in fingerprints, group keys, generator URLs)")
    p.add_argument("--rate", type=float, default=100.0, help="groups (webhooks) per second")
    p.add_argument("--duration", type=float, default=30.0, help="seconds of measured load")
    p.add_argument("--warmup", type=int, default=200, help="groups sent first and not counted")
    p.add_argument("--maintainers", type=int, default=40)
    p.add_argument("--hosts", type=int, default=1000)
    p.add_argument("--senders", type=int, default=32, help="threads sending webhooks (at most this many waiting for an answer)")
    p.add_argument("--grace", type=float, default=30.0, help="seconds to wait for cards after the last webhook")
    p.add_argument("--teams-delay-ms", type=float, default=0.0, help="how long the receiver takes to answer")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--metrics-out", help="file for Iris's /metrics as it stands after the run")
    p.add_argument("--iris-pid", type=int, help="Iris's process, for the CPU it used")
    p.add_argument("--iris-data", help="Iris's data directory, where its embedded PostgreSQL's postmaster.pid is")
    args = p.parse_args()
    if args.rate <= 0 or args.duration <= 0 or args.maintainers < 1 or args.hosts < 1 or args.senders < 1:
        sys.exit("pipeline.py: --rate and --duration must be positive, --maintainers, --hosts and --senders at least 1")
    if not re.fullmatch(r"[0-9a-f]+", args.nonce):
        sys.exit("pipeline.py: --nonce must be lower-case hex")

    client = benchlib.Client(args.url, args.api_key, token=args.token)
    rules = [r for r in benchlib.load_rules(args.rules) if r["exporter"] == EXPORTER]
    if not rules:
        sys.exit(f"pipeline.py: no {EXPORTER} rules in {args.rules}")
    receiver = Receiver(args.nonce, args.teams_delay_ms)
    receiver_url = receiver.start()
    log(f"Teams receiver on {receiver_url}" + (f", answering after {args.teams_delay_ms:g} ms" if args.teams_delay_ms else ""))
    try:
        fill_registry(client, receiver_url, args.maintainers, args.hosts)
        load_runbooks(client, args.set)
        groups = Groups(args.nonce, rules, args.hosts, args.maintainers, args.seed)

        if args.warmup:
            warm = send_phase(args.url, args.token, groups, 0, args.warmup, args.rate, args.senders, "warm-up")
            if warm:
                last = max(groups.sent[s]["ack"] for s in warm)
                got = wait_cards(receiver, warm, last, args.grace, "warm-up")
                log(f"warm-up: {got} of {len(warm)} cards, the last {(time.perf_counter() - last) * 1000:.0f} ms "
                    "after the last webhook")
            time.sleep(1)

        count = max(1, round(args.rate * args.duration))
        sampler = MetricsSampler(client, 2.0)
        sampler.start()
        log(f"load: {count} groups at {args.rate:g}/s to {args.maintainers} maintainers "
            f"({args.rate / args.maintainers:.2f} cards/s per webhook)")
        pg_pid = postmaster_pid(args.iris_data)
        cpu_before, cpu_started = cpu_snapshot(args.iris_pid, pg_pid), time.perf_counter()
        measured = send_phase(args.url, args.token, groups, args.warmup, count, args.rate, args.senders, "load")
        if not measured:
            sys.exit("pipeline.py: no measured webhook was accepted")
        last = max(groups.sent[s]["ack"] for s in measured)
        wait_cards(receiver, measured, last, args.grace, "load")
        sampler.stop.set()
        cpu_after, cpu_took = cpu_snapshot(args.iris_pid, pg_pid), time.perf_counter() - cpu_started
        log(f"CPU from the first webhook of the load to the last card, {cpu_took:.1f}s on {os.cpu_count()} cores, in cores busy: "
            + ", ".join(f"{name} {(cpu_after[name] - cpu_before[name]) / cpu_took:.2f}"
                        for name in ("jvm", "postgres", "bench")) + " (jvm: Iris; postgres: its embedded server; "
            "bench: this load generator and Teams receiver)")

        values, lost, cards = report(groups, receiver, measured, client)
        if sampler.queue_waiting:
            log(f"enrichment queue waiting, sampled every 2 s: max {max(sampler.queue_waiting):.0f}, "
                f"mean {sum(sampler.queue_waiting) / len(sampler.queue_waiting):.1f}")
        for series, value in sorted(sampler.maxima.items()):
            log(f"metrics: max during the load of {series} {value:g}")
        try:
            _, text = client.call("GET", "/metrics", raw=True, timeout=10)
            if args.metrics_out:
                with open(args.metrics_out, "w", encoding="utf-8") as f:
                    f.write(text)
            for line in text.splitlines():
                if line.startswith(METRIC_PREFIXES) and "_bucket" not in line:
                    log("metrics: " + line)
        except Exception as e:
            log(f"cannot read /metrics: {e}")
        if not values:
            sys.exit("pipeline.py: no card arrived for any measured group")

        print(f"groups_sent {len(measured)}")
        print(f"cards_received {cards}")
        print(f"pipeline_p50_ms {pct(values, 50):.0f}")
        print(f"pipeline_p99_ms {pct(values, 99):.0f}")
        print(f"pipeline_max_ms {max(values):.0f}")
        print(f"lost {len(lost)}")
    finally:
        receiver.stop()


if __name__ == "__main__":
    try:
        main()
    except benchlib.HttpError as e:
        sys.exit(f"pipeline.py: {e}")
