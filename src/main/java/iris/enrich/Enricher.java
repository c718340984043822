package iris.enrich;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.IrisConfig;
import iris.deploy.RecentDeployments;
import iris.knowledge.KnowledgeBase;
import iris.knowledge.KnowledgeCollection;
import iris.knowledge.SearchResult;
import iris.metrics.HostHealth;
import iris.registry.Ownership;
import iris.registry.OwnershipStore;
import iris.trace.Traces;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One enrichment: search the three collections for the alert, gather what Iris knows about
 * the instance, and have the LLM (when configured and allowed) or the template write the
 * narrative. The result is plain JSON, stored once and shared by the alert's incidents.
 */
public final class Enricher {
  private static final Logger LOG = LoggerFactory.getLogger(Enricher.class);
  // Past incidents with a root cause explain more than ones closed without one.
  private static final double ROOT_CAUSE_BOOST = 1.25;

  private final KnowledgeBase knowledge;
  private final EnrichmentStore store;
  private final Narrator llm;
  private final Narrator template;
  private final IrisConfig.Enrich limits;
  private final OwnershipStore owners;
  private final IrisConfig.Notify routing;
  private final RecentDeployments deployments;
  private final HostHealth hostHealth;
  /** The LLM is the slow part: {@code enrich.concurrency} narratives at once, the rest wait their turn. */
  private final Slots llmSlots;

  /** @param llm null when no LLM is configured */
  public Enricher(KnowledgeBase knowledge, EnrichmentStore store, Narrator llm, Narrator template, IrisConfig.Enrich limits,
      OwnershipStore owners, IrisConfig.Notify routing) {
    this(knowledge, store, llm, template, limits, owners, routing, null);
  }

  /** @param deployments the deployments an alert may follow; null for none */
  public Enricher(KnowledgeBase knowledge, EnrichmentStore store, Narrator llm, Narrator template, IrisConfig.Enrich limits,
      OwnershipStore owners, IrisConfig.Notify routing, RecentDeployments deployments) {
    this(knowledge, store, llm, template, limits, owners, routing, deployments, null);
  }

  /** @param hostHealth the latest metrics snapshot of an alert's host; null for none */
  public Enricher(KnowledgeBase knowledge, EnrichmentStore store, Narrator llm, Narrator template, IrisConfig.Enrich limits,
      OwnershipStore owners, IrisConfig.Notify routing, RecentDeployments deployments, HostHealth hostHealth) {
    this.deployments = deployments;
    this.hostHealth = hostHealth;
    this.knowledge = knowledge;
    this.store = store;
    this.llm = llm;
    this.template = template;
    this.limits = limits;
    this.owners = owners;
    this.routing = routing;
    this.llmSlots = new Slots(limits.concurrency());
  }

  /** @param degraded why the LLM must be skipped (queue full), or null */
  public Future<JsonObject> enrich(AlertContext alert, String degraded) {
    long started = System.nanoTime();
    return Traces.inSpan("iris.enrich.retrieval", () -> retrieve(alert))
        .compose(context -> Traces.inSpan("iris.enrich.narrative", () -> narrate(alert, context, degraded)).map(narrative -> {
      JsonObject result = narrative.toJson()
          .put("alertname", alert.alertname())
          .put("context", new JsonObject()
              .put("runbooks", refs(context.runbooks()))
              .put("past_incidents", refs(context.pastIncidents()))
              .put("infrastructure", refs(context.infrastructure()))
              .put("recent_on_instance", new JsonArray(new ArrayList<>(context.recentOnInstance())))
              .put("owner", context.owner())
              .put("deployments", new JsonArray(new ArrayList<>(context.deployments())))
              .put("metrics", context.hostHealth()))
          .put("took_ms", (System.nanoTime() - started) / 1_000_000);
      if (degraded != null) {
        result.put("degraded", degraded);
      }
      return result;
    }));
  }

  Future<Retrieved> retrieve(AlertContext alert) {
    String query = alert.query();
    return knowledge.embedQuery(query).compose(vector -> {
      Future<List<SearchResult>> runbooks = search(query, vector, KnowledgeCollection.RUNBOOKS, limits.runbooks());
      Future<List<SearchResult>> incidents = search(query, vector, KnowledgeCollection.INCIDENTS, limits.pastIncidents() * 2)
          .map(found -> preferRootCause(found, limits.pastIncidents()));
      Future<List<SearchResult>> infrastructure = search(alert.infrastructureQuery() + " " + query, vector,
          KnowledgeCollection.INFRASTRUCTURE, limits.infrastructure());
      Future<List<JsonObject>> recent = store.recentOnInstance(alert.instance(), alert.incidentIds(), 5);
      Future<String> bestRunbook = runbooks.compose(found -> found.isEmpty()
          ? Future.succeededFuture(null)
          : knowledge.content(KnowledgeCollection.RUNBOOKS, found.get(0).documentId()));
      Future<Ownership> ownership = ownership(alert);
      Future<JsonObject> owner = ownership.map(Enricher::ownerJson);
      Future<List<JsonObject>> deployed = owner.compose(o -> deploymentsNear(alert, o));
      Future<JsonObject> health = ownership.compose(this::healthOf);
      return Future.all(List.of(runbooks, incidents, infrastructure, recent, bestRunbook, owner, deployed, health)).map(all -> new Retrieved(
          runbooks.result(), incidents.result(), infrastructure.result(), bestRunbook.result(), recent.result(), owner.result(),
          deployed.result(), health.result()));
    });
  }

  /** Deployments of the alert's host or services shortly before it; none when the lookup fails. */
  private Future<List<JsonObject>> deploymentsNear(AlertContext alert, JsonObject owner) {
    if (deployments == null) {
      return Future.succeededFuture(List.of());
    }
    List<String> services = new ArrayList<>();
    owner.getJsonArray("services", new JsonArray()).forEach(s -> services.add(String.valueOf(s)));
    routing.serviceLabels().stream().map(l -> alert.labels().getString(l)).filter(v -> v != null && !v.isBlank())
        .filter(v -> !services.contains(v)).forEach(services::add);
    return deployments.near(owner.getString("host"), services).otherwise(List.of());
  }

  /** The latest metrics snapshot of the alert's host; empty without a host, a snapshot, or when the lookup fails. */
  private Future<JsonObject> healthOf(Ownership o) {
    if (hostHealth == null || o.hostId() == null) {
      return Future.succeededFuture(new JsonObject());
    }
    return hostHealth.of(o.hostId()).otherwise(e -> {
      LOG.warn("Cannot read the metrics snapshot of host {}: {}", o.hostId(), e.getMessage());
      return new JsonObject();
    });
  }

  /** What the registry knows of the alert's host and service; nothing when the lookup fails. */
  private Future<Ownership> ownership(AlertContext alert) {
    String instance = alert.labels().getString(routing.hostLabel(), alert.instance());
    List<String> services = routing.serviceLabels().stream().map(l -> alert.labels().getString(l))
        .filter(v -> v != null && !v.isBlank()).toList();
    return owners.owners(instance, services).otherwise(Ownership.unknown());
  }

  /** The registry's part as JSON; empty when it knows nothing. */
  private static JsonObject ownerJson(Ownership o) {
    JsonObject json = new JsonObject();
    if (o.hostname() != null) {
      json.put("host", o.hostname());
    }
    if (!o.services().isEmpty()) {
      json.put("services", new JsonArray(new ArrayList<>(o.services())));
    }
    if (!o.maintainers().isEmpty()) {
      json.put("maintainers", new JsonArray(o.maintainers().stream().map(c -> (Object) c.name()).toList()));
    }
    if (!o.tags().isEmpty()) {
      json.put("tags", new JsonArray(o.tags().stream().map(t -> (Object) new JsonObject().put("type", t.type())
          .put("name", t.name()).put("reason", t.reason())).toList()));
    }
    return json;
  }

  private Future<List<SearchResult>> search(String query, float[] vector, KnowledgeCollection collection, int limit) {
    return limit == 0 ? Future.succeededFuture(List.of()) : knowledge.search(query, vector, EnumSet.of(collection), limit);
  }

  private static List<SearchResult> preferRootCause(List<SearchResult> found, int limit) {
    return found.stream()
        .sorted(Comparator.comparingDouble((SearchResult r) -> r.score() * (r.tags().contains("root_cause") ? ROOT_CAUSE_BOOST : 1)).reversed())
        .limit(limit).toList();
  }

  private Future<Narrative> narrate(AlertContext alert, Retrieved context, String degraded) {
    if (llm == null || degraded != null) {
      return template.write(alert, context).map(n -> degraded == null ? n : n.withFallbackReason(degraded));
    }
    return llmSlots.run(() -> llm.write(alert, context)).recover(e -> {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn("LLM narrative for {} failed, using the template: {}", alert.alertname(), reason);
      return template.write(alert, context).map(n -> n.withFallbackReason(reason));
    });
  }

  private static JsonArray refs(List<SearchResult> results) {
    JsonArray out = new JsonArray();
    results.forEach(r -> out.add(new JsonObject().put("id", r.documentId()).put("collection", r.collection().id())
        .put("title", r.title()).put("score", Math.round(r.score() * 10_000) / 10_000.0)));
    return out;
  }
}
