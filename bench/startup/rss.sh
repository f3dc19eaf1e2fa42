#!/usr/bin/env bash
# Peak resident memory under load per JVM setting: each variant is started, loaded once for
# DUR seconds while its RSS is sampled every 0.5 s, and stopped. The throughput printed is one
# short run on a shared machine: a sanity check, not a comparison (use
# bench/proxy/jvm-compare.sh -f with the same variants file for that).
#
# Usage: bench/startup/rss.sh [-d secs] [-A] -f variants-file
#   -f file  one "name|java binary|JVM options" a line, the format of bench/proxy/jvm-compare.sh
#            (bench/startup/memory-variants.txt: the candidates measured for the README)
#   -d secs  load duration, default 20
#   gateway (default): a gateway on 9370/9371 with bench/proxy/conf/gateway.yml, following the
#            empty feed stub, loaded with wrk -t2 -c64 on /api/ with the valid cookie. Needs
#            bench/proxy/start.sh backend.
#   -A       the auth service instead, through bench/auth/start.sh (9320, a fresh PostgreSQL
#            database, BENCH_DB default portcullis_rss) with AUTH_JAVA_OPTS set to the variant's options: bench/auth/seed.sh 128,
#            then refresh.lua (wrk -t2 -c32) and login.lua (wrk -t2 -c8), DUR seconds each.
# Output: name, peak RSS MiB, RSS after start MiB, req/s (refresh and login for -A); raw lines
# also in $RUN/rss-<time>.tsv.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"
DUR=20 VARIANTS_FILE="" AUTH=0
while getopts "d:f:Ah" opt; do
  case "$opt" in
    d) DUR="$OPTARG" ;; f) VARIANTS_FILE="$OPTARG" ;; A) AUTH=1 ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
[ -f "$VARIANTS_FILE" ] || { echo "a variants file is required (-f)" >&2; exit 2; }
variants=()
while IFS= read -r line; do [ -n "$line" ] && [ "${line:0:1}" != "#" ] && variants+=("$line"); done <"$VARIANTS_FILE"

PID=""
stop_pid() {
  [ -n "$PID" ] || return 0
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
}
SAMPLER=""
cleanup() { [ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true; stop_pid; }
trap cleanup EXIT

sample_rss() { # pid file: peak RSS KiB into file, every 0.5 s, until killed (bounded: 600 s)
  local peak=0 v
  for _ in $(seq 1 1200); do
    v="$(rss_kb "$1")"; [ "$v" -gt "$peak" ] && peak=$v && echo "$peak" >"$2"
    sleep 0.5
  done
}
load() { # outfile wrk-args... while sampling $PID's RSS; -> req/s
  local out="$1"; shift
  timeout $((DUR + 30)) wrk -t2 -d"${DUR}s" --latency "$@" >"$out" 2>&1 || true
  wrk_parse "$out" | cut -d' ' -f1
}

TSV="$RUN/rss-$(date +%Y%m%d-%H%M%S).tsv"
if [ "$AUTH" = 0 ]; then
  jar="${GATEWAY_JAR:-$(ls "$ROOT"/gateway/target/portcullis-gateway-*-exec.jar 2>/dev/null | head -n 1)}"
  [ -f "$jar" ] || { echo "gateway jar not found" >&2; exit 1; }
  curl -sf -m 2 -o /dev/null http://127.0.0.1:9101/jwks.json || { echo "backend not running: bench/proxy/start.sh backend" >&2; exit 1; }
  if [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:9308/internal/revocations || true)" != 401 ]; then
    "$HERE/../proxy/start.sh" feed
  fi
  COOKIE="Cookie: __Host-access_token=$(cat "$RUN/token.txt")"
  printf 'variant\tpeak_rss_kb\tstart_rss_kb\treq_s\n' >"$TSV"
else
  export BENCH_DB="${BENCH_DB:-portcullis_rss}" # bench/auth/start.sh recreates it for each variant
  printf 'variant\tpeak_rss_kb\tstart_rss_kb\trefresh_s\tlogin_s\n' >"$TSV"
fi

for v in "${variants[@]}"; do
  IFS='|' read -r name java opts <<<"$v"
  java="$(java_of "$java")"
  rm -f "$RUN/rss.peak"
  if [ "$AUTH" = 0 ]; then
    for p in 9370 9371; do [ -z "$(ss -Hltn "sport = :$p")" ] || { echo "port $p in use" >&2; exit 1; }; done
    # shellcheck disable=SC2086
    "$java" $opts -jar "$jar" --spring.config.additional-location="file:$ROOT/bench/proxy/conf/gateway.yml" \
      --server.port=9370 --management.server.port=9371 \
      --portcullis.gateway.revocation.feed-uri=http://127.0.0.1:9308/internal/revocations >"$RUN/rss-$name.log" 2>&1 &
    PID=$!
    deadline=$((SECONDS + 120))
    until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' -H "$COOKIE" http://127.0.0.1:9370/api/ || true)" = 200 ]; do
      kill -0 "$PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] || { echo "$name did not start; see $RUN/rss-$name.log" >&2; PID=""; continue 2; }
      sleep 0.1
    done
    start_rss="$(rss_kb "$PID")"
    sample_rss "$PID" "$RUN/rss.peak" & SAMPLER=$!
    rps="$(load "$RUN/rss-$name.wrk.txt" -c64 -H "$COOKIE" http://127.0.0.1:9370/api/)"
    kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""
    stop_pid
    line="$name	$(cat "$RUN/rss.peak")	$start_rss	$rps"
  else
    JAVA="$java" AUTH_JAVA_OPTS="$opts" "$HERE/../auth/start.sh" >/dev/null
    PID="$(cat "$RUN/auth.pid")"
    start_rss="$(rss_kb "$PID")"
    sample_rss "$PID" "$RUN/rss.peak" & SAMPLER=$!
    "$HERE/../auth/seed.sh" 128 >/dev/null
    refresh="$(load "$RUN/rss-$name.refresh.txt" -c32 -s "$HERE/../auth/refresh.lua" http://127.0.0.1:9320 -- "$RUN/refresh-tokens.txt")"
    login="$(load "$RUN/rss-$name.login.txt" -c8 -s "$HERE/../auth/login.lua" http://127.0.0.1:9320 -- \
      "$(sed -n 1p "$RUN/account.txt")" "$(sed -n 2p "$RUN/account.txt")")"
    kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""
    PID=""; "$HERE/../proxy/stop.sh" auth >/dev/null
    line="$name	$(cat "$RUN/rss.peak")	$start_rss	$refresh	$login"
  fi
  echo "$line" | tee -a "$TSV"
done
[ "$AUTH" = 0 ] || dropdb --if-exists "$BENCH_DB" >/dev/null 2>&1 || true
echo "raw: $TSV"
