package iris.incident;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code iris_pipeline_queue_depth{state}}: incidents waiting in each state, cluster-wide. Only
 * the node that measures it (the scheduler's leader, as a job) reports a figure; the others
 * report nothing rather than a stale one.
 */
public final class PipelineDepth {
  private final Pipeline pipeline;
  private final Map<PipelineState, AtomicLong> depth = new EnumMap<>(PipelineState.class);

  public PipelineDepth(Pipeline pipeline, MeterRegistry registry) {
    this.pipeline = pipeline;
    for (PipelineState state : PipelineState.WAITING) {
      AtomicLong value = new AtomicLong(-1);
      depth.put(state, value);
      Gauge.builder("iris_pipeline_queue_depth", value, v -> v.get() < 0 ? Double.NaN : v.get())
          .description("Incidents waiting in a pipeline state, cluster-wide (reported by the node that measured it)")
          .tag("state", state.sql()).register(registry);
    }
  }

  public Future<Void> measure() {
    return pipeline.depth().map(found -> {
      found.forEach((state, n) -> depth.get(state).set(n));
      return null;
    });
  }
}
