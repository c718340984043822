package iris.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import iris.incident.IncidentChange;
import iris.incident.IncidentStore;
import iris.incident.IngestBatch;
import iris.trace.Traces;
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
 * <p>The queue is bounded: once {@code maxQueuedRequests} requests or {@code maxQueuedAlerts}
 * alerts wait, a request is refused as {@code busy} at once (a request that finds less waiting is
 * taken however large, so a large one is slow, never refused forever). A batch that fails while PostgreSQL is reachable is
 * stored again request by request, so a request the database refuses fails alone.
 *
 * <p>Not thread-safe: one instance per event loop, used only from its context.
 */
public final class IngestBatcher {
  /** @param trace the request's trace context (its server span), for the commit's span and the stored group */
  private record Pending(AlertmanagerPayload.Parsed payload, Promise<Void> promise, io.opentelemetry.context.Context trace) {
    int alerts() {
      return payload.alerts().size();
    }
  }

  /** How much may wait for a transaction on one event loop. */
  public record Bounds(Duration window, int batchMaxAlerts, int maxInFlight, int maxQueuedRequests, int maxQueuedAlerts) {}

  private final Vertx vertx;
  private final IncidentStore store;
  private final IngestMetrics metrics;
  private final Consumer<List<IncidentChange>> announcer;
  private final Bounds bounds;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedAlerts;
  private int inFlight;
  private boolean flushScheduled;

  public IngestBatcher(Vertx vertx, IncidentStore store, IngestMetrics metrics,
      Consumer<List<IncidentChange>> announcer, Bounds bounds) {
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.announcer = announcer;
    this.bounds = bounds;
  }

  /** Completes when the payload is committed; fails with a {@link Refusal} (or its cause) otherwise. */
  public Future<Void> submit(AlertmanagerPayload.Parsed payload) {
    int size = payload.alerts().size();
    // The bound is on what already waits, so one large group (a whole datacenter down) is taken
    // whenever the queue is under it: memory stays within the bound plus one body.
    if (queue.size() >= bounds.maxQueuedRequests() || queuedAlerts >= bounds.maxQueuedAlerts()) {
      return Future.failedFuture(Refusal.busy(queue.size(), queuedAlerts));
    }
    Promise<Void> promise = Promise.promise();
    queue.add(new Pending(payload, promise, Traces.current()));
    queuedAlerts += size;
    metrics.queued(1, size);
    if (queuedAlerts >= bounds.batchMaxAlerts()) {
      flush();
    } else {
      scheduleFlush();
    }
    return promise.future();
  }

  private void scheduleFlush() {
    if (flushScheduled || inFlight >= bounds.maxInFlight()) {
      return; // a pending timer or a finishing transaction will take the queue
    }
    flushScheduled = true;
    if (bounds.window().isZero()) {
      vertx.runOnContext(v -> flush());
    } else {
      vertx.setTimer(bounds.window().toMillis(), id -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    if (queue.isEmpty() || inFlight >= bounds.maxInFlight()) {
      return;
    }
    List<Pending> taken = take();
    inFlight++;
    store(taken).onComplete(v -> {
      inFlight--;
      if (!queue.isEmpty()) {
        flush(); // these waited for a transaction slot already
      }
    });
    if (!queue.isEmpty()) {
      scheduleFlush();
    }
  }

  /** In a span of the first request's trace that links the others' (the commit and the wake-up it announces). */
  private Future<Void> store(List<Pending> taken) {
    return Traces.joined("iris.ingest.commit", taken.stream().map(Pending::trace).toList(), () -> storeNow(taken));
  }

  /** One transaction for all; if the database refused it while reachable, one per request. */
  private Future<Void> storeNow(List<Pending> taken) {
    IngestBatch batch = batchOf(taken);
    long started = System.nanoTime();
    return store.upsert(batch).transform(ar -> {
      if (ar.succeeded()) {
        committed(taken, batch, started, ar.result());
        return Future.succeededFuture();
      }
      if (taken.size() == 1 || Refusal.unreachable(ar.cause())) {
        taken.forEach(p -> p.promise().fail(ar.cause()));
        return Future.succeededFuture();
      }
      metrics.batchSplit();
      List<Future<Void>> alone = new ArrayList<>(taken.size());
      for (Pending p : taken) {
        alone.add(store(List.of(p)));
      }
      return Future.join(alone).transform(done -> Future.succeededFuture());
    });
  }

  private void committed(List<Pending> taken, IngestBatch batch, long started, List<IncidentChange> changes) {
    metrics.committed(taken.size(), batch.receivedAlerts(), System.nanoTime() - started, changes.size());
    taken.forEach(p -> p.promise().complete());
    announcer.accept(changes);
  }

  private static IngestBatch batchOf(List<Pending> pending) {
    IngestBatch batch = new IngestBatch();
    pending.forEach(p -> batch.add(p.payload().group(), p.payload().alerts(), Traces.traceParent(p.trace())));
    return batch;
  }

  /** Takes requests up to the size bound (at least one, however large). */
  private List<Pending> take() {
    List<Pending> taken = new ArrayList<>();
    int alerts = 0;
    while (!queue.isEmpty()) {
      Pending next = queue.peekFirst();
      if (!taken.isEmpty() && alerts + next.alerts() > bounds.batchMaxAlerts()) {
        break;
      }
      taken.add(queue.pollFirst());
      alerts += next.alerts();
    }
    queuedAlerts -= alerts;
    metrics.queued(-taken.size(), -alerts);
    return taken;
  }
}
