# Build: docker build -t iris .   Run: docker run -p 8080:8080 -v iris-data:/data iris
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q -ntp dependency:go-offline
COPY src src
COPY conf conf
COPY migrations migrations
COPY templates templates
RUN mvn -B -q -ntp package -DskipTests

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data --uid 10001 iris && mkdir -p /data /app/conf && chown iris /data
WORKDIR /app
COPY --from=build /src/target/iris.jar /app/iris.jar
COPY conf/iris.yaml /app/conf/iris.yaml
USER iris
ENV IRIS_DATA_DIR=/data \
    IRIS_CONFIG=/app/conf/iris.yaml \
    IRIS_HTTP_PORT=8080 \
    JAVA_TOOL_OPTIONS="-Xmx256m -XX:+ExitOnOutOfMemoryError"
VOLUME /data
EXPOSE 8080 5701
# Every node, whatever its roles, serves /health/live on the HTTP port (shell form: the port follows IRIS_HTTP_PORT).
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${IRIS_HTTP_PORT:-8080}/health/live" || exit 1
ENTRYPOINT ["java", "-jar", "/app/iris.jar"]
