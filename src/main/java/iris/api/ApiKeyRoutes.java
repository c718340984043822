package iris.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;

/** {@code /api/v1/api-keys}: admins create, list and revoke keys. A new key is shown once. */
public final class ApiKeyRoutes {
  private final ApiKeyStore store;
  private final ApiKeyAuth auth;

  public ApiKeyRoutes(ApiKeyStore store, ApiKeyAuth auth) {
    this.store = store;
    this.auth = auth;
  }

  public void addRoutes(Router router) {
    router.get("/api/v1/api-keys").handler(ApiKeyAuth.require(Scope.ADMIN)).handler(this::list);
    router.post("/api/v1/api-keys").handler(ApiKeyAuth.require(Scope.ADMIN)).handler(this::create);
    router.delete("/api/v1/api-keys/:id").handler(ApiKeyAuth.require(Scope.ADMIN)).handler(this::revoke);
  }

  private void list(RoutingContext ctx) {
    store.list().onSuccess(keys -> Json.ok(ctx, new JsonObject().put("items", new JsonArray(keys)))).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String name = Json.requiredString(body, "name", 100);
    Scope scope = Scope.parse(Json.requiredString(body, "scope", 10));
    String key = ApiKeyStore.newKey();
    store.create(name, scope, ApiKeyStore.hash(key)).onSuccess(created -> {
      if (created == null) {
        ctx.fail(new HttpProblem(409, "conflict", "an API key named '" + name + "' exists", "name"));
        return;
      }
      Json.send(ctx, 201, new JsonObject().put("id", created.id()).put("name", name)
          .put("scope", scope.wireName()).put("key", key));
    }).onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    store.revoke(id).onSuccess(revoked -> {
      if (!revoked) {
        ctx.fail(HttpProblem.notFound("active API key " + id));
        return;
      }
      auth.forgetAll();
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }
}
