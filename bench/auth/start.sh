#!/usr/bin/env bash
# Start the auth service for the benchmark on 127.0.0.1:9320 (actuator 9321) against its own
# PostgreSQL database, recreated empty each time. The per-session refresh limit is lifted: the
# refresh benchmark rotates each of its sessions as fast as it can.
#
# Usage: bench/auth/start.sh
# Environment: BENCH_RUN_DIR (default /tmp/portcullis-bench), JAVA (default java),
#   BENCH_JAVA_OPTS and AUTH_JAVA_OPTS (JVM options), AUTH_JAR (default: this checkout's built jar),
#   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres), BENCH_DB (portcullis_bench),
#   BENCH_START_TIMEOUT (seconds to wait for the first 200, default 120; the service is stopped
#   if it is not up by then).
# Writes auth.pid, auth.log and the start-up time (launch to the first 200 from
# /.well-known/jwks.json, i.e. migrations run and a signing key present) into startup.tsv.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
JAVA="${JAVA:-java}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DB="${BENCH_DB:-portcullis_bench}"
mkdir -p "$RUN"
jar="${AUTH_JAR:-$(ls "$ROOT"/auth-service/target/portcullis-auth-service-*-exec.jar 2>/dev/null | head -n 1)}"
[ -n "$jar" ] && [ -f "$jar" ] || { echo "auth service jar not found: ./mvnw -q -B -DskipTests install" >&2; exit 1; }

"$HERE/../proxy/stop.sh" auth >/dev/null
for p in 9320 9321; do
  [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] || { echo "port $p in use by another process" >&2; exit 1; }
done
dropdb --if-exists "$DB" >/dev/null
createdb "$DB"

t0=$(date +%s%3N)
# shellcheck disable=SC2086
nohup "$JAVA" ${BENCH_JAVA_OPTS:-} ${AUTH_JAVA_OPTS:-} -jar "$jar" \
  --server.port=9320 --server.address=127.0.0.1 \
  --management.server.port=9321 --management.server.address=127.0.0.1 \
  --portcullis.auth.master-secret=bench-master-secret-not-for-production-0123456789 \
  --portcullis.feed-secret=bench-feed-secret-not-for-production-0123456789 \
  --portcullis.auth.refresh-limit.rotations=100000000 \
  --spring.r2dbc.url="r2dbc:postgresql://$PGHOST:$PGPORT/$DB" --spring.r2dbc.username="$PGUSER" \
  --spring.flyway.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" \
  >"$RUN/auth.log" 2>&1 &
pid=$!
echo "$pid" >"$RUN/auth.pid"
limit="${BENCH_START_TIMEOUT:-120}"
deadline=$((SECONDS + limit))
until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:9320/.well-known/jwks.json || true)" = 200 ]; do
  kill -0 "$pid" 2>/dev/null || { echo "auth service exited; see $RUN/auth.log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { kill "$pid" 2>/dev/null; echo "auth service not up within $limit s" >&2; exit 1; }
  sleep 0.02
done
ms=$(( $(date +%s%3N) - t0 ))
touch "$RUN/startup.tsv"
{ grep -v "^auth-service	" "$RUN/startup.tsv" || true; printf 'auth-service\t%s\n' "$ms"; } >"$RUN/startup.tsv.tmp"
mv "$RUN/startup.tsv.tmp" "$RUN/startup.tsv"
echo "  auth-service up: first successful request $ms ms after launch (pid $pid, database $DB)"
