package iris.incident;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;


/** Incident events for other capabilities (the pipeline's own wake-ups are {@link StageLoop}'s). */
public final class IncidentEvents {
  private IncidentEvents() {}

  /** Tells the knowledge base an incident's notes or root cause changed (it may learn from it). */
  public static void annotated(EventBus eventBus, long id) {
    eventBus.send(EventAddress.INCIDENT_ANNOTATED.address(), new JsonObject().put("id", id));
  }

}
