#!/usr/bin/env bash
# Start-up and footprint of one build: the jar's size, the time from `java -jar` to
# /health/ready answering 200, and the resident memory once idle, for the default node (all
# roles, embedded PostgreSQL, in-process embedding model, no Redis, Weaviate or LLM).
#   bash bench/startup.sh                      # RUNS=3 starts of target/iris.jar
#   IRIS_JAR=/tmp/other.jar RUNS=5 bash bench/startup.sh
# Each run starts on a fresh data directory (so PostgreSQL is unpacked and initialised, as on
# a new node), then once more on the data directory it left (a restart). Idle RSS is read
# IDLE seconds after ready (default 30): the JVM's RSS, and the proportional set size (Pss) of the embedded PostgreSQL's processes
# added up. JAVA_OPTS default -XX:MaxRAMPercentage=25 (as the image).
# Diagnostics go to stderr; stdout has one "name: value" line per figure (medians).
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
RUNS=${RUNS:-3}
IDLE=${IDLE:-30}
JAVA_OPTS=${JAVA_OPTS:--XX:MaxRAMPercentage=25}
API_KEY=bench-admin-key

log() { echo "startup.sh: $*" >&2; }
die() { log "$*"; exit 1; }

[ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR: build it first with 'mvn -q -B package -DskipTests'"
command -v curl >/dev/null || die "curl is required"

tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" helper_pid=""
. "$BENCH_DIR/lib.sh"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# Proportional set size: shared pages (PostgreSQL's shared buffers) counted once across processes.
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# The embedded PostgreSQL's processes: the postmaster named in postmaster.pid and its children.
pg_pss_kb() {
  local pidfile pg total=0 child
  pidfile=$(find "$tmp/data" -name postmaster.pid 2>/dev/null | head -n 1)
  [ -n "$pidfile" ] || { echo 0; return; }
  pg=$(head -n 1 "$pidfile")
  total=$(pss_kb "$pg")
  for child in $(pgrep -P "$pg" || true); do
    total=$((total + $(pss_kb "$child")))
  done
  echo "$total"
}

# run_once LABEL: starts Iris on $tmp/data, prints "LABEL ms java_kb pg_kb", stops it.
run_once() {
  local label=$1 port start_ns ready_ns
  port=$(free_port)
  cp "$IRIS_JAR" "$tmp/iris.jar"
  start_ns=$(date +%s%N)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  env IRIS_CONFIG=conf/iris.yaml IRIS_DATA_DIR="$tmp/data" IRIS_HTTP_HOST=127.0.0.1 \
    IRIS_HTTP_PORT="$port" IRIS_API_KEY="$API_KEY" IRIS_DB_URL= IRIS_DB_EMBEDDED_PORT="$(free_port)" \
    IRIS_REDIS_URL= IRIS_WEAVIATE_URL= IRIS_OLLAMA_URL= \
    java $JAVA_OPTS -jar "$tmp/iris.jar" >"$tmp/iris.log" 2>&1 &
  iris_pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)" = 200 ]; do
    kill -0 "$iris_pid" 2>/dev/null || die "Iris exited during start-up"
    [ $(( ($(date +%s%N) - start_ns) / 1000000000 )) -lt 180 ] || die "Iris not ready after 180 s"
    sleep 0.05
  done
  ready_ns=$(date +%s%N)
  sleep "$IDLE"
  echo "$label $(( (ready_ns - start_ns) / 1000000 )) $(rss_kb "$iris_pid") $(pg_pss_kb)"
  stop_iris
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

log "jar $IRIS_JAR: $(stat -c %s "$IRIS_JAR") bytes; load $(cut -d ' ' -f 1-3 /proc/loadavg) on $(nproc) cores"
: >"$tmp/runs"
for i in $(seq "$RUNS"); do
  rm -rf "$tmp/data"
  run_once fresh | tee -a "$tmp/runs" >&2
  run_once restart | tee -a "$tmp/runs" >&2
done

echo "jar_bytes: $(stat -c %s "$IRIS_JAR")"
echo "jar_mb: $(( $(stat -c %s "$IRIS_JAR") / 1000000 ))"
for label in fresh restart; do
  echo "${label}_ready_ms: $(awk -v l=$label '$1 == l {print $2}' "$tmp/runs" | median)"
  echo "${label}_idle_rss_java_mb: $(( $(awk -v l=$label '$1 == l {print $3}' "$tmp/runs" | median) / 1024 ))"
  echo "${label}_idle_pss_postgres_mb: $(( $(awk -v l=$label '$1 == l {print $4}' "$tmp/runs" | median) / 1024 ))"
done
