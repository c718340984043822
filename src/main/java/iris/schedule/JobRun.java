package iris.schedule;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One recorded run of a job: which slot, who ran it, how it ended ({@code finishedAt} null while running). */
public record JobRun(long id, String job, Instant scheduledFor, String trigger, Instant startedAt, Instant finishedAt,
                     String outcome, String error, String node) {
  public static final String RUNNING = "running";
  public static final String OK = "ok";
  public static final String FAILED = "failed";

  public static final String SCHEDULE = "schedule";
  public static final String CATCH_UP = "catch_up";
  public static final String MANUAL = "manual";

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("job", job).put("scheduled_for", scheduledFor.toString())
        .put("trigger", trigger).put("started_at", startedAt.toString())
        .put("finished_at", finishedAt == null ? null : finishedAt.toString())
        .put("outcome", outcome).put("error", error).put("node", node);
  }
}
