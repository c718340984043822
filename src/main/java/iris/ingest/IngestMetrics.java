package iris.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Iris's own intake figures, exported on {@code /metrics}. */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Counter alertsIngested;
  private final Counter incidentsChanged;
  private final DistributionSummary batchAlerts;
  private final DistributionSummary batchRequests;
  private final Timer commitLatency;
  private final Counter batchesSplit;
  private final Map<Integer, Counter> requestsByStatus = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
  private final Map<Refusal.Reason, Counter> refusals = new EnumMap<>(Refusal.Reason.class);
  private final AtomicInteger queuedRequests = new AtomicInteger();
  private final AtomicInteger queuedAlerts = new AtomicInteger();

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
    this.batchesSplit = Counter.builder("iris.ingest.batch.split")
        .description("Group-commit transactions that failed and were stored again request by request").register(registry);
    for (Refusal.Reason reason : Refusal.Reason.values()) {
      refusals.put(reason, Counter.builder("iris.webhook.refused")
          .description("Webhook requests not stored, by reason (busy, unavailable, rejected, database_error)")
          .tag("reason", reason.label()).register(registry));
    }
    Gauge.builder("iris.ingest.queued.requests", queuedRequests, AtomicInteger::get)
        .description("Webhook requests waiting for a group-commit transaction").register(registry);
    Gauge.builder("iris.ingest.queued.alerts", queuedAlerts, AtomicInteger::get)
        .description("Alerts waiting for a group-commit transaction").register(registry);
    rejected("too_large", 0); // present from the start, so an alert rule can use increase() on it
  }

  private void rejected(String reason, int by) {
    rejections.computeIfAbsent(reason, r -> Counter.builder("iris.webhook.rejected")
        .description("Webhook requests refused with a 4xx that Alertmanager will not retry, by reason")
        .tag("reason", r).register(registry)).increment(by);
  }

  /** Requests and alerts entering (positive) or leaving (negative) a batcher's queue. */
  public void queued(int requests, int alerts) {
    queuedRequests.addAndGet(requests);
    queuedAlerts.addAndGet(alerts);
  }

  public void batchSplit() {
    batchesSplit.increment();
  }

  public void refused(Refusal.Reason reason) {
    refusals.get(reason).increment();
  }

  /** A webhook refused for good (413 too_large, 400 invalid): Alertmanager drops these alerts. */
  public void rejected(String reason) {
    rejected(reason, 1);
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
