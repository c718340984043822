package iris.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.concurrent.TimeUnit;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import iris.Components;
import iris.IrisConfig;
import iris.Role;
import iris.enroll.AlloyTemplateRoutes;
import iris.enroll.AlloyTemplateStore;
import iris.enroll.AlloyTemplates;
import iris.enroll.EnrollmentRoutes;
import iris.enroll.EnrollmentStore;
import iris.knowledge.KnowledgeRoutes;
import iris.registry.HostStore;
import iris.registry.HostTagStore;
import iris.registry.MaintainerStore;
import iris.registry.RegistryRoutes;
import iris.registry.ServiceStore;
import iris.incident.Stage;
import iris.incident.StageLoop;
import iris.incident.IncidentRoutes;
import iris.ingest.IngestBatcher;
import iris.ingest.WebhookRoutes;
import iris.schedule.JobRoutes;
import iris.schedule.Scheduling;
import iris.http.ApiKeyAuth;
import iris.http.ErrorHandler;
import iris.http.RequestDeadline;
import iris.http.UploadSlots;

/**
 * The HTTP front. On every node: health and metrics. Where the ingest role runs: the
 * Alertmanager webhook and the REST API too, deployed once per core, each instance with its own
 * event loop and its own group-commit batcher.
 */
public final class WebhookVerticle extends VerticleBase {
  private static final int API_BODY_LIMIT = 2 * 1024 * 1024;
  private static final int IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

  private final Components components;
  private final Scheduling scheduling;

  public WebhookVerticle(Components components, Scheduling scheduling) {
    this.components = components;
    this.scheduling = scheduling;
  }

  @Override
  public Future<?> start() {
    IrisConfig config = components.config();
    Router router = Router.router(vertx);
    router.route().handler(new RequestDeadline(vertx, config.http().requestTimeout().toMillis()));
    router.route().failureHandler(new ErrorHandler());

    HealthRoutes.addRoutes(router, vertx, components);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(components.registry()));
    if (config.roles().contains(Role.INGEST)) {
      addIngestRoutes(router, config);
    }
    router.route().last().handler(ctx -> ctx.fail(404));

    EventLoopProbe.start(vertx, components.registry());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setCompressionSupported(true)
        .setIdleTimeout((int) config.http().idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (config.http().tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.http().tlsCert().toString()).setKeyPath(config.http().tlsKey().toString()));
    }
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .listen();
  }

  /** The Alertmanager webhook and the REST API: only on nodes with the ingest role. */
  private void addIngestRoutes(Router router, IrisConfig config) {
    IrisConfig.Webhook webhook = config.webhook();
    IngestBatcher batcher = new IngestBatcher(vertx, components.incidents(), components.ingestMetrics(),
        changes -> {
          components.intakeLoad().add(changes.size());
          if (!changes.isEmpty()) {
            StageLoop.wake(vertx.eventBus(), Stage.ENRICH);
          }
        },
        new IngestBatcher.Bounds(webhook.batchWindow(), webhook.batchMaxAlerts(), webhook.maxInFlight(),
            webhook.maxQueuedRequests(), webhook.maxQueuedAlerts()));
    new WebhookRoutes(webhook.token(), webhook.maxBodyBytes(), webhook.retryAfterSeconds(), batcher,
        components.ingestMetrics()).addRoutes(router);

    ApiKeyAuth auth = new ApiKeyAuth(components.apiKeys(), config.auth().enabled(), components.clock());
    // The key is checked before any body is read, so a client without one cannot make Iris buffer
    // (or write to disk) a single byte. The request stays paused while the key is looked up;
    // the body handlers resume it. Separate routes, so vertx-web's body-first order within a route holds.
    router.route("/api/v1/*").handler(ctx -> {
      ctx.request().pause();
      ctx.next();
    }).handler(auth);
    // Bulk imports are multipart uploads, a bounded number at once; their body handler runs first,
    // and the general one then lets them pass.
    UploadSlots uploads = UploadSlots.of(vertx, config.http().maxUploads());
    for (String upload : new String[] {"/api/v1/knowledge/:collection/import", "/api/v1/hosts/enrollments/batch"}) {
      router.post(upload).handler(uploads);
      router.post(upload).handler(BodyHandler.create(config.dataDir().resolve("uploads").toString())
          .setBodyLimit(IMPORT_BODY_LIMIT).setDeleteUploadedFilesOnEnd(true));
    }
    router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(API_BODY_LIMIT));
    new IncidentRoutes(components.incidents(), vertx.eventBus()).addRoutes(router);
    new ApiKeyRoutes(components.apiKeys(), auth).addRoutes(router);
    new KnowledgeRoutes(components.knowledge(), vertx.fileSystem()).addRoutes(router);
    HostStore hosts = new HostStore(components.pool());
    new EnrollmentRoutes(new EnrollmentStore(components.pool()), hosts,
        components.secrets(), config.prometheus(),
        config.enroll(), vertx.eventBus(), vertx.fileSystem()).addRoutes(router);
    AlloyTemplateStore alloyTemplates = new AlloyTemplateStore(components.pool());
    new AlloyTemplateRoutes(vertx, new AlloyTemplates(components.templates(), alloyTemplates), alloyTemplates, config)
        .addRoutes(router);
    new RegistryRoutes(new MaintainerStore(components.pool()), new ServiceStore(components.pool()),
        hosts, new HostTagStore(components.pool()), components.clock(), config.notifications().allowInsecureUrls()).addRoutes(router);
    new JobRoutes(scheduling, components.clock()).addRoutes(router);

  }
}
