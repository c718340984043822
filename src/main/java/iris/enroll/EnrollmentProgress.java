package iris.enroll;

import io.vertx.core.json.JsonObject;
import iris.EventAddress;

/**
 * {@code iris.live.enrollment}: a step of enrollment job {@code jobId} (of batch {@code batchId},
 * or null) changed {@code state} ("running", "succeeded", "failed", "skipped"); step "done" ends
 * the job. For the console's progress bars.
 */
public record EnrollmentProgress(long jobId, Long batchId, String target, String step, String state, int percent,
    String error) implements EventAddress.Body {

  public static EnrollmentProgress fromJson(JsonObject json) {
    return new EnrollmentProgress(json.getLong("job_id"), json.getLong("batch_id"), json.getString("target"),
        json.getString("step"), json.getString("state"), json.getInteger("percent"), json.getString("error"));
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("job_id", jobId).put("batch_id", batchId).put("target", target)
        .put("step", step).put("state", state).put("percent", percent).put("error", error);
  }
}
