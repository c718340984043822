package iris.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import iris.Capability;
import iris.Components;
import iris.IrisConfig;
import iris.Role;
import iris.http.ApiKeyAuth;
import iris.http.ErrorHandler;
import iris.http.CrossOrigin;
import iris.http.RequestDeadline;
import iris.http.UploadSlots;

/**
 * The HTTP front. On every node: health (with every capability's readiness checks) and
 * metrics. Where the ingest role runs: the capabilities' routes too (the Alertmanager webhook
 * and the REST API), mounted in their route order, deployed once per core, each instance with
 * its own event loop.
 */
public final class WebhookVerticle extends VerticleBase {
  private static final int API_BODY_LIMIT = 2 * 1024 * 1024;
  private static final int IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

  private final Components components;
  private final List<Capability> capabilities;
  private final ApiKeyAuth auth;

  public WebhookVerticle(Components components, List<Capability> capabilities, ApiKeyAuth auth) {
    this.components = components;
    this.capabilities = capabilities;
    this.auth = auth;
  }

  @Override
  public Future<?> start() {
    IrisConfig config = components.config();
    Router router = router(vertx, components, capabilities, auth);
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

  /** Every route this node serves (the OpenAPI test compares them with the document). */
  public static Router router(Vertx vertx, Components components, List<Capability> capabilities, ApiKeyAuth auth) {
    IrisConfig config = components.config();
    Router router = Router.router(vertx);
    router.route().handler(new RequestDeadline(vertx, config.http().requestTimeout().toMillis()));
    router.route().failureHandler(new ErrorHandler());
    IrisConfig.Cors cors = config.http().cors();
    if (cors.enabled()) {
      // Before authentication: a browser's preflight carries no API key.
      router.route().handler(new CrossOrigin(cors.allowedOrigins(), (int) cors.maxAge().toSeconds(), config.http().tls()));
    }

    HealthRoutes.addRoutes(router, vertx, components, capabilities);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(components.registry()));
    if (config.roles().contains(Role.INGEST)) {
      addIngestRoutes(router, vertx, config, capabilities, auth);
    }
    router.route().last().handler(ctx -> ctx.fail(404));
    return router;
  }

  /** The capabilities' routes, behind the API's authentication and body handlers: only on nodes with the ingest role. */
  private static void addIngestRoutes(Router router, Vertx vertx, IrisConfig config, List<Capability> capabilities, ApiKeyAuth auth) {
    List<Capability> mounted = Capability.inRouteOrder(capabilities);
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
    for (Capability capability : mounted) {
      for (String upload : capability.uploads()) {
        router.post(upload).handler(uploads);
        router.post(upload).handler(BodyHandler.create(config.dataDir().resolve("uploads").toString())
            .setBodyLimit(IMPORT_BODY_LIMIT).setDeleteUploadedFilesOnEnd(true));
      }
    }
    router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(API_BODY_LIMIT));
    for (Capability capability : mounted) {
      capability.addRoutes(router, vertx);
    }
  }
}
