package iris.incident;

import io.vertx.core.eventbus.EventBus;
import iris.EventAddress;
import java.util.List;

/** Puts incident changes on the event bus for the pipeline. */
public final class IncidentEvents {
  private IncidentEvents() {}

  /**
   * Sends each change point-to-point (load-balanced across the cluster). A change nobody
   * takes now stays in "received" and is re-driven by the sweeper.
   */
  public static void announce(EventBus eventBus, List<IncidentChange> changes) {
    for (IncidentChange change : changes) {
      eventBus.send(EventAddress.INCIDENT_CHANGED.address(), change.toJson());
    }
  }
}
