# Build: docker build -t iris .   Run: docker run -p 8080:8080 -v iris-data:/data iris
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q -ntp -Pimage dependency:go-offline
COPY src src
COPY conf conf
COPY migrations migrations
COPY templates templates
# target/iris-deps.jar: every dependency, shaded and filtered as in iris.jar; the thin jar: Iris's own classes.
RUN mvn -B -q -ntp -Pimage package -DskipTests \
 && mkdir -p /out/lib \
 && mv target/iris-deps.jar /out/lib/iris-deps.jar \
 && mv target/iris-[0-9]*.jar /out/iris.jar

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data --uid 10001 iris && mkdir -p /data /app/conf && chown iris /data
WORKDIR /app
# The dependencies (about 130 MB) in a layer of their own, below Iris's code: a code change re-ships
# only the small jar after it.
COPY --from=build /out/lib /app/lib
COPY conf/iris.yaml /app/conf/iris.yaml
COPY --from=build /out/iris.jar /app/iris.jar
USER iris
# The heap follows the container's memory limit (half of it: the rest is for native memory, the
# embedding model and, without IRIS_DB_URL, the embedded PostgreSQL).
ENV IRIS_DATA_DIR=/data \
    IRIS_CONFIG=/app/conf/iris.yaml \
    IRIS_HTTP_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
VOLUME /data
EXPOSE 8080 5701
# Every node, whatever its roles, serves /health/live on the HTTP port (shell form: the port follows IRIS_HTTP_PORT).
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${IRIS_HTTP_PORT:-8080}/health/live" || exit 1
ENTRYPOINT ["java", "-cp", "/app/iris.jar:/app/lib/*", "iris.Iris"]
