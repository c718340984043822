package iris.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import iris.Components;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: this node can do its work
 * (verticles deployed, database answers, shared state answers), 503 with the failing check otherwise.
 */
public final class HealthRoutes {
  private static final long CHECK_TIMEOUT_MS = 2000;

  private HealthRoutes() {}

  public static void addRoutes(Router router, Vertx vertx, Components components) {
    router.get("/health/live").handler(ctx -> Json.ok(ctx, new JsonObject().put("status", "UP")));

    HealthCheckHandler ready = HealthCheckHandler.create(vertx);
    ready.register("deployments", CHECK_TIMEOUT_MS, promise ->
        promise.complete(components.deployed().get() ? Status.OK() : Status.KO(new JsonObject().put("reason", "starting"))));
    ready.register("database", CHECK_TIMEOUT_MS, promise ->
        components.pool().query("SELECT 1").execute().onComplete(ar -> promise.complete(ar.succeeded()
            ? Status.OK()
            : Status.KO(new JsonObject().put("reason", String.valueOf(ar.cause().getMessage()))))));
    ready.register("shared-state", CHECK_TIMEOUT_MS, promise ->
        components.sharedState().ping().onComplete(ar -> {
          JsonObject data = new JsonObject().put("kind", components.sharedState().kind());
          promise.complete(ar.succeeded() ? Status.OK(data) : Status.KO(data.put("reason", String.valueOf(ar.cause().getMessage()))));
        }));
    // Reported, never failing readiness: without its vector store the knowledge base degrades to
    // keyword search, and alerts must keep flowing in.
    ready.register("knowledge", CHECK_TIMEOUT_MS, promise -> {
      var vectors = components.knowledge().vectors();
      vectors.ping().onComplete(ar -> {
        JsonObject data = new JsonObject().put("vector_store", vectors.kind())
            .put("embedding_model", components.knowledge().model()).put("degraded", ar.failed());
        if (ar.failed()) {
          data.put("reason", vectors.kind() + " unavailable, searching by keywords only: " + ar.cause().getMessage());
        }
        promise.complete(Status.OK(data));
      });
    });
    router.get("/health/ready").handler(ready);
  }
}
