package iris.notify;

import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import iris.Capability;
import iris.Components;
import iris.Role;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The notify stage of the pipeline and the outbox every message leaves through; with Teams
 * through Graph configured, its sign-in routes, the {@code teams-graph} readiness check and the
 * job that keeps the grant fresh.
 */
public final class NotifyCapability implements Capability {
  public static final String GRAPH_TOKEN_JOB = "teams-graph-token";
  static final int ROUTE_ORDER = 450;

  private final Components components;
  private final List<Function<Vertx, Muter>> muters;
  private final TeamsGraph graph;

  public NotifyCapability(Components components) {
    this(components, List.of());
  }

  /** @param muters other capabilities' muters (maintenance windows), made once per notifier verticle, after the host tags' */
  public NotifyCapability(Components components, List<Function<Vertx, Muter>> muters) {
    this.components = components;
    this.muters = List.copyOf(muters);
    this.graph = components.config().notifications().graph().enabled() ? new TeamsGraph(components) : null;
  }

  @Override
  public String name() {
    return "notify";
  }

  @Override
  public List<Deployment> verticles() {
    return List.of(new Deployment("NotifierVerticle", Role.NOTIFY, () -> new NotifierVerticle(components, muters, graph)));
  }

  /** Every 10 minutes: a token due for refresh is refreshed, so a lost grant shows before an alert needs it. */
  @Override
  public List<ScheduledJob> jobs() {
    if (graph == null) {
      return List.of();
    }
    GraphTokens tokens = graph.tokens();
    return List.of(new ScheduledJob(GRAPH_TOKEN_JOB, Schedule.every(Duration.ofMinutes(10)), Duration.ofMinutes(1),
        () -> graph.keepAlive(tokens)));
  }

  /** {@code teams-graph} on nodes that send: degraded (never failing) while no grant can post. */
  @Override
  public void registerReadinessChecks(HealthCheckHandler ready) {
    if (graph == null || !components.config().roles().contains(Role.NOTIFY)) {
      return;
    }
    ready.register("teams-graph", CHECK_TIMEOUT_MS, promise -> graph.readiness().onComplete(ar -> promise.complete(ar.succeeded()
        ? Status.OK(ar.result())
        : Status.OK(new io.vertx.core.json.JsonObject().put("degraded", true)
            .put("reason", "the Graph grant cannot be read: " + ar.cause().getMessage())))));
  }

  @Override
  public int routeOrder() {
    return ROUTE_ORDER;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new GraphRoutes(graph, graph == null ? null : graph.signIn(vertx), components.clock()).addRoutes(router);
  }
}
