package iris.incident;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Capability;
import iris.Components;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;
import java.util.List;

/**
 * Incidents: their REST resource and the gauge of how many wait in each pipeline state. The
 * incident store and the {@link Pipeline} are in {@link Components}: the intake and the
 * stages share them.
 */
public final class IncidentCapability implements Capability {
  public static final String PIPELINE_DEPTH_JOB = "pipeline-depth";

  private final Components components;
  private final PipelineDepth depth;

  public IncidentCapability(Components components) {
    this.components = components;
    this.depth = new PipelineDepth(components.pipeline(), components.registry());
  }

  @Override
  public String name() {
    return "incident";
  }

  @Override
  public List<ScheduledJob> jobs() {
    return List.of(new ScheduledJob(PIPELINE_DEPTH_JOB, Schedule.every(Duration.ofSeconds(15)), Duration.ofSeconds(30),
        depth::measure));
  }

  @Override
  public int routeOrder() {
    return 200;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new IncidentRoutes(components.incidents(), vertx.eventBus()).addRoutes(router);
  }
}
