package iris.incident;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Puts incident changes on the event bus for the pipeline, one message per alert group. */
public final class IncidentEvents {
  private IncidentEvents() {}

  /**
   * Sends the changes of each group as one message, point-to-point (load-balanced across the
   * cluster): the pipeline works per group, and a storm of thousands of alerts in one group
   * stays one message. A message nobody takes now leaves its incidents in "received", where
   * the sweeper finds them again.
   */
  public static void announce(EventBus eventBus, List<IncidentChange> changes) {
    announce(eventBus, EventAddress.INCIDENT_CHANGED, changes);
  }

  /** The same per-group messages on another pipeline address (e.g. {@code iris.incident.enriched}). */
  public static void announce(EventBus eventBus, EventAddress address, List<IncidentChange> changes) {
    Map<Long, JsonArray> byGroup = new LinkedHashMap<>();
    for (IncidentChange change : changes) {
      byGroup.computeIfAbsent(change.groupId(), g -> new JsonArray())
          .add(new JsonObject().put("id", change.id()).put("status", change.status()));
    }
    byGroup.forEach((group, incidents) -> eventBus.send(address.address(),
        new JsonObject().put("group_id", group).put("incidents", incidents)));
  }

  /** Tells the knowledge base an incident's notes or root cause changed (it may learn from it). */
  public static void annotated(EventBus eventBus, long id) {
    eventBus.send(EventAddress.INCIDENT_ANNOTATED.address(), new JsonObject().put("id", id));
  }

  /** The incidents of one {@code iris.incident.changed} message, for consumers. */
  public static List<IncidentChange> changes(JsonObject message) {
    long group = message.getLong("group_id");
    return message.getJsonArray("incidents").stream().map(o -> (JsonObject) o)
        .map(o -> new IncidentChange(o.getLong("id"), o.getString("status"), group)).toList();
  }
}
