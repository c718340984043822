package iris.enrich;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * At most {@code concurrency} enrichments at once and {@code capacity} waiting. A task that
 * finds the queue full still runs, at once, told to skip the LLM: nothing is dropped, and
 * the slow part is what gives way. Used on one event loop only.
 */
final class EnrichmentQueue {
  static final String FULL = "enrichment queue full: template used instead of the LLM";

  private final int concurrency;
  private final int capacity;
  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  EnrichmentQueue(int concurrency, int capacity) {
    this.concurrency = concurrency;
    this.capacity = capacity;
  }

  /** Runs {@code task} with null, or with {@link #FULL} when it must degrade. */
  <T> Future<T> submit(Function<String, Future<T>> task) {
    if (running < concurrency) {
      return run(task, null);
    }
    if (waiting.size() >= capacity) {
      return task.apply(FULL);
    }
    Promise<T> promise = Promise.promise();
    waiting.add(() -> run(task, null).onComplete(promise));
    return promise.future();
  }

  private <T> Future<T> run(Function<String, Future<T>> task, String degraded) {
    running++;
    Future<T> result;
    try {
      result = task.apply(degraded);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.onComplete(r -> {
      running--;
      Runnable next = waiting.poll();
      if (next != null) {
        next.run();
      }
    });
  }

  int waiting() {
    return waiting.size();
  }

  int running() {
    return running;
  }
}
