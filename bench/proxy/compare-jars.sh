#!/usr/bin/env bash
# Two gateway jars side by side in one run, e.g. the build of an earlier commit against this
# checkout's: what a change to the request path costs. Each jar runs as a gateway process of its
# own with the bench config (conf/gateway.yml), OLD on 9330 (management 9331), NEW on 9332
# (management 9333), both following the empty revocation feed stub on 9308 (a jar from before
# revocation ignores it). Both are loaded on the public route (/pub/, no check) and with one
# valid cookie on the protected route (/api/, a cache hit), interleaved: each round runs OLD and
# NEW back to back on each route, the order swapped every round.
#
# Usage: bench/proxy/compare-jars.sh [-r rounds] [-d secs] [-w warm-up secs] [-c conns]
#                                    [-n "old-name new-name"] [-R "routes"] OLD_JAR NEW_JAR
#   defaults: 5 rounds of 15 s, 20 s warm-up per jar and route, 64 connections, names old new,
#   routes "public hot". A third route, cold, sends the 10 000 distinct tokens of the run dir
#   round-robin to /api/ (rr-cookies.lua): with both jars on a one-entry cache every request is
#   a full verification, the cold path:
#   OLD_ARGS=--portcullis.gateway.cache-size=1 NEW_ARGS=--portcullis.gateway.cache-size=1 \
#     bench/proxy/compare-jars.sh -R cold OLD_JAR NEW_JAR
#   OLD_ARGS / NEW_ARGS (environment) are appended to that jar's command line, so one jar can be
#   compared with itself under two settings, e.g. meters off against on:
#   OLD_ARGS=--portcullis.gateway.metrics.enabled=false bench/proxy/compare-jars.sh \
#     -n "metrics-off metrics-on" gateway/target/*-exec.jar gateway/target/*-exec.jar
#   Needs bench/proxy/start.sh backend (the upstream and the JWK Set); starts the feed stub if
#   it is not running. Stops its two gateways on exit (PID file compare-jars.pid in the run dir;
#   bench/proxy/stop.sh compare-jars too).
# Output: per run req/s, p50, p99, the gateway's own CPU time per request (utime+stime of its
#   process over the run divided by the requests served: steadier than req/s when the load tool
#   shares the cores) and other CPU (bench/lib.sh); then medians and NEW/OLD ratios, also in
#   $RUN/compare-jars-<time>/ (results.tsv, summary.md, raw wrk output).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"
JAVA="${JAVA:-java}"
ROUNDS=5 DUR=15 WARM=20 CONNS=64 NAMES="old new" ROUTES="public hot"
while getopts "r:d:w:c:n:R:h" opt; do
  case "$opt" in
    r) ROUNDS="$OPTARG" ;; d) DUR="$OPTARG" ;; w) WARM="$OPTARG" ;; c) CONNS="$OPTARG" ;; n) NAMES="$OPTARG" ;;
    R) ROUTES="$OPTARG" ;;
    *) sed -n '2,28p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n '2,28p' "$0"; exit 2; }
read -r -a names <<<"$NAMES"
[ "${#names[@]}" -eq 2 ] || { echo "-n takes two names" >&2; exit 2; }
jars=("$(realpath "$1")" "$(realpath "$2")")
for j in "${jars[@]}"; do [ -f "$j" ] || { echo "$j not found" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install -y wrk)" >&2; exit 1; }
[ -s "$RUN/token.txt" ] || { echo "no $RUN/token.txt: run bench/proxy/start.sh backend first" >&2; exit 1; }
curl -sf -m 2 -o /dev/null http://127.0.0.1:9101/jwks.json || { echo "backend not running: bench/proxy/start.sh backend" >&2; exit 1; }
if [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:9308/internal/revocations || true)" != 401 ]; then
  "$HERE/start.sh" feed
fi
COOKIE="__Host-access_token=$(cat "$RUN/token.txt")"
EXPIRED="__Host-access_token=$(cat "$RUN/token-expired.txt")"
OUT="$RUN/compare-jars-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

ports=(9330 9332) pids=()
# word-split on purpose: each is a list of arguments
extra=("${OLD_ARGS:-}" "${NEW_ARGS:-}")
"$HERE/stop.sh" compare-jars >/dev/null
cleanup() { "$HERE/stop.sh" compare-jars >/dev/null 2>&1 || true; }
trap cleanup EXIT
for k in 0 1; do
  for p in "${ports[$k]}" $((ports[k] + 1)); do
    [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] || { echo "port $p in use" >&2; exit 1; }
  done
  # shellcheck disable=SC2086
  nohup "$JAVA" ${BENCH_JAVA_OPTS:-} -jar "${jars[$k]}" --spring.config.additional-location="file:$HERE/conf/gateway.yml" \
    --server.port="${ports[$k]}" --management.server.port=$((ports[k] + 1)) \
    --portcullis.gateway.revocation.feed-uri=http://127.0.0.1:9308/internal/revocations \
    ${extra[$k]} >"$OUT/${names[$k]}.log" 2>&1 &
  pids+=("$!")
  echo "$!" >>"$RUN/compare-jars.pid"
  echo "  ${names[$k]}: ${jars[$k]} (pid $!, port ${ports[$k]})"
done
for k in 0 1; do
  deadline=$((SECONDS + 120))
  until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:${ports[$k]}/api/" || true)" = 200 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "${names[$k]} not up within 120 s; see $OUT/${names[$k]}.log" >&2; exit 1; }
    kill -0 "${pids[$k]}" 2>/dev/null || { echo "${names[$k]} exited; see $OUT/${names[$k]}.log" >&2; exit 1; }
    sleep 0.2
  done
  # the same answers from both: 200 public, 401 without a cookie and with an expired one
  [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ports[$k]}/pub/")" = 200 ] \
    || { echo "${names[$k]}: /pub/ not 200" >&2; exit 1; }
  for bad in "" "Cookie: $EXPIRED"; do
    code="$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H "$bad" "http://127.0.0.1:${ports[$k]}/api/" || true)"
    [ "$code" = 401 ] || { echo "${names[$k]} answered $code to a missing/expired cookie (expected 401)" >&2; exit 1; }
  done
done

url() { # k route
  case "$2" in public) echo "http://127.0.0.1:${ports[$1]}/pub/" ;; hot|cold) echo "http://127.0.0.1:${ports[$1]}/api/" ;; esac
}
load() { # k route secs out
  local t0 t1 other
  t0="$(echo "${pids[$1]}" | ticks_of)"
  measure_start
  local shape=(-H "Cookie: $COOKIE" "$(url "$1" "$2")")
  [ "$2" != cold ] || shape=(-s "$HERE/rr-cookies.lua" "$(url "$1" "$2")" -- "$RUN/tokens-10k.txt" /api/)
  timeout $(($3 + 30)) wrk -t2 -c"$CONNS" -d"$3s" --latency "${shape[@]}" >"$4" 2>&1 || true
  other="$(measure_stop)"
  t1="$(echo "${pids[$1]}" | ticks_of)"
  LINE="$(wrk_parse "$4") $other $(cpu_per_request $((t1 - t0)) "$4" us)"
}

if [ "$WARM" -gt 0 ]; then
  for route in $ROUTES; do
    for k in 0 1; do
      echo "  warm-up ${names[$k]} $route ${WARM}s"
      load "$k" "$route" "$WARM" "$OUT/warmup-${names[$k]}-$route.txt"
      sleep 1
    done
  done
fi

TSV="$OUT/results.tsv"
printf 'round\tjar\troute\treq_s\tp50_ms\tp99_ms\tnon2xx\terrors\tother_cpu_pct\tcpu_us_per_req\n' >"$TSV"
for r in $(seq 1 "$ROUNDS"); do
  order="0 1"; [ $((r % 2)) -eq 1 ] || order="1 0"
  for route in $ROUTES; do
    for k in $order; do
      load "$k" "$route" "$DUR" "$OUT/r$r-${names[$k]}-$route.txt"
      read -r rps p50 p99 non2xx err other us <<<"$LINE"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "${names[$k]}" "$route" "$rps" "$p50" "$p99" "$non2xx" "$err" "$other" "$us" >>"$TSV"
      printf '  round %s %-10s %-6s %8s req/s  p50 %7s ms  p99 %7s ms  non2xx %s  gateway %s µs/req  other-cpu %s%%\n' \
        "$r" "${names[$k]}" "$route" "$rps" "$p50" "$p99" "$non2xx" "$us" "$other"
      sleep 1
    done
  done
done

measured() { case " $ROUTES " in *" $1 "*) ;; *) return 1 ;; esac; }
med() { awk -F'\t' -v n="$1" -v r="$2" -v c="$3" 'NR > 1 && $2 == n && $3 == r { print $c }' "$TSV" | median; }
{
  echo "wrk -t2 -c$CONNS -d${DUR}s, $ROUNDS interleaved rounds (order swapped each round), medians."
  echo "${names[0]}: $(basename "${jars[0]}") ($(date -u -r "${jars[0]}" '+%Y-%m-%d %H:%M UTC')); ${names[1]}: $(basename "${jars[1]}") ($(date -u -r "${jars[1]}" '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "| jar | route | req/s | p50 ms | p99 ms | gateway CPU µs/req | non-2xx | other CPU % (per round) |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  for route in $ROUTES; do
    for k in 0 1; do
      n="${names[$k]}"
      others="$(awk -F'\t' -v n="$n" -v r="$route" 'NR > 1 && $2 == n && $3 == r { printf "%s%s", s, $9; s = "/" }' "$TSV")"
      non2xx="$(awk -F'\t' -v n="$n" -v r="$route" 'NR > 1 && $2 == n && $3 == r { s += $7 } END { print s + 0 }' "$TSV")"
      printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$route" "$(med "$n" "$route" 4)" "$(med "$n" "$route" 5)" \
        "$(med "$n" "$route" 6)" "$(med "$n" "$route" 10)" "$non2xx" "$others"
    done
  done
  echo
  for route in $ROUTES; do
    awk -v route="$route" -v a="${names[1]}" -v b="${names[0]}" -v ar="$(med "${names[1]}" "$route" 4)" -v br="$(med "${names[0]}" "$route" 4)" \
        -v ac="$(med "${names[1]}" "$route" 10)" -v bc="$(med "${names[0]}" "$route" 10)" 'BEGIN {
      printf "- %s: %s/%s req/s ratio %.3f; gateway CPU per request %s vs %s µs (%+.1f %%)\n",
        route, a, b, ar / br, ac, bc, 100 * (ac - bc) / bc }'
  done
  if measured hot && measured public; then
    for k in 0 1; do
      awk -v n="${names[$k]}" -v h="$(med "${names[$k]}" hot 10)" -v p="$(med "${names[$k]}" public 10)" 'BEGIN {
        printf "- %s: access check (hot against public) %+.1f µs CPU per request (%+.1f %%)\n", n, h - p, 100 * (h - p) / p }'
    done
  fi
} >"$OUT/summary.md"
echo
cat "$OUT/summary.md"
echo "raw: $OUT"
