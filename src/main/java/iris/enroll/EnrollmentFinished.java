package iris.enroll;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code iris.enroll.finished}: an enrollment or unenrollment job ended ({@code kind} "enroll"
 * or "unenroll", {@code state} "succeeded" or "failed"); the notifier tells the host's
 * maintainers (names, as the request gave them).
 */
public record EnrollmentFinished(long jobId, String kind, String state, Long hostId, String hostname, String target,
    String error, List<String> maintainers) implements EventAddress.Body {

  public static EnrollmentFinished fromJson(JsonObject json) {
    List<String> maintainers = new ArrayList<>();
    json.getJsonArray("maintainers", new JsonArray()).forEach(name -> maintainers.add(String.valueOf(name)));
    return new EnrollmentFinished(json.getLong("job_id"), json.getString("kind"), json.getString("state"),
        json.getLong("host_id"), json.getString("hostname"), json.getString("target"), json.getString("error"), maintainers);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("job_id", jobId).put("kind", kind).put("state", state)
        .put("host_id", hostId).put("hostname", hostname).put("target", target).put("error", error)
        .put("maintainers", new JsonArray(new ArrayList<>(maintainers)));
  }
}
