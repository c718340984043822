package iris.schedule;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import iris.Components;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Scheduler} on a timer. Every node with the schedule role deploys this; only
 * the holder of the {@link LeaderLock} runs jobs, and the run records keep a slot from running twice.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  /** Advisory lock id: "iris" in ASCII plus 1, unique among Iris's locks. */
  static final long SCHEDULER_LOCK = 0x6972697300000001L;
  /** Leadership is checked (and a lost leader replaced) at least this often. */
  private static final Duration MAX_WAIT = Duration.ofSeconds(1);

  private final Components components;
  private final Scheduling scheduling;
  private LeaderLock lock;
  private Scheduler scheduler;
  private long timer = -1;
  private volatile boolean stopped;

  public SchedulerVerticle(Components components, Scheduling scheduling) {
    this.components = components;
    this.scheduling = scheduling;
  }

  @Override
  public Future<?> start() {
    lock = new LeaderLock(vertx, components.dbOptions(), SCHEDULER_LOCK);
    scheduler = new Scheduler(scheduling, lock, components.clock());
    pass();
    return Future.succeededFuture();
  }

  private void pass() {
    if (stopped) {
      return;
    }
    scheduler.tick()
        .onFailure(e -> LOG.warn("Scheduler pass failed: {}", e.toString()))
        .onComplete(ar -> {
          if (!stopped) {
            // A few milliseconds past the slot, so the pass sees it has come.
            long wait = Math.max(10, scheduler.untilNextSlot(MAX_WAIT).toMillis() + 5);
            timer = vertx.setTimer(wait, id -> pass());
          }
        });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return lock == null ? Future.succeededFuture() : lock.release();
  }
}
