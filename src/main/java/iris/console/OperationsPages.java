package iris.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.Scope;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Maintenance windows (list, preview and create, extend, end, cancel) and the deployments' audit trail. */
final class OperationsPages {
  private final ConsoleWeb web;

  OperationsPages(ConsoleWeb web) {
    this.web = web;
  }

  void addRoutes(Router router) {
    router.get("/console/maintenance").handler(ctx -> web.page(ctx, s -> windows(ctx, s, null, null)));
    router.post("/console/maintenance").handler(ctx -> web.action(ctx, Scope.WRITE, s -> create(ctx, s)));
    router.get("/console/maintenance/:id").handler(ctx -> web.page(ctx, s -> window(ctx, s)));
    router.post("/console/maintenance/:id/:action").handler(ctx -> web.action(ctx, Scope.WRITE, s -> act(ctx, s)));
    router.get("/console/deployments").handler(ctx -> web.page(ctx, s -> deployments(ctx, s)));
    router.get("/console/digests/:id").handler(ctx -> web.page(ctx, s -> digest(ctx, s)));
  }

  /**
   * A digest's full report (its email's HTML), where a digest card links: read with the
   * session's key. The report is escaped HTML with inline styles and no scripts; its own policy
   * allows exactly that.
   */
  private void digest(RoutingContext ctx, ConsoleSession session) {
    String id = web.id(ctx, session, "digest");
    if (id == null) {
      return;
    }
    web.onOk(ctx, session, web.api.get(session, "/api/v1/digests/" + id + "/html"), answer -> web.html(ctx, 200,
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        answer.body()));
  }

  private void windows(RoutingContext ctx, ConsoleSession session, JsonObject preview, Map<String, String> draft) {
    Map<String, String> query = ConsoleApi.params("limit", "100", "state", ConsoleWeb.param(ctx, "state"));
    web.onOk(ctx, session, web.api.get(session, "/api/v1/maintenance-windows", query), answer -> {
      Map<String, Object> model = new HashMap<>();
      model.put("windows", Plain.of(answer.json().getJsonArray("items", new JsonArray())));
      model.put("draft", draft == null ? Map.of() : draft);
      if (preview != null) {
        model.put("preview", Plain.of(preview));
      }
      web.render(ctx, session, "console/maintenance.ftlh", "maintenance", model);
    });
  }

  private void create(RoutingContext ctx, ConsoleSession session) {
    Map<String, String> draft = new HashMap<>();
    for (String field : new String[] {"title", "hosts", "services", "starts_at", "ends_at", "reason", "description"}) {
      String value = ConsoleWeb.form(ctx, field);
      draft.put(field, value == null ? "" : value);
    }
    JsonObject body = new JsonObject().put("title", draft.get("title"));
    JsonObject scope = new JsonObject();
    list(scope, "hosts", draft.get("hosts"));
    list(scope, "services", draft.get("services"));
    body.put("scope", scope);
    if (!draft.get("starts_at").isEmpty()) {
      body.put("starts_at", IncidentPages.rfc3339(draft.get("starts_at")));
    } else {
      body.put("type", "emergency");
    }
    body.put("ends_at", IncidentPages.rfc3339(draft.get("ends_at")));
    if (!draft.get("reason").isEmpty()) {
      body.put("reason", draft.get("reason"));
    }
    if (!draft.get("description").isEmpty()) {
      body.put("description", draft.get("description"));
    }
    if (ConsoleWeb.form(ctx, "preview") != null) {
      web.onOk(ctx, session, web.api.send(session, HttpMethod.POST, "/api/v1/maintenance-windows/preview", body),
          a -> windows(ctx, session, a.json(), draft));
      return;
    }
    web.onOk(ctx, session, web.api.send(session, HttpMethod.POST, "/api/v1/maintenance-windows", body),
        a -> ConsoleWeb.redirect(ctx, "/console/maintenance/" + a.json().getLong("id")));
  }

  private void window(RoutingContext ctx, ConsoleSession session) {
    String id = RegistryPages.digits(ctx.pathParam("id"));
    web.onOk(ctx, session, web.api.get(session, "/api/v1/maintenance-windows/" + id), answer -> {
      Map<String, Object> model = new HashMap<>();
      model.put("window", Plain.of(answer.json()));
      web.render(ctx, session, "console/window.ftlh", "maintenance", model);
    });
  }

  private void act(RoutingContext ctx, ConsoleSession session) {
    String id = RegistryPages.digits(ctx.pathParam("id"));
    String action = ctx.pathParam("action");
    JsonObject body = new JsonObject();
    String reason = ConsoleWeb.form(ctx, "reason");
    if (reason != null) {
      body.put("reason", reason);
    }
    switch (action) {
      case "extend" -> body.put("by", ConsoleWeb.form(ctx, "by") == null ? "PT30M" : ConsoleWeb.form(ctx, "by"));
      case "end", "cancel", "start" -> { }
      default -> {
        web.error(ctx, session, 404, "Not found", "A window cannot " + action + ".");
        return;
      }
    }
    web.onOk(ctx, session, web.api.send(session, HttpMethod.POST, "/api/v1/maintenance-windows/" + id + "/" + action, body),
        a -> ConsoleWeb.redirect(ctx, "/console/maintenance/" + id));
  }

  private void deployments(RoutingContext ctx, ConsoleSession session) {
    Map<String, String> query = ConsoleApi.params("limit", "200", "service", ConsoleWeb.param(ctx, "service"),
        "environment", ConsoleWeb.param(ctx, "environment"));
    web.onOk(ctx, session, web.api.get(session, "/api/v1/deployments", query), answer -> {
      Map<String, Object> model = new HashMap<>();
      model.put("deployments", Plain.of(answer.json().getJsonArray("items", new JsonArray())));
      model.put("service", ConsoleWeb.param(ctx, "service") == null ? "" : ConsoleWeb.param(ctx, "service"));
      model.put("environment", ConsoleWeb.param(ctx, "environment") == null ? "" : ConsoleWeb.param(ctx, "environment"));
      web.render(ctx, session, "console/deployments.ftlh", "deployments", model);
    });
  }

  private static void list(JsonObject json, String name, String value) {
    if (value != null && !value.isBlank()) {
      json.put(name, new JsonArray(Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()));
    }
  }
}
