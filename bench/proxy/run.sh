#!/usr/bin/env bash
# Interleaved wrk benchmark of every proxy target (loopback only). Start them first with
# bench/proxy/start.sh (same BENCH_RUN_DIR).
#
# Usage: bench/proxy/run.sh [-r rounds] [-d secs] [-c conns] [-t threads] [-w warmup-secs]
#                           [-p pause-secs] [-T "targets"] [-R retries] [-L] [-o out-dir]
#   defaults: -r 3 -d 15 -c 64 -t 2 -w 15 -p 2 -R 1, every target, out-dir $RUN/proxy-<time>
#   -R n  repeat a run (up to n times) when other processes used more than 10 % of one core
#         during it; the least disturbed attempt is kept, every attempt's other-CPU is printed
#   -L    skip the latency-at-half-load runs
#
# Targets (one round = each once, in this order; same cookie bytes on all but the *-10k ones):
#   direct        nginx upstream 9100 (the ceiling)
#   nginx-proxy   nginx reverse proxy 9201           haproxy      HAProxy reverse proxy 9202
#   haproxy-jwt   HAProxy jwt_verify RS256 9203 (verifies every request)
#   pc-public     Portcullis public route 9300/pub/ (no check)
#   pc-hot        Portcullis 9300/api/, one valid cookie (cache hit)
#   pc-10k        Portcullis 9300/api/, 10 000 distinct tokens round-robin (first pass misses)
#   pc-nocache    Portcullis with cache-size 1 on 9302, 10 000 tokens: every request verified
#   pc-revoked    Portcullis 9304/api/ holding 10 000 revoked sessions (start.sh gateway-revoked),
#                 one valid cookie not among them: pc-hot with a non-empty denylist; not in the
#                 default list (-T "pc-public pc-hot pc-revoked" compares the two)
#   pc-revoked-public  the public route of that gateway, 9304/pub/: with pc-public, the control
#                 for how much two gateway processes differ when neither checks anything
#   spring-peer   Spring Cloud Gateway + Spring Security resource server 9310, one valid cookie
#   floor         the floor 9306/api/ (start.sh floor): a bare Reactor Netty proxy on the gateway's
#                 runtime doing the least a cookie-checking gateway must, one valid cookie; not
#                 in the default list. With pc-hot, the summary prints gateway/floor and, with
#                 haproxy-jwt, gateway/HAProxy ratios of req/s and p99
#
# Then, unless -L: the latency at half of pc-hot's median maximum: direct, haproxy-jwt, floor,
# pc-public and pc-hot (those of them in -T) paced (bench/proxy/paced.lua) to that rate, 3 interleaved rounds;
# "p99 added by the gateway" = p99(pc-hot) - p99(direct) at the same rate.
#
# Server CPU per request: the CPU time (user + system) the target's server processes (and their
# children, e.g. nginx workers) used during the run, divided by the requests served. Unlike
# req/s it hardly depends on how the two cores were shared with the load tool, so it is the
# steadier measure of what a request costs the server.
#
# Output: results.tsv (one line per run), latency.tsv, summary.md (markdown tables with
# medians and ratios), raw wrk output.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
ROUNDS=3 DUR=15 CONNS=64 THREADS=2 WARMUP=15 PAUSE=2 RETRIES=1 HALF=1 OUT=""
OTHER_MAX=10
TARGETS="direct nginx-proxy haproxy haproxy-jwt pc-public pc-hot pc-10k pc-nocache spring-peer"
while getopts "r:d:c:t:w:p:T:R:Lo:h" opt; do
  case "$opt" in
    r) ROUNDS="$OPTARG" ;; d) DUR="$OPTARG" ;; c) CONNS="$OPTARG" ;; t) THREADS="$OPTARG" ;;
    w) WARMUP="$OPTARG" ;; p) PAUSE="$OPTARG" ;; T) TARGETS="$OPTARG" ;; R) RETRIES="$OPTARG" ;;
    L) HALF=0 ;; o) OUT="$OPTARG" ;;
    *) sed -n '2,30p' "$0"; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install -y wrk)" >&2; exit 1; }
[ -s "$RUN/token.txt" ] || { echo "no $RUN/token.txt: run bench/proxy/start.sh first" >&2; exit 1; }
COOKIE="__Host-access_token=$(cat "$RUN/token.txt")"
OUT="${OUT:-$RUN/proxy-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"

url_of() {
  case "$1" in
    direct) echo http://127.0.0.1:9100/api/ ;; nginx-proxy) echo http://127.0.0.1:9201/api/ ;;
    haproxy) echo http://127.0.0.1:9202/api/ ;; haproxy-jwt) echo http://127.0.0.1:9203/api/ ;;
    pc-public) echo http://127.0.0.1:9300/pub/ ;; pc-hot|pc-10k) echo http://127.0.0.1:9300/api/ ;;
    pc-nocache) echo http://127.0.0.1:9302/api/ ;; spring-peer) echo http://127.0.0.1:9310/api/ ;;
    pc-revoked) echo http://127.0.0.1:9304/api/ ;; pc-revoked-public) echo http://127.0.0.1:9304/pub/ ;;
    floor) echo http://127.0.0.1:9306/api/ ;;
    *) echo "unknown target: $1" >&2; exit 2 ;;
  esac
}
pids_of() { # the server processes whose RSS is the target's
  local f
  case "$1" in
    direct) f=backend.nginx ;; nginx-proxy) f=peers.nginx ;; haproxy|haproxy-jwt) f=haproxy ;;
    pc-public|pc-hot|pc-10k) f=gateway ;; pc-nocache) f=gateway-nocache ;; spring-peer) f=peer ;;
    pc-revoked|pc-revoked-public) f=gateway-revoked ;; floor) f=floor ;;
    *) echo "no server process known for target $1" >&2; exit 2 ;;
  esac
  cat "$RUN/$f.pid" 2>/dev/null
}
load_args() { # target -> LOAD: wrk arguments for the request shape
  case "$1" in
    pc-10k|pc-nocache) LOAD=(-s "$HERE/rr-cookies.lua" "$(url_of "$1")" -- "$RUN/tokens-10k.txt" /api/) ;;
    *) LOAD=(-H "Cookie: $COOKIE" "$(url_of "$1")") ;;
  esac
}

# sanity: each target answers 200 with the token; the checking ones 401 without and expired
for t in $TARGETS; do
  u="$(url_of "$t")"
  code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$u" || true)
  [ "$code" = 200 ] || { echo "$t ($u) answered '$code' with a valid token: is it started?" >&2; exit 1; }
  case "$t" in haproxy-jwt|pc-hot|pc-10k|pc-nocache|spring-peer|pc-revoked|floor)
    for bad in "" "Cookie: __Host-access_token=$(cat "$RUN/token-expired.txt")"; do
      code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H "$bad" "$u" || true)
      [ "$code" = 401 ] || { echo "$t answered '$code' to a missing/expired token (expected 401)" >&2; exit 1; }
    done ;;
  esac
  # the denylist is really consulted: a valid token of a revoked session is refused
  if [ "$t" = pc-revoked ]; then
    code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H "Cookie: __Host-access_token=$(cat "$RUN/token-revoked.txt" 2>/dev/null)" "$u" || true)
    [ "$code" = 401 ] || { echo "$t answered '$code' to a token of a revoked session (expected 401)" >&2; exit 1; }
  fi
done

server_pids() { # the target's server processes and their children
  local p
  for p in $(pids_of "$1"); do echo "$p"; { ps -o pid= --ppid "$p" 2>/dev/null || true; } | tr -d ' '; done
}

run_one() { # target seconds outfile [extra wrk args...] -> sets LINE "req_s p50 p99 non2xx err other rss cpu_us"
  local t="$1" secs="$2" out="$3"; shift 3
  local rss_file="$out.rss" sampler
  # shellcheck disable=SC2046
  ( peak=0; end=$((SECONDS + secs)); pids="$(pids_of "$t")"
    while [ "$SECONDS" -lt "$end" ]; do
      sleep 1; r=$(rss_kb $pids); [ "$r" -gt "$peak" ] && peak=$r
      echo "$peak" >"$rss_file"
    done ) &
  sampler=$!
  local servers c0 c1 cpu_us
  servers="$(server_pids "$t")"
  c0="$(ticks_of <<<"$servers")"
  measure_start
  # shellcheck disable=SC2046
  timeout -k 5 $((secs + 30)) wrk -t"$THREADS" -d"${secs}s" --latency "$@" >"$out" 2>&1 || true
  local other; other="$(measure_stop)"
  c1="$(ticks_of <<<"$servers")"
  cpu_us="$(cpu_per_request $((c1 - c0)) "$out" us)"
  wait "$sampler" 2>/dev/null || true
  LINE="$(wrk_parse "$out") $other $(cat "$rss_file" 2>/dev/null || echo 0) $cpu_us"
  rm -f "$rss_file"
}

run_kept() { # target seconds outfile wrk-args... ; repeats disturbed runs, keeps the least disturbed
  local t="$1" secs="$2" out="$3"; shift 3
  local best="" best_other=100000 attempt other
  for attempt in $(seq 0 "$RETRIES"); do
    run_one "$t" "$secs" "$out.a$attempt" "$@"
    other="$(awk '{print $6}' <<<"$LINE")"
    if [ "$other" -lt "$best_other" ]; then best="$LINE"; best_other="$other"; cp "$out.a$attempt" "$out"; fi
    [ "$other" -gt "$OTHER_MAX" ] && [ "$attempt" -lt "$RETRIES" ] || break
    echo "    ($t: other processes used ${other}% of a core, repeating)"
    sleep "$PAUSE"
  done
  LINE="$best"
}

echo "wrk -t$THREADS -c$CONNS -d${DUR}s --latency; $ROUNDS interleaved rounds; targets: $TARGETS"
echo "output: $OUT"
printf 'round\ttarget\treq_s\tp50_ms\tp99_ms\tnon2xx\terrors\tother_cpu_pct\trss_kb\tserver_cpu_us_per_req\n' >"$OUT/results.tsv"
if [ "$WARMUP" -gt 0 ]; then
  for t in $TARGETS; do
    # nginx and HAProxy have no JIT to warm: a few seconds reach their steady state
    w="$WARMUP"; case "$t" in direct|nginx-proxy|haproxy|haproxy-jwt) [ "$w" -le 5 ] || w=5 ;; esac
    load_args "$t"; run_one "$t" "$w" "$OUT/warmup-$t.txt" -c"$CONNS" "${LOAD[@]}"; sleep 1
  done
fi
for r in $(seq 1 "$ROUNDS"); do
  for t in $TARGETS; do
    load_args "$t"; run_kept "$t" "$DUR" "$OUT/r$r-$t.txt" -c"$CONNS" "${LOAD[@]}"
    read -r rps p50 p99 non2xx err other rss cpu <<<"$LINE"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$rps" "$p50" "$p99" "$non2xx" "$err" "$other" "$rss" "$cpu" >>"$OUT/results.tsv"
    printf '  round %s %-12s %8s req/s  p50 %8s ms  p99 %8s ms  non2xx %s  other-cpu %s%%  rss %s MiB  server %s µs/req\n' \
      "$r" "$t" "$rps" "$p50" "$p99" "$non2xx" "$other" "$((rss / 1024))" "$cpu"
    sleep "$PAUSE"
  done
done

med() { awk -F'\t' -v t="$1" -v c="$2" 'NR > 1 && $2 == t { print $c }' "$OUT/results.tsv" | median; }

if [ "$HALF" = 1 ] && grep -q "	pc-hot	" "$OUT/results.tsv"; then
  max="$(med pc-hot 3)"
  rate=$(awk -v m="$max" 'BEGIN { printf "%d", m / 2 }')
  # 10 ms pause per connection: connections = rate * ~10.3 ms
  conns=$(awk -v r="$rate" 'BEGIN { c = int(r * 0.0103 + 0.5); if (c < 2) c = 2; print c }')
  echo "latency at half of pc-hot's maximum ($max req/s): target $rate req/s, $conns connections pausing 10 ms"
  printf 'round\ttarget\treq_s\tp50_ms\tp99_ms\tnon2xx\terrors\tother_cpu_pct\n' >"$OUT/latency.tsv"
  LT=""; for t in direct haproxy-jwt floor pc-public pc-hot; do case " $TARGETS " in *" $t "*) LT="$LT $t" ;; esac; done
  for t in $LT; do run_one "$t" "$WARMUP" "$OUT/half-warmup-$t.txt" -c"$conns" -s "$HERE/paced.lua" "$(url_of "$t")" -- 10 "$COOKIE"; done
  for r in 1 2 3; do
    for t in $LT; do
      run_kept "$t" "$DUR" "$OUT/half-r$r-$t.txt" -c"$conns" -s "$HERE/paced.lua" "$(url_of "$t")" -- 10 "$COOKIE"
      read -r rps p50 p99 non2xx err other rss <<<"$LINE"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$rps" "$p50" "$p99" "$non2xx" "$err" "$other" >>"$OUT/latency.tsv"
      printf '  half-load round %s %-12s %8s req/s  p50 %8s ms  p99 %8s ms  other-cpu %s%%\n' "$r" "$t" "$rps" "$p50" "$p99" "$other"
      sleep "$PAUSE"
    done
  done
fi

# summary
{
  echo "### Proxy throughput and latency"
  echo
  echo "wrk -t$THREADS -c$CONNS -d${DUR}s, $ROUNDS interleaved rounds, medians; ratio = median req/s ÷ median req/s of direct."
  echo
  echo "| target | req/s | p50 ms | p99 ms | × direct | server CPU µs/req | non-2xx | other CPU % (per round) | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
  d="$(med direct 3)"
  for t in $TARGETS; do
    rps="$(med "$t" 3)"
    ratio=$(awk -v a="$rps" -v b="$d" 'BEGIN { if (b > 0 && b != "-") printf "%.3f", a / b; else print "-" }')
    others="$(awk -F'\t' -v t="$t" 'NR > 1 && $2 == t { printf "%s%s", s, $8; s = "/" }' "$OUT/results.tsv")"
    non2xx="$(awk -F'\t' -v t="$t" 'NR > 1 && $2 == t { s += $6 } END { print s + 0 }' "$OUT/results.tsv")"
    rss="$(awk -F'\t' -v t="$t" 'NR > 1 && $2 == t && $9 > m { m = $9 } END { printf "%.0f", m / 1024 }' "$OUT/results.tsv")"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$rps" "$(med "$t" 4)" "$(med "$t" 5)" "$ratio" "$(med "$t" 10)" "$non2xx" "$others" "$rss"
  done
  # pairwise comparisons, each printed when both targets were measured
  compared=0
  for pair in "pc-hot pc-public Access check cost" "pc-revoked pc-hot Denylist cost" \
              "pc-revoked-public pc-public Control, two processes on the public route"; do
    read -r a b what <<<"$pair"
    case " $TARGETS " in *" $a "*) ;; *) continue ;; esac
    case " $TARGETS " in *" $b "*) ;; *) continue ;; esac
    [ "$compared" = 1 ] || echo
    compared=1
    awk -v what="$what" -v a="$a" -v b="$b" -v ac="$(med "$a" 10)" -v bc="$(med "$b" 10)" \
        -v ar="$(med "$a" 3)" -v br="$(med "$b" 3)" 'BEGIN {
      if (bc <= 0 || br <= 0) { printf "%s (%s against %s): no data.\n", what, a, b; exit }
      printf "%s (%s against %s, medians): req/s ratio %.3f (%s vs %s); server CPU per request %s vs %s µs (%+.1f %%).\n\n",
        what, a, b, ar / br, ar, br, ac, bc, 100 * (ac - bc) / bc }'
  done
  # the gateway against the floor (its own runtime doing the least) and HAProxy jwt_verify
  for pair in "floor the floor" "haproxy-jwt HAProxy jwt_verify"; do
    read -r b what <<<"$pair"
    case " $TARGETS " in *" pc-hot "*) ;; *) continue ;; esac
    case " $TARGETS " in *" $b "*) ;; *) continue ;; esac
    awk -v what="$what" -v b="$b" -v ar="$(med pc-hot 3)" -v br="$(med "$b" 3)" -v ap="$(med pc-hot 5)" \
        -v bp="$(med "$b" 5)" -v ac="$(med pc-hot 10)" -v bc="$(med "$b" 10)" 'BEGIN {
      if (br <= 0 || bp <= 0 || bc <= 0) { printf "Gateway against %s: no data.\n\n", what; exit }
      printf "Gateway (pc-hot) against %s (%s), medians: req/s %.2f× (%s vs %s), p99 %.2f× (%s vs %s ms), server CPU per request %.2f× (%s vs %s µs).\n\n",
        what, b, ar / br, ar, br, ap / bp, ap, bp, ac / bc, ac, bc }'
  done
  # the denylist's own cost, net of the difference between the two processes: the access check
  # (protected minus public route, CPU per request) in the gateway holding revocations minus the
  # same in the gateway holding none
  if [ -n "$(awk -v t=" $TARGETS " 'BEGIN { n = split("pc-public pc-hot pc-revoked pc-revoked-public", w, " ")
        for (i = 1; i <= n; i++) if (index(t, " " w[i] " ") == 0) exit; print "all" }')" ]; then
    awk -v h="$(med pc-hot 10)" -v p="$(med pc-public 10)" -v rh="$(med pc-revoked 10)" -v rp="$(med pc-revoked-public 10)" 'BEGIN {
      printf "Access check with the denylist full against empty, each net of its own process'"'"'s public route: %+.1f µs CPU per request ((%s − %s) − (%s − %s), medians).\n\n",
        (rh - rp) - (h - p), rh, rp, h, p }'
  fi
  if [ -s "$OUT/latency.tsv" ]; then
    echo
    echo "Latency at half of pc-hot's median maximum (${rate} req/s target, $conns connections, 10 ms pause per connection), 3 interleaved rounds, medians:"
    echo
    echo "| target | req/s | p50 ms | p99 ms | other CPU % (per round) |"
    echo "|---|---:|---:|---:|---|"
    for t in $LT; do
      lm() { awk -F'\t' -v t="$t" -v c="$1" 'NR > 1 && $2 == t { print $c }' "$OUT/latency.tsv" | median; }
      others="$(awk -F'\t' -v t="$t" 'NR > 1 && $2 == t { printf "%s%s", s, $8; s = "/" }' "$OUT/latency.tsv")"
      printf '| %s | %s | %s | %s | %s |\n' "$t" "$(lm 3)" "$(lm 4)" "$(lm 5)" "$others"
    done
    echo
    for t in pc-hot floor haproxy-jwt; do
      case " $LT " in *" $t "*) ;; *) continue ;; esac
      case " $LT " in *" direct "*) ;; *) continue ;; esac
      awk -v t="$t" -v a="$(awk -F'\t' -v t="$t" 'NR > 1 && $2 == t { print $5 }' "$OUT/latency.tsv" | median)" \
          -v d="$(awk -F'\t' 'NR > 1 && $2 == "direct" { print $5 }' "$OUT/latency.tsv" | median)" \
          'BEGIN { printf "p99 added by %s at this rate: %.2f ms (%s − %s ms, medians).\n", t, a - d, a, d }'
    done
  fi
} >"$OUT/summary.md"
cat "$OUT/summary.md"
