package iris.incident;

import io.vertx.core.json.JsonObject;
import iris.EventAddress;

/** {@code iris.incident.annotated}: an operator changed incident {@code id}'s resolution notes or root cause. */
public record IncidentAnnotated(long id) implements EventAddress.Body {

  public static IncidentAnnotated fromJson(JsonObject json) {
    return new IncidentAnnotated(json.getLong("id"));
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("id", id);
  }
}
