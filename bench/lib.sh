# Shared by the benchmarks: process bookkeeping and cleanup, ports, readiness. Source it
# after defining log, die, tmp (the run's temp directory), iris_pid and helper_pid.

# Stops a process we started and waits for it: SIGTERM first (Iris's shutdown hook stops
# its embedded PostgreSQL), SIGKILL if it is still there after $2 seconds.
stop() {
  local pid=$1 grace=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for ${grace}s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_iris() {
  stop "$iris_pid" 30
  iris_pid=""
  # If Iris had to be killed, its PostgreSQL outlives it: stop it by the pid in its own
  # postmaster.pid (only the server under our temp dir, nothing else).
  local pidfile pg
  for pidfile in $(find "$tmp/data" -name postmaster.pid 2>/dev/null); do
    pg=$(head -n 1 "$pidfile")
    if [ -n "$pg" ] && kill -0 "$pg" 2>/dev/null; then
      log "stopping leftover PostgreSQL $pg"
      kill -INT "$pg" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pg" 2>/dev/null || break; sleep 0.1; done
    fi
  done
}

# The EXIT trap of a benchmark that runs Iris and one helper process. A benchmark with more
# processes defines stop_others, and lists more logs to show on failure in extra_logs.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e # clean up as much as possible, whatever fails
  stop "$helper_pid" 5
  stop_iris
  if declare -F stop_others >/dev/null; then stop_others; fi
  if [ "$rc" -eq 130 ] || [ "$rc" -eq 143 ]; then
    log "interrupted"
  elif [ "$rc" -ne 0 ]; then
    for f in "$tmp/iris.log" ${extra_logs:-}; do
      [ -s "$f" ] && { log "last lines of $f:"; tail -n 30 "$f" >&2; }
    done
  fi
  rm -f "$tmp/iris.jar" # a copy of the jar under test; nothing to inspect in it
  if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
  exit "$rc"
}

# --- small helpers --------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# http_status URL -> the HTTP status, 000 when nothing answers.
http_status() {
  python3 - "$1" <<'EOF'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
EOF
}

# wait_ready NAME URL PID SECONDS: polls until URL answers 200, fails if PID dies first.
wait_ready() {
  local name=$1 url=$2 pid=$3 seconds=$4 deadline=$((SECONDS + $4))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    [ "$(http_status "$url")" = 200 ] && return 0
    sleep 0.5
  done
  die "$name not ready at $url after ${seconds}s"
}

# start_iris [IRIS_X=value ...]: runs a copy of $IRIS_JAR (a rebuild during the run must not
# change, or break, the server under test) on a free loopback port (the default 0.0.0.0 would
# expose it beyond loopback), with its embedded PostgreSQL on a port of its own ($pg_port, so
# results can be read from the database afterwards). Empty DB/Redis/Weaviate/Ollama URLs:
# embedded PostgreSQL, in-JVM state, vectors in PostgreSQL, the in-process embedding model and
# no LLM, whatever the caller's environment says. The arguments add or override settings.
# Sets iris_port, iris_url, pg_port and iris_pid, and PGPASSFILE for psql on $pg_port;
# returns once Iris is ready.
start_iris() {
  cp "$IRIS_JAR" "$tmp/iris.jar"
  log "jar $IRIS_JAR of $(date -u -r "$IRIS_JAR" '+%Y-%m-%d %H:%M:%S UTC'); load $(cut -d ' ' -f 1-3 /proc/loadavg) on $(nproc) cores"
  iris_port=$(free_port)
  iris_url=http://127.0.0.1:$iris_port
  pg_port=$(free_port)
  log "starting Iris from $IRIS_JAR on $iris_url (data in $tmp/data, PostgreSQL on port $pg_port)"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  env IRIS_CONFIG=conf/iris.yaml IRIS_DATA_DIR="$tmp/data" IRIS_HTTP_HOST=127.0.0.1 \
    IRIS_HTTP_PORT="$iris_port" IRIS_WEBHOOK_TOKEN="${TOKEN:-}" IRIS_API_KEY="$API_KEY" \
    IRIS_DB_URL= IRIS_DB_EMBEDDED_PORT="$pg_port" IRIS_REDIS_URL= IRIS_WEAVIATE_URL= IRIS_OLLAMA_URL= \
    "$@" java ${JAVA_OPTS:--Xmx512m} -jar "$tmp/iris.jar" >"$tmp/iris.log" 2>&1 &
  iris_pid=$!
  wait_ready Iris "$iris_url/health/ready" "$iris_pid" 120
  log "Iris ready (pid $iris_pid)"
  # The embedded PostgreSQL asks for the password Iris generated: psql finds it in PGPASSFILE.
  if [ -s "$tmp/data/postgres.password" ]; then
    (umask 077; echo "127.0.0.1:$pg_port:*:postgres:$(cat "$tmp/data/postgres.password")" >"$tmp/pgpass")
    export PGPASSFILE="$tmp/pgpass"
  fi
}

# A script may define its own cleanup after sourcing this file: the trap calls whichever is defined last.
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
