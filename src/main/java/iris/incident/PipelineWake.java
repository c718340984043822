package iris.incident;

import io.vertx.core.json.JsonObject;
import iris.EventAddress;

/** {@code iris.pipeline.wake}: work is ready for a pipeline stage ({@link Stage#sql()}: "enrich", "notify"). */
public record PipelineWake(String stage) implements EventAddress.Body {

  public static PipelineWake fromJson(JsonObject json) {
    return new PipelineWake(json.getString("stage"));
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("stage", stage);
  }
}
