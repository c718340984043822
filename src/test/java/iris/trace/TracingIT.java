package iris.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.vertx.core.internal.VertxInternal;
import iris.testing.FakeOtlp;
import iris.testing.FakeOtlp.Received;
import iris.testing.FakeTeams;
import iris.testing.Payloads;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One alert group, traced from the webhook to Teams: a local OTLP/HTTP receiver decodes what the
 * SDK exports and the test walks the span tree. Without an endpoint, nothing is traced at all.
 */
class TracingIT {
  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  @Test
  void oneTraceFollowsAnAlertGroupFromTheWebhookToTheTeamsPost() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    traced().addAppender(logs);
    try (FakeOtlp otlp = new FakeOtlp(); FakeTeams teams = new FakeTeams()) {
      // The first post is throttled: the retry is logged inside the send's span, and sent in a second one.
      teams.throttle(1, "1");
      try (TestIris iris = TestIris.start(Map.of(
          "OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint(),
          "OTEL_SERVICE_NAME", "iris-under-test",
          "OTEL_BSP_SCHEDULE_DELAY", "100",
          "IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", teams.webhookUrl("default"),
          "IRIS_NOTIFY_RETRY_BASE_SECONDS", "1"))) {
        assertTrue(Traces.enabled());
        assertNotNull(((VertxInternal) iris.app.vertx()).tracer(), "Vert.x has a tracer");
        var answer = iris.webhook(Payloads.webhook("{}:{alertname=\"HostDown\"}",
            Payloads.firing("fp-traced", "HostDown", "node-7:9100", T0)).encode());
        assertEquals(200, answer.status(), answer.body());
        await("the card reaches Teams", () -> teams.posts().size() >= 2, 60_000);

        Received post = await(otlp, "the Teams post's client span", spans -> spans.stream()
            .filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT && s.attributes().values().stream().anyMatch(v -> v.contains("/workflows/default"))
                && s.attributes().values().stream().anyMatch(v -> v.equals("202")))
            // and every span up to the root has arrived (the send's span ends after the post)
            .filter(s -> ancestors(spans, s).get(ancestors(spans, s).size() - 1).parentId().isEmpty())
            .findFirst());
        List<Received> trace = otlp.spans().stream().filter(s -> s.traceId().equals(post.traceId())).toList();
        String tree = tree(trace);
        System.out.println("The alert group's trace:\n" + tree);

        // Up from the Teams post: a send, the notify stage, the webhook's server span (the root).
        List<Received> up = ancestors(trace, post);
        Received root = up.get(up.size() - 1);
        assertEquals(SpanKind.SPAN_KIND_SERVER, root.kind(), tree);
        assertEquals("", root.parentId(), tree);
        assertTrue(root.attributes().values().stream().anyMatch(v -> v.contains("/webhooks/alertmanager")), tree);
        assertEquals("iris-under-test", root.service(), tree);
        assertEquals(List.of("iris.notify.deliver", "iris.pipeline.notify"),
            up.subList(1, up.size() - 1).stream().map(Received::name).toList(), tree);

        // The group commit and the enrich stage in the same trace, children of the webhook's span.
        Received commit = one(trace, "iris.ingest.commit", tree);
        assertEquals(root.spanId(), commit.parentId(), tree);
        Received enrich = one(trace, "iris.pipeline.enrich", tree);
        assertEquals(root.spanId(), enrich.parentId(), tree);
        assertEquals(enrich.spanId(), one(trace, "iris.enrich.retrieval", tree).parentId(), tree);
        assertEquals(enrich.spanId(), one(trace, "iris.enrich.narrative", tree).parentId(), tree);

        // PostgreSQL client spans: the commit's upserts, the stages' reads and moves, the send's claim.
        for (Received parent : List.of(commit, enrich, up.get(up.size() - 2), up.get(1))) {
          assertTrue(trace.stream().anyMatch(s -> s.parentId().equals(parent.spanId()) && s.kind() == SpanKind.SPAN_KIND_CLIENT
              && "postgresql".equals(s.attributes().get("db.system"))), "a PostgreSQL span under " + parent.name() + "\n" + tree);
        }
        // The wake-up goes out on the event bus from the commit; the claims it starts stay out of the trace.
        assertTrue(trace.stream().anyMatch(s -> s.parentId().equals(commit.spanId())
            && "iris.pipeline.wake".equals(s.attributes().get("messaging.destination.name"))), tree);
        assertFalse(trace.stream().anyMatch(s -> s.attributes().getOrDefault("db.query.text", "").startsWith("WITH ready AS")), tree);
        // The Teams URL's signature is a secret: it never reaches the tracing backend.
        assertFalse(otlp.spans().stream().anyMatch(s -> s.attributes().values().stream().anyMatch(v -> v.contains(FakeTeams.SIGNATURE))),
            "the signature of the Teams URL is exported");
        assertTrue(post.attributes().get("url.full").endsWith("/workflows/default/triggers/manual/paths/invoke"), post.describe());
        // The throttled first attempt is a send of its own in the trace.
        assertEquals(2, trace.stream().filter(s -> s.name().equals("iris.notify.deliver")).count(), tree);

        // The group keeps the webhook's context; the log line of the retry carries the trace's ids.
        String stored = (String) Sql.rows(iris.env.get("IRIS_DB_URL"), "SELECT trace_parent FROM alert_groups").get(0).get("trace_parent");
        assertEquals("00-" + root.traceId() + "-" + root.spanId() + "-01", stored);
        ILoggingEvent retry = logs.list.stream().filter(e -> e.getFormattedMessage().contains("failed, retrying")).findFirst()
            .orElseThrow(() -> new AssertionError("no retry line in " + logs.list));
        assertEquals(root.traceId(), retry.getMDCPropertyMap().get("trace_id"), retry.toString());
        Received firstSend = trace.stream().filter(s -> s.name().equals("iris.notify.deliver") && !s.spanId().equals(up.get(1).spanId()))
            .findFirst().orElseThrow();
        assertEquals(firstSend.spanId(), retry.getMDCPropertyMap().get("span_id"), tree);
        // A line outside any span has none.
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("Deployed") && !e.getMDCPropertyMap().containsKey("trace_id")));
        assertEquals(List.of(), otlp.problems());
      }
      assertFalse(Traces.enabled(), "closed with the app");
    } finally {
      traced().detachAppender(logs);
    }
  }

  @Test
  void withoutAnEndpointNothingIsTracedAndNoExporterRuns() throws Exception {
    try (FakeOtlp otlp = new FakeOtlp(); FakeTeams teams = new FakeTeams();
        TestIris iris = TestIris.start(Map.of("OTEL_SERVICE_NAME", "iris-untraced",
            "IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", teams.webhookUrl("default")))) {
      assertFalse(Traces.enabled());
      assertNull(((VertxInternal) iris.app.vertx()).tracer(), "Vert.x has no tracer");
      var answer = iris.webhook(Payloads.webhook("{}:{alertname=\"HostDown\"}",
          Payloads.firing("fp-untraced", "HostDown", "node-8:9100", T0)).encode());
      assertEquals(200, answer.status(), answer.body());
      await("the card reaches Teams", () -> teams.posts().size() >= 1, 60_000);
      List<String> sdkThreads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
          .filter(n -> n.startsWith("BatchSpanProcessor") || n.contains("OkHttp") || n.contains("otlp")).toList();
      assertEquals(List.of(), sdkThreads, "no span processor or exporter thread");
      assertNull(Sql.rows(iris.env.get("IRIS_DB_URL"), "SELECT trace_parent FROM alert_groups").get(0).get("trace_parent"));
      assertNull(Sql.rows(iris.env.get("IRIS_DB_URL"), "SELECT trace_parent FROM deliveries").get(0).get("trace_parent"));
      assertEquals(List.of(), otlp.spans());
      assertEquals(List.of(), otlp.problems());
    }
  }

  /** The root logger's appender that adds the span's ids to the MDC (logback-test.xml, as logback.xml). */
  @SuppressWarnings("unchecked")
  private static AppenderAttachable<ILoggingEvent> traced() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    return (AppenderAttachable<ILoggingEvent>) root.getAppender("TRACED");
  }

  private static Received one(List<Received> trace, String name, String tree) {
    List<Received> found = trace.stream().filter(s -> s.name().equals(name)).toList();
    assertEquals(1, found.size(), name + " once in\n" + tree);
    return found.get(0);
  }

  /** {@code span}, its parent, …, the root. */
  private static List<Received> ancestors(List<Received> trace, Received span) {
    Map<String, Received> byId = trace.stream().collect(Collectors.toMap(Received::spanId, s -> s));
    List<Received> chain = new ArrayList<>();
    for (Received at = span; at != null; at = byId.get(at.parentId())) {
      chain.add(at);
    }
    return chain;
  }

  private static String tree(List<Received> trace) {
    StringBuilder out = new StringBuilder();
    trace.stream().filter(s -> trace.stream().noneMatch(p -> p.spanId().equals(s.parentId())))
        .forEach(s -> tree(trace, s, 0, out));
    return out.toString();
  }

  private static void tree(List<Received> trace, Received span, int depth, StringBuilder out) {
    out.append("  ".repeat(depth)).append(span.describe()).append('\n');
    trace.stream().filter(s -> s.parentId().equals(span.spanId())).forEach(s -> tree(trace, s, depth + 1, out));
  }

  private static Received await(FakeOtlp otlp, String what, java.util.function.Function<List<Received>, Optional<Received>> find)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      Optional<Received> found = find.apply(otlp.spans());
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError(what + " never arrived; got:\n" + otlp.spans().stream().map(Received::describe).collect(Collectors.joining("\n")));
  }

  private static void await(String what, BooleanSupplier done, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what + ": timed out");
      }
      Thread.sleep(50);
    }
  }
}
