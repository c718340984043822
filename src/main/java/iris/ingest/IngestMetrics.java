package iris.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Iris's own intake figures, exported on {@code /metrics}. */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Counter alertsIngested;
  private final Counter incidentsChanged;
  private final DistributionSummary batchAlerts;
  private final DistributionSummary batchRequests;
  private final Timer commitLatency;
  private final Map<Integer, Counter> requestsByStatus = new ConcurrentHashMap<>();

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.alertsIngested = Counter.builder("iris.alerts.ingested")
        .description("Alerts stored from Alertmanager webhooks (after COMMIT)").register(registry);
    this.incidentsChanged = Counter.builder("iris.incidents.changed")
        .description("Incidents that became firing or resolved").register(registry);
    this.batchAlerts = DistributionSummary.builder("iris.ingest.batch.alerts")
        .description("Alerts per group-commit transaction").publishPercentileHistogram().register(registry);
    this.batchRequests = DistributionSummary.builder("iris.ingest.batch.requests")
        .description("Webhook requests joined in one transaction").register(registry);
    this.commitLatency = Timer.builder("iris.ingest.commit")
        .description("Time to store one batch, transaction start to COMMIT").publishPercentileHistogram().register(registry);
  }

  public void request(int status) {
    requestsByStatus.computeIfAbsent(status, s -> Counter.builder("iris.webhook.requests")
        .description("Alertmanager webhook requests by HTTP status")
        .tag("status", Integer.toString(s)).register(registry)).increment();
  }

  public void committed(int requests, int alerts, long nanos, int changes) {
    alertsIngested.increment(alerts);
    incidentsChanged.increment(changes);
    batchAlerts.record(alerts);
    batchRequests.record(requests);
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
  }
}
