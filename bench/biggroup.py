"""One huge Alertmanager group (a datacenter down) against a running Iris: see bench/biggroup.sh.

Sends one webhook of ALERTS alerts while small webhooks keep arriving from other senders,
samples Iris's resident memory, and waits for the group's Teams card at a local receiver.
Result lines on stdout: "name value".
"""
import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def log(*parts):
    print("biggroup.py:", *parts, file=sys.stderr, flush=True)


class Receiver:
    """Teams stand-in: counts the cards that name the run's marker."""

    def __init__(self, marker):
        self.marker = marker.encode()
        self.lock = threading.Lock()
        self.cards = []  # (arrival, bytes)
        self.other = 0

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    if receiver.marker in body:
                        receiver.cards.append((time.perf_counter(), len(body)))
                    else:
                        receiver.other += 1
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}/workflows/default"


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def outage(marker, alerts, started):
    """A NodeDown group as Alertmanager sends it, node exporter's labels on every alert."""
    items = []
    for i in range(alerts):
        host = f"{marker}-dc1-r{i // 40:04d}-h{i:05d}"
        labels = {"alertname": "NodeDown", "severity": "critical", "instance": f"{host}.example.internal:9100",
                  "job": "node", "datacenter": "dc1", "rack": f"r{i // 40:04d}", "environment": "production",
                  "team": "platform", "cluster": "eu-central-1a", "service": "fleet"}
        annotations = {"summary": f"Host {host} is down",
                       "description": f"{host}.example.internal:9100 has not answered Prometheus's scrapes for more than "
                                      "2 minutes (up == 0). The whole rack may have lost power or its top-of-rack switch.",
                       "runbook_url": "https://runbooks.example.internal/node/NodeDown.md"}
        items.append({"status": "firing", "labels": labels, "annotations": annotations,
                      "startsAt": rfc3339(started), "endsAt": "0001-01-01T00:00:00Z",
                      "generatorURL": "http://prometheus.example.internal:9090/graph?g0.expr=up%7Bjob%3D%22node%22%7D+%3D%3D+0",
                      "fingerprint": f"{marker}{i:011x}"})
    return {"receiver": "iris", "status": "firing", "alerts": items,
            "groupLabels": {"datacenter": "dc1"}, "commonLabels": {"alertname": "NodeDown", "datacenter": "dc1"},
            "commonAnnotations": {}, "externalURL": "http://alertmanager.example.internal:9093", "version": "4",
            "groupKey": f'{{}}:{{datacenter="dc1",run="{marker}"}}', "truncatedAlerts": 0}


def post(url, token, body, timeout=120):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("POST", parts.path, body=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Others(threading.Thread):
    """Small webhooks (one alert, a group each) from other senders while the big one is read and stored."""

    def __init__(self, url, token, marker, per_second):
        super().__init__(daemon=True)
        self.url, self.token, self.marker, self.per_second = url, token, marker, per_second
        self.sent = self.failed = 0
        self.worst_ms = 0.0
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            started = datetime.now(timezone.utc) - timedelta(seconds=30)
            payload = {"receiver": "iris", "status": "firing", "version": "4", "groupKey": f"other-{self.marker}-{n}",
                       "truncatedAlerts": 0, "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
                       "externalURL": "http://alertmanager:9093",
                       "alerts": [{"status": "firing", "labels": {"alertname": "HostHighCpuLoad", "instance": f"o{n}:9100",
                                                                  "severity": "warning"},
                                   "annotations": {"summary": "busy"}, "startsAt": rfc3339(started),
                                   "endsAt": "0001-01-01T00:00:00Z", "fingerprint": f"o{self.marker}{n:08x}"}]}
            t = time.perf_counter()
            try:
                status, _ = post(self.url, self.token, json.dumps(payload).encode(), timeout=30)
            except OSError:
                status = 0
            self.worst_ms = max(self.worst_ms, (time.perf_counter() - t) * 1000)
            self.sent += 1
            if status != 200:
                self.failed += 1
            self.stop.wait(1 / self.per_second)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--token", required=True)
    p.add_argument("--alerts", type=int, default=50_000)
    p.add_argument("--marker", required=True)
    p.add_argument("--receiver-file", required=True, help="where to write the receiver's URL before waiting for it")
    p.add_argument("--ready-file", required=True, help="appears once Iris runs with the receiver as its default channel")
    p.add_argument("--others-per-second", type=float, default=3)
    p.add_argument("--grace", type=float, default=120)
    args = p.parse_args()

    receiver = Receiver(args.marker)
    with open(args.receiver_file, "w") as f:
        f.write(receiver.start())
    while not _exists(args.ready_file):
        time.sleep(0.1)
    with open(args.ready_file) as f:
        url, pid = f.read().split()
    pid = int(pid)

    body = json.dumps(outage(args.marker, args.alerts, datetime.now(timezone.utc) - timedelta(minutes=3))).encode()
    log(f"one group of {args.alerts} alerts, {len(body) / 1e6:.1f} MB")
    peak = [rss_kib(pid)]
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            peak[0] = max(peak[0], rss_kib(pid))
            time.sleep(0.02)

    threading.Thread(target=sample, daemon=True).start()
    others = Others(url + "/webhooks/alertmanager", args.token, args.marker, args.others_per_second)
    others.start()
    time.sleep(1)
    sent_at = time.perf_counter()
    status, answer = post(url + "/webhooks/alertmanager", args.token, body)
    ack_ms = (time.perf_counter() - sent_at) * 1000
    log(f"answered {status} after {ack_ms:.0f} ms: {answer[:200]!r}")
    deadline = time.perf_counter() + args.grace
    while time.perf_counter() < deadline and not receiver.cards:
        time.sleep(0.1)
    time.sleep(5)  # a second card, if any, would come now
    others.stop.set()
    others.join()
    sampling.set()
    with receiver.lock:
        cards = list(receiver.cards)
    print(f"alerts {args.alerts}")
    print(f"body_mb {len(body) / 1e6:.1f}")
    print(f"status {status}")
    print(f"ack_ms {ack_ms:.0f}")
    print(f"peak_rss_mb {peak[0] / 1024:.0f}")
    print(f"other_requests {others.sent}")
    print(f"other_failed {others.failed}")
    print(f"other_worst_ms {others.worst_ms:.0f}")
    print(f"cards {len(cards)}")
    print(f"card_bytes {cards[0][1] if cards else 0}")
    print(f"card_after_ms {(cards[0][0] - sent_at) * 1000 if cards else -1:.0f}")


def _exists(path):
    try:
        open(path).close()
        return True
    except OSError:
        return False


if __name__ == "__main__":
    main()
