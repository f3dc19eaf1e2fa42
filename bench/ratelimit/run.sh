#!/usr/bin/env bash
# The cost of the rate limiter on the request path: the same gateway with the limiter off and
# on (one Redis script per request, against a redis-server this script starts), side by side,
# interleaved, on 127.0.0.1 only. Everything started here is stopped (by PID) on exit.
#
# Usage: bench/ratelimit/run.sh [-r rounds] [-d secs] [-c conns] [-w warmup-secs]
#   defaults: -r 3 -d 15 -c 32 -w 15
#   Ports: stub upstream + JWKS 9380, redis-server 9389, gateway limiter off 9382 (actuator
#   9392), limiter on 9383 (actuator 9393). Load: wrk (-t 2) if installed, else load.js (Node,
#   one thread: lower ceilings, compare the two targets only).
# Environment: GATEWAY_JAR (default: this checkout's gateway/target/*-exec.jar; build it with
#   ./mvnw -q -B -DskipTests package -pl gateway -am), BENCH_RUN_DIR (default
#   /tmp/portcullis-bench), JAVA, BENCH_JAVA_OPTS (default: the quickstart's gateway heap).
#
# Output: one line per run and a summary: req/s, p50 and p99 latency (ms), gateway CPU per
# request (µs, user+system of the gateway process over the run), non-2xx, and the other-CPU
# figure of bench/lib.sh (CPU used by processes not ours: above ~10 % the run is disturbed).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
ROUNDS=3 DUR=15 CONNS=32 WARMUP=15
while getopts "r:d:c:w:h" opt; do
  case "$opt" in
    r) ROUNDS="$OPTARG" ;; d) DUR="$OPTARG" ;; c) CONNS="$OPTARG" ;; w) WARMUP="$OPTARG" ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
  esac
done
for bin in node redis-server curl "${JAVA:-java}"; do
  command -v "$bin" >/dev/null || { echo "missing required command: $bin" >&2; exit 1; }
done
JAR="${GATEWAY_JAR:-$(ls "$ROOT"/gateway/target/*-exec.jar 2>/dev/null | head -n 1)}"
[ -s "$JAR" ] || { echo "no gateway jar: ./mvnw -q -B -DskipTests package -pl gateway -am" >&2; exit 1; }
mkdir -p "$RUN/ratelimit"
OUT="$RUN/ratelimit/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
JAVA_OPTS_DEFAULT="-XX:+UseParallelGC -Xms96m -Xmx96m -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m"

STARTED=()
cleanup() {
  local p
  for p in "${STARTED[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${STARTED[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -f "$RUN"/rl-*.pid
}
trap cleanup EXIT

node "$ROOT/bench/proxy/tokens.js" keys "$RUN/keys"
TOKEN="$(node "$ROOT/bench/proxy/tokens.js" mint "$RUN/keys" 1 7200)"
COOKIE="__Host-access_token=$TOKEN"

node "$HERE/stub.js" 9380 "$RUN/keys/jwks.json" & STARTED+=($!); echo $! >"$RUN/rl-stub.pid"
redis-server --port 9389 --bind 127.0.0.1 --save "" --appendonly no >"$OUT/redis.log" 2>&1 & STARTED+=($!)
echo $! >"$RUN/rl-redis.pid"

start_gateway() { # name port management-port enabled
  BENCH_STUB_PORT=9380 ${JAVA:-java} ${BENCH_JAVA_OPTS:-$JAVA_OPTS_DEFAULT} -jar "$JAR" \
    --spring.config.additional-location="file:$HERE/gateway.yml" \
    --server.port="$2" --server.address=127.0.0.1 \
    --management.server.port="$3" --management.server.address=127.0.0.1 \
    --portcullis.gateway.jwks-uri=http://127.0.0.1:9380/jwks.json \
    --portcullis.gateway.rate-limit.enabled="$4" \
    --spring.data.redis.host=127.0.0.1 --spring.data.redis.port=9389 >"$OUT/$1.log" 2>&1 &
  STARTED+=($!); echo $! >"$RUN/rl-$1.pid"
}
start_gateway limiter-off 9382 9392 false
start_gateway limiter-on 9383 9393 true

wait_ok() { # url: 200 with the cookie within 600 s (start-up is slow on a busy machine)
  local deadline=$((SECONDS + 600))
  until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$1" || true)" = 200 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "$1 did not answer 200 within 600 s (logs in $OUT)" >&2; exit 1; }
    sleep 0.2
  done
}
wait_ok http://127.0.0.1:9382/api/x
wait_ok http://127.0.0.1:9383/api/x
# the limiter is really consulted on one and not the other
curl -s -D - -o /dev/null -H "Cookie: $COOKIE" http://127.0.0.1:9383/api/x | grep -qi '^X-RateLimit-Remaining: [0-9]' \
  || { echo "limiter-on answered without X-RateLimit-Remaining: is Redis up?" >&2; exit 1; }
if curl -s -D - -o /dev/null -H "Cookie: $COOKIE" http://127.0.0.1:9382/api/x | grep -qi '^X-RateLimit-Remaining'; then
  echo "limiter-off answered with rate-limit headers" >&2; exit 1
fi

url_of() { case "$1" in limiter-off) echo http://127.0.0.1:9382/api/x ;; limiter-on) echo http://127.0.0.1:9383/api/x ;; esac; }
load() { # url secs outfile -> prints "req_s p50 p99 non2xx errors"
  if command -v wrk >/dev/null; then
    wrk -t 2 -c "$CONNS" -d "${2}s" --latency -H "Cookie: $COOKIE" "$1" >"$3"
    wrk_parse "$3"
  else
    node "$HERE/load.js" "$1" "$COOKIE" "$CONNS" "$2" | tee "$3"
  fi
}
ticks_of_pid() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

echo "warm-up: ${WARMUP}s each"
for t in limiter-off limiter-on; do load "$(url_of "$t")" "$WARMUP" "$OUT/warmup-$t.txt" >/dev/null; done

printf 'round\ttarget\treq_s\tp50_ms\tp99_ms\tnon2xx\terrors\tcpu_us_per_req\tother_cpu_pct\n' | tee "$OUT/results.tsv"
for r in $(seq 1 "$ROUNDS"); do
  for t in limiter-off limiter-on; do
    pid="$(cat "$RUN/rl-$t.pid")"
    c0="$(ticks_of_pid "$pid")"
    measure_start
    read -r rps p50 p99 non2xx errs < <(load "$(url_of "$t")" "$DUR" "$OUT/run-$r-$t.txt" | tail -n 1)
    other="$(measure_stop)"
    c1="$(ticks_of_pid "$pid")"
    total=$((rps * DUR))
    cpu_us="$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v n="$total" 'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print 0 }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$rps" "$p50" "$p99" "$non2xx" "$errs" "$cpu_us" "$other" \
      | tee -a "$OUT/results.tsv"
  done
done

echo
echo "medians over $ROUNDS rounds (${DUR}s, $CONNS connections):"
for t in limiter-off limiter-on; do
  med() { awk -F'\t' -v t="$t" -v c="$1" '$2 == t { print $c }' "$OUT/results.tsv" | median; }
  printf '  %-12s req/s %s  p50 %s ms  p99 %s ms  gateway CPU %s µs/request\n' "$t" "$(med 3)" "$(med 4)" "$(med 5)" "$(med 8)"
done | tee "$OUT/summary.txt"
echo "raw output in $OUT"
