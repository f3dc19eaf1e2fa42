#!/usr/bin/env bash
# Start-up time of the gateway (and optionally the auth service) under different JVMs and class
# caches: launch -> first proxied 200 with the valid bench cookie (so the JWK Set has been fetched
# and the protected route works), then -> readiness reporting the revocation feed connected.
# Variants are run in N interleaved rounds; medians are printed.
#
# Usage: bench/startup/startup.sh [-n rounds] [-f variants-file] [-a] [-A] [-G]
#   -n rounds   default 5
#   -f file     one "name|java binary|JVM options|mode" a line (# comments; "java25" is the
#               first JDK 25 under /usr/lib/jvm). mode:
#                 jar        java -jar the fat jar, as shipped before
#                 extracted  the jar extracted by `java -Djarmode=tools -jar app.jar extract`
#                 cds        extracted + AppCDS archive from a training run
#                            (-XX:ArchiveClassesAtExit, -Dspring.context.exit=onRefresh),
#                            then -XX:SharedArchiveFile
#                 aot        extracted + JDK 25 AOT cache (JEP 483/514/515) from a training run
#                            (-XX:AOTCacheOutput, -Dspring.context.exit=onRefresh), then -XX:AOTCache
#                 cds-warm / aot-warm  the same, but the training run starts fully, serves 200
#                            proxied requests and is stopped with SIGTERM (the cache is written at exit)
#               The options of a line are used for its training run too.
#               Default: JDK 17 and (if found under /usr/lib/jvm) JDK 25, plain and with their cache,
#               with the memory settings shipped in ./quickstart.
#   -a          also the auth service (launch -> 200 from /.well-known/jwks.json) on embedded H2
#               and on PostgreSQL (a fresh database each launch), same variants
#   -A          only the auth service
# Needs bench/proxy/start.sh backend (nginx upstream 9100 + JWK Set 9101) and starts the empty
# revocation feed stub (start.sh feed, 9308) if it is not running. Ports: gateway 9360/9361,
# auth service 9362/9363, all on 127.0.0.1. Environment: BENCH_RUN_DIR (default
# /tmp/portcullis-bench), GATEWAY_JAR, AUTH_JAR, PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres).
# Output: per launch a line (also the JVM's CPU time until the first 200: steadier than the wall
# time on shared cores), then a markdown table of medians; raw figures in
# $RUN/startup-<time>.tsv; caches and extracted jars under $RUN/startup-cache/.
# Every wait is bounded (120 s), every process is stopped by its PID.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
# shellcheck source=../lib.sh
. "$HERE/../lib.sh"
ROUNDS=5 VARIANTS_FILE="" AUTH=0 GATEWAY=1
while getopts "n:f:aAh" opt; do
  case "$opt" in
    n) ROUNDS="$OPTARG" ;; f) VARIANTS_FILE="$OPTARG" ;; a) AUTH=1 ;; A) AUTH=1 GATEWAY=0 ;;
    *) sed -n '2,34p' "$0"; exit 2 ;;
  esac
done
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
GW_JAR="${GATEWAY_JAR:-$(ls "$ROOT"/gateway/target/portcullis-gateway-*-exec.jar 2>/dev/null | head -n 1)}"
AUTH_JAR="${AUTH_JAR:-$(ls "$ROOT"/auth-service/target/portcullis-auth-service-*-exec.jar 2>/dev/null | head -n 1)}"
[ "$GATEWAY" = 0 ] || [ -f "$GW_JAR" ] || { echo "gateway jar not found: build it first (see bench/README.md)" >&2; exit 1; }
[ "$AUTH" = 0 ] || [ -f "$AUTH_JAR" ] || { echo "auth service jar not found: build it first" >&2; exit 1; }
for p in 9360 9361 9362 9363; do
  [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] || { echo "port $p in use" >&2; exit 1; }
done
if [ "$GATEWAY" = 1 ]; then
  [ -s "$RUN/token.txt" ] || { echo "no $RUN/token.txt: run bench/proxy/start.sh backend first" >&2; exit 1; }
  curl -sf -m 2 -o /dev/null http://127.0.0.1:9101/jwks.json || { echo "backend not running: bench/proxy/start.sh backend" >&2; exit 1; }
  if [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:9308/internal/revocations || true)" != 401 ]; then
    "$HERE/../proxy/start.sh" feed
  fi
  COOKIE="Cookie: __Host-access_token=$(cat "$RUN/token.txt")"
fi

# The memory settings ./quickstart ships (keep in step with it)
MEM17="-XX:+UseParallelGC -Xms256m -Xmx256m"
MEM25="$MEM17 --enable-native-access=ALL-UNNAMED"
variants=()
if [ -n "$VARIANTS_FILE" ]; then
  while IFS= read -r line; do [ -n "$line" ] && [ "${line:0:1}" != "#" ] && variants+=("$line"); done <"$VARIANTS_FILE"
else
  variants+=("jdk17-jar|java|$MEM17|jar" "jdk17-cds|java|$MEM17|cds")
  jdk25="$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -n 1 || true)"
  if [ -n "$jdk25" ] && [ -x "$jdk25/bin/java" ]; then
    variants+=("jdk25-jar|$jdk25/bin/java|$MEM25|jar" "jdk25-aot|$jdk25/bin/java|$MEM25|aot")
  fi
fi

CACHE="$RUN/startup-cache"
mkdir -p "$CACHE"
ms_now() { date +%s%3N; }
PID=""
stop_pid() { # [tenths of s to wait, default 150] stop $PID (ours) with SIGTERM, bounded, then KILL
  [ -n "$PID" ] || return 0
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 "${1:-150}"); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
}
trap 'stop_pid' EXIT

# args for each app (on the bench's own ports)
GW_ARGS=(--spring.config.additional-location="file:$ROOT/bench/proxy/conf/gateway.yml"
         --server.port=9360 --management.server.port=9361
         --portcullis.gateway.revocation.feed-uri=http://127.0.0.1:9308/internal/revocations)
AUTH_COMMON=(--server.port=9362 --server.address=127.0.0.1 --management.server.port=9363
             --management.server.address=127.0.0.1
             --portcullis.auth.master-secret=bench-master-secret-not-for-production-0123456789
             --portcullis.feed-secret=bench-feed-secret-not-for-production-0123456789)
AUTH_DB=portcullis_startup
auth_args() { # h2|pg -> AUTH_ARGS (and a fresh database)
  if [ "$1" = h2 ]; then
    rm -rf "$CACHE/h2-data"; mkdir -p "$CACHE/h2-data"
    AUTH_ARGS=("${AUTH_COMMON[@]}" --spring.profiles.active=embedded --portcullis.data-dir="$CACHE/h2-data")
  else
    dropdb --if-exists "$AUTH_DB" >/dev/null; createdb "$AUTH_DB"
    AUTH_ARGS=("${AUTH_COMMON[@]}" --spring.r2dbc.url="r2dbc:postgresql://$PGHOST:$PGPORT/$AUTH_DB"
               --spring.r2dbc.username="$PGUSER" --spring.flyway.url="jdbc:postgresql://$PGHOST:$PGPORT/$AUTH_DB")
  fi
}

wait_200() { # url [curl args] -> 0 once 200, 1 if $PID died or 120 s passed
  local url="$1"; shift
  local deadline=$((SECONDS + 120))
  until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$@" "$url" || true)" = 200 ]; do
    kill -0 "$PID" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}
wait_feed() { # gateway readiness: revocation feed connected
  local deadline=$((SECONDS + 120)) body
  until body="$(curl -s -m 2 http://127.0.0.1:9361/actuator/health/readiness || true)"; grep -q '"connected":true' <<<"$body"; do
    kill -0 "$PID" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}

# CPU time (user + system) the launched JVM has used so far, ms: steadier than wall time when
# other processes share the cores
cpu_ms() { echo $(( $(echo "$PID" | ticks_of) * 1000 / HZ )); }

# the jar each app runs in a variant's mode: the fat jar or its extracted layout (one per jar)
app_jar() { # app mode -> path
  local jar; jar="$([ "$1" = gateway ] && echo "$GW_JAR" || echo "$AUTH_JAR")"
  if [ "$2" = jar ]; then echo "$jar"; return; fi
  local dir="$CACHE/$1-extracted"
  if [ ! -f "$dir/.stamp" ] || [ "$(cat "$dir/.stamp")" != "$(stat -c '%s %Y' "$jar")" ]; then
    rm -rf "$dir"
    java -Djarmode=tools -jar "$jar" extract --destination "$dir" >/dev/null
    stat -c '%s %Y' "$jar" >"$dir/.stamp"
  fi
  echo "$dir/$(basename "$jar")"
}

launch() { # app java opts jar args... (sets PID)
  local app="$1" java="$2" opts="$3" jar="$4"; shift 4
  # shellcheck disable=SC2086
  "$java" $opts -jar "$jar" "$@" >>"$RUN/startup-$app.log" 2>&1 &
  PID=$!
}

# training run: writes the cache of a variant for one app; prints the training time
train() { # app name java opts mode jar
  local app="$1" name="$2" java="$3" opts="$4" mode="$5" jar="$6" file flag t0
  case "$mode" in
    cds|cds-warm) file="$CACHE/$app-$name.jsa"; flag="-XX:ArchiveClassesAtExit=$file" ;;
    aot|aot-warm) file="$CACHE/$app-$name.aot"; flag="-XX:AOTCacheOutput=$file" ;;
    *) return 0 ;;
  esac
  rm -f "$file"
  t0=$(ms_now)
  if [ "$app" = auth ]; then auth_args pg; fi
  case "$mode" in
    cds|aot)
      if [ "$app" = gateway ]; then args=("${GW_ARGS[@]}"); else args=("${AUTH_ARGS[@]}"); fi
      # shellcheck disable=SC2086
      timeout 300 "$java" $opts "$flag" -Dspring.context.exit=onRefresh -jar "$jar" "${args[@]}" \
        >>"$RUN/startup-train.log" 2>&1 || true ;;
    *-warm)
      if [ "$app" = gateway ]; then
        launch gateway "$java" "$opts $flag" "$jar" "${GW_ARGS[@]}"
        wait_200 http://127.0.0.1:9360/api/ -H "$COOKIE" || true
        for _ in $(seq 1 200); do curl -s -o /dev/null -H "$COOKIE" http://127.0.0.1:9360/api/ || true; done
      else
        launch auth "$java" "$opts $flag" "$jar" "${AUTH_ARGS[@]}"
        wait_200 http://127.0.0.1:9362/.well-known/jwks.json || true
        for _ in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:9362/.well-known/jwks.json || true; done
      fi
      stop_pid 3000 ;; # the cache is written at exit: up to 300 s under load
  esac
  [ -s "$file" ] || { echo "  $app $name: no cache written; see $RUN/startup-train.log" >&2; return 1; }
  echo "  $app $name: cache $(du -h "$file" | cut -f1) in $(( $(ms_now) - t0 )) ms"
}

run_opts() { # app name opts mode -> JVM options of a measured launch
  case "$4" in
    cds|cds-warm) echo "$3 -XX:SharedArchiveFile=$CACHE/$1-$2.jsa" ;;
    aot|aot-warm) echo "$3 -XX:AOTCache=$CACHE/$1-$2.aot" ;;
    *) echo "$3" ;;
  esac
}

apps=()
[ "$GATEWAY" = 1 ] && apps+=(gateway)
[ "$AUTH" = 1 ] && apps+=(auth-h2 auth-pg)
declare -A JAR OPTS
echo "preparing variants (extracting jars, training runs)"
for v in "${variants[@]}"; do
  IFS='|' read -r name java opts mode <<<"$v"
  java="$(java_of "$java")"
  for app in gateway auth; do
    if [ "$app" = gateway ] && [ "$GATEWAY" = 0 ]; then continue; fi
    if [ "$app" = auth ] && [ "$AUTH" = 0 ]; then continue; fi
    JAR[$app/$name]="$(app_jar "$app" "$mode")"
    train "$app" "$name" "$java" "$opts" "$mode" "${JAR[$app/$name]}" || true
    OPTS[$app/$name]="$(run_opts "$app" "$name" "$opts" "$mode")"
  done
done

TSV="$RUN/startup-$(date +%Y%m%d-%H%M%S).tsv"
printf 'round\tapp\tvariant\tfirst_200_ms\tready_ms\trss_kb\tcpu_ms\n' >"$TSV"
for r in $(seq 1 "$ROUNDS"); do
  for v in "${variants[@]}"; do
    IFS='|' read -r name java _ _ <<<"$v"
    java="$(java_of "$java")"
    for app in "${apps[@]}"; do
      ready="-" cpu="-"
      case "$app" in
        gateway)
          t0=$(ms_now)
          launch gateway "$java" "${OPTS[gateway/$name]}" "${JAR[gateway/$name]}" "${GW_ARGS[@]}"
          if wait_200 http://127.0.0.1:9360/api/ -H "$COOKIE"; then
            first=$(( $(ms_now) - t0 )); cpu=$(cpu_ms)
            wait_feed && ready=$(( $(ms_now) - t0 ))
          else first="failed"; fi ;;
        auth-h2|auth-pg)
          auth_args "${app#auth-}"
          t0=$(ms_now)
          launch auth "$java" "${OPTS[auth/$name]}" "${JAR[auth/$name]}" "${AUTH_ARGS[@]}"
          if wait_200 http://127.0.0.1:9362/.well-known/jwks.json; then first=$(( $(ms_now) - t0 )); cpu=$(cpu_ms); else first="failed"; fi ;;
      esac
      rss="$(rss_kb "$PID")"
      stop_pid
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$app" "$name" "$first" "$ready" "$rss" "$cpu" | tee -a "$TSV"
    done
  done
done
[ "$AUTH" = 0 ] || dropdb --if-exists "$AUTH_DB" >/dev/null || true
echo
echo "| app | variant | launch -> first 200, ms (median of $ROUNDS) | -> feed connected, ms | CPU until first 200, ms | RSS after start, MiB |"
echo "|---|---|---:|---:|---:|---:|"
for app in "${apps[@]}"; do
  for v in "${variants[@]}"; do
    IFS='|' read -r name _ _ _ <<<"$v"
    f="$(awk -F'\t' -v a="$app" -v n="$name" '$2 == a && $3 == n && $4 ~ /^[0-9]+$/ { print $4 }' "$TSV" | median)"
    rd="$(awk -F'\t' -v a="$app" -v n="$name" '$2 == a && $3 == n && $5 ~ /^[0-9]+$/ { print $5 }' "$TSV" | median)"
    rss="$(awk -F'\t' -v a="$app" -v n="$name" '$2 == a && $3 == n { print $6 }' "$TSV" | median)"
    cpu="$(awk -F'\t' -v a="$app" -v n="$name" '$2 == a && $3 == n && $7 ~ /^[0-9]+$/ { print $7 }' "$TSV" | median)"
    echo "| $app | $name | $f | $rd | $cpu | $(awk -v k="$rss" 'BEGIN { if (k == "-") print "-"; else printf "%.0f", k / 1024 }') |"
  done
done
echo "raw: $TSV"
