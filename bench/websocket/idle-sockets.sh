#!/usr/bin/env bash
# Resident memory (VmRSS) of the gateway holding N idle WebSockets through it, all on 127.0.0.1.
#
# Usage: bench/websocket/idle-sockets.sh [count (default 5000)] [hold seconds (default 10)]
#
# Starts its own JWKS file server (python3), the sample upstream (its /ws/echo) and the gateway
# from the built jars, mints a token with bench/proxy/tokens.js, warms the gateway up with 200
# sockets, then reads the gateway's VmRSS before, while IdleSockets.java holds N sockets open
# (each has received the upstream's first message), and after they are closed. Everything it
# starts is stopped by PID on exit; the whole run is bounded by timeouts.
#
# Each socket holds one connection of the gateway's upstream pool for its whole life, so the
# pool is raised to count + 1000 (the shipped application.yml caps it at 1000).
#
# Environment: BENCH_RUN_DIR (default /tmp/portcullis-bench), JAVA (default java),
#   GATEWAY_JAVA_OPTS (JVM options of the gateway, e.g. -Xmx256m), GATEWAY_ARGS (extra gateway
#   arguments; --portcullis.gateway.public-paths=/api/ws/** makes the sockets untracked, to see
#   what the tracking itself costs).
# Ports: 9350 (gateway), 9351 (its actuator), 9352 (upstream), 9353 (JWKS). Needs
# `ulimit -n` above 2 × count + 1000 for the gateway (one client and one upstream connection
# per socket).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
COUNT="${1:-5000}"
HOLD="${2:-10}"
JAVA="${JAVA:-java}"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}/websocket"
GW=9350; MGMT=9351; UP=9352; JWKS=9353
mkdir -p "$RUN"

need=$((2 * COUNT + 1000))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  ulimit -n "$need" 2>/dev/null || { echo "ulimit -n is $(ulimit -n); $need file descriptors are needed" >&2; exit 1; }
fi
gateway_jar="$(ls "$ROOT"/gateway/target/portcullis-gateway-*-exec.jar 2>/dev/null | head -n 1)"
upstream_jar="$(ls "$ROOT"/sample-upstream/target/portcullis-sample-upstream-*-exec.jar 2>/dev/null | head -n 1)"
[ -f "$gateway_jar" ] && [ -f "$upstream_jar" ] || {
  echo "build first: ./mvnw -B -q -DskipTests package -pl gateway,sample-upstream -am" >&2; exit 1; }
for p in $GW $MGMT $UP $JWKS; do
  [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] || { echo "port $p is in use" >&2; exit 1; }
done

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
wait_for() { # what url [curl args...]
  local what=$1 url=$2 deadline=$((SECONDS + 120)); shift 2
  until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$@" "$url" || true)" = 200 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "$what did not come up; see $RUN/*.log" >&2; exit 1; }
    sleep 0.2
  done
}

node "$ROOT/bench/proxy/tokens.js" keys "$RUN/keys"
TOKEN="$(node "$ROOT/bench/proxy/tokens.js" mint "$RUN/keys" 1 7200)"
COOKIE="__Host-access_token=$TOKEN"
ORIGIN="http://127.0.0.1:$GW"

python3 -m http.server "$JWKS" --bind 127.0.0.1 --directory "$RUN/keys" >"$RUN/jwks.log" 2>&1 &
pids+=($!)
"$JAVA" -jar "$upstream_jar" --server.port=$UP --server.address=127.0.0.1 >"$RUN/upstream.log" 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
"$JAVA" ${GATEWAY_JAVA_OPTS:-} -jar "$gateway_jar" --server.port=$GW --server.address=127.0.0.1 \
  --management.server.port=$MGMT --management.server.address=127.0.0.1 \
  --portcullis.feed-secret=bench-feed-secret-not-for-production-0123456789 \
  --portcullis.gateway.jwks-uri="http://127.0.0.1:$JWKS/jwks.json" \
  --PORTCULLIS_AUTH_URI="http://127.0.0.1:$JWKS" --PORTCULLIS_UPSTREAM_URI="http://127.0.0.1:$UP" \
  --portcullis.gateway.cors.allowed-origins="$ORIGIN" --portcullis.gateway.max-token-lifetime=2h \
  --spring.cloud.gateway.server.webflux.httpclient.pool.max-connections=$((COUNT + 1000)) \
  ${GATEWAY_ARGS:-} >"$RUN/gateway.log" 2>&1 &
GATEWAY_PID=$!
pids+=($GATEWAY_PID)
wait_for "the JWKS server" "http://127.0.0.1:$JWKS/jwks.json"
wait_for "the upstream" "http://127.0.0.1:$UP/"
wait_for "the gateway" "http://127.0.0.1:$GW/api/hello" -H "Cookie: $COOKIE"

client() { # count hold
  timeout 300 "$JAVA" "$HERE/IdleSockets.java" "ws://127.0.0.1:$GW/api/ws/echo" "$ORIGIN" "$COOKIE" "$1" "$2"
}

echo "warm-up: 200 sockets"
client 200 1 >"$RUN/warmup.log"
sleep 3
before=$(rss_kib "$GATEWAY_PID")
echo "gateway VmRSS before: $before KiB"

client "$COUNT" "$HOLD" >"$RUN/client.log" 2>&1 &
CLIENT_PID=$!
deadline=$((SECONDS + 180))
until grep -q '^open\|^timeout' "$RUN/client.log"; do
  kill -0 "$CLIENT_PID" 2>/dev/null || { cat "$RUN/client.log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "the sockets did not open in time" >&2; exit 1; }
  sleep 0.2
done
cat "$RUN/client.log"
sleep 3
held=$(rss_kib "$GATEWAY_PID")
echo "gateway VmRSS with $COUNT idle sockets: $held KiB"
wait "$CLIENT_PID"
sleep 3
after=$(rss_kib "$GATEWAY_PID")
echo "gateway VmRSS after closing them: $after KiB"
awk -v b="$before" -v h="$held" -v a="$after" -v n="$COUNT" 'BEGIN {
  printf "delta: %.1f MiB for %d sockets, %.1f KiB per socket; after close %.1f MiB above before\n",
    (h - b) / 1024, n, (h - b) / n, (a - b) / 1024 }'
