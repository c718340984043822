package iris.maintenance;

import io.vertx.core.json.JsonObject;
import iris.EventAddress;

/** {@code iris.maintenance.changed}: a window or one of its occurrences changed; muters read the running ones again. */
public record MaintenanceChanged(long windowId) implements EventAddress.Body {

  public static MaintenanceChanged fromJson(JsonObject json) {
    return new MaintenanceChanged(json.getLong("window_id"));
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("window_id", windowId);
  }
}
