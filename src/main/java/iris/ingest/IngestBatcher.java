package iris.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import iris.incident.IncidentChange;
import iris.incident.IncidentStore;
import iris.incident.IngestBatch;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Group commit: webhook requests that arrive together are stored in one transaction, and each
 * is answered only after that COMMIT. A batch closes after a short window or at a size bound;
 * while the allowed transactions are in flight, new requests queue and leave with the next one,
 * so batches grow with load and latency stays low when idle.
 *
 * <p>Not thread-safe: one instance per event loop, used only from its context.
 */
public final class IngestBatcher {
  private record Pending(AlertmanagerPayload.Parsed payload, Promise<Void> promise) {}

  private final Vertx vertx;
  private final IncidentStore store;
  private final IngestMetrics metrics;
  private final Consumer<List<IncidentChange>> announcer;
  private final Duration window;
  private final int maxAlerts;
  private final int maxInFlight;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedAlerts;
  private int inFlight;
  private boolean flushScheduled;

  public IngestBatcher(Vertx vertx, IncidentStore store, IngestMetrics metrics,
      Consumer<List<IncidentChange>> announcer, Duration window, int maxAlerts, int maxInFlight) {
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.announcer = announcer;
    this.window = window;
    this.maxAlerts = maxAlerts;
    this.maxInFlight = maxInFlight;
  }

  /** Completes when the payload is committed; fails when it could not be stored. */
  public Future<Void> submit(AlertmanagerPayload.Parsed payload) {
    Promise<Void> promise = Promise.promise();
    queue.add(new Pending(payload, promise));
    queuedAlerts += payload.alerts().size();
    if (queuedAlerts >= maxAlerts) {
      flush();
    } else {
      scheduleFlush();
    }
    return promise.future();
  }

  private void scheduleFlush() {
    if (flushScheduled || inFlight >= maxInFlight) {
      return; // a pending timer or a finishing transaction will take the queue
    }
    flushScheduled = true;
    if (window.isZero()) {
      vertx.runOnContext(v -> flush());
    } else {
      vertx.setTimer(window.toMillis(), id -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    if (queue.isEmpty() || inFlight >= maxInFlight) {
      return;
    }
    List<Pending> taken = take();
    IngestBatch batch = new IngestBatch();
    taken.forEach(p -> batch.add(p.payload().group(), p.payload().alerts()));
    inFlight++;
    long started = System.nanoTime();
    store.upsert(batch).onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        metrics.committed(taken.size(), batch.receivedAlerts(), System.nanoTime() - started, ar.result().size());
        taken.forEach(p -> p.promise().complete());
        announcer.accept(ar.result());
      } else {
        taken.forEach(p -> p.promise().fail(ar.cause()));
      }
      if (!queue.isEmpty()) {
        flush(); // these waited for a transaction slot already
      }
    });
    if (!queue.isEmpty()) {
      scheduleFlush();
    }
  }

  /** Takes requests up to the size bound (at least one, however large). */
  private List<Pending> take() {
    List<Pending> taken = new ArrayList<>();
    int alerts = 0;
    while (!queue.isEmpty()) {
      Pending next = queue.peekFirst();
      int size = next.payload().alerts().size();
      if (!taken.isEmpty() && alerts + size > maxAlerts) {
        break;
      }
      taken.add(queue.pollFirst());
      alerts += size;
    }
    queuedAlerts -= alerts;
    return taken;
  }
}
