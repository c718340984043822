package iris.enroll;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Capability;
import iris.Components;
import iris.IrisConfig;
import iris.Role;
import iris.registry.HostStore;
import java.util.List;

/**
 * Enrollment: its REST resources (enrollments, batches, Alloy templates), the worker that runs
 * the jobs, and the key that seals their credentials.
 */
public final class EnrollCapability implements Capability {
  static final String BATCH = "/api/v1/hosts/enrollments/batch";

  private final Components components;
  private final SecretBox secrets;

  public EnrollCapability(Components components) {
    this.components = components;
    IrisConfig config = components.config();
    this.secrets = SecretBox.open(config.enroll().secretKey(), config.dataDir().resolve("enrollment.key"));
  }

  @Override
  public String name() {
    return "enroll";
  }

  @Override
  public List<Deployment> verticles() {
    // Its handlers only claim and record; each job's blocking SSH/WinRM work runs on the iris-enroll worker pool.
    return List.of(new Deployment("EnrollmentWorkerVerticle", Role.ENROLL,
        () -> new EnrollmentWorkerVerticle(components, secrets)));
  }

  /** Before the registry's: {@code /api/v1/hosts/enrollments} would otherwise be taken for a host id. */
  @Override
  public int routeOrder() {
    return 500;
  }

  @Override
  public List<String> uploads() {
    return List.of(BATCH);
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    IrisConfig config = components.config();
    new EnrollmentRoutes(new EnrollmentStore(components.pool()), new HostStore(components.pool()), secrets,
        config.prometheus(), config.enroll(), vertx.eventBus(), vertx.fileSystem()).addRoutes(router);
    AlloyTemplateStore alloyTemplates = new AlloyTemplateStore(components.pool());
    new AlloyTemplateRoutes(vertx, new AlloyTemplates(components.templates(), alloyTemplates), alloyTemplates, config)
        .addRoutes(router);
  }
}
