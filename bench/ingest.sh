#!/usr/bin/env bash
# Ingest benchmark: how many alerts per second Iris stores durably, on this machine, over
# loopback only. One build, measured twice in the same run: the default node (all roles, as
# `java -jar target/iris.jar` starts it: enrichment, notifier and scheduler compete with the
# intake) and an ingest-only node (--roles ingest), each on a fresh embedded PostgreSQL with
# durable commits (fsync and synchronous_commit on, checked when psql is installed). Then,
# for scale, Debian's Alertmanager on its own API (in memory).
#
# A 2-core VM's speed drifts by a third from one minute to the next, so the two nodes are
# measured in ROUNDS interleaved pairs (the order alternates) and the figures are medians:
# the ratio is the median of the rounds' ratios. The drain is measured after the first
# default storm.
#
#   bash bench/ingest.sh                       (from the repository root)
#   DURATION=10s ROUNDS=1 IRIS_JAR=/tmp/iris.jar bash bench/ingest.sh
#
# Env: DURATION (wrk -d per run, default 30s), ROUNDS (pairs of runs, default 3),
#      IRIS_JAR (default target/iris.jar),
#      IRIS_SHARED (default ../shared; alert rules in $IRIS_SHARED/data/alert-rules),
#      ALERTMANAGER=0 (skip the Alertmanager run), JAVA_OPTS (JVM flags, default -Xmx256m:
#      the heap Iris is sized for), KEEP_TMP=1 (keep logs and data for a post-mortem).
# Diagnostics go to stderr; stdout has one "name: value" line per figure.
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
DURATION=${DURATION:-30s}
ROUNDS=${ROUNDS:-3}
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
IRIS_SHARED=${IRIS_SHARED:-../shared}
RULES_DIR=$IRIS_SHARED/data/alert-rules
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
CONNECTIONS=16
THREADS=2
ALERTS_PER_REQUEST=100 # keep in step with bench/ingest.lua
TOKEN=bench-token
API_KEY=bench-admin-key

log() { echo "ingest.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- prerequisites -------------------------------------------------------------------
need=(wrk)
[ "${ALERTMANAGER:-1}" = 0 ] || need+=(prometheus-alertmanager)
for tool in "${need[@]}"; do
  if ! command -v "$tool" >/dev/null; then
    [ "$(id -u)" -eq 0 ] || die "$tool is missing; run as root to install it"
    log "installing ${need[*]}"
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >&2
    break
  fi
done
command -v python3 >/dev/null || die "python3 is required"
[ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR: build it first with 'mvn -q -B package -DskipTests'"
ls "$RULES_DIR"/*.yml >/dev/null 2>&1 || die "no alert rules in $RULES_DIR (set IRIS_SHARED)"

# --- process bookkeeping and cleanup --------------------------------------------------
tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" helper_pid="" am_pid="" sampler_pid=""
extra_logs="$tmp/alertmanager.log"

. "$BENCH_DIR/lib.sh"
# lib.sh's cleanup stops Iris and helper_pid (unused here); these are the other two.
stop_others() {
  stop_sampler
  stop "$am_pid" 10
}

stop_sampler() {
  if [ -n "$sampler_pid" ]; then
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true # its status is the signal's, not a failure
  fi
  sampler_pid=""
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
  grep '^BENCH_SAMPLE ' "$out" >&2 || true
  grep '^BENCH_RESULT ' "$out" || die "wrk printed no BENCH_RESULT line (see above)"
}

# --- payload templates from the real alert rules -------------------------------------
python3 "$BENCH_DIR/make_payloads.py" "$RULES_DIR" "$tmp/rules.lua"

# measure NAME DRAIN [IRIS_X=value ...]: starts Iris with these settings on a fresh data
# directory, loads it with wrk while sampling its RSS, checks that what was acknowledged was
# committed, waits for the drain when DRAIN is 1, stops it. Writes "name=value" lines to
# $tmp/NAME.result.
measure() {
  local name=$1 drain=$2
  shift 2
  rm -rf "$tmp/data"
  start_iris "$@"
  if command -v psql >/dev/null; then
    local durable
    durable=$(PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$pg_port" -U postgres -d iris -At \
      -c "SELECT current_setting('fsync') || ',' || current_setting('synchronous_commit')" 2>&1) || durable="unknown ($durable)"
    log "$name: fsync,synchronous_commit = $durable"
    [ "$durable" = "on,on" ] || die "$name: commits are not durable ($durable); the figures would not mean anything"
  else
    log "$name: psql not installed, durability of commits not checked"
  fi

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

  log "$name: wrk against Iris, $THREADS threads, $CONNECTIONS connections, $DURATION"
  local result
  result=$(run_wrk iris "$iris_url/webhooks/alertmanager" "$tmp/wrk-$name.txt")
  stop_sampler

  # A 2xx means "committed", so Iris's own count of committed alerts must match what wrk saw
  # acknowledged. Requests still in flight when wrk stopped may commit without wrk counting
  # them; give them a moment to finish before reading the counter.
  sleep 2
  local requests non2xx ok expected ingested
  requests=$(field "$result" requests)
  non2xx=$(field "$result" non2xx)
  ok=$((requests - non2xx))
  expected=$((ok * ALERTS_PER_REQUEST))
  ingested=$(http_get "$iris_url/metrics" | awk '/^iris_alerts_ingested_total/ {printf "%d", $2}')
  log "$name: $requests requests, $non2xx non-2xx, socket errors $(field "$result" socket_errors)"
  log "$name: iris_alerts_ingested_total=${ingested:-missing}, acknowledged alerts (2xx x $ALERTS_PER_REQUEST)=$expected"
  if [ -z "$ingested" ]; then
    log "WARNING: $name: no iris_alerts_ingested_total on /metrics; durability not verified"
  elif [ "$ingested" -lt "$expected" ]; then
    log "WARNING: $name: Iris committed $ingested alerts but acknowledged $expected: acknowledged alerts are missing"
  elif [ "$ingested" -gt $((expected + CONNECTIONS * ALERTS_PER_REQUEST)) ]; then
    log "WARNING: $name: Iris committed $ingested alerts, far more than the $expected acknowledged: miscounted"
  fi
  # Drain: with the whole pipeline on this node, every incident must reach a final state.
  local drain_s="" downstream="" total=""
  if [ "$drain" = 1 ] && command -v psql >/dev/null; then
    local waiting started_drain=$SECONDS
    while :; do
      waiting=$(psql -w -h 127.0.0.1 -p "$pg_port" -U postgres -d iris -At -c \
        "SELECT count(*) FROM incidents WHERE pipeline_state IN ('received', 'enriched', 'routed')" 2>/dev/null || echo "?")
      [ "$waiting" = 0 ] && break
      [ $((SECONDS - started_drain)) -ge "${DRAIN_TIMEOUT:-900}" ] && { log "WARNING: $name: $waiting incidents still waiting"; break; }
      sleep 1
    done
    drain_s=$((SECONDS - started_drain + 2))
    total=$(psql -w -h 127.0.0.1 -p "$pg_port" -U postgres -d iris -At -c "SELECT count(*) FROM incidents")
    downstream=$(awk -v n="$total" -v us="$(field "$result" duration_us)" -v d="$drain_s" \
      'BEGIN { printf "%.0f", n / (us / 1e6 + d) }')
    log "$name: $total incidents settled $drain_s s after the storm: $(psql -w -h 127.0.0.1 -p "$pg_port" -U postgres \
      -d iris -At -F= -c "SELECT pipeline_state, count(*) FROM incidents GROUP BY 1" | tr '\n' ' ')"
  fi
  stop_iris
  {
    [ -z "$drain_s" ] || echo "drain_s=$drain_s"
    [ -z "$downstream" ] || echo "downstream_alerts_per_s=$downstream"
    [ -z "$total" ] || echo "incidents=$total"
    echo "alerts_per_s=$(awk -v ok="$ok" -v us="$(field "$result" duration_us)" -v n="$ALERTS_PER_REQUEST" \
      'BEGIN { printf "%.0f", ok * n / (us / 1e6) }')"
    echo "p99_ms=$(awk -v us="$(field "$result" p99_us)" 'BEGIN { printf "%.0f", us / 1000 }')"
    echo "non2xx=$non2xx"
    echo "socket_errors=$(field "$result" socket_errors)"
    echo "peak_rss_mb=$(awk -v kb="$(cat "$tmp/peak_rss_kb")" 'BEGIN { printf "%.0f", kb / 1024 }')"
  } >"$tmp/$name.result"
}

# get NAME KEY -> a figure measure wrote.
get() { sed -n "s/^$2=//p" "$tmp/$1.result"; }

# The same build with the intake alone (IRIS_ROLES=ingest): what the other roles cost the
# intake on this machine. Odd rounds start with the default node, even rounds with the other.
for round in $(seq 1 "$ROUNDS"); do
  drain=0
  [ "$round" = 1 ] && drain=1
  if [ $((round % 2)) = 1 ]; then
    measure "default_$round" "$drain"
    measure "ingest_only_$round" 0 IRIS_ROLES=ingest
  else
    measure "ingest_only_$round" 0 IRIS_ROLES=ingest
    measure "default_$round" 0
  fi
done

# --- Alertmanager, for scale ------------------------------------------------------------
am_alerts_per_s=""
if [ "${ALERTMANAGER:-1}" != 0 ]; then
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
  log "wrk against Alertmanager: $THREADS threads, $CONNECTIONS connections, $DURATION"
  am_result=$(run_wrk alertmanager "$am_url/api/v2/alerts" "$tmp/wrk-alertmanager.txt")
  stop "$am_pid" 10
  am_pid=""
  am_ok=$(($(field "$am_result" requests) - $(field "$am_result" non2xx)))
  log "Alertmanager: $(field "$am_result" requests) requests, $(field "$am_result" non2xx) non-2xx"
  am_alerts_per_s=$(awk -v ok="$am_ok" -v us="$(field "$am_result" duration_us)" -v n="$ALERTS_PER_REQUEST" \
    'BEGIN { printf "%.0f", ok * n / (us / 1e6) }')
fi

# --- results ----------------------------------------------------------------------------
# all NAME KEY -> the figure of every round, one per line.
all() { for r in $(seq 1 "$ROUNDS"); do get "$1_$r" "$2"; done; }
# median [FORMAT] < figures: the middle one (the mean of the middle two for an even count).
median() {
  sort -n | awk -v f="${1:-%.0f}" '{ v[NR] = $1 } END { printf f "\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
ratios=$(for r in $(seq 1 "$ROUNDS"); do
  awk -v d="$(get "default_$r" alerts_per_s)" -v i="$(get "ingest_only_$r" alerts_per_s)" 'BEGIN { printf "%.2f\n", (i > 0 ? d / i : 0) }'
done)
log "ratios by round: $(echo $ratios)"
d=$(all default alerts_per_s | median)
i=$(all ingest_only alerts_per_s | median)
echo "rounds: $ROUNDS"
echo "default_alerts_per_s: $d"
echo "ingest_only_alerts_per_s: $i"
echo "ratio_default_to_ingest_only: $(echo "$ratios" | median %.2f)"
echo "ratio_default_to_ingest_only_worst: $(echo "$ratios" | sort -n | head -1)"
echo "default_p99_ms: $(all default p99_ms | median)"
echo "default_p99_ms_worst: $(all default p99_ms | sort -n | tail -1)"
echo "ingest_only_p99_ms: $(all ingest_only p99_ms | median)"
echo "default_non2xx: $(all default non2xx | awk '{ n += $1 } END { print n }')"
echo "ingest_only_non2xx: $(all ingest_only non2xx | awk '{ n += $1 } END { print n }')"
echo "default_socket_errors: $(all default socket_errors | awk '{ n += $1 } END { print n }')"
echo "ingest_only_socket_errors: $(all ingest_only socket_errors | awk '{ n += $1 } END { print n }')"
echo "default_peak_rss_mb: $(all default peak_rss_mb | sort -n | tail -1)"
[ -z "$(get default_1 drain_s)" ] || {
  echo "default_incidents: $(get default_1 incidents)"
  echo "default_drain_s: $(get default_1 drain_s)"
  echo "default_downstream_alerts_per_s: $(get default_1 downstream_alerts_per_s)"
}
if [ -n "$am_alerts_per_s" ]; then
  echo "alertmanager_alerts_per_s: $am_alerts_per_s"
  echo "ratio_default_to_alertmanager: $(awk -v d="$d" -v a="$am_alerts_per_s" 'BEGIN { printf "%.2f", (a > 0 ? d / a : 0) }')"
fi
