#!/usr/bin/env bash
# Fan-out of the real-time core, in one run: one room of 500 members (Bench.java's fanout scenario), under
#   1. local fan-out, 1 event loop (one hub)
#   2. local fan-out, 2 event loops (two hubs)
#   3. redis fan-out, one instance (every event also published to Redis; its echo ignored)
#   4. redis fan-out, two instances, the members' sockets spread over both (half the deliveries cross Redis)
#   5. as 2, but every frame written with WebSockets Next's sendText of one String per event (what
#      SocketOutbound's direct write of the shared bytes is measured against)
# Each configuration starts its own server(s) and database (run.sh) and prints its table; traffic stays on
# 127.0.0.1. Redis: the machine's, 127.0.0.1:6379, under a prefix of this run's own.
#   src/bench/fanout.sh                 # JAR=... to use a built production jar; RECEIVERS=500
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
RECEIVERS="${RECEIVERS:-500}"
PREFIX="bench-$$"
run() { # title, then run.sh environment
  # the previous configuration's server may still be releasing its port
  for _ in $(seq 30); do (exec 3<>/dev/tcp/127.0.0.1/8199) 2>/dev/null || break; sleep 1; done
  echo
  echo "######## $1"
  shift
  env "$@" BENCH_ARGS="--scenarios fanout --receivers $RECEIVERS --duration 10" "$HERE/run.sh" \
    | grep -E "^(==|--|   )" | grep -vE "^== (keys|server log)"
}
run "local, 1 hub"  SERVER_ENV="QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=1"
run "local, 2 hubs" SERVER_ENV="QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=2"
run "redis, 1 instance, 2 hubs" SERVER_ENV="QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=2 CHAT_FANOUT=redis CHAT_REDIS_PREFIX=$PREFIX"
run "redis, 2 instances, 2 hubs each" INSTANCES=2 \
  SERVER_ENV="QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=2 CHAT_FANOUT=redis CHAT_REDIS_PREFIX=$PREFIX"
run "local, 2 hubs, sendText of a shared String" \
  SERVER_ENV="QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=2 JAVA_TOOL_OPTIONS=-Dchat.bench.shared-string=true"
redis-cli -h 127.0.0.1 -p 6379 --scan --pattern "$PREFIX:*" | xargs -r redis-cli -h 127.0.0.1 -p 6379 del >/dev/null
