#!/usr/bin/env bash
# Batch enrollment benchmark: one batch of HOSTS simulated Linux hosts, enrolled over SSH with
# bounded concurrency, from submit to the last job's end. The hosts are in-process SSH servers
# (iris.bench.SimulatedHosts: FakeLinuxHost, the server of the enrollment tests) in one JVM,
# answering every script after COMMAND_DELAY_MS and the install step after INSTALL_DELAY_MS
# more. Iris runs from its jar with embedded PostgreSQL, roles ingest,enroll, and one
# Prometheus instance without a URL: targets are written to a temp dir, and the verify step
# is skipped (nothing to ask). See bench/enroll.py.
#
#   bash bench/enroll.sh                                      (from the repository root)
#   HOSTS=20 CONCURRENCY=5 bash bench/enroll.sh               (a quick smoke run)
#
# Builds target/iris.jar and target/test-classes with 'mvn -B -q package -DskipTests' when they
# are missing or older than the sources, and caches the test classpath (mvn
# dependency:build-classpath) in target/bench-test.classpath. On a shared machine, run the whole
# script under the build lock (flock /tmp/iris-cpu.lock bash bench/enroll.sh).
#
# Env: HOSTS (default 200), CONCURRENCY (the batch's bound and IRIS_ENROLL_CONCURRENCY, default
#      20), COMMAND_DELAY_MS (added to every script and SFTP open, default 150), INSTALL_DELAY_MS
#      (added to the install step, default 3000), TIMEOUT (seconds for the batch, default 600),
#      POLL_MS (batch status polls, default 500), FAIL_HOSTS (make the install step of that many
#      hosts fail, to see the benchmark fail; default 0), IRIS_JAR (default target/iris.jar), JAVA_OPTS
#      (Iris's JVM flags, default -Xmx512m), HOSTS_JAVA_OPTS (the hosts' JVM, default -Xmx512m),
#      KEEP_TMP=1 (keep logs, data and the batch file for a post-mortem).
# Diagnostics go to stderr (with the time each step took, from the database, when psql is
# installed); stdout has the result lines "name value": hosts, succeeded, failed,
# total_seconds, hosts_per_second, ssh_round_trips_per_host, host_p50_seconds,
# host_p99_seconds, host_max_seconds. Exits non-zero when any host fails.
set -euo pipefail

cd "$(dirname "$0")/.."
BENCH_DIR=bench
IRIS_JAR=${IRIS_JAR:-target/iris.jar}
HOSTS=${HOSTS:-200}
CONCURRENCY=${CONCURRENCY:-20}
COMMAND_DELAY_MS=${COMMAND_DELAY_MS:-150}
INSTALL_DELAY_MS=${INSTALL_DELAY_MS:-3000}
TIMEOUT=${TIMEOUT:-600}
POLL_MS=${POLL_MS:-500}
FAIL_HOSTS=${FAIL_HOSTS:-0}
CLASSPATH_FILE=target/bench-test.classpath
API_KEY=bench-admin-key

log() { echo "enroll.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- prerequisites -------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is required"
command -v java >/dev/null || die "java (17 or later) is required"
for knob in HOSTS CONCURRENCY COMMAND_DELAY_MS INSTALL_DELAY_MS TIMEOUT POLL_MS FAIL_HOSTS; do
  [[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, not '${!knob}'"
done
for knob in HOSTS CONCURRENCY TIMEOUT POLL_MS; do
  [ "${!knob}" -ge 1 ] || die "$knob must be at least 1"
done
[ "$CONCURRENCY" -le 200 ] || die "CONCURRENCY must be at most 200 (the batch API's bound)"

# The jar under test and the simulated hosts (test classes): rebuilt when missing or stale.
if [ "$IRIS_JAR" = target/iris.jar ]; then
  if [ ! -f target/iris.jar ] || [ ! -f target/test-classes/iris/bench/SimulatedHosts.class ] || [ ! -d target/classes ] \
      || [ -n "$(find pom.xml src migrations templates -newer target/iris.jar -type f -print -quit)" ]; then
    command -v mvn >/dev/null || die "target/iris.jar is missing or stale and mvn is not installed"
    log "building target/iris.jar and the test classes (mvn -B -q package -DskipTests)"
    mvn -B -ntp -q -Dstyle.color=never package -DskipTests >&2 || die "the build failed"
  fi
else
  [ -f "$IRIS_JAR" ] || die "no jar at $IRIS_JAR"
  [ -f target/test-classes/iris/bench/SimulatedHosts.class ] \
    || die "no simulated hosts in target/test-classes: build them with 'mvn -B -q test-compile'"
fi
if [ ! -s "$CLASSPATH_FILE" ] || [ pom.xml -nt "$CLASSPATH_FILE" ]; then
  log "writing the test classpath to $CLASSPATH_FILE (mvn dependency:build-classpath)"
  mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE" >&2 \
    || die "mvn dependency:build-classpath failed"
fi

# --- process bookkeeping and cleanup --------------------------------------------------
tmp=$(mktemp -d /tmp/iris-bench.XXXXXX)
iris_pid="" helper_pid="" hosts_pid=""

. "$BENCH_DIR/lib.sh"
# The shared cleanup, plus the simulated hosts: their shutdown hook stops 200 SSH servers
# and deletes their temp dirs.
stop_others() { stop "$hosts_pid" 30; }
extra_logs="$tmp/hosts.log"

# --- the simulated hosts ----------------------------------------------------------------
log "starting $HOSTS simulated hosts: ${COMMAND_DELAY_MS} ms per script and SFTP open, install +${INSTALL_DELAY_MS} ms"
# shellcheck disable=SC2086 # HOSTS_JAVA_OPTS is a list of flags
java ${HOSTS_JAVA_OPTS:--Xmx512m} -cp "target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")" iris.bench.SimulatedHosts \
  --hosts "$HOSTS" --batch-out "$tmp/batch.json" --command-delay-ms "$COMMAND_DELAY_MS" \
  --install-delay-ms "$INSTALL_DELAY_MS" --failing "$FAIL_HOSTS" >"$tmp/hosts.out" 2>"$tmp/hosts.log" &
hosts_pid=$!
deadline=$((SECONDS + 120))
until grep -q '^ready ' "$tmp/hosts.out" 2>/dev/null; do
  kill -0 "$hosts_pid" 2>/dev/null || die "the simulated hosts exited during start-up"
  [ "$SECONDS" -lt "$deadline" ] || die "the simulated hosts were not ready after 120 s"
  sleep 0.2
done
stats_url=$(awk '$1 == "ready" {print $2}' "$tmp/hosts.out")
log "simulated hosts ready (pid $hosts_pid, stats at $stats_url)"

# --- Iris -----------------------------------------------------------------------------
# One Prometheus instance without a URL: file_sd files only, no verify step.
mkdir -p "$tmp/targets"
instances=$(printf '[{"name":"bench","url":"","targets_dir":"%s","environments":[],"reload":false}]' "$tmp/targets")
start_iris IRIS_ROLES=ingest,enroll IRIS_ENROLL_CONCURRENCY="$CONCURRENCY" IRIS_ENROLL_KNOWN_HOSTS="$tmp/known_hosts" \
  IRIS_PROMETHEUS_INSTANCES="$instances"

# --- one batch ---------------------------------------------------------------------------
# In the background with a wait, so a SIGTERM to this script is handled at once, not after it.
set +e
python3 -B "$BENCH_DIR/enroll.py" --url "$iris_url" --api-key "$API_KEY" --batch "$tmp/batch.json" \
  --stats-url "$stats_url" --concurrency "$CONCURRENCY" --poll-ms "$POLL_MS" --timeout "$TIMEOUT" \
  >"$tmp/results.txt" &
helper_pid=$!
wait "$helper_pid"
driver_rc=$?
set -e
helper_pid=""
grep -q '^total_seconds ' "$tmp/results.txt" || die "enroll.py printed no results"

# --- where the time went, from the database ---------------------------------------------
# Per step: started_at to finished_at (the step's database writes included). queue_wait: a
# job's creation to its claim. slot_refill: how long a freed slot stayed empty (the n-th claim
# after the first CONCURRENCY against the n-th job end); all are PostgreSQL now() stamps.
if command -v psql >/dev/null; then
  if steps=$(PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$pg_port" -U postgres -d iris -At -F ' ' 2>&1 <<EOF
SELECT s.name, count(*),
       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.finished_at - s.started_at))::numeric * 1000),
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM s.finished_at - s.started_at))::numeric * 1000)
FROM enrollment_steps s WHERE s.finished_at IS NOT NULL
GROUP BY s.name ORDER BY min(s.position);
SELECT 'queue_wait', count(*),
       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM j.started_at - j.created_at))::numeric * 1000),
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM j.started_at - j.created_at))::numeric * 1000)
FROM enrollment_jobs j WHERE j.started_at IS NOT NULL;
WITH s AS (SELECT started_at, row_number() OVER (ORDER BY started_at, id) AS n FROM enrollment_jobs WHERE started_at IS NOT NULL),
     f AS (SELECT finished_at, row_number() OVER (ORDER BY finished_at, id) AS n FROM enrollment_jobs WHERE finished_at IS NOT NULL)
SELECT 'slot_refill', count(*),
       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.started_at - f.finished_at))::numeric * 1000),
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM s.started_at - f.finished_at))::numeric * 1000)
FROM s JOIN f ON s.n = f.n + $CONCURRENCY;
EOF
  ); then
    while read -r name n p50 p99; do
      log "$name over $n jobs: p50 $p50 ms, p99 $p99 ms"
    done <<<"$steps"
  else
    log "cannot read the step times from the database ($steps)"
  fi
fi
log "target files written: $(find "$tmp/targets" -name '*.json' | wc -l)"

stop_iris
if [ "$driver_rc" -ne 0 ]; then
  cat "$tmp/results.txt" >&2
  die "FAILED: not every host was enrolled (results above; KEEP_TMP=1 keeps the logs)"
fi
cat "$tmp/results.txt"
