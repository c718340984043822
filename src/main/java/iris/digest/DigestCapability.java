package iris.digest;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import iris.Capability;
import iris.Components;
import iris.IrisConfig;
import iris.knowledge.OllamaWriter;
import iris.notify.Outbox;
import iris.schedule.Schedule;
import iris.schedule.ScheduledJob;
import java.time.Duration;
import java.util.List;

/**
 * Digests: a job per frequency (digest-daily, digest-weekly, digest-monthly, on the configured
 * cron in the digest time zone) and the routes under {@code /api/v1/digests}. Host health comes
 * from the metrics snapshots when that table exists.
 */
public final class DigestCapability implements Capability {
  static final int ROUTE_ORDER = 1000;
  /** A run for hundreds of maintainers with an LLM writing each narrative takes minutes, not hours. */
  static final Duration JOB_TIMEOUT = Duration.ofMinutes(30);

  private final Components components;
  private final Digests digests;

  public DigestCapability(Components components) {
    this(components, null);
  }

  /** @param health where host lines come from; null: the metrics snapshots */
  public DigestCapability(Components components, HostHealth health) {
    this.components = components;
    DigestStore store = new DigestStore(components.pool());
    IrisConfig.Ollama ollama = components.config().ollama();
    OllamaWriter writer = ollama.enabled() ? new OllamaWriter(components.http(), ollama.url(), ollama.chatModel(), ollama.timeout()) : null;
    this.digests = new Digests(store, health == null ? new SnapshotHostHealth(store) : health,
        new Outbox(components.pool(), components.leasePool()), components.templates(), components.config(), writer, components.clock());
  }

  @Override
  public String name() {
    return "digest";
  }

  public Digests digests() {
    return digests;
  }

  @Override
  public List<ScheduledJob> jobs() {
    IrisConfig.Digest settings = components.config().digest();
    return IrisConfig.Digest.FREQUENCIES.stream().map(f -> new ScheduledJob("digest-" + f,
        Schedule.cron(settings.cron(f), settings.zone()), JOB_TIMEOUT, () -> digests.scheduled(f))).toList();
  }

  @Override
  public int routeOrder() {
    return ROUTE_ORDER;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    new DigestRoutes(digests, components.clock(), components.config().digest().zone()).addRoutes(router);
  }
}
