package iris.ingest;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
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

  public WebhookRoutes(String token, int maxBodyBytes, int retryAfterSeconds, IngestBatcher batcher, IngestMetrics metrics) {
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
    router.post(PATH)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(this::accept);
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

  private void accept(RoutingContext ctx) {
    // An empty body has no buffer at all.
    io.vertx.core.buffer.Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    AlertmanagerPayload.Parsed payload = AlertmanagerPayload.parse(body == null ? null : body.getBytes());
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
