package iris.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code iris_job_runs_total{job,outcome}}, {@code iris_job_duration_seconds{job}} (histogram
 * buckets, so nodes aggregate) and {@code iris_job_last_success_timestamp_seconds{job}}. One
 * instance per registry: a gauge reads the holder it was first registered with.
 */
public final class JobMetrics {
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(15),
      Duration.ofHours(1)};

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

  public JobMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void finished(String job, String outcome, Duration took, Instant at) {
    Counter.builder("iris.job.runs").description("Job runs this node ran, by outcome")
        .tag("job", job).tag("outcome", outcome).register(registry).increment();
    Timer.builder("iris.job.duration").description("How long job runs took")
        .tag("job", job).serviceLevelObjectives(BUCKETS).register(registry).record(took);
    if (JobRun.OK.equals(outcome)) {
      succeededAt(job, at);
    }
  }

  /** Registered at the first success known to this node (its own, or the cluster's when it takes over). */
  void succeededAt(String job, Instant at) {
    AtomicLong holder = lastSuccess.computeIfAbsent(job, name -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder("iris.job.last.success.timestamp.seconds", value, AtomicLong::get)
          .description("When the job last finished well (Unix seconds)").tag("job", name).register(registry);
      return value;
    });
    holder.accumulateAndGet(at.getEpochSecond(), Math::max);
  }
}
