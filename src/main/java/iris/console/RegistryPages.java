package iris.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.Scope;
import java.util.HashMap;
import java.util.Map;

/** Hosts: the registry with maintainers and services; a host with its tags (add with an expiry, remove). */
final class RegistryPages {
  private final ConsoleWeb web;

  RegistryPages(ConsoleWeb web) {
    this.web = web;
  }

  void addRoutes(Router router) {
    router.get("/console/hosts").handler(ctx -> web.page(ctx, s -> list(ctx, s)));
    router.get("/console/hosts/:id").handler(ctx -> web.page(ctx, s -> show(ctx, s)));
    router.post("/console/hosts/:id/tags").handler(ctx -> web.action(ctx, Scope.WRITE, s -> addTag(ctx, s)));
    router.post("/console/hosts/:id/tags/:tag/remove").handler(ctx -> web.action(ctx, Scope.WRITE, s -> removeTag(ctx, s)));
  }

  private void list(RoutingContext ctx, ConsoleSession session) {
    Map<String, String> query = ConsoleApi.params("limit", "200", "cursor", ConsoleWeb.param(ctx, "cursor"),
        "environment", ConsoleWeb.param(ctx, "environment"), "service", ConsoleWeb.param(ctx, "service"));
    web.onOk(ctx, session, web.api.get(session, "/api/v1/hosts", query), hosts ->
        web.onOk(ctx, session, web.api.get(session, "/api/v1/maintainers", ConsoleApi.params("limit", "500")), maintainers ->
            web.onOk(ctx, session, web.api.get(session, "/api/v1/services", ConsoleApi.params("limit", "500")), services -> {
              Map<String, Object> model = new HashMap<>();
              model.put("hosts", Plain.of(hosts.json().getJsonArray("items", new JsonArray())));
              String next = hosts.json().getString("next");
              if (next != null) {
                model.put("next_page", "/console/hosts?cursor=" + ConsoleApi.encode(next));
              }
              model.put("maintainers", Plain.of(maintainers.json().getJsonArray("items", new JsonArray())));
              model.put("services", Plain.of(services.json().getJsonArray("items", new JsonArray())));
              web.render(ctx, session, "console/hosts.ftlh", "hosts", model);
            })));
  }

  private void show(RoutingContext ctx, ConsoleSession session) {
    String id = web.id(ctx, session, "host");
    if (id == null) {
      return;
    }
    web.onOk(ctx, session, web.api.get(session, "/api/v1/hosts/" + id), host ->
        web.onOk(ctx, session, web.api.get(session, "/api/v1/hosts/" + id + "/tags", ConsoleApi.params("history", "true")), tags -> {
          Map<String, Object> model = new HashMap<>();
          model.put("host", Plain.of(host.json()));
          JsonArray all = tags.json().getJsonArray("items", tags.json().getJsonArray("tags", new JsonArray()));
          JsonArray active = new JsonArray();
          JsonArray past = new JsonArray();
          all.forEach(t -> (((JsonObject) t).getBoolean("active", true) ? active : past).add(t));
          model.put("tags", Plain.of(active));
          model.put("past_tags", Plain.of(past));
          // The latest metrics snapshot of the last day; a host without one (or a failing read) shows none.
          web.api.get(session, "/api/v1/hosts/" + id + "/snapshots").onComplete(snapshots -> {
            JsonArray items = snapshots.succeeded() && snapshots.result().ok()
                ? snapshots.result().json().getJsonArray("items", new JsonArray()) : new JsonArray();
            model.put("snapshot", items.isEmpty() ? Map.of() : Plain.of(items.getJsonObject(items.size() - 1)));
            web.render(ctx, session, "console/host.ftlh", "hosts", model);
          });
        }));
  }

  private void addTag(RoutingContext ctx, ConsoleSession session) {
    String id = ctx.pathParam("id");
    JsonObject tag = new JsonObject().put("type", ConsoleWeb.form(ctx, "type"));
    String name = ConsoleWeb.form(ctx, "name");
    if (name != null) {
      tag.put("name", name);
    }
    String reason = ConsoleWeb.form(ctx, "reason");
    if (reason != null) {
      tag.put("reason", reason);
    }
    String expires = ConsoleWeb.form(ctx, "expires_at");
    if (expires != null) {
      tag.put("expires_at", IncidentPages.rfc3339(expires));
    }
    web.onOk(ctx, session, web.api.send(session, HttpMethod.POST, "/api/v1/hosts/" + digits(id) + "/tags", tag),
        a -> ConsoleWeb.redirect(ctx, "/console/hosts/" + digits(id)));
  }

  private void removeTag(RoutingContext ctx, ConsoleSession session) {
    String id = digits(ctx.pathParam("id"));
    String tag = digits(ctx.pathParam("tag"));
    web.onOk(ctx, session, web.api.send(session, HttpMethod.DELETE, "/api/v1/hosts/" + id + "/tags/" + tag, null),
        a -> ConsoleWeb.redirect(ctx, "/console/hosts/" + id));
  }

  /** A path id as the API takes it; anything else becomes one it answers 404 to. */
  static String digits(String id) {
    return id != null && id.matches("\\d{1,18}") ? id : "0";
  }
}
