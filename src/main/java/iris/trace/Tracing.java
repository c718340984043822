package iris.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node's OpenTelemetry SDK, configured by the standard {@code OTEL_*} variables through the
 * SDK's autoconfigure. Tracing is on only when an OTLP endpoint is set
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}); otherwise
 * no SDK is built at all: no exporter, no span processor thread, no Vert.x tracer.
 *
 * <p>Iris's own defaults, which any variable overrides: OTLP over HTTP with protobuf, service
 * name {@code iris}, and traces only (Iris's metrics are Prometheus's, its logs are stdout's).
 * URLs lose their query strings before export ({@link UrlQueries}): a Teams URL's is its secret.
 */
public final class Tracing implements AutoCloseable {
  private static final Tracing OFF = new Tracing(null, "");
  private static final Map<String, String> DEFAULTS = Map.of(
      "otel.exporter.otlp.protocol", "http/protobuf",
      "otel.service.name", "iris",
      "otel.metrics.exporter", "none",
      "otel.logs.exporter", "none");

  private final OpenTelemetrySdk sdk;
  private final String endpoint;

  private Tracing(OpenTelemetrySdk sdk, String endpoint) {
    this.sdk = sdk;
    this.endpoint = endpoint;
  }

  /** From the environment ({@code OTEL_*} entries of {@code env}; others are ignored). */
  public static Tracing from(Map<String, String> env) {
    String endpoint = firstSet(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT");
    if (endpoint.isEmpty() || "true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").strip())
        || "none".equalsIgnoreCase(env.getOrDefault("OTEL_TRACES_EXPORTER", "").strip())) {
      return OFF;
    }
    Map<String, String> given = properties(env);
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> DEFAULTS)
        // The map handed in wins over the process's own variables (the same map, but for tests).
        .addPropertiesCustomizer(config -> given)
        .addTracerProviderCustomizer((provider, config) -> provider.addSpanProcessor(new UrlQueries()))
        .disableShutdownHook() // IrisApp.close flushes the last spans after the verticles stopped
        .build()
        .getOpenTelemetrySdk();
    return new Tracing(sdk, endpoint);
  }

  /** OTEL_EXPORTER_OTLP_ENDPOINT → otel.exporter.otlp.endpoint, as the SDK maps variables. */
  static Map<String, String> properties(Map<String, String> env) {
    Map<String, String> out = new HashMap<>();
    env.forEach((name, value) -> {
      if (name.startsWith("OTEL_") && value != null) {
        out.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    return out;
  }

  private static String firstSet(Map<String, String> env, String... names) {
    for (String name : names) {
      String value = env.getOrDefault(name, "").strip();
      if (!value.isEmpty()) {
        return value;
      }
    }
    return "";
  }

  public boolean enabled() {
    return sdk != null;
  }

  /** The SDK, or the no-op API when tracing is off. */
  public OpenTelemetry openTelemetry() {
    return sdk == null ? OpenTelemetry.noop() : sdk;
  }

  /**
   * Gives Vert.x a tracer built on this SDK (server spans for HTTP, client spans for the web and
   * PostgreSQL clients, the event bus); with tracing off, nothing: Vert.x then has no tracer.
   */
  public VertxBuilder configure(VertxOptions options, VertxBuilder builder) {
    if (sdk == null) {
      return builder;
    }
    options.setTracingOptions(new OpenTelemetryOptions());
    return builder.withTracer(new OpenTelemetryTracingFactory(sdk));
  }

  /** For the start-up log line. */
  public String describe() {
    return sdk == null ? "off (no OTEL_EXPORTER_OTLP_ENDPOINT)" : "OTLP to " + endpoint;
  }

  /** Sends what is still buffered and stops the SDK's thread. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
