#!/usr/bin/env bash
# Digest benchmark: build the daily digests of every maintainer at once over a large estate.
# Seeds (through psql, straight into the embedded PostgreSQL of a default node) MAINTAINERS
# maintainers taking daily digests, MAINTAINERS/2 services (two maintainers each, one escalation
# manager), HOSTS hosts (one service each, one in ten with a host override), INCIDENTS incidents
# over the digest's day and the day before (50 alert rules, 60 % acknowledged, 90 % resolved, some
# open for days), maintenance windows and deployments; then asks POST /api/v1/digests/run twice:
# a dry run (built and rendered, nothing stored) and a real one (stored, with their outbox rows:
# the maintainers have no addresses, so none). Both read everything with a few set-based
# statements whatever the number of maintainers.
#
#   bash bench/digest.sh                                  (from the repository root)
#   MAINTAINERS=20 INCIDENTS=5000 bash bench/digest.sh    (a quick smoke run)
#
# Env: MAINTAINERS (default 200), INCIDENTS (default 100000), HOSTS (default 1000),
#      IRIS_JAR (default target/iris.jar), JAVA_OPTS (default -Xmx512m), KEEP_TMP=1.
# Needs python3, java 17, psql (postgresql-client). Diagnostics go to stderr; stdout has one
# figure per line, "name value": maintainers, incidents, digests, dry_run_ms, dry_run_queries,
# run_ms, run_queries, run_created, run_wall_ms.
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
MAINTAINERS=${MAINTAINERS:-200}
INCIDENTS=${INCIDENTS:-100000}
HOSTS=${HOSTS:-1000}
API_KEY=bench-admin-key
TOKEN=bench-token

log() { echo "digest.sh: $*" >&2; }
die() { log "$*"; exit 1; }

command -v python3 >/dev/null || die "python3 is required"
command -v java >/dev/null || die "java (17 or later) is required"
command -v psql >/dev/null || die "psql is required (apt-get install postgresql-client)"
[ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR: build it first with 'mvn -q -B package -DskipTests'"
for knob in MAINTAINERS INCIDENTS HOSTS; do
  [[ ${!knob} =~ ^[0-9]+$ ]] && [ "${!knob}" -ge 2 ] || die "$knob must be a whole number of at least 2, not '${!knob}'"
done

tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" helper_pid=""
. "$BENCH_DIR/lib.sh"

start_iris
psql_iris() { PGCONNECT_TIMEOUT=5 psql -w -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d iris "$@"; }

# The digest's day: yesterday (UTC), so period_end is today's midnight.
day=$(date -u -d 'yesterday' +%Y-%m-%d)
log "seeding $MAINTAINERS maintainers, $HOSTS hosts, $INCIDENTS incidents over $day and the day before"
seed_started=$SECONDS
psql_iris <<SQL
INSERT INTO maintainers (name, digest_frequency, channels)
  SELECT 'maintainer-' || n, 'daily', '{teams,email}' FROM generate_series(1, $MAINTAINERS) n;
INSERT INTO services (name, escalation_manager)
  SELECT 'service-' || n, (SELECT id FROM maintainers WHERE name = 'maintainer-' || ((n * 7) % $MAINTAINERS + 1))
  FROM generate_series(1, $MAINTAINERS / 2) n;
INSERT INTO service_maintainers
  SELECT s.id, m.id FROM services s JOIN maintainers m
    ON m.name IN ('maintainer-' || (2 * split_part(s.name, '-', 2)::int - 1), 'maintainer-' || (2 * split_part(s.name, '-', 2)::int));
INSERT INTO hosts (hostname, address) SELECT 'host-' || n, '10.' || (n / 65536) || '.' || (n / 256 % 256) || '.' || (n % 256)
  FROM generate_series(1, $HOSTS) n;
INSERT INTO host_services SELECT h.id, s.id FROM hosts h
  JOIN services s ON s.name = 'service-' || (split_part(h.hostname, '-', 2)::int % ($MAINTAINERS / 2) + 1);
INSERT INTO host_maintainers SELECT h.id, m.id FROM hosts h
  JOIN maintainers m ON m.name = 'maintainer-' || (split_part(h.hostname, '-', 2)::int % $MAINTAINERS + 1)
  WHERE split_part(h.hostname, '-', 2)::int % 10 = 0;
-- Incidents already through the pipeline (notified): the stages have nothing to do during the run.
INSERT INTO incidents (fingerprint, starts_at, ends_at, status, alertname, severity, instance, service, labels, group_id,
                       acknowledged_at, acknowledged_by, pipeline_state)
  SELECT md5(n::text), t, CASE WHEN n % 10 <> 0 THEN t + ((n % 97) * interval '3 minutes') END,
         CASE WHEN n % 10 <> 0 THEN 'resolved' ELSE 'firing' END,
         'Rule' || (n % 50), (ARRAY['critical', 'warning', 'warning', 'info'])[n % 4 + 1],
         'host-' || ((n * 31) % $HOSTS + 1) || ':9100', NULL, '{}', n,
         CASE WHEN n % 5 < 3 THEN t + ((n % 13) * interval '2 minutes') END, CASE WHEN n % 5 < 3 THEN 'bench' END, 'notified'
  FROM (SELECT n, '$day'::timestamptz - interval '1 day' + (n % 172800) * interval '1 second' AS t
        FROM generate_series(1, $INCIDENTS) n) x;
INSERT INTO incidents (fingerprint, starts_at, status, alertname, severity, instance, labels, group_id, pipeline_state)
  SELECT md5('old' || n), '$day'::timestamptz - interval '5 days', 'firing', 'Old' || (n % 5), 'critical',
         'host-' || n || ':9100', '{}', 0, 'notified' FROM generate_series(1, $HOSTS / 10) n;
INSERT INTO maintenance_windows (title, type, category, scope, starts_at, ends_at, timezone, state, created_by)
  SELECT 'Patch night ' || n, 'scheduled', 'infrastructure', jsonb_build_object('hosts', jsonb_build_array('host-' || n),
         'services', '[]'::jsonb, 'matchers', '[]'::jsonb), '$day'::timestamptz + interval '20 hours',
         '$day'::timestamptz + interval '22 hours', 'UTC', 'completed', 'bench' FROM generate_series(1, 50) n;
INSERT INTO maintenance_occurrences (window_id, starts_at, ends_at, planned_ends_at, state, started_at, ended_at, released_at)
  SELECT id, starts_at, ends_at, ends_at, 'completed', starts_at, ends_at, ends_at FROM maintenance_windows;
INSERT INTO deployments (service, environment, version, hosts, status, started_at, change, ordered_by, created_by)
  SELECT 'service-' || (n % ($MAINTAINERS / 2) + 1), 'prod', '1.' || n || '.0', ARRAY['host-' || n], 'succeeded',
         '$day'::timestamptz + n * interval '10 minutes', 'upgrade', 'semver', 'bench' FROM generate_series(1, 100) n;
ANALYZE;
SQL
log "seeded in $((SECONDS - seed_started)) s"

run() {
  python3 - "$iris_url" "$API_KEY" "$1" <<'EOF'
import json, sys, time, urllib.request
url, key, dry = sys.argv[1], sys.argv[2], sys.argv[3] == "true"
body = json.dumps({"frequency": "daily", "dry_run": dry}).encode()
req = urllib.request.Request(url + "/api/v1/digests/run", data=body, method="POST",
                             headers={"X-API-Key": key, "Content-Type": "application/json"})
started = time.monotonic()
with urllib.request.urlopen(req, timeout=1800) as r:
    answer = json.load(r)
wall = int((time.monotonic() - started) * 1000)
print(len(answer["digests"]), answer["took_ms"], answer["queries"], answer["created"], wall)
EOF
}

read -r dry_digests dry_ms dry_queries _ dry_wall < <(run true)
log "dry run: $dry_digests digests in $dry_ms ms ($dry_wall ms with the answer), $dry_queries queries"
read -r digests run_ms run_queries created wall < <(run false)
log "run: $digests digests in $run_ms ms, $run_queries queries, $created stored"
stored=$(psql_iris -Atc "SELECT count(*) FROM digests")
[ "$stored" = "$created" ] || die "the run says $created stored, the table has $stored"
incidents=$(psql_iris -Atc "SELECT count(*) FROM incidents")

echo "maintainers $MAINTAINERS"
echo "incidents $incidents"
echo "digests $digests"
echo "dry_run_ms $dry_ms"
echo "dry_run_queries $dry_queries"
echo "run_ms $run_ms"
echo "run_queries $run_queries"
echo "run_created $created"
echo "run_wall_ms $wall"
