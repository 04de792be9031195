#!/usr/bin/env bash
# Reads (issue 8): with wrk, GET the latest history page (limit 50), the room list (limit 50) and
# /api/users/me, each with 8 and 32 connections, beside pgbench running the statements the service runs for
# that request (the token's user lookup of ActiveUserAugmentor, then the endpoint's own: MessageRepository's
# role + HISTORY_LATEST, RoomListQuery.SQL, the users row by id) with the same clients. And a 401 (no token)
# against /q/health/live, 32 connections: the cost of the HTTP/security stack with no database at all.
# Also the database commits per request (pg_stat_database), i.e. how many round trips a request costs.
#
#   src/bench/reads.sh          # RUNS=3 of 6 s per configuration (medians); QUICK=1: one run of 4 s
#   WARMUP=30                   # seconds of load on each of the three paths before measuring
source "$(dirname "$0")/lib.sh"
need java curl psql wrk pgbench node openssl
T="${T:-$([[ "$QUICK" == 1 ]] && echo 4 || echo 6)}"
WARMUP="${WARMUP:-30}"
PORT="${PORT:-8199}"
bench_jar
bench_keys
bench_db chat_bench_reads
bench_server "$PORT" "$WORK/server.log"

# b1 reads. Room "hist": b1..b40, 5,000 messages. The room list: b1 is in 60 more rooms of 20 messages each.
seed_users 1 40
seed_room hist 1 1 40
for i in $(seq 1 60); do seed_room "l$i" 1 2 2; done
sql -c "insert into messages (id, room_id, seq, sender_id, body, created_at, deleted)
        select gen_random_uuid(), md5('room-hist')::uuid, g, md5('b' || (1 + g % 40))::uuid,
               'history message ' || g || ' lorem ipsum dolor sit amet', now() - (5000 - g) * interval '1 s', false
        from generate_series(1, 5000) g" \
    -c "update rooms set last_seq = 5000, last_event = 5000 where id = md5('room-hist')::uuid" \
    -c "insert into messages (id, room_id, seq, sender_id, body, created_at, deleted)
        select gen_random_uuid(), r.id, g, md5('b2')::uuid, 'list message ' || g, now(), false
        from rooms r, generate_series(1, 20) g where r.name like 'room l%'" \
    -c "update rooms set last_seq = 20, last_event = 20, last_activity = now() - random() * interval '1 h' where name like 'room l%'" \
    -c "update memberships set last_read_seq = 10, last_delivered_seq = 10 where user_id = md5('b1')::uuid and room_id <> md5('room-hist')::uuid" \
    -c "vacuum analyze"
bench_node
mint_tokens 1 1 "$WORK/tokens.txt"
TOKEN="$(cut -d' ' -f3 "$WORK/tokens.txt")"
HIST="$(sql -At -c "select md5('room-hist')::uuid")"

# ---- the same statements for pgbench (parameters written in, as the service binds them)
cols="id, room_id, seq, sender_id, body, client_message_id, reply_to_id, created_at, edited_at, deleted"
lmcols="$(echo "$cols" | sed -E 's/([a-z_]+)/lm.\1 AS lm_\1/g')"
AUTH="SELECT 1 FROM users WHERE id = md5('b1')::uuid;"
cat >"$WORK/history.sql" <<EOF
$AUTH
SELECT role FROM memberships WHERE room_id = md5('room-hist')::uuid AND user_id = md5('b1')::uuid;
SELECT $cols FROM messages WHERE room_id = md5('room-hist')::uuid ORDER BY seq DESC LIMIT 51;
EOF
cat >"$WORK/rooms.sql" <<EOF
$AUTH
WITH page AS (
    SELECT r.id, r.type, r.name, r.created_at, r.last_seq, r.last_activity, r.member_count, m.user_id, m.last_read_seq
    FROM memberships m JOIN rooms r ON r.id = m.room_id
    WHERE m.user_id = md5('b1')::uuid AND (NULL::timestamptz IS NULL OR (r.last_activity, r.id) < (NULL::timestamptz, NULL::uuid))
    ORDER BY r.last_activity DESC, r.id DESC LIMIT 51
)
SELECT p.*, unread.n AS unread_count, $lmcols
FROM page p
LEFT JOIN LATERAL (SELECT * FROM messages x WHERE x.room_id = p.id ORDER BY x.seq DESC LIMIT 1) lm ON true
CROSS JOIN LATERAL (SELECT count(*) AS n FROM messages x
    WHERE x.room_id = p.id AND x.seq > p.last_read_seq AND x.sender_id <> p.user_id AND NOT x.deleted) unread
ORDER BY p.last_activity DESC, p.id DESC;
EOF
cat >"$WORK/me.sql" <<EOF
$AUTH
SELECT id, username, display_name, password_hash, created_at, last_seen_at FROM users WHERE id = md5('b1')::uuid;
EOF

commits() { sql -At -c "select xact_commit from pg_stat_database where datname = current_database()"; }
B="http://127.0.0.1:$PORT"
# JIT warm-up, not reported: WARMUP seconds per path
for p in "/api/rooms/$HIST/messages?limit=50" "/api/rooms?limit=50" /api/users/me; do
  wrkrun 8 "$WARMUP" get.lua "$B" BENCH_PATH="$p" BENCH_TOKEN="$TOKEN" >/dev/null
done
wrkrun 8 2 get.lua "$B" BENCH_PATH=/api/users/me BENCH_STATUS=401 >/dev/null

R="$WORK/rows.txt" # run config who rate p50 p99 bad [commits/request]
svc() { # run config connections path [env]
  local run="$1" cfg="$2" c="$3" p="$4"; shift 4
  local c0 c1 out; c0="$(commits)"
  out="$(wrkrun "$c" "$T" get.lua "$B" BENCH_PATH="$p" "$@")"
  sleep 1 # PostgreSQL publishes its counters about once a second
  c1="$(commits)"
  echo "$run $cfg service $out $(awk -v a="$c0" -v b="$c1" -v r="${out%% *}" -v t="$T" 'BEGIN {printf "%.2f", (b - a - 2) / (r * t)}')" >>"$R"
}
LOAD0="$(machine_line)"
for run in $(seq 1 "$RUNS"); do
  log "run $run of $RUNS, load $(loadavg)"
  for c in 8 32; do
    svc "$run" "history$c" "$c" "/api/rooms/$HIST/messages?limit=50" BENCH_TOKEN="$TOKEN"
    echo "$run history$c pgbench $(pgb "$c" "$T" "$WORK/history.sql") 0" >>"$R"
    svc "$run" "rooms$c" "$c" "/api/rooms?limit=50" BENCH_TOKEN="$TOKEN"
    echo "$run rooms$c pgbench $(pgb "$c" "$T" "$WORK/rooms.sql") 0" >>"$R"
    svc "$run" "me$c" "$c" /api/users/me BENCH_TOKEN="$TOKEN"
    echo "$run me$c pgbench $(pgb "$c" "$T" "$WORK/me.sql") 0" >>"$R"
  done
  svc "$run" anon32 32 /api/users/me BENCH_STATUS=401
  svc "$run" live32 32 /q/health/live
done

med() { awk -v c="$1" -v w="$2" -v f="$3" '$2 == c && $3 == w {print $f}' "$R" | median; }
{
  echo "### reads ($RUNS run(s) of $T s per configuration; medians)"
  echo
  echo "Start: $LOAD0. End: load average $(loadavg)."
  echo
  echo "| path | clients | service req/s | p50 / p99 ms | db commits per request | pgbench tx/s, same statements | p50 / p99 ms | ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for what in history rooms me; do
    case $what in history) name="history, latest 50" ;; rooms) name="room list (61 rooms, page of 50)" ;; me) name="GET /api/users/me" ;; esac
    for c in 8 32; do
      s="$(med "$what$c" service 4)"; p="$(med "$what$c" pgbench 4)"
      echo "| $name | $c | $(fmt "$s") | $(med "$what$c" service 5) / $(med "$what$c" service 6) | $(med "$what$c" service 8) | $(fmt "$p") | $(med "$what$c" pgbench 5) / $(med "$what$c" pgbench 6) | $(ratio "$s" "$p") |"
    done
  done
  a="$(med anon32 service 4)"; l="$(med live32 service 4)"
  echo "| a 401, no token (\`GET /api/users/me\`) | 32 | $(fmt "$a") | $(med anon32 service 5) / $(med anon32 service 6) | $(med anon32 service 8) | (\`/q/health/live\`: $(fmt "$l") req/s) | $(med live32 service 5) / $(med live32 service 6) | $(ratio "$a" "$l") |"
  echo
  echo "Unexpected statuses or socket errors: $(awk '$3 == "service" {s += $7} END {print s + 0}' "$R")." \
       "pgbench's client does no HTTP, JSON or token work: 1.0x is the limit, the target is >= 0.25x."
} | emit reads
[[ -n "$OUT" ]] && awk '$3 == "service" {print "reads", $2, $4, $6}' "$R" >>"$OUT/reads.tsv" || true
grep -E " (ERROR|WARN) " "$WORK/server.log" | tail -5 >&2 || true
