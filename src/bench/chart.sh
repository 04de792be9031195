#!/usr/bin/env bash
# Draws latency against throughput from the rows the scenarios appended to $OUT (all.sh): left, the send
# scenario (service msg/s against p99, one point per configuration and run); right, the fan-out (deliveries/s
# against p99, service and nginx+nchan, every scenario and variant). gnuplot to PNG.
#   OUT=dir src/bench/chart.sh [png]
set -euo pipefail
OUT="${OUT:?set OUT to the directory of the run}"
PNG="${1:-$(cd "$(dirname "$0")" && pwd)/latency-throughput.png}"
command -v gnuplot >/dev/null || { echo "gnuplot missing: no chart"; exit 0; }
touch "$OUT/send.tsv" "$OUT/fanout.tsv"
awk -F'\t' '$2 == "service" {print $7, $9, $1}' "$OUT/fanout.tsv" >"$OUT/fan-service.dat"
awk -F'\t' '$2 == "nchan" {print $7, $9, $1}' "$OUT/fanout.tsv" >"$OUT/fan-nchan.dat"
awk '$2 ~ /^one/ {print $3, $4} ' "$OUT/send.tsv" >"$OUT/send-one.dat"
awk '$2 ~ /^own/ {print $3, $4} ' "$OUT/send.tsv" >"$OUT/send-many.dat"
awk '$2 ~ /^half/ {print $3, $4} ' "$OUT/send.tsv" >"$OUT/send-half.dat"
gnuplot <<EOF
set terminal pngcairo size 1400,560 font "sans,10" noenhanced
set output "$PNG"
set multiplot layout 1,2 title "chat service, $(date -u +%F), $(nproc) shared cores (load average $(cut -d' ' -f1 /proc/loadavg) when drawn)"
set logscale y
set grid
set key top left
set title "send: POST /api/rooms/{id}/messages (wrk)"
set xlabel "messages/s"
set ylabel "p99 latency, ms (log)"
plot "$OUT/send-one.dat" using 1:2 with points pt 7 ps 1.3 title "one room (8, 32 senders)", \
     "$OUT/send-many.dat" using 1:2 with points pt 5 ps 1.3 title "one room per sender (8, 32)", \
     "$OUT/send-half.dat" using 1:2 with points pt 9 ps 1.6 title "one room, paced at half saturation"
set title "fan-out: open-loop sends, WebSocket members (push.js)"
set xlabel "deliveries/s"
set ylabel "p99 send-to-receive, ms (log)"
set logscale x
plot "$OUT/fan-service.dat" using 1:2 with points pt 7 ps 1.3 title "chat service", \
     "$OUT/fan-service.dat" using 1:2:3 with labels offset 0,1 font "sans,7" notitle, \
     "$OUT/fan-nchan.dat" using 1:2 with points pt 5 ps 1.3 title "nginx + nchan", \
     "$OUT/fan-nchan.dat" using 1:2:3 with labels offset 0,-1 font "sans,7" notitle
unset multiplot
EOF
echo "chart: $PNG"
