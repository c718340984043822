package iris.enrich;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * At most {@code size} tasks running at once; the others wait in order. Used from one Vert.x
 * context. The waiting line is bounded by its callers (the groups a stage has in work).
 */
final class Slots {
  private final int size;
  private final Queue<Promise<Void>> waiting = new ArrayDeque<>();
  private int running;

  Slots(int size) {
    this.size = size;
  }

  <T> Future<T> run(Supplier<Future<T>> task) {
    return acquire().compose(v -> {
      Future<T> result;
      try {
        result = task.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result.transform(done -> {
        release();
        return done.succeeded() ? Future.succeededFuture(done.result()) : Future.failedFuture(done.cause());
      });
    });
  }

  int running() {
    return running;
  }

  int waiting() {
    return waiting.size();
  }

  private Future<Void> acquire() {
    if (running < size) {
      running++;
      return Future.succeededFuture();
    }
    Promise<Void> turn = Promise.promise();
    waiting.add(turn);
    return turn.future();
  }

  private void release() {
    Promise<Void> next = waiting.poll();
    if (next != null) {
      next.complete(); // the slot passes on: running stays the same
    } else {
      running--;
    }
  }
}
