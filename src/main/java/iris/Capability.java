package iris;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import iris.schedule.ScheduledJob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a capability package contributes to a node: its start and stop, its verticles and the
 * role that runs each, its scheduled jobs, its readiness checks and its REST routes. Every
 * part is optional. {@link IrisApp} lists the capabilities and is the only class that knows
 * them all: it starts them in that order, then deploys the verticles of this node's roles; the
 * HTTP front mounts their routes in {@link #routeOrder()} order and asks each for its checks.
 * See docs/CAPABILITIES.md.
 */
public interface Capability {
  /** How long a readiness check may take before it counts as failed. */
  long CHECK_TIMEOUT_MS = 2000;
  /** The {@link #routeOrder()} of a capability that has no routes. */
  int NO_ROUTES = Integer.MAX_VALUE;

  /** A verticle, deployed on nodes that run {@code role}. */
  record Deployment(String name, Role role, Supplier<? extends Deployable> verticle, DeploymentOptions options) {
    public Deployment(String name, Role role, Supplier<? extends Deployable> verticle) {
      this(name, role, verticle, new DeploymentOptions());
    }
  }

  /** For logs and error messages: "ingest", "api-keys". */
  String name();

  /** Before any verticle deploys, in the listed order; a failed start stops Iris from starting. */
  default Future<Void> start() {
    return Future.succeededFuture();
  }

  /** After this node's verticles are undeployed, in the reverse order. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }

  default List<Deployment> verticles() {
    return List.of();
  }

  /** Asked once at start-up; the scheduler runs them on nodes with the schedule role. */
  default List<ScheduledJob> jobs() {
    return List.of();
  }

  /**
   * Adds this capability's checks to {@code /health/ready} (once per HTTP instance). A check
   * decides for itself, from the node's roles, whether it fails readiness or only reports a
   * degraded dependency; it has {@link #CHECK_TIMEOUT_MS}.
   */
  default void registerReadinessChecks(HealthCheckHandler ready) {}

  /**
   * Where this capability's routes mount among the others': lower first. It matters where paths
   * overlap (a literal segment must come before another capability's {@code :id}); two
   * capabilities with routes may not share a number.
   */
  default int routeOrder() {
    return NO_ROUTES;
  }

  /**
   * Paths (POST) that take multipart uploads: they get an upload slot and a body handler that
   * writes to disk, with a larger limit, instead of the API's in-memory one.
   */
  default List<String> uploads() {
    return List.of();
  }

  /**
   * Adds the routes, once per HTTP instance, on nodes with the ingest role. Under
   * {@code /api/v1/} the API key is already checked and the body read; {@code vertx} is the
   * instance's.
   */
  default void addRoutes(Router router, Vertx vertx) {}

  /** The capabilities with routes, in the order they mount; two that claim one place are refused. */
  static List<Capability> inRouteOrder(List<Capability> capabilities) {
    Map<Integer, String> taken = new HashMap<>();
    List<Capability> withRoutes = new ArrayList<>();
    for (Capability capability : capabilities) {
      if (capability.routeOrder() == NO_ROUTES) {
        continue;
      }
      String other = taken.putIfAbsent(capability.routeOrder(), capability.name());
      if (other != null) {
        throw new IllegalStateException("capabilities " + other + " and " + capability.name()
            + " both mount their routes at " + capability.routeOrder());
      }
      withRoutes.add(capability);
    }
    withRoutes.sort(Comparator.comparingInt(Capability::routeOrder));
    return withRoutes;
  }
}
