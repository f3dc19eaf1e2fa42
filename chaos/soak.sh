#!/usr/bin/env bash
# Soak: load through the gateway at a fraction of its measured maximum for a bounded time, with
# zero 5xx expected and memory sampled at start and end. Loopback only.
#
#   chaos/soak.sh [-d seconds] [-f fraction] [-g gateway-url] [-c connections]
#   defaults: -d 600 -f 0.8 -g http://127.0.0.1:8080 -c 32
#
# Needs a running Portcullis (./quickstart) and wrk, jcmd (JDK) and curl. Logs in a fresh user,
# measures the maximum with a 15 s wrk run, then paces wrk to the fraction of it for -d seconds,
# sampling the gateway's RSS and live heap (after a full GC) at start and end.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DURATION=600 FRACTION=0.8 GATEWAY=http://127.0.0.1:8080 CONNS=32
while getopts "d:f:g:c:h" opt; do
  case "$opt" in
    d) DURATION="$OPTARG" ;; f) FRACTION="$OPTARG" ;; g) GATEWAY="$OPTARG" ;; c) CONNS="$OPTARG" ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
  esac
done
case "$GATEWAY" in http://127.*|http://localhost*|http://\[::1\]*) ;; *) echo "loopback targets only" >&2; exit 2 ;; esac
for bin in wrk jcmd curl; do command -v "$bin" >/dev/null || { echo "missing: $bin" >&2; exit 1; }; done

port=$(sed -E 's#^https?://[^:/]+:?([0-9]*).*#\1#' <<<"$GATEWAY"); port=${port:-80}
pid=$(ss -Hltnp "sport = :$port" | sed -nE 's/.*pid=([0-9]+).*/\1/p' | head -n 1)
[ -n "$pid" ] || { echo "nothing listens on port $port" >&2; exit 1; }

email="soak-$(date +%s)@example.org"; jar=$(mktemp); trap 'rm -f "$jar"' EXIT
origin=(-H "Origin: http://localhost:8080" -H "Content-Type: application/json")
curl -fs -o /dev/null "${origin[@]}" -X POST "$GATEWAY/auth/register" -d "{\"email\":\"$email\",\"password\":\"correct horse battery staple\"}"
# a long-lived token so it outlives the soak: refresh right before each phase instead
login() { curl -fs -o /dev/null -c "$jar" "${origin[@]}" -X POST "$GATEWAY/auth/login" -d "{\"email\":\"$email\",\"password\":\"correct horse battery staple\"}"; }
cookie() { awk '$6 == "__Host-access_token" {print $7}' "$jar"; }

memory() { # label
  jcmd "$pid" GC.run >/dev/null
  local heap rss
  heap=$(jcmd "$pid" GC.heap_info | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {print $(i + 1); exit}}')
  rss=$(awk '/VmRSS/ {print $2 " " $3}' "/proc/$pid/status")
  echo "$1 rss=$rss heap_used_after_gc=$heap"
}

login
echo "measuring the maximum (15 s, $CONNS connections)..."
max=$(timeout 60 wrk -t2 -c"$CONNS" -d15s -H "Cookie: __Host-access_token=$(cookie)" "$GATEWAY/api/soak" | awk '/Requests\/sec/ {print int($2)}')
target=$(awk -v m="$max" -v f="$FRACTION" 'BEGIN {print int(m * f)}')
delay=$(awk -v c="$CONNS" -v t="$target" 'BEGIN {printf "%.2f", (t > 0) ? c * 1000 / t : 1000}')
echo "maximum $max req/s; soaking at about $target req/s ($FRACTION) for $DURATION s"
memory start

# Access tokens live 15 min by default: one login covers a soak of up to ~14 minutes.
[ "$DURATION" -le 840 ] || { echo "keep -d under 840 s (one access token)" >&2; exit 2; }
login
out=$(timeout $((DURATION + 60)) wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$HERE/soak.lua" \
  -H "Cookie: __Host-access_token=$(cookie)" "$GATEWAY/api/soak" -- "$delay")
echo "$out" | grep -E "Requests/sec|requests in|Socket errors|status_|p50_ms|p99_ms"
memory end
fivexx=$(awk '/status_5xx/ {print $2}' <<<"$out")
[ "${fivexx:-1}" -eq 0 ] && echo "PASS: no 5xx" || { echo "FAIL: $fivexx 5xx answers"; exit 1; }
