#!/usr/bin/env bash
# Proves the README's first command: ./mvnw quarkus:dev starts the service on its embedded PostgreSQL (no Docker,
# nothing installed), signs and accepts its own tokens (a registration, then GET /api/users/me with its access
# token: dev mode's generated keys) and prints no WARN or ERROR line on the way, Maven's or the application's.
# Started on free ports (HTTP and the debugger's) so that a dev instance already running on this machine does
# not clash.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
log="$(mktemp)"
pid=""
stop() {
  if [ -n "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -f "$log"
}
trap stop EXIT
cd "$root"
setsid ./mvnw -B -ntp quarkus:dev -Dquarkus.http.port=0 -Ddebug=false -Dquarkus.console.enabled=false \
  </dev/null >"$log" 2>&1 &
pid=$!
url=""
for _ in $(seq 240); do
  url="$(grep -o 'Listening on: http://[^ ]*' "$log" | head -1 | sed 's/Listening on: //')" || true
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "dev mode exited before it was listening" >&2; exit 1; }
  sleep 1
done
[ -n "$url" ] || { cat "$log" >&2; echo "dev mode was not listening within 240 s" >&2; exit 1; }
curl -fsS "$url/q/health/ready" >/dev/null || { cat "$log" >&2; echo "dev mode is not ready at $url" >&2; exit 1; }
user="devcheck$RANDOM$RANDOM"
tokens="$(curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"devcheck-password\"}" \
  "$url/api/auth/register")" || { cat "$log" >&2; echo "dev mode did not register $user" >&2; exit 1; }
token="$(printf '%s' "$tokens" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')"
curl -fsS -H "Authorization: Bearer $token" "$url/api/users/me" | grep -q "\"username\":\"$user\"" \
  || { cat "$log" >&2; echo "dev mode did not accept the token it signed for $user" >&2; exit 1; }
if grep -E '\[WARNING\]|\[ERROR\]|(^| )(WARN|ERROR) +\[' "$log"; then
  echo "dev mode printed the WARN or ERROR lines above" >&2
  exit 1
fi
echo "ok: dev mode listening on $url, ready, signs and accepts its tokens, no WARN or ERROR line"
