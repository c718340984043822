package iris.ingest;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.http.HttpServerRequest;
import iris.http.HttpProblem;
import iris.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/alertmanager}: token, content type, size and payload are checked
 * before anything is stored; 200 means committed, 503 means "retry", 4xx means "never"
 * ({@link Refusal} says which and why).
 */
public final class WebhookRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);
  public static final String PATH = "/webhooks/alertmanager";

  private final byte[] expectedAuthorization;
  private final int maxBodyBytes;
  private final int retryAfterSeconds;
  private final IngestBatcher batcher;
  private final IngestMetrics metrics;
  private final TooLargeRefusals refusals;

  public WebhookRoutes(String token, int maxBodyBytes, int retryAfterSeconds, IngestBatcher batcher, IngestMetrics metrics,
      TooLargeRefusals refusals) {
    this.refusals = refusals;
    this.expectedAuthorization = token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.maxBodyBytes = maxBodyBytes;
    this.retryAfterSeconds = retryAfterSeconds;
    this.batcher = batcher;
    this.metrics = metrics;
  }

  public void addRoutes(Router router) {
    // Two routes: the cheap checks run before the body is read (vertx-web puts body handling
    // first within one route), so an unauthenticated sender cannot make Iris buffer 5 MiB.
    router.post(PATH)
        .handler(ctx -> {
          ctx.addEndHandler(v -> metrics.request(ctx.response().getStatusCode()));
          ctx.next();
        })
        .handler(this::checkToken)
        .handler(this::checkContentType);
    router.post(PATH).handler(this::read);
  }

  private void checkToken(RoutingContext ctx) {
    if (expectedAuthorization != null) {
      String header = ctx.request().getHeader("Authorization");
      byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(given, expectedAuthorization)) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"iris\"");
        ctx.fail(new HttpProblem(401, "unauthorized",
            header == null ? "missing Authorization: Bearer token" : "wrong bearer token", null));
        return;
      }
    }
    ctx.next();
  }

  private void checkContentType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase();
    if (!media.equals("application/json")) {
      ctx.fail(HttpProblem.badRequest("Content-Type", "must be application/json, got " + (type == null ? "none" : "'" + type + "'")));
      return;
    }
    ctx.next();
  }

  /**
   * Reads the body as a stream into alerts. Over the limit it goes on reading the group's own
   * fields, up to twice the limit, so the refusal can name the group; beyond that, or when the
   * declared length is beyond it already, the answer comes at once and the connection closes.
   */
  private void read(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long declared = declaredLength(request);
    if (declared > 2L * maxBodyBytes) {
      tooLarge(ctx, null, declared);
      return;
    }
    PayloadStream stream = new PayloadStream(maxBodyBytes);
    request.handler(chunk -> {
      if (ctx.response().ended()) {
        return;
      }
      stream.feed(chunk.getBytes(), 0, chunk.length());
      if (stream.bytes() > 2L * maxBodyBytes) {
        tooLarge(ctx, stream, stream.bytes());
      }
    });
    request.exceptionHandler(e -> LOG.debug("Webhook request failed while its body was read: {}", e.toString()));
    request.endHandler(v -> {
      if (ctx.response().ended()) {
        return;
      }
      if (stream.tooLarge()) {
        tooLarge(ctx, stream, stream.bytes());
        return;
      }
      AlertmanagerPayload.Parsed payload;
      try {
        payload = stream.end();
      } catch (HttpProblem e) {
        metrics.rejected("invalid");
        ctx.fail(e);
        return;
      }
      accept(ctx, payload);
    });
    request.resume(); // vertx-web holds a request's body until a handler asks for it
  }

  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    try {
      return length == null ? -1 : Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * 413, loudly: Alertmanager never retries a 4xx, so these alerts are lost unless someone
   * sees this (the log at ERROR, the metric, and {@code /health/ready} for an hour).
   */
  private void tooLarge(RoutingContext ctx, PayloadStream stream, long bytes) {
    String receiver = stream == null ? "" : stream.receiver();
    String groupKey = stream == null ? "" : stream.groupKey();
    boolean complete = stream != null && ctx.request().isEnded();
    refusals.tooLarge(receiver, groupKey, bytes, complete);
    LOG.error("Refused a webhook of {} bytes{} (limit webhook.max_body_bytes = {}) from receiver '{}', group {}: Alertmanager "
            + "will not send it again. Raise the limit or set max_alerts on the receiver (docs/OPERATIONS.md).",
        bytes, complete ? "" : " or more", maxBodyBytes, receiver.isEmpty() ? "unknown" : receiver,
        groupKey.isEmpty() ? "unknown" : groupKey);
    if (!complete) {
      ctx.response().putHeader("Connection", "close");
    }
    Json.send(ctx, 413, new JsonObject().put("error", "payload_too_large")
        .put("message", "body of " + bytes + (complete ? "" : " or more") + " bytes is over webhook.max_body_bytes ("
            + maxBodyBytes + "); set max_alerts on the Alertmanager receiver or raise the limit"));
    if (!complete) {
      ctx.request().connection().close();
    }
  }

  private void accept(RoutingContext ctx, AlertmanagerPayload.Parsed payload) {
    int count = payload.alerts().size();
    batcher.submit(payload).onComplete(ar -> {
      if (ar.succeeded()) {
        Json.ok(ctx, new JsonObject().put("status", "accepted").put("alerts", count));
        return;
      }
      Refusal refusal = Refusal.of(ar.cause());
      metrics.refused(refusal.reason());
      switch (refusal.reason()) {
        case BUSY -> LOG.debug("Shedding load: {}", refusal.getMessage()); // counted; one line per request would flood the log
        case REJECTED -> LOG.warn("The database refused {} alerts of group {}, answering 400: {}", count,
            payload.group().groupKey(), ar.cause().toString());
        default -> LOG.warn("Cannot store {} alerts, answering 503 ({}): {}", count, refusal.reason().error(), ar.cause().toString());
      }
      if (refusal.status() == 503) {
        ctx.response().putHeader("Retry-After", Integer.toString(retryAfterSeconds));
      }
      Json.send(ctx, refusal.status(), refusal.toJson());
    });
  }

}
