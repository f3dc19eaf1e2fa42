#!/bin/sh
# Measures proxy throughput with wrk against an nginx upstream answering a fixed 200, all on
# 127.0.0.1: the shipped settings ("tuned") against Spring Cloud Gateway defaults, on $JAVA.
# Needs wrk and nginx (apt-get install -y wrk nginx). Uses ports 18080-18082 and 19080.
#   gateway/perf/wrk.sh            # JAVA=/path/to/java to pick the JDK
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
perf="$root/gateway/perf"
JAVA="${JAVA:-java}"
work="$(mktemp -d)"
chmod 755 "$work"   # nginx workers run unprivileged and serve the JWKS from here
mkdir -p "$work/www/.well-known"

cd "$root"
./mvnw -q -B package -DskipTests -pl gateway
./mvnw -q -B -pl gateway dependency:build-classpath -Dmdep.outputFile="$work/cp.txt"
java -cp "$(cat "$work/cp.txt")" "$perf/GenToken.java" "$work"
token="$(cat "$work/token.txt")"

sed "s|@WORK@|$work|g" "$perf/nginx.conf" > "$work/nginx.conf"
nginx -c "$work/nginx.conf"
trap 'kill "$(cat "$work/nginx.pid")"' EXIT

measure() {
	label=$1; url=$2; shift 2
	PORTCULLIS_GATEWAY_PORT=18080 PORTCULLIS_MANAGEMENT_PORT=19080 \
	PORTCULLIS_JWKS_URI=http://127.0.0.1:18081/.well-known/jwks.json \
	PORTCULLIS_AUTH_URI=http://127.0.0.1:18082 PORTCULLIS_UPSTREAM_URI=http://127.0.0.1:18082 \
		"$JAVA" -jar gateway/target/portcullis-gateway-*-exec.jar "$@" > "$work/gateway-$label.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 120); do
		curl -fs -o /dev/null http://127.0.0.1:19080/actuator/health/readiness && break
		sleep 0.5
	done
	status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: __Host-access_token=$token" "$url")
	[ "$status" = 200 ] || { echo "$label: probe answered $status, see $work/gateway-$label.log"; kill "$pid"; exit 1; }
	wrk -t2 -c64 -d8s -H "Cookie: __Host-access_token=$token" "$url" > /dev/null
	printf '%-10s ' "$label"
	wrk -t2 -c64 -d10s -H "Cookie: __Host-access_token=$token" "$url" | grep -E 'Requests/sec|Non-2xx' | tr '\n' ' '
	echo
	kill "$pid"
	wait "$pid" || true
}

printf '%-10s ' nginx; wrk -t2 -c64 -d10s http://127.0.0.1:18082/ | grep 'Requests/sec'
measure defaults http://127.0.0.1:18080/api/ --spring.config.location="file:$perf/defaults.yml"
measure tuned http://127.0.0.1:18080/api/
measure public http://127.0.0.1:18080/auth/
