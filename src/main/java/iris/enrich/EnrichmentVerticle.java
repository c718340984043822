package iris.enrich;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.Components;
import iris.EventAddress;
import iris.IrisConfig;
import iris.deploy.DeploymentStore;
import iris.deploy.RecentDeployments;
import iris.metrics.HostHealth;
import iris.metrics.Snapshots;
import iris.db.Coalescer;
import iris.enrich.EnrichmentStore.NewEnrichment;
import iris.enrich.EnrichmentStore.Waiting;
import iris.enrich.EnrichmentStore.WaitingQuery;
import iris.incident.Claim;
import iris.incident.Pipeline;
import iris.incident.Stage;
import iris.incident.StageLoop;
import iris.registry.OwnershipStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrich stage: claims alert groups with received incidents, enriches each alert name of a
 * group once (or reuses a recent enrichment of it), and moves the incidents on to the notifier.
 * Resolutions pass straight on, and teach the knowledge base when they carry a root cause.
 */
public final class EnrichmentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EnrichmentVerticle.class);
  /** Incidents of one group taken per claim: a huge group is worked on in slices. */
  private static final int GROUP_SLICE = 1000;
  /** The slice while the intake is busy: each incident moved costs PostgreSQL what the intake needs. */
  private static final int BUSY_SLICE = 100;
  /** Incidents one claim enriches at most (its lease is {@code pipeline.lease_seconds}). */
  private static final int MAX_PER_CLAIM = 100_000;
  /** Alert names of one group enriched at the same time. */
  private static final int KINDS_AT_ONCE = 4;
  static final String STORM = "the intake is under storm load: template used instead of the LLM";

  private final Components components;
  private EnrichmentStore store;
  private Enricher enricher;
  private IncidentLearner learner;
  private Pipeline pipeline;
  private StageLoop loop;
  private Timer took;
  private MeterRegistry registry;
  private IrisConfig.Enrich settings;
  /** The claimed groups' reads of their waiting incidents, one statement for those made together. */
  private Coalescer<WaitingQuery, List<Waiting>> waitingReads;
  /** The claimed groups' moves to enriched (with their new enrichments), one statement for those made together. */
  private Coalescer<Move, List<Long>> moves;

  /** One group's move: its incidents and the enrichment they get (an existing one, a new one, or none). */
  private record Move(Claim claim, List<Long> ids, Long enrichmentId, NewEnrichment saved) {}

  public EnrichmentVerticle(Components components) {
    this.components = components;
  }

  @Override
  public Future<?> start() {
    IrisConfig config = components.config();
    settings = config.enrich();
    store = new EnrichmentStore(components.pool()).coalescing(vertx.getOrCreateContext());
    waitingReads = new Coalescer<>(vertx.getOrCreateContext(), 64, queries -> store.waiting(queries, settings.reuse()));
    moves = new Coalescer<>(vertx.getOrCreateContext(), 64, these -> {
      List<NewEnrichment> saves = these.stream().map(Move::saved).filter(Objects::nonNull).toList();
      return pipeline.enriched(these.stream().map(m -> new Pipeline.EnrichedMove(m.claim(), m.ids(), m.enrichmentId(),
          m.saved() == null ? null : m.saved().alertname())).toList(), saves.isEmpty() ? null : EnrichmentStore.savingAll(saves));
    });
    pipeline = components.pipeline();
    Narrator template = new TemplateNarrator(components.templates());
    Narrator llm = config.ollama().enabled()
        ? new OllamaNarrator(components.http(), config.ollama().url(), config.ollama().chatModel(), config.ollama().timeout())
        : null;
    enricher = new Enricher(components.knowledge(), store, llm, template, settings,
        new OwnershipStore(components.pool()).coalescing(vertx.getOrCreateContext()), config.notifications(),
        new RecentDeployments(new DeploymentStore(components.pool()), components.clock(), config.maintenance().deploymentLookback()),
        new HostHealth(new Snapshots(components.pool()).coalescing(vertx.getOrCreateContext()), components.clock(), config.metrics().snapshotInterval()));
    learner = new IncidentLearner(components.incidents(), store, components.knowledge());
    registry = components.registry();
    took = Timer.builder("iris_enrichment_seconds").description("Time to enrich one alert name of one group")
        .serviceLevelObjectives(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(250),
            java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5),
            java.time.Duration.ofSeconds(20))
        .register(registry);

    IrisConfig.Pipeline p = config.pipeline();
    loop = new StageLoop(vertx, pipeline, Stage.ENRICH, p.batchGroups(),
        components.intakeLoad()::busy, p.lease(), p.poll(), this::work);
    var annotated = EventAddress.INCIDENT_ANNOTATED.consumer(vertx.eventBus(),
        changed -> learner.learn(changed.id()).onFailure(e -> LOG.warn("Cannot learn incident {}: {}", changed.id(), e.getMessage())));
    return Future.join(loop.start(), annotated.completion());
  }

  @Override
  public Future<?> stop() {
    loop.stop();
    return Future.succeededFuture();
  }

  /** One claimed group: its resolutions pass on, each alert name of its firing incidents is enriched once. */
  private Future<Void> work(Claim claim) {
    // While the intake is busy, one slice per claim: the stage yields between its claims, and
    // the rest of the group waits in the database (the notifier leaves a group whose enrichment
    // is under way alone for a while, Pipeline#ENRICHING_GRACE).
    Future<Integer> done = components.intakeLoad().busy() ? slice(claim, BUSY_SLICE) : slices(claim, GROUP_SLICE, 0);
    return done.onSuccess(v -> StageLoop.wake(vertx.eventBus(), Stage.NOTIFY)).mapEmpty();
  }

  /**
   * Slice after slice until the group has nothing waiting (up to {@link #MAX_PER_CLAIM}), so the
   * notifier, which cannot claim a group while it is held, never sees a large group half enriched
   * and sends it as one message. Later slices reuse the enrichment the first one made. Returns
   * how many incidents it took.
   */
  private Future<Integer> slices(Claim claim, int slice, int done) {
    return slice(claim, slice).compose(taken -> taken == slice && done + taken + GROUP_SLICE <= MAX_PER_CLAIM
        ? slices(claim, GROUP_SLICE, done + taken)
        : Future.succeededFuture(done + taken));
  }

  /** One slice of the group's waiting incidents; returns how many it took. */
  private Future<Integer> slice(Claim claim, int slice) {
    return waitingReads.add(new WaitingQuery(claim.groupId(), slice)).compose(waiting -> {
      List<Long> resolved = waiting.stream().filter(w -> "resolved".equals(w.status())).map(Waiting::id).toList();
      Map<String, List<Waiting>> byName = new LinkedHashMap<>();
      waiting.stream().filter(w -> "firing".equals(w.status()))
          .forEach(w -> byName.computeIfAbsent(w.alertname(), k -> new ArrayList<>()).add(w));
      // Only annotated ones have anything to learn: a group of 20,000 resolved alerts is one query, not 20,000.
      Future<Void> passed = move(new Move(claim, resolved, null, null)).compose(store::withNotes).map(toLearn -> {
        toLearn.forEach(id -> learner.learn(id).onFailure(e -> LOG.warn("Cannot learn incident {}: {}", id, e.getMessage())));
        return null;
      });
      return passed.compose(v -> inSlices(new ArrayList<>(byName.values()), incidents -> enrichKind(claim, incidents)))
          .map(v -> waiting.size());
    });
  }

  /** Runs {@code task} over {@code items}, {@link #KINDS_AT_ONCE} at a time. */
  private static <T> Future<Void> inSlices(List<T> items, Function<T, Future<?>> task) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < items.size(); from += KINDS_AT_ONCE) {
      List<T> slice = items.subList(from, Math.min(items.size(), from + KINDS_AT_ONCE));
      chain = chain.compose(v -> Future.all(slice.stream().map(task).toList()).mapEmpty());
    }
    return chain;
  }

  /** The incidents of one alert name in the group: a recent enrichment of it, or a new one. */
  private Future<List<Long>> enrichKind(Claim claim, List<Waiting> incidents) {
    List<Long> ids = incidents.stream().map(Waiting::id).toList();
    Long recent = incidents.get(0).recentEnrichment();
    if (recent != null) {
      return move(new Move(claim, ids, recent, null));
    }
    long started = System.nanoTime();
    AlertContext alert = context(incidents);
    return create(alert)
        .compose(result -> move(new Move(claim, ids, null,
            new NewEnrichment(alert.groupId(), alert.alertname(), result.getString("generated_by"), result))))
        .onSuccess(moved -> took.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  /** Moves the group's incidents on, with other groups' moves of the moment; returns the ids moved. */
  private Future<List<Long>> move(Move move) {
    return move.ids().isEmpty() ? Future.succeededFuture(List.of()) : moves.add(move);
  }

  /** A new enrichment of the alert, saved by the move that follows it. */
  private Future<JsonObject> create(AlertContext alert) {
    // Under a storm the LLM would hold each group for seconds: the template writes at once.
    String degraded = components.intakeLoad().busy() ? STORM : null;
    return enricher.enrich(alert, degraded)
        .recover(e -> Future.succeededFuture(failed(alert, e)))
        .onSuccess(result -> Counter.builder("iris_enrichments_total")
            .description("Enrichments made, by who wrote the narrative and why the LLM was not used")
            .tag("generated_by", result.getString("generated_by"))
            .tag("fallback", fallback(result))
            .register(registry).increment());
  }

  /** A short, bounded label: none, an error, a timeout or a degraded run. */
  private static String fallback(JsonObject result) {
    String reason = result.getString("fallback_reason");
    if (result.containsKey("error")) {
      return "error";
    }
    if (reason == null) {
      return "none";
    }
    String lower = reason.toLowerCase();
    return lower.contains("timed out") || lower.contains("timeout") ? "timeout"
        : lower.contains("not found") ? "model_not_found" : "llm_failed";
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
}
