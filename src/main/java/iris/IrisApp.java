package iris;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import iris.api.ApiKeyBootstrap;
import iris.api.ApiKeyStore;
import iris.api.WebhookTokenBootstrap;
import iris.api.WebhookVerticle;
import iris.db.Database;
import iris.db.EmbeddedDatabase;
import iris.db.LocalSharedState;
import iris.db.Migrations;
import iris.db.RedisSharedState;
import iris.db.SharedState;
import iris.enrich.EnrichmentVerticle;
import iris.enroll.EnrollmentWorkerVerticle;
import iris.enroll.SecretBox;
import iris.incident.IncidentStore;
import iris.incident.Pipeline;
import iris.ingest.IntakeLoad;
import iris.knowledge.CachingEmbedder;
import iris.knowledge.Embedder;
import iris.knowledge.KnowledgeBase;
import iris.knowledge.KnowledgeStore;
import iris.knowledge.LocalEmbedder;
import iris.knowledge.MarkdownChunker;
import iris.knowledge.OllamaEmbedder;
import iris.knowledge.PgVectorStore;
import iris.knowledge.VectorStore;
import iris.knowledge.WeaviateVectorStore;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import iris.ingest.IngestMetrics;
import iris.notify.NotifierVerticle;
import iris.schedule.SchedulerVerticle;
import iris.schedule.Scheduling;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: database, migrations, Vert.x (clustered or not), shared components,
 * then one deployment per role. Readiness stays down until every deployment succeeded.
 */
public final class IrisApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IrisApp.class);

  private final Vertx vertx;
  private final Components components;
  private final EmbeddedDatabase embedded;

  private IrisApp(Vertx vertx, Components components, EmbeddedDatabase embedded) {
    this.vertx = vertx;
    this.components = components;
    this.embedded = embedded;
  }

  /** Blocking: returns once every verticle of the configured roles is deployed. */
  public static IrisApp start(IrisConfig configured) throws Exception {
    IrisConfig config = WebhookTokenBootstrap.resolve(configured.validated());
    LOG.info("Starting Iris: {}", config);
    EmbeddedDatabase embedded = null;
    String dbUrl = config.db().url();
    if (config.db().embedded()) {
      embedded = EmbeddedDatabase.start(config.dataDir().resolve("postgres"), config.db().embeddedPort());
      dbUrl = embedded.url();
    }
    try {
      PgConnectOptions dbOptions = Database.connectOptions(dbUrl, config.db());
      Migrations.migrate(dbOptions);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      BuildInfo.register(registry);
      Vertx vertx = vertx(config, registry);
      Components components = components(vertx, config, dbOptions, registry);
      IrisApp app = new IrisApp(vertx, components, embedded);
      try {
        ApiKeyBootstrap.run(vertx, components.apiKeys(), config.auth().seedApiKey(), config.dataDir())
            .compose(v -> startKnowledge(components))
            .compose(v -> app.deploy())
            .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        app.close();
        throw e;
      }
      if (!config.auth().enabled()) {
        LOG.warn("API authentication is OFF (IRIS_AUTH=off): anyone who reaches this port can use the API. Local development only.");
      }
      LOG.info("Iris is ready on {}:{} with roles {}", config.http().host(), config.http().port(), config.roles());
      return app;
    } catch (Exception e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  private static Vertx vertx(IrisConfig config, PrometheusMeterRegistry registry) throws Exception {
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addLabels(Label.HTTP_CODE, Label.HTTP_METHOD, Label.POOL_TYPE, Label.POOL_NAME));
    var builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    if (!config.cluster().enabled()) {
      return builder.build();
    }
    options.setEventBusOptions(ClusterSetup.eventBusOptions(config.cluster()));
    return builder.with(options).withClusterManager(ClusterSetup.clusterManager(config.cluster()))
        .buildClustered().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private static Components components(Vertx vertx, IrisConfig config, PgConnectOptions dbOptions,
      PrometheusMeterRegistry registry) {
    Pool pool = Database.pool(vertx, dbOptions, config.db());
    Pool ingestPool = Database.ingestPool(vertx, dbOptions, config.db());
    Pool leasePool = Database.leasePool(vertx, dbOptions, config.db());
    Clock clock = Clock.systemUTC();
    SharedState shared = config.redisUrl().isEmpty()
        ? new LocalSharedState(clock)
        : new RedisSharedState(vertx, config.redisUrl());
    // Teams webhooks share a handful of hosts: more than Vert.x's 5 connections per host, or cards queue for one.
    WebClient http = WebClient.create(vertx, new WebClientOptions().setUserAgent("Iris").setConnectTimeout(5000),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    return new Components(config, clock, dbOptions, pool, leasePool, shared, registry, new IngestMetrics(registry),
        new IncidentStore(pool, ingestPool), new Pipeline(pool, leasePool, registry),
        new IntakeLoad(clock, config.pipeline().yieldAboveAlertsPerSecond()), new ApiKeyStore(pool), http,
        knowledge(vertx, config, pool, shared, http), new Templates(config.templatesDir()),
        SecretBox.open(config.enroll().secretKey(), config.dataDir().resolve("enrollment.key")), new AtomicBoolean(false));
  }

  /** PostgreSQL or Weaviate for vectors; the in-process model or Ollama for embeddings. */
  private static KnowledgeBase knowledge(Vertx vertx, IrisConfig config, Pool pool, SharedState shared, WebClient http) {
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

  /** A vector store that is down does not stop Iris: search falls back to keywords and readiness says so. */
  private static Future<Void> startKnowledge(Components components) {
    var vectors = components.knowledge().vectors();
    return vectors.start()
        .onSuccess(v -> LOG.info("Knowledge base: {} vector store, {} embeddings", vectors.kind(), components.knowledge().model()))
        .recover(e -> {
          LOG.warn("Knowledge base: the {} vector store is not available ({}); search uses keywords only until it is",
              vectors.kind(), e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> deploy() {
    IrisConfig config = components.config();
    List<Future<?>> deployments = new ArrayList<>();
    // The API lists and runs jobs on every node; only nodes with the schedule role run them on their slots.
    Scheduling scheduling = Scheduling.create(vertx, components);
    // Every node serves /health/* and /metrics, whatever its roles; the webhook and the API only
    // where the ingest role runs, one instance per core there.
    int instances = !config.roles().contains(Role.INGEST) ? 1
        : config.http().instances() > 0 ? config.http().instances() : Runtime.getRuntime().availableProcessors();
    deployments.add(deploy("WebhookVerticle", () -> new WebhookVerticle(components, scheduling),
        new DeploymentOptions().setInstances(instances)));
    if (config.roles().contains(Role.ENRICH)) {
      deployments.add(deploy("EnrichmentVerticle", () -> new EnrichmentVerticle(components), new DeploymentOptions()));
    }
    if (config.roles().contains(Role.NOTIFY)) {
      deployments.add(deploy("NotifierVerticle", () -> new NotifierVerticle(components), new DeploymentOptions()));
    }
    if (config.roles().contains(Role.ENROLL)) {
      // Its handlers only claim and record; each job's blocking SSH/WinRM work runs on the iris-enroll worker pool.
      deployments.add(deploy("EnrollmentWorkerVerticle", () -> new EnrollmentWorkerVerticle(components), new DeploymentOptions()));
    }
    if (config.roles().contains(Role.SCHEDULE)) {
      deployments.add(deploy("SchedulerVerticle", () -> new SchedulerVerticle(components, scheduling), new DeploymentOptions()));
    }
    return Future.all(deployments).onSuccess(v -> components.deployed().set(true)).mapEmpty();
  }

  private Future<String> deploy(String name, Supplier<? extends Deployable> verticle,
      DeploymentOptions options) {
    return vertx.deployVerticle(verticle, options)
        .onSuccess(id -> LOG.info("Deployed {} x{}", name, options.getInstances()))
        .onFailure(e -> LOG.error("Cannot deploy {}: {}", name, e.toString(), e));
  }

  public Vertx vertx() {
    return vertx;
  }

  public Components components() {
    return components;
  }

  @Override
  public void close() throws Exception {
    components.deployed().set(false);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
