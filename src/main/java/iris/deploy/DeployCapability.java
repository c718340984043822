package iris.deploy;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Capability;
import iris.Components;
import iris.maintenance.MaintenanceCapability;
import iris.maintenance.MaintenanceStore;
import iris.registry.HostStore;

/** Deployments: {@code /api/v1/deployments}, with windows and notices through maintenance's parts. */
public final class DeployCapability implements Capability {
  static final int ROUTE_ORDER = 900;
  private final Deployments deployments;

  public DeployCapability(Components components, MaintenanceCapability maintenance) {
    this.deployments = new Deployments(new DeploymentStore(components.pool()), new HostStore(components.pool()),
        new MaintenanceStore(components.pool()), maintenance.maintenance(), maintenance.notices(), components.clock());
  }

  @Override
  public String name() {
    return "deploy";
  }

  @Override
  public int routeOrder() {
    return ROUTE_ORDER;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new DeploymentRoutes(deployments).addRoutes(router);
  }
}
