package iris.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.core.Future;
import iris.Components;
import iris.Role;
import iris.prometheus.PrometheusInstance;
import java.util.List;
import java.util.Set;
import iris.http.Json;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: this node can do the work of
 * its roles (verticles deployed, database answers, and shared state where its roles need it),
 * 503 with the failing check otherwise. Dependencies a role can do without are reported
 * ({@code degraded}) and never fail readiness; checks for roles the node does not run are left out.
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
    // Rate limits, send keys and enrollment locks live there: the notifier and enrollment need it
    // (send keys only speed up dedup, but a cluster's rate limits and host locks depend on it).
    Set<Role> roles = components.config().roles();
    boolean needsShared = roles.contains(Role.NOTIFY) || roles.contains(Role.ENROLL);
    ready.register("shared-state", CHECK_TIMEOUT_MS, promise ->
        components.sharedState().ping().onComplete(ar -> {
          JsonObject data = new JsonObject().put("kind", components.sharedState().kind());
          if (ar.succeeded()) {
            promise.complete(Status.OK(data));
          } else {
            data.put("reason", String.valueOf(ar.cause().getMessage()));
            promise.complete(needsShared ? Status.KO(data) : Status.OK(data.put("degraded", true)));
          }
        }));
    // The knowledge base serves the API and enrichment; Prometheus the API and enrollment.
    if (roles.contains(Role.INGEST) || roles.contains(Role.ENRICH)) {
      knowledge(ready, components);
    }
    if (roles.contains(Role.INGEST) || roles.contains(Role.ENROLL)) {
      prometheus(ready, components);
    }
    router.get("/health/ready").handler(ready);
  }

  private static void knowledge(HealthCheckHandler ready, Components components) {
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
  }

  private static void prometheus(HealthCheckHandler ready, Components components) {
    // Reported, never failing readiness: a Prometheus that does not answer only keeps
    // enrollments from being reloaded and verified (they fail at that step and say so).
    ready.register("prometheus", CHECK_TIMEOUT_MS, promise -> {
      List<PrometheusInstance> withApi = components.config().prometheus().stream().filter(PrometheusInstance::hasApi).toList();
      JsonObject data = new JsonObject();
      List<Future<?>> probes = withApi.stream().<Future<?>>map(instance -> components.http().getAbs(instance.url() + "/-/ready")
          .timeout(CHECK_TIMEOUT_MS - 200).send()
          .transform(ar -> {
            boolean up = ar.succeeded() && ar.result().statusCode() == 200;
            data.put(instance.name(), up ? "ready" : ar.succeeded() ? "answered " + ar.result().statusCode()
                : "unreachable: " + ar.cause().getMessage());
            return Future.succeededFuture(up);
          })).toList();
      Future.all(probes).onComplete(ar -> {
        boolean degraded = probes.stream().anyMatch(f -> Boolean.FALSE.equals(f.result()));
        promise.complete(Status.OK(new JsonObject().put("instances", data).put("degraded", degraded)));
      });
    });
  }
}
