#!/usr/bin/env bash
# Ingest benchmark: how many alerts per second Iris stores durably, next to how many
# Debian's Alertmanager accepts on its own API, on this machine, over loopback only.
#
#   bash bench/ingest.sh                       (from the repository root)
#   DURATION=10s IRIS_JAR=/tmp/iris.jar bash bench/ingest.sh
#
# Env: DURATION (wrk -d, default 30s), IRIS_JAR (default target/iris.jar),
#      IRIS_SHARED (default ../shared; alert rules in $IRIS_SHARED/data/alert-rules),
#      JAVA_OPTS (JVM flags, default -Xmx256m: the heap Iris is sized for), KEEP_TMP=1 (keep logs and data for a post-mortem).
# Diagnostics go to stderr; stdout ends with the five result lines.
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
DURATION=${DURATION:-30s}
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
IRIS_SHARED=${IRIS_SHARED:-../shared}
RULES_DIR=$IRIS_SHARED/data/alert-rules
CONNECTIONS=16
THREADS=2
ALERTS_PER_REQUEST=100 # keep in step with bench/ingest.lua
TOKEN=bench-token
API_KEY=bench-admin-key

log() { echo "ingest.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- prerequisites -------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
  [ "$(id -u)" -eq 0 ] || die "wrk and prometheus-alertmanager are missing; run as root to install them"
  log "installing wrk and prometheus-alertmanager"
  apt-get update -qq && apt-get install -y -qq wrk prometheus-alertmanager >&2
fi
command -v python3 >/dev/null || die "python3 is required"
[ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR: build it first with 'mvn -q -B package -DskipTests'"
ls "$RULES_DIR"/*.yml >/dev/null 2>&1 || die "no alert rules in $RULES_DIR (set IRIS_SHARED)"

# --- process bookkeeping and cleanup --------------------------------------------------
tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" am_pid="" sampler_pid=""

. "$BENCH_DIR/lib.sh"
# Our own cleanup instead of the shared one: two servers and a sampler here.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e # clean up as much as possible, whatever fails
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null; fi
  stop_iris
  stop "$am_pid" 10
  if [ "$rc" -ne 0 ]; then
    for f in "$tmp"/iris.log "$tmp"/alertmanager.log; do
      [ -s "$f" ] && { log "last lines of $f:"; tail -n 30 "$f" >&2; }
    done
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
  exit "$rc"
}

# http_get URL [HEADER: value] -> prints "STATUS BODY"; status 000 when nothing answers.
http_get() {
  python3 - "$@" <<'EOF'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1])
for h in sys.argv[2:]:
    name, value = h.split(":", 1)
    req.add_header(name.strip(), value.strip())
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        print(r.status, r.read().decode("utf-8", "replace"))
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode("utf-8", "replace"))
except Exception:
    print("000")
EOF
}

# field LINE KEY -> value of KEY=value in a BENCH_RESULT line.
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# run_wrk MODE URL OUTFILE -> runs wrk with bench/ingest.lua, echoes its BENCH_RESULT line.
run_wrk() {
  local mode=$1 url=$2 out=$3
  wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout 10s --latency \
    -s "$BENCH_DIR/ingest.lua" "$url" -- "$mode" "$tmp/rules.lua" "$TOKEN" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk against $mode failed"; }
  cat "$out" >&2
  grep '^BENCH_RESULT ' "$out" || die "wrk printed no BENCH_RESULT line (see above)"
}

# --- payload templates from the real alert rules -------------------------------------
python3 "$BENCH_DIR/make_payloads.py" "$RULES_DIR" "$tmp/rules.lua"

# --- Iris -----------------------------------------------------------------------------
iris_port=$(free_port)
iris_url=http://127.0.0.1:$iris_port
log "starting Iris from $IRIS_JAR on $iris_url (data in $tmp/data)"
# HTTP host 127.0.0.1: the default 0.0.0.0 would expose the bench instance beyond loopback.
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
env IRIS_CONFIG=conf/iris.yaml IRIS_DATA_DIR="$tmp/data" IRIS_HTTP_HOST=127.0.0.1 \
  IRIS_HTTP_PORT="$iris_port" IRIS_WEBHOOK_TOKEN="$TOKEN" IRIS_API_KEY="$API_KEY" \
  java ${JAVA_OPTS:--Xmx256m} -jar "$IRIS_JAR" >"$tmp/iris.log" 2>&1 &
iris_pid=$!
wait_ready Iris "$iris_url/health/ready" "$iris_pid" 90
log "Iris ready (pid $iris_pid)"

# --- Alertmanager ---------------------------------------------------------------------
am_port=$(free_port)
am_url=http://127.0.0.1:$am_port
mkdir -p "$tmp/am"
# A receiver without integrations: Alertmanager still stores, groups and dispatches every
# alert, it just has nowhere to send the notifications.
cat >"$tmp/alertmanager.yml" <<'EOF'
route:
  receiver: blackhole
  group_by: [alertname]
receivers:
  - name: blackhole
EOF
log "starting Alertmanager on $am_url"
prometheus-alertmanager --config.file="$tmp/alertmanager.yml" --storage.path="$tmp/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= \
  >"$tmp/alertmanager.log" 2>&1 &
am_pid=$!
wait_ready Alertmanager "$am_url/-/ready" "$am_pid" 30
log "Alertmanager ready (pid $am_pid)"

# --- load Iris, sampling its RSS --------------------------------------------------------
# Only the Java process: the embedded PostgreSQL is a separate process and not counted.
echo 0 >"$tmp/peak_rss_kb"
(
  peak=0
  while kill -0 "$iris_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$iris_pid/status" 2>/dev/null || echo 0)
    if [ "${rss:-0}" -gt "$peak" ]; then peak=$rss; echo "$peak" >"$tmp/peak_rss_kb"; fi
    sleep 0.5
  done
) &
sampler_pid=$!

log "wrk against Iris: $THREADS threads, $CONNECTIONS connections, $DURATION"
iris_result=$(run_wrk iris "$iris_url/webhooks/alertmanager" "$tmp/wrk-iris.txt")
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
iris_peak_kb=$(cat "$tmp/peak_rss_kb")
grep '^BENCH_SAMPLE ' "$tmp/wrk-iris.txt" >&2 || true

# --- durability check -----------------------------------------------------------------
# A 2xx means "committed", so Iris's own count of committed alerts must match what wrk
# saw acknowledged. Requests still in flight when wrk stopped may commit without wrk
# counting them; give them a moment to finish before reading the counter.
sleep 2
iris_requests=$(field "$iris_result" requests)
iris_non2xx=$(field "$iris_result" non2xx)
iris_ok=$((iris_requests - iris_non2xx))
expected=$((iris_ok * ALERTS_PER_REQUEST))
metrics=$(http_get "$iris_url/metrics")
ingested=$(echo "$metrics" | awk '/^iris_alerts_ingested_total/ {printf "%d", $2}')
log "Iris: $iris_requests requests, $iris_non2xx non-2xx, socket errors $(field "$iris_result" socket_errors)"
log "Iris: iris_alerts_ingested_total=${ingested:-missing}, acknowledged alerts (2xx x $ALERTS_PER_REQUEST)=$expected"
if [ -z "$ingested" ]; then
  log "WARNING: no iris_alerts_ingested_total on /metrics; durability not verified"
elif [ "$ingested" -ne "$expected" ]; then
  if [ "$ingested" -gt "$expected" ] && [ "$ingested" -le $((expected + CONNECTIONS * ALERTS_PER_REQUEST)) ]; then
    log "WARNING: Iris committed $((ingested - expected)) more alerts than wrk saw acknowledged (requests in flight when wrk stopped)"
  else
    log "WARNING: Iris committed $ingested alerts but acknowledged $expected: acknowledged alerts are missing or miscounted"
  fi
fi
# The newest incident's id (a bigserial) is a second, database-side view of how many rows exist.
newest=$(http_get "$iris_url/api/v1/incidents?limit=1" "X-API-Key: $API_KEY")
log "Iris: GET /api/v1/incidents?limit=1 -> ${newest:0:3}, newest incident id $(echo "${newest:4}" \
  | python3 -c 'import json, sys; i = json.load(sys.stdin).get("items") or [{}]; print(i[0].get("id"))' 2>/dev/null || echo '?')"

# Iris has done its part: stop it so it does not compete with Alertmanager for the CPU.
stop_iris

# --- load Alertmanager ----------------------------------------------------------------
log "wrk against Alertmanager: $THREADS threads, $CONNECTIONS connections, $DURATION"
am_result=$(run_wrk alertmanager "$am_url/api/v2/alerts" "$tmp/wrk-alertmanager.txt")
grep '^BENCH_SAMPLE ' "$tmp/wrk-alertmanager.txt" >&2 || true
am_ok=$(($(field "$am_result" requests) - $(field "$am_result" non2xx)))
log "Alertmanager: $(field "$am_result" requests) requests, $(field "$am_result" non2xx) non-2xx"

# --- results ----------------------------------------------------------------------------
awk -v iok="$iris_ok" -v ius="$(field "$iris_result" duration_us)" \
    -v aok="$am_ok" -v aus="$(field "$am_result" duration_us)" \
    -v p99="$(field "$iris_result" p99_us)" -v rss="$iris_peak_kb" -v n="$ALERTS_PER_REQUEST" 'BEGIN {
  iris = iok * n / (ius / 1e6)
  am = aok * n / (aus / 1e6)
  printf "iris_alerts_per_s: %.0f\n", iris
  printf "alertmanager_alerts_per_s: %.0f\n", am
  printf "ratio_iris_to_alertmanager: %.2f\n", (am > 0 ? iris / am : 0)
  printf "iris_p99_ms: %.0f\n", p99 / 1000
  printf "iris_peak_rss_mb: %.0f\n", rss / 1024
}'
