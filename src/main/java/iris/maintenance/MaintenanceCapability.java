package iris.maintenance;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Capability;
import iris.Components;
import iris.EventAddress;
import iris.IrisConfig;
import iris.knowledge.OllamaWriter;
import iris.notify.Muter;
import iris.notify.Outbox;
import iris.registry.HostStore;
import iris.registry.OwnershipStore;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;
import java.util.List;

/**
 * Maintenance windows: routes under {@code /api/v1/maintenance-windows}, two jobs (transitions
 * every 10 s, so windows start and end within seconds of their time; reminders every minute),
 * and a muter the notify stage asks about every firing alert.
 */
public final class MaintenanceCapability implements Capability {
  public static final String TRANSITIONS_JOB = "maintenance-transitions";
  public static final String REMINDERS_JOB = "maintenance-reminders";
  static final int ROUTE_ORDER = 800;

  private final Components components;
  private final Maintenance maintenance;
  private final MaintenanceNotices notices;

  public MaintenanceCapability(Vertx vertx, Components components) {
    this.components = components;
    MaintenanceStore store = new MaintenanceStore(components.pool());
    Outbox outbox = new Outbox(components.pool(), components.leasePool());
    IrisConfig.Ollama ollama = components.config().ollama();
    OllamaWriter writer = ollama.enabled() ? new OllamaWriter(components.http(), ollama.url(), ollama.chatModel(), ollama.timeout()) : null;
    this.notices = new MaintenanceNotices(store, outbox, components.config(), writer);
    this.maintenance = new Maintenance(store, new HostStore(components.pool()), new OwnershipStore(components.pool()),
        components.pipeline(), notices, components.config(),
        components.clock(), vertx.eventBus());
  }

  @Override
  public String name() {
    return "maintenance";
  }

  public Maintenance maintenance() {
    return maintenance;
  }

  /** How other capabilities (deployments) tell the maintainers of a scope, through the outbox. */
  public MaintenanceNotices notices() {
    return notices;
  }

  @Override
  public List<ScheduledJob> jobs() {
    return List.of(
        new ScheduledJob(TRANSITIONS_JOB, Schedule.every(Duration.ofSeconds(10)), Duration.ofMinutes(2), maintenance::transitions),
        new ScheduledJob(REMINDERS_JOB, Schedule.every(Duration.ofMinutes(1)), Duration.ofMinutes(2), maintenance::reminders));
  }

  @Override
  public int routeOrder() {
    return ROUTE_ORDER;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new MaintenanceRoutes(maintenance).addRoutes(router);
  }

  /** A muter for one notifier verticle; it reads the running windows again when any node changes one. */
  public Muter muter(Vertx vertx) {
    MaintenanceMuter muter = new MaintenanceMuter(new MaintenanceStore(components.pool()), components.clock());
    EventAddress.MAINTENANCE_CHANGED.consumer(vertx.eventBus(), changed -> muter.invalidate());
    return muter;
  }
}
