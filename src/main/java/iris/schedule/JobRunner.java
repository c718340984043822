package iris.schedule;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one slot of a job: claims it in {@code job_runs} (so it runs once in the cluster), runs
 * the task within its timeout, records the outcome and the metrics. The scheduler and the
 * "run now" API share it.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  /** A run past timeout + this is taken for abandoned: the time its own timeout needs to be recorded. */
  private static final Duration DEADLINE_GRACE = Duration.ofSeconds(30);

  /** A claimed run: its id, and a future that completes once its outcome is recorded. */
  public record Started(long id, String job, Instant slot, Future<String> outcome) {}

  private final JobRunStore store;
  private final JobMetrics metrics;
  private final Clock clock;
  private final String node;

  public JobRunner(JobRunStore store, JobMetrics metrics, Clock clock, String node) {
    this.store = store;
    this.metrics = metrics;
    this.clock = clock;
    this.node = node;
  }

  /** Null when the slot was taken already or the job is running somewhere. */
  public Future<Started> start(ScheduledJob job, Instant slot, String trigger) {
    Instant now = clock.instant();
    return store.claim(job.name(), slot, trigger, now, now.plus(job.timeout()).plus(DEADLINE_GRACE), node).map(id -> {
      if (id == null) {
        return null;
      }
      LOG.debug("Job {} runs slot {} ({}) as run {}", job.name(), slot, trigger, id);
      return new Started(id, job.name(), slot, run(job, id));
    });
  }

  private Future<String> run(ScheduledJob job, long id) {
    long startedNanos = System.nanoTime();
    Future<Void> task;
    try {
      task = job.task().run().timeout(job.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      task = Future.failedFuture(e);
    }
    return task.transform(ar -> {
      String outcome = ar.succeeded() ? JobRun.OK : JobRun.FAILED;
      String error = ar.succeeded() ? null : describe(ar.cause());
      if (ar.failed()) {
        LOG.warn("Job {} (run {}) failed: {}", job.name(), id, error);
      }
      Instant finished = clock.instant();
      metrics.finished(job.name(), outcome, Duration.ofNanos(System.nanoTime() - startedNanos), finished);
      return store.finish(id, outcome, error, finished)
          .onFailure(e -> LOG.warn("Cannot record the end of job run {} ({}): {}", id, outcome, e.toString()))
          .map(outcome);
    });
  }

  private static String describe(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException) {
      return "timed out";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
