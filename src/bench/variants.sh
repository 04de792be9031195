#!/usr/bin/env bash
# The real-time core's variants (issue 7 items 2, 3, 8), each beside nginx+nchan in the same run: fanout.sh's
# scenario 2 (1 room x 1,000 members at 200 msg/s, i.e. 200,000 deliveries/s offered) under
#   local1  local fan-out, 1 event loop (one hub)       local2  local fan-out, 2 event loops (two hubs)
#   redis1  CHAT_FANOUT=redis, one instance            redis2  two instances, members split over both
#   shared  local2, frames written by WebSockets Next's sendText of one shared String per event instead of
#           SocketOutbound's direct write of the bytes encoded once (-Dbench.shared-string=true)
# Each configuration starts its own server(s) and nginx (fanout.sh). RUNS defaults to 1 here (3 for the
# headline scenarios in fanout.sh); VARIANT_SCENARIOS="1 2" to add the 100 msg/s scenario.
#   src/bench/variants.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export RUNS="${RUNS:-1}"
for c in ${CONFIGS:-local1 local2 redis1 redis2 shared}; do
  CONFIG="$c" SCENARIOS="${VARIANT_SCENARIOS:-2}" "$HERE/fanout.sh"
done
