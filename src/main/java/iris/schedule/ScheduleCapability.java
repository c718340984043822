package iris.schedule;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Capability;
import iris.Components;
import iris.Role;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: it runs every capability's jobs (gathered into {@link Jobs} by the launcher
 * before anything deploys) on nodes with the schedule role, keeps their run records (and prunes
 * them, its own job), and serves {@code /api/v1/jobs} on every node with the API.
 */
public final class ScheduleCapability implements Capability {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduleCapability.class);
  public static final String PRUNE_RUNS_JOB = "job-runs-prune";
  /** Daily, at a quiet minute. */
  static final String PRUNE_CRON = "17 3 * * *";

  private final Components components;
  private final Scheduling scheduling;

  public ScheduleCapability(Components components, Jobs jobs) {
    this.components = components;
    this.scheduling = Scheduling.create(components, jobs);
  }

  @Override
  public String name() {
    return "schedule";
  }

  @Override
  public List<Deployment> verticles() {
    return List.of(new Deployment("SchedulerVerticle", Role.SCHEDULE, () -> new SchedulerVerticle(components, scheduling)));
  }

  @Override
  public List<ScheduledJob> jobs() {
    Duration keep = Duration.ofDays(components.config().schedule().keepRunsDays());
    return List.of(new ScheduledJob(PRUNE_RUNS_JOB, Schedule.cron(PRUNE_CRON, components.config().schedule().timezone()),
        Duration.ofMinutes(10),
        () -> scheduling.runs().prune(components.clock().instant().minus(keep)).map(count -> {
          LOG.info("Pruned {} job runs older than {} days", count, keep.toDays());
          return null;
        })));
  }

  @Override
  public int routeOrder() {
    return 700;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new JobRoutes(scheduling, components.clock()).addRoutes(router);
  }
}
