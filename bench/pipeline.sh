#!/usr/bin/env bash
# End-to-end pipeline benchmark: from an Alertmanager webhook's 200 to the Teams card at the
# maintainer's webhook, under a steady load of new alert groups. Starts Iris from the jar with
# embedded PostgreSQL, no LLM (template narratives) and email off; bench/pipeline.py runs a
# local Teams receiver, fills the registry (maintainers with a webhook each on the receiver,
# hosts assigned to them), imports the runbooks of bench/retrieval, sends a warm-up, then
# RATE groups a second for DURATION, each one new group with one firing alert, and matches
# every card to its group. See bench/pipeline.py.
#
#   bash bench/pipeline.sh                                  (from the repository root)
#   RATE=20 DURATION=5s WARMUP=40 bash bench/pipeline.sh    (a quick smoke run)
#
# Env: RATE (groups per second, default 100), DURATION (measured load: seconds, "30s" or "2m";
#      default 30s), WARMUP (groups sent first, not counted, default 1000: the JIT and the alert names' query embeddings need warming),
#      MAINTAINERS (default 40: Iris posts to one Teams webhook at most
#      IRIS_NOTIFY_TEAMS_RATE_PER_SECOND times a second, default 4, so 40 webhooks take 160
#      cards a second), HOSTS (default 1000, host h<j> belongs to maintainer j mod MAINTAINERS),
#      GRACE (seconds to wait for cards after the last webhook before counting a group lost,
#      default 30), TEAMS_DELAY_MS (how long the receiver takes to answer, default 0; real
#      Teams takes a few hundred ms), SENDERS (threads sending webhooks, at most that many
#      waiting for an answer at once, default 32), SEED,
#      IRIS_JAR (default target/iris.jar), IRIS_SHARED (default ../shared; alert rules in
#      $IRIS_SHARED/data/alert-rules), JAVA_OPTS (JVM flags, default -Xmx512m),
#      KEEP_TMP=1 (keep logs, data and the final /metrics for a post-mortem).
# Diagnostics go to stderr (including the time each stage took, from the database, when psql
# is installed); stdout has the result lines "name value": groups_sent, cards_received,
# pipeline_p50_ms, pipeline_p99_ms, pipeline_max_ms, lost.
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
SET_DIR=$BENCH_DIR/retrieval
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
IRIS_SHARED=${IRIS_SHARED:-../shared}
RULES_DIR=$IRIS_SHARED/data/alert-rules
RATE=${RATE:-100}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-1000}
MAINTAINERS=${MAINTAINERS:-40}
HOSTS=${HOSTS:-1000}
GRACE=${GRACE:-30}
TEAMS_DELAY_MS=${TEAMS_DELAY_MS:-0}
SENDERS=${SENDERS:-32}
SEED=${SEED:-1}
TEAMS_RATE=${IRIS_NOTIFY_TEAMS_RATE_PER_SECOND:-4}
TOKEN=bench-token
API_KEY=bench-admin-key

log() { echo "pipeline.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- prerequisites -------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is required"
command -v java >/dev/null || die "java (17 or later) is required"
[ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR: build it first with 'mvn -q -B package -DskipTests'"
ls "$RULES_DIR"/*node-exporter*.yml >/dev/null 2>&1 || die "no node-exporter alert rules in $RULES_DIR (set IRIS_SHARED)"
ls "$SET_DIR"/runbooks/*.md >/dev/null 2>&1 || die "no runbooks in $SET_DIR/runbooks"
for knob in WARMUP MAINTAINERS HOSTS GRACE SENDERS SEED TEAMS_RATE; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, not '${!knob}'"
done
for knob in MAINTAINERS HOSTS SENDERS TEAMS_RATE; do
  [ "${!knob}" -ge 1 ] || die "$knob must be at least 1"
done
[[ $RATE =~ ^[0-9]+([.][0-9]+)?$ ]] && [[ $RATE =~ [1-9] ]] || die "RATE must be a positive number, not '$RATE'"
[[ $TEAMS_DELAY_MS =~ ^[0-9]+([.][0-9]+)?$ ]] || die "TEAMS_DELAY_MS must be a number of milliseconds, not '$TEAMS_DELAY_MS'"
if [[ $DURATION =~ ^([0-9]+)s?$ ]]; then
  duration_s=${BASH_REMATCH[1]}
elif [[ $DURATION =~ ^([0-9]+)m$ ]]; then
  duration_s=$((BASH_REMATCH[1] * 60))
else
  die "DURATION must be seconds ('30', '30s') or minutes ('2m'), not '$DURATION'"
fi
[ "$duration_s" -ge 1 ] || die "DURATION must be at least 1s"
# Cards per second to one webhook: Iris counts them in whole clock seconds, so load near the
# limit makes cards wait for the next second whenever a burst lands in one.
if python3 -c "import sys; sys.exit(0 if $RATE / $MAINTAINERS > 0.75 * $TEAMS_RATE else 1)"; then
  log "WARNING: $RATE groups/s over $MAINTAINERS webhooks is over 75% of Iris's $TEAMS_RATE posts/s per webhook:" \
    "cards will wait for rate slots (raise MAINTAINERS, or IRIS_NOTIFY_TEAMS_RATE_PER_SECOND and say so)"
fi

# --- process bookkeeping and cleanup --------------------------------------------------
tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" helper_pid=""

. "$BENCH_DIR/lib.sh"

# --- Iris -----------------------------------------------------------------------------
# Email off and no default channels: every card goes to a maintainer's webhook.
# The receiver stands in for Teams on plain http over loopback, which Iris refuses unless allowed.
start_iris IRIS_EMAIL_TRANSPORT=off IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL= IRIS_NOTIFY_DEFAULT_EMAIL= IRIS_NOTIFY_ALLOW_INSECURE_URLS=on \
  IRIS_NOTIFY_TEAMS_RATE_PER_SECOND="$TEAMS_RATE"

# --- registry, knowledge, warm-up, load ---------------------------------------------------
nonce=$(python3 -c 'import secrets; print(secrets.token_hex(4))')
log "warm-up $WARMUP groups, then $RATE groups/s for ${duration_s}s to $MAINTAINERS maintainers" \
  "($TEAMS_RATE posts/s per webhook) on $HOSTS hosts; run marker $nonce"
# In the background with a wait, so a SIGTERM to this script is handled at once, not after it.
python3 -B "$BENCH_DIR/pipeline.py" --url "$iris_url" --api-key "$API_KEY" --token "$TOKEN" \
  --rules "$RULES_DIR" --set "$SET_DIR" --nonce "$nonce" --rate "$RATE" --duration "$duration_s" \
  --warmup "$WARMUP" --maintainers "$MAINTAINERS" --hosts "$HOSTS" --grace "$GRACE" \
  --teams-delay-ms "$TEAMS_DELAY_MS" --senders "$SENDERS" --seed "$SEED" --metrics-out "$tmp/metrics.txt" \
  --iris-pid "$iris_pid" --iris-data "$tmp/data" \
  >"$tmp/results.txt" &
helper_pid=$!
wait "$helper_pid" || die "pipeline.py failed"
helper_pid=""
grep -q '^lost ' "$tmp/results.txt" || die "pipeline.py printed no results"

# --- where the time went, from the database ---------------------------------------------
# Timestamps are PostgreSQL's now() (the start of each writing transaction): ingest (the
# webhook's transaction), enrichment saved, delivery row written, delivery marked sent.
if command -v psql >/dev/null; then
  if stages=$(PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$pg_port" -U postgres -d iris -At -F ' ' 2>&1 <<EOF
WITH m AS (
  SELECT extract(epoch FROM e.created_at - i.first_seen_at) * 1000 AS enriched,
         extract(epoch FROM d.created_at - e.created_at) * 1000 AS routed,
         extract(epoch FROM d.sent_at - d.created_at) * 1000 AS sent,
         d.attempts
  FROM incidents i
  JOIN enrichments e ON e.id = i.enrichment_id
  JOIN deliveries d ON d.incident_ids @> ARRAY[i.id] AND d.kind = 'firing'
  WHERE i.fingerprint LIKE '${nonce}m%' AND d.state = 'sent')
SELECT s.stage, count(*), round(percentile_disc(0.5) WITHIN GROUP (ORDER BY s.ms)::numeric, 1),
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY s.ms)::numeric, 1), round(max(s.ms)::numeric, 1)
FROM m, LATERAL (VALUES (1, 'ingest->enriched', m.enriched), (2, 'enriched->delivery_row', m.routed),
                        (3, 'delivery_row->sent', m.sent)) AS s(n, stage, ms)
GROUP BY s.n, s.stage ORDER BY s.n;
SELECT 'deliveries', state, count(*), sum((attempts > 1)::int) FROM deliveries GROUP BY state ORDER BY state;
EOF
  ); then
    while read -r stage n p50 p99 max; do
      if [ "$stage" = deliveries ]; then
        log "deliveries $n: $p50 (retried: $p99)"
      else
        log "stage $stage over $n measured groups: p50 $p50 ms, p99 $p99 ms, max $max ms"
      fi
    done <<<"$stages"
  else
    log "cannot read the stages from the database ($stages)"
  fi
fi

stop_iris
cat "$tmp/results.txt"
