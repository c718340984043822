package iris.schedule;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import iris.Components;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic jobs, run by one node of the cluster at a time: every node with the schedule role
 * deploys this, and only the holder of the {@link LeaderLock} does the work.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  /** Advisory lock id: "iris" in ASCII plus 1, unique among Iris's locks. */
  static final long SCHEDULER_LOCK = 0x6972697300000001L;

  private final Components components;
  private LeaderLock lock;
  private IncidentSweeper sweeper;
  private boolean sweeping;

  public SchedulerVerticle(Components components) {
    this.components = components;
  }

  @Override
  public Future<?> start() {
    lock = new LeaderLock(vertx, components.dbOptions(), SCHEDULER_LOCK);
    sweeper = new IncidentSweeper(components.incidents(), vertx.eventBus(), components.config().pipeline().sweepLimit());
    vertx.setPeriodic(0, components.config().pipeline().sweepInterval().toMillis(), id -> tick());
    return Future.succeededFuture();
  }

  private void tick() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    lock.tryAcquire()
        .compose(leader -> leader ? sweeper.sweep() : Future.succeededFuture(0))
        .onSuccess(count -> {
          if (count > 0) {
            LOG.info("Sweeper re-announced {} incidents still waiting for the pipeline", count);
          }
        })
        .onFailure(e -> LOG.warn("Sweep failed: {}", e.toString()))
        .onComplete(ar -> sweeping = false);
  }

  @Override
  public Future<?> stop() {
    return lock == null ? Future.succeededFuture() : lock.release();
  }
}
