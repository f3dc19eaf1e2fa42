#!/usr/bin/env bash
# CPU profile of a running Java target under load with async-profiler (fetched from Maven
# Central, attached to the running JVM, no restart), summarised by bench/proxy/stacks.py.
#
# Usage: bench/proxy/cpu-profile.sh [pc-hot|pc-public|pc-nocache|spring-peer] [secs] [warm-up secs]
#   defaults: pc-hot 20 60. Needs bench/proxy/start.sh to have run (backend and the target).
# Output: $RUN/cpu-<target>-<time>.collapsed (one stack a line; flame-graph tools read it) and
#   .txt with the shares of the gateway's main parts. Sampling uses perf events where the kernel
#   allows them and falls back to timer-based sampling otherwise.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
TARGET="${1:-pc-hot}" SECS="${2:-20}" WARM="${3:-60}"
VERSION=4.1
COOKIE="__Host-access_token=$(cat "$RUN/token.txt")"
case "$TARGET" in
  pc-hot) pidfile=gateway; URL=http://127.0.0.1:9300/api/ ;;
  pc-public) pidfile=gateway; URL=http://127.0.0.1:9300/pub/ ;;
  pc-nocache) pidfile=gateway-nocache; URL=http://127.0.0.1:9302/api/ ;;
  spring-peer) pidfile=peer; URL=http://127.0.0.1:9310/api/ ;;
  *) echo "unknown target $TARGET" >&2; exit 2 ;;
esac
PID="$(cat "$RUN/$pidfile.pid" 2>/dev/null)" || { echo "$pidfile not running: bench/proxy/start.sh $pidfile" >&2; exit 1; }

LIB="$RUN/async-profiler-$VERSION/linux-x64/libasyncProfiler.so"
if [ ! -f "$LIB" ]; then
  (cd "$ROOT" && ./mvnw -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$VERSION" -Dtransitive=false)
  mkdir -p "$RUN/async-profiler-$VERSION"
  (cd "$RUN/async-profiler-$VERSION" && unzip -q -o "$HOME/.m2/repository/tools/profiler/async-profiler/$VERSION/async-profiler-$VERSION.jar" 'linux-x64/*')
fi
LOAD=(-H "Cookie: $COOKIE" "$URL")
[ "$TARGET" != pc-nocache ] || LOAD=(-s "$HERE/rr-cookies.lua" "$URL" -- "$RUN/tokens-10k.txt" /api/)
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$RUN/cpu-$TARGET-$STAMP"
timeout $((WARM + 30)) wrk -t2 -c64 -d"${WARM}s" "${LOAD[@]}" >/dev/null
java "$HERE/Attach.java" "$PID" "$LIB" "start,event=cpu,interval=1ms"
timeout $((SECS + 30)) wrk -t2 -c64 -d"${SECS}s" --latency "${LOAD[@]}" | tee "$OUT.wrk.txt"
java "$HERE/Attach.java" "$PID" "$LIB" "stop,file=$OUT.collapsed,collapsed"
python3 "$HERE/stacks.py" "$OUT.collapsed" \
  dev/portcullis HttpServerOperations HttpClientConnect NettyRoutingFilter HttpHeadersFilter \
  DefaultServerHttpRequestBuilder AccessCheckFilter.withIdentity AccessTokenConverter AccessTokenVerifier \
  '_[k]' | tee "$OUT.txt"
echo "stacks: $OUT.collapsed"
