#!/usr/bin/env bash
# Retrieval benchmark: does Iris's hybrid search (all-MiniLM-L6-v2 vectors + PostgreSQL
# full-text, fused by reciprocal rank) put the right runbook in its top 3 for an alert?
# Imports the 87 runbooks of bench/retrieval into a fresh Iris, then searches once per rule
# with the text Iris builds from the alert (name, summary, description) and once with the
# paraphrase of bench/retrieval/queries.json. See bench/retrieval.py for the details.
#
#   bash bench/retrieval.sh                    (from the repository root)
#   IRIS_JAR=/tmp/iris.jar KEEP_TMP=1 bash bench/retrieval.sh
#
# Env: IRIS_JAR (default target/iris.jar),
#      IRIS_SHARED (default ../shared; alert rules in $IRIS_SHARED/data/alert-rules),
#      JAVA_OPTS (JVM flags, default -Xmx512m), KEEP_TMP=1 (keep logs and data for a post-mortem).
# Diagnostics (including every miss and the titles found instead) go to stderr; stdout has
# the result lines "name value": queries, recall_at_3_with_name, recall_at_3_without_name,
# mrr_without_name, search_p50_ms, search_p99_ms.
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
SET_DIR=$BENCH_DIR/retrieval
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
IRIS_SHARED=${IRIS_SHARED:-../shared}
RULES_DIR=$IRIS_SHARED/data/alert-rules
TOKEN=bench-token
API_KEY=bench-admin-key

log() { echo "retrieval.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- prerequisites -------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is required"
command -v java >/dev/null || die "java (17 or later) is required"
[ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR: build it first with 'mvn -q -B package -DskipTests'"
ls "$RULES_DIR"/*.yml >/dev/null 2>&1 || die "no alert rules in $RULES_DIR (set IRIS_SHARED)"
[ -f "$SET_DIR/queries.json" ] && ls "$SET_DIR"/runbooks/*.md >/dev/null 2>&1 \
  || die "no retrieval set in $SET_DIR (queries.json, runbooks/*.md)"

# --- process bookkeeping and cleanup --------------------------------------------------
tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" helper_pid=""

. "$BENCH_DIR/lib.sh"

# --- Iris -----------------------------------------------------------------------------
start_iris

# --- import and search ----------------------------------------------------------------
# In the background with a wait, so a SIGTERM to this script is handled at once, not after it.
python3 -B "$BENCH_DIR/retrieval.py" "$iris_url" "$API_KEY" "$RULES_DIR" "$SET_DIR" >"$tmp/results.txt" &
helper_pid=$!
wait "$helper_pid" || die "retrieval.py failed"
helper_pid=""
grep -q '^search_p99_ms ' "$tmp/results.txt" || die "retrieval.py printed no results"

stop_iris
cat "$tmp/results.txt"
