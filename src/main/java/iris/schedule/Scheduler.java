package iris.schedule;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which jobs are due and starts them, on the node that leads. Missed slots follow one
 * policy, "run once on recovery": a job whose last recorded slot is older than its latest slot
 * runs that latest slot once (trigger {@code catch_up}), never once per slot it missed. A job that
 * never ran starts at its first slot after this scheduler started.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  /** Whether this node may run jobs now; asked before every pass. */
  @FunctionalInterface
  public interface Leadership {
    Future<Boolean> tryAcquire();
  }

  /** A slot to run and why. */
  record Due(Instant slot, String trigger) {}

  private final Jobs jobs;
  private final JobRunStore store;
  private final JobRunner runner;
  private final JobMetrics metrics;
  private final Leadership leadership;
  private final Clock clock;
  private final Instant since;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private boolean leading;

  public Scheduler(Scheduling scheduling, Leadership leadership, Clock clock) {
    this.jobs = scheduling.jobs();
    this.store = scheduling.runs();
    this.runner = scheduling.runner();
    this.metrics = scheduling.metrics();
    this.leadership = leadership;
    this.clock = clock;
    this.since = clock.instant();
  }

  /** One pass: when this node leads, starts every due job; returns the runs it started. */
  public Future<List<JobRunner.Started>> tick() {
    return leadership.tryAcquire().compose(leader -> {
      if (!leader) {
        leading = false;
        return Future.succeededFuture(List.of());
      }
      Instant now = clock.instant();
      Future<Void> takeOver = leading ? Future.succeededFuture() : store.lastSuccesses(jobs.names())
          .map(successes -> {
            successes.forEach(metrics::succeededAt);
            return null;
          });
      leading = true;
      return takeOver
          .compose(v -> store.abandonOverdue(now))
          .compose(abandoned -> {
            if (abandoned > 0) {
              LOG.warn("{} job runs were still running past their deadline and are marked failed", abandoned);
            }
            return store.lastSlots(jobs.names());
          })
          .compose(lastSlots -> startDue(now, lastSlots));
    });
  }

  private Future<List<JobRunner.Started>> startDue(Instant now, Map<String, Instant> lastSlots) {
    List<Future<JobRunner.Started>> starts = new ArrayList<>();
    for (ScheduledJob job : jobs.all()) {
      Due due = due(job.schedule(), now, lastSlots.get(job.name()), since);
      if (due == null || inFlight.contains(job.name())) {
        continue;
      }
      if (due.trigger().equals(JobRun.CATCH_UP)) {
        LOG.info("Job {} missed slots since {}: running the latest, {}, once", job.name(), lastSlots.get(job.name()), due.slot());
      }
      starts.add(runner.start(job, due.slot(), due.trigger())
          .onSuccess(started -> {
            if (started != null) {
              inFlight.add(job.name());
              started.outcome().onComplete(ar -> inFlight.remove(job.name()));
            }
          })
          .otherwise(e -> {
            LOG.warn("Cannot start job {}: {}", job.name(), e.toString());
            return null;
          }));
    }
    return Future.join(starts).map(all -> starts.stream().map(Future::result).filter(Objects::nonNull).toList());
  }

  /** What to run for one job now, given the last slot it ran (null: never), or null for nothing. */
  static Due due(Schedule schedule, Instant now, Instant lastSlot, Instant since) {
    Instant slot = schedule.latestAtOrBefore(now).orElse(null);
    if (slot == null || (lastSlot != null && !lastSlot.isBefore(slot))) {
      return null;
    }
    if (lastSlot == null) {
      return slot.isBefore(since) ? null : new Due(slot, JobRun.SCHEDULE);
    }
    Instant following = schedule.nextAfter(lastSlot).orElse(slot);
    return new Due(slot, following.isBefore(slot) ? JobRun.CATCH_UP : JobRun.SCHEDULE);
  }

  /** How long to wait before the next pass: until the next slot, at most {@code max}. */
  public Duration untilNextSlot(Duration max) {
    Instant now = clock.instant();
    Duration wait = max;
    for (ScheduledJob job : jobs.all()) {
      Instant next = job.schedule().nextAfter(now).orElse(null);
      if (next != null) {
        Duration until = Duration.between(now, next);
        if (until.compareTo(wait) < 0) {
          wait = until;
        }
      }
    }
    return wait.isNegative() ? Duration.ZERO : wait;
  }
}
