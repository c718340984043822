package iris.schedule;

import iris.Components;
import java.lang.management.ManagementFactory;

/**
 * The scheduler's parts, made once per node: the jobs, their run records, the runner both the
 * scheduler and the API use, and the metrics. The jobs come from the capabilities (see
 * {@link ScheduleCapability}), added before the verticles deploy.
 */
public record Scheduling(Jobs jobs, JobRunStore runs, JobRunner runner, JobMetrics metrics) {

  public static Scheduling create(Components components, Jobs jobs) {
    JobRunStore runs = new JobRunStore(components.pool());
    JobMetrics metrics = new JobMetrics(components.registry());
    return new Scheduling(jobs, runs, new JobRunner(runs, metrics, components.clock(), node()), metrics);
  }

  /** pid@host: which node ran a job, in its record. */
  public static String node() {
    return ManagementFactory.getRuntimeMXBean().getName();
  }
}
