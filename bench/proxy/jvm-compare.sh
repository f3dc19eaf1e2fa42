#!/usr/bin/env bash
# The same gateway jar under different JVMs and JVM options, side by side in one run: which
# runtime settings to deploy the gateway with. Each variant is a gateway process of its own
# (ports 9340, 9342, ... and management 9341, 9343, ...), all loaded in turn with one valid
# cookie on the protected route.
#
# Usage: bench/proxy/jvm-compare.sh [-r rounds] [-d secs] [-w warm-up secs] [-f variants-file]
#   defaults: 5 rounds of 10 s after 60 s of warm-up per variant. Needs bench/proxy/start.sh
#   backend (the upstream and the JWK Set) to be running; starts the empty revocation feed stub
#   (start.sh feed) if it is not.
# Variants file: one "name|java binary|JVM options" a line ("java25": the first JDK 25 under
#   /usr/lib/jvm; bench/startup/memory-variants.txt: the memory candidates). Default: JDK 17 (java on the
#   PATH) and, when found under /usr/lib/jvm, JDK 25, each with default options and with
#   ParallelGC and a fixed 256 MiB heap. bench/proxy/runtime-levers.txt: Netty's allocator, epoll
#   against NIO and the event-loop count on the shipped options.
# Environment: BENCH_START_TIMEOUT (seconds each variant may take to answer, default 120; raise
#   it on a loaded machine).
# Output: per run req/s, p99 and the gateway's own CPU time per request (utime+stime of its
#   process over the run divided by the requests served: steadier than req/s when the load
#   tool shares the cores), then the medians, also in $RUN/jvm-compare-<time>.tsv.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"
ROUNDS=5 DUR=10 WARM=60 VARIANTS_FILE=""
while getopts "r:d:w:f:h" opt; do
  case "$opt" in
    r) ROUNDS="$OPTARG" ;; d) DUR="$OPTARG" ;; w) WARM="$OPTARG" ;; f) VARIANTS_FILE="$OPTARG" ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
jar="${GATEWAY_JAR:-$(ls "$ROOT"/gateway/target/portcullis-gateway-*-exec.jar 2>/dev/null | head -n 1)}"
[ -f "$jar" ] || { echo "gateway jar not found: build it first (see bench/README.md)" >&2; exit 1; }
[ -s "$RUN/token.txt" ] || { echo "no $RUN/token.txt: run bench/proxy/start.sh backend first" >&2; exit 1; }
curl -sf -m 2 -o /dev/null http://127.0.0.1:9101/jwks.json || { echo "backend not running: bench/proxy/start.sh backend" >&2; exit 1; }
# the gateways follow the empty revocation feed stub, as start.sh's gateway does
if [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:9308/internal/revocations || true)" != 401 ]; then
  "$HERE/start.sh" feed
fi
COOKIE="__Host-access_token=$(cat "$RUN/token.txt")"
PARALLEL="-XX:+UseParallelGC -Xms256m -Xmx256m"

variants=()
if [ -n "$VARIANTS_FILE" ]; then
  while IFS= read -r line; do [ -n "$line" ] && [ "${line:0:1}" != "#" ] && variants+=("$line"); done <"$VARIANTS_FILE"
else
  variants+=("jdk17-default|java|" "jdk17-parallel-256m|java|$PARALLEL")
  jdk25="$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -n 1 || true)"
  if [ -n "$jdk25" ] && [ -x "$jdk25/bin/java" ]; then
    variants+=("jdk25-default|$jdk25/bin/java|" "jdk25-parallel-256m|$jdk25/bin/java|$PARALLEL")
  fi
fi

names=() ports=() pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for i in "${!variants[@]}"; do
  IFS='|' read -r name java opts <<<"${variants[$i]}"
  java="$(java_of "$java")"
  port=$((9340 + 2 * i))
  port_busy="$(ss -Hltn "sport = :$port" 2>/dev/null || true)"
  [ -z "$port_busy" ] || { echo "port $port in use" >&2; exit 1; }
  # shellcheck disable=SC2086
  nohup "$java" $opts -jar "$jar" --spring.config.additional-location="file:$HERE/conf/gateway.yml" \
    --server.port="$port" --management.server.port=$((port + 1)) \
    --portcullis.gateway.revocation.feed-uri=http://127.0.0.1:9308/internal/revocations >"$RUN/jvm-$name.log" 2>&1 &
  pids+=("$!") names+=("$name") ports+=("$port")
  echo "  $name: $java $opts (pid $!, port $port)"
done
# the variants are ours: their CPU is not "other CPU"
export BENCH_EXTRA_PIDS="${BENCH_EXTRA_PIDS:-} ${pids[*]}"
for k in "${!names[@]}"; do
  deadline=$((SECONDS + ${BENCH_START_TIMEOUT:-120}))
  until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:${ports[$k]}/api/" || true)" = 200 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "${names[$k]} not up within ${BENCH_START_TIMEOUT:-120} s; see $RUN/jvm-${names[$k]}.log" >&2; exit 1; }
    sleep 0.2
  done
done
for k in "${!names[@]}"; do
  echo "  warm-up ${names[$k]} ${WARM}s"
  timeout $((WARM + 30)) wrk -t2 -c64 -d"${WARM}s" -H "Cookie: $COOKIE" "http://127.0.0.1:${ports[$k]}/api/" >/dev/null
done

TSV="$RUN/jvm-compare-$(date +%Y%m%d-%H%M%S).tsv"
printf 'round\tvariant\treq_s\tp99_ms\tnon2xx\tcpu_us_per_req\tother_cpu_pct\n' >"$TSV"
for r in $(seq 1 "$ROUNDS"); do
  echo "  round $r: $(uptime | sed 's/.*load/load/')"
  for k in "${!names[@]}"; do
    out="$RUN/jvm-compare.wrk.txt"
    t0="$(echo "${pids[$k]}" | ticks_of)"
    measure_start
    timeout $((DUR + 30)) wrk -t2 -c64 -d"${DUR}s" --latency -H "Cookie: $COOKIE" "http://127.0.0.1:${ports[$k]}/api/" >"$out"
    other="$(measure_stop)"
    t1="$(echo "${pids[$k]}" | ticks_of)"
    read -r rps _ p99 non2xx _ <<<"$(wrk_parse "$out")"
    us="$(cpu_per_request $((t1 - t0)) "$out" us)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "${names[$k]}" "$rps" "$p99" "$non2xx" "$us" "$other" | tee -a "$TSV"
  done
done
echo
echo "| variant | req/s (median) | gateway CPU µs per request (median) | p99 ms (median) | other CPU % (per round) |"
echo "|---|---:|---:|---:|---|"
for n in "${names[@]}"; do
  rps="$(awk -F'\t' -v n="$n" '$2 == n { print $3 }' "$TSV" | median)"
  us="$(awk -F'\t' -v n="$n" '$2 == n { print $6 }' "$TSV" | median)"
  p99="$(awk -F'\t' -v n="$n" '$2 == n { print $4 }' "$TSV" | median)"
  others="$(awk -F'\t' -v n="$n" '$2 == n { printf "%s%s", s, $7; s = "/" }' "$TSV")"
  echo "| $n | $rps | $us | $p99 | $others |"
done
echo "raw: $TSV"
