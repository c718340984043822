package iris.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;

/**
 * An OTLP/HTTP trace receiver on a loopback port: {@code POST /v1/traces} with a protobuf
 * {@code ExportTraceServiceRequest}, decoded with the OpenTelemetry proto classes, answered as a
 * collector does. Every span is kept with its resource's service name.
 */
public final class FakeOtlp implements AutoCloseable {
  /** One received span, ids as lowercase hex ("" for a root's parent). */
  public record Received(String service, String scope, String traceId, String spanId, String parentId, String name,
                         Span.SpanKind kind, Map<String, String> attributes, int links) {
    /** One line: name, kind, and each attribute's value cut to its first line and 50 characters. */
    public String describe() {
      StringBuilder out = new StringBuilder(name).append(" [").append(kind.name().replace("SPAN_KIND_", "").toLowerCase()).append(']');
      new java.util.TreeMap<>(attributes).forEach((key, value) -> {
        String line = value.lines().findFirst().orElse("");
        out.append(' ').append(key).append('=').append(line.length() > 50 ? line.substring(0, 50) + "…" : line);
      });
      return out.toString();
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Replies.threads("fake-otlp");
  private final List<Received> spans = new CopyOnWriteArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();

  public FakeOtlp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT: the exporter adds /v1/traces. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Received> spans() {
    return List.copyOf(spans);
  }

  /** Requests that were not a protobuf export to /v1/traces. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (!"POST".equals(exchange.getRequestMethod()) || !"/v1/traces".equals(exchange.getRequestURI().getPath())
        || !"application/x-protobuf".equals(type)) {
      problems.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + type);
      Replies.send(exchange, 404, Map.of(), null, null);
      return;
    }
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
    for (ResourceSpans resource : request.getResourceSpansList()) {
      String service = attributes(resource.getResource().getAttributesList()).getOrDefault("service.name", "");
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          spans.add(new Received(service, scope.getScope().getName(), hex(span.getTraceId().toByteArray()),
              hex(span.getSpanId().toByteArray()), hex(span.getParentSpanId().toByteArray()), span.getName(),
              span.getKind(), attributes(span.getAttributesList()), span.getLinksCount()));
        }
      }
    }
    byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
    if (answer.length > 0) {
      exchange.getResponseBody().write(answer);
    }
    exchange.close();
  }

  private static Map<String, String> attributes(List<KeyValue> list) {
    return list.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv.getValue()), (a, b) -> b));
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
