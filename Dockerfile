# One image recipe for the three apps: docker build --build-arg MODULE=gateway -t portcullis-gateway .
# MODULE is auth-service, gateway or sample-upstream.
FROM eclipse-temurin:17-jdk AS build
ARG MODULE
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY contract contract
COPY test-support test-support
COPY auth-service auth-service
COPY gateway gateway
COPY sample-upstream sample-upstream
COPY load-tests/pom.xml load-tests/pom.xml
COPY e2e/pom.xml e2e/pom.xml
RUN --mount=type=cache,target=/root/.m2 ./mvnw -q -B -DskipTests package -pl ${MODULE} -am \
 && cp ${MODULE}/target/*-exec.jar /app.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 portcullis
USER portcullis
WORKDIR /app
COPY --from=build /app.jar /app/app.jar
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar"]
