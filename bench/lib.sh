# Shared helpers for the benchmark scripts (sourced, not run).
#   RUN            run dir holding the PID files (BENCH_RUN_DIR, default /tmp/portcullis-bench)
#   measure_start / measure_stop  bracket a load run; measure_stop prints "other_cpu_pct":
#                  CPU used during the run by processes that are not ours, in % of one core:
#                  the sum of the CPU time (utime+stime) each other process used between the
#                  two snapshots. Ours: the PID files in $RUN and their children, this shell
#                  and its children (the load tool), ksoftirqd (loopback networking done on
#                  behalf of the load), the PostgreSQL backends serving the databases in
#                  BENCH_PG_DBS and BENCH_EXTRA_PIDS. Processes that start and end between the
#                  two snapshots are not seen. Anything above a few % means
#                  something else competed for the CPUs and the run is suspect.
#   rss_kb PID...  resident set size of these processes and their children, KiB
#   wrk_parse F    "req_s p50_ms p99_ms non2xx errors" from wrk --latency output
#   cpu_per_request TICKS F UNIT  CPU ticks spread over the requests wrk output F reports, in
#                  ms (UNIT ms) or µs (UNIT us) per request
RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
HZ="$(getconf CLK_TCK)"

our_pids() { # PIDs in the run dir's PID files, their children, ksoftirqd, this shell
  local masters
  masters="$(cat "$RUN"/*.pid 2>/dev/null | tr -s ' \n' ' ')"
  {
    for p in $masters; do echo "$p"; ps -o pid= --ppid "$p" 2>/dev/null || true; done
    pgrep ksoftirqd || true
    # PostgreSQL backends serving the benchmark databases (BENCH_PG_DBS, space-separated)
    if [ -n "${BENCH_PG_DBS:-}" ]; then
      psql -X -Atqc "SELECT pid FROM pg_stat_activity WHERE datname = ANY (string_to_array('${BENCH_PG_DBS}', ' '))" 2>/dev/null || true
    fi
    for p in ${BENCH_EXTRA_PIDS:-}; do echo "$p"; done
    echo $$
  } | tr -d ' ' | sort -u
}

ticks_of() { # sum of utime+stime of the given PIDs (from stdin)
  local total=0 pid line rest
  while read -r pid; do
    [ -n "$pid" ] || continue
    line="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    rest="${line##*) }"
    set -- $rest
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# CPU ticks of every process that is not ours: "pid ticks" lines
foreign_snapshot() { # $1 = our PIDs (newline separated)
  local ours=" $(tr '\n' ' ' <<<"$1") " f line rest pid
  for f in /proc/[0-9]*/stat; do
    line="$(cat "$f" 2>/dev/null)" || continue
    pid="${line%% *}"
    case "$ours" in *" $pid "*) continue ;; esac
    rest="${line##*) }"
    # shellcheck disable=SC2086
    set -- $rest
    # children of our processes (nginx workers started later, wrk's threads) are ours too
    case "$ours" in *" $2 "*) continue ;; esac
    echo "$pid $((${12} + ${13}))"
  done
}

measure_start() {
  M_PIDS="$(our_pids)"
  M_T0="$(date +%s.%N)"
  M_SNAP="$(foreign_snapshot "$M_PIDS")"
}

measure_stop() { # -> other_cpu_pct (integer, % of one core)
  local t1 snap1
  snap1="$(foreign_snapshot "$M_PIDS")"
  t1="$(date +%s.%N)"
  awk -v t0="$M_T0" -v t1="$t1" -v hz="$HZ" '
    FNR == NR { before[$1] = $2; next }
    { d = $2 - (($1 in before) ? before[$1] : 0); if (d > 0) s += d }
    END { printf "%.0f\n", 100 * s / hz / (t1 - t0) }' <(echo "$M_SNAP") <(echo "$snap1")
}

rss_kb() { # PIDs... -> total RSS KiB of them and their children
  local total=0 p c
  for p in "$@"; do
    for c in "$p" $(ps -o pid= --ppid "$p" 2>/dev/null); do
      total=$((total + $(ps -o rss= -p "$c" 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}

wrk_parse() { # wrk --latency output file -> req_s p50_ms p99_ms non2xx errors
  awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return -1 }
    /^ *50%/ { p50 = ms($2) }
    /^ *99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %d %d\n", rps, p50, p99, non2xx, err }' "$1"
}

cpu_per_request() { # ticks wrk-output-file ms|us -> CPU time per request
  local n
  n="$(awk '/requests in/ { print $1 }' "$2")"
  awk -v d="$1" -v hz="$HZ" -v n="${n:-0}" -v unit="$3" 'BEGIN {
    scale = (unit == "us") ? 1e6 : 1e3
    if (n > 0) printf ((unit == "us") ? "%.1f" : "%.3f"), d * scale / hz / n; else print 0 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
  print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The java binary a variants file names: "java25" is the first JDK 25 under /usr/lib/jvm, anything
# else is taken as it is (jvm-compare.sh, startup/rss.sh, startup/startup.sh)
java_of() { # name-in-file
  if [ "$1" = java25 ]; then ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1; else echo "$1"; fi
}
