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
import iris.api.ApiDocsCapability;
import iris.api.ApiKeysCapability;
import iris.api.WebhookTokenBootstrap;
import iris.api.WebhookVerticle;
import iris.console.ConsoleCapability;
import iris.console.LinkKeyBootstrap;
import iris.db.Database;
import iris.db.EmbeddedDatabase;
import iris.db.LocalSharedState;
import iris.db.Migrations;
import iris.db.RedisSharedState;
import iris.db.SharedState;
import iris.deploy.DeployCapability;
import iris.digest.DigestCapability;
import iris.enrich.EnrichCapability;
import iris.enroll.EnrollCapability;
import iris.incident.IncidentCapability;
import iris.incident.IncidentStore;
import iris.incident.Pipeline;
import iris.ingest.IngestCapability;
import iris.ingest.IntakeLoad;
import iris.knowledge.KnowledgeCapability;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import iris.maintenance.MaintenanceCapability;
import iris.metrics.MetricsCapability;
import iris.notify.NotifyCapability;
import iris.prometheus.PrometheusCapability;
import iris.registry.RegistryCapability;
import iris.schedule.Jobs;
import iris.schedule.ScheduleCapability;
import iris.trace.Traces;
import iris.trace.Tracing;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: database, migrations, Vert.x (clustered or not), shared components,
 * then the capabilities (the one list of them), started in order, and the verticles of this
 * node's roles. Readiness stays down until every deployment succeeded.
 */
public final class IrisApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IrisApp.class);

  private final Vertx vertx;
  private final Components components;
  private final EmbeddedDatabase embedded;
  private final Tracing tracing;
  private final List<Capability> capabilities = new ArrayList<>();
  private final List<String> deploymentIds = new ArrayList<>();
  private ApiKeysCapability apiKeys;

  private IrisApp(Vertx vertx, Components components, EmbeddedDatabase embedded, Tracing tracing) {
    this.vertx = vertx;
    this.components = components;
    this.embedded = embedded;
    this.tracing = tracing;
  }

  /**
   * Every capability, in start order (readiness checks and jobs are listed in this order too;
   * routes mount in each one's route order). Jobs are gathered from all of them before the
   * scheduler's verticle deploys.
   */
  private void addCapabilities() {
    Jobs jobs = new Jobs();
    apiKeys = new ApiKeysCapability(vertx, components);
    MaintenanceCapability maintenance = new MaintenanceCapability(vertx, components);
    capabilities.addAll(List.of(
        apiKeys,
        new ApiDocsCapability(),
        new IngestCapability(components),
        new IncidentCapability(components),
        new EnrichCapability(components),
        new KnowledgeCapability(components),
        new NotifyCapability(components, List.of(maintenance::muter)),
        new EnrollCapability(components),
        new RegistryCapability(components),
        new PrometheusCapability(components),
        new ScheduleCapability(components, jobs),
        maintenance,
        new DeployCapability(components, maintenance),
        new MetricsCapability(components),
        new DigestCapability(components),
        new ConsoleCapability(components)));
    capabilities.forEach(capability -> capability.jobs().forEach(jobs::add));
  }

  /** Blocking: returns once every verticle of the configured roles is deployed. */
  public static IrisApp start(IrisConfig configured) throws Exception {
    return start(configured, System.getenv());
  }

  /** @param env where the standard {@code OTEL_*} variables are read (tracing: {@link Tracing}) */
  public static IrisApp start(IrisConfig configured, Map<String, String> env) throws Exception {
    IrisConfig withToken = WebhookTokenBootstrap.resolve(configured.validated());
    LOG.info("Starting Iris: {}", withToken);
    IrisConfig config = LinkKeyBootstrap.resolve(withToken);
    EmbeddedDatabase embedded = null;
    Tracing tracing = null;
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
      tracing = Tracing.from(env);
      LOG.info("Tracing: {}", tracing.describe());
      Traces.install(tracing.openTelemetry());
      Vertx vertx = vertx(config, registry, tracing);
      Components components = components(vertx, config, dbOptions, registry);
      IrisApp app = new IrisApp(vertx, components, embedded, tracing);
      tracing = null; // the app closes it from now on
      try {
        app.addCapabilities();
        app.startCapabilities()
            .compose(v -> app.deploy())
            .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        app.close();
        throw e;
      }
      if (!config.auth().enabled()) {
        LOG.warn("API authentication is OFF (IRIS_AUTH=off): anyone who reaches this port can use the API. Local development only.");
      }
      if (config.http().cors().anyOrigin()) {
        LOG.warn("CORS allows any origin (IRIS_HTTP_CORS_ALLOWED_ORIGINS=*): any web page can call this API. Local development only.");
      }
      LOG.info("Iris is ready on {}:{} with roles {}", config.http().host(), config.http().port(), config.roles());
      return app;
    } catch (Exception e) {
      if (tracing != null) {
        Traces.install(null);
        tracing.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  private static Vertx vertx(IrisConfig config, PrometheusMeterRegistry registry, Tracing tracing) throws Exception {
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addLabels(Label.HTTP_CODE, Label.HTTP_METHOD, Label.POOL_TYPE, Label.POOL_NAME));
    // Without an OTLP endpoint Vert.x gets no tracing options, hence no tracer: nothing is traced.
    var builder = tracing.configure(options, Vertx.builder()).with(options).withMetrics(new MicrometerMetricsFactory(registry));
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
    return new Components(config, clock, dbOptions, pool, leasePool, shared, registry,
        new IncidentStore(pool, ingestPool), new Pipeline(pool, leasePool, registry),
        new IntakeLoad(clock, config.pipeline().yieldAboveAlertsPerSecond()), http,
        KnowledgeCapability.create(vertx, config, pool, shared, http), new Templates(config.templatesDir()),
        new AtomicBoolean(false));
  }

  /** One after the other, in the listed order: a capability may rely on those before it. */
  private Future<Void> startCapabilities() {
    Future<Void> chain = Future.succeededFuture();
    for (Capability capability : capabilities) {
      chain = chain.compose(v -> capability.start()
          .onFailure(e -> LOG.error("Cannot start {}: {}", capability.name(), e.toString())));
    }
    return chain;
  }

  private Future<Void> deploy() {
    IrisConfig config = components.config();
    List<Future<?>> deployments = new ArrayList<>();
    // Every node serves /health/* and /metrics, whatever its roles; the webhook and the API only
    // where the ingest role runs, one instance per core there.
    int instances = !config.roles().contains(Role.INGEST) ? 1
        : config.http().instances() > 0 ? config.http().instances() : Runtime.getRuntime().availableProcessors();
    List<Capability> all = List.copyOf(capabilities);
    deployments.add(deploy("WebhookVerticle", () -> new WebhookVerticle(components, all, apiKeys.auth()),
        new DeploymentOptions().setInstances(instances)));
    for (Capability capability : capabilities) {
      for (Capability.Deployment verticle : capability.verticles()) {
        if (config.roles().contains(verticle.role())) {
          deployments.add(deploy(verticle.name(), verticle.verticle(), verticle.options()));
        }
      }
    }
    return Future.all(deployments).onSuccess(v -> components.deployed().set(true)).mapEmpty();
  }

  private Future<String> deploy(String name, Supplier<? extends Deployable> verticle,
      DeploymentOptions options) {
    return vertx.deployVerticle(verticle, options)
        .onSuccess(id -> {
          synchronized (deploymentIds) {
            deploymentIds.add(id);
          }
          LOG.info("Deployed {} x{}", name, options.getInstances());
        })
        .onFailure(e -> LOG.error("Cannot deploy {}: {}", name, e.toString(), e));
  }

  /** The verticles first, then the capabilities in reverse order; failures are logged, not fatal. */
  private Future<Void> stop() {
    List<Future<Void>> undeployed;
    synchronized (deploymentIds) {
      undeployed = deploymentIds.stream().map(vertx::undeploy).toList();
    }
    Future<Void> chain = Future.join(undeployed).transform(ar -> Future.<Void>succeededFuture());
    for (int i = capabilities.size() - 1; i >= 0; i--) {
      Capability capability = capabilities.get(i);
      chain = chain.compose(v -> capability.stop().recover(e -> {
        LOG.warn("Cannot stop {}: {}", capability.name(), e.toString());
        return Future.succeededFuture();
      }));
    }
    return chain;
  }

  /** Every capability, in start order. */
  public List<Capability> capabilities() {
    return List.copyOf(capabilities);
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
      stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Stopping Iris: {}", e.toString());
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      // After the verticles stopped: their last spans are sent.
      Traces.install(null);
      tracing.close();
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
