package iris.console;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.Scope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The incident list (live, filtered, paged, counted by severity) and an incident's page with its actions. */
final class IncidentPages {
  static final List<String> FILTERS = List.of("status", "severity", "alertname", "instance", "service", "since", "until");
  private static final List<String> SEVERITIES = List.of("critical", "error", "warning", "info");

  private final ConsoleWeb web;

  IncidentPages(ConsoleWeb web) {
    this.web = web;
  }

  void addRoutes(Router router) {
    router.get("/console/incidents").handler(ctx -> web.page(ctx, s -> list(ctx, s)));
    router.get("/console/incidents/:id").handler(ctx -> web.page(ctx, s -> show(ctx, s)));
    router.post("/console/incidents/:id/acknowledge").handler(ctx -> web.action(ctx, Scope.WRITE, s -> acknowledge(ctx, s)));
    router.post("/console/incidents/:id/notes").handler(ctx -> web.action(ctx, Scope.WRITE, s -> notes(ctx, s)));
    router.post("/console/incidents/:id/resolve").handler(ctx -> web.action(ctx, Scope.WRITE, s -> resolve(ctx, s)));
  }

  private void list(RoutingContext ctx, ConsoleSession session) {
    Map<String, String> filters = new LinkedHashMap<>();
    for (String name : FILTERS) {
      String value = ConsoleWeb.param(ctx, name);
      if (value != null) {
        filters.put(name, name.equals("since") || name.equals("until") ? rfc3339(value) : value);
      }
    }
    Map<String, String> query = new LinkedHashMap<>(filters);
    query.put("limit", "50");
    String cursor = ConsoleWeb.param(ctx, "cursor");
    if (cursor != null) {
      query.put("cursor", cursor);
    }
    Map<String, String> countQuery = new LinkedHashMap<>(filters);
    countQuery.remove("severity");
    web.onOk(ctx, session, web.api.get(session, "/api/v1/incidents", query), page ->
        web.onOk(ctx, session, web.api.get(session, "/api/v1/incidents/counts", countQuery), counts -> {
          Map<String, Object> model = new HashMap<>();
          model.put("incidents", Plain.of(page.json().getJsonArray("items", new JsonArray())));
          String next = page.json().getString("next");
          Map<String, String> shown = new LinkedHashMap<>();
          for (String name : FILTERS) {
            String raw = ConsoleWeb.param(ctx, name);
            shown.put(name, raw == null ? "" : raw);
          }
          model.put("filters", shown);
          model.put("filter_query", ConsoleApi.query(filters));
          if (next != null) {
            Map<String, String> nextQuery = new LinkedHashMap<>(filters);
            nextQuery.put("cursor", next);
            model.put("next_page", "/console/incidents" + ConsoleApi.query(nextQuery));
          }
          if (cursor != null) {
            model.put("first_page", "/console/incidents" + ConsoleApi.query(filters));
          }
          model.put("counts", severityCounts(counts.json()));
          model.put("total", counts.json().getLong("total", 0L));
          web.render(ctx, session, "console/incidents.ftlh", "incidents", model);
        }));
  }

  /** Known severities first in their order, then any others the alerts carry. */
  private static List<Map<String, Object>> severityCounts(JsonObject counts) {
    JsonObject by = counts.getJsonObject("by_severity", new JsonObject());
    List<Map<String, Object>> out = new ArrayList<>();
    for (String severity : SEVERITIES) {
      out.add(Map.of("severity", severity, "count", by.getLong(severity, 0L)));
    }
    by.forEach(e -> {
      if (!SEVERITIES.contains(e.getKey())) {
        out.add(Map.of("severity", e.getKey().isEmpty() ? "none" : e.getKey(), "count", e.getValue()));
      }
    });
    return out;
  }

  /** A browser's datetime-local value (no offset) is read as UTC; RFC 3339 passes as it is. */
  static String rfc3339(String value) {
    if (value.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}")) {
      return value + ":00Z";
    }
    if (value.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?")) {
      return value + "Z";
    }
    return value;
  }

  private void show(RoutingContext ctx, ConsoleSession session) {
    String id = web.id(ctx, session, "incident");
    if (id == null) {
      return;
    }
    web.onOk(ctx, session, web.api.get(session, "/api/v1/incidents/" + id), answer -> {
      JsonObject incident = answer.json();
      Map<String, Object> model = new HashMap<>();
      model.put("incident", Plain.of(incident));
      model.put("timeline", timeline(incident));
      JsonObject enrichment = incident.getJsonObject("enrichment");
      JsonObject context = enrichment == null ? new JsonObject() : enrichment.getJsonObject("context", new JsonObject());
      model.put("runbooks", Plain.of(context.getJsonArray("runbooks", new JsonArray())));
      model.put("past_incidents", Plain.of(context.getJsonArray("past_incidents", new JsonArray())));
      model.put("infrastructure", Plain.of(context.getJsonArray("infrastructure", new JsonArray())));
      model.put("recent", Plain.of(context.getJsonArray("recent_on_instance", new JsonArray())));
      model.put("deployments", Plain.of(context.getJsonArray("deployments", new JsonArray())));
      // iris.metrics puts the host's latest snapshot under context.metrics: {state, taken_at, lines, text, snapshot}
      JsonObject metrics = context.getJsonObject("metrics", new JsonObject());
      model.put("snapshot", metrics.getString("text", "").isBlank() ? Map.of()
          : Map.of("state", metrics.getString("state", ""), "taken_at", metrics.getString("taken_at", ""),
              "text", metrics.getString("text", "")));
      web.render(ctx, session, "console/incident.ftlh", "incidents", model);
    });
  }

  /** What happened to the incident, in time order, from what its record says. */
  static List<Map<String, Object>> timeline(JsonObject incident) {
    List<Map<String, Object>> events = new ArrayList<>();
    add(events, incident.getString("starts_at"), "Started firing (Alertmanager's startsAt)");
    add(events, incident.getString("first_seen_at"), "Received by Iris");
    JsonArray deliveries = incident.getJsonArray("deliveries", new JsonArray());
    for (Object o : deliveries) {
      JsonObject d = (JsonObject) o;
      String what = d.getString("kind", "") + " message to " + d.getString("recipient", "?") + " by " + d.getString("channel", "?");
      if (d.getString("sent_at") != null) {
        add(events, d.getString("sent_at"), "Sent " + what + attempts(d));
      } else if ("failed".equals(d.getString("state"))) {
        add(events, d.getString("next_attempt_at"), "Failed: " + what + attempts(d)
            + (d.getString("last_error") == null ? "" : ": " + d.getString("last_error")));
      }
    }
    if (incident.getString("acknowledged_at") != null) {
      add(events, incident.getString("acknowledged_at"), "Acknowledged by " + incident.getString("acknowledged_by", "?"));
    }
    if ("resolved".equals(incident.getString("status"))) {
      add(events, incident.getString("ends_at"), "Resolved" + ("manual".equals(incident.getString("resolved_by")) ? " by hand" : " (Alertmanager)"));
    }
    add(events, incident.getString("last_seen_at"), "Last notification from Alertmanager (" + incident.getInteger("delivery_count", 1) + " in all)");
    events.sort(Comparator.comparing(e -> (String) e.get("at")));
    return events;
  }

  private static String attempts(JsonObject delivery) {
    int attempts = delivery.getInteger("attempts", 0);
    return attempts > 1 ? " after " + attempts + " attempts" : "";
  }

  private static void add(List<Map<String, Object>> events, String at, String what) {
    if (at != null) {
      events.add(Map.of("at", at, "what", what));
    }
  }

  private void acknowledge(RoutingContext ctx, ConsoleSession session) {
    String id = ctx.pathParam("id");
    patch(ctx, session, id, new JsonObject().put("acknowledged_by", session.keyName()));
  }

  private void notes(RoutingContext ctx, ConsoleSession session) {
    String id = ctx.pathParam("id");
    JsonObject body = new JsonObject();
    String notes = ConsoleWeb.form(ctx, "resolution_notes");
    String rootCause = ConsoleWeb.form(ctx, "root_cause");
    if (notes != null) {
      body.put("resolution_notes", notes);
    }
    if (rootCause != null) {
      body.put("root_cause", rootCause);
    }
    if (body.isEmpty()) {
      web.error(ctx, session, 400, "Nothing to save", "Write notes or a root cause first.");
      return;
    }
    patch(ctx, session, id, body);
  }

  private void patch(RoutingContext ctx, ConsoleSession session, String id, JsonObject body) {
    if (!id.matches("\\d{1,18}")) {
      web.error(ctx, session, 404, "Not found", "There is no incident " + id + ".");
      return;
    }
    web.onOk(ctx, session, web.api.send(session, HttpMethod.PATCH, "/api/v1/incidents/" + id, body),
        a -> ConsoleWeb.redirect(ctx, "/console/incidents/" + id));
  }

  private void resolve(RoutingContext ctx, ConsoleSession session) {
    String id = web.id(ctx, session, "incident");
    if (id == null) {
      return;
    }
    String note = ConsoleWeb.form(ctx, "note");
    JsonObject body = note == null ? new JsonObject() : new JsonObject().put("note", note);
    web.onOk(ctx, session, web.api.send(session, HttpMethod.POST, "/api/v1/incidents/" + id + "/resolve", body),
        a -> ConsoleWeb.redirect(ctx, "/console/incidents/" + id));
  }
}
