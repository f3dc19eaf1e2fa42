#!/usr/bin/env bash
# Stop what bench/proxy/start.sh (or bench/auth/start.sh) started, by the PIDs in the run dir's
# PID files, and only if each PID is still an nginx, haproxy, java or node (feed stub) process.
#
# Usage: bench/proxy/stop.sh [component ...]
#   default: all: backend nginx haproxy gateway gateway-nocache gateway-revoked floor compare-jars
#   feed feed-revoked peer auth (compare-jars: compare-jars.sh's two gateways, which it stops
#   itself on exit). Stopping a gateway leaves its feed stub running; the stubs also exit by
#   themselves after their lifetime.
# Environment: BENCH_RUN_DIR (default /tmp/portcullis-bench). Idempotent.
set -uo pipefail

RUN="${BENCH_RUN_DIR:-/tmp/portcullis-bench}"
[ -d "$RUN" ] || exit 0
[ $# -gt 0 ] || set -- backend nginx haproxy gateway gateway-nocache gateway-revoked floor compare-jars feed feed-revoked peer auth

for c in "$@"; do
  case "$c" in
    backend) pidfile="$RUN/backend.nginx.pid" ;;
    nginx) pidfile="$RUN/peers.nginx.pid" ;;
    haproxy) pidfile="$RUN/haproxy.pid" ;;
    gateway|gateway-nocache|gateway-revoked|floor|compare-jars|feed|feed-revoked|peer|auth) pidfile="$RUN/$c.pid" ;;
    *) echo "unknown component: $c" >&2; continue ;;
  esac
  [ -f "$pidfile" ] || continue
  while read -r pid; do
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    case "$comm" in nginx|haproxy|java|node) ;; *) continue ;; esac
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    echo "stopped $c ($comm pid $pid)"
  done <"$pidfile"
  rm -f "$pidfile"
done
exit 0
