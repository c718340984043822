package iris.schedule;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * A unit of periodic work: its name (the API and the metrics use it), when it is due, how long
 * one run may take, and the work. A capability contributes its jobs by adding these to {@link Jobs}.
 */
public record ScheduledJob(String name, Schedule schedule, Duration timeout, Task task) {

  /** The work of one run; a failed future (or an exception) records the run as failed. */
  @FunctionalInterface
  public interface Task {
    Future<Void> run();
  }

  public ScheduledJob {
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("job name '" + name + "': lower-case letters, digits and '-' only");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("job " + name + ": the timeout must be positive");
    }
  }
}
