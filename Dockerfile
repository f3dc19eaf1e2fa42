# One image recipe for the three apps: docker build --build-arg MODULE=gateway -t portcullis-gateway .
# MODULE is auth-service, gateway or sample-upstream.
# The build context is what .dockerignore lets through: the sources and the Maven wrapper, never
# data/ (the quickstart's master secret and sessions), target/ or an .env file.
ARG MODULE
FROM eclipse-temurin:17-jdk AS build
ARG MODULE
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY contract contract
COPY test-support test-support
COPY server-support server-support
COPY auth-service auth-service
COPY gateway-spring-boot-autoconfigure gateway-spring-boot-autoconfigure
COPY gateway-spring-boot-starter gateway-spring-boot-starter
COPY gateway gateway
COPY sample-upstream sample-upstream
COPY load-test-seeder/pom.xml load-test-seeder/pom.xml
COPY load-tests/pom.xml load-tests/pom.xml
COPY e2e/pom.xml e2e/pom.xml
COPY e2e/team-gateway/pom.xml e2e/team-gateway/pom.xml
COPY deploy/pom.xml deploy/pom.xml
RUN --mount=type=cache,target=/root/.m2 ./mvnw -q -B -DskipTests package -pl ${MODULE} -am \
 && cp ${MODULE}/target/*-exec.jar /app.jar

# The Java 17 bytecode runs on the Java 25 runtime: faster (bench/README.md) and it has the AOT
# cache (JEP 483/514/515). The app is extracted (Spring Boot's jarmode tools) and started once
# with -Dspring.context.exit=onRefresh to record /app/app.aot; the container starts from it.
FROM eclipse-temurin:25-jre AS runtime
ARG MODULE
RUN useradd --system --uid 10001 portcullis
WORKDIR /app
COPY --from=build /app.jar /tmp/app.jar
# Default JVM options per app (ParallelGC, fixed heaps: the gateway stays under 256 MiB resident
# under load, the auth service under 400 MiB on 2 cores); JAVA_OPTS replaces them at run time.
# The auth service's heap (@HEAP@) grows with the cores, as its Argon2id pool does (one thread
# per core, 19 MiB each, alive across young collections): a young generation (@YOUNG@) of 60 MiB
# per core whose survivor spaces hold the hashes in flight, plus 40 MiB of old, at least 160 MiB
# (bench/README.md); it starts from the jar's
# Spring AOT code (process-aot), or without it when a setting AOT froze differs (auth-service/README.md). The training
# run uses the same options, with throwaway secrets and, for the auth service, an embedded
# database in a temporary directory: only the classes it loads matter. -XX:+ExitOnOutOfMemoryError:
# a process out of heap exits for the orchestrator to restart instead of limping on in full GCs.
RUN set -e; \
    case "${MODULE}" in \
      gateway) opts="-XX:+UseParallelGC -Xss512k -Xms96m -Xmx96m -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -XX:MaxDirectMemorySize=64m" ;; \
      auth-service) opts="-XX:+UseParallelGC -Xss512k -Xms@HEAP@m -Xmx@HEAP@m -Xmn@YOUNG@m -XX:SurvivorRatio=1 -XX:-UseAdaptiveSizePolicy -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=160m -XX:MaxDirectMemorySize=64m -Dspring.aot.enabled=true" ;; \
      *) opts="-XX:+UseParallelGC -Xss512k -Xms64m -Xmx64m -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=128m" ;; \
    esac; \
    java -Djarmode=tools -jar /tmp/app.jar extract --destination /app; \
    echo "$opts -XX:+UseCompactObjectHeaders -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED" > /app/jvm.options; \
    rm /tmp/app.jar; \
    train=$(mktemp -d); \
    PORTCULLIS_FEED_SECRET=training-only-feed-secret-0123456789abcdef \
    PORTCULLIS_AUTH_MASTER_SECRET=training-only-master-secret-0123456789abcdef \
    PORTCULLIS_DATA_DIR="$train" \
      timeout 600 java $(sed -e s/@HEAP@/160/g -e s/@YOUNG@/120/g /app/jvm.options) -XX:AOTCacheOutput=/app/app.aot -Dspring.context.exit=onRefresh \
        -jar /app/app.jar $([ "${MODULE}" = auth-service ] && echo --spring.profiles.active=embedded) \
      || echo "AOT cache training failed: the app starts without it"; \
    rm -rf "$train"; \
    chmod -R a+rX /app
# numeric, so that Kubernetes' runAsNonRoot can check it (deploy/kubernetes runs as 10001 too)
USER 10001
ENV JAVA_OPTS=""
# two glibc malloc arenas instead of eight per core: ~15 MiB less resident per JVM
ENV MALLOC_ARENA_MAX=2
# JAVA_OPTS replaces /app/jvm.options; -XX:AOTCache falls back to a normal start (with a
# warning) if the cache does not match, e.g. when JAVA_OPTS selects another collector.
# The cores the heap is sized for are the JVM's: nproc, or fewer under a CPU limit (the cgroup's
# quota, rounded up, as the JVM counts it), so a pod limited to 2 CPUs on a 64-core node gets the
# 160 MiB heap its memory limit was sized for.
ENTRYPOINT ["sh", "-c", "c=$(nproc); q=max; [ -r /sys/fs/cgroup/cpu.max ] && read q p < /sys/fs/cgroup/cpu.max; [ \"$q\" != max ] && [ $(((q + p - 1) / p)) -lt $c ] && c=$(((q + p - 1) / p)); h=$((40 + 60 * c)); [ $h -ge 160 ] || h=160; exec java ${JAVA_OPTS:-$(sed -e s/@HEAP@/$h/g -e s/@YOUNG@/$((h - 40))/g /app/jvm.options)} $([ -s /app/app.aot ] && echo -XX:AOTCache=/app/app.aot) -jar /app/app.jar"]

# One final stage per app: the port it serves (EXPOSE) and a health check on its management port.
# The management ports (gateway 9080, auth service 9081) are left out of EXPOSE on purpose: they
# must never be published (`docker run -P` publishes every EXPOSEd port). The checks ask the
# management port on loopback, where it listens by default.
FROM runtime AS app-gateway
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORTCULLIS_MANAGEMENT_PORT:-9080} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '^HTTP/1.[01] 200' <&3"]

FROM runtime AS app-auth-service
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORTCULLIS_AUTH_MANAGEMENT_PORT:-9081} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '^HTTP/1.[01] 200' <&3"]

FROM runtime AS app-sample-upstream
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORTCULLIS_UPSTREAM_PORT:-8082}"]

FROM app-${MODULE}
