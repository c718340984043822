package iris.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.notify.Notification.AlertLine;
import iris.notify.Notification.Link;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A notification as stored with its delivery, so every retry sends the same message. */
final class NotificationJson {
  private NotificationJson() {}

  static JsonObject of(Notification n) {
    JsonArray alerts = new JsonArray();
    n.alerts().forEach(a -> alerts.add(new JsonObject().put("alertname", a.alertname()).put("instance", a.instance())
        .put("severity", a.severity()).put("since", a.since() == null ? null : a.since().toString())));
    JsonArray links = new JsonArray();
    n.links().forEach(l -> links.add(new JsonObject().put("title", l.title()).put("url", l.url())));
    return new JsonObject().put("group_id", n.groupId()).put("state", n.state()).put("severity", n.severity())
        .put("title", n.title()).put("summary", n.summary()).put("probable_cause", n.probableCause())
        .put("remediation", new JsonArray(new ArrayList<>(n.remediation()))).put("alerts", alerts).put("links", links)
        .put("generated_by", n.generatedBy()).put("duration_seconds", n.duration() == null ? null : n.duration().toSeconds());
  }

  static Notification from(JsonObject o) {
    List<AlertLine> alerts = new ArrayList<>();
    o.getJsonArray("alerts", new JsonArray()).forEach(x -> {
      JsonObject a = (JsonObject) x;
      alerts.add(new AlertLine(a.getString("alertname"), a.getString("instance"), a.getString("severity"),
          a.getString("since") == null ? null : Instant.parse(a.getString("since"))));
    });
    List<Link> links = new ArrayList<>();
    o.getJsonArray("links", new JsonArray()).forEach(x -> links.add(new Link(((JsonObject) x).getString("title"), ((JsonObject) x).getString("url"))));
    List<String> steps = o.getJsonArray("remediation", new JsonArray()).stream().map(String::valueOf).toList();
    Long seconds = o.getLong("duration_seconds");
    return new Notification(o.getLong("group_id"), o.getString("state"), o.getString("severity"), o.getString("title"),
        o.getString("summary"), o.getString("probable_cause"), steps, alerts, links, o.getString("generated_by"),
        seconds == null ? null : Duration.ofSeconds(seconds));
  }
}
