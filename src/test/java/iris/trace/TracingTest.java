package iris.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {
  @Test
  void offWithoutAnEndpointOrWhenDisabled() {
    assertFalse(Tracing.from(Map.of()).enabled());
    assertFalse(Tracing.from(Map.of("OTEL_SERVICE_NAME", "iris", "OTEL_EXPORTER_OTLP_ENDPOINT", " ")).enabled());
    assertFalse(Tracing.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_SDK_DISABLED", "true")).enabled());
    assertFalse(Tracing.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER", "none")).enabled());
    assertTrue(Tracing.from(Map.of()).describe().startsWith("off"));
  }

  @Test
  void onWithAnEndpoint() {
    try (Tracing tracing = Tracing.from(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:9/v1/traces"))) {
      assertTrue(tracing.enabled());
      assertEquals("OTLP to http://127.0.0.1:9/v1/traces", tracing.describe());
    }
  }

  @Test
  void variablesBecomeTheSdksPropertiesAndNothingElseDoes() {
    assertEquals(Map.of("otel.exporter.otlp.endpoint", "http://x:4318", "otel.service.name", "iris-a"),
        Tracing.properties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://x:4318", "OTEL_SERVICE_NAME", "iris-a",
            "IRIS_DB_URL", "postgresql://secret@db/iris", "PATH", "/bin")));
  }

  @Test
  void urlsKeepSchemeHostAndPathOnly() {
    AttributeKey<String> full = AttributeKey.stringKey("url.full");
    assertEquals("https://x.logic.azure.com/workflows/abc/triggers/manual/paths/invoke",
        UrlQueries.withoutQuery(full, "https://x.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=SECRET"));
    assertEquals("http://h/p", UrlQueries.withoutQuery(full, "http://h/p#frag?x"));
    assertEquals("http://h/p", UrlQueries.withoutQuery(full, "http://h/p"));
    assertEquals("", UrlQueries.withoutQuery(AttributeKey.stringKey("url.query"), "sig=SECRET"));
  }

  @Test
  void aStoredTraceParentComesBackAsItsContext() {
    assertFalse(io.opentelemetry.api.trace.Span.fromContext(Traces.fromParent(null)).getSpanContext().isValid());
    assertFalse(io.opentelemetry.api.trace.Span.fromContext(Traces.fromParent("garbage")).getSpanContext().isValid());
    Context context = Traces.fromParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    var span = io.opentelemetry.api.trace.Span.fromContext(context).getSpanContext();
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", span.getTraceId());
    assertEquals("00f067aa0ba902b7", span.getSpanId());
    assertNull(Traces.currentParent(), "tracing is off in this JVM");
  }
}
