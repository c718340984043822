package iris.notify;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import java.time.Clock;

/**
 * {@code /api/v1/teams/graph/sign-in} (admin): {@code POST} starts a device-code sign-in and
 * answers the code to enter and where; {@code GET} shows the grant and the latest sign-in;
 * {@code DELETE} signs Iris out (the grant is forgotten here; revoke the account's sessions in
 * Azure AD to end it there too).
 * Whoever enters the code is the account Iris posts as, so both are for admins only.
 */
final class GraphRoutes {
  static final String SIGN_IN = "/api/v1/teams/graph/sign-in";

  private final TeamsGraph graph;
  private final GraphSignIn signIn;
  private final Clock clock;

  /** {@code graph} null: Graph is not configured, and the routes say so. */
  GraphRoutes(TeamsGraph graph, GraphSignIn signIn, Clock clock) {
    this.graph = graph;
    this.signIn = signIn;
    this.clock = clock;
  }

  void addRoutes(Router router) {
    router.post(SIGN_IN).handler(ApiKeyAuth.require(Scope.ADMIN)).handler(this::start);
    router.get(SIGN_IN).handler(ApiKeyAuth.require(Scope.ADMIN)).handler(this::status);
    router.delete(SIGN_IN).handler(ApiKeyAuth.require(Scope.ADMIN)).handler(this::signOut);
  }

  private void signOut(RoutingContext ctx) {
    if (graph == null) {
      ctx.fail(notConfigured());
      return;
    }
    graph.store().signOut().onSuccess(deleted -> {
      if (!deleted) {
        ctx.fail(HttpProblem.notFound("a Microsoft Graph grant"));
        return;
      }
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }

  private void start(RoutingContext ctx) {
    if (graph == null) {
      ctx.fail(notConfigured());
      return;
    }
    signIn.start(ApiKeyAuth.principalName(ctx)).onSuccess(answer -> Json.send(ctx, 202, answer))
        .onFailure(e -> ctx.fail(new HttpProblem(502, "upstream_error", "cannot start the Microsoft Graph sign-in: "
            + e.getMessage(), null)));
  }

  private void status(RoutingContext ctx) {
    if (graph == null) {
      ctx.fail(notConfigured());
      return;
    }
    graph.store().status(clock.instant()).onSuccess(status -> Json.ok(ctx, status)).onFailure(ctx::fail);
  }

  private static HttpProblem notConfigured() {
    return new HttpProblem(409, "conflict", "Teams through Microsoft Graph is not configured: set notify.graph.client_id"
        + " (IRIS_NOTIFY_GRAPH_CLIENT_ID) and notify.graph.tenant", null);
  }
}
