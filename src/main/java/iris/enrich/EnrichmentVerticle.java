package iris.enrich;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.Components;
import iris.EventAddress;
import iris.IrisConfig;
import iris.enrich.EnrichmentStore.Linked;
import iris.enrich.EnrichmentStore.Waiting;
import iris.incident.IncidentChange;
import iris.incident.IncidentEvents;
import iris.registry.OwnershipStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code iris.incident.changed}. New firing incidents are enriched once per alert
 * group and alert name (a storm of thousands of alerts of three kinds is three enrichments),
 * stored, moved to {@code enriched} and announced on {@code iris.incident.enriched}.
 * Resolutions pass straight on, and teach the knowledge base when they carry a root cause.
 */
public final class EnrichmentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EnrichmentVerticle.class);
  private static final long CATCH_UP_MS = 60_000;

  private final Components components;
  private final Map<String, Future<Long>> inFlight = new HashMap<>();
  private EnrichmentStore store;
  private Enricher enricher;
  private EnrichmentQueue queue;
  private IncidentLearner learner;
  private Timer took;
  private MeterRegistry registry;

  public EnrichmentVerticle(Components components) {
    this.components = components;
  }

  @Override
  public Future<?> start() {
    IrisConfig config = components.config();
    store = new EnrichmentStore(components.pool(), config.pipeline().lease());
    Narrator template = new TemplateNarrator(components.templates());
    Narrator llm = config.ollama().enabled()
        ? new OllamaNarrator(components.http(), config.ollama().url(), config.ollama().chatModel(), config.ollama().timeout())
        : null;
    enricher = new Enricher(components.knowledge(), store, llm, template, config.enrich(),
        new OwnershipStore(components.pool()), config.notifications());
    queue = new EnrichmentQueue(config.enrich().concurrency(), config.enrich().queueSize());
    learner = new IncidentLearner(components.incidents(), store, components.knowledge());
    registry = components.registry();
    took = Timer.builder("iris_enrichment_seconds").description("Time to enrich one alert kind of one group")
        .publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder("iris_enrichment_queue_waiting", queue, EnrichmentQueue::waiting).register(registry);

    var changed = vertx.eventBus().<JsonObject>consumer(EventAddress.INCIDENT_CHANGED.address(), m -> handle(m.body()));
    var annotated = vertx.eventBus().<JsonObject>consumer(EventAddress.INCIDENT_ANNOTATED.address(),
        m -> learner.learn(m.body().getLong("id")).onFailure(e -> LOG.warn("Cannot learn incident {}: {}", m.body().getLong("id"), e.getMessage())));
    vertx.setPeriodic(1000, CATCH_UP_MS, id -> catchUp());
    return Future.join(changed.completion(), annotated.completion());
  }

  private void catchUp() {
    components.knowledge().catchUp().onFailure(e -> LOG.warn("Knowledge catch-up failed: {}", e.getMessage()));
    learner.learnPending(100).onFailure(e -> LOG.warn("Learning from resolved incidents failed: {}", e.getMessage()));
  }

  private void handle(JsonObject message) {
    List<IncidentChange> changes = IncidentEvents.changes(message);
    List<Long> firing = changes.stream().filter(c -> "firing".equals(c.status())).map(IncidentChange::id).toList();
    List<Long> resolved = changes.stream().filter(c -> "resolved".equals(c.status())).map(IncidentChange::id).toList();
    if (!resolved.isEmpty()) {
      store.passResolved(resolved).onSuccess(this::announce)
          .onFailure(e -> LOG.warn("Cannot pass resolutions on (the sweeper retries): {}", e.getMessage()));
      resolved.forEach(id -> learner.learn(id).onFailure(e -> LOG.warn("Cannot learn incident {}: {}", id, e.getMessage())));
    }
    if (!firing.isEmpty()) {
      store.waitingFiring(firing, components.config().enrich().reuse()).onSuccess(this::enrichByKind)
          .onFailure(e -> LOG.warn("Cannot load incidents to enrich (the sweeper retries): {}", e.getMessage()));
    }
  }

  private void enrichByKind(List<Waiting> waiting) {
    Map<String, List<Waiting>> byKind = new LinkedHashMap<>();
    waiting.forEach(w -> byKind.computeIfAbsent(w.groupId() + "\u0000" + w.alertname(), k -> new ArrayList<>()).add(w));
    byKind.forEach((key, incidents) -> enrichAndLink(key, incidents)
        .onSuccess(this::announce)
        .onFailure(e -> LOG.warn("Enrichment of {} failed (the sweeper retries): {}", incidents.get(0).alertname(), e.getMessage())));
  }

  /**
   * Attaches the enrichment for one group and alert name to these incidents: one already
   * running, a recent one, or a new one; returns the incidents that moved on.
   */
  private Future<List<IncidentChange>> enrichAndLink(String key, List<Waiting> incidents) {
    List<Long> ids = incidents.stream().map(Waiting::id).toList();
    Future<Long> running = inFlight.get(key);
    if (running != null) {
      return running.compose(enrichmentId -> store.link(enrichmentId, ids));
    }
    Long recent = incidents.get(0).recentEnrichment();
    if (recent != null) {
      return store.link(recent, ids);
    }
    Future<Linked> created = create(context(incidents), ids);
    inFlight.put(key, created.map(Linked::enrichmentId));
    return created.onComplete(r -> inFlight.remove(key)).map(Linked::moved);
  }

  private Future<Linked> create(AlertContext alert, List<Long> incidentIds) {
    long started = System.nanoTime();
    return queue.submit(degraded -> enricher.enrich(alert, degraded))
        .recover(e -> Future.succeededFuture(failed(alert, e)))
        .compose(result -> {
          Counter.builder("iris_enrichments_total").description("Enrichments made, by who wrote the narrative")
              .tag("generated_by", result.getString("generated_by")).register(registry).increment();
          return store.saveAndLink(alert.groupId(), alert.alertname(), result.getString("generated_by"), result, incidentIds);
        })
        .onSuccess(linked -> took.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  /** Retrieval itself failed (e.g. a broken template): the alert still goes on, saying so. */
  private static JsonObject failed(AlertContext alert, Throwable e) {
    LOG.warn("Enrichment of {} failed, sending the alert without it: {}", alert.alertname(), e.getMessage());
    return new JsonObject().put("summary", alert.alertname() + ": " + (alert.summary().isBlank() ? alert.description() : alert.summary()))
        .put("probable_cause", "").put("remediation", new JsonArray())
        .put("references", new JsonArray()).put("generated_by", "template")
        .put("alertname", alert.alertname()).put("error", String.valueOf(e.getMessage()));
  }

  private static AlertContext context(List<Waiting> incidents) {
    Waiting first = incidents.get(0);
    List<String> instances = incidents.stream().map(Waiting::instance).filter(i -> i != null).distinct().limit(20).toList();
    return new AlertContext(first.groupId(), first.alertname(), first.severity(), first.service(), first.instance(),
        first.labels(), first.annotations(), incidents.stream().map(Waiting::id).toList(), instances);
  }

  private void announce(List<IncidentChange> changes) {
    if (!changes.isEmpty()) {
      IncidentEvents.announce(vertx.eventBus(), EventAddress.INCIDENT_ENRICHED, changes);
    }
  }
}
