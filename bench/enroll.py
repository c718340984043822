#!/usr/bin/env python3
"""Batch enrollment benchmark against a running Iris and a fleet of simulated hosts
(bench/enroll.sh starts both).

1. Reads the batch the simulated hosts wrote (Iris's JSON batch body: every host with its
   port, pinned host key fingerprint and credential) and submits it as ONE batch:
   POST /api/v1/hosts/enrollments/batch, strategy concurrent, --concurrency.
2. Polls GET /api/v1/hosts/enrollments/batch/{id} every --poll-ms until every job has ended
   (or --timeout seconds have passed), logging progress on stderr.
3. Reads what the hosts received from the simulated hosts' stats endpoint.

Result lines on stdout ("name value"): hosts, succeeded, failed, total_seconds (from just
before the POST to the last job's finished_at; both clocks are this machine's), hosts_per_second,
ssh_round_trips_per_host (scripts run plus SFTP uploads, counted by the hosts themselves),
host_p50_seconds, host_p99_seconds, host_max_seconds (each job's started_at to finished_at:
claim to end, queue wait excluded).
Exits 1 when any host failed or the batch did not end in time, after printing what it has.
"""
import argparse
import datetime
import json
import sys
import time
import urllib.request

import benchlib
from benchlib import log as _log


def log(*parts):
    _log("enroll.py", *parts)


def instant(text):
    """An Iris timestamp (Instant.toString(): ISO 8601, 'Z', up to nanoseconds) as epoch seconds."""
    if text is None:
        return None
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        digits = rest[: rest.index("+")]
        text = head + "." + digits[:6].ljust(6, "0") + "+00:00"
    return datetime.datetime.fromisoformat(text).timestamp()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--batch", required=True, help="the JSON batch body the simulated hosts wrote")
    p.add_argument("--stats-url", required=True)
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--poll-ms", type=int, default=500)
    p.add_argument("--timeout", type=int, default=600)
    args = p.parse_args()

    iris = benchlib.Client(args.url, args.api_key, timeout=60)
    with open(args.batch, encoding="utf-8") as f:
        body = json.load(f)
    hosts = len(body["hosts"])
    body["strategy"] = "concurrent"
    body["concurrency"] = args.concurrency

    log(f"submitting one batch of {hosts} hosts, strategy concurrent, concurrency {args.concurrency}")
    t0 = time.time()
    status, answer = iris.call("POST", "/api/v1/hosts/enrollments/batch", body=body)
    if status != 202:
        raise SystemExit(f"enroll.py: the batch was answered {status}: {answer}")
    batch_id = answer["id"]
    log(f"batch {batch_id} accepted in {time.time() - t0:.2f} s (concurrency {answer['concurrency']})")

    deadline = t0 + args.timeout
    last_log = 0.0
    polls = 0
    batch = None
    while True:
        batch = iris.get(f"/api/v1/hosts/enrollments/batch/{batch_id}")
        polls += 1
        counts = batch["counts"]
        now = time.time()
        if batch["state"] in ("succeeded", "failed"):
            log(f"batch {batch['state']} after {now - t0:.1f} s (seen by poll {polls}): {counts}")
            break
        if now - last_log >= 5:
            log(f"{now - t0:5.1f} s: {counts}, {batch['percent']} %")
            last_log = now
        if now > deadline:
            log(f"TIMEOUT: the batch has not ended after {args.timeout} s: {counts}")
            break
        time.sleep(args.poll_ms / 1000)

    jobs = batch["jobs"]
    ended = [j for j in jobs if j["state"] in ("succeeded", "failed")]
    succeeded = [j for j in jobs if j["state"] == "succeeded"]
    failed = [j for j in jobs if j["state"] == "failed"]
    for j in failed[:10]:
        log(f"FAILED {j['target']} ({(j.get('request') or {}).get('hostname')}): {j['error']}")
    if len(failed) > 10:
        log(f"... and {len(failed) - 10} more failed hosts")

    with urllib.request.urlopen(args.stats_url, timeout=30) as r:
        stats = json.loads(r.read())
    log(f"the hosts received {stats['scripts']} scripts and {stats['uploads']} uploads"
        f" ({stats['min_per_host']}-{stats['max_per_host']} per host); per step: {stats['steps']}")

    finished = [instant(j["finished_at"]) for j in ended if j.get("finished_at")]
    durations = [instant(j["finished_at"]) - instant(j["started_at"]) for j in ended
                 if j.get("finished_at") and j.get("started_at")]
    total = (max(finished) - t0) if finished else time.time() - t0
    print(f"hosts {hosts}")
    print(f"succeeded {len(succeeded)}")
    print(f"failed {len(failed)}")
    print(f"total_seconds {total:.1f}")
    print(f"hosts_per_second {len(succeeded) / total:.2f}")
    print(f"ssh_round_trips_per_host {(stats['scripts'] + stats['uploads']) / stats['hosts']:.1f}")
    if durations:
        print(f"host_p50_seconds {benchlib.percentile(durations, 50):.2f}")
        print(f"host_p99_seconds {benchlib.percentile(durations, 99):.2f}")
        print(f"host_max_seconds {max(durations):.2f}")
    sys.stdout.flush()
    if failed or len(ended) < hosts:
        log(f"{len(failed)} host(s) failed, {hosts - len(ended)} did not end")
        sys.exit(1)


if __name__ == "__main__":
    main()
