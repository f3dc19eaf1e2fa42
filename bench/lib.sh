# Shared helpers for the benchmark scripts (sourced, not run).
#   RUN            run dir holding the PID files (BENCH_RUN_DIR, default /tmp/portcullis-bench)
#   measure_start / measure_stop  bracket a load run; measure_stop prints "other_cpu_pct":
#                  CPU used during the run by processes that are not ours, in % of one core:
#                  all busy CPU time of the machine (/proc/stat user+nice+system) minus the
#                  time of our servers (PID files in $RUN and their children), of the load tools
#                  this shell ran (bash `times`), of this shell, of ksoftirqd (loopback
#                  networking done on behalf of the load) and of the PostgreSQL backends
#                  serving the databases in BENCH_PG_DBS (connected when the run starts). Anything above a few % means
#                  something else competed for the CPUs and the run is suspect.
#   rss_kb PID...  resident set size of these processes and their children, KiB
#   wrk_parse F    "req_s p50_ms p99_ms non2xx errors" from wrk --latency output
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
    line="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    rest="${line##*) }"
    set -- $rest
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

machine_busy() { awk '/^cpu / { print $2 + $3 + $4 }' /proc/stat; }

children_ticks() { # user+sys of waited-for children of this shell, in ticks
  times | awk -v hz="$HZ" 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }'
}

measure_start() {
  M_PIDS="$(our_pids)"
  M_T0="$(date +%s.%N)"; M_BUSY0="$(machine_busy)"; M_OURS0="$(ticks_of <<<"$M_PIDS")"; M_KIDS0="$(children_ticks)"
}

measure_stop() { # -> other_cpu_pct (integer, % of one core)
  local t1 busy1 ours1 kids1
  t1="$(date +%s.%N)"; busy1="$(machine_busy)"; ours1="$(ticks_of <<<"$M_PIDS")"; kids1="$(children_ticks)"
  awk -v t0="$M_T0" -v t1="$t1" -v b="$((busy1 - M_BUSY0))" -v o="$((ours1 - M_OURS0))" \
      -v k="$((kids1 - M_KIDS0))" -v hz="$HZ" 'BEGIN {
    other = (b - o - k) / hz; if (other < 0) other = 0
    printf "%.0f\n", 100 * other / (t1 - t0) }'
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

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
  print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
