#!/usr/bin/env bash
# Fan-out (issue 8): open-loop paced sends into rooms whose members are all connected, measured against
# nginx + nchan (POST publish, WebSocket subscribe) with the same subscribers, rates and frame size, in the
# same run. Per target: deliveries/s, p50/p99 send-to-receive (from the publisher issuing the message at its
# scheduled time to a subscriber parsing the frame), and missing deliveries (expected = 2xx sends x members).
#
#   src/bench/fanout.sh                         # the 4 scenarios below, RUNS=3, 8 s each; QUICK=1: 1 run of 5 s
#   SCENARIOS="2" CONFIG=redis2 src/bench/fanout.sh   # what variants.sh does
#
# "missing": deliveries not received by the end of the drain (10 s after the last send was answered, or
# 1 s of silence); with a backlog that is late rather than lost, the server's resync counter tells which.
# Scenarios: 1) 1 room x 1,000 members at 100 msg/s  2) the same at 200 msg/s  3) 100 rooms x 10 members at
# 1,000 msg/s  4) 1 room x 5,000 members at 20 msg/s.
# CONFIG (the service's side; issue 7): local2 (default: local fan-out, 2 event loops = 2 hubs), local1 (one
# event loop, one hub), redis1 (CHAT_FANOUT=redis, one instance), redis2 (two instances, subscribers split
# over both, sends to the first), shared (local2, but frames written as one shared String per event through
# WebSockets Next's sendText instead of SocketOutbound's direct write of the shared bytes).
source "$(dirname "$0")/lib.sh"
need java curl psql node nginx openssl
CONFIG="${CONFIG:-local2}"
SCENARIOS="${SCENARIOS:-1 2 3 4}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-$([[ "$QUICK" == 1 ]] && echo 5 || echo 8)}"
PORT=8199 PORT2=8299 NCHAN_PORT=8399
PROCS="${PROCS:-2}" # subscriber processes; the load client needs about one core at the high rates
bench_jar
bench_node
bench_keys
bench_db chat_bench_fanout

# ---- the service, in the configuration asked for
REDIS_PREFIX="bench-$$"
srv_env=(QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=2)
case "$CONFIG" in
  local1) srv_env=(QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=1) ;;
  local2) ;;
  shared) export JAVA_OPTS="${JAVA_OPTS:-} -Dbench.shared-string=true" ;;
  redis1 | redis2) srv_env+=(CHAT_FANOUT=redis CHAT_REDIS_PREFIX="$REDIS_PREFIX" "CHAT_LIMITS_REDIS_PREFIX=$REDIS_PREFIX:limits:") ;;
  *) echo "unknown CONFIG $CONFIG"; exit 1 ;;
esac
# Redis keys of this run only (the machine's Redis is shared: never flushed, never reconfigured).
trap 'bench_cleanup; redis_clean' EXIT # servers first: a running instance rewrites its keys
redis_clean() {
  [[ "$CONFIG" == redis* ]] && redis-cli -h 127.0.0.1 -p 6379 --scan --pattern "$REDIS_PREFIX:*" \
    | xargs -r redis-cli -h 127.0.0.1 -p 6379 del >/dev/null 2>&1 || true
}
log "service ($CONFIG) on 127.0.0.1:$PORT"
bench_server "$PORT" "$WORK/server.log" "${srv_env[@]}"
PIDS="$SERVER_PID" WS="http://127.0.0.1:$PORT"
if [[ "$CONFIG" == redis2 ]]; then
  bench_server "$PORT2" "$WORK/server2.log" "${srv_env[@]}"
  PIDS="$PIDS,$SERVER_PID" WS="$WS,http://127.0.0.1:$PORT2"
fi

# ---- nginx + nchan beside it: 2 workers (as the service's 2 event loops), channels in memory
# nchan_subscriber_first_message newest: a subscriber gets what is published after it subscribed, as a member
# of the service does. nchan's default (oldest) replayed the channel's last 16 messages to every subscriber of
# the next run or scenario on it: 16,000 extra frames for 1,000 subscribers, seconds old, in nchan's p99.
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
worker_processes 2;
worker_rlimit_nofile 20000;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 19000; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NCHAN_PORT;
    location = /pub { nchan_publisher; nchan_channel_id \$arg_id; nchan_message_buffer_length 16; nchan_message_timeout 30s; }
    location = /sub { nchan_subscriber websocket; nchan_channel_id \$arg_id; nchan_subscriber_first_message newest; }
  }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
BENCH_PIDS+=($!)
for _ in $(seq 40); do curl -s -o /dev/null "http://127.0.0.1:$NCHAN_PORT/pub?id=probe" -d x && break; sleep 0.25; done
NCHAN_PIDS="$(pgrep -d, -P "${BENCH_PIDS[-1]}" || true)"

# ---- users and rooms: b0 sends into every room (no socket); each scenario has its own members
seed_users 0 8000
seed_room s1f0 0 1 1000                                     # scenarios 1, 2: b1..b1000
for r in $(seq 0 99); do seed_room "s3f$r" 0 $((1001 + r * 10)) $((1010 + r * 10)); done   # b1001..b2000
seed_room s4f0 0 2001 7000                                  # scenario 4: b2001..b7000
sql -c "analyze"
mint_tokens 0 7000 "$WORK/tokens.txt"
# A few sends and reads first, so that the first scenario does not pay for the JIT (not reported).
node -e "
const http=require('http');const t=require('fs').readFileSync('$WORK/tokens.txt','utf8').split('\n')[0].split(' ')[2];
const a=new http.Agent({keepAlive:true,maxSockets:8});let n=0;
const go=()=>{if(n++>=1500)return;const r=http.request({agent:a,host:'127.0.0.1',port:$PORT,method:'POST',
path:'/api/rooms/'+require('crypto').createHash('md5').update('room-s3f99').digest('hex').replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/,'\$1-\$2-\$3-\$4-\$5')+'/messages',
headers:{'Content-Type':'application/json',Authorization:'Bearer '+t}},s=>{s.resume();s.on('end',go)});r.end('{\"body\":\"warm-up\"}')};
for(let i=0;i<8;i++)go();"

RESULTS="$WORK/results.jsonl"
push() { # label tag first rooms members rate
  local pr=$PROCS
  [[ "$5" -ge 5000 ]] && pr=$(( PROCS > 2 ? PROCS : 2 ))
  log "scenario $1 ($4 x $5 at $6 msg/s), load $(loadavg)"
  node "$BENCH_DIR/push.js" --label "$1" --tag "$2" --first "$3" --rooms "$4" --members "$5" --rate "$6" \
    --seconds "$SECONDS_PER_RUN" --runs "$RUNS" --procs "$pr" --tokens "$WORK/tokens.txt" --ws "$WS" \
    --nchan "http://127.0.0.1:$NCHAN_PORT" --pids "$PIDS" --nchan-pids "$NCHAN_PIDS" \
    ${OUT:+--tsv "$OUT/fanout.tsv"} >>"$RESULTS"
}
LOAD0="$(machine_line)"
for s in $SCENARIOS; do
  case "$s" in
    1) push "1x1000@100" s1 1 1 1000 100 ;;
    2) push "1x1000@200" s1 1 1 1000 200 ;;
    3) push "100x10@1000" s3 1001 100 10 1000 ;;
    4) push "1x5000@20" s4 2001 1 5000 20 ;;
  esac
done

# ---- one table: medians over the runs, service against nchan
{
  echo "### fan-out, service config \`$CONFIG\` ($RUNS run(s) of ${SECONDS_PER_RUN} s; medians)"
  echo
  echo "Start: $LOAD0. End: load average $(loadavg)."
  echo
  node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").flatMap((l) => JSON.parse(l));
const ok = (x) => typeof x === "number" && !isNaN(x);
const med = (a) => { a = a.filter(ok).sort((x, y) => x - y); return a.length ? (a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2) : NaN; };
const f = (x, d = 0) => !ok(x) ? "n/a" : x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
console.log("| scenario | offered deliveries/s | target | deliveries/s | p50 ms | p99 ms | subscribers | sends 2xx / failed / unanswered after 30 s | missing (of expected) | server cores | POST p50 ms | frame bytes | deliveries/s vs nchan | p99 vs nchan |");
console.log("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const l of [...new Set(rows.map((r) => r.label))]) {
  const by = {};
  for (const t of ["service", "nchan"]) {
    const rs = rows.filter((r) => r.label === l && r.target === t);
    if (!rs.length) continue;
    const sum = (k) => rs.reduce((s, r) => s + r[k], 0);
    by[t] = { perS: med(rs.map((r) => r.perS)), p50: med(rs.map((r) => r.p50)), p99: med(rs.map((r) => r.p99)),
      missing: sum("missing"), expected: sum("expected"), cpu: med(rs.map((r) => r.cpu)), post: med(rs.map((r) => r.postP50)),
      bytes: med(rs.map((r) => r.frameBytes)), ok: sum("ok"), fail: sum("fail"), unanswered: sum("sent") - sum("ok") - sum("fail"),
      codes: [...new Set(rs.flatMap((r) => Object.keys(r.failCodes || {})))].join("/"), closed: Math.max(...rs.map((r) => r.closed)),
      ready: rs[0].ready, subs: rs[0].subscribers || rs[0].rooms * rs[0].members, offered: rs[0].rate * rs[0].members };
  }
  for (const t of Object.keys(by)) {
    const b = by[t], n = by.nchan;
    const rd = t === "service" && n ? f(b.perS / n.perS, 2) : "";
    const rp = t === "service" && n ? f(b.p99 / n.p99, 1) : "";
    console.log(`| ${l} | ${f(b.offered)} | ${t} | ${f(b.perS)} | ${f(b.p50, 1)} | ${f(b.p99, 1)} | ${f(b.ready)} of ${f(b.subs)} | ${f(b.ok)} / ${b.fail}${b.codes ? " (" + b.codes + ")" : ""} / ${b.unanswered} | ${f(b.missing)} (of ${f(b.expected)})${b.closed ? ", " + b.closed + " sockets closed" : ""} | ${f(b.cpu, 2)} | ${f(b.post, 1)} | ${f(b.bytes)} | ${rd} | ${rp} |`);
  }
}' "$RESULTS"
  echo
  echo "Server counters at the end: $(curl -s "http://127.0.0.1:$PORT/q/metrics" | awk '/^(chat_(room_resyncs|ws_slow_consumer_closes|events_delivered)_total|jvm_gc_memory_allocated_bytes_total)/ {printf "%s%s %d", (n++ ? ", " : ""), $1, $2}')."
} | emit "fanout-$CONFIG"
grep -E " (ERROR|WARN) " "$WORK"/server*.log | tail -5 >&2 || true
