package iris.incident;

import io.vertx.core.json.JsonObject;

/** An incident that became firing (new) or resolved: what {@code iris.incident.changed} carries. */
public record IncidentChange(long id, String status, Long groupId) {
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("status", status).put("group_id", groupId);
  }
}
