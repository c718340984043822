"""Synthetic knowledge base for bench/enrich.py: a fleet of hosts and services, and Markdown
documents about it for Iris's three collections.

- infrastructure: one page per host (role, hardware, filesystems, services, dependencies,
  monitoring, maintenance, known issues) and one per service (purpose, architecture, SLOs,
  dependencies, failure modes).
- incidents: past incidents of the alert rules on fleet hosts: summary, timeline, impact,
  root cause, resolution, follow-ups.
- runbooks: team variants of the real runbooks of bench/retrieval/runbooks (bullets
  reordered, sections dropped, site-specific notes and past occurrences added).

Everything is drawn from a seeded random generator, so a seed gives the same documents.
Slots (hosts, numbers, dates, versions) and the choice of sentences vary per document, so
no two chunks share a text (the embedding cache does not shortcut the work) and the vectors
spread like those of a real knowledge base.
"""
import random
import re

from make_payloads import EXPORTER_PORTS

DATACENTERS = ["fra1", "ams2", "lon1", "nyc3", "sfo2", "sgp1", "tor1", "blr1"]
TEAMS = ["platform", "data", "payments", "storefront", "identity", "sre", "dba", "windows-ops",
         "observability", "growth", "logistics", "search"]
SERVICES = ["payments-api", "checkout", "orders", "inventory", "search-indexer", "user-profile", "billing",
            "notifications", "reporting", "auth-gateway", "catalog", "recommendations", "shipping", "ledger",
            "media-transcoder", "analytics-etl", "customer-portal", "admin-console", "fraud-scoring",
            "email-relay", "pricing", "loyalty", "warehouse-sync", "session-store", "geo-lookup", "cms",
            "feature-flags", "audit-log", "invoice-renderer", "partner-api"]
# Host roles per exporter of the rule files: name prefix, what runs there, the technology.
ROLES = {
    "node-exporter": [("app", "application server"), ("batch", "batch worker"), ("k8s-node", "Kubernetes worker"),
                      ("cache", "Redis cache"), ("queue", "RabbitMQ broker"), ("lb", "HAProxy load balancer"),
                      ("backup", "backup server"), ("ci", "CI runner")],
    "postgres-exporter": [("pg", "PostgreSQL primary"), ("pg-replica", "PostgreSQL streaming replica")],
    "mysqld-exporter": [("mysql", "MySQL primary"), ("mysql-replica", "MySQL replica")],
    "percona-mongodb-exporter": [("mongo", "MongoDB replica set member")],
    "knyar-nginx-exporter": [("web", "nginx reverse proxy"), ("edge", "nginx edge cache")],
    "lusitaniae-apache-exporter": [("httpd", "Apache HTTP Server")],
    "windows-exporter": [("win", "Windows Server application host"), ("win-sql", "Windows file and print server")],
}
TECH = {
    "node-exporter": ["Debian 12", "Ubuntu 22.04 LTS", "Rocky Linux 9", "RHEL 9.3", "Ubuntu 24.04 LTS"],
    "postgres-exporter": ["PostgreSQL 14.11", "PostgreSQL 15.6", "PostgreSQL 16.2"],
    "mysqld-exporter": ["MySQL 8.0.36", "Percona Server 8.0.35", "MySQL 8.4.0"],
    "percona-mongodb-exporter": ["MongoDB 6.0.14", "MongoDB 7.0.8"],
    "knyar-nginx-exporter": ["nginx 1.24.0", "nginx 1.26.1", "OpenResty 1.25.3"],
    "lusitaniae-apache-exporter": ["Apache httpd 2.4.57", "Apache httpd 2.4.59"],
    "windows-exporter": ["Windows Server 2019", "Windows Server 2022"],
}
INSTANCE_TYPES = ["m6i.xlarge", "m6i.2xlarge", "r6i.2xlarge", "r6i.4xlarge", "c6i.2xlarge", "c7g.4xlarge",
                  "bare metal, 2x Xeon Silver 4314", "bare metal, EPYC 7443P", "n2-standard-8", "n2-highmem-16"]
PEOPLE = ["Ana Souza", "Bilal Khan", "Chen Wei", "Dara O'Neill", "Elif Yilmaz", "Farid Haddad", "Greta Lind",
          "Hiro Tanaka", "Ines Duarte", "Jonas Berg", "Kofi Mensah", "Lena Petrova", "Marta Novak",
          "Nils Holm", "Olu Adeyemi", "Priya Nair", "Quentin Roy", "Rosa Jimenez", "Sven Ek", "Tara Walsh"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

HOST_ISSUES = [
    "In {month} the {fs} filesystem filled up after log rotation for {svc} stopped working; logrotate now runs hourly.",
    "The kernel was upgraded to {kernel} on {date}; after the reboot the NIC bond came back with one member down until the switch port was bounced.",
    "Memory use creeps up by roughly {n} MB a day because of a leak in {svc}; the service is restarted during every maintenance window.",
    "Disk latency spikes every night at {hour}:00 while the backup agent streams snapshots to the object store.",
    "NTP was blocked by a firewall change on {date}; chrony drifted {n} ms before anyone noticed.",
    "A RAID controller battery warning appeared on {date}; the vendor replaced the module under the support contract.",
    "The conntrack table filled during a traffic burst from {svc}; nf_conntrack_max was raised to {big}.",
    "Swap was disabled on this host in {month} after the JVM of {svc} started paging under load.",
    "The {fs} volume was grown from {a} GB to {b} GB on {date} when {svc} started keeping {n} days of data.",
    "CPU steal above {n}% was seen for several hours on {date}; the instance was moved to another hypervisor.",
    "Inode usage on {fs} hit 95% because {svc} wrote millions of tiny cache files; a cleanup timer now prunes them.",
    "Temperature alarms on {date} were traced to a failed fan in rack {rack}; facilities replaced it the same day.",
    "A misbehaving cron job from {team} filled /tmp twice; it now writes to {fs}/tmp with a quota.",
    "OOM kills of {svc} happened on {date} when a batch import loaded a {n} GB file into memory at once.",
    "The exporter on port {port} stopped answering after a package upgrade on {date}; the unit needed a daemon-reload.",
]
SERVICE_FAILURE_MODES = [
    "If {dep} is unavailable, requests fail fast with HTTP 503 and the circuit breaker opens after {n} errors.",
    "When the connection pool to {dep} is exhausted, latency climbs to the {n} s client timeout before errors appear.",
    "A slow {dep} shows up first as growing queue depth on {host}, then as p99 latency above the SLO.",
    "Deploys drain one instance at a time; a deploy that stalls leaves the fleet running two versions for up to {n} minutes.",
    "Cache stampedes after a flush of {dep} push the database CPU to saturation for several minutes.",
    "Certificate expiry on the internal endpoint breaks calls from {other} without any change on our side.",
    "A full disk on {host} stops the local spool, and messages are retried from the producer for up to {n} hours.",
    "Retries from {other} amplify load by up to {n}x during partial outages; rate limits protect the primary.",
    "Schema migrations take an exclusive lock on the busiest table; they are only run in the {day} window.",
    "Background jobs compete with user traffic for the same workers when the job backlog exceeds {big} items.",
]
ROOT_CAUSES = {
    "node-exporter": [
        "a memory leak in {svc} version {ver} that grew the resident set by {n} MB per hour",
        "log files of {svc} that were no longer rotated after a packaging change, filling {fs}",
        "a runaway batch job from the {team} team that started {n} parallel workers instead of 4",
        "a noisy neighbour on the hypervisor causing sustained CPU steal of {n}%",
        "a degraded RAID member that slowed every write on {fs} by an order of magnitude",
        "a kernel upgrade to {kernel} that changed the default I/O scheduler",
        "an NTP source that became unreachable after a firewall rule change",
        "a failing SFP module on the uplink switch that produced CRC errors on the bond",
        "a backup snapshot that overlapped with the peak traffic window",
        "millions of session files written by {svc} that exhausted the inodes of {fs}",
    ],
    "postgres-exporter": [
        "a long-running analytics transaction from {team} that held back vacuum for {n} hours",
        "a missing index on the orders table after a migration of {svc} dropped and recreated it",
        "connection leaks in {svc} version {ver} that kept idle sessions open until max_connections was reached",
        "an abandoned logical replication slot that retained {n} GB of WAL",
        "a lock queue behind an ALTER TABLE that the deploy of {svc} ran during business hours",
        "a standby on a slower disk that could not replay WAL at the rate of the nightly import",
        "autovacuum settings copied from a small test database, far too conservative for production",
        "a query plan regression after statistics went stale on a table that grew {n}x",
    ],
    "mysqld-exporter": [
        "a deploy of {svc} that issued a full table scan on every page view",
        "a replica whose SQL thread stopped on a duplicate-key error after a manual write",
        "a connection pool misconfiguration in {svc} that opened {n} connections per pod",
        "a long transaction that kept the InnoDB history list growing for {n} hours",
        "redo log files sized for a much smaller write load",
        "open_files_limit left at the distribution default while table count grew to {big}",
        "a network partition between the source and replica in {dc} that lasted {n} minutes",
    ],
    "percona-mongodb-exporter": [
        "cursors opened by {svc} with noCursorTimeout and never closed",
        "an oplog sized for {n} hours while a secondary was offline for maintenance for longer",
        "a secondary with a failing disk that fell behind and then became unreachable",
        "a driver upgrade in {svc} that changed connection pool defaults to {n} per host",
        "an unindexed aggregation from the reporting job scanning the whole collection",
    ],
    "knyar-nginx-exporter": [
        "an upstream release of {svc} that answered 502 while its health check still passed",
        "a bot crawling non-existent URLs at {n} requests per second, inflating 4xx",
        "a misrouted location block after a config change that sent API calls to the static backend",
        "upstream keepalive exhaustion between nginx and {svc} under a traffic spike",
        "an expired client certificate that made partner calls fail with 400",
    ],
    "lusitaniae-apache-exporter": [
        "MaxRequestWorkers left at {n} while traffic doubled after a marketing campaign",
        "a PHP application of {team} holding workers for {n} s on a slow database query",
        "a logrotate postrotate script that restarted httpd instead of reloading it",
        "mod_status access removed by a hardening change, breaking the exporter scrape",
    ],
    "windows-exporter": [
        "a Windows Update that left the {svc} service stopped after the reboot",
        "the IIS application pool of {svc} recycling every few minutes because of a memory limit",
        "shadow copies consuming {n}% of the data volume",
        "antivirus scans of the {svc} data directory saturating the CPU",
        "a failed WMI repository that made the exporter collectors error",
    ],
}
RESOLUTIONS = [
    "Restarted {svc} on {host} and confirmed the metric returned to normal within {n} minutes.",
    "Failed over to the standby in {dc}, then rebuilt the old primary from a fresh base backup.",
    "Rolled back {svc} to version {ver} and opened a ticket with the owning team.",
    "Extended {fs} by {n} GB online and cleaned up {m} GB of stale files.",
    "Killed the offending session and added a statement timeout of {n} s for the reporting role.",
    "Moved the batch job to the {day} night window and capped its parallelism.",
    "Raised the limit temporarily and scheduled a proper capacity review with {team}.",
    "Replaced the faulty hardware component with the vendor on site; no data was lost.",
    "Re-enabled the exporter unit and added a systemd restart policy.",
    "Drained the host from the load balancer, patched it and put it back after a soak of {n} minutes.",
]
FOLLOW_UPS = [
    "Add an alert on the growth rate, not only on the absolute threshold.",
    "Document the failover steps for {svc} in the team runbook.",
    "Load test {svc} at twice the current peak before the next sale event.",
    "Move {svc} logs to the central pipeline so the local disk is not the buffer.",
    "Review connection pool sizes of every client of {dep}.",
    "Automate the cleanup of {fs} with a systemd timer.",
    "Add {host} to the weekly capacity report.",
    "Pin the kernel version until the regression is understood.",
    "Ask {team} to review query plans in CI with EXPLAIN checks.",
    "Schedule a game day to practise this failure with the on-call rotation.",
    "Tag the dashboards of {svc} with the incident number for future reference.",
    "Decide with {team} whether {svc} needs a dedicated host.",
]
TIMELINE_ACTIONS = [
    "Alert {alert} fired for {host}.", "On-call engineer {person} acknowledged the page.",
    "Checked the dashboard of {svc}; error rate at {n}%.", "Confirmed the symptom from the host with a shell session.",
    "Posted an update in the incident channel.", "Identified {cause_short} as the likely cause.",
    "Escalated to the {team} team.", "Applied the mitigation.", "Metric back under the threshold.",
    "Customer support informed about possible delays.", "Incident resolved; monitoring for another hour.",
    "Started a rollback of the last deploy of {svc}.", "Paused the nightly job on {host}.",
    "Opened a vendor ticket about the hardware.", "Added capacity in {dc}.",
]
TEAM_NOTES = [
    "On {host} check the {svc} dashboard before touching the database; most pages here start in the application.",
    "The {team} team owns {svc}; page them through the {team}-oncall rotation, not the shared channel.",
    "In {dc} the maintenance window is {day} {hour}:00-{hour2}:00 UTC; prefer risky remediation inside it.",
    "Never restart {svc} on more than one host at a time; the cluster needs {n} healthy members.",
    "Known false positive: the nightly export on {host} trips this alert for about {n} minutes.",
    "The thresholds here were tuned in {month} after {n} noisy pages in a week.",
    "Capacity for {svc} is reviewed every quarter; file findings in the {team} backlog.",
    "Credentials for the diagnostic queries are in the vault path secret/{team}/{svc}.",
    "If this fires together with a deploy of {svc}, roll back first and investigate afterwards.",
    "Our replicas in {dc} lag more than elsewhere because of the cross-region link; allow extra slack.",
    "The exporter on {host} listens on port {port}; a scrape failure looks like this alert resolving by itself.",
    "Hosts with the prefix {prefix} run on local NVMe; losing a disk means rebuilding the host from scratch.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
FILESYSTEMS = ["/", "/var", "/var/lib/postgresql", "/var/lib/mysql", "/var/lib/mongodb", "/var/log", "/srv",
               "/data", "/opt", "D:", "E:"]


class Fleet:
    """Hosts and services, and the documents about them."""

    def __init__(self, seed, rules, runbooks, hosts=240):
        self.rng = random.Random(seed)
        self.rules = rules
        self.runbooks = runbooks  # [(alertname, file name, text)]
        self.hosts = []
        counters = {}
        exporters = list(ROLES)
        for i in range(hosts):
            exporter = exporters[i % len(exporters)] if i < len(exporters) * 4 else self.rng.choice(exporters)
            prefix, role = self.rng.choice(ROLES[exporter])
            dc = self.rng.choice(DATACENTERS)
            counters[(prefix, dc)] = counters.get((prefix, dc), 0) + 1
            self.hosts.append({
                "name": f"{prefix}-{counters[(prefix, dc)]}.{dc}", "prefix": prefix, "role": role, "dc": dc,
                "exporter": exporter, "tech": self.rng.choice(TECH[exporter]),
                "services": self.rng.sample(SERVICES, self.rng.randint(1, 3)),
                "team": self.rng.choice(TEAMS), "type": self.rng.choice(INSTANCE_TYPES),
                "rack": f"{dc.upper()}-R{self.rng.randint(1, 40):02d}",
            })
        self.by_exporter = {}
        for h in self.hosts:
            self.by_exporter.setdefault(h["exporter"], []).append(h)
        self.counter = 0

    # --- slots ----------------------------------------------------------------------------
    def _slots(self, host=None, svc=None):
        r = self.rng
        host = host or r.choice(self.hosts)
        return {
            "host": host["name"], "dc": host["dc"], "svc": svc or r.choice(host["services"]),
            "team": host["team"], "other": r.choice(SERVICES), "dep": r.choice(SERVICES),
            "fs": r.choice(FILESYSTEMS), "n": r.randint(2, 95), "m": r.randint(5, 400), "big": r.choice([
                65536, 131072, 262144, 50000, 120000, 20000]), "a": r.choice([100, 200, 500]),
            "b": r.choice([800, 1000, 2000]), "date": self._date(), "month": r.choice(MONTHS),
            "kernel": f"6.{r.randint(1, 8)}.{r.randint(0, 60)}", "ver": f"{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}",
            "hour": r.randint(0, 22), "hour2": 0, "day": r.choice(WEEKDAYS), "rack": host["rack"],
            "port": r.choice([9100, 9104, 9187, 9216, 9113, 9117, 9182]), "prefix": host["prefix"],
            "person": r.choice(PEOPLE),
        }

    def _date(self):
        return f"20{self.rng.randint(21, 25)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def _fill(self, template, slots):
        slots = dict(slots, hour2=(slots["hour"] + 2) % 24)
        return template.format(**slots)

    def _pick(self, pool, k, slots):
        return [self._fill(t, slots) for t in self.rng.sample(pool, min(k, len(pool)))]

    def _next_id(self):
        self.counter += 1
        return self.counter

    # --- documents --------------------------------------------------------------------------
    def host_doc(self):
        r = self.rng
        h = r.choice(self.hosts)
        s = self._slots(h)
        cpus, ram = r.choice([4, 8, 16, 32, 64]), r.choice([16, 32, 64, 128, 256])
        windows = h["exporter"] == "windows-exporter"
        fss = r.sample(["C:", "D:", "E:"] if windows else FILESYSTEMS[:9], 3)
        lines = [
            f"# Host {h['name']}: {h['role']} ({', '.join(h['services'])})", "",
            "## Overview",
            f"{h['name']} is {'an' if h['role'][0] in 'AEIOU' else 'a'} {h['role']} in datacenter {h['dc']}, rack {h['rack']}, owned by the {h['team']} team. "
            f"It runs {h['tech']} on {h['type']} with {cpus} vCPUs and {ram} GB of RAM. "
            f"It was commissioned on {self._date()} and is part of the {h['prefix']} pool of {h['dc']}.", "",
            "## Services",
        ]
        for svc in h["services"]:
            lines.append(f"- {svc}: listens on port {r.randint(3000, 9999)}, deployed by {r.choice(['Ansible', 'Nomad', 'Argo CD', 'Salt', 'a systemd unit'])}, "
                         f"{r.randint(1, 12)} instances fleet-wide, {r.choice(['stateless', 'stateful', 'write-heavy', 'read-mostly'])}.")
        lines += ["", "## Storage"]
        for fs in fss:
            lines.append(f"- `{fs}`: {r.choice([50, 100, 200, 500, 1000, 2000])} GB {'NTFS' if windows else r.choice(['ext4', 'xfs', 'zfs'])} on "
                         f"{r.choice(['local NVMe', 'EBS gp3', 'a RAID10 array', 'a SAN LUN', 'Ceph RBD'])}, alert at {r.choice([80, 85, 90])}% used.")
        lines += ["", "## Dependencies",
                  f"Upstream: {', '.join(r.sample(SERVICES, 3))}. Downstream consumers: {', '.join(r.sample(SERVICES, 2))}. "
                  f"Outbound traffic goes through the {h['dc']} NAT gateway; DNS from the resolvers in {h['dc']}.", "",
                  "## Monitoring",
                  f"Scraped by Prometheus in {h['dc']} through {h['exporter']} on port {EXPORTER_PORTS.get(h['exporter'], 9100)} every {r.choice([15, 30, 60])} s. "
                  f"Alerts route to the {h['team']} on-call; dashboards are tagged `{h['prefix']}` and `{h['dc']}`.", "",
                  "## Maintenance",
                  f"Patched on {s['day']}s between {s['hour']}:00 and {(s['hour'] + 2) % 24}:00 UTC. Backups: "
                  f"{r.choice(['nightly snapshot', 'hourly WAL archive plus nightly base backup', 'restic to the object store', 'none (stateless)'])}, "
                  f"kept {r.choice([7, 14, 30, 90])} days.", "",
                  "## Known issues"]
        lines += ["- " + x for x in self._pick(HOST_ISSUES, r.randint(3, 6), s)]
        lines += ["", "## Contacts", f"Primary: {r.choice(PEOPLE)} ({h['team']}); secondary: {r.choice(PEOPLE)}."]
        return f"host-{h['name']}-{self._next_id()}.md", "\n".join(lines) + "\n"

    def service_doc(self):
        r = self.rng
        svc = r.choice(SERVICES)
        hosts = [h for h in self.hosts if svc in h["services"]] or r.sample(self.hosts, 2)
        s = self._slots(r.choice(hosts), svc)
        lines = [
            f"# Service {svc}: {r.choice(['architecture and operations', 'operations guide', 'service overview', 'production notes'])} ({s['dc']})", "",
            "## Purpose",
            f"{svc} {r.choice(['serves', 'handles', 'computes', 'stores', 'routes'])} "
            f"{r.choice(['customer-facing requests', 'internal batch work', 'events from the order pipeline', 'partner traffic', 'reporting queries'])} "
            f"for {r.choice(SERVICES)} and {r.choice(SERVICES)}. It is owned by the {s['team']} team and is tier {r.randint(1, 3)}.", "",
            "## Architecture",
            f"It runs on {', '.join(h['name'] for h in hosts[:6])}. State lives in "
            f"{r.choice(['PostgreSQL', 'MySQL', 'MongoDB', 'Redis', 'object storage', 'no database'])}; "
            f"traffic enters through {r.choice(['nginx', 'HAProxy', 'the API gateway', 'Apache httpd'])}. "
            f"Peak load is about {r.randint(50, 9000)} requests per second on {s['day']}s.", "",
            "## SLOs",
            f"- Availability {r.choice(['99.9', '99.95', '99.5', '99.99'])}% over 28 days.",
            f"- p99 latency under {r.choice([200, 300, 500, 800, 1500])} ms for reads and {r.choice([500, 1000, 2000])} ms for writes.",
            f"- Error budget reviewed {r.choice(['weekly', 'every sprint', 'monthly'])} by {s['team']}.", "",
            "## Dependencies",
            ", ".join(r.sample(SERVICES, 4)) + f". Hard dependency on {s['dep']}; soft dependency on {s['other']}.", "",
            "## Failure modes",
        ]
        lines += ["- " + x for x in self._pick(SERVICE_FAILURE_MODES, r.randint(3, 6), s)]
        lines += ["", "## Deployment",
                  f"Deployed {r.choice(['continuously from main', 'twice a week', 'on Tuesdays and Thursdays', 'after change review'])} "
                  f"with {r.choice(['blue-green', 'rolling', 'canary'])} releases; current version {s['ver']}."]
        return f"service-{svc}-{self._next_id()}.md", "\n".join(lines) + "\n"

    def incident_doc(self):
        r = self.rng
        rule = r.choice(self.rules)
        host = r.choice(self.by_exporter.get(rule["exporter"]) or self.hosts)
        s = self._slots(host)
        cause = self._fill(r.choice(ROOT_CAUSES.get(rule["exporter"], ROOT_CAUSES["node-exporter"])), s)
        s["alert"] = rule["alert"]
        s["cause_short"] = cause.split(" that ")[0]
        summary = re.sub(r"\s*\(instance [^)]*\)", "", rule["annotations"].get("summary", rule["alert"]))
        number = f"INC-{s['date'][:4]}-{self._next_id():05d}"
        start_h, start_m = r.randint(0, 23), r.randint(0, 59)
        timeline = []
        minute = start_h * 60 + start_m
        for action in [TIMELINE_ACTIONS[0]] + r.sample(TIMELINE_ACTIONS[1:], r.randint(4, 8)):
            timeline.append(f"- {minute // 60 % 24:02d}:{minute % 60:02d} {action.format(**s)}")
            minute += r.randint(1, 25)
        duration = minute - (start_h * 60 + start_m)
        lines = [
            f"# {number}: {summary} on {host['name']}", "",
            f"Alert: `{rule['alert']}` · Host: {host['name']} · Service: {s['svc']} · Severity: "
            f"{rule['labels'].get('severity', 'warning')} · Date: {s['date']}", "",
            "## Summary",
            f"On {s['date']} {rule['alert']} fired for {host['name']} ({host['role']}, {host['dc']}). "
            f"{s['person']} was on call. The problem lasted {duration} minutes and affected {s['svc']}.", "",
            "## Timeline (UTC)", *timeline, "",
            "## Impact",
            f"{r.choice(['No customer impact', 'Elevated error rate for', 'Slow responses for', 'Partial outage of', 'Delayed jobs in'])} "
            f"{s['svc']}; about {r.randint(0, 40)}% of requests in {host['dc']} were affected for {r.randint(1, duration + 1)} minutes.", "",
            "## Root cause",
            f"The root cause was {cause}. {r.choice(['It had been building up for days.', 'It was triggered by a deploy earlier that day.', 'It only shows under peak load.', 'A previous fix had been reverted by accident.'])}", "",
            "## Resolution", self._fill(r.choice(RESOLUTIONS), s), "",
            "## Follow-up actions",
        ]
        lines += ["- " + x for x in self._pick(FOLLOW_UPS, r.randint(2, 4), s)]
        return f"{number}.md", "\n".join(lines) + "\n"

    def runbook_variant(self):
        r = self.rng
        alertname, _, text = r.choice(self.runbooks)
        host = r.choice(self.hosts)
        s = self._slots(host)
        title, _, rest = text.partition("\n")
        subtitle = title.split(":", 1)[1].strip() if ":" in title else alertname
        sections = re.split(r"\n(?=## )", rest)
        out = [f"# {alertname}: {subtitle} ({s['team']} team, {s['svc']} in {host['dc']})"]
        for sec in sections:
            head, _, body = sec.partition("\n")
            if head.startswith("## ") and head != "## What it means" and r.random() < 0.2:
                continue  # a team copy that left a section out
            body_lines = body.split("\n")
            bullets = [i for i, line in enumerate(body_lines) if line.startswith("- ")]
            if bullets and r.random() < 0.7:
                shuffled = [body_lines[i] for i in bullets]
                r.shuffle(shuffled)
                for i, line in zip(bullets, shuffled):
                    body_lines[i] = line
            out.append((head + "\n" + "\n".join(body_lines)).strip())
        out.append("## Site notes\n" + "\n".join("- " + x for x in self._pick(TEAM_NOTES, r.randint(3, 6), s)))
        past = [f"- INC-{self._date()[:4]}-{r.randint(100, 99999):05d} on {r.choice(self.hosts)['name']}: "
                f"{self._fill(r.choice(ROOT_CAUSES.get(host['exporter'], ROOT_CAUSES['node-exporter'])), s)}."
                for _ in range(r.randint(2, 4))]
        out.append("## Past occurrences\n" + "\n".join(past))
        name = re.sub(r"[^A-Za-z0-9_-]", "", alertname)
        return f"{name}-{s['team']}-{self._next_id()}.md", "\n\n".join(out) + "\n"

    # --- what the webhooks send ------------------------------------------------------------
    def host_for(self, exporter):
        return self.rng.choice(self.by_exporter.get(exporter) or self.hosts)
