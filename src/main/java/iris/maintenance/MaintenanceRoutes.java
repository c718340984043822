package iris.maintenance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /api/v1/maintenance-windows}: create, list, read, preview, and every move of the lifecycle. */
public final class MaintenanceRoutes {
  private static final String BASE = "/api/v1/maintenance-windows";
  private final Maintenance maintenance;

  public MaintenanceRoutes(Maintenance maintenance) {
    this.maintenance = maintenance;
  }

  public void addRoutes(Router router) {
    router.post(BASE).handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::create);
    router.get(BASE).handler(ApiKeyAuth.require(Scope.READ)).handler(this::list);
    router.post(BASE + "/preview").handler(ApiKeyAuth.require(Scope.READ)).handler(this::preview);
    router.post(BASE + "/cancel").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::cancelMany);
    router.get(BASE + "/:id").handler(ApiKeyAuth.require(Scope.READ)).handler(this::get);
    router.post(BASE + "/:id/start").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::start);
    router.post(BASE + "/:id/extend").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::extend);
    router.post(BASE + "/:id/end").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::end);
    router.post(BASE + "/:id/cancel").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::cancel);
    router.post(BASE + "/:id/occurrences/:occurrence/cancel").handler(ApiKeyAuth.require(Scope.WRITE))
        .handler(this::cancelOccurrence);
  }

  private void create(RoutingContext ctx) {
    maintenance.create(Json.body(ctx), ApiKeyAuth.principalName(ctx))
        .onSuccess(w -> {
          ctx.response().putHeader("Location", BASE + "/" + w.getLong("id"));
          Json.send(ctx, 201, w);
        }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    if (state != null && !Maintenance.LIVE.contains(state) && !Set.of("completed", "cancelled").contains(state)) {
      throw HttpProblem.badRequest("state", "must be planned, active, completed or cancelled");
    }
    int limit = Json.intParam(ctx, "limit", 100, 1, 500);
    maintenance.list(state, blank(ctx.queryParams().get("host")), blank(ctx.queryParams().get("service")), limit)
        .onSuccess(items -> Json.ok(ctx, new JsonObject().put("items", new JsonArray(items)))).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    maintenance.find(Json.pathId(ctx, "id")).onSuccess(w -> Json.ok(ctx, w)).onFailure(ctx::fail);
  }

  private void preview(RoutingContext ctx) {
    maintenance.preview(Json.body(ctx)).onSuccess(p -> Json.ok(ctx, p)).onFailure(ctx::fail);
  }

  private void start(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    JsonObject body = Json.optionalBody(ctx);
    maintenance.start(id, ApiKeyAuth.principalName(ctx), Json.optionalString(body, "reason", 2000))
        .onSuccess(w -> Json.ok(ctx, w)).onFailure(ctx::fail);
  }

  private void extend(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    JsonObject body = Json.body(ctx);
    Json.onlyFields(body, Set.of("ends_at", "by", "reason"));
    Json.optionalString(body, "reason", 2000);
    maintenance.extend(id, body, ApiKeyAuth.principalName(ctx)).onSuccess(w -> Json.ok(ctx, w)).onFailure(ctx::fail);
  }

  private void end(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    JsonObject body = Json.optionalBody(ctx);
    maintenance.end(id, ApiKeyAuth.principalName(ctx), Json.optionalString(body, "reason", 2000))
        .onSuccess(w -> Json.ok(ctx, w)).onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    String reason = Json.requiredString(Json.body(ctx), "reason", 2000);
    maintenance.cancel(id, ApiKeyAuth.principalName(ctx), reason).onSuccess(w -> Json.ok(ctx, w)).onFailure(ctx::fail);
  }

  private void cancelOccurrence(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    long occurrence = Json.pathId(ctx, "occurrence");
    String reason = Json.requiredString(Json.body(ctx), "reason", 2000);
    maintenance.cancelOccurrence(id, occurrence, ApiKeyAuth.principalName(ctx), reason)
        .onSuccess(w -> Json.ok(ctx, w)).onFailure(ctx::fail);
  }

  /** {@code {ids: [..], reason}} or {@code {filter: {state, host, service, category}, reason}}: all cancelled, or none. */
  private void cancelMany(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    Json.onlyFields(body, Set.of("ids", "filter", "reason"));
    String reason = Json.requiredString(body, "reason", 2000);
    String actor = ApiKeyAuth.principalName(ctx);
    Object ids = body.getValue("ids");
    Object filter = body.getValue("filter");
    if ((ids == null) == (filter == null)) {
      throw HttpProblem.badRequest("ids", "give either ids or filter");
    }
    if (ids != null) {
      if (!(ids instanceof JsonArray a) || a.isEmpty() || a.size() > 1000) {
        throw HttpProblem.badRequest("ids", "must be a list of 1 to 1000 window ids");
      }
      List<Long> list = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        if (!(a.getValue(i) instanceof Number n) || n.longValue() <= 0 || n.doubleValue() != n.longValue()) {
          throw HttpProblem.badRequest("ids[" + i + "]", "must be a window id");
        }
        list.add(n.longValue());
      }
      maintenance.cancelAll(List.copyOf(new java.util.LinkedHashSet<>(list)), actor, reason)
          .onSuccess(r -> Json.ok(ctx, r)).onFailure(ctx::fail);
      return;
    }
    if (!(filter instanceof JsonObject f) || f.isEmpty()) {
      throw HttpProblem.badRequest("filter", "must be an object with at least one of state, host, service, category");
    }
    Json.onlyFields(f, Set.of("state", "host", "service", "category"));
    String state = Json.optionalString(f, "state", 20);
    if (state != null && !Maintenance.LIVE.contains(state)) {
      throw HttpProblem.badRequest("filter.state", "must be planned or active (only those can be cancelled)");
    }
    String category = Json.optionalString(f, "category", 40);
    if (category != null && !WindowDraft.CATEGORIES.contains(category)) {
      throw HttpProblem.badRequest("filter.category", "must be one of " + String.join(", ", WindowDraft.CATEGORIES));
    }
    maintenance.idsWhere(state, Json.optionalString(f, "host", 253), Json.optionalString(f, "service", 253), category)
        .compose(found -> maintenance.cancelAll(found, actor, reason))
        .onSuccess(r -> Json.ok(ctx, r)).onFailure(ctx::fail);
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
