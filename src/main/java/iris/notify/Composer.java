package iris.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.notify.Notification.AlertLine;
import iris.notify.Notification.Finding;
import iris.notify.Notification.Link;
import iris.http.SignedLinks;
import iris.incident.Pipeline;
import iris.notify.NotifyStore.Pending;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * Writes the one message for a group's incidents (to one recipient), whatever alert names it
 * holds: the enrichment of the most severe alert first, then that of each other alert name,
 * every alert as a line, and the links an operator follows.
 */
final class Composer {
  private static final List<String> SEVERITY_ORDER = List.of("critical", "error", "warning", "info");

  private Composer() {}

  static Notification compose(long groupId, String kind, List<Pending> incidents) {
    return compose(groupId, kind, incidents, SignedLinks.none());
  }

  /** With the console's links: the lead incident's page and, while firing, its one-click actions. */
  static Notification compose(long groupId, String kind, List<Pending> incidents, SignedLinks console) {
    List<Pending> sorted = new ArrayList<>(incidents);
    sorted.sort(Comparator.comparingInt((Pending p) -> rank(p.severity())).thenComparing(Pending::id));
    Pending lead = sorted.get(0);
    JsonObject enrichment = lead.enrichment() == null ? new JsonObject() : lead.enrichment();
    Set<String> names = new LinkedHashSet<>();
    sorted.forEach(p -> names.add(p.alertname()));
    String where = lead.instance() == null ? "" : " on " + lead.instance();
    String more = incidents.size() > 1 ? " (" + incidents.size() + " alerts)" : "";
    boolean resolved = "resolved".equals(kind);
    String again = resolved ? null : sorted.stream().map(Pending::note)
        .filter(n -> n != null && n.startsWith(Pipeline.STILL_FIRING)).findFirst().orElse(null);
    String title = (resolved ? "Resolved: " : again != null ? "Still firing after maintenance: " : "")
        + String.join(", ", names) + where + more;
    String summary = enrichment.getString("summary",
        lead.annotations().getString("summary", lead.annotations().getString("description", lead.alertname())));
    if (again != null) {
      summary = again.substring(0, 1).toUpperCase() + again.substring(1) + ". " + summary;
    }
    JsonArray deployed = enrichment.getJsonObject("context", new JsonObject()).getJsonArray("deployments", new JsonArray());
    if (!resolved && !deployed.isEmpty()) {
      summary = summary + " Recent deployment: " + deployed.getJsonObject(0).getString("text") + ".";
    }
    List<String> steps = enrichment.getJsonArray("remediation", new JsonArray()).stream().map(String::valueOf).toList();
    List<AlertLine> lines = sorted.stream().map(p -> new AlertLine(p.alertname(), p.instance(), p.severity(),
        p.startsAt() == null ? null : p.startsAt().toInstant())).toList();
    Duration duration = null;
    if (resolved) {
      duration = sorted.stream().filter(p -> p.endsAt() != null && p.startsAt() != null)
          .map(p -> Duration.between(p.startsAt(), p.endsAt())).max(Comparator.naturalOrder()).orElse(null);
    }
    return new Notification(groupId, kind, lead.severity() == null ? "" : lead.severity(), title,
        resolved ? "Resolved after " + (duration == null ? "an unknown time" : HumanDuration.of(duration)) + ". " + summary : summary,
        resolved ? "" : enrichment.getString("probable_cause", ""), resolved ? List.of() : steps, lines,
        links(lead, console, resolved), enrichment.getString("generated_by", "template"), duration,
        resolved ? List.of() : others(sorted, lead.alertname()));
  }

  /** One finding per other alert name, in the order of their most severe alert. */
  private static List<Finding> others(List<Pending> sorted, String leadName) {
    Map<String, Pending> firstByName = new LinkedHashMap<>();
    sorted.forEach(p -> firstByName.putIfAbsent(p.alertname(), p));
    firstByName.remove(leadName);
    List<Finding> findings = new ArrayList<>();
    firstByName.values().forEach(p -> {
      JsonObject e = p.enrichment() == null ? new JsonObject() : p.enrichment();
      String runbook = p.annotations().getString("runbook_url");
      findings.add(new Finding(p.alertname(),
          e.getString("summary", p.annotations().getString("summary", p.annotations().getString("description", ""))),
          e.getString("probable_cause", ""),
          e.getJsonArray("remediation", new JsonArray()).stream().map(String::valueOf).toList(),
          runbook != null && runbook.startsWith("http") ? new Link("Runbook", runbook) : null));
    });
    return findings;
  }

  /**
   * The console's first (Teams shows five buttons: its page and actions, then the runbook), then
   * Prometheus and Alertmanager.
   */
  private static List<Link> links(Pending lead, SignedLinks console, boolean resolved) {
    List<Link> links = new ArrayList<>();
    console.incidentPage(lead.id()).ifPresent(url -> links.add(new Link("Open in Iris", url)));
    if (!resolved) {
      for (SignedLinks.Action action : SignedLinks.Action.values()) {
        console.actionLink(lead.id(), action).ifPresent(url -> links.add(new Link(action.title(), url)));
      }
    }
    String runbook = lead.annotations().getString("runbook_url");
    boolean runbookFirst = !links.isEmpty() && runbook != null && runbook.startsWith("http");
    if (runbookFirst) {
      links.add(new Link("Runbook", runbook));
    }
    if (lead.generatorUrl() != null && lead.generatorUrl().startsWith("http")) {
      links.add(new Link("Prometheus", lead.generatorUrl()));
    }
    if (lead.externalUrl() != null && lead.externalUrl().startsWith("http")) {
      links.add(new Link("Alertmanager", lead.externalUrl()));
    }
    if (!runbookFirst && runbook != null && runbook.startsWith("http")) {
      links.add(new Link("Runbook", runbook));
    }
    return links;
  }

  static int rank(String severity) {
    int i = severity == null ? -1 : SEVERITY_ORDER.indexOf(severity.toLowerCase());
    return i < 0 ? SEVERITY_ORDER.size() : i;
  }
}
