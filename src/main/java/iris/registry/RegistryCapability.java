package iris.registry;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Capability;
import iris.Components;

/** Maintainers, services, hosts and host tags over REST. */
public final class RegistryCapability implements Capability {
  private final Components components;

  public RegistryCapability(Components components) {
    this.components = components;
  }

  @Override
  public String name() {
    return "registry";
  }

  /** After enroll's: {@code /api/v1/hosts/enrollments} and unenrolling {@code DELETE /api/v1/hosts/:id} are its. */
  @Override
  public int routeOrder() {
    return 600;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new RegistryRoutes(new MaintainerStore(components.pool()), new ServiceStore(components.pool()),
        new HostStore(components.pool()), new HostTagStore(components.pool()), components.clock(),
        components.config().notifications().allowInsecureUrls()).addRoutes(router);
  }
}
