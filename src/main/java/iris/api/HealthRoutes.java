package iris.api;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import iris.Capability;
import iris.Components;
import iris.Role;
import java.util.List;
import java.util.Set;
import iris.http.Json;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: this node can do the work of
 * its roles (verticles deployed, database answers, and shared state where its roles need it),
 * 503 with the failing check otherwise. The checks of what every node shares are here; each
 * capability adds its own. Dependencies a role can do without are reported ({@code degraded})
 * and never fail readiness; checks for roles the node does not run are left out.
 */
public final class HealthRoutes {
  private static final long CHECK_TIMEOUT_MS = Capability.CHECK_TIMEOUT_MS;

  private HealthRoutes() {}

  public static void addRoutes(Router router, Vertx vertx, Components components, List<Capability> capabilities) {
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
    capabilities.forEach(capability -> capability.registerReadinessChecks(ready));
    router.get("/health/ready").handler(ready);
  }
}
