package iris.ingest;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Webhooks refused for their size. Alertmanager drops a group answered 413 for good, so the
 * last refusal stays on {@code /health/ready} (as degraded: the node still takes alerts) for
 * {@link #SHOWN} after it, besides the metric and the log line.
 */
final class TooLargeRefusals {
  static final Duration SHOWN = Duration.ofHours(1);

  private record Refusal(Instant at, String receiver, String groupKey, long bytes, boolean complete) {}

  private final Clock clock;
  private final IngestMetrics metrics;
  private final AtomicReference<Refusal> last = new AtomicReference<>();

  TooLargeRefusals(Clock clock, IngestMetrics metrics) {
    this.clock = clock;
    this.metrics = metrics;
  }

  /** @param complete whether the whole body was read ({@code bytes} is then its size, else a lower bound) */
  void tooLarge(String receiver, String groupKey, long bytes, boolean complete) {
    metrics.rejected("too_large");
    last.set(new Refusal(clock.instant(), receiver, groupKey, bytes, complete));
  }

  /** The last refusal of the past hour, or null. */
  JsonObject recent() {
    Refusal r = last.get();
    if (r == null || r.at().plus(SHOWN).isBefore(clock.instant())) {
      return null;
    }
    return new JsonObject().put("at", r.at().toString()).put("receiver", r.receiver()).put("group_key", r.groupKey())
        .put("bytes", r.bytes()).put("body_read", r.complete());
  }

  void register(HealthCheckHandler ready, int limit) {
    ready.register("webhook-size", promise -> {
      JsonObject recent = recent();
      JsonObject data = new JsonObject().put("max_body_bytes", limit);
      if (recent == null) {
        promise.complete(Status.OK(data));
        return;
      }
      promise.complete(Status.OK(data.put("degraded", true).put("last_too_large", recent)
          .put("reason", "a webhook over webhook.max_body_bytes was refused with 413; Alertmanager does not resend it")));
    });
  }
}
