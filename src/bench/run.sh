#!/usr/bin/env bash
# Benchmark run: (build), keys, fresh database, start the production jar, run Bench.java, stop, drop.
# Traffic goes to 127.0.0.1 only. See README.md in this directory.
#
#   src/bench/run.sh                 # uses target/quarkus-app/quarkus-run.jar of a clean clone in /tmp/bench-src
#   BUILD=0 JAR=path/to/quarkus-run.jar src/bench/run.sh
#   BENCH_ARGS="--scenarios send --senders 8" src/bench/run.sh
#
# Environment: BUILD (1: clone HEAD into $SRC and build it; default 1 unless the jar exists), SRC (/tmp/bench-src),
# JAR, PORT (8199), DB (chat_bench), PGHOST (127.0.0.1), PGUSER (postgres), BCRYPT_COST (4, see README),
# BENCH_ARGS (extra options for Bench.java), SERVER_ENV (extra VAR=value settings for the server, e.g.
# "CHAT_FANOUT=redis"), INSTANCES (1; 2 starts a second instance on PORT+100, and the fan-out's WebSocket
# clients are spread over both).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SRC="${SRC:-/tmp/bench-src}"
JAR="${JAR:-$SRC/target/quarkus-app/quarkus-run.jar}"
PORT="${PORT:-8199}"
DB="${DB:-chat_bench}"
PGHOST="${PGHOST:-127.0.0.1}"
PGUSER="${PGUSER:-postgres}"
BCRYPT_COST="${BCRYPT_COST:-4}"
if [[ -z "${BUILD:-}" ]]; then [[ -f "$JAR" ]] && BUILD=0 || BUILD=1; fi

PSQL=(psql -h "$PGHOST" -U "$PGUSER" -v ON_ERROR_STOP=1 -q)

if [[ "$BUILD" == 1 ]]; then
  echo "== building the production jar from a clone of $REPO (HEAD) in $SRC"
  rm -rf "$SRC"
  git clone -q "$REPO" "$SRC"
  (cd "$SRC" && ./mvnw -B -q package -DskipTests -Pprod)
fi
[[ -f "$JAR" ]] || { echo "no jar at $JAR (run with BUILD=1)"; exit 1; }

WORK="$(mktemp -d /tmp/chat-bench.XXXXXX)"
SERVER_PID=""
SERVER_PIDS=()
INSTANCES="${INSTANCES:-1}"
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  "${PSQL[@]}" -d postgres -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "== keys, database $DB"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
"${PSQL[@]}" -d postgres -c "drop database if exists $DB with (force)"
"${PSQL[@]}" -d postgres -c "create database $DB"

start_instance() { # port log
  if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then echo "port $1 is busy"; exit 1; fi
  echo "== starting $JAR on 127.0.0.1:$1 (bcrypt cost $BCRYPT_COST; ${SERVER_ENV:-default settings}), log $2"
  # shellcheck disable=SC2086
  env QUARKUS_HTTP_HOST=127.0.0.1 \
    QUARKUS_HTTP_PORT="$1" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PGHOST:5432/$DB" \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:5432/$DB" \
    QUARKUS_DATASOURCE_USERNAME="$PGUSER" \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION="$WORK/public.pem" \
    SMALLRYE_JWT_SIGN_KEY_LOCATION="$WORK/private.pem" \
    CHAT_AUTH_BCRYPT_COST="$BCRYPT_COST" \
    ${SERVER_ENV:-} \
    java -jar "$JAR" >"$2" 2>&1 &
  SERVER_PIDS+=($!)
  for i in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; then break; fi
    kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || { echo "server died:"; tail -30 "$2"; exit 1; }
    [[ $i == 120 ]] && { echo "server not ready after 60 s"; tail -30 "$2"; exit 1; }
    sleep 0.5
  done
}
start_instance "$PORT" "$WORK/server.log"
SERVER_PID="${SERVER_PIDS[0]}"
WS_BASES="http://127.0.0.1:$PORT"
if [[ "$INSTANCES" == 2 ]]; then
  start_instance "$((PORT + 100))" "$WORK/server2.log"
  WS_BASES="$WS_BASES,http://127.0.0.1:$((PORT + 100))"
fi

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "   $(java -version 2>&1 | head -1); $("${PSQL[@]}" -d postgres -At -c 'show server_version') PostgreSQL;" \
     "synchronous_commit=$("${PSQL[@]}" -d postgres -At -c 'show synchronous_commit')," \
     "commit_delay=$("${PSQL[@]}" -d postgres -At -c 'show commit_delay')"
echo "   cpu column = cores used during the window by server/postgres(all databases)/load generator"

# Each scenario stays under 60 s (timeout below is the hard stop for the whole bench).
# shellcheck disable=SC2086
timeout 400 java -Xmx512m "$HERE/Bench.java" --base "http://127.0.0.1:$PORT" --ws-bases "$WS_BASES" --server-pid "$SERVER_PID" \
  --psql "psql -h $PGHOST -U $PGUSER -d $DB" ${BENCH_ARGS:-}

echo "== server log: errors/warnings"
grep -E " (ERROR|WARN) " "$WORK/server.log" | tail -10 || echo "(none)"
