#!/usr/bin/env bash
# Where the server's CPU goes on one path: the production jar under JFR (execution samples every 10 ms,
# only while the load runs), wrk on the path, then the hottest methods by self time and the hottest
# frames of the application's own packages (dev.chat) or of the libraries on the way (by inclusive count).
# Not part of all.sh: a profiler perturbs the figures, so it is run on its own when a target is missed.
#
#   src/bench/profile.sh send      # one room, 32 senders (POST /api/rooms/{id}/messages)
#   src/bench/profile.sh rooms     # 32 rooms, one sender each (send.sh's "32 rooms" row, no listener)
#   src/bench/profile.sh me        # GET /api/users/me, 32 connections
#   src/bench/profile.sh history   # the latest 50 messages of a room of 5,000, 8 connections
#   src/bench/profile.sh anon      # a 401 with no token, 32 connections
#   WARMUP=30 T=20                 # seconds of load before the recording, and recorded
source "$(dirname "$0")/lib.sh"
need java jfr curl psql wrk node openssl
WHAT="${1:-me}" T="${T:-20}" PORT=8199
bench_jar
bench_keys
bench_db chat_bench_profile
bench_migrate "$PORT"
seed_users 1 32
seed_room one 1 1 32
mint_tokens 0 32 "$WORK/tokens.txt"
ONE="$(sql -At -c "select md5('room-one')::uuid")"
if [[ "$WHAT" == history ]]; then # as reads.sh's room "hist"
  sql -c "insert into messages (id, room_id, seq, sender_id, body, created_at, deleted)
          select gen_random_uuid(), md5('room-one')::uuid, g, md5('b' || (1 + g % 32))::uuid,
                 'history message ' || g || ' lorem ipsum dolor sit amet', now() - (5000 - g) * interval '1 s', false
          from generate_series(1, 5000) g" \
      -c "update rooms set last_seq = 5000, last_event = 5000 where id = md5('room-one')::uuid" -c "vacuum analyze" >/dev/null
fi
awk -v r="$ONE" 'NR > 1 {print $3, r}' "$WORK/tokens.txt" >"$WORK/wrk-one.txt"
if [[ "$WHAT" == rooms ]]; then # rooms own1..own32, b<i> alone in own<i>
  for i in $(seq 1 32); do seed_room "own$i" "$i" "$i" "$i"; done
  sql -c "analyze" >/dev/null
  own_room_senders "$WORK/wrk-own.txt"
fi
TOKEN="$(sed -n 2p "$WORK/tokens.txt" | cut -d' ' -f3)"
cat >"$WORK/profile.jfc" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">10 ms</setting></event>
</configuration>
EOF
bench_server "$PORT" "$WORK/server.log"
load() { # seconds
  case "$WHAT" in
    send) WRK_THREADS=32 wrkrun 32 "$1" send.lua "http://127.0.0.1:$PORT" BENCH_TOKENS="$WORK/wrk-one.txt" ;;
    rooms) WRK_THREADS=32 wrkrun 32 "$1" send.lua "http://127.0.0.1:$PORT" BENCH_TOKENS="$WORK/wrk-own.txt" ;;
    me) wrkrun 32 "$1" get.lua "http://127.0.0.1:$PORT" BENCH_PATH=/api/users/me BENCH_TOKEN="$TOKEN" ;;
    history) wrkrun 8 "$1" get.lua "http://127.0.0.1:$PORT" BENCH_PATH="/api/rooms/$ONE/messages?limit=50" BENCH_TOKEN="$TOKEN" ;;
    anon) wrkrun 32 "$1" get.lua "http://127.0.0.1:$PORT" BENCH_PATH=/api/users/me BENCH_STATUS=401 ;;
  esac
}
load "${WARMUP:-30}" >/dev/null # JIT warm-up (README: warm servers)
# Group commit's batches (count and sum of the summary) before and after the measured window.
batches() { curl -s "http://127.0.0.1:$PORT/q/metrics" | awk '/^chat_messages_batch_size_(count|sum)/ {printf "%s ", $2} END {print ""}'; }
# PostgreSQL's view while the load runs: what the bench database's backends wait on, sampled every 50 ms.
waits() {
  while :; do
    sql -At -c "select coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' ' || state from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'" 2>/dev/null
    sleep 0.05
  done >"$WORK/waits.txt"
}
jcmd "$SERVER_PID" JFR.start name=bench settings="$WORK/profile.jfc" >/dev/null
b0="$(batches)"
waits &
WAITS=$!
BENCH_PIDS+=("$WAITS")
c0="$(cpu_ticks "$SERVER_PID")"
out="$(load "$T")"
c1="$(cpu_ticks "$SERVER_PID")"
kill "$WAITS"
b1="$(batches)"
jcmd "$SERVER_PID" JFR.dump name=bench filename="$WORK/rec.jfr" >/dev/null
jfr print --events jdk.ExecutionSample "$WORK/rec.jfr" >"$WORK/samples.txt"
rate="${out%% *}"
{
  echo "### profile: $WHAT ($T s, $(loadavg) load average)"
  echo
  echo "wrk: $rate req/s (p50 / p99 $(echo "$out" | cut -d' ' -f2) / $(echo "$out" | cut -d' ' -f3) ms); server CPU" \
       "$(awk -v a="$c0" -v b="$c1" -v r="$rate" -v t="$T" 'BEGIN {printf "%.2f cores, %.0f us per request", (b - a) / 100 / t, (b - a) * 10000 / (r * t)}')."
  [[ "$WHAT" == send || "$WHAT" == rooms ]] && echo "Batches: $(echo "$b0 $b1" | awk '{if ($3 > $1) printf "%d, mean %.1f sends each", $3 - $1, ($4 - $2) / ($3 - $1); else print "none"}')."
  echo
  echo "PostgreSQL backends of the bench database, active (wait event, state), share of 50-ms samples:"
  echo '```'
  sort "$WORK/waits.txt" | uniq -c | sort -rn | head -10
  echo '```'
  echo "Hottest methods, self (share of $(grep -c 'jdk.ExecutionSample' "$WORK/samples.txt") samples):"
  echo '```'
  awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); sub(/line:.*/, ""); print}' "$WORK/samples.txt" \
    | sort | uniq -c | sort -rn | head -20
  echo '```'
  echo "Inclusive, frames of dev.chat, Quarkus security/JWT, RESTEasy, Hibernate, Vert.x SQL (share of samples):"
  echo '```'
  awk '/stackTrace = \[/ {delete seen; inst = 1; next}
       inst && /^\s*\]/ {inst = 0; next}
       inst { f = $0; sub(/^ +/, "", f); sub(/\(.*/, "", f);
              if (f ~ /^(dev\.chat|io\.quarkus\.security|io\.smallrye\.jwt|io\.quarkus\.smallrye\.jwt|org\.jboss\.resteasy|io\.quarkus\.resteasy|org\.hibernate|io\.vertx\.pgclient|io\.vertx\.sqlclient|org\.jose4j|sun\.security\.rsa)/ && !(f in seen)) { seen[f] = 1; n[f]++ } }
       END { for (f in n) print n[f], f }' "$WORK/samples.txt" | sort -rn | head -25
  echo '```'
} | emit "profile-$WHAT"
