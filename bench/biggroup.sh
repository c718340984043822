#!/usr/bin/env bash
# One huge Alertmanager group, as a datacenter outage sends it: a single webhook of ALERTS
# alerts (default 50,000, about 30 MB) to a default node (all roles, embedded PostgreSQL with
# durable commits, template narratives), while small webhooks keep arriving. Prints the time
# to the 200 (which Iris sends after the COMMIT), Iris's peak resident memory, how the other
# requests fared, and the group's cards at a local Teams receiver (the default channel).
#
#   bash bench/biggroup.sh                 (from the repository root, after mvn package)
#   ALERTS=20000 bash bench/biggroup.sh
#
# Env: ALERTS, OTHERS_PER_SECOND (small webhooks a second meanwhile, default 3: each is a card to
#      the same default webhook, and Iris posts to one Teams webhook 4 times a second), JAVA_OPTS
#      (default -Xmx256m: the heap the figure is for), IRIS_JAR (default target/iris.jar),
#      KEEP_TMP=1. Result lines "name value" on stdout: alerts, body_mb, status, ack_ms,
#      peak_rss_mb, other_requests, other_failed, other_worst_ms, cards, card_bytes, card_after_ms,
#      stored (incidents of the group in the database, when psql is installed).
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
ALERTS=${ALERTS:-50000}
OTHERS_PER_SECOND=${OTHERS_PER_SECOND:-3}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
TOKEN=bench-token
API_KEY=bench-admin-key

log() { echo "biggroup.sh: $*" >&2; }
die() { log "$*"; exit 1; }

command -v python3 >/dev/null || die "python3 is required"
[ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR: build it first with 'mvn -q -B package -DskipTests'"
[[ $ALERTS =~ ^[0-9]+$ ]] && [ "$ALERTS" -ge 1 ] || die "ALERTS must be a positive whole number"

tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" helper_pid=""
. "$BENCH_DIR/lib.sh"

marker=$(python3 -c 'import secrets; print("b" + secrets.token_hex(4))')
# The receiver starts first: Iris needs its URL as the default Teams channel.
python3 -B "$BENCH_DIR/biggroup.py" --token "$TOKEN" --alerts "$ALERTS" --marker "$marker" \
  --receiver-file "$tmp/receiver" --ready-file "$tmp/ready" --others-per-second "$OTHERS_PER_SECOND" \
  >"$tmp/results.txt" &
helper_pid=$!
for _ in $(seq 100); do [ -s "$tmp/receiver" ] && break; sleep 0.1; done
[ -s "$tmp/receiver" ] || die "the Teams receiver did not start"

start_iris IRIS_EMAIL_TRANSPORT=off IRIS_NOTIFY_DEFAULT_EMAIL= IRIS_NOTIFY_ALLOW_INSECURE_URLS=on \
  IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL="$(cat "$tmp/receiver")"
echo "$iris_url $iris_pid" >"$tmp/ready.part" && mv "$tmp/ready.part" "$tmp/ready"
wait "$helper_pid" || die "biggroup.py failed"
helper_pid=""

if command -v psql >/dev/null; then
  stored=$(PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$pg_port" -U postgres -d iris -At -c \
    "SELECT count(*) FROM incidents WHERE fingerprint LIKE '${marker}%'" 2>/dev/null || echo "?")
  echo "stored $stored" >>"$tmp/results.txt"
fi
log "Iris log: $(grep -c ' ERROR ' "$tmp/iris.log" || true) ERROR lines"
stop_iris
cat "$tmp/results.txt"
