package iris.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Iris's own spans around work that Vert.x does not see as one request: the webhook's group
 * commit, a stage's work on a claimed alert group, a delivery's send. The pipeline's stages
 * claim work from PostgreSQL long after the webhook answered, so the webhook's trace context
 * travels as a W3C {@code traceparent} stored with the alert group (and the delivery row), and
 * each piece of work runs in a span whose parent is that stored context.
 *
 * <p>A span is made current on a fresh duplicate of the caller's Vert.x context, so the clients
 * Vert.x traces (PostgreSQL, the web client, the event bus) make their spans its children, and
 * log lines written there carry its ids. The caller's own context is never touched: work of
 * other groups on the same event loop stays out of the span.
 *
 * <p>With tracing off every method costs one volatile read and does nothing else.
 */
public final class Traces {
  private static final String INSTRUMENTATION = "iris";
  private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private static volatile Tracer tracer;

  private Traces() {
  }

  /** One tracer per JVM: a node is one Iris. {@code null} or a no-op OpenTelemetry switches tracing off. */
  public static void install(OpenTelemetry openTelemetry) {
    tracer = openTelemetry == null || openTelemetry == OpenTelemetry.noop() ? null : openTelemetry.getTracer(INSTRUMENTATION);
  }

  public static boolean enabled() {
    return tracer != null;
  }

  /** The current trace context (for work that will run later, e.g. a webhook waiting for its commit). */
  public static Context current() {
    return tracer == null ? Context.root() : Context.current();
  }

  /** The W3C {@code traceparent} of the current span; null with tracing off or outside any span. */
  public static String currentParent() {
    return tracer == null ? null : traceParent(Context.current());
  }

  /** The W3C {@code traceparent} of {@code context}'s span; null when it has none. */
  public static String traceParent(Context context) {
    if (tracer == null || context == null || !Span.fromContext(context).getSpanContext().isValid()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
    return carrier.get("traceparent");
  }

  /** The context a stored {@code traceparent} names (root when it is null or malformed). */
  public static Context fromParent(String traceParent) {
    if (traceParent == null || traceParent.isBlank()) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of("traceparent", traceParent), MAP_GETTER);
  }

  /** An internal span, child of the current one, around {@code work}. */
  public static <T> Future<T> inSpan(String name, Supplier<Future<T>> work) {
    Tracer t = tracer;
    if (t == null) {
      return work.get();
    }
    return run(t.spanBuilder(name).setSpanKind(SpanKind.INTERNAL), Context.current(), work);
  }

  /**
   * A span around work taken from PostgreSQL (a claimed alert group, an outbox row): its parent is
   * the stored {@code traceParent} (the work's origin), a new trace when there is none.
   */
  public static <T> Future<T> claimed(String name, String traceParent, Map<String, Object> attributes, Supplier<Future<T>> work) {
    Tracer t = tracer;
    if (t == null) {
      return work.get();
    }
    Context origin = fromParent(traceParent);
    SpanBuilder builder = t.spanBuilder(name).setSpanKind(SpanKind.CONSUMER).setParent(origin);
    attributes.forEach((key, value) -> {
      if (value instanceof Long l) {
        builder.setAttribute(key, l);
      } else if (value instanceof Integer i) {
        builder.setAttribute(key, i.longValue());
      } else if (value != null) {
        builder.setAttribute(key, value.toString());
      }
    });
    return run(builder, origin, work);
  }

  /**
   * A span whose parent is the first of {@code origins} that has one and which links the others:
   * one piece of work done for several requests at once (the webhook's group commit).
   */
  public static <T> Future<T> joined(String name, List<Context> origins, Supplier<Future<T>> work) {
    Tracer t = tracer;
    if (t == null) {
      return work.get();
    }
    SpanBuilder builder = t.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).setNoParent();
    Context parent = Context.root();
    boolean parented = false;
    for (Context origin : origins) {
      SpanContext span = Span.fromContext(origin).getSpanContext();
      if (!span.isValid()) {
        continue;
      }
      if (!parented) {
        builder.setParent(origin);
        parent = origin;
        parented = true;
      } else {
        builder.addLink(span);
      }
    }
    return run(builder, parent, work);
  }

  /**
   * Runs {@code action} now, outside the current span: for what a traced message only triggers
   * (a wake-up), so that the claims and timers it starts do not pile up in that one trace.
   */
  public static void outside(Runnable action) {
    ContextInternal caller = tracer == null ? null : ContextInternal.current();
    if (caller == null) {
      action.run();
      return;
    }
    caller.unwrap().duplicate().dispatch(action);
  }

  /** Starts the span, runs {@code work} where it is current, ends it when the work's future completes. */
  private static <T> Future<T> run(SpanBuilder builder, Context base, Supplier<Future<T>> work) {
    ContextInternal caller = ContextInternal.current();
    if (caller == null) {
      return work.get(); // not on a Vert.x thread: nothing Iris traces runs there
    }
    Span span = builder.startSpan();
    ContextInternal inSpan = caller.unwrap().duplicate();
    VertxContextStorage.INSTANCE.attach(inSpan, base.with(span));
    PromiseInternal<T> result = caller.promise();
    inSpan.dispatch(() -> {
      Future<T> done;
      try {
        done = work.get();
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      done.onComplete(ar -> {
        if (ar.failed()) {
          span.recordException(ar.cause());
          span.setStatus(StatusCode.ERROR, String.valueOf(ar.cause().getMessage()));
        }
        span.end();
        result.handle(ar);
      });
    });
    return result.future();
  }
}
