package iris.incident;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** {@code /api/v1/incidents}: list with filters and cursor, read, annotate, resolve by hand. */
public final class IncidentRoutes {
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 500;
  private static final int MAX_TEXT = 20_000;
  private static final Set<String> PATCHABLE = Set.of("resolution_notes", "root_cause", "acknowledged_by");

  private final IncidentStore store;
  private final EventBus eventBus;

  public IncidentRoutes(IncidentStore store, EventBus eventBus) {
    this.store = store;
    this.eventBus = eventBus;
  }

  public void addRoutes(Router router) {
    router.get("/api/v1/incidents").handler(ApiKeyAuth.require(Scope.READ)).handler(this::list);
    router.get("/api/v1/incidents/counts").handler(ApiKeyAuth.require(Scope.READ)).handler(this::counts);
    router.get("/api/v1/incidents/:id").handler(ApiKeyAuth.require(Scope.READ)).handler(this::get);
    router.patch("/api/v1/incidents/:id").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::patch);
    router.post("/api/v1/incidents/:id/resolve").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::resolve);
  }

  private void list(RoutingContext ctx) {
    int limit = limit(param(ctx, "limit"));
    store.list(query(ctx, limit + 1)).onSuccess(rows -> {
      boolean more = rows.size() > limit;
      List<JsonObject> page = more ? rows.subList(0, limit) : rows;
      String next = more ? encodeCursor(page.get(page.size() - 1).getLong("id")) : null;
      Json.ok(ctx, new JsonObject().put("items", new JsonArray(page)).put("next", next));
    }).onFailure(ctx::fail);
  }

  private void counts(RoutingContext ctx) {
    store.countBySeverity(query(ctx, 1)).onSuccess(counts -> {
      JsonObject bySeverity = new JsonObject();
      counts.forEach(bySeverity::put);
      Json.ok(ctx, new JsonObject().put("by_severity", bySeverity)
          .put("total", counts.values().stream().mapToLong(Long::longValue).sum()));
    }).onFailure(ctx::fail);
  }

  private IncidentQuery query(RoutingContext ctx, int limit) {
    String status = param(ctx, "status");
    if (status != null && !status.equals("firing") && !status.equals("resolved")) {
      throw HttpProblem.badRequest("status", "must be firing or resolved");
    }
    return new IncidentQuery(status, param(ctx, "severity"), param(ctx, "alertname"),
        param(ctx, "instance"), param(ctx, "service"), time(ctx, "since"), time(ctx, "until"),
        decodeCursor(param(ctx, "cursor")), limit);
  }

  private void get(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    store.find(id).onSuccess(found -> respond(ctx, id, found)).onFailure(ctx::fail);
  }

  private void patch(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    JsonObject body = Json.body(ctx);
    Json.onlyFields(body, PATCHABLE);
    if (body.isEmpty()) {
      throw HttpProblem.badRequest("body", "give at least one of resolution_notes, root_cause, acknowledged_by");
    }
    String notes = Json.optionalString(body, "resolution_notes", MAX_TEXT);
    String rootCause = Json.optionalString(body, "root_cause", MAX_TEXT);
    store.annotate(id, notes, rootCause, Json.optionalString(body, "acknowledged_by", 200))
        .onSuccess(updated -> {
          if (updated != null && (notes != null || rootCause != null)) {
            IncidentEvents.annotated(eventBus, id);
          }
          if (updated != null) {
            IncidentEvents.live(eventBus, List.of(id), "changed");
          }
          respond(ctx, id, updated);
        }).onFailure(ctx::fail);
  }

  private void resolve(RoutingContext ctx) {
    long id = Json.pathId(ctx, "id");
    JsonObject body = Json.optionalBody(ctx);
    Json.onlyFields(body, Set.of("note"));
    String note = Json.optionalString(body, "note", MAX_TEXT);
    store.resolveManually(id, note).onSuccess(result -> {
      switch (result.outcome()) {
        case NOT_FOUND -> ctx.fail(HttpProblem.notFound("incident " + id));
        case ALREADY_RESOLVED -> ctx.fail(new HttpProblem(409, "conflict", "incident " + id + " is already resolved", null));
        case RESOLVED -> {
          StageLoop.wake(eventBus, Stage.ENRICH);
          IncidentEvents.live(eventBus, List.of(id), "resolved");
          store.find(id).onSuccess(found -> respond(ctx, id, found)).onFailure(ctx::fail);
        }
      }
    }).onFailure(ctx::fail);
  }

  private static void respond(RoutingContext ctx, long id, JsonObject incident) {
    if (incident == null) {
      ctx.fail(HttpProblem.notFound("incident " + id));
    } else {
      Json.ok(ctx, incident);
    }
  }

  private static String param(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null || value.isEmpty() ? null : value;
  }

  private static int limit(String raw) {
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw HttpProblem.badRequest("limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  private static OffsetDateTime time(RoutingContext ctx, String name) {
    String raw = param(ctx, name);
    if (raw == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw);
    } catch (DateTimeParseException e) {
      throw HttpProblem.badRequest(name, "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
    }
  }

  // The cursor is opaque to clients: the id of the last incident on the page.
  static String encodeCursor(long lastId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("i:" + lastId).getBytes(StandardCharsets.UTF_8));
  }

  static Long decodeCursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (decoded.startsWith("i:")) {
        return Long.parseLong(decoded.substring(2));
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw HttpProblem.badRequest("cursor", "not a cursor returned by this API");
  }
}
