package iris.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Alertmanager webhook v4 payloads, shaped as Alertmanager sends them. */
public final class Payloads {
  public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private Payloads() {}

  public static JsonObject alert(String fingerprint, String alertname, String instance, String severity,
      String status, Instant startsAt, Instant endsAt) {
    return new JsonObject()
        .put("status", status)
        .put("labels", new JsonObject().put("alertname", alertname).put("instance", instance)
            .put("severity", severity).put("job", "node"))
        .put("annotations", new JsonObject().put("summary", alertname + " on " + instance)
            .put("description", "Test alert " + alertname))
        .put("startsAt", startsAt.toString())
        .put("endsAt", endsAt == null ? ZERO_TIME : endsAt.toString())
        .put("generatorURL", "http://prometheus:9090/graph?g0.expr=up")
        .put("fingerprint", fingerprint);
  }

  public static JsonObject firing(String fingerprint, String alertname, String instance, Instant startsAt) {
    return alert(fingerprint, alertname, instance, "critical", "firing", startsAt, null);
  }

  public static JsonObject resolved(String fingerprint, String alertname, String instance, Instant startsAt, Instant endsAt) {
    return alert(fingerprint, alertname, instance, "critical", "resolved", startsAt, endsAt);
  }

  public static JsonObject webhook(String groupKey, JsonObject... alerts) {
    JsonArray list = new JsonArray();
    boolean allResolved = true;
    for (JsonObject a : alerts) {
      list.add(a);
      allResolved &= "resolved".equals(a.getString("status"));
    }
    return new JsonObject()
        .put("version", "4")
        .put("groupKey", groupKey)
        .put("truncatedAlerts", 0)
        .put("status", allResolved && alerts.length > 0 ? "resolved" : "firing")
        .put("receiver", "iris")
        .put("groupLabels", new JsonObject().put("alertname", alerts.length > 0 ? alerts[0].getJsonObject("labels").getString("alertname") : "none"))
        .put("commonLabels", new JsonObject().put("job", "node"))
        .put("commonAnnotations", new JsonObject())
        .put("externalURL", "http://alertmanager:9093")
        .put("alerts", list);
  }
}
