package iris.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import iris.Capability;
import iris.Components;
import iris.Role;
import iris.prometheus.PrometheusClient;
import iris.prometheus.PrometheusInstance;
import iris.registry.HostStore;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics snapshots: the {@code metrics-snapshots} job (every {@code metrics.snapshot_interval})
 * that measures every registered host through Prometheus, the {@code metrics-snapshots-prune}
 * job (hourly) that deletes what is older than {@code metrics.retention}, a readiness check that
 * reports instances whose last run failed (degraded, never failing readiness), and the routes
 * {@code /api/v1/hosts/{id}/snapshots} and {@code /api/v1/snapshots/latest}. Other capabilities
 * read snapshots through {@link Snapshots} and {@link HostHealth}.
 */
public final class MetricsCapability implements Capability {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsCapability.class);
  public static final String SNAPSHOTS_JOB = "metrics-snapshots";
  public static final String PRUNE_JOB = "metrics-snapshots-prune";
  static final int ROUTE_ORDER = 1100;
  static final Duration PRUNE_EVERY = Duration.ofHours(1);
  /** Batches per pruning run: a backlog (a lowered retention) is worked off over several runs. */
  static final int PRUNE_MAX_BATCHES = 200;

  private final Components components;
  private final SnapshotStore store;
  private final Snapshots snapshots;

  public MetricsCapability(Components components) {
    this.components = components;
    this.store = new SnapshotStore(components.pool());
    this.snapshots = new Snapshots(components.pool());
  }

  @Override
  public String name() {
    return "metrics";
  }

  public Snapshots snapshots() {
    return snapshots;
  }

  private Snapshotter snapshotter() {
    return new Snapshotter(new HostStore(components.pool()), store, new PrometheusClient(components.http()),
        components.config().prometheus(), settings(), components.clock(), components.registry());
  }

  private MetricsSettings settings() {
    return components.config().metrics();
  }

  @Override
  public List<ScheduledJob> jobs() {
    MetricsSettings settings = settings();
    Snapshotter snapshotter = snapshotter();
    Pruning pruning = new Pruning(store, components.clock(), settings.retention(), settings.pruneBatch(), PRUNE_MAX_BATCHES);
    // A run may take its interval, but never less than a minute nor more than ten.
    Duration timeout = settings.snapshotInterval().compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1)
        : settings.snapshotInterval().compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : settings.snapshotInterval();
    return List.of(
        new ScheduledJob(SNAPSHOTS_JOB, Schedule.every(settings.snapshotInterval()), timeout, snapshotter::run),
        new ScheduledJob(PRUNE_JOB, Schedule.every(PRUNE_EVERY), Duration.ofMinutes(10), () -> pruning.run().map(p -> {
          LOG.info("Pruned {} metric snapshots and {} failures older than {} ({} batches)", p.snapshots(), p.failures(),
              settings.retention(), p.batches());
          return null;
        })));
  }

  /**
   * {@code metrics}: each configured instance's last run; {@code degraded} when one failed.
   * Reported on nodes with the ingest or schedule role, never failing readiness: a Prometheus
   * that does not answer only leaves snapshots out.
   */
  @Override
  public void registerReadinessChecks(HealthCheckHandler ready) {
    Set<Role> roles = components.config().roles();
    if (!roles.contains(Role.INGEST) && !roles.contains(Role.SCHEDULE)) {
      return;
    }
    List<String> configured = components.config().prometheus().stream().filter(PrometheusInstance::hasApi)
        .map(PrometheusInstance::name).toList();
    ready.register("metrics", CHECK_TIMEOUT_MS, promise -> store.instances().onComplete(ar -> {
      if (ar.failed()) {
        promise.complete(Status.OK(new JsonObject().put("degraded", true).put("reason", String.valueOf(ar.cause().getMessage()))));
        return;
      }
      JsonObject instances = new JsonObject();
      boolean degraded = false;
      for (SnapshotStore.InstanceStatus s : ar.result()) {
        if (!configured.contains(s.instance())) {
          continue;
        }
        JsonObject data = new JsonObject().put("last_run_at", s.lastRunAt().toString()).put("hosts", s.hosts())
            .put("last_ok_at", s.lastOkAt() == null ? null : s.lastOkAt().toString());
        if (s.lastError() != null) {
          degraded = true;
          data.put("error", s.lastError());
        }
        instances.put(s.instance(), data);
      }
      promise.complete(Status.OK(new JsonObject().put("instances", instances).put("degraded", degraded)));
    }));
  }

  @Override
  public int routeOrder() {
    return ROUTE_ORDER;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new MetricsRoutes(snapshots, new HostStore(components.pool()), components.clock()).addRoutes(router);
  }
}
