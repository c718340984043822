package iris.incident;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** How an incident row looks in the API. */
final class IncidentJson {
  private IncidentJson() {}

  static JsonObject of(Row row) {
    JsonObject json = new JsonObject()
        .put("id", row.getLong("id"))
        .put("fingerprint", row.getString("fingerprint"))
        .put("status", row.getString("status"))
        .put("alertname", row.getString("alertname"))
        .put("severity", row.getString("severity"))
        .put("instance", row.getString("instance"))
        .put("service", row.getString("service"))
        .put("labels", row.getValue("labels"))
        .put("annotations", row.getValue("annotations"))
        .put("starts_at", time(row.getOffsetDateTime("starts_at")))
        .put("ends_at", time(row.getOffsetDateTime("ends_at")))
        .put("duration_seconds", row.getDouble("duration_seconds"))
        .put("resolved_by", row.getString("resolved_by"))
        .put("generator_url", row.getString("generator_url"))
        .put("first_seen_at", time(row.getOffsetDateTime("first_seen_at")))
        .put("last_seen_at", time(row.getOffsetDateTime("last_seen_at")))
        .put("delivery_count", row.getInteger("delivery_count"))
        .put("resolution_notes", row.getString("resolution_notes"))
        .put("root_cause", row.getString("root_cause"))
        .put("acknowledged_by", row.getString("acknowledged_by"))
        .put("acknowledged_at", time(row.getOffsetDateTime("acknowledged_at")))
        .put("pipeline_state", row.getString("pipeline_state"))
        .put("pipeline_reason", row.getString("pipeline_reason"))
        .put("enrichment", row.getValue("enrichment"));
    int deliveries = row.getColumnIndex("deliveries");
    if (deliveries >= 0) {
      Object value = row.getValue(deliveries);
      json.put("deliveries", value instanceof io.vertx.core.json.JsonArray a ? a : new io.vertx.core.json.JsonArray(String.valueOf(value)));
    }
    Long groupId = row.getLong("group_id");
    if (groupId != null) {
      json.put("group", new JsonObject()
          .put("id", groupId)
          .put("receiver", row.getString("receiver"))
          .put("group_key", row.getString("group_key"))
          .put("external_url", row.getString("external_url"))
          .put("group_labels", row.getValue("group_labels"))
          .put("common_labels", row.getValue("common_labels"))
          .put("common_annotations", row.getValue("common_annotations"))
          // alerts of the group Alertmanager left out of its last webhook (its max_alerts)
          .put("truncated_alerts", row.getColumnIndex("truncated_alerts") < 0 ? null : row.getInteger("truncated_alerts")));
    }
    return json;
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
