package iris.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.Json;
import iris.http.Scope;
import java.time.Instant;

/** {@code /api/v1/deployments}: record one, move its status, read one, and the audit trail. */
public final class DeploymentRoutes {
  private static final String BASE = "/api/v1/deployments";
  private final Deployments deployments;

  public DeploymentRoutes(Deployments deployments) {
    this.deployments = deployments;
  }

  public void addRoutes(Router router) {
    router.post(BASE).handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::create);
    router.get(BASE).handler(ApiKeyAuth.require(Scope.READ)).handler(this::list);
    router.get(BASE + "/:id").handler(ApiKeyAuth.require(Scope.READ)).handler(this::get);
    router.patch(BASE + "/:id").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::patch);
  }

  private void create(RoutingContext ctx) {
    deployments.create(Json.body(ctx), ApiKeyAuth.principalName(ctx)).onSuccess(d -> {
      ctx.response().putHeader("Location", BASE + "/" + d.getLong("id"));
      Json.send(ctx, 201, d);
    }).onFailure(ctx::fail);
  }

  private void patch(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    deployments.patch(id, Json.body(ctx), ApiKeyAuth.principalName(ctx)).onSuccess(d -> Json.ok(ctx, d)).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    deployments.find(Json.pathId(ctx, "id")).onSuccess(d -> Json.ok(ctx, d)).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    String since = ctx.queryParams().get("since");
    Instant from = since == null || since.isBlank() ? null : Deployments.time(new JsonObject().put("since", since), "since");
    deployments.list(blank(ctx.queryParams().get("service")), blank(ctx.queryParams().get("environment")), from,
            Json.intParam(ctx, "limit", 100, 1, 1000))
        .onSuccess(items -> Json.ok(ctx, new JsonObject().put("items", new JsonArray(items)))).onFailure(ctx::fail);
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
