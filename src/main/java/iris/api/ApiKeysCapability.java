package iris.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Capability;
import iris.Components;
import iris.http.ApiKeyAuth;

/**
 * API keys: the store, the one authentication handler of this node (so a revocation clears
 * every HTTP instance's cache), the first admin key at start-up and {@code /api/v1/api-keys}.
 */
public final class ApiKeysCapability implements Capability {
  private final Vertx vertx;
  private final Components components;
  private final ApiKeyStore store;
  private final ApiKeyAuth auth;

  public ApiKeysCapability(Vertx vertx, Components components) {
    this.vertx = vertx;
    this.components = components;
    this.store = new ApiKeyStore(components.pool());
    this.auth = new ApiKeyAuth(store, components.config().auth().enabled(), components.clock());
  }

  /** What the HTTP front puts before every {@code /api/v1/} route. */
  public ApiKeyAuth auth() {
    return auth;
  }

  @Override
  public String name() {
    return "api-keys";
  }

  @Override
  public Future<Void> start() {
    return ApiKeyBootstrap.run(vertx, store, components.config().auth().seedApiKey(), components.config().dataDir());
  }

  @Override
  public int routeOrder() {
    return 300;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new ApiKeyRoutes(store, auth).addRoutes(router);
  }
}
