#!/usr/bin/env bash
# Register the benchmark account and log in N times (default 128), writing one refresh token
# a line to $RUN/refresh-tokens.txt (input of refresh.lua). Needs bench/auth/start.sh.
#
# Usage: bench/auth/seed.sh [sessions]
set -euo pipefail
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
N="${1:-128}"
BASE=http://127.0.0.1:9320
EMAIL=bench@example.com PASSWORD='correct horse battery staple 42'
body="{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Origin: http://localhost:8080' -d "$body" "$BASE/auth/register")
case "$code" in 201|409) ;; *) echo "register answered $code" >&2; exit 1 ;; esac
: >"$RUN/refresh-tokens.txt.tmp"
for i in $(seq 1 "$N"); do
  tok=$(curl -s -m 10 -D - -o /dev/null -H 'Content-Type: application/json' -H 'Origin: http://localhost:8080' \
        -d "$body" "$BASE/auth/login" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: __Secure-refresh_token=\([^;]*\).*/\1/p')
  [ -n "$tok" ] || { echo "login $i gave no refresh token" >&2; exit 1; }
  echo "$tok" >>"$RUN/refresh-tokens.txt.tmp"
done
mv "$RUN/refresh-tokens.txt.tmp" "$RUN/refresh-tokens.txt"
printf '%s\n%s\n' "$EMAIL" "$PASSWORD" >"$RUN/account.txt"
echo "  $N sessions: $RUN/refresh-tokens.txt"
