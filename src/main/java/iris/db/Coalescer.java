package iris.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns many requests of one shape into one statement: requests made while a statement of the
 * same shape is on its way (or in the same event-loop turn) wait for it and go together in the
 * next one. Without load every request goes at once, alone; under load a stage's groups share
 * their round trips (the cost on a busy node is per statement, not per row).
 *
 * <p>Works on one Vert.x context (the one it is created with); requests from elsewhere are passed to it. {@code load} answers the
 * requests in their order, one answer each; a failed statement fails every request in it.
 */
public final class Coalescer<K, V> {
  private final ContextInternal context;
  private final int max;
  private final Function<List<K>, Future<List<V>>> load;
  private List<K> keys = new ArrayList<>();
  private List<Promise<V>> waiting = new ArrayList<>();
  private List<ContextInternal> callers = new ArrayList<>();
  private boolean scheduled;
  private boolean inFlight;

  /** @param max requests in one statement at most; more wait for the next */
  public Coalescer(Context context, int max, Function<List<K>, Future<List<V>>> load) {
    this.context = ((ContextInternal) context).unwrap();
    this.max = max;
    this.load = load;
  }

  public Future<V> add(K key) {
    ContextInternal caller = ContextInternal.current();
    if (caller == null || caller.unwrap() != context) { // a caller off the context (a test's thread): its request joins there
      Promise<V> hop = caller == null ? Promise.promise() : caller.promise();
      context.runOnContext(v -> add(key).onComplete(hop));
      return hop.future();
    }
    // The answer comes back on the caller's own (duplicated) context: a traced stage stays in its span.
    Promise<V> promise = caller.promise();
    keys.add(key);
    waiting.add(promise);
    callers.add(caller);
    if (!inFlight && !scheduled) {
      scheduled = true;
      context.runOnContext(v -> flush()); // the rest of this turn's requests join
    }
    return promise.future();
  }

  private void flush() {
    scheduled = false;
    if (inFlight || keys.isEmpty()) {
      return;
    }
    int n = Math.min(max, keys.size());
    List<K> batch = new ArrayList<>(keys.subList(0, n));
    List<Promise<V>> promises = new ArrayList<>(waiting.subList(0, n));
    ContextInternal first = callers.get(0);
    keys = new ArrayList<>(keys.subList(n, keys.size()));
    waiting = new ArrayList<>(waiting.subList(n, waiting.size()));
    callers = new ArrayList<>(callers.subList(n, callers.size()));
    inFlight = true;
    // The statement goes out on the first request's context: when it is traced, its span is in that trace.
    Promise<List<V>> answered = first.promise();
    first.dispatch(() -> {
      try {
        load.apply(batch).onComplete(answered);
      } catch (RuntimeException e) {
        answered.fail(e);
      }
    });
    answered.future().onComplete(done -> {
      inFlight = false;
      boolean whole = done.succeeded() && done.result() != null && done.result().size() == promises.size();
      for (int i = 0; i < promises.size(); i++) {
        if (done.succeeded() && !whole) {
          promises.get(i).fail(new IllegalStateException("a coalesced statement gave " + done.result() + " for " + promises.size()));
        } else if (done.failed()) {
          promises.get(i).fail(done.cause());
        } else {
          promises.get(i).complete(done.result().get(i));
        }
      }
      if (!keys.isEmpty()) {
        flush();
      }
    });
  }
}
