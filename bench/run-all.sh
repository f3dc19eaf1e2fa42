#!/usr/bin/env bash
# Every benchmark in one bounded run on this machine (loopback only), then a markdown report.
#
# Usage: bench/run-all.sh [-r rounds] [-d secs] [-w secs] [-b] [-j] [-s sections]
#   -r rounds (default 3), -d seconds per measured run (default 15), -w proxy warm-up seconds
#      per target (default 15; slower machines need more for the JVMs to reach steady state)
#   -b  build first (./mvnw -q -B -DskipTests install, then the Spring Security peer)
#   -j  also run the JMH verification benchmarks (bench/jmh, about 4 minutes)
#   -s  sections to run, default "proxy auth" (and "jmh" with -j)
# Needs: apt-get install -y nginx haproxy wrk postgresql-client postgresql-contrib nodejs curl unzip,
# PostgreSQL reachable as $PGUSER (postgres) on $PGHOST:$PGPORT (127.0.0.1:5432) with rights to
# create databases (portcullis_bench, portcullis_pgbench; dropped at the end).
# Output: $BENCH_RUN_DIR/all-<time>/report.md (+ each section's raw output and TSVs).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
ROUNDS=3 DUR=15 WARMUP=15 BUILD=0 JMH=0 SECTIONS=""
while getopts "r:d:w:bjs:h" opt; do
  case "$opt" in
    r) ROUNDS="$OPTARG" ;; d) DUR="$OPTARG" ;; w) WARMUP="$OPTARG" ;; b) BUILD=1 ;; j) JMH=1 ;;
    s) SECTIONS="$OPTARG" ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done
if [ -z "$SECTIONS" ]; then SECTIONS="proxy auth"; [ "$JMH" = 0 ] || SECTIONS="$SECTIONS jmh"; fi
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
mkdir -p "$RUN"
OUT="$RUN/all-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && timeout 1800 ./mvnw -q -B -DskipTests install)
  (cd "$ROOT" && timeout 900 ./mvnw -q -B -f bench/spring-security-peer/pom.xml package -DskipTests)
fi

# the jars under test are copied, so a rebuild in this checkout during the run changes nothing
mkdir -p "$OUT/jars"
for j in "$ROOT"/gateway/target/portcullis-gateway-*-exec.jar "$ROOT"/auth-service/target/portcullis-auth-service-*-exec.jar \
         "$HERE"/spring-security-peer/target/spring-security-peer-exec.jar; do
  [ -f "$j" ] || { echo "$j missing: run with -b (or build: see bench/README.md)" >&2; exit 1; }
  cp -p "$j" "$OUT/jars/"
done
export GATEWAY_JAR="$(ls "$OUT"/jars/portcullis-gateway-*-exec.jar)"
export AUTH_JAR="$(ls "$OUT"/jars/portcullis-auth-service-*-exec.jar)"
export PEER_JAR="$OUT/jars/spring-security-peer-exec.jar"

cleanup() {
  "$HERE/proxy/stop.sh" >/dev/null 2>&1 || true
  dropdb --if-exists portcullis_bench >/dev/null 2>&1 || true
  dropdb --if-exists portcullis_pgbench >/dev/null 2>&1 || true
}
trap cleanup EXIT

{
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`bench/run-all.sh -r $ROUNDS -d $DUR -w $WARMUP${SECTIONS:+ -s \"$SECTIONS\"}\`"
  echo "- machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "- code: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- gateway auth-service 2>/dev/null || echo ' (with uncommitted changes in gateway/ or auth-service/)'); jars built $(date -u -r "$GATEWAY_JAR" '+%H:%M UTC')"
  echo "- JDK: $("${JAVA:-java}" -version 2>&1 | head -n 2 | tail -n 1); JVM options: ${BENCH_JAVA_OPTS:-none (defaults)}"
  echo "- $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(haproxy -v | head -n 1 | awk '{ print "HAProxy " $3 }'), $(wrk -v 2>&1 | head -n 1 | awk '{ print $1 " " $2 }'), PostgreSQL $(psql -X -Atc 'SHOW server_version' | awk '{ print $1 }')"
  echo "- load generator, servers and PostgreSQL share the same CPUs; \"other CPU\" = CPU used during each run by processes that are not part of the benchmark, in % of one core"
} >"$OUT/machine.md"
cat "$OUT/machine.md"

for s in $SECTIONS; do
  case "$s" in
    proxy)
      "$HERE/proxy/start.sh"
      "$HERE/proxy/run.sh" -r "$ROUNDS" -d "$DUR" -w "$WARMUP" -o "$OUT/proxy"
      "$HERE/proxy/stop.sh"
      ;;
    auth)
      "$HERE/auth/run.sh" -r "$ROUNDS" -d "$DUR" -o "$OUT/auth"
      ;;
    jmh)
      mkdir -p "$OUT/jmh"
      timeout 1200 "$ROOT/bench/jmh/run.sh" -f 1 -wi 3 -w 2 -i 5 -r 3 -rf text -rff "$OUT/jmh/result.txt" | tee "$OUT/jmh/output.txt"
      ;;
    *) echo "unknown section: $s" >&2; exit 2 ;;
  esac
done

{
  echo "## Latest results"
  echo
  cat "$OUT/machine.md"
  echo
  [ -f "$OUT/proxy/summary.md" ] && { cat "$OUT/proxy/summary.md"; echo; }
  [ -f "$OUT/auth/summary.md" ] && { cat "$OUT/auth/summary.md"; echo; }
  echo "### Start-up (launch to first successful request) and memory"
  echo
  echo "| process | start-up ms |"
  echo "|---|---:|"
  awk -F'\t' '{ printf "| %s | %s |\n", $1, $2 }' "$RUN/startup.tsv"
  if [ -f "$OUT/jmh/result.txt" ]; then
    echo; echo "### Verification (JMH)"; echo; echo '```'; cat "$OUT/jmh/result.txt"; echo '```'
  fi
} >"$OUT/report.md"
cp "$RUN/startup.tsv" "$OUT/startup.tsv"
echo; echo "report: $OUT/report.md"
