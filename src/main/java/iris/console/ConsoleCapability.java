package iris.console;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import iris.Capability;
import iris.Components;
import iris.IrisConfig;
import iris.api.ApiKeyStore;
import iris.http.SignedLinks;
import iris.registry.HostStore;
import iris.registry.HostTagStore;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;
import java.util.List;

/**
 * The web console: sign-in with an API key, server-rendered pages that read and act through the
 * REST API with the session's key, the event-bus bridge for live updates, and the one-click
 * links that messages carry. Served by the HTTP front on nodes with the ingest role, from the
 * jar (no CDN, nothing built by a node toolchain).
 */
public final class ConsoleCapability implements Capability {
  public static final String PRUNE_JOB = "console-links-prune";
  private static final int FORM_BODY_LIMIT = 256 * 1024;
  private static final int UPLOAD_BODY_LIMIT = 32 * 1024 * 1024;
  /** Forms that carry files: they need a session before their (large) body is read. */
  static final List<String> UPLOADS = List.of("/console/enrollments/batch", "/console/knowledge/import");

  private final Components components;
  private final Sessions sessions;
  private final LinkUses uses;
  private final SignedLinks links;

  public ConsoleCapability(Components components) {
    this.components = components;
    IrisConfig config = components.config();
    this.sessions = new Sessions(components.sharedState(), config.console().sessionTtl(), components.clock());
    this.uses = new LinkUses(components.pool());
    this.links = links(config, components.clock());
  }

  /** How this deployment checks one-click links (the notifier signs them with the same settings). */
  private static SignedLinks links(IrisConfig config, java.time.Clock clock) {
    return new SignedLinks(config.http().publicUrl(), config.console().linkKey(), config.console().linkTtl(), clock);
  }

  @Override
  public String name() {
    return "console";
  }

  @Override
  public List<ScheduledJob> jobs() {
    return List.of(new ScheduledJob(PRUNE_JOB, Schedule.every(Duration.ofHours(1)), Duration.ofMinutes(1), uses::prune));
  }

  @Override
  public int routeOrder() {
    return 1200;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    IrisConfig config = components.config();
    ConsoleWeb web = new ConsoleWeb(vertx, sessions, new ConsoleApi(vertx, config.http()), components.templates(),
        config.http().tls());
    router.route("/console/static/*").handler(StaticHandler.create("iris/console/static").setMaxAgeSeconds(3600));
    router.route("/console/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
    new EventBusBridge(sessions).addRoutes(router, vertx);

    router.route("/").handler(web::loadSession);
    router.route("/console/*").handler(web::loadSession);
    router.route("/console").handler(web::loadSession);
    for (String upload : UPLOADS) {
      router.post(upload).handler(ctx -> {
        if (ConsoleWeb.session(ctx) == null) {
          web.error(ctx, null, 401, "Signed out", "Your session has ended. Sign in again and repeat the upload.");
        } else {
          ctx.next();
        }
      });
      router.post(upload).handler(BodyHandler.create(config.dataDir().resolve("uploads").toString())
          .setBodyLimit(UPLOAD_BODY_LIMIT).setDeleteUploadedFilesOnEnd(true));
    }
    router.post("/console/*").handler(BodyHandler.create(false).setBodyLimit(FORM_BODY_LIMIT));

    new SignIn(web, new ApiKeyStore(components.pool()), config.auth().enabled()).addRoutes(router);
    new IncidentPages(web).addRoutes(router);
    new EnrollmentPages(web).addRoutes(router);
    new RegistryPages(web).addRoutes(router);
    new OperationsPages(web).addRoutes(router);
    new KnowledgePages(web).addRoutes(router);
    new OneClickLinks(web, links, uses, components.incidents(), new HostStore(components.pool()),
        new HostTagStore(components.pool()), config.notifications().hostLabel(), components.clock()).addRoutes(router, vertx);
  }
}
