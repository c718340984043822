package iris.incident;

import io.vertx.core.eventbus.EventBus;
import iris.EventAddress;


/** Incident events for other capabilities (the pipeline's own wake-ups are {@link StageLoop}'s). */
public final class IncidentEvents {
  private IncidentEvents() {}

  /** Tells the knowledge base an incident's notes or root cause changed (it may learn from it). */
  public static void annotated(EventBus eventBus, long id) {
    EventAddress.INCIDENT_ANNOTATED.send(eventBus, new IncidentAnnotated(id));
  }

  /** Tells live pages (the console, through its event-bus bridge) that these incidents changed. */
  public static void live(EventBus eventBus, java.util.List<Long> ids, String change) {
    if (!ids.isEmpty()) {
      EventAddress.LIVE_INCIDENTS.publish(eventBus, new IncidentsChanged(ids, null, change));
    }
  }

  /** A stage finished its work on an alert group: its incidents' pipeline state moved. */
  static void stageDone(EventBus eventBus, long groupId) {
    EventAddress.LIVE_INCIDENTS.publish(eventBus, new IncidentsChanged(java.util.List.of(), groupId, "changed"));
  }

  /** What the intake committed: new firing incidents and resolutions, as one live message. */
  public static void live(EventBus eventBus, java.util.List<IncidentChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    boolean allResolved = changes.stream().allMatch(c -> "resolved".equals(c.status()));
    live(eventBus, changes.stream().map(IncidentChange::id).toList(), allResolved ? "resolved" : "created");
  }

}
