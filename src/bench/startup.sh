#!/usr/bin/env bash
# Startup (issue 8): the production jar's time from `java -jar` to the first 200 of /q/health/ready, the
# "started in" Quarkus logs, the CPU the process used until ready (less noisy than the wall time on a shared
# machine), and the RSS 5 s after ready with nothing connected; median of RUNS starts each, the variants
# alternating start by start so that they share the machine's state:
#   - base: BASE_JAR (default: none, the row is left out) with BASE_JAVA (java on PATH) and its default JVM
#     options, i.e. how main's jar was measured in the issue; give it the jar of the commit to compare with
#     and name it in BASE_LABEL
#   - nocache: JAR with JAVA (Java 25) and the JVM options of src/main/docker/Dockerfile.jvm, no AOT cache
#   - aot: the same with the AOT cache that Dockerfile.jvm builds: src/main/docker/aot-train.sh, trained
#     without a database, exactly as the image does (this is what the image runs)
# The heap is the one the image gets under the manifest's 512Mi limit (75 %: 384 MB) instead of a share of
# this machine's memory. All against the same migrated database (a throw-away first start migrates it).
#
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java BASE_JAR=/tmp/main/target/quarkus-app/quarkus-run.jar \
#     BASE_LABEL="main 5b632e3" src/bench/startup.sh
source "$(dirname "$0")/lib.sh"
need java curl psql openssl
PORT="${STARTUP_PORT:-8199}"
# JAVA: a Java 25+ (compact object headers, the AOT cache): java on PATH if it is one, else one of /usr/lib/jvm's.
is_java25() { "$1" -XX:+UseCompactObjectHeaders -version >/dev/null 2>&1; }
if [[ -z "${JAVA:-}" ]]; then
  JAVA=java
  if ! is_java25 java; then
    for j in /usr/lib/jvm/*/bin/java; do
      if is_java25 "$j"; then JAVA="$j"; fi
    done
  fi
fi
BASE_JAVA="${BASE_JAVA:-java}"
BASE_JAR="${BASE_JAR:-}"
BASE_LABEL="${BASE_LABEL:-base}"
# Dockerfile.jvm's JDK_JAVA_OPTIONS with the heap of a 512Mi container (the image says it in percent)
IMAGE_OPTS=(-XX:+UseSerialGC -XX:+UseCompactObjectHeaders -Xms51m -Xmx384m -Xmn32m -XX:MinHeapFreeRatio=10
  -XX:MaxHeapFreeRatio=30 -XX:TrimNativeHeapInterval=1000 -XX:+ExitOnOutOfMemoryError)
bench_jar
bench_keys
bench_db chat_bench_startup
is_java25 "$JAVA" || { echo "JAVA ($JAVA) is not Java 25+: set JAVA to one"; exit 1; }

R="$WORK/rows.txt" # variant ms_to_ready started_in_s rss_mb cpu_s
one_start() { # variant java jar [java options...]
  local v="$1" java="$2" jar="$3"; shift 3
  server_env
  local t0 t1 pid cpu
  t0="$(date +%s%N)"
  env "${SERVER_BASE_ENV[@]}" QUARKUS_HTTP_PORT="$PORT" "$java" "$@" -jar "$jar" >"$WORK/start.log" 2>&1 &
  pid=$!
  BENCH_PIDS+=("$pid")
  until curl -fs -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "server died"; tail -20 "$WORK/start.log"; exit 1; }
    sleep 0.02
  done
  t1="$(date +%s%N)"
  cpu="$(cpu_ticks "$pid")"
  sleep 5
  local rss; rss="$(rss_kb "$pid")"
  local started; started="$(grep -o 'started in [0-9.]*s' "$WORK/start.log" | grep -o '[0-9.]*' | head -1)"
  grep -m1 -E '\[(warning|error) *\]\[aot' "$WORK/start.log" >&2 || true # a refused cache says so here
  kill "$pid"; wait "$pid" 2>/dev/null || true
  for _ in $(seq 40); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null || break; sleep 0.25; done
  [[ "$v" == migrate ]] && return
  echo "$v $(( (t1 - t0) / 1000000 )) ${started:-nan} $(( rss / 1024 )) $(awk -v c="$cpu" 'BEGIN {print c / 100}')" >>"$R"
}
LOAD0="$(machine_line)"
log "first start (migrations; not counted)"; one_start migrate "$JAVA" "$JAR" "${IMAGE_OPTS[@]}"
log "AOT cache as the image trains it (no database)"
PATH="$(dirname "$(command -v "$JAVA")"):$PATH" "$REPO/src/main/docker/aot-train.sh" "$(dirname "$JAR")" \
  "$WORK/app.aot" "${IMAGE_OPTS[@]}" >&2
ABS_JAR="$(cd "$(dirname "$JAR")" && pwd)/quarkus-run.jar" # the path the cache was trained with
for i in $(seq "$RUNS"); do
  log "start $i of $RUNS, load $(loadavg)"
  [[ -n "$BASE_JAR" ]] && one_start base "$BASE_JAVA" "$BASE_JAR"
  one_start nocache "$JAVA" "$ABS_JAR" "${IMAGE_OPTS[@]}"
  one_start aot "$JAVA" "$ABS_JAR" "${IMAGE_OPTS[@]}" -XX:AOTCache="$WORK/app.aot"
done
med() { awk -v v="$1" -v f="$2" '$1 == v {print $f}' "$R" | median; }
{
  echo "### startup ($RUNS starts per variant, alternating; medians)"
  echo
  echo "Start: $LOAD0. End: load average $(loadavg). Java 25: \`$("$JAVA" -version 2>&1 | head -1 | tr -d '"')\`."
  echo "AOT cache: $(( $(stat -c %s "$WORK/app.aot") / 1048576 )) MB."
  echo
  echo "| variant | launch to ready ms | Quarkus \"started in\" s | CPU s until ready | idle RSS MB | each start (ms to ready / RSS MB) |"
  echo "|---|---:|---:|---:|---:|---|"
  for v in base nocache aot; do
    grep -q "^$v " "$R" || continue
    case $v in
      base) n="$BASE_LABEL: Java $("$BASE_JAVA" -version 2>&1 | head -1 | cut -d'"' -f2), default JVM options" ;;
      nocache) n="Java 25, the image's options, no AOT cache" ;;
      aot) n="**Java 25, the image's options and AOT cache (what Dockerfile.jvm runs)**" ;;
    esac
    echo "| $n | $(med $v 2) | $(med $v 3) | $(med $v 5) | $(med $v 4) | $(awk -v v=$v '$1 == v {printf "%s%s / %s", (n++ ? ", " : ""), $2, $4}' "$R") |"
  done
  echo
  echo "Image options: \`${IMAGE_OPTS[*]}\`. Targets: ready <= 1,500 ms, idle RSS <= 200 MB."
} | emit startup
