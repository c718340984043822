package iris.knowledge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;
import iris.Capability;
import iris.Components;
import iris.IrisConfig;
import iris.Role;
import iris.db.SharedState;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The knowledge base: its REST resource and bulk import, and its vector store's readiness. The
 * {@link KnowledgeBase} itself is in {@link Components}, built by {@link #create}: enrichment
 * searches it too.
 */
public final class KnowledgeCapability implements Capability {
  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeCapability.class);
  static final String IMPORT = "/api/v1/knowledge/:collection/import";
  public static final String CATCH_UP_JOB = "knowledge-catch-up";

  private final Components components;

  public KnowledgeCapability(Components components) {
    this.components = components;
  }

  /** PostgreSQL or Weaviate for vectors; the in-process model or Ollama for embeddings. */
  public static KnowledgeBase create(Vertx vertx, IrisConfig config, Pool pool, SharedState shared, WebClient http) {
    VectorStore vectors = config.weaviate().enabled()
        ? new WeaviateVectorStore(vertx, config.weaviate().url(), config.weaviate().apiKey())
        : new PgVectorStore(vertx, pool);
    Embedder embedder = config.ollama().enabled()
        ? new OllamaEmbedder(http, config.ollama().url(), config.ollama().embedModel(), config.ollama().timeout())
        : new LocalEmbedder(vertx);
    IrisConfig.Knowledge k = config.knowledge();
    Embedder cached = new CachingEmbedder(embedder, shared.kind().equals("redis") ? shared : null,
        k.embeddingCacheEntries(), k.embeddingCacheTtl());
    return new KnowledgeBase(new KnowledgeStore(pool), vectors, cached,
        new MarkdownChunker(k.chunkWords(), k.chunkOverlapWords()), shared);
  }

  @Override
  public String name() {
    return "knowledge";
  }

  /** Chunks without a vector of the current model (a model change, a write while the embedder was down) get one. */
  @Override
  public List<ScheduledJob> jobs() {
    return List.of(new ScheduledJob(CATCH_UP_JOB, Schedule.every(Duration.ofMinutes(1)), Duration.ofMinutes(10),
        () -> components.knowledge().catchUp().mapEmpty()));
  }

  /**
   * A vector store that is down does not stop Iris: search falls back to keywords and readiness
   * says so. A start may bring a new embedding model, so one catch-up begins at once, in the
   * background, rather than at the job's next minute.
   */
  @Override
  public Future<Void> start() {
    var vectors = components.knowledge().vectors();
    return vectors.start()
        .onSuccess(v -> LOG.info("Knowledge base: {} vector store, {} embeddings", vectors.kind(), components.knowledge().model()))
        .onSuccess(v -> components.knowledge().catchUp()
            .onFailure(e -> LOG.warn("Knowledge catch-up at start failed (the {} job tries again): {}", CATCH_UP_JOB, e.getMessage())))
        .recover(e -> {
          LOG.warn("Knowledge base: the {} vector store is not available ({}); search uses keywords only until it is",
              vectors.kind(), e.getMessage());
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<Void> stop() {
    return components.knowledge().vectors().close();
  }

  /**
   * Reported, never failing readiness: without its vector store the knowledge base degrades to
   * keyword search, and alerts must keep flowing in. Only where the API or enrichment uses it.
   */
  @Override
  public void registerReadinessChecks(HealthCheckHandler ready) {
    Set<Role> roles = components.config().roles();
    if (!roles.contains(Role.INGEST) && !roles.contains(Role.ENRICH)) {
      return;
    }
    ready.register("knowledge", CHECK_TIMEOUT_MS, promise -> {
      var vectors = components.knowledge().vectors();
      vectors.ping().onComplete(ar -> {
        JsonObject data = new JsonObject().put("vector_store", vectors.kind())
            .put("embedding_model", components.knowledge().model()).put("degraded", ar.failed());
        if (ar.failed()) {
          data.put("reason", vectors.kind() + " unavailable, searching by keywords only: " + ar.cause().getMessage());
        }
        promise.complete(Status.OK(data));
      });
    });
  }

  @Override
  public int routeOrder() {
    return 400;
  }

  @Override
  public List<String> uploads() {
    return List.of(IMPORT);
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new KnowledgeRoutes(components.knowledge(), vertx.fileSystem()).addRoutes(router);
  }
}
