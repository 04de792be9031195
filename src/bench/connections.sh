#!/usr/bin/env bash
# Connections (issue 8): many idle WebSocket members, then one message into every room at once.
#   1. 19,000 connections on one instance (local fan-out): RSS above idle per connection, and the time until
#      every member of a room (rooms of 100) got its message, the target being "within 1 s": first one
#      message into one room, then one message into every room at once.
#   2. 2 x 15,000 on two instances in redis mode, every room's members split over both instances, sends to
#      the first: the same two figures, with half of the deliveries crossing Redis.
# The load client is push.js over 4 processes (a process may hold at most 20,000 open files here; one
# server instance tops out just below 20,000 connections for the same reason).
#
# The heap is sized on purpose (CONN_JAVA_OPTS): the default heap on this 23 GB machine is a G1 heap of up
# to ~6 GB that grows with the garbage of the connect storm and keeps it resident. Here: SerialGC (no
# G1 remembered sets, one thread on 2 cores), 64 MB initial and 512 MB maximum heap, shrinking after a
# collection when over 30% is free. Setting CONN_JAVA_OPTS= (empty) measures the default. What the container
# image runs (Java 25, src/main/docker/Dockerfile.jvm's options; the young generation capped at 32 MB, compact
# object headers) is measured with
#   SERVER_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java CONN_JAVA_OPTS="-XX:+UseSerialGC \
#     -XX:+UseCompactObjectHeaders -Xms51m -Xmx512m -Xmn32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
#     -XX:TrimNativeHeapInterval=1000"
#
#   src/bench/connections.sh             # both; MODES="one" or "two"; QUICK=1: 5,000 and 2 x 3,000
source "$(dirname "$0")/lib.sh"
need java curl psql node openssl redis-cli
MODES="${MODES:-one two}"
CONN_JAVA_OPTS="${CONN_JAVA_OPTS--XX:+UseSerialGC -Xms64m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30}"
if [[ "$QUICK" == 1 ]]; then ONE=5000 TWO=3000; else ONE=19000 TWO=15000; fi
PORT="${CONN_PORT:-8199}" PORT2="${CONN_PORT2:-8299}"
bench_jar
bench_node
bench_keys
bench_db chat_bench_conn
REDIS_PREFIX="bench-$$"
# servers first (a running instance rewrites its keys), then this run's Redis keys
trap 'bench_cleanup; redis-cli -h 127.0.0.1 -p 6379 --scan --pattern "$REDIS_PREFIX:*" | xargs -r redis-cli -h 127.0.0.1 -p 6379 del >/dev/null 2>&1 || true' EXIT

bench_migrate "$PORT"
# b0 sends (no socket); rooms c<r> of 100 members b<1 + 100 r> .. b<100 (r + 1)>
MAXU=$(( ONE > 2 * TWO ? ONE : 2 * TWO ))
seed_users 0 "$MAXU"
sql -c "insert into rooms (id, type, name, created_at, last_activity, member_count)
        select md5('room-cf' || r)::uuid, 'group', 'room cf' || r, now(), now(), 101 from generate_series(0, $MAXU / 100 - 1) r" \
    -c "insert into memberships (room_id, user_id, role, joined_at)
        select md5('room-cf' || r)::uuid, md5('b0')::uuid, 'owner', now() from generate_series(0, $MAXU / 100 - 1) r
        union all
        select md5('room-cf' || ((i - 1) / 100))::uuid, md5('b' || i)::uuid, 'member', now() from generate_series(1, $MAXU) i" \
    -c "analyze"
mint_tokens 0 "$MAXU" "$WORK/tokens.txt"
RESULTS="$WORK/results.jsonl"
idle=()

measure() { # label connections ws-bases pids
  log "$1: $2 connections, load $(loadavg)"
  node "$BENCH_DIR/push.js" --targets service --label "$1" --tag c --first 1 --rooms $(( $2 / 100 )) --members 100 \
    --burst --single-first --runs 2 --procs 4 ${HOLD:+--hold "$HOLD"} --tokens "$WORK/tokens.txt" --ws "$3" --pids "$4" >>"$RESULTS"
}
warm() { # port: a few requests so that idle RSS is that of a server that has served
  for _ in $(seq 50); do curl -s -o /dev/null -H "Authorization: Bearer $(sed -n 1p "$WORK/tokens.txt" | cut -d' ' -f3)" \
    "http://127.0.0.1:$1/api/users/me"; done
  sleep 3
}
LOAD0="$(machine_line)"
for mode in $MODES; do
  if [[ "$mode" == one ]]; then
    JAVA_OPTS="$CONN_JAVA_OPTS" bench_server "$PORT" "$WORK/server-one.log" QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=2
    p1="$SERVER_PID"; warm "$PORT"
    idle_one="$(rss_kb "$p1")"
    measure "1 instance" "$ONE" "http://127.0.0.1:$PORT" "$p1"
    kill "$p1"; wait "$p1" 2>/dev/null || true
  else
    renv=(QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=2 CHAT_FANOUT=redis CHAT_REDIS_PREFIX="$REDIS_PREFIX" "CHAT_LIMITS_REDIS_PREFIX=$REDIS_PREFIX:limits:")
    JAVA_OPTS="$CONN_JAVA_OPTS" bench_server "$PORT" "$WORK/server-a.log" "${renv[@]}"; pa="$SERVER_PID"
    JAVA_OPTS="$CONN_JAVA_OPTS" bench_server "$PORT2" "$WORK/server-b.log" "${renv[@]}"; pb="$SERVER_PID"
    warm "$PORT"; warm "$PORT2"
    idle_two="$(rss_kb "$pa"),$(rss_kb "$pb")"
    measure "2 instances, redis" $(( 2 * TWO )) "http://127.0.0.1:$PORT,http://127.0.0.1:$PORT2" "$pa,$pb"
    kill "$pa" "$pb"; wait "$pa" "$pb" 2>/dev/null || true
  fi
done

{
  echo "### connections (heap: \`${CONN_JAVA_OPTS:-JVM default}\`; rooms of 100 members; one message into every room at once)"
  echo
  echo "Start: $LOAD0. End: load average $(loadavg)."
  echo
  echo "| setup | connected | connect time s | idle RSS MB | RSS connected MB | KB per connection above idle | messages at once | deliveries | missing | p50 ms | p99 ms | last member ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").flatMap((l) => JSON.parse(l));
const idle = { "1 instance": process.argv[2], "2 instances, redis": process.argv[3] };
for (const r of rows) {
  const i = (idle[r.label] || "").split(",").map(Number);
  const idleMB = i.map((k) => (k / 1024).toFixed(0)).join(" + ");
  const rss = r.rssKB.map((k) => (k / 1024).toFixed(0)).join(" + ");
  const per = ((r.rssKB.reduce((a, b) => a + b, 0) - i.reduce((a, b) => a + b, 0)) / r.ready).toFixed(1);
  console.log(`| ${r.label} | ${r.ready.toLocaleString("en-US")} | ${r.connectS.toFixed(1)} | ${idleMB} | ${rss} | ${per} | ${r.sent} | ${r.got.toLocaleString("en-US")} of ${r.expected.toLocaleString("en-US")} | ${r.missing}${r.closed ? ", " + r.closed + " closed" : ""} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} |`);
}' "$RESULTS" "${idle_one:-}" "${idle_two:-}"
} | emit connections
grep -hE " (ERROR|WARN) " "$WORK"/server-*.log | sort | uniq -c | sort -rn | head -5 >&2 || true
