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

}
