#!/usr/bin/env bash
# CPU profile of the auth service under refresh or login load with async-profiler (fetched from
# Maven Central, attached to the running JVM), summarised by bench/proxy/stacks.py.
#
# Usage: bench/auth/cpu-profile.sh [refresh|login] [secs] [warm-up secs] [conns]
#   defaults: refresh 20 20 32 (login: 8 connections). Starts the auth service itself
#   (bench/auth/start.sh) and stops it at the end. Loopback only, bounded.
# Output: $RUN/cpu-auth-<load>-<time>.collapsed (one stack a line) and .txt with the shares of the
#   refresh and login paths' main parts and the hottest leaf frames.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
LOAD="${1:-refresh}" SECS="${2:-20}" WARM="${3:-20}"
case "$LOAD" in
  refresh) CONNS="${4:-32}" ;;
  login) CONNS="${4:-8}" ;;
  *) echo "unknown load $LOAD (refresh or login)" >&2; exit 2 ;;
esac
VERSION=4.1
LIB="$RUN/async-profiler-$VERSION/linux-x64/libasyncProfiler.so"
if [ ! -f "$LIB" ]; then
  (cd "$ROOT" && ./mvnw -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$VERSION" -Dtransitive=false)
  mkdir -p "$RUN/async-profiler-$VERSION"
  (cd "$RUN/async-profiler-$VERSION" && unzip -q -o "$HOME/.m2/repository/tools/profiler/async-profiler/$VERSION/async-profiler-$VERSION.jar" 'linux-x64/*')
fi

"$HERE/start.sh"
trap '"$HERE/../proxy/stop.sh" auth >/dev/null' EXIT
PID="$(cat "$RUN/auth.pid")"
"$HERE/seed.sh" $((2 * CONNS)) >/dev/null
EMAIL="$(sed -n 1p "$RUN/account.txt")"; PASSWORD="$(sed -n 2p "$RUN/account.txt")"
if [ "$LOAD" = refresh ]; then
  ARGS=(-s "$HERE/refresh.lua" http://127.0.0.1:9320 -- "$RUN/refresh-tokens.txt")
else
  ARGS=(-s "$HERE/login.lua" http://127.0.0.1:9320 -- "$EMAIL" "$PASSWORD")
fi
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$RUN/cpu-auth-$LOAD-$STAMP"
timeout $((WARM + 30)) wrk -t2 -c"$CONNS" -d"${WARM}s" "${ARGS[@]}" >/dev/null
# every refresh token was consumed by the warm-up: fresh sessions for the measured run
[ "$LOAD" != refresh ] || "$HERE/seed.sh" $((2 * CONNS)) >/dev/null
java "$ROOT/bench/proxy/Attach.java" "$PID" "$LIB" "start,event=cpu,interval=1ms"
timeout $((SECS + 30)) wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "${ARGS[@]}" | tee "$OUT.wrk.txt"
java "$ROOT/bench/proxy/Attach.java" "$PID" "$LIB" "stop,file=$OUT.collapsed,collapsed"
python3 "$ROOT/bench/proxy/stacks.py" "$OUT.collapsed" \
  dev/portcullis AuthController SessionService.refresh AccessTokenIssuer RSASSASigner SignedJWT.serialize \
  JWTClaimsSet ServerSecrets Randoms AuthCookies ResponseCookie Jackson jackson AbstractJackson2Encoder \
  SessionRepository DatabaseClient io/r2dbc/postgresql reactor/netty io/netty DispatcherHandler \
  RequestMappingHandlerAdapter InvocableHandlerMethod micrometer Observation ContextSnapshot logback \
  LoginThrottle AttemptBudgetRepository PasswordHasher Argon2 GC_ 'Interpreter' '_[k]' | tee "$OUT.txt"
echo "stacks: $OUT.collapsed"
