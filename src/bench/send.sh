#!/usr/bin/env bash
# Send (issue 8): POST /api/rooms/{id}/messages with wrk (closed loop, one sender per connection, each its own
# user and token), in one room and in as many rooms as senders, with 8 and 32 senders; every message is
# fanned out to one connected member (listen.js, a member of every room). Beside it, in the same run, pgbench
# runs the single-message form of the service's send transaction (lock the room, read the membership and
# earlier clientMessageId, bump last_seq and insert) with the same clients and rooms: the database's
# single-message ceiling. And the batch form of that transaction (one lock, one membership read,
# last_seq += k, one multi-row insert) for k = 8 and 32 in one room: the ceiling group commit could reach.
# Then one room at half of the 32-sender saturation, open loop (pace.js: sends due at a constant rate
# whatever the answers, latency from the due time), for the p99. For each service row also
# the server's cores (CPU time / wall time) and the mean size of group commit's batches (/q/metrics).
#
#   src/bench/send.sh          # RUNS=3 of 6 s per configuration (medians); QUICK=1: one run of 4 s
#   WARMUP=30                  # seconds of load into one room, then as many into many rooms, before measuring
source "$(dirname "$0")/lib.sh"
need java curl psql wrk pgbench node openssl
T="${T:-$([[ "$QUICK" == 1 ]] && echo 4 || echo 6)}"
WARMUP="${WARMUP:-30}"
PORT="${PORT:-8199}"
bench_jar
bench_node
bench_keys
bench_db chat_bench_send
bench_server "$PORT" "$WORK/server.log"
SERVER="$SERVER_PID"

# b1..b32 send; b100 listens. Room "one": b1..b32 and b100. Rooms own<i>: b<i> and b100.
seed_users 1 100
seed_room one 1 1 32
sql -c "insert into memberships (room_id, user_id, role, joined_at) values (md5('room-one')::uuid, md5('b100')::uuid, 'member', now())"
for i in $(seq 1 32); do seed_room "own$i" "$i" 100 100; done
# pgbench gets rooms of its own of the same shape ("pone", "pown<i>"): its transactions take stream positions
# that no event carries, and in the service's rooms each would be a gap the hubs wait out and re-read.
seed_room pone 1 1 32
sql -c "insert into memberships (room_id, user_id, role, joined_at) values (md5('room-pone')::uuid, md5('b100')::uuid, 'member', now())"
for i in $(seq 1 32); do seed_room "pown$i" "$i" 100 100; done
sql -c "analyze"
mint_tokens 0 100 "$WORK/tokens.txt"
ONE="$(sql -At -c "select md5('room-one')::uuid")"
awk -v r="$ONE" 'NR > 1 && NR <= 33 {print $3, r}' "$WORK/tokens.txt" >"$WORK/wrk-one.txt"
own_room_senders "$WORK/wrk-own.txt"

node "$BENCH_DIR/listen.js" "ws://127.0.0.1:$PORT/ws" "$(sed -n 101p "$WORK/tokens.txt" | cut -d' ' -f3)" "$WORK/listened" \
  >"$WORK/listen.out" 2>&1 &
LISTENER=$!
BENCH_PIDS+=("$LISTENER")
for _ in $(seq 120); do grep -qs ready "$WORK/listen.out" && break; sleep 0.25; done
grep -qs ready "$WORK/listen.out" || { echo "the listener got no ready frame"; cat "$WORK/listen.out"; exit 1; }
stored0="$(sql -At -c "select count(*) from messages")" # the listener counts what is sent from now on

# ---- pgbench scripts: the service's statements with its parameters written in; :u is the client's sender
cols="id, room_id, seq, sender_id, body, client_message_id, reply_to_id, created_at, edited_at, deleted"
ocols="$(echo "$cols" | sed -E 's/([a-z_]+)/x.\1 AS o_\1/g')"
send_sql() { # room expression
  cat <<EOF
\set u :client_id + 1
BEGIN;
SELECT 1 FROM rooms r WHERE r.id = $1
  AND EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = $1 AND m.user_id = md5('b' || :u)::uuid)
  FOR UPDATE OF r;
SELECT m.role, $ocols FROM memberships m LEFT JOIN messages x
  ON x.room_id = m.room_id AND x.sender_id = m.user_id AND x.client_message_id = NULL::varchar
  WHERE m.room_id = $1 AND m.user_id = md5('b' || :u)::uuid;
WITH r AS (
    UPDATE rooms SET last_seq = last_seq + 1, last_event = last_event + 1, last_activity = GREATEST(last_activity, now())
    WHERE id = $1 RETURNING last_seq, last_event
), m AS (
    INSERT INTO messages (id, room_id, seq, sender_id, body, client_message_id, reply_to_id, created_at, deleted)
    SELECT gen_random_uuid(), $1, r.last_seq, md5('b' || :u)::uuid, 'bench message lorem ipsum dolor sit amet', NULL, NULL, now(), false FROM r
    RETURNING $cols
), w AS (
    UPDATE memberships SET last_read_seq = GREATEST(last_read_seq, m.seq), last_delivered_seq = GREATEST(last_delivered_seq, m.seq)
    FROM m WHERE memberships.room_id = $1 AND memberships.user_id = md5('b' || :u)::uuid
)
SELECT m.*, r.last_event FROM m, r;
END;
EOF
}
send_sql "md5('room-pone')::uuid" >"$WORK/send-one.sql"
send_sql "md5('room-pown' || :u)::uuid" >"$WORK/send-own.sql"
# The batch: :k messages of senders b1..b<k> in room pone, in one transaction.
cat >"$WORK/send-batch.sql" <<EOF
\set u :client_id + 1
BEGIN;
SELECT 1 FROM rooms r WHERE r.id = md5('room-pone')::uuid
  AND EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = md5('b' || :u)::uuid)
  FOR UPDATE OF r;
SELECT m.user_id, m.role, $ocols FROM memberships m LEFT JOIN messages x
  ON x.room_id = m.room_id AND x.sender_id = m.user_id AND x.client_message_id = NULL::varchar
  WHERE m.room_id = md5('room-pone')::uuid AND m.user_id IN (SELECT md5('b' || g)::uuid FROM generate_series(1, :k::int) g);
WITH r AS (
    UPDATE rooms SET last_seq = last_seq + :k::int, last_event = last_event + :k::int, last_activity = GREATEST(last_activity, now())
    WHERE id = md5('room-pone')::uuid RETURNING last_seq, last_event
), m AS (
    INSERT INTO messages (id, room_id, seq, sender_id, body, client_message_id, reply_to_id, created_at, deleted)
    SELECT gen_random_uuid(), md5('room-pone')::uuid, r.last_seq - :k::int + g, md5('b' || g)::uuid,
           'bench message lorem ipsum dolor sit amet', NULL, NULL, now(), false
    FROM r, generate_series(1, :k::int) g
    RETURNING $cols
), w AS (
    UPDATE memberships SET last_read_seq = GREATEST(last_read_seq, m.seq), last_delivered_seq = GREATEST(last_delivered_seq, m.seq)
    FROM m WHERE memberships.room_id = m.room_id AND memberships.user_id = m.sender_id
)
SELECT count(*), max(r.last_event) FROM m, r;
END;
EOF

# JIT warm-up of the send path, not reported: WARMUP seconds into one room, then as many into many rooms.
WRK_THREADS=32 wrkrun 32 "$WARMUP" send.lua "http://127.0.0.1:$PORT" BENCH_TOKENS="$WORK/wrk-one.txt" >/dev/null
WRK_THREADS=8 wrkrun 8 "$WARMUP" send.lua "http://127.0.0.1:$PORT" BENCH_TOKENS="$WORK/wrk-own.txt" >/dev/null

R="$WORK/rows.txt" # run config who rate p50 p99 bad [offered] ; S: run config cores batch
S="$WORK/server.txt"
batches() { curl -s "http://127.0.0.1:$PORT/q/metrics" | awk '/^chat_messages_batch_size_(count|sum)/ {printf "%s ", $2} END {print ""}'; }
svc() { # run config command...: one service row, with the server's cores and the mean batch size meanwhile
  local run="$1" cfg="$2"; shift 2
  local c0 c1 b0 b1 t0 t1 out
  c0="$(cpu_ticks "$SERVER")"; b0="$(batches)"; t0="$(date +%s%N)"
  out="$("$@")"
  c1="$(cpu_ticks "$SERVER")"; b1="$(batches)"; t1="$(date +%s%N)"
  echo "$run $cfg service $out" >>"$R"
  echo "$run $cfg $(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.2f", (b - a) / 100 / ((t1 - t0) / 1e9)}') $(echo "$b0 $b1" | awk '{if ($3 > $1) printf "%.1f", ($4 - $2) / ($3 - $1); else print "nan"}')" >>"$S"
}
wrksend() { WRK_THREADS="$1" wrkrun "$1" "$T" send.lua "http://127.0.0.1:$PORT" BENCH_TOKENS="$2"; }
pace() { # rate tokens: open loop, all senders of the file together at that rate
  node "$BENCH_DIR/pace.js" "http://127.0.0.1:$PORT" "$2" "$1" "$T" | awk '/^WRK / {printf "%.1f %.2f %.2f %d\n", $2 / $3, $4, $5, $7 + $8}'
}
LOAD0="$(machine_line)"
for run in $(seq 1 "$RUNS"); do
  log "run $run of $RUNS, load $(loadavg)"
  for c in 8 32; do
    svc "$run" "one$c" wrksend "$c" "$WORK/wrk-one.txt"
    echo "$run one$c pgbench $(pgb "$c" "$T" "$WORK/send-one.sql") 0" >>"$R"
    svc "$run" "own$c" wrksend "$c" "$WORK/wrk-own.txt"
    echo "$run own$c pgbench $(pgb "$c" "$T" "$WORK/send-own.sql") 0" >>"$R"
  done
  for k in 8 32; do
    echo "$run batch$k pgbench $(pgb 8 "$T" "$WORK/send-batch.sql" -D k=$k) 0" >>"$R"
  done
  # half of this run's 32-sender saturation in one room, open loop, 32 senders
  sat="$(awk -v r="$run" '$1 == r && $2 == "one32" && $3 == "service" {print $4}' "$R")"
  half="$(awk -v s="$sat" 'BEGIN {printf "%d", s / 2}')"
  svc "$run" half32 pace "$half" "$WORK/wrk-one.txt"
  sed -i "\$ s/\$/ $half/" "$R" # the offered rate, at the end of that row
done
sleep 2 # the last sends' frames still on their way to the listener
kill "$LISTENER"; wait "$LISTENER" 2>/dev/null || true
# the hubs' own count of rooms re-read after a lost stream position, and of 4008 closes
metrics="$(curl -s "http://127.0.0.1:$PORT/q/metrics" | awk '/^chat_(room_resyncs|ws_slow_consumer_closes)_total/ {printf "%s%s %d", (n++ ? ", " : ""), $1, $2}')"
# messages the service stored (pgbench's bodies start with "bench message"; they are not pushed)
stored="$(( $(sql -At -c "select count(*) from messages where body not like 'bench message%'") - stored0 ))"

med() { awk -v c="$1" -v w="$2" -v f="$3" '$2 == c && $3 == w {print $f}' "$R" | median; }
srv() { awk -v c="$1" -v f="$2" '$2 == c {print $f}' "$S" | median; } # config field: 3 cores, 4 batch
bad() { awk -v c="$1" '$2 == c && $3 == "service" {s += $7} END {print s + 0}' "$R"; }
{
  echo "### send ($RUNS run(s) of $T s per configuration; medians)"
  echo
  echo "Start: $LOAD0. End: load average $(loadavg)."
  echo
  echo "| path | service msg/s | p50 / p99 ms | server cores | mean batch | pgbench tx/s, same SQL and clients | p50 / p99 ms | ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for c in 8 32; do
    for shape in one own; do
      name="$([[ $shape == one ]] && echo "one room, $c senders" || echo "$c rooms, $c senders")"
      s="$(med "$shape$c" service 4)"; p="$(med "$shape$c" pgbench 4)"
      echo "| $name | $(fmt "$s") | $(med "$shape$c" service 5) / $(med "$shape$c" service 6) | $(srv "$shape$c" 3) | $(srv "$shape$c" 4) | $(fmt "$p") | $(med "$shape$c" pgbench 5) / $(med "$shape$c" pgbench 6) | $(ratio "$s" "$p") |"
      [[ $shape == one && $c == 32 ]] && one32="$s"
      [[ $shape == one && $c == 32 ]] && pg32="$p"
    done
  done
  for k in 8 32; do
    tps="$(med "batch$k" pgbench 4)"
    msgs="$(awk -v t="$tps" -v k="$k" 'BEGIN {printf "%.0f", t * k}')"
    echo "| pgbench batch of $k in one room, 8 clients | | | | | $(fmt "$msgs") msg/s ($(fmt "$tps") tx/s) | $(med "batch$k" pgbench 5) / $(med "batch$k" pgbench 6) | service one room 32 / this: $(ratio "$one32" "$msgs") |"
  done
  echo "| one room, 32 senders, open loop at half of saturation ($(med half32 service 8) msg/s offered) | $(fmt "$(med half32 service 4)") | $(med half32 service 5) / $(med half32 service 6) | $(srv half32 3) | $(srv half32 4) | | | |"
  echo
  echo "Target one room, 32 senders >= 3x the pgbench single-message ceiling: $(ratio "$one32" "$pg32")x."
  echo "Unexpected answers (not 201) or socket errors: one room $(bad one8)+$(bad one32), many rooms $(bad own8)+$(bad own32)."
  echo "Fan-out: the member connected to every room received $(cat "$WORK/listened" 2>/dev/null || echo '?') message.created frames" \
       "of the $stored messages the service stored (warm-up included)$(grep -s closed "$WORK/listen.out" | sed 's/^/; /'); server: $metrics."
} | emit send
[[ -n "$OUT" ]] && awk '$3 == "service" {print "send", $2, $4, $6}' "$R" >>"$OUT/send.tsv" || true
grep -E " (ERROR|WARN) " "$WORK/server.log" | tail -5 >&2 || true
