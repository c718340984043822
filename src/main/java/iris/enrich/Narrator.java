package iris.enrich;

import io.vertx.core.Future;

/** Writes the notification text for one alert from what retrieval found. */
public interface Narrator {
  Future<Narrative> write(AlertContext alert, Retrieved context);
}
