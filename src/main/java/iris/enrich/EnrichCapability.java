package iris.enrich;

import iris.Capability;
import iris.Components;
import iris.Role;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;
import java.util.List;

/**
 * The enrich stage of the pipeline, and the job that teaches the knowledge base the resolved
 * incidents the event bus did not announce (a node that was down, a failed learning).
 */
public final class EnrichCapability implements Capability {
  public static final String LEARNING_JOB = "incident-learning";

  private final Components components;

  public EnrichCapability(Components components) {
    this.components = components;
  }

  @Override
  public String name() {
    return "enrich";
  }

  @Override
  public List<ScheduledJob> jobs() {
    IncidentLearner learner = new IncidentLearner(components.incidents(), new EnrichmentStore(components.pool()),
        components.knowledge());
    return List.of(new ScheduledJob(LEARNING_JOB, Schedule.every(Duration.ofMinutes(1)), Duration.ofMinutes(5),
        () -> learner.learnPending(100).mapEmpty()));
  }

  @Override
  public List<Deployment> verticles() {
    return List.of(new Deployment("EnrichmentVerticle", Role.ENRICH, () -> new EnrichmentVerticle(components)));
  }
}
