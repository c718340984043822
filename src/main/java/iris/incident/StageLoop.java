package iris.incident;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import iris.db.Coalescer;
import iris.trace.Traces;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage on one node: claims a bounded batch of ready alert groups, works on them,
 * releases them, and claims again while there is more. The event bus only wakes it; a poll
 * finds what no wake-up announced (a hold that ended, a node that died). Nothing is queued in
 * memory beyond the batch in hand, so a storm makes the stage fall behind, never overflow.
 *
 * <p>Used from one Vert.x context only.
 */
public final class StageLoop {
  private static final Logger LOG = LoggerFactory.getLogger(StageLoop.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  /** While the intake is busy, a stage takes one group a second: it keeps moving, slowly. */
  private static final long YIELD_PAUSE_MS = 1000;

  /** The stage's work on one claimed group; a failure keeps the group for a backoff. */
  public interface Work extends Function<Claim, Future<Void>> {}

  private final Vertx vertx;
  private final Pipeline pipeline;
  private final Stage stage;
  private final int batch;
  private final BooleanSupplier yielding;
  private final Duration lease;
  private final Duration poll;
  private final Work work;
  private boolean claiming;
  private boolean again;
  private int inWork;
  private boolean stopped;
  private long resumeAt;
  private boolean resumeScheduled;
  private MessageConsumer<JsonObject> consumer;
  /** Groups finishing together are released in one statement. */
  private Coalescer<Claim, Void> releases;

  /**
   * @param batch how many groups this node works on at once
   * @param yielding true while the intake is under heavy load: then one group a second, so
   *     webhook commits keep the CPU and the stage catches up after the storm
   * @param lease how long a claim holds; longer than the slowest work on one group
   */
  public StageLoop(Vertx vertx, Pipeline pipeline, Stage stage, int batch, BooleanSupplier yielding, Duration lease, Duration poll, Work work) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.stage = stage;
    this.batch = batch;
    this.yielding = yielding;
    this.lease = lease;
    this.poll = poll;
    this.work = work;
  }

  public Future<Void> start() {
    releases = new Coalescer<>(vertx.getOrCreateContext(), Math.max(batch, 1), pipeline::release);
    consumer = EventAddress.PIPELINE_WAKE.consumer(vertx.eventBus(), ready -> {
      if (stage.sql().equals(ready.stage())) {
        Traces.outside(this::wake); // the wake-up is traced; the claims it starts are not part of that trace
      }
    });
    vertx.setPeriodic(poll.toMillis(), poll.toMillis(), id -> wake());
    wake();
    return consumer.completion();
  }

  public void stop() {
    stopped = true;
  }

  /**
   * Claims as many groups as there are free slots (of {@code batch}); each finished group frees
   * its slot and claims again, so the stage keeps {@code batch} groups in work while there is more.
   */
  public void wake() {
    if (stopped) {
      return;
    }
    if (claiming) {
      again = true;
      return;
    }
    boolean busy = yielding.getAsBoolean();
    long now = System.currentTimeMillis();
    if (busy && (now < resumeAt || inWork > 0)) {
      resumeLater(); // every commit wakes the stages: under a storm most wake-ups wait
      return;
    }
    int free = busy ? 1 : batch - inWork;
    if (free <= 0) {
      again = true; // a finishing group claims again
      return;
    }
    if (busy) {
      resumeAt = now + YIELD_PAUSE_MS;
    }
    claiming = true;
    again = false;
    pipeline.claim(stage, free, lease).onComplete(claimed -> {
      claiming = false;
      if (claimed.failed()) {
        LOG.warn("The {} stage cannot claim work (retrying at the next poll): {}", stage.sql(), claimed.cause().toString());
        return;
      }
      List<Claim> claims = claimed.result();
      for (Claim claim : claims) {
        inWork++;
        run(claim).onComplete(done -> {
          inWork--;
          // Claim again once a quarter of the slots are free (or all): a claim per finished
          // group would cost PostgreSQL more than the work under a steady flow.
          if (inWork == 0 || batch - inWork >= Math.max(1, batch / 4)) {
            wakeSoon(busy);
          }
        });
      }
      if (claims.size() >= free || again) {
        wakeSoon(busy);
      }
    });
  }

  private void wakeSoon(boolean busy) {
    if (busy) {
      resumeLater();
    } else {
      vertx.runOnContext(v -> wake());
    }
  }

  private void resumeLater() {
    if (!resumeScheduled) {
      resumeScheduled = true;
      vertx.setTimer(Math.max(1, resumeAt - System.currentTimeMillis()), t -> {
        resumeScheduled = false;
        wake();
      });
    }
  }

  private Future<Void> run(Claim claim) {
    Future<Void> done;
    try {
      done = StageTrace.run(pipeline, claim, () -> work.apply(claim));
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.transform(result -> {
      if (result.succeeded()) {
        IncidentEvents.stageDone(vertx.eventBus(), claim.groupId());
        return releases.add(claim);
      }
      Duration wait = backoff(claim.attempts());
      LOG.warn("The {} stage failed on alert group {} (attempt {}, again in {} s): {}", stage.sql(), claim.groupId(),
          claim.attempts(), wait.toSeconds(), result.cause().toString());
      return pipeline.backOff(claim, wait);
    });
  }

  /** 1 s, 2 s, 4 s, … up to five minutes. */
  static Duration backoff(int attempts) {
    Duration wait = Duration.ofSeconds(1L << Math.min(Math.max(attempts - 1, 0), 9));
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  /** Tells every node's loops of {@code stage} that work is ready. */
  public static void wake(io.vertx.core.eventbus.EventBus eventBus, Stage stage) {
    EventAddress.PIPELINE_WAKE.publish(eventBus, new PipelineWake(stage.sql()));
  }
}
