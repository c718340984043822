package iris.enroll;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code iris.enroll.job}: enrollment jobs were queued, either these {@code jobIds} or the jobs
 * of batch {@code batchId} (the other is null). Workers claim from the table, whatever it says.
 */
public record EnrollmentQueued(List<Long> jobIds, Long batchId) implements EventAddress.Body {

  public static EnrollmentQueued jobs(List<Long> ids) {
    return new EnrollmentQueued(List.copyOf(ids), null);
  }

  public static EnrollmentQueued batch(long batchId) {
    return new EnrollmentQueued(null, batchId);
  }

  public static EnrollmentQueued fromJson(JsonObject json) {
    JsonArray ids = json.getJsonArray("job_ids");
    List<Long> jobIds = null;
    if (ids != null) {
      jobIds = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        jobIds.add(ids.getLong(i));
      }
    }
    return new EnrollmentQueued(jobIds, json.getLong("batch_id"));
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (jobIds != null) {
      json.put("job_ids", new JsonArray(new ArrayList<>(jobIds)));
    }
    if (batchId != null) {
      json.put("batch_id", batchId);
    }
    return json;
  }
}
