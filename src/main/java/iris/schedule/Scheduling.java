package iris.schedule;

import io.vertx.core.Vertx;
import iris.Components;
import iris.IrisConfig;
import iris.incident.PipelineDepth;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's parts, made once per node: the jobs, their run records, the runner both the
 * scheduler and the API use, and the metrics. The built-in jobs are added here; other
 * capabilities add theirs to {@link #jobs()} before the verticles deploy.
 */
public record Scheduling(Jobs jobs, JobRunStore runs, JobRunner runner, JobMetrics metrics) {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduling.class);
  public static final String PIPELINE_DEPTH = "pipeline-depth";
  public static final String PRUNE_RUNS = "job-runs-prune";
  /** Daily, at a quiet minute. */
  static final String PRUNE_CRON = "17 3 * * *";

  public static Scheduling create(Vertx vertx, Components components) {
    IrisConfig config = components.config();
    JobRunStore runs = new JobRunStore(components.pool());
    JobMetrics metrics = new JobMetrics(components.registry());
    Jobs jobs = new Jobs();
    PipelineDepth depth = new PipelineDepth(components.pipeline(), components.registry());
    jobs.add(new ScheduledJob(PIPELINE_DEPTH, Schedule.every(Duration.ofSeconds(15)), Duration.ofSeconds(30), depth::measure));
    Duration keep = Duration.ofDays(config.schedule().keepRunsDays());
    jobs.add(new ScheduledJob(PRUNE_RUNS, Schedule.cron(PRUNE_CRON, config.schedule().timezone()), Duration.ofMinutes(10),
        () -> runs.prune(components.clock().instant().minus(keep)).map(count -> {
          LOG.info("Pruned {} job runs older than {} days", count, keep.toDays());
          return null;
        })));
    return new Scheduling(jobs, runs, new JobRunner(runs, metrics, components.clock(), node()), metrics);
  }

  /** pid@host: which node ran a job, in its record. */
  public static String node() {
    return ManagementFactory.getRuntimeMXBean().getName();
  }
}
