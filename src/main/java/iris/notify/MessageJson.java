package iris.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.notify.Notification.AlertLine;
import iris.notify.Notification.Finding;
import iris.notify.Notification.Link;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A message as the outbox stores it, so every retry sends the same message. */
final class MessageJson {
  private MessageJson() {}

  static JsonObject of(Message message) {
    if (message instanceof Report r) {
      return new JsonObject().put("type", "report").put("title", r.title()).put("card", r.card())
          .put("subject", r.subject()).put("text", r.text()).put("html", r.html());
    }
    return message instanceof Notification n ? notification(n) : notice((Notice) message);
  }

  static Message from(JsonObject o) {
    return switch (String.valueOf(o.getString("type"))) {
      case "notice" -> notice(o);
      case "report" -> new Report(o.getString("title"), o.getJsonObject("card"), o.getString("subject"), o.getString("text"),
          o.getString("html"));
      default -> notification(o);
    };
  }

  private static JsonObject notification(Notification n) {
    JsonArray alerts = new JsonArray();
    n.alerts().forEach(a -> alerts.add(new JsonObject().put("alertname", a.alertname()).put("instance", a.instance())
        .put("severity", a.severity()).put("since", a.since() == null ? null : a.since().toString())));
    JsonArray others = new JsonArray();
    n.others().forEach(f -> others.add(new JsonObject().put("alertname", f.alertname()).put("summary", f.summary())
        .put("probable_cause", f.probableCause()).put("remediation", new JsonArray(new ArrayList<>(f.remediation())))
        .put("runbook", f.runbook() == null ? null : link(f.runbook()))));
    return new JsonObject().put("type", "notification").put("group_id", n.groupId()).put("state", n.state())
        .put("severity", n.severity()).put("title", n.title()).put("summary", n.summary()).put("probable_cause", n.probableCause())
        .put("remediation", new JsonArray(new ArrayList<>(n.remediation()))).put("alerts", alerts).put("links", links(n.links()))
        .put("generated_by", n.generatedBy()).put("duration_seconds", n.duration() == null ? null : n.duration().toSeconds())
        .put("others", others).put("host", n.host()).put("extent", extent(n.extent()));
  }

  private static JsonObject extent(Notification.Extent e) {
    JsonArray counts = new JsonArray();
    e.counts().forEach(c -> counts.add(new JsonObject().put("alertname", c.alertname()).put("severity", c.severity())
        .put("alerts", c.alerts())));
    return new JsonObject().put("alerts", e.alerts()).put("counts", counts).put("not_sent", e.notSent());
  }

  private static Notification.Extent extent(JsonObject o, int lines) {
    if (o == null) {
      return new Notification.Extent(lines, List.of(), 0);
    }
    List<Notification.Count> counts = new ArrayList<>();
    o.getJsonArray("counts", new JsonArray()).forEach(x -> {
      JsonObject c = (JsonObject) x;
      counts.add(new Notification.Count(c.getString("alertname"), c.getString("severity"), c.getInteger("alerts", 0)));
    });
    return new Notification.Extent(o.getInteger("alerts", lines), counts, o.getInteger("not_sent", 0));
  }

  private static Notification notification(JsonObject o) {
    List<AlertLine> alerts = new ArrayList<>();
    o.getJsonArray("alerts", new JsonArray()).forEach(x -> {
      JsonObject a = (JsonObject) x;
      alerts.add(new AlertLine(a.getString("alertname"), a.getString("instance"), a.getString("severity"),
          a.getString("since") == null ? null : Instant.parse(a.getString("since"))));
    });
    List<Finding> others = new ArrayList<>();
    o.getJsonArray("others", new JsonArray()).forEach(x -> {
      JsonObject f = (JsonObject) x;
      others.add(new Finding(f.getString("alertname"), f.getString("summary"), f.getString("probable_cause"),
          steps(f), f.getJsonObject("runbook") == null ? null : link(f.getJsonObject("runbook"))));
    });
    Long seconds = o.getLong("duration_seconds");
    return new Notification(o.getLong("group_id"), o.getString("state"), o.getString("severity"), o.getString("title"),
        o.getString("summary"), o.getString("probable_cause"), steps(o), alerts, links(o), o.getString("generated_by"),
        seconds == null ? null : Duration.ofSeconds(seconds), others, o.getString("host", ""),
        extent(o.getJsonObject("extent"), alerts.size()));
  }

  private static JsonObject notice(Notice n) {
    JsonObject facts = new JsonObject();
    n.facts().forEach(facts::put);
    return new JsonObject().put("type", "notice").put("title", n.title()).put("text", n.text()).put("good", n.good())
        .put("facts", facts).put("link", n.link() == null ? null : link(n.link()));
  }

  private static Notice notice(JsonObject o) {
    Map<String, String> facts = new LinkedHashMap<>();
    o.getJsonObject("facts", new JsonObject()).forEach(e -> facts.put(e.getKey(), String.valueOf(e.getValue())));
    return new Notice(o.getString("title"), o.getString("text"), o.getBoolean("good", false), facts,
        o.getJsonObject("link") == null ? null : link(o.getJsonObject("link")));
  }

  private static List<String> steps(JsonObject o) {
    return o.getJsonArray("remediation", new JsonArray()).stream().map(String::valueOf).toList();
  }

  private static JsonArray links(List<Link> links) {
    JsonArray out = new JsonArray();
    links.forEach(l -> out.add(link(l)));
    return out;
  }

  private static List<Link> links(JsonObject o) {
    List<Link> links = new ArrayList<>();
    o.getJsonArray("links", new JsonArray()).forEach(x -> links.add(link((JsonObject) x)));
    return links;
  }

  private static JsonObject link(Link l) {
    return new JsonObject().put("title", l.title()).put("url", l.url());
  }

  private static Link link(JsonObject o) {
    return new Link(o.getString("title"), o.getString("url"));
  }
}
