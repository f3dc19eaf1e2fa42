#!/bin/sh
# Builds the gateway and the benchmarks, then runs them. Arguments go to JMH, e.g.
#   bench/jmh/run.sh -f 1 -wi 2 -i 3 AccessTokenBenchmark.cold
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./mvnw -q -B install -DskipTests -pl gateway -am
./mvnw -q -B -f bench/jmh/pom.xml package
exec "${JAVA:-java}" -jar bench/jmh/target/benchmarks.jar "$@"
