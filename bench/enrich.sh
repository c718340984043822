#!/usr/bin/env bash
# Enrichment latency benchmark: how long Iris takes to enrich a new alert against a knowledge
# base of about 10,000 chunks, with the in-process embedding model and no LLM (template
# narratives). Loads the 87 runbooks of bench/retrieval plus synthetic host and service pages,
# past incidents and runbook variants (bench/kbgen.py), then sends webhooks at a steady pace,
# each a new alert group, and reads the took_ms of every enrichment. See bench/enrich.py.
#
#   bash bench/enrich.sh                       (from the repository root)
#   CHUNKS=500 N=20 bash bench/enrich.sh       (a quick smoke run)
#
# Env: N (alerts measured, default 300), WARMUP (alerts sent first, not measured, default 60: the JIT needs about 30 enrichments after a start),
#      RATE (webhooks per second, default 10), CHUNKS (knowledge base size, default 10000),
#      SEED (synthetic documents and alerts, default 1), IRIS_JAR (default target/iris.jar),
#      IRIS_SHARED (default ../shared; alert rules in $IRIS_SHARED/data/alert-rules),
#      JAVA_OPTS (JVM flags, default -Xmx512m), KEEP_TMP=1 (keep logs and data for a post-mortem).
# Loading 10,000 chunks means embedding them: a few minutes on two cores (progress on stderr).
# Diagnostics go to stderr; stdout has the result lines "name value": knowledge_chunks,
# enrichments, enrich_p50_ms, enrich_p99_ms, enrich_max_ms, webhook_to_enriched_p50_ms,
# webhook_to_enriched_p99_ms.
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
SET_DIR=$BENCH_DIR/retrieval
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
IRIS_SHARED=${IRIS_SHARED:-../shared}
RULES_DIR=$IRIS_SHARED/data/alert-rules
N=${N:-300}
WARMUP=${WARMUP:-60}
RATE=${RATE:-10}
CHUNKS=${CHUNKS:-10000}
SEED=${SEED:-1}
TOKEN=bench-token
API_KEY=bench-admin-key

log() { echo "enrich.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- prerequisites -------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is required"
command -v java >/dev/null || die "java (17 or later) is required"
[ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR: build it first with 'mvn -q -B package -DskipTests'"
ls "$RULES_DIR"/*.yml >/dev/null 2>&1 || die "no alert rules in $RULES_DIR (set IRIS_SHARED)"
ls "$SET_DIR"/runbooks/*.md >/dev/null 2>&1 || die "no runbooks in $SET_DIR/runbooks"
for knob in N WARMUP CHUNKS SEED; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, not '${!knob}'"
done
[ "$N" -ge 1 ] || die "N must be at least 1"
[[ $RATE =~ ^[0-9]+([.][0-9]+)?$ ]] && [ "$RATE" != 0 ] || die "RATE must be a positive number, not '$RATE'"

# --- process bookkeeping and cleanup --------------------------------------------------
tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" helper_pid=""

. "$BENCH_DIR/lib.sh"

# --- Iris -----------------------------------------------------------------------------
start_iris

# --- knowledge base, alerts, enrichments ------------------------------------------------
log "loading about $CHUNKS chunks, then $WARMUP + $N alerts at $RATE/s"
# In the background with a wait, so a SIGTERM to this script is handled at once, not after it.
python3 -B "$BENCH_DIR/enrich.py" --url "$iris_url" --api-key "$API_KEY" --token "$TOKEN" \
  --rules "$RULES_DIR" --set "$SET_DIR" --chunks "$CHUNKS" --n "$N" --warmup "$WARMUP" \
  --rate "$RATE" --seed "$SEED" >"$tmp/results.txt" &
helper_pid=$!
wait "$helper_pid" || die "enrich.py failed"
helper_pid=""
grep -q '^enrich_max_ms ' "$tmp/results.txt" || die "enrich.py printed no results"

# --- cross-check the chunk count with the database ---------------------------------------
reported=$(awk '$1 == "knowledge_chunks" {print $2}' "$tmp/results.txt")
if command -v psql >/dev/null; then
  if counts=$(PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$pg_port" -U postgres -d iris -Atc \
      "SELECT count(*) || ' ' || count(embedding) FROM knowledge_chunks" 2>&1); then
    read -r db_chunks db_vectors <<<"$counts"
    log "database: $db_chunks chunks, $db_vectors with a vector (import answers: $reported)"
    [ "$db_chunks" = "$reported" ] || log "WARNING: the database holds $db_chunks chunks, the import answers said $reported"
    [ "$db_vectors" = "$db_chunks" ] || log "WARNING: $((db_chunks - db_vectors)) chunks without a vector"
  else
    log "cannot count chunks in the database ($counts); knowledge_chunks is the sum of the import answers"
  fi
fi

stop_iris
cat "$tmp/results.txt"
