#!/usr/bin/env bash
# Start the proxy benchmark's processes in the background, on 127.0.0.1 only.
#
# Usage: bench/proxy/start.sh [component ...]     (default: all, in this order)
#   backend   nginx 9100 (fixed JSON, the upstream of every target) + 9101 (/jwks.json)
#   nginx     nginx plain reverse proxy 9201
#   haproxy   HAProxy plain proxy 9202 + HAProxy jwt_verify RS256 gateway 9203
#   feed      revocation feed stub 9308 with 0 revocations (feed.js; node)
#   feed-revoked  revocation feed stub 9309 with 10 000 revoked sessions (BENCH_REVOKED overrides)
#   gateway   Portcullis gateway 9300 (/pub/** public route, /api/** protected; actuator 9301),
#             following feed (started if not running): an empty denylist
#   gateway-nocache  the same gateway on 9302 with cache-size 1 (every request verified), feed
#   gateway-revoked  the same gateway on 9304 (actuator 9305) following feed-revoked (started if
#             not running): ready only once its readiness reports the 10 000 revocations held
#   peer      Spring Cloud Gateway + Spring Security resource server 9310 (/api/**)
#   floor     the floor (floor/Floor.java): a bare Reactor Netty proxy doing the least a
#             cookie-checking gateway must (token map, RS256 once per token, header hygiene,
#             identity header, pooled client) on 9306, on the gateway jar's own libraries and
#             with BENCH_JAVA_OPTS; not in the default list
#
# Environment: BENCH_RUN_DIR (default /tmp/portcullis-bench), JAVA (default java),
#   BENCH_JAVA_OPTS (JVM options for every Java process, gateway and peer alike),
#   GATEWAY_JAVA_OPTS / PEER_JAVA_OPTS (extra JVM options, e.g. -XX:StartFlightRecording=...),
#   GATEWAY_JAR / PEER_JAR (default: the built jars of this checkout), BENCH_FEED_LIFETIME
#   (seconds after which the feed stubs exit by themselves, default 10800).
#
# The run dir holds PID files, logs, the RSA signing key (keys/private.pem, public.pem,
# jwks.json), token.txt (one valid token) and tokens-10k.txt (10 000 distinct valid tokens,
# 2 h), and startup.tsv: milliseconds from launch to the first successful request through each
# component (for Java: a 200 on /api/ with the valid cookie, so keys are loaded and the route
# works; for the gateways also the revocation feed connected and every revocation held, from
# the readiness group on the management port). feed-revoked writes the session ids it revoked to
# revoked-sids.txt and start.sh mints token-revoked.txt, a valid token of the first of them.
# Components listed are stopped first if running from this run dir.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CONF="$HERE/conf"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
JAVA="${JAVA:-java}"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
COMPONENTS=("${@:-backend nginx haproxy gateway gateway-nocache peer}")
read -r -a COMPONENTS <<<"${COMPONENTS[*]}"

for bin in nginx haproxy node curl ss; do
  command -v "$bin" >/dev/null || { echo "missing required command: $bin (apt-get install -y nginx haproxy wrk nodejs curl)" >&2; exit 1; }
done

port_free() { [ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
ms_now() { date +%s%3N; }

# keys and tokens (kept across runs; tokens re-minted when older than an hour)
node "$HERE/tokens.js" keys "$RUN/keys"
if [ ! -s "$RUN/tokens-10k.txt" ] || [ -n "$(find "$RUN/tokens-10k.txt" -mmin +60)" ]; then
  node "$HERE/tokens.js" mint "$RUN/keys" 10000 7200 >"$RUN/tokens-10k.txt.tmp"
  mv "$RUN/tokens-10k.txt.tmp" "$RUN/tokens-10k.txt"
  node "$HERE/tokens.js" mint "$RUN/keys" 1 7200 >"$RUN/token.txt"
  node "$HERE/tokens.js" expired "$RUN/keys" >"$RUN/token-expired.txt"
fi
TOKEN="$(cat "$RUN/token.txt")"
chmod 755 "$RUN" "$RUN/keys"; chmod 644 "$RUN/keys/jwks.json" "$RUN/keys/public.pem"
mkdir -p "$RUN"/tmp/backend "$RUN"/tmp/peers
touch "$RUN/startup.tsv"

record_startup() { # name ms
  { grep -v "^$1	" "$RUN/startup.tsv" || true; printf '%s\t%s\n' "$1" "$2"; } >"$RUN/startup.tsv.tmp"
  mv "$RUN/startup.tsv.tmp" "$RUN/startup.tsv"
  echo "  $1 up: first successful request $2 ms after launch"
}

wait_ok() { # name t0 url [curl args...]; bounded to 120 s; gives up if $WAIT_PID died
  local name="$1" t0="$2" url="$3"; shift 3
  local deadline=$((SECONDS + 120))
  until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$@" "$url" || true)" = 200 ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "$name did not answer 200 on $url within 120 s" >&2; exit 1; fi
    if [ -n "${WAIT_PID:-}" ] && ! kill -0 "$WAIT_PID" 2>/dev/null; then
      echo "$name exited during start-up; see $RUN/$name.log" >&2; exit 1
    fi
    sleep 0.02
  done
  record_startup "$name" $(( $(ms_now) - t0 ))
}

check_ports() {
  local busy=""
  for p in "$@"; do port_free "$p" || busy="$busy $p"; done
  [ -z "$busy" ] || { echo "ports already in use by another process:$busy" >&2; exit 1; }
}

start_java() { # name jar pidfile opts... -- args...
  local name="$1" jar="$2"; shift 2
  [ -f "$jar" ] || { echo "$jar not found: build it first (see bench/README.md)" >&2; exit 1; }
  local t0; t0=$(ms_now)
  # shellcheck disable=SC2086
  nohup "$JAVA" ${BENCH_JAVA_OPTS:-} "$@" -jar "$jar" "${ARGS[@]}" >"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  WAIT_PID=$!
  T0=$t0
}

FEED_SECRET="$(awk '$1 == "feed-secret:" { print $2; exit }' "$CONF/gateway.yml")"
[ -n "$FEED_SECRET" ] || { echo "no portcullis.feed-secret in $CONF/gateway.yml" >&2; exit 1; }
FEED_PATH=/internal/revocations

feed_running() { # name port
  local pid; pid="$(cat "$RUN/$1.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = node ] && ! port_free "$2"
}

start_feed() { # name port count
  local name="$1" port="$2" count="$3" t0 deadline extra=()
  check_ports "$port"
  if [ "$name" = feed-revoked ]; then extra=("$RUN/revoked-sids.txt"); fi
  t0=$(ms_now)
  BENCH_FEED_SECRET="$FEED_SECRET" nohup node "$HERE/feed.js" "$port" "$count" "${BENCH_FEED_LIFETIME:-10800}" \
    "${extra[@]}" >"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  WAIT_PID=$!
  deadline=$((SECONDS + 30))
  until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$FEED_PATH" || true)" = 401 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "$name did not answer within 30 s; see $RUN/$name.log" >&2; exit 1; }
    kill -0 "$WAIT_PID" 2>/dev/null || { echo "$name exited during start-up; see $RUN/$name.log" >&2; exit 1; }
    sleep 0.05
  done
  record_startup "$name" $(( $(ms_now) - t0 ))
  if [ "$name" = feed-revoked ]; then
    node "$HERE/tokens.js" mint-sid "$RUN/keys" "$(head -n 1 "$RUN/revoked-sids.txt")" >"$RUN/token-revoked.txt"
  fi
  WAIT_PID=""
}

ensure_feed() { # name port count: start the feed stub unless it is running
  feed_running "$1" "$2" || { "$HERE/stop.sh" "$1" >/dev/null; start_feed "$@"; }
}

wait_feed_held() { # name management-port count t0; bounded to 120 s
  local name="$1" mport="$2" count="$3" t0="$4" body deadline=$((SECONDS + 120))
  body="$(curl -s -m 2 "http://127.0.0.1:$mport/actuator/health/readiness" || true)"
  if ! grep -q '"revocationFeed"' <<<"$body"; then # a jar from before revocation (GATEWAY_JAR)
    echo "  $name: no revocationFeed in its readiness: a gateway without revocation, feed not followed"
    return 0
  fi
  until grep -q '"connected":true' <<<"$body" && grep -q "\"revocations\":$count[,}]" <<<"$body"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$name: readiness did not report the feed connected with $count revocations within 120 s:" >&2
      echo "$body" >&2; exit 1
    fi
    kill -0 "$WAIT_PID" 2>/dev/null || { echo "$name exited; see $RUN/$name.log" >&2; exit 1; }
    sleep 0.1
    body="$(curl -s -m 2 "http://127.0.0.1:$mport/actuator/health/readiness" || true)"
  done
  record_startup "$name (feed connected, $count held)" $(( $(ms_now) - t0 ))
}

GATEWAY_JAR_DEFAULT="$(ls "$ROOT"/gateway/target/portcullis-gateway-*-exec.jar 2>/dev/null | head -n 1 || true)"
GATEWAY_JAR_DEFAULT="${GATEWAY_JAR_DEFAULT:-$ROOT/gateway/target/portcullis-gateway-exec.jar}"

for c in "${COMPONENTS[@]}"; do
  "$HERE/stop.sh" "$c" >/dev/null
  WAIT_PID=""
  case "$c" in
    backend)
      check_ports 9100 9101
      t0=$(ms_now)
      nginx -q -t -p "$RUN/" -c "$CONF/backend.nginx.conf" -e "$RUN/backend.nginx.error.log"
      nginx -p "$RUN/" -c "$CONF/backend.nginx.conf" -e "$RUN/backend.nginx.error.log"
      wait_ok backend "$t0" http://127.0.0.1:9100/
      curl -sf -m 2 -o /dev/null http://127.0.0.1:9101/jwks.json || { echo "jwks.json not served" >&2; exit 1; }
      ;;
    nginx)
      check_ports 9201
      t0=$(ms_now)
      nginx -q -t -p "$RUN/" -c "$CONF/peers.nginx.conf" -e "$RUN/peers.nginx.error.log"
      nginx -p "$RUN/" -c "$CONF/peers.nginx.conf" -e "$RUN/peers.nginx.error.log"
      wait_ok nginx-proxy "$t0" http://127.0.0.1:9201/api/
      ;;
    haproxy)
      check_ports 9202 9203
      export BENCH_JWT_PUBKEY="$RUN/keys/public.pem"
      t0=$(ms_now)
      haproxy -c -q -f "$CONF/peers.haproxy.cfg"
      haproxy -D -p "$RUN/haproxy.pid" -f "$CONF/peers.haproxy.cfg" >"$RUN/haproxy.log" 2>&1 \
        || { cat "$RUN/haproxy.log" >&2; exit 1; }
      wait_ok haproxy-jwt "$t0" http://127.0.0.1:9203/api/ -H "Cookie: __Host-access_token=$TOKEN"
      ;;
    feed) start_feed feed 9308 0 ;;
    feed-revoked) start_feed feed-revoked 9309 "${BENCH_REVOKED:-10000}" ;;
    gateway)
      check_ports 9300 9301
      ensure_feed feed 9308 0
      ARGS=(--spring.config.additional-location="file:$CONF/gateway.yml"
            --portcullis.gateway.revocation.feed-uri="http://127.0.0.1:9308$FEED_PATH")
      # shellcheck disable=SC2086
      start_java gateway "${GATEWAY_JAR:-$GATEWAY_JAR_DEFAULT}" ${GATEWAY_JAVA_OPTS:-}
      wait_ok gateway "$T0" http://127.0.0.1:9300/api/ -H "Cookie: __Host-access_token=$TOKEN"
      wait_feed_held gateway 9301 0 "$T0"
      ;;
    gateway-nocache)
      # the same gateway with a one-entry cache: with 10 000 tokens round-robin every request is
      # a full verification, like HAProxy's jwt_verify and the Spring Security peer
      check_ports 9302 9303
      ensure_feed feed 9308 0
      ARGS=(--spring.config.additional-location="file:$CONF/gateway.yml" --server.port=9302
            --management.server.port=9303 --portcullis.gateway.cache-size=1
            --portcullis.gateway.revocation.feed-uri="http://127.0.0.1:9308$FEED_PATH")
      # shellcheck disable=SC2086
      start_java gateway-nocache "${GATEWAY_JAR:-$GATEWAY_JAR_DEFAULT}" ${GATEWAY_JAVA_OPTS:-}
      wait_ok gateway-nocache "$T0" http://127.0.0.1:9302/api/ -H "Cookie: __Host-access_token=$TOKEN"
      wait_feed_held gateway-nocache 9303 0 "$T0"
      ;;
    gateway-revoked)
      # the same gateway holding a denylist of 10 000 revoked sessions (none of them the bench
      # cookie's): what the revocation check costs when the list is not empty
      check_ports 9304 9305
      ensure_feed feed-revoked 9309 "${BENCH_REVOKED:-10000}"
      ARGS=(--spring.config.additional-location="file:$CONF/gateway.yml" --server.port=9304
            --management.server.port=9305
            --portcullis.gateway.revocation.feed-uri="http://127.0.0.1:9309$FEED_PATH")
      # shellcheck disable=SC2086
      start_java gateway-revoked "${GATEWAY_JAR:-$GATEWAY_JAR_DEFAULT}" ${GATEWAY_JAVA_OPTS:-}
      wait_ok gateway-revoked "$T0" http://127.0.0.1:9304/api/ -H "Cookie: __Host-access_token=$TOKEN"
      wait_feed_held gateway-revoked 9305 "${BENCH_REVOKED:-10000}" "$T0"
      ;;
    floor)
      # the gateway jar's own Netty and Reactor, extracted once per jar; Floor.java runs as a
      # single source file (compiled in memory at launch, before the first request is timed)
      check_ports 9306
      jar="${GATEWAY_JAR:-$GATEWAY_JAR_DEFAULT}"
      [ -f "$jar" ] || { echo "$jar not found: build it first (see bench/README.md)" >&2; exit 1; }
      lib="$RUN/floor-lib/$(cksum <"$jar" | cut -d' ' -f1)"
      if [ ! -d "$lib/BOOT-INF/lib" ]; then
        mkdir -p "$lib" && (cd "$lib" && unzip -q -o "$jar" 'BOOT-INF/lib/*')
      fi
      cp="$(ls "$lib"/BOOT-INF/lib/*.jar | grep -E '/(netty|reactor|reactive-streams|slf4j|micrometer-commons|micrometer-observation|context-propagation)[^/]*\.jar$' | tr '\n' ':')"
      t0=$(ms_now)
      # shellcheck disable=SC2086
      nohup "$JAVA" ${BENCH_JAVA_OPTS:-} ${FLOOR_JAVA_OPTS:-} -cp "$cp" "$HERE/floor/Floor.java" \
        9306 9100 __Host-access_token "$RUN/keys/public.pem" >"$RUN/floor.log" 2>&1 &
      echo $! >"$RUN/floor.pid"
      WAIT_PID=$!
      wait_ok floor "$t0" http://127.0.0.1:9306/api/ -H "Cookie: __Host-access_token=$TOKEN"
      ;;
    peer)
      check_ports 9310
      jar="${PEER_JAR:-$HERE/../spring-security-peer/target/spring-security-peer-exec.jar}"
      ARGS=(--server.port=9310 --peer.jwks-uri=http://127.0.0.1:9101/jwks.json)
      # shellcheck disable=SC2086
      start_java peer "$jar" ${PEER_JAVA_OPTS:-}
      wait_ok spring-peer "$T0" http://127.0.0.1:9310/api/ -H "Cookie: __Host-access_token=$TOKEN"
      ;;
    *) echo "unknown component: $c" >&2; exit 2 ;;
  esac
done
echo "run dir: $RUN (PID files, logs, keys, tokens, startup.tsv)"
