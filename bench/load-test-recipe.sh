#!/usr/bin/env bash
# The load-test recipe of docs/load-testing.md ("From ./quickstart to a report"), end to end and
# unattended: seed the sessions, start ./quickstart, run the simulation through Gatling, stop
# what it started (by PID), and print one summary: KO count, p50/p99, the refresh outcomes the
# auth service counted, its database pool at its fullest, and the load average before, during
# and after.
#
#   bench/load-test-recipe.sh                      1 000 users, 90 s, 30 s ramp, 30 s access tokens
#   USERS=200 DURATION=30 bench/load-test-recipe.sh
#   RUNS=3 bench/load-test-recipe.sh               three runs one after the other, each freshly seeded
#   PORTCULLIS_DB=postgres PORTCULLIS_DB_USER=postgres bench/load-test-recipe.sh
#                                                  the same on PostgreSQL (127.0.0.1:5432/portcullis)
#
# Each run has its own data directory (a fresh embedded database and secrets) under OUT_DIR
# (load-tests/target/recipe/<time>/run-<n>), with the logs, Gatling's output and summary.txt.
# Ports: those of ./quickstart (8080-8082, 9080-9081); they must be free. Every wait is bounded:
# start-up 600 s (the first start after a build records the class caches), Gatling DURATION +
# RAMP + 300 s. Exit status: 0 when every run had 0 KO.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

USERS="${USERS:-1000}"
DURATION="${DURATION:-90}"
RAMP="${RAMP:-30}"
RATE="${RATE:-1}"
RUNS="${RUNS:-1}"
SIMULATION="${SIMULATION:-BrowsingSimulation}"
export PORTCULLIS_AUTH_ACCESSTOKENTTL="${PORTCULLIS_AUTH_ACCESSTOKENTTL:-30s}"
OUT_DIR="${OUT_DIR:-$ROOT/load-tests/target/recipe/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT_DIR"

for port in 8080 8081 8082 9080 9081; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use: stop what runs there (another ./quickstart?) first" >&2
    exit 1
  fi
done

quickstart_pid=""
sampler_pid=""
stop_started() { # stops ./quickstart (its own trap stops its JVMs) and the sampler, by PID
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""; fi
  if [ -n "$quickstart_pid" ]; then
    kill -TERM "$quickstart_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$quickstart_pid" 2>/dev/null || break; sleep 0.5; done
    # whatever is left of the process group it was started in (setsid): a class-cache recording
    kill -KILL -- "-$quickstart_pid" 2>/dev/null || true
    wait "$quickstart_pid" 2>/dev/null || true
    quickstart_pid=""
  fi
}
trap 'stop_started' EXIT
trap 'stop_started; exit 130' INT TERM

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# Once a second: the 1-minute load average and the auth service's connection pool (acquired,
# pending acquisitions), for the summary's "at its fullest".
sample() { # file
  while :; do
    local metrics
    metrics=$(curl -fs --max-time 2 http://127.0.0.1:9081/actuator/prometheus 2>/dev/null || true)
    printf '%s %s %s %s\n' "$(date +%s)" "$(cut -d' ' -f1 /proc/loadavg)" \
      "$(awk '/^r2dbc_pool_acquired_connections/ {v=$2} END {print v+0}' <<<"$metrics")" \
      "$(awk '/^r2dbc_pool_pending_connections/ {v=$2} END {print v+0}' <<<"$metrics")" >>"$1"
    sleep 1
  done
}

run_once() { # n
  local n=$1 dir="$OUT_DIR/run-$1" started seeded
  mkdir -p "$dir"
  export PORTCULLIS_DATA_DIR="$dir/data"
  echo "== run $n of $RUNS: $SIMULATION, $USERS users, ${DURATION} s, ramp ${RAMP} s, access tokens $PORTCULLIS_AUTH_ACCESSTOKENTTL (load average $(load_average))"
  echo "load_before=$(load_average)" >"$dir/summary.txt"

  seeded=$SECONDS
  ./quickstart seed-sessions --count="$USERS" --out="$dir/sessions.csv" --i-know-this-is-not-production \
    >"$dir/seed.log" 2>&1 || { echo "seeding failed; see $dir/seed.log" >&2; tail -n 20 "$dir/seed.log" >&2; return 1; }

  echo "seed_s=$((SECONDS - seeded))" >>"$dir/summary.txt"
  started=$SECONDS
  QUICKSTART_SKIP_BUILD=1 setsid ./quickstart >"$dir/quickstart.log" 2>&1 &
  quickstart_pid=$!
  until grep -q "Portcullis is running" "$dir/quickstart.log" 2>/dev/null; do
    if ! kill -0 "$quickstart_pid" 2>/dev/null || [ $((SECONDS - started)) -ge 600 ]; then
      echo "./quickstart did not come up; see $dir/quickstart.log and $dir/data/logs" >&2
      tail -n 20 "$dir/quickstart.log" >&2
      return 1
    fi
    sleep 1
  done
  echo "  seeded in $((started - seeded)) s, Portcullis up in $((SECONDS - started)) s"
  echo "up_s=$((SECONDS - started))" >>"$dir/summary.txt"

  sample "$dir/samples.txt" &
  sampler_pid=$!
  local status=0
  timeout $((DURATION + RAMP + 300)) ./mvnw -B -pl load-tests gatling:test -Dsimulation="$SIMULATION" \
    -Dsessions="$dir/sessions.csv" -Dusers="$USERS" -Dduration="$DURATION" -Dramp="$RAMP" -Drate="$RATE" \
    >"$dir/gatling.log" 2>&1 || status=$?
  curl -fs --max-time 5 http://127.0.0.1:9081/actuator/prometheus >"$dir/auth-metrics.txt" 2>/dev/null || true
  stop_started

  summarise "$dir" "$status"
}

summarise() { # dir gatling-status
  local dir=$1 status=$2 global ko p50 p99 requests
  global=$(sed -n '/---- Global Information/,/^====/p' "$dir/gatling.log")
  # Gatling's table: "> request count   |  2,111 |  1,209 |  902" (total, OK, KO); without a
  # single KO it prints "-" in that column
  requests=$(awk -F'|' '/> request count/ {gsub(/[ ,]/, "", $2); print $2}' <<<"$global")
  ko=$(awk -F'|' '/> request count/ {gsub(/[ ,]/, "", $4); print ($4 == "-") ? 0 : $4}' <<<"$global")
  p50=$(awk -F'|' '/> response time 50th percentile/ {gsub(/[ ,]/, "", $2); print $2}' <<<"$global")
  p99=$(awk -F'|' '/> response time 99th percentile/ {gsub(/[ ,]/, "", $2); print $2}' <<<"$global")
  {
    echo "load_during_max=$(awk '{ if ($2 > m) m = $2 } END {print m+0}' "$dir/samples.txt" 2>/dev/null)"
    echo "load_after=$(load_average)"
    echo "gatling_exit=$status"
    echo "requests=${requests:-?}"
    echo "ko=${ko:-?}"
    echo "p50_ms=${p50:-?}"
    echo "p99_ms=${p99:-?}"
    echo "by request (total, OK, KO):"
    # the last of Gatling's progress tables is the final one
    awk '/---- Requests ---/ {table = ""; on = 1; next} /---- Errors ---/ {on = 0} on && /^> / {table = table $0 "\n"}
      END {printf "%s", table}' "$dir/gatling.log" | sed 's/^> /    /; s/   */ /g'
    echo "errors: $(sed -n '/---- Errors ---/,$p' <<<"$global" | grep '^> ' | sed 's/  */ /g' | tr '\n' ';')"
    echo "client: $(grep -h 'Browsing: \|Refresh storm: \|Revocation under load: \|Login storm: ' "$dir/gatling.log" | head -n 1)"
    echo "refreshes (auth service): $(awk -F'[{}"]' '/^portcullis_auth_refreshes_total/ {split($0, v, " "); printf "%s=%d ", $3, v[2]}' "$dir/auth-metrics.txt" 2>/dev/null)"
    echo "answered 503 database unavailable (auth service log): $(grep -c 'Database unavailable' "$dir/data/logs/auth-service.log" 2>/dev/null || true)"
    echo "pool at its fullest: acquired $(awk '{ if ($3 > m) m = $3 } END {print m+0}' "$dir/samples.txt") of $(awk '/^r2dbc_pool_max_allocated_connections/ {print $2+0}' "$dir/auth-metrics.txt" | head -n 1), waiting $(awk '{ if ($4 > m) m = $4 } END {print m+0}' "$dir/samples.txt")"
    echo "report: $(sed -n 's/.*please open the following file: //p' "$dir/gatling.log")"
  } >>"$dir/summary.txt"
  sed 's/^/  /' "$dir/summary.txt"
  [ "${ko:-x}" = "0" ] && [ "$status" = "0" ]
}

failed=0
for n in $(seq 1 "$RUNS"); do
  run_once "$n" || failed=$((failed + 1))
done
echo "== $((RUNS - failed)) of $RUNS runs with 0 KO; results in $OUT_DIR"
[ "$failed" -eq 0 ]
