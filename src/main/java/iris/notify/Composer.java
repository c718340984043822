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
import java.util.LinkedHashSet;
import java.util.Locale;
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
    return compose(groupId, Draft.of(kind, null, incidents), console);
  }

  /** The message of a draft: its lines and findings from the sample it kept, its size from its counts. */
  static Notification compose(long groupId, Draft draft, SignedLinks console) {
    String kind = draft.kind;
    List<Pending> sorted = draft.lines();
    Pending lead = sorted.get(0);
    JsonObject enrichment = lead.enrichment() == null ? new JsonObject() : lead.enrichment();
    Set<String> names = new LinkedHashSet<>();
    draft.firstOfEachName().forEach(p -> names.add(p.alertname()));
    String where = lead.instance() == null ? "" : " on " + lead.instance();
    int total = draft.size() + draft.notSent();
    String more = total > 1 ? " (" + String.format(Locale.ROOT, "%,d", total) + " alerts)" : "";
    boolean resolved = "resolved".equals(kind);
    String again = resolved ? null : draft.stillFiring();
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
    String host = resolved ? "" : host(enrichment);
    List<AlertLine> lines = sorted.stream().map(p -> new AlertLine(p.alertname(), p.instance(), p.severity(),
        p.startsAt() == null ? null : p.startsAt().toInstant())).toList();
    Duration duration = resolved ? draft.longest() : null;
    return new Notification(groupId, kind, lead.severity() == null ? "" : lead.severity(), title,
        resolved ? "Resolved after " + (duration == null ? "an unknown time" : HumanDuration.of(duration)) + ". " + summary : summary,
        resolved ? "" : enrichment.getString("probable_cause", ""), resolved ? List.of() : steps, lines,
        links(lead, console, resolved), enrichment.getString("generated_by", "template"), duration,
        resolved ? List.of() : others(draft.firstOfEachName(), lead.alertname()), host,
        new Notification.Extent(draft.size(), draft.counts(), draft.notSent()));
  }

  /** "db1: disk / 91 % (critical), +1.2 %/day, full in ~7 days", from the host's latest snapshot; "" without one. */
  static String host(JsonObject enrichment) {
    JsonObject metrics = enrichment.getJsonObject("context", new JsonObject()).getJsonObject("metrics", new JsonObject());
    String text = metrics.getString("text", "");
    if (text.isBlank()) {
      return "";
    }
    String hostname = metrics.getJsonObject("snapshot", new JsonObject()).getString("hostname", "");
    return hostname.isBlank() ? text : hostname + ": " + text;
  }

  /** One finding per other alert name, in the order of their most severe alert. */
  private static List<Finding> others(List<Pending> firstOfEachName, String leadName) {
    List<Finding> findings = new ArrayList<>();
    firstOfEachName.stream().filter(p -> !p.alertname().equals(leadName)).forEach(p -> {
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
