#!/usr/bin/env bash
# Profile one target under load with JDK Flight Recorder: restarts the Java process behind it
# with -XX:StartFlightRecording, runs wrk against it, and prints the hottest methods.
#
# Usage: bench/proxy/profile.sh [pc-hot|pc-public|pc-10k|pc-nocache|spring-peer] [secs] [conns]
#   defaults: pc-hot 20 64. Needs bench/proxy/start.sh to have run (backend at least).
# Environment: JFR_TOOL, a `jfr` binary with "view" (JDK 21+; default: the first found of
#   $JAVA_HOME/bin/jfr and /usr/lib/jvm/*/bin/jfr that supports it), BENCH_RUN_DIR.
# Output: $RUN/profile-<target>-<time>.jfr and a .txt with hot methods and allocation sites.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
TARGET="${1:-pc-hot}" SECS="${2:-20}" CONNS="${3:-64}"
STAMP="$(date +%Y%m%d-%H%M%S)"
JFR_FILE="$RUN/profile-$TARGET-$STAMP.jfr"
OPTS="-XX:StartFlightRecording=filename=$JFR_FILE,settings=profile,dumponexit=true"
COOKIE="__Host-access_token=$(cat "$RUN/token.txt")"
case "$TARGET" in
  pc-hot|pc-public|pc-10k) comp=gateway; GATEWAY_JAVA_OPTS="$OPTS" "$HERE/start.sh" gateway ;;
  pc-nocache) comp=gateway-nocache; GATEWAY_JAVA_OPTS="$OPTS" "$HERE/start.sh" gateway-nocache ;;
  spring-peer) comp=peer; PEER_JAVA_OPTS="$OPTS" "$HERE/start.sh" peer ;;
  *) echo "unknown target $TARGET" >&2; exit 2 ;;
esac
case "$TARGET" in
  pc-hot) LOAD=(-H "Cookie: $COOKIE" http://127.0.0.1:9300/api/) ;;
  pc-public) LOAD=(-H "Cookie: $COOKIE" http://127.0.0.1:9300/pub/) ;;
  pc-10k) LOAD=(-s "$HERE/rr-cookies.lua" http://127.0.0.1:9300/api/ -- "$RUN/tokens-10k.txt" /api/) ;;
  pc-nocache) LOAD=(-s "$HERE/rr-cookies.lua" http://127.0.0.1:9302/api/ -- "$RUN/tokens-10k.txt" /api/) ;;
  spring-peer) LOAD=(-H "Cookie: $COOKIE" http://127.0.0.1:9310/api/) ;;
esac
timeout 60 wrk -t2 -c"$CONNS" -d10s "${LOAD[@]}" >/dev/null   # warm-up
timeout $((SECS + 30)) wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "${LOAD[@]}" | tee "$RUN/profile-$TARGET-$STAMP.wrk.txt"
"$HERE/stop.sh" "$comp"     # dumps the recording on exit
"$HERE/start.sh" "$comp" >/dev/null   # back without the recorder
tool="${JFR_TOOL:-}"
if [ -z "$tool" ]; then
  for t in "${JAVA_HOME:-/nonexistent}/bin/jfr" /usr/lib/jvm/*/bin/jfr; do
    if [ -x "$t" ] && "$t" help view >/dev/null 2>&1; then tool="$t"; break; fi
  done
fi
{
  if [ -n "$tool" ]; then
    "$tool" view --width 200 hot-methods "$JFR_FILE"
    "$tool" view --width 200 allocation-by-site "$JFR_FILE" || true
    "$tool" view --width 200 gc "$JFR_FILE" | tail -n 15 || true
  else
    echo "no jfr with 'view' (JDK 21+) found; open $JFR_FILE in JDK Mission Control"
  fi
} | tee "$RUN/profile-$TARGET-$STAMP.txt"
echo "recording: $JFR_FILE"
