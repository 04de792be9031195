#!/usr/bin/env bash
# Startup (issue 8): the production jar's time from `java -jar` to the first 200 of /q/health/ready, the
# "started in" Quarkus logs, and the RSS 5 s after ready with nothing connected; median of 3 starts each:
#   - plain: `java -jar quarkus-run.jar`, default JVM settings
#   - AppCDS: a dynamic class-data archive of the app, written by one training run (start, a few requests,
#     SIGTERM) with -XX:ArchiveClassesAtExit, then used with -XX:SharedArchiveFile. This is what Quarkus's
#     build option quarkus.package.jar.appcds.enabled=true produces at build time, done here at run time so
#     that the build stays untouched.
#   - AppCDS + a small heap: also -XX:+UseSerialGC -Xmx128m -XX:TieredStopAtLevel=1 (C1 only: less compiler
#     memory and threads at start; not what a loaded server wants, shown as the floor of idle RSS).
# All against the same migrated database (a throw-away first start runs the migrations).
#
#   src/bench/startup.sh        # RUNS=3 starts per variant (medians)
source "$(dirname "$0")/lib.sh"
need java curl psql openssl
PORT=8199
bench_jar
bench_keys
bench_db chat_bench_startup

R="$WORK/rows.txt" # variant ms_to_ready started_in_s rss_mb
one_start() { # variant [java options...]
  local v="$1"; shift
  server_env
  local t0 t1 pid
  t0="$(date +%s%N)"
  env "${SERVER_BASE_ENV[@]}" QUARKUS_HTTP_PORT="$PORT" java "$@" -jar "$JAR" >"$WORK/start.log" 2>&1 &
  pid=$!
  BENCH_PIDS+=("$pid")
  until curl -fs -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "server died"; tail -20 "$WORK/start.log"; exit 1; }
    sleep 0.02
  done
  t1="$(date +%s%N)"
  sleep 5
  local rss; rss="$(rss_kb "$pid")"
  local started; started="$(grep -o 'started in [0-9.]*s' "$WORK/start.log" | grep -o '[0-9.]*' | head -1)"
  if [[ "$v" == training ]]; then # a few requests so that their classes are in the archive too
    for p in /api/users/me /api/rooms /q/health; do curl -s -o /dev/null "http://127.0.0.1:$PORT$p"; done
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  for _ in $(seq 40); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null || break; sleep 0.25; done
  [[ "$v" == migrate || "$v" == training ]] && return
  echo "$v $(( (t1 - t0) / 1000000 )) ${started:-nan} $(( rss / 1024 ))" >>"$R"
}
LOAD0="$(machine_line)"
log "first start (migrations; not counted)"; one_start migrate
for i in $(seq "$RUNS"); do log "plain $i, load $(loadavg)"; one_start plain; done
log "AppCDS training run"; one_start training -XX:ArchiveClassesAtExit="$WORK/app.jsa"
ls -la "$WORK/app.jsa" >&2
for i in $(seq "$RUNS"); do log "AppCDS $i, load $(loadavg)"; one_start appcds -XX:SharedArchiveFile="$WORK/app.jsa"; done
for i in $(seq "$RUNS"); do
  log "AppCDS + small heap $i"
  one_start small -XX:SharedArchiveFile="$WORK/app.jsa" -XX:+UseSerialGC -Xmx128m -XX:TieredStopAtLevel=1
done
med() { awk -v v="$1" -v f="$2" '$1 == v {print $f}' "$R" | median; }
{
  echo "### startup ($RUNS starts per variant; medians)"
  echo
  echo "Start: $LOAD0. End: load average $(loadavg). AppCDS archive: $(( $(stat -c %s "$WORK/app.jsa") / 1048576 )) MB."
  echo
  echo "| variant | launch to ready ms | Quarkus \"started in\" s | idle RSS MB | each start (ms to ready / RSS MB) |"
  echo "|---|---:|---:|---:|---|"
  for v in plain appcds small; do
    case $v in plain) n="java -jar (default JVM)" ;; appcds) n="AppCDS (-XX:SharedArchiveFile)" ;; small) n="AppCDS + SerialGC, -Xmx128m, C1 only" ;; esac
    echo "| $n | $(med $v 2) | $(med $v 3) | $(med $v 4) | $(awk -v v=$v '$1 == v {printf "%s%s / %s", (n++ ? ", " : ""), $2, $4}' "$R") |"
  done
  echo
  echo "Targets: ready <= 1,500 ms, idle RSS <= 200 MB."
} | emit startup
