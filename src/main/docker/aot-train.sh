#!/usr/bin/env bash
# Writes the JDK AOT cache (JEP 483/514/515: classes loaded and linked, method profiles) of the production
# jar by one training run: start the application, make it serve a few requests, stop it. The cache holds only
# for the JVM build that wrote it, so this runs with the java that will run the service (Dockerfile.jvm runs
# it inside the image; src/bench/startup.sh on the bench machine).
#
# No database, no Redis and no keys are needed: the run starts with migrations and schema validation off, a
# datasource nobody answers at (the reactive pool connects on first use only) and key files that are not
# there (read on first use only), so that everything else a start loads (configuration, CDI, Hibernate,
# Vert.x, Netty, REST, JWT, WebSockets, metrics) gets into the cache. Flyway's classes load from the jar at run time as without a cache.
#
#   aot-train.sh <quarkus-app dir> <cache file> [JVM options the service runs with...]
# The service must run the jar by the same absolute path, and with the JVM options that shape the heap
# layout (GC, compact object headers) the training had: a cache written under others is refused at start
# (with a warning; -XX:AOTMode=on makes that an error) and the start is as slow as without one.
set -euo pipefail
app="$1" cache="$2"; shift 2
port="${AOT_TRAIN_PORT:-18080}"
jar="$(cd "$app" && pwd)/quarkus-run.jar" # the service must name the jar by this same absolute path
env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" \
  QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:1/training \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:1/training \
  QUARKUS_DATASOURCE_USERNAME=training QUARKUS_DATASOURCE_PASSWORD=training \
  QUARKUS_FLYWAY_MIGRATE_AT_START=false QUARKUS_HIBERNATE_ORM_SCHEMA_MANAGEMENT_STRATEGY=none \
  QUARKUS_SHUTDOWN_DELAY=0s \
  MP_JWT_VERIFY_PUBLICKEY_LOCATION=/nonexistent/public.pem SMALLRYE_JWT_SIGN_KEY_LOCATION=/nonexistent/private.pem \
  java "$@" -XX:AOTCacheOutput="$cache" -jar "$jar" &
pid=$!
get() { # path: one HTTP/1.1 GET over bash's /dev/tcp (the runtime image has no curl); prints the status line
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: localhost\r\n%bConnection: close\r\n\r\n' "$1" "${2:-}" >&3
  head -1 <&3
  exec 3<&-
}
for _ in $(seq 600); do
  get /q/health/live >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "training run died" >&2; exit 1; }
  sleep 0.1
done
# What clients do first: health, a 401, a bad token, the WebSocket upgrade refused, the API documents.
for _ in 1 2 3; do
  get /q/health/live
  get /q/health/ready
  get /api/users/me
  get /api/users/me 'Authorization: Bearer not-a-token\r\n'
  get /api/rooms
  get /ws 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
  get /q/metrics
done >/dev/null 2>&1 || true
kill -TERM "$pid"
wait "$pid" || true # the JVM writes the cache on its way out
test -s "$cache"
echo "AOT cache written: $cache ($(( $(stat -c %s "$cache") / 1048576 )) MB)"
