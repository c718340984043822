package iris.ingest;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import iris.Capability;
import iris.Components;
import iris.IrisConfig;
import iris.incident.IncidentEvents;
import iris.incident.Stage;
import iris.incident.StageLoop;

/** The Alertmanager webhook: each HTTP instance gets its own group-commit batcher on its event loop. */
public final class IngestCapability implements Capability {
  private final Components components;
  private final IngestMetrics metrics;
  private final TooLargeRefusals tooLarge;

  public IngestCapability(Components components) {
    this.components = components;
    this.metrics = new IngestMetrics(components.registry());
    this.tooLarge = new TooLargeRefusals(components.clock(), metrics);
  }

  @Override
  public void registerReadinessChecks(HealthCheckHandler ready) {
    tooLarge.register(ready, components.config().webhook().maxBodyBytes());
  }

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public int routeOrder() {
    return 100;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    IrisConfig.Webhook webhook = components.config().webhook();
    IngestBatcher batcher = new IngestBatcher(vertx, components.incidents(), metrics,
        changes -> {
          components.intakeLoad().add(changes.size());
          if (!changes.isEmpty()) {
            StageLoop.wake(vertx.eventBus(), Stage.ENRICH);
            IncidentEvents.live(vertx.eventBus(), changes);
          }
        },
        new IngestBatcher.Bounds(webhook.batchWindow(), webhook.batchMaxAlerts(), webhook.maxInFlight(),
            webhook.maxQueuedRequests(), webhook.maxQueuedAlerts()));
    new WebhookRoutes(webhook.token(), webhook.maxBodyBytes(), webhook.retryAfterSeconds(), batcher, metrics, tooLarge)
        .addRoutes(router);
  }
}
