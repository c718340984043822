package iris.maintenance;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Components;
import iris.EventAddress;
import iris.notify.Muter;
import iris.notify.Outbox;
import iris.registry.HostStore;
import iris.registry.OwnershipStore;
import iris.schedule.Jobs;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;

/**
 * What maintenance windows contribute to a node: their REST routes, their two scheduled jobs
 * (transitions, reminders) and their muter in the notify stage. The composition root asks this
 * class for each; nothing else builds maintenance's parts.
 */
public final class MaintenanceParts {
  public static final String TRANSITIONS_JOB = "maintenance-transitions";
  public static final String REMINDERS_JOB = "maintenance-reminders";

  private MaintenanceParts() {}

  public static Maintenance service(Vertx vertx, Components c) {
    MaintenanceStore store = new MaintenanceStore(c.pool());
    Outbox outbox = new Outbox(c.pool(), c.leasePool());
    return new Maintenance(store, new HostStore(c.pool()), new OwnershipStore(c.pool()), c.pipeline(),
        new MaintenanceNotices(store, outbox, c.config()), c.config(), c.clock(), vertx.eventBus());
  }

  public static void addRoutes(Router router, Vertx vertx, Components c) {
    new MaintenanceRoutes(service(vertx, c)).addRoutes(router);
  }

  /** Windows start and end within {@code 10 s} of their time; reminders go within a minute of theirs. */
  public static void addJobs(Jobs jobs, Vertx vertx, Components c) {
    Maintenance maintenance = service(vertx, c);
    jobs.add(new ScheduledJob(TRANSITIONS_JOB, Schedule.every(Duration.ofSeconds(10)), Duration.ofMinutes(2),
        maintenance::transitions));
    jobs.add(new ScheduledJob(REMINDERS_JOB, Schedule.every(Duration.ofMinutes(1)), Duration.ofMinutes(2),
        maintenance::reminders));
  }

  /** The muter of the notify stage on this verticle; it reloads when any node changes a window. */
  public static Muter muter(Vertx vertx, Components c) {
    MaintenanceMuter muter = new MaintenanceMuter(new MaintenanceStore(c.pool()), c.clock());
    vertx.eventBus().consumer(EventAddress.MAINTENANCE_CHANGED.address(), m -> muter.invalidate());
    return muter;
  }
}
