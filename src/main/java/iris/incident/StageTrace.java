package iris.incident;

import io.vertx.core.Future;
import iris.trace.Traces;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A stage's work on one claimed group, in a span of the trace the group's webhook started: the
 * stage claimed the group from PostgreSQL, so the parent is the traceparent stored with it (a
 * new trace when none is stored). Tracing off: the work alone, no lookup.
 */
final class StageTrace {
  private StageTrace() {
  }

  static Future<Void> run(Pipeline pipeline, Claim claim, Supplier<Future<Void>> work) {
    if (!Traces.enabled()) {
      return work.get();
    }
    // A lookup that fails costs the trace its parent, never the group its work.
    return pipeline.traceParent(claim.groupId()).otherwise((String) null)
        .compose(parent -> Traces.claimed("iris.pipeline." + claim.stage().sql(), parent,
            Map.of("iris.alert_group.id", claim.groupId(), "iris.claim.attempts", claim.attempts()), work));
  }
}
