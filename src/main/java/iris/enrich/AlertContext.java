package iris.enrich;

import io.vertx.core.json.JsonObject;
import iris.knowledge.Keywords;
import java.util.List;
import java.util.Map;

/**
 * One kind of alert in one Alertmanager group: what an enrichment is about. Built from the
 * group's incidents of that alert name; labels and annotations are the first incident's.
 */
public record AlertContext(long groupId, String alertname, String severity, String service, String instance,
                           JsonObject labels, JsonObject annotations, List<Long> incidentIds, List<String> instances) {

  public String summary() {
    return annotations.getString("summary", "");
  }

  /** Without the instance: it varies per host, would defeat the embedding cache, and pulls no runbook. */
  public String description() {
    String text = cleanDescription(annotations.getString("description", annotations.getString("message", "")));
    return instance == null || instance.isBlank() ? text : text.replace(instance, "").replaceAll("\\(instance\\s*\\)", "").strip();
  }

  /**
   * The search query: the alert name whole and spelled out, its summary and description.
   * Where it fired (instance, job, service) is left to the infrastructure search, so it does
   * not pull unrelated runbooks.
   */
  public String query() {
    StringBuilder q = new StringBuilder(alertname).append(". ").append(Keywords.spelledOut(alertname)).append(". ");
    if (!summary().isBlank()) {
      q.append(stripInstance(summary())).append(". ");
    }
    if (!description().isBlank()) {
      q.append(description()).append(". ");
    }
    return q.toString().strip();
  }

  /**
   * What to look for in infrastructure docs: the host, the labels that say where the alert
   * comes from (service, job, component, namespace), and the alert spelled out. Those labels
   * stay out of the runbook query: "job postgres-exporter" would pull exporter runbooks.
   */
  public String infrastructureQuery() {
    StringBuilder q = new StringBuilder(instance == null ? "" : instance.replaceFirst(":\\d+$", ""));
    for (String label : List.of("service", "job", "component", "namespace")) {
      String value = labels.getString(label);
      if (value != null && !value.isBlank()) {
        q.append(' ').append(value);
      }
    }
    return q.append(' ').append(Keywords.spelledOut(alertname)).toString().strip();
  }

  /** Plain data for templates and prompts. */
  public Map<String, Object> toModel() {
    return Map.of(
        "name", alertname,
        "severity", severity == null ? "" : severity,
        "service", service == null ? "" : service,
        "instance", instance == null ? "" : instance,
        "summary", summary(),
        "description", description(),
        "count", incidentIds.size(),
        "instances", instances);
  }

  // awesome-prometheus-alerts style descriptions end with "VALUE = … LABELS = map[…]": noise for search and people.
  static String cleanDescription(String description) {
    return description.replaceAll("(?s)\\s*VALUE\\s*=.*$", "").replaceAll("\\s+", " ").strip();
  }

  private static String stripInstance(String summary) {
    return summary.replaceAll("\\s*\\(instance [^)]*\\)", "");
  }
}
