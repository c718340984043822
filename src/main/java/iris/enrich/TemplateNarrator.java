package iris.enrich;

import io.vertx.core.Future;
import iris.Templates;
import iris.knowledge.SearchResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Composes the narrative from the best runbook with {@code templates/enrichment/narrative.json.ftl}:
 * the default without an LLM, and the fallback when the LLM fails. The template renders JSON,
 * so operators choose every field's wording.
 */
public final class TemplateNarrator implements Narrator {
  static final String TEMPLATE = "enrichment/narrative.json.ftl";

  private final Templates templates;

  public TemplateNarrator(Templates templates) {
    this.templates = templates;
  }

  @Override
  public Future<Narrative> write(AlertContext alert, Retrieved context) {
    try {
      String json = templates.render(TEMPLATE, model(alert, context));
      return Future.succeededFuture(Narrative.parse(json, "template", null));
    } catch (Exception e) {
      return Future.failedFuture(new IllegalStateException("template " + TEMPLATE + " failed: " + e.getMessage(), e));
    }
  }

  static Map<String, Object> model(AlertContext alert, Retrieved context) {
    Map<String, Object> model = new HashMap<>();
    model.put("alert", alert.toModel());
    SearchResult best = context.bestRunbook();
    if (best != null && context.bestRunbookContent() != null) {
      RunbookSections sections = RunbookSections.parse(context.bestRunbookContent());
      model.put("runbook", Map.of("id", best.documentId(), "title", best.title(), "meaning", sections.meaning(),
          "causes", sections.causes(), "remediation", sections.remediation(), "escalation", sections.escalation()));
    }
    model.put("past_incidents", documents(context.pastIncidents()));
    model.put("infrastructure", documents(context.infrastructure()));
    model.put("recent", context.recentOnInstance().stream().map(o -> o.getMap()).toList());
    model.put("owner", plain(context.owner()));
    model.put("deployments", context.deployments().stream().map(d -> d.getString("text")).toList());
    model.put("host_health", context.hostLines());
    List<SearchResult> all = new ArrayList<>(context.runbooks());
    all.addAll(context.pastIncidents());
    all.addAll(context.infrastructure());
    model.put("references", documents(all));
    return model;
  }

  /** JSON to plain maps and lists, the only data the sandboxed templates accept. */
  private static Object plain(Object value) {
    if (value instanceof io.vertx.core.json.JsonObject o) {
      Map<String, Object> out = new HashMap<>();
      o.forEach(e -> out.put(e.getKey(), plain(e.getValue())));
      return out;
    }
    if (value instanceof io.vertx.core.json.JsonArray a) {
      return a.stream().map(TemplateNarrator::plain).toList();
    }
    return value == null ? "" : value;
  }

  private static List<Map<String, Object>> documents(List<SearchResult> results) {
    return results.stream().map(r -> Map.<String, Object>of("id", r.documentId(), "collection", r.collection().id(),
        "title", r.title(), "snippet", r.snippet())).toList();
  }
}
