package iris.schedule;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import iris.Components;
import iris.incident.PipelineState;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic jobs, run by one node of the cluster at a time: every node with the schedule role
 * deploys this, and only the holder of the {@link LeaderLock} does the work. Today's job
 * measures the pipeline's queue depth (cluster-wide, so only the leader reports it).
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  /** Advisory lock id: "iris" in ASCII plus 1, unique among Iris's locks. */
  static final long SCHEDULER_LOCK = 0x6972697300000001L;
  private static final long DEPTH_INTERVAL_MS = 10_000;

  private final Components components;
  private final Map<PipelineState, AtomicLong> depth = new EnumMap<>(PipelineState.class);
  private LeaderLock lock;
  private boolean measuring;

  public SchedulerVerticle(Components components) {
    this.components = components;
  }

  @Override
  public Future<?> start() {
    lock = new LeaderLock(vertx, components.dbOptions(), SCHEDULER_LOCK);
    for (PipelineState state : PipelineState.WAITING) {
      AtomicLong value = new AtomicLong(-1);
      depth.put(state, value);
      Gauge.builder("iris_pipeline_queue_depth", value, v -> v.get() < 0 ? Double.NaN : v.get())
          .description("Incidents waiting in a pipeline state, cluster-wide (reported by the scheduler's leader)")
          .tag("state", state.sql()).register(components.registry());
    }
    vertx.setPeriodic(0, DEPTH_INTERVAL_MS, id -> measure());
    return Future.succeededFuture();
  }

  private void measure() {
    if (measuring) {
      return;
    }
    measuring = true;
    lock.tryAcquire()
        .compose(leader -> leader ? components.pipeline().depth().map(found -> {
          found.forEach((state, n) -> depth.get(state).set(n));
          return null;
        }) : notLeader())
        .onFailure(e -> LOG.warn("Cannot measure the pipeline's depth: {}", e.toString()))
        .onComplete(ar -> measuring = false);
  }

  /** Another node reports the depth: this one says nothing rather than a stale figure. */
  private Future<Void> notLeader() {
    depth.values().forEach(v -> v.set(-1));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return lock == null ? Future.succeededFuture() : lock.release();
  }
}
