package iris.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code /api/v1/maintainers}, {@code /api/v1/services}, {@code /api/v1/hosts} (create, read,
 * update, delete, list; read scope lists, write scope changes) and host tags.
 */
public final class RegistryRoutes {
  private final MaintainerStore maintainers;
  private final ServiceStore services;
  private final HostStore hosts;
  private final HostTagStore tags;
  private final Clock clock;
  private final boolean allowInsecureUrls;

  /** {@code allowInsecureUrls}: maintainers' Teams URLs may be plain http or local (notify.allow_insecure_urls). */
  public RegistryRoutes(MaintainerStore maintainers, ServiceStore services, HostStore hosts, HostTagStore tags, Clock clock,
      boolean allowInsecureUrls) {
    this.allowInsecureUrls = allowInsecureUrls;
    this.maintainers = maintainers;
    this.services = services;
    this.hosts = hosts;
    this.tags = tags;
    this.clock = clock;
  }

  /** A page of rows after an id. */
  private interface Lister {
    Future<List<JsonObject>> page(RoutingContext ctx, long after, int limit);
  }

  public void addRoutes(Router router) {
    resource(router, "/api/v1/maintainers", "maintainer", body -> Maintainer.from(body, allowInsecureUrls), maintainers::create, maintainers::update,
        maintainers::delete, maintainers::find, (ctx, after, limit) -> maintainers.list(after, limit));
    resource(router, "/api/v1/services", "service", Service::from, services::create, services::update,
        services::delete, services::find, (ctx, after, limit) -> services.list(after, limit));
    // Tag routes first: "/hosts/enrollments" and the like belong to other capabilities, ids are numeric.
    router.post("/api/v1/hosts/:id/tags").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::addTag);
    router.get("/api/v1/hosts/:id/tags").handler(ApiKeyAuth.require(Scope.READ)).handler(this::listTags);
    router.delete("/api/v1/hosts/:id/tags/:tag").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::removeTag);
    resource(router, "/api/v1/hosts", "host", Host::from, hosts::create, hosts::update, hosts::delete, hosts::find,
        (ctx, after, limit) -> hosts.list(after, limit, ctx.queryParams().get("environment"), ctx.queryParams().get("service")));
  }

  private <T> void resource(Router router, String path, String what, Function<JsonObject, T> parse,
      Function<T, Future<JsonObject>> create, BiFunction<Long, T, Future<JsonObject>> update,
      Function<Long, Future<Boolean>> delete, Function<Long, Future<JsonObject>> find, Lister list) {
    String one = path + "/:id";
    router.post(path).handler(ApiKeyAuth.require(Scope.WRITE)).handler(ctx ->
        create.apply(parse.apply(Json.body(ctx))).onSuccess(created -> Json.send(ctx, 201, created)).onFailure(ctx::fail));
    router.get(path).handler(ApiKeyAuth.require(Scope.READ)).handler(ctx -> {
      int limit = Json.intParam(ctx, "limit", 100, 1, 500);
      long after = Json.intParam(ctx, "cursor", 0, 0, Integer.MAX_VALUE);
      list.page(ctx, after, limit).onSuccess(items -> {
        JsonObject body = new JsonObject().put("items", new JsonArray(new ArrayList<>(items)));
        body.put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).getLong("id")) : null);
        Json.ok(ctx, body);
      }).onFailure(ctx::fail);
    });
    router.get(one).handler(ApiKeyAuth.require(Scope.READ)).handler(ctx -> {
      long id = Json.pathId(ctx, "id");
      find.apply(id).onSuccess(found -> respond(ctx, found, what + " " + id)).onFailure(ctx::fail);
    });
    router.put(one).handler(ApiKeyAuth.require(Scope.WRITE)).handler(ctx -> {
      long id = Json.pathId(ctx, "id");
      update.apply(id, parse.apply(Json.body(ctx))).onSuccess(updated -> respond(ctx, updated, what + " " + id)).onFailure(ctx::fail);
    });
    router.delete(one).handler(ApiKeyAuth.require(Scope.WRITE)).handler(ctx -> {
      long id = Json.pathId(ctx, "id");
      delete.apply(id).onSuccess(found -> {
        if (found) {
          ctx.response().setStatusCode(204).end();
        } else {
          ctx.fail(HttpProblem.notFound(what + " " + id));
        }
      }).onFailure(ctx::fail);
    });
  }

  private void addTag(RoutingContext ctx) {
    long hostId = Json.pathId(ctx, "id");
    HostTag tag = HostTag.from(Json.body(ctx), OffsetDateTime.now(clock));
    tags.add(hostId, tag, ApiKeyAuth.principalName(ctx)).onSuccess(added -> {
      if (added == null) {
        ctx.fail(HttpProblem.notFound("host " + hostId));
      } else {
        Json.send(ctx, 201, added);
      }
    }).onFailure(ctx::fail);
  }

  private void listTags(RoutingContext ctx) {
    long hostId = Json.pathId(ctx, "id");
    boolean history = "true".equals(ctx.queryParams().get("history"));
    hosts.find(hostId).compose(host -> host == null
            ? Future.failedFuture(HttpProblem.notFound("host " + hostId))
            : tags.list(hostId, history))
        .onSuccess(list -> Json.ok(ctx, new JsonObject().put("items", new JsonArray(new ArrayList<>(list)))))
        .onFailure(ctx::fail);
  }

  private void removeTag(RoutingContext ctx) {
    long hostId = Json.pathId(ctx, "id");
    long tagId = Json.pathId(ctx, "tag");
    tags.remove(hostId, tagId, ApiKeyAuth.principalName(ctx)).onSuccess(removed -> {
      if (removed) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.fail(HttpProblem.notFound("active tag " + tagId + " on host " + hostId));
      }
    }).onFailure(ctx::fail);
  }

  /** Who is acting: the name of the API key, recorded with tags. */

  private static void respond(RoutingContext ctx, JsonObject found, String what) {
    if (found == null) {
      ctx.fail(HttpProblem.notFound(what));
    } else {
      Json.ok(ctx, found);
    }
  }
}
