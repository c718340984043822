package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import iris.Components;
import iris.EventAddress;
import iris.IrisConfig;
import iris.incident.Stage;
import iris.incident.StageLoop;
import iris.registry.HostStore;
import iris.registry.OwnershipStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring of the notify stage: a {@link StageLoop} claims alert groups for {@link NotifyFlow},
 * whose new outbox rows {@link Deliver} sends at once; the outbox's own poll sends what is due
 * (retries, rows another node left). Enrollment notices go through the same outbox.
 */
public final class NotifierVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NotifierVerticle.class);
  private static final int MAX_SENDS_IN_FLIGHT = 256;
  private static final int DUE_BATCH = 100;

  private final Components components;
  private Map<String, Channel> channels;
  private StageLoop loop;
  private Outbox outbox;
  private Deliver deliver;

  private final List<Function<Vertx, Muter>> extraMuters;
  private final TeamsGraph graph;

  public NotifierVerticle(Components components) {
    this(components, List.of(), null);
  }

  /** @param graph Teams through Graph, or null when it is not configured */
  NotifierVerticle(Components components, List<Function<Vertx, Muter>> extraMuters, TeamsGraph graph) {
    this.components = components;
    this.extraMuters = extraMuters;
    this.graph = graph;
  }

  @Override
  public Future<?> start() {
    IrisConfig.Notify config = components.config().notifications();
    OwnershipStore owners = new OwnershipStore(components.pool()).coalescing(vertx.getOrCreateContext());
    channels = Channels.from(vertx, components.http(), components.config(), components.templates(), components.clock(), graph);
    outbox = new Outbox(components.pool(), components.leasePool());
    deliver = new Deliver(vertx, outbox, components.pipeline(), owners, components.sharedState(), channels, config,
        components.clock(), MAX_SENDS_IN_FLIGHT, components.registry());
    NotifyFlow flow = new NotifyFlow(new NotifyStore(components.pool()), owners, outbox, components.pipeline(),
        muters(), config, channels.keySet(), components.clock(), ids -> ids.forEach(deliver::attempt),
        components.intakeLoad()::busy, new iris.http.SignedLinks(components.config().http().publicUrl(),
            components.config().console().linkKey(), components.config().console().linkTtl(), components.clock()),
        vertx.getOrCreateContext());
    IrisConfig.Pipeline p = components.config().pipeline();
    loop = new StageLoop(vertx, components.pipeline(), Stage.NOTIFY, p.batchGroups(), components.intakeLoad()::busy,
        p.lease(), p.poll(), flow::work);
    vertx.setPeriodic(1000, 1000, id -> sendDue());
    EnrollmentNotices notices = new EnrollmentNotices(new HostStore(components.pool()), owners, outbox, channels, config);
    var finished = EventAddress.ENROLL_FINISHED.consumer(vertx.eventBus(),
        job -> notices.handle(job).onSuccess(ids -> ids.forEach(deliver::attempt))
            .onFailure(e -> LOG.warn("Cannot write the enrollment notice of job {}: {}", job.jobId(), e.toString())));
    return Future.join(loop.start(), finished.completion());
  }

  /** Host tags first, then the other capabilities' muters (maintenance windows). */
  private List<Muter> muters() {
    List<Muter> muters = new ArrayList<>();
    muters.add(new TagMuter());
    extraMuters.forEach(m -> muters.add(m.apply(vertx)));
    return muters;
  }

  private void sendDue() {
    if (deliver.hasRoom()) {
      outbox.due(DUE_BATCH).onSuccess(ids -> ids.forEach(deliver::attempt))
          .onFailure(e -> LOG.warn("Cannot read due deliveries: {}", e.toString()));
    }
  }

  @Override
  public Future<?> stop() {
    loop.stop();
    return Future.join(channels.values().stream().map(Channel::close).toList());
  }
}
