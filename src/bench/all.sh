#!/usr/bin/env bash
# The whole suite, one scenario after the other, then the chart. The tables (markdown) and the chart's data
# are collected in OUT (default /tmp/chat-bench-results); all.md there is what goes into RESULTS.md.
#   src/bench/all.sh                 # about 28 min on the 2-core machine
#   QUICK=1 src/bench/all.sh         # about 11 min: one run of each, short windows, smaller connection counts
#   SKIP="connections variants" src/bench/all.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export OUT="${OUT:-/tmp/chat-bench-results}"
rm -rf "$OUT"; mkdir -p "$OUT"
source "$HERE/lib.sh" # builds nothing by itself; bench_jar below builds once for every scenario
bench_jar
start="$(date -u +%FT%TZ)"; l0="$(loadavg)"
for s in startup reads send fanout variants connections; do
  [[ " ${SKIP:-} " == *" $s "* ]] && continue
  echo; echo "######## $s (load average $(loadavg))"
  "$HERE/$s.sh" || echo "$s FAILED (rc $?)" | tee -a "$OUT/failures.md"
done
"$HERE/chart.sh"
{
  echo "Suite: $start to $(date -u +%FT%TZ), load average $l0 at the start and $(loadavg) at the end; commit $(git -C "$HERE" rev-parse --short HEAD); QUICK=${QUICK:-0}."
  echo
  for s in startup reads send fanout-local2 fanout-local1 fanout-redis1 fanout-redis2 fanout-shared connections failures; do
    [[ -f "$OUT/$s.md" ]] && cat "$OUT/$s.md"
  done
} >"$OUT/all.md"
echo "tables: $OUT/all.md"
