# Shared by the scenario scripts (source it; not run on its own). Everything it starts listens on 127.0.0.1
# and is stopped by bench_cleanup, which the scripts install as their EXIT trap: only the PIDs started
# here are killed, and the database created here is dropped.
#
# Environment: SRC (/tmp/bench-src: a clone of HEAD built with -Pprod when no JAR is given), JAR, BUILD=1
# (rebuild), PGHOST/PGUSER (127.0.0.1/postgres, trust auth), QUICK=1 (one run of each measurement, short
# windows), RUNS (3; medians are taken over them), OUT (a directory that collects every table and the chart
# data; all.sh sets it).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/../.." && pwd)"
SRC="${SRC:-/tmp/bench-src}"
JAR="${JAR:-$SRC/target/quarkus-app/quarkus-run.jar}"
PGHOST="${PGHOST:-127.0.0.1}"
PGUSER="${PGUSER:-postgres}"
QUICK="${QUICK:-0}"
if [[ "$QUICK" == 1 ]]; then RUNS="${RUNS:-1}"; else RUNS="${RUNS:-3}"; fi
OUT="${OUT:-}"
NODE_PREFIX="${NODE_PREFIX:-/tmp/bench-node}"
PSQL=(psql -h "$PGHOST" -U "$PGUSER" -v ON_ERROR_STOP=1 -q -X)

WORK="$(mktemp -d /tmp/chat-bench.XXXXXX)"
BENCH_PIDS=()   # everything started in the background, stopped in reverse order by bench_cleanup
BENCH_DB=""

bench_cleanup() {
  local i pid
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    pid="${BENCH_PIDS[$i]}"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  [[ -n "$BENCH_DB" ]] && "${PSQL[@]}" -d postgres -c "drop database if exists $BENCH_DB with (force)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "== $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# One line for the header of every table: when, where, how busy the machine was.
machine_line() {
  echo "$(date -u +%FT%TZ), $(nproc) cores, load average $(loadavg), $(java -version 2>&1 | head -1 | tr -d '"'), PostgreSQL $("${PSQL[@]}" -d postgres -At -c 'show server_version' | cut -d' ' -f1)"
}

# Prints a table to stdout and keeps a copy in $OUT (all.sh pastes them into RESULTS.md).
emit() { # name; the table on stdin
  local t; t="$(cat)"
  echo "$t"
  [[ -n "$OUT" ]] && { printf '%s\n\n' "$t" >>"$OUT/$1.md"; } || true
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

need() { for c in "$@"; do command -v "$c" >/dev/null || { echo "missing: $c (see README.md, Requirements)"; exit 1; }; done; }

# The production jar of HEAD, built in a clean clone so that the work tree's state does not leak in.
bench_jar() {
  if [[ "${BUILD:-0}" == 1 || ! -f "$JAR" ]]; then
    log "building the production jar from a clone of $REPO (HEAD) in $SRC"
    rm -rf "$SRC"
    git clone -q "$REPO" "$SRC"
    (cd "$SRC" && ./mvnw -B -q package -DskipTests -Pprod)
  fi
  [[ -f "$JAR" ]] || { echo "no jar at $JAR"; exit 1; }
}

# The WebSocket client library for the push scenarios, installed outside the repository at run time.
bench_node() {
  need node npm
  if [[ ! -d "$NODE_PREFIX/node_modules/ws" ]]; then
    log "installing the ws package into $NODE_PREFIX"
    npm install --silent --no-audit --no-fund --prefix "$NODE_PREFIX" ws >/dev/null
  fi
  export NODE_PATH="$NODE_PREFIX/node_modules"
}

bench_keys() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
  openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
}

bench_db() { # name
  BENCH_DB="$1"
  "${PSQL[@]}" -d postgres -c "drop database if exists $BENCH_DB with (force)" -c "create database $BENCH_DB"
}
sql() { "${PSQL[@]}" -d "$BENCH_DB" "$@"; }

# Settings every benchmarked instance gets: loopback, the bench database, the run's keys, and request
# limits far above the load (the per-user send limit of 10/s would otherwise be what is measured).
SERVER_BASE_ENV=()
server_env() {
  SERVER_BASE_ENV=(
    QUARKUS_HTTP_HOST=127.0.0.1
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://$PGHOST:5432/$BENCH_DB"
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://$PGHOST:5432/$BENCH_DB"
    QUARKUS_DATASOURCE_USERNAME="$PGUSER"
    MP_JWT_VERIFY_PUBLICKEY_LOCATION="$WORK/public.pem"
    SMALLRYE_JWT_SIGN_KEY_LOCATION="$WORK/private.pem"
    CHAT_AUTH_BCRYPT_COST=4
    "CHAT_LIMITS_SEND=1000000/1s burst 1000000"
    "CHAT_LIMITS_ROOM_CREATION=1000000/1s burst 1000000"
    "CHAT_LIMITS_REGISTER=1000000/1s burst 1000000"
  )
}

# Starts one instance and waits until it is ready. SERVER_PID is set to it.
# JAVA_OPTS: JVM options (heap etc.); SERVER_JAVA: the java to run it with (default: java on PATH); extra
# VAR=value arguments are passed to the server's environment.
SERVER_PID=""
bench_server() { # port log [VAR=value...]
  local port="$1" logf="$2"; shift 2
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "port $port is busy"; exit 1; fi
  server_env
  # shellcheck disable=SC2086
  env "${SERVER_BASE_ENV[@]}" QUARKUS_HTTP_PORT="$port" "$@" "${SERVER_JAVA:-java}" ${JAVA_OPTS:-} -jar "$JAR" >"$logf" 2>&1 &
  SERVER_PID=$!
  BENCH_PIDS+=("$SERVER_PID")
  for i in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died:"; tail -30 "$logf"; exit 1; }
    sleep 0.25
  done
  echo "server not ready after 60 s"; tail -30 "$logf"; exit 1
}

# The schema (Flyway runs at start): one start and stop, for scripts that seed before their measured start.
bench_migrate() { # port
  bench_server "$1" "$WORK/migrate.log"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 40); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null || break; sleep 0.25; done
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks (1/100 s)

# Users b<i> (ids md5('b'||i)::uuid, so that tokens.js computes the same ids) for i in [from, to].
# Created in SQL: registration through the API hashes a password per user and is set-up, not measurement.
seed_users() { # from to
  sql -c "insert into users (id, username, display_name, password_hash, created_at)
          select md5('b' || i)::uuid, 'b' || i, 'Bench ' || i,
                 '\$2a\$04\$benchbenchbenchbenchbuOAsFJHcg4zSmWjx6WQ9oQ4FIWWBDUV6', now()
          from generate_series($1, $2) i"
}

# A group room named $1 (id md5('room-'||name)::uuid) with owner b<owner> and members b<from>..b<to>.
seed_room() { # name owner from to
  sql -c "insert into rooms (id, type, name, created_at, last_activity, member_count)
          values (md5('room-$1')::uuid, 'group', 'room $1', now(), now(), 0)" \
      -c "insert into memberships (room_id, user_id, role, joined_at)
          select md5('room-$1')::uuid, md5('b' || i)::uuid, case when i = $2 then 'owner' else 'member' end, now()
          from (select $2 as i union select generate_series($3, $4)) s" \
      -c "update rooms set member_count = (select count(*) from memberships where room_id = md5('room-$1')::uuid)
          where id = md5('room-$1')::uuid"
}

# wrk's senders for rooms own1..own32, one each: "token room" per line, b<i>'s token from $WORK/tokens.txt.
own_room_senders() { # file
  for i in $(seq 1 32); do
    echo "$(sed -n "$((i + 1))p" "$WORK/tokens.txt" | cut -d' ' -f3) $(sql -At -c "select md5('room-own$i')::uuid")"
  done >"$1"
}

# Access tokens signed with the run's key, as the service would issue them (tokens.js).
mint_tokens() { # from to file
  node "$BENCH_DIR/tokens.js" "$WORK/private.pem" "$1" "$2" >"$3"
}

# pgbench with a script file; prints "tps p50_ms p99_ms" (latencies from the per-transaction log).
pgb() { # clients seconds script [extra pgbench options]
  local c="$1" t="$2" f="$3"; shift 3
  local d; d="$(mktemp -d "$WORK/pgb.XXXX")"
  (cd "$d" && pgbench -h "$PGHOST" -U "$PGUSER" -n -M prepared -c "$c" -j "$(( c < 2 ? 1 : 2 ))" -T "$t" -l \
     -f "$f" "$@" "$BENCH_DB" >"$d/out" 2>&1) || { cat "$d/out" >&2; echo "nan nan nan"; return; }
  local tps; tps="$(awk '/^tps = / {print $3; exit}' "$d/out")"
  # log lines: client_id tx_no time_us script_no epoch epoch_us
  cat "$d"/pgbench_log.* | awk '{print $3 / 1000}' | sort -g >"$d/lat"
  local n; n="$(wc -l <"$d/lat")"
  printf '%s %s %s\n' "$tps" "$(sed -n "$(( (n + 1) / 2 ))p" "$d/lat")" "$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$d/lat")"
}

# wrk against one path; prints "req_per_s p50_ms p99_ms bad" (bad = unexpected status or socket error).
# Lua: send.lua (tokens file, one sender per wrk thread: run it with WRK_THREADS=connections) or get.lua.
wrkrun() { # connections seconds lua url [env...]
  local c="$1" t="$2" lua="$3" url="$4"; shift 4
  env "$@" wrk -t "${WRK_THREADS:-$(( c < 4 ? c : 4 ))}" -c "$c" -d "${t}s" --timeout 10s -s "$BENCH_DIR/$lua" "$url" 2>&1 \
    | awk '/^WRK / {printf "%.1f %.2f %.2f %d\n", $2 / $3, $4, $5, $7 + $8}'
}

fmt() { LC_ALL=C printf "%'.0f" "$1" 2>/dev/null || echo "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
